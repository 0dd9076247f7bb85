"""GX itself (pandas engine) and the DuckDB compilation agree on every expectation.

Partner answers (category exchange) cannot be planted as synthetic rows (they are verified against
signed bytes and the query log): tests/test_exchange_flow.py checks their suite's parity.
"""

from __future__ import annotations

import pytest

from hedui.registry import load_registry

# The planted landing and its validation run come from test_validation's module fixtures.
from tests.gx_parity import assert_matches_gx
from tests.test_validation import D, landed, run  # noqa: F401

LOCAL_SOURCES = [name for name, src in load_registry().items() if src.category != "exchange"]


@pytest.mark.parametrize("source", LOCAL_SOURCES)
def test_compiled_duckdb_matches_gx_pandas(source: str, landed: dict, run: dict) -> None:  # noqa: F811
    folder = landed["root"] / "landing" / source / D.isoformat()
    assert_matches_gx(source, folder, run["run"].sources[source].result_path)
