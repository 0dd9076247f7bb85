"""The 京津冀 exchange in the web app and its CLI (docs/exchange.md): staff's list of requests
waiting on a partner region (overdue first, filtered, exported, every look audited), the
partners' answer times and refusal rates on the data-quality pages and in ``hedui dq``, and the
核对报告 naming the region and as-of date of a member's figures, or the region it waits on."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from pypdf import PdfReader
from test_web import PASSWORDS, Deployment, login, make_deployment

from hedui.web.cli_functions import dq_summary, to_json
from hedui.web.masking import mask_name
from hedui_testing.web_sample import (
    CROSS_REGION_MEMBERS,
    HOUSEHOLDS,
    LATEST,
    add_cross_region_sample,
)

BEIJING_MEMBER, _, _ = CROSS_REGION_MEMBERS["SQ2026110001"]
HEBEI_MEMBER, _, _ = CROSS_REGION_MEMBERS["SQ2026110002"]


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("web-cross-region"), add_cross_region_sample)


def _rows(html: str) -> list[list[str]]:
    """The cells of the list table, as text."""
    body = html.split('<table id="list">')[1].split("</table>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_staff_see_requests_waiting_on_a_region_overdue_first(dep: Deployment) -> None:
    staff = login(dep.app, "staff1")
    assert '<a href="/lists/cross_region">' in staff.get("/tasks/warnings").text
    html = staff.get("/lists/cross_region").text
    assert "共 3 条" in html
    assert _rows(html) == [
        [
            "SQ2026110002",
            HOUSEHOLDS[1].household_id,
            "河东区",
            "河北省 130000",
            "逾期未答复 overdue",
            "1",
            "2026-11-20",
            "2026-11-20 10:00:00 北京时间",
            "7",
            "逾期 overdue",
        ],
        [
            "SQ2026110003",
            "—",
            "—",
            "北京市 110000",
            "对方拒绝 refused",
            "2",
            "2026-11-24",
            "2026-11-24 10:00:00 北京时间",
            "2",
            "",
        ],
        [
            "SQ2026110004",
            HOUSEHOLDS[3].household_id,
            "和平区",
            "河北省 130000",
            "已发送待答复 sent, waiting",
            "1",
            "2026-11-26",
            "2026-11-26 10:00:00 北京时间",
            "1",
            "",
        ],
    ]
    assert '<a href="/report/SQ2026110002?run_date=2026-11-27">SQ2026110002</a>' in html
    for h in HOUSEHOLDS:  # no ID number on the list
        assert all(m.id_number not in html for m in h.members)
    seen = dep.audit.records(1, action="view.list.cross_region")[0]
    assert (seen.username, seen.target, seen.row_count) == ("staff1", "all", 3)

    hebei = staff.get("/lists/cross_region?region=130000").text
    assert [r[0] for r in _rows(hebei)] == ["SQ2026110002", "SQ2026110004"]
    refused = staff.get("/lists/cross_region?query_status=refused").text
    assert [r[0] for r in _rows(refused)] == ["SQ2026110003"]
    seen = dep.audit.records(1, action="view.list.cross_region")[0]
    assert (seen.target, seen.row_count) == ("query_status=refused", 1)
    longest = staff.get("/lists/cross_region?sort=days_waiting&dir=desc").text
    assert [r[0] for r in _rows(longest)] == ["SQ2026110002", "SQ2026110003", "SQ2026110004"]

    body = staff.get("/lists/cross_region/export.csv?region=130000").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == [
        "申请编号 Request",
        "户号 Household",
        "行政区划 District",
        "协查地区 Partner region",
        "查询状态 Query status",
    ]
    assert [(r[0], r[4], r[-1]) for r in rows[1:]] == [
        ("SQ2026110002", "逾期未答复 overdue", "逾期 overdue"),
        ("SQ2026110004", "已发送待答复 sent, waiting", ""),
    ]
    assert dep.audit.records(1, action="export.cross_region")[0].row_count == 2
    board = staff.get("/dashboard").text  # the staff dashboard counts them, linked
    assert '<a href="/lists/cross_region">3</a>' in board
    assert '<a href="/lists/cross_region?query_status=overdue">1</a>' in board
    # an auditor has no household economics: refused, and the refusal audited
    assert login(dep.app, "audit1").get("/lists/cross_region").status_code == 403


def test_dq_shows_partner_answer_times_and_refusal_rates(dep: Deployment) -> None:
    auditor = login(dep.app, "audit1")
    for page in (f"/dq/{LATEST}", "/dq"):
        html = auditor.get(page).text
        table = html.split('<table id="partners">')[1].split("</table>")[0]
        beijing = table.split('data-region="110000"')[1].split("</tr>")[0]
        hebei = table.split('data-region="130000"')[1].split("</tr>")[0]
        assert _cells(beijing) == [
            "北京市 110000", "5", "5", "3", "0", "1", "0", "1", "25.0%", "1.50", "3",
        ]  # fmt: skip
        # Hebei has closed no query: its rate and times are undefined, not zero
        assert _cells(hebei) == [
            "河北省 130000", "2", "2", "0", "0", "0", "1", "1", "—", "—", "—",
        ]  # fmt: skip
    out = json.loads(to_json(dq_summary(dep.root / "warehouse", LATEST)))
    assert [
        (p["region"], p["refused"], p["refusal_rate"], p["median_answer_days"])
        for p in out["partners"]
    ] == [("110000", 1, "0.2500", "1.50"), ("130000", 0, None, None)]


def test_report_names_the_region_and_as_of_date_of_the_figures(dep: Deployment) -> None:
    staff = login(dep.app, "staff1")
    html = staff.get("/report/SQ2026110001").text
    table = html.split('<table id="regions">')[1].split("</table>")[0]
    assert 'data-region="110000" data-finding="found"' in table
    assert mask_name(BEIJING_MEMBER.name) in table and "北京市 110000" in table
    assert "2026-11-26" in table  # the as-of date of Beijing's answer
    assert 'id="regions-pending"' not in html
    assert BEIJING_MEMBER.id_number not in html

    html = staff.get("/report/SQ2026110002").text
    pending = html.split('id="regions-pending"')[1].split("</p>")[0]
    assert mask_name(HEBEI_MEMBER.name) in pending and "河北省 130000" in pending
    assert "逾期未答复" in pending
    assert "异地核查 河北省 cross_region:130000" in html  # the missing source, named
    seen = dep.audit.records(1, action="view.report")[0]
    assert (seen.username, seen.target) == ("staff1", "SQ2026110002")

    pdf = staff.get("/report/SQ2026110002/pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")
    assert "Waiting on a partner region, undecided" in text  # (CJK only with a CJK font)
    flat = " ".join(text.split())  # the CJK words between them only with a CJK font
    assert re.search(r"130000 [^A-Za-z0-9]*no answer in time: undecided", flat), flat


def test_cli_lists_requests_waiting_on_a_region(dep: Deployment) -> None:
    """``hedui tasks regions``: signed in, the same list as the page, audited (client cli)."""
    from typer.testing import CliRunner

    from hedui.cli import app as cli_app

    result = CliRunner().invoke(
        cli_app,
        [
            *("tasks", "regions", "--warehouse", str(dep.config.warehouse_dir), "--json"),
            *("--region", "130000", "--user", "staff1"),
        ],
        env={"HEDUI_TOKEN": "", "HEDUI_USER": "", "HEDUI_WEB_SECRET": "k" * 40},
        input=PASSWORDS["staff1"] + "\n",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("[") :])
    assert [
        (r["request_id"], r["query_status"], r["days_waiting"], r["overdue"]) for r in rows
    ] == [
        ("SQ2026110002", "逾期未答复 overdue", "7", "逾期 overdue"),
        ("SQ2026110004", "已发送待答复 sent, waiting", "1", ""),
    ]
    seen = dep.audit.records(1, action="view.list.cross_region")[0]
    assert (seen.username, seen.target, seen.row_count) == ("staff1", "region=130000", 2)
    assert seen.detail_dict["client"] == "cli"
