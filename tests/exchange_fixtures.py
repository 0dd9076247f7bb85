"""Small synthetic validated inputs and a loopback partner for the exchange tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hedui.exchange.signing import generate, private_key_from_b64, public_b64
from hedui.idnumbers import id_check_char

DAY = date(2026, 11, 20)


def idn(prefix6: str, serial: int) -> str:
    first17 = f"{prefix6}19800101{serial:03d}"
    return first17 + id_check_char(first17)


LOCAL = idn("120101", 1)
BEIJING = idn("110101", 2)
HEBEI = idn("130102", 3)
BEIJING_NO_AUTH = idn("110105", 4)
GUANGDONG = idn("440103", 5)
BEIJING_LOCAL = idn("110108", 6)  # a Beijing-born member with a Tianjin hukou: covered


def write_validated(root: Path, day: date = DAY) -> None:
    """validated/hukou and validated/verification_request for ``day``."""
    hukou = root / "hukou" / day.isoformat() / "data.parquet"
    hukou.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id_number": [LOCAL, BEIJING_LOCAL]}), hukou)
    members = [LOCAL, BEIJING, HEBEI, BEIJING_NO_AUTH, GUANGDONG, BEIJING_LOCAL]
    requests = root / "verification_request" / day.isoformat() / "data.parquet"
    requests.parent.mkdir(parents=True)
    table = {
        "request_id": ["R2026110001"] * len(members),
        "member_id_number": members,
        "applicant": ["1", "0", "0", "0", "0", "0"],
        "authorization_no": ["A1", "A2", "A3", None, "A5", "A6"],
        "purpose": ["dibao"] * len(members),
        "street_code": ["120101001"] * len(members),
        "requested_at": [date(2026, 11, 18)] * len(members),
    }
    pq.write_table(pa.table(table), requests)


class Keys:
    """Hedui's key pair and the two partners'."""

    def __init__(self) -> None:
        self.hedui_private, self.hedui_public = generate()
        self.beijing_private, self.beijing_public = generate()
        self.hebei_private, self.hebei_public = generate()

    def private(self, b64: str):  # type: ignore[no-untyped-def]
        return private_key_from_b64(b64)

    def public_of(self, b64: str) -> str:
        return public_b64(private_key_from_b64(b64))
