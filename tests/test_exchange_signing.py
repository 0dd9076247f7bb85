"""Canonical form and Ed25519 signatures of exchange records; keys from the environment;
``hedui exchange keygen``; the exchange configuration."""

from __future__ import annotations

import base64
import stat

import pytest
from typer.testing import CliRunner

from hedui.cli import app
from hedui.exchange.config import ExchangeConfigError, load_config, parse_config
from hedui.exchange.signing import (
    canonical,
    generate,
    own_private_key,
    private_key_from_b64,
    public_key_from_b64,
    sign,
    verify,
)


def test_canonical_form_is_exact() -> None:
    record = {"b": 1, "a": "北京", "signature": "x", "c": [{"z": 1.5, "y": None}]}
    assert canonical(record) == '{"a":"北京","b":1,"c":[{"y":null,"z":1.5}]}'.encode()


def test_sign_and_verify() -> None:
    private, public = generate()
    record = sign({"query_id": "Q1", "amount": 12.5, "name": "天津"}, private_key_from_b64(private))
    key = public_key_from_b64(public)
    assert verify(record, key)
    assert len(base64.b64decode(record["signature"])) == 64
    assert not verify({**record, "amount": 12.6}, key)  # tampered
    assert not verify({k: v for k, v in record.items() if k != "signature"}, key)  # unsigned
    assert not verify({**record, "signature": "not base64!"}, key)
    other = public_key_from_b64(generate()[1])
    assert not verify(record, other)  # someone else's key


def test_own_key_from_environment_or_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    private, public = generate()
    file = tmp_path / "key"
    file.write_text(private + "\n")
    for env in (
        {"HEDUI_EXCHANGE_PRIVATE_KEY": private},
        {"HEDUI_EXCHANGE_PRIVATE_KEY_FILE": str(file)},
    ):
        signed = sign({"a": 1}, own_private_key(env))
        assert verify(signed, public_key_from_b64(public))
    with pytest.raises(RuntimeError, match="HEDUI_EXCHANGE_PRIVATE_KEY"):
        own_private_key({})
    with pytest.raises(RuntimeError, match="32"):
        own_private_key({"HEDUI_EXCHANGE_PRIVATE_KEY": base64.b64encode(b"short").decode()})


def test_keygen_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "hedui.key"
    result = CliRunner().invoke(app, ["exchange", "keygen", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    public = public_key_from_b64(result.output.strip())
    assert verify(sign({"q": 1}, private_key_from_b64(out.read_text())), public)


def test_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    public = generate()[1]
    assert load_config(env={}) is None
    path = tmp_path / "exchange.yaml"
    path.write_text(
        "partners:\n"
        f'  "110000": {{public_key: "{public}", kind: http, options: {{base_url: "http://x"}}}}\n'
        f'  "130000": {{public_key: "{public}", kind: folder, options: {{path: /srv/x}}}}\n'
    )
    config = load_config(env={"HEDUI_EXCHANGE_CONFIG": str(path)})
    assert config is not None and sorted(config.partners) == ["110000", "130000"]
    assert config.partners["130000"].kind == "folder"
    for bad in (
        {"partners": {"440000": {"public_key": public, "options": {"base_url": "x"}}}},
        {"partners": {"110000": {"public_key": public, "kind": "http"}}},
        {"partners": {"110000": {"public_key": "abc", "options": {"base_url": "x"}}}},
    ):
        with pytest.raises((ExchangeConfigError, RuntimeError)):
            parse_config(bad)


def test_steps_without_configuration_do_nothing(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hedui.exchange.night import NOT_CONFIGURED, receive_step, send_step
    from hedui.run_context import RunContext

    monkeypatch.delenv("HEDUI_EXCHANGE_CONFIG", raising=False)
    ctx = RunContext.create("2026-11-20", tmp_path / "ws")
    assert receive_step(ctx) == {"skipped": NOT_CONFIGURED}
    assert send_step(ctx) == {"skipped": NOT_CONFIGURED}
    assert not (tmp_path / "ws" / "exchange").exists()
    assert not (tmp_path / "ws" / "inbox").exists()


def test_missing_private_key_alerts_and_the_night_goes_on(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from hedui.exchange.night import send_step
    from hedui.run_context import RunContext

    public = generate()[1]
    path = tmp_path / "exchange.yaml"
    path.write_text(
        f'partners: {{"110000": {{public_key: "{public}", options: {{base_url: "http://x"}}}}}}\n'
    )
    monkeypatch.setenv("HEDUI_EXCHANGE_CONFIG", str(path))
    monkeypatch.delenv("HEDUI_EXCHANGE_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("HEDUI_EXCHANGE_PRIVATE_KEY_FILE", raising=False)
    out = send_step(RunContext.create("2026-11-20", tmp_path / "ws"))
    assert out["error"].startswith("exchange send not run: ExchangeKeyError")
    assert "HEDUI ALERT" in capsys.readouterr().out
