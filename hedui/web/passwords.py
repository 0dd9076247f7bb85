"""Password hashing with scrypt and a per-password random salt (stdlib only).

Cost N = 2^17 (r = 8: 128 MiB per hash). ``HEDUI_SCRYPT_LOG2N`` lowers it for test suites only;
hashes made with another N are replaced at the next successful sign-in.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

DEFAULT_LOG2N = 17
_R, _P, _DKLEN = 8, 1, 32
MIN_LENGTH = 10


def cost_n() -> int:
    """Today's scrypt N: 2^17 unless HEDUI_SCRYPT_LOG2N (tests) says otherwise."""
    return 2 ** int(os.environ.get("HEDUI_SCRYPT_LOG2N") or DEFAULT_LOG2N)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=dklen,
        maxmem=256 * n * r + (1 << 20),
    )


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash``; the parameters travel with the hash so they can be raised."""
    salt, n = os.urandom(16), cost_n()
    digest = _scrypt(password, salt, n, _R, _P, _DKLEN)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def needs_rehash(stored: str) -> bool:
    """True when the stored hash was made with other parameters than today's."""
    parts = stored.split("$")
    return len(parts) != 6 or parts[1:4] != [str(cost_n()), str(_R), str(_P)]


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash; malformed hashes never match."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or int(n) > 2**20:
            return False
        expected = base64.b64decode(digest)
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_strength(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位 (at least {MIN_LENGTH} characters)"
    if len(password) > 200:
        return "密码最多 200 位 (at most 200 characters)"
    if password.isdigit() or password.isalpha():
        return "密码须同时包含字母和数字 (mix letters and digits)"
    return None


@functools.cache
def _dummy(n: int) -> str:
    return hash_password(_b64(os.urandom(12)))


def dummy_hash() -> str:
    """A valid hash of a random password at today's cost: checked when the user does not exist,
    so a sign-in for an unknown name costs the same time as a wrong password."""
    return _dummy(cost_n())
