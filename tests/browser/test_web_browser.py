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
from hedui.web.sample import HOUSEHOLDS, LATEST, build_sample_warehouse
from hedui.web.users import UserStore

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
    UserStore(config.users_db).add("staff1", "staff-pass-123", "staff")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
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
