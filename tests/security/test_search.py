"""Every search is audited (query masked, row count), needs at least six characters and is
rate limited per user."""

from __future__ import annotations

import pytest
from sec_deploy import Deployment, login, make_deployment

from hedui.web.config import Limits
from hedui_testing.web_sample import HOUSEHOLDS


@pytest.mark.parametrize("q", ["1", "12010", "JZ", "SQ202", "%", "_____"])
def test_a_search_below_the_length_limit_is_refused_and_audited(dep: Deployment, q: str) -> None:
    r = login(dep.app, "staff1").get("/search", params={"kind": "household", "q": q})
    assert r.status_code == 400 and "at least 6 characters" in r.text
    assert "<table>" not in r.text
    rec = dep.last("search.household")
    assert (rec.outcome, rec.target, rec.row_count) == ("refused", q, None)


def test_a_search_is_audited_with_the_masked_query_and_the_row_count(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    assert client.get("/search", params={"kind": "household", "q": "120101"}).status_code == 200
    rec = dep.last("search.household")
    assert (rec.outcome, rec.target, rec.row_count) == ("ok", "120101", 1)
    raw = HOUSEHOLDS[0].members[0].id_number  # someone pastes an ID number into the box
    client.get("/search", params={"kind": "case", "q": raw})
    rec = dep.last("search.case")
    assert raw not in rec.target and rec.target == raw[:6] + "********" + raw[-4:]
    assert rec.row_count == 0


def test_searches_are_rate_limited_per_user(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dep = make_deployment(tmp_path, limits=Limits(searches_per_minute=3))
    client = login(dep.app, "staff1")
    codes = [
        client.get("/search", params={"kind": "request", "q": "SQ2026"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert dep.last("search.request").outcome == "throttled"
