"""Worklist end to end in headless Chromium: assign a red warning, record its outcome and close
it; the next night is published and the task stays closed; a filtered worklist exported to XLSX
reads back with the exact rows. Reuses the browser, sign-in and port helpers of
test_web_browser.py with a deployment of its own (a second night is published mid-test)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from test_web_browser import ARGS, CHROMIUM, _free_port, _sign_in, playwright_api

from hedui.publish import publish
from hedui.web.app import create_app
from hedui.web.config import WebConfig
from hedui_testing.web_sample import HOUSEHOLDS, LATEST, add_sample_night, build_sample_warehouse

NEXT_NIGHT = date(2026, 11, 28)


@dataclass
class Site:
    url: str
    root: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("worklist-browser")
    publish(build_sample_warehouse(root / "staging.duckdb"), root / "warehouse", str(LATEST))
    app = create_app(WebConfig.create(root / "warehouse", secret_key="w" * 40))
    app.state.users.add("staff1", "staff-pass-123", "staff")
    app.state.users.add("staff2", "staff-pass-456", "staff")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", root)
    finally:
        server.should_exit = True
        thread.join(10)


def _publish_next_night(root: Path) -> None:
    staging = Path(shutil.copy(root / "staging.duckdb", root / "staging-next.duckdb"))
    publish(add_sample_night(staging, NEXT_NIGHT), root / "warehouse", str(NEXT_NIGHT))


@pytest.mark.timeout(180)
def test_close_a_warning_task_it_stays_closed_and_exports(site: Site, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    household = HOUSEHOLDS[0].household_id
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.set_default_timeout(15_000)
            _sign_in(page, site.url)
            page.goto(f"{site.url}/tasks/warnings")
            assert "共 3 条" in page.inner_text("#total")
            page.select_option("select[name=severity]", "red")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**severity=red**")
            assert "共 1 条" in page.inner_text("#total")
            page.click("#tasks a[href^='/task/']")
            page.wait_for_url("**/task/*")
            task_url = page.url
            assert page.inner_text("#subject") == household

            page.click("#assign-me button")
            page.wait_for_selector("#assignee:text-is('staff1')")
            assert page.get_attribute("#status", "data-status") == "in_progress"
            page.select_option("#record-outcome select[name=outcome]", "confirmed")
            page.fill("#record-outcome textarea[name=note]", "入户核实：收入确已中断")
            page.click("#record-outcome button")
            page.wait_for_selector("#outcome:text-is('属实 confirmed')")
            page.click("#close button")
            page.wait_for_selector("#status[data-status=closed]")
            assert [
                c.strip()
                for c in page.locator("#history tbody tr td:nth-child(3)").all_inner_texts()
            ] == [
                "assign",
                "outcome",
                "close",
            ]

            _publish_next_night(site.root)  # the next night: the warning is still ongoing
            page.goto(f"{site.url}/tasks/warnings?status=active")
            assert "共 2 条" in page.inner_text("#total")  # the closed one is not back
            page.goto(task_url)
            assert page.get_attribute("#status", "data-status") == "closed"
            assert page.inner_text("#last_run") == str(NEXT_NIGHT)
            assert page.inner_text("#source_status") == "持续 ongoing"

            page.goto(f"{site.url}/tasks/warnings")
            page.select_option("select[name=status]", "closed")
            page.click("#filters button[type=submit]")
            page.wait_for_url("**status=closed**")
            with page.expect_download() as info:
                page.click("#export-xlsx")
            path = tmp_path / "tasks.xlsx"
            info.value.save_as(path)
        finally:
            browser.close()
    rows = [[c.value for c in r] for r in load_workbook(path).active.iter_rows()]
    task_id = task_url.rsplit("/", 1)[1]
    assert rows[1:] == [
        [
            task_id,
            household,
            "和平区",
            "W_INCOME_DROP 收入骤降",
            "红色 red",
            "持续 ongoing",
            "已办结 closed",
            "staff1",
            "属实 confirmed",
            "入户核实：收入确已中断",
            "2026-11-25",
            "2026-11-28",
            None,  # an empty cell: not overdue once closed
        ]
    ]
    assert rows[0][:3] == ["任务号 Task", "户号/案件 Household / case", "行政区划 District"]
