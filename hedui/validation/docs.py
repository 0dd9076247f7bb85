"""Data Docs: GX's own HTML renderers over the per-source results, plus a run index page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.render.renderer import ValidationResultsPageRenderer
from great_expectations.render.view import DefaultJinjaPageView

from hedui.validation.docs_offline import offline_page, ship_static
from hedui.validation.outcomes import RunValidation


def app_link(run_date: object) -> str:
    """The web app's page of the run (Data Docs are served by the app at /dq/<date>/docs/)."""
    return f"/dq/{run_date}"


def render_result(result: ExpectationSuiteValidationResult) -> str:
    """One source's validation result as a GX Data Docs page."""
    document = ValidationResultsPageRenderer().render(result)
    return DefaultJinjaPageView().render(document)


def load_result(path: Path) -> ExpectationSuiteValidationResult:
    """A saved per-source result (``validations/<source>.json``) back as a GX object."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )

    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return ExpectationSuiteValidationResultSchema().load(payload)


_STYLE = """body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.passed{background:#e6f4ea}.failed{background:#fce8e6}.missing{background:#fce8e6}
.late{background:#fef7e0}"""


def render_index(run: RunValidation, pages: dict[str, str]) -> str:
    """The run's index page: one row per source with its status, counts and page link."""
    rows = []
    for name, src in run.sources.items():
        link = pages.get(name)
        label = f'<a href="{html.escape(link)}">{html.escape(name)}</a>' if link else name
        cells = [
            label,
            html.escape(src.status),
            str(src.rows_landed),
            str(src.rows_loaded),
            str(src.rows_quarantined),
            f"{src.checks_failed}/{src.checks_evaluated}",
            html.escape(src.message),
        ]
        rows.append(
            f'<tr class="{html.escape(src.status)}">'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    header = "".join(
        f"<th>{h}</th>"
        for h in ("source", "status", "landed", "loaded", "quarantined", "failed checks", "message")
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Hedui data quality "
        f"{run.run_date}</title><style>{_STYLE}</style></head><body>"
        f'<p><a href="{app_link(run.run_date)}">← 返回核对系统 Back to Hedui</a></p>'
        f"<h1>数据质量 {run.run_date}</h1>"
        f"<h1>Data quality, deliveries of {run.run_date}</h1>"
        f"<table><tr>{header}</tr>{''.join(rows)}</table></body></html>"
    )


def write_data_docs(run: RunValidation) -> Path:
    """Render every source's saved result and the index; returns the index path."""
    docs = run.dq_dir / "data_docs"
    docs.mkdir(parents=True, exist_ok=True)
    ship_static(docs)
    pages: dict[str, str] = {}
    for name, src in run.sources.items():
        if src.result_path is None or not src.result_path.exists():
            continue
        page = docs / f"{name}.html"
        rendered = render_result(load_result(src.result_path))
        page.write_text(offline_page(rendered, app_link(run.run_date)), encoding="utf-8")
        src.docs_path = page
        pages[name] = page.name
    index = docs / "index.html"
    index.write_text(render_index(run, pages), encoding="utf-8")
    run.docs_index = index
    return index
