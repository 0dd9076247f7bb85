"""End to end in headless Chromium: sign in, find a planted household and request, read the tier.

Uses Debian's chromium (``.ci/apt-packages.sh`` installs it) through Playwright, never a
downloaded browser build. The app runs under uvicorn on a free loopback port in a thread.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from hedui.publish import publish
from hedui.web.app import create_app
from hedui.web.config import WebConfig
from hedui_testing.web_sample import HOUSEHOLDS, LATEST, build_sample_warehouse

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("chromium missing: run .ci/apt-packages.sh")
    pytest.skip("Debian chromium not installed (.ci/apt-packages.sh)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    publish(build_sample_warehouse(root / "staging.duckdb"), root / "warehouse", str(LATEST))
    config = WebConfig.create(root / "warehouse", secret_key="b" * 40)
    app = create_app(config)
    app.state.users.add("staff1", "staff-pass-123", "staff")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.timeout(180)
def test_staff_finds_a_household_and_reads_the_report_tier(base_url: str) -> None:
    household = HOUSEHOLDS[0]
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base_url}/household/{household.household_id}")
            assert "/login" in page.url  # anonymous: sent to sign in, then back
            page.fill("input[name=username]", "staff1")
            page.fill("input[name=password]", "staff-pass-123")
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(f"**/household/{household.household_id}")

            page.goto(f"{base_url}/search")
            page.select_option("select[name=kind]", "household")
            page.fill("input[name=q]", household.household_id[:6])
            page.click("form[action='/search'] button[type=submit]")
            page.click(f"a:text-is('{household.household_id}')")
            page.wait_for_url(f"**/household/{household.household_id}")
            assert "(dibao)" in page.inner_text(".result .tier")

            page.goto(f"{base_url}/search")
            page.select_option("select[name=kind]", "request")
            page.fill("input[name=q]", "SQ2026")
            page.click("form[action='/search'] button[type=submit]")
            page.click("a:text-is('SQ2026110001')")
            page.wait_for_url("**/report/SQ2026110001")
            tier = page.locator("#tier")
            assert tier.get_attribute("data-tier") == "dibao"
            assert "最低生活保障 (dibao)" in tier.inner_text()
            assert page.locator("a", has_text="Download PDF").count() == 1
        finally:
            browser.close()


def _sign_in(page: object, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", "staff1")
    page.fill("input[name=password]", "staff-pass-123")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base_url}/**")


@pytest.mark.timeout(180)
def test_print_a_report_to_pdf(base_url: str) -> None:
    """Print the report page (print styles) to PDF in Chromium and read the PDF's text."""
    import io
    import unicodedata

    from pypdf import PdfReader

    from hedui.web.config import DEFAULT_ISSUER

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            _sign_in(page, base_url)
            page.goto(f"{base_url}/report/SQ2026110001")
            page.emulate_media(media="print")
            body = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    text = "\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(body)).pages)
    # Chromium's PDF maps some glyphs to Kangxi / supplement radicals (⼼ for 心, ⺠ for 民) and
    # ligatures (ﬁ): NFKC folds most back; line breaks fall anywhere in CJK text
    text = unicodedata.normalize("NFKC", text.replace("\x00", "")).replace("⺠", "民")
    text = "".join(text.split())
    report_no = f"HD-{LATEST:%Y%m%d}-SQ2026110001"
    for want in (
        report_no,  # report number
        DEFAULT_ISSUER,  # issuing body
        "低保标准 ¥1,010",  # the standard in force
        "(1,010 − 620) × 3 = 1,170",  # the formula's figures
        "低于低保标准 ¥1,010，差 ¥390",  # the reason
        "核对人",
        "复核人",
        "盖章",
    ):
        assert "".join(unicodedata.normalize("NFKC", want).split()) in text, want
    assert "下载PDF" not in text  # the print view hides the page's controls


@pytest.mark.timeout(180)
def test_export_a_filtered_warnings_list_to_xlsx(base_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.set_default_timeout(15_000)
            _sign_in(page, base_url)
            page.goto(f"{base_url}/lists/warnings")
            page.select_option("select[name=severity]", "red")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**severity=red**")
            assert "共 1 条" in page.inner_text("#total")
            with page.expect_download() as info:
                page.click("#export-xlsx")
            path = tmp_path / "warnings.xlsx"
            info.value.save_as(path)
        finally:
            browser.close()
    rows = [[c.value for c in r] for r in load_workbook(path).active.iter_rows()]
    assert len(rows) == 2
    assert rows[1][0] == HOUSEHOLDS[0].household_id
    assert rows[1][2] == "W_INCOME_DROP 收入骤降" and rows[1][3] == "红色 red"
