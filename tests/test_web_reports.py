"""The formal 核对报告 (page, PDF, batch), reasons in numbers, twelve income months and the
policy page, over the sample warehouse (its parameters are the project's dated seed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_web import Deployment, login, make_deployment

from hedui.web.config import DEFAULT_ISSUER
from hedui.web.masking import mask_id_report, mask_name
from hedui_testing.web_sample import HOUSEHOLDS, LATEST, PERIODS, REQUESTS

H1 = HOUSEHOLDS[0]  # dibao, 3 members, income 620 per person, amount 1,170
REPORT_NO = f"HD-{LATEST:%Y%m%d}-SQ2026110001"


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("web-reports"))


def _pdf_text(body: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    return text.replace("\x00", "")  # the CJK font maps to two-byte codes


def test_report_page_is_a_formal_report(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get("/report/SQ2026110001").text
    assert REPORT_NO in html and DEFAULT_ISSUER in html
    assert "申请日期" in html and str(LATEST.replace(day=LATEST.day - 9)) in html
    for m in H1.members:  # masked names and IDs only, never the full ones
        assert mask_name(m.name) in html and mask_id_report(m.id_number) in html
        assert m.id_number not in html
    assert "低保标准 ¥1,010" in html  # the standard in force, from the warehouse
    assert "(1,010 − 620) × 3 = 1,170" in html  # the amount's formula
    assert "低于低保标准 ¥1,010，差 ¥390" in html  # the reason, by how much
    for label in ("核对人", "复核人", "盖章", "北京时间"):
        assert label in html


def test_report_pdf_has_the_formal_content(dep: Deployment) -> None:
    r = login(dep.app, "staff1").get("/report/SQ2026110001/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    text = _pdf_text(r.content)
    for want in (REPORT_NO, DEFAULT_ISSUER, "1,010", "1,170", "核对人", "复核人", "盖章"):
        assert want in text, want
    assert "620" in text and "差 ¥390" in text
    assert f"1 / {len(reader.pages)}" in text  # page x / y
    assert H1.members[0].id_number not in text


def test_refused_request_says_why_it_is_not_judged(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get("/report/SQ2026110002").text
    assert "未授权" in html and "V_AUTH_MISSING" in html


def test_batch_pdf_prints_all_reports_of_the_day(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    listing = client.get(f"/reports?run_date={LATEST}").text
    assert all(rid in listing for rid in REQUESTS)
    r = client.get(f"/reports/{LATEST}/pdf")
    assert r.status_code == 200
    text = _pdf_text(r.content)
    for rid in REQUESTS:
        assert f"HD-{LATEST:%Y%m%d}-{rid}" in text
    assert dep.audit.records(1, action="download.reports_pdf")[0].target == f"{LATEST}:1"


def test_none_household_names_its_failed_test(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get(f"/household/{HOUSEHOLDS[1].household_id}").text
    assert "名下有正常状态的小汽车或货车" in html  # A2, in words
    assert "原因见下方代码" not in html


def test_income_table_shows_all_twelve_months(dep: Deployment) -> None:
    """H1 has no income records in its last three months: they are shown, as zero, and the
    average divides by twelve."""
    html = login(dep.app, "staff1").get(f"/household/{H1.household_id}").text
    table = html[html.index('id="income"') : html.index("</table>", html.index('id="income"'))]
    assert len(PERIODS) == 12
    for period in PERIODS:
        assert f"<th>{period}</th>" in table, period
    assert "¥16,740.00" in table and "¥1,395.00" in table  # 9 × 1,860, then / 12
    assert f">{mask_name(H1.members[0].name)}</td>" in table  # a masked name, not a hash


def test_policy_page_lists_parameters_in_force_and_codes(dep: Deployment) -> None:
    html = login(dep.app, "audit1").get("/policy").text
    assert "低保标准（元/人/月）" in html and "1,010" in html and "2020-09-01" in html
    assert "I_INCOME_ABOVE_LINE" in html and "收入超过低收入线" in html
    assert "户籍人口信息" in html  # a source by its Chinese name


def test_code_texts_take_their_numbers_from_the_warehouse(dep: Deployment) -> None:
    html = login(dep.app, "audit1").get("/policy").text
    assert "24 个月低保标准" in html and "70%" in html and "6,000 元" in html


def test_explanations_without_parameters_write_no_number() -> None:
    from hedui.web.explain import explain

    assert "24" not in explain("A1").text and "见政策参数" in explain("A1").text
    assert "24 个月" in explain("A1", {"asset_months": 24}).text


def test_no_policy_number_in_the_explanations() -> None:
    source = (Path(__file__).parents[1] / "hedui/web/explain.py").read_text("utf-8")
    for literal in ("1.5", "24 个月", "70%", "6000", "90 天", "1010"):
        assert literal not in source, literal


# --- work lists ------------------------------------------------------------------------------


def _list(client: object, url: str) -> tuple[str, str]:
    """(the page, its result table) of a list page."""
    html = client.get(url).text
    table = html[html.index('id="total"') :]
    return html, table[table.index("<table") :] if "<table" in table else ""


def test_warnings_list_filters_sorts_pages_and_counts(dep: Deployment) -> None:
    assert login(dep.app, "audit1").get("/lists/warnings").status_code == 403  # economics
    client = login(dep.app, "staff1")
    html, _ = _list(client, "/lists/warnings")
    assert "共 3 条" in html  # the latest run's three warnings
    html, table = _list(client, "/lists/warnings?severity=orange")
    assert "共 1 条" in html and "W_MEDICAL" in table and "W_JOB_LOSS" not in table
    html, table = _list(client, "/lists/warnings?district_code=120102")  # 河东区: none
    assert "共 0 条" in html and not table
    html, table = _list(client, "/lists/warnings?district_code=120101&status=new")  # 和平区
    assert "共 1 条" in html and "W_JOB_LOSS" in table and "和平区" in table
    _, table = _list(client, "/lists/warnings?sort=household_id&dir=desc")
    assert table.index(HOUSEHOLDS[3].household_id) < table.index(H1.household_id)
    _, table = _list(client, "/lists/warnings?sort=severity")
    assert table.index("W_INCOME_DROP") < table.index("W_MEDICAL") < table.index("W_JOB_LOSS")
    assert client.get("/lists/warnings?sort=1;drop").status_code == 200  # not SQL


def test_warnings_export_xlsx_and_csv_hold_the_filtered_rows(dep: Deployment) -> None:
    from openpyxl import load_workbook

    client = login(dep.app, "staff1")
    r = client.get("/lists/warnings/export.xlsx?warning_code=W_INCOME_DROP")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "户号 Household" and len(rows) == 2
    assert rows[1][0] == H1.household_id and rows[1][1] == "和平区"
    assert rows[1][2] == "W_INCOME_DROP 收入骤降" and rows[1][3] == "红色 red"
    text = client.get("/lists/warnings/export.csv?severity=yellow").content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and HOUSEHOLDS[3].household_id in lines[1]
    assert dep.audit.records(1, action="export.warnings")[0].target == "severity=yellow"


def test_dashboard_figures_link_to_the_households_behind_them(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    html = client.get("/dashboard").text
    link = f"/lists/warnings?run_date={LATEST}&amp;warning_code=W_JOB_LOSS"
    assert link in html
    target = link.replace("&amp;", "&") + "&severity=yellow&status=new"
    assert HOUSEHOLDS[3].household_id in client.get(target).text
    assert "/lists/reviews?run_date=" in html


def test_search_pages_and_states_its_cap(dep: Deployment) -> None:
    from hedui.web.lookups import search_page
    from hedui.web.warehouse import open_warehouse

    html = login(dep.app, "staff1").get("/search?kind=request&q=SQ2026").text
    assert 'id="search-cap"' in html and "每页 50 条，最多可翻阅前 1,000 条" in html
    assert "共 2 条" in html and "第 1 / 1 页" in html and 'id="search-next"' not in html
    staff = dep.users.get("staff1")
    with open_warehouse(dep.config.warehouse_dir) as con:
        pages = [
            search_page(con, dep.audit, staff, "request", "SQ2026", page=n, page_size=1)
            for n in (1, 2)
        ]
    assert [([r["request_id"] for r in rows], total) for rows, total in pages] == [
        (["SQ2026110001"], 2),
        (["SQ2026110002"], 2),
    ]
    assert dep.audit.records(1, action="search.request")[0].detail_dict["page"] == 2


# --- Beijing time, bilingual messages, today's districts --------------------------------------


def test_times_are_beijing_time_and_districts_are_todays() -> None:
    from hedui.web.formatting import beijing, district_label

    assert beijing("2026-11-29T10:10:45+00:00") == "2026-11-29 18:10:45 北京时间"
    assert district_label("120107") == "滨海新区"  # 塘沽区 merged into 滨海新区 in 2009
    assert district_label("120225") == "蓟州区" and district_label("120101") == "和平区"


def test_audit_log_shows_beijing_time(dep: Deployment) -> None:
    login(dep.app, "staff1").get(f"/household/{H1.household_id}")
    html = login(dep.app, "audit1").get("/audit").text
    assert "北京时间" in html and "(UTC)" not in html


def test_bad_requests_answer_in_both_languages(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    r = client.get("/household/x?run_date=yesterday")
    assert r.status_code == 400 and "请求有误 Bad request" in r.text and "not a date" in r.text
    r = client.get("/lists/warnings?page=abc")
    assert r.status_code == 400 and "参数有误" in r.text and "Invalid parameter" in r.text


def test_quarantine_list_sorts_and_exports(dep: Deployment) -> None:
    client = login(dep.app, "audit1")
    html = client.get(f"/lists/quarantine?run_date={LATEST}&sort=line&dir=desc").text
    assert "共 " in html and "隔离清单" in html
    text = client.get(f"/lists/quarantine/export.csv?run_date={LATEST}").content.decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.startswith("数据源 Source,文件 File,行 Line") and rows
