"""Alerts for data engineers: a task failed, or a run published with sources it could not use.

Every alert is one log line (``HEDUI ALERT ...``) and, when ``HEDUI_ALERT_WEBHOOK`` is set, a
JSON POST to that URL (a chat or paging gateway). Alerts carry names, dates and counts only,
never personal data. A webhook that fails is logged, never raised: an alert must not fail a run.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger("hedui.alerts")

WEBHOOK_ENV = "HEDUI_ALERT_WEBHOOK"


def send(kind: str, message: str, **fields: Any) -> dict[str, Any]:
    """Emit one alert; returns its payload."""
    payload = {"kind": kind, "message": message, **fields}
    line = json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)
    log.warning("HEDUI ALERT %s", line)
    print(f"HEDUI ALERT {line}", flush=True)
    url = os.environ.get(WEBHOOK_ENV)
    if url:
        try:
            import httpx

            httpx.post(
                url,
                content=line.encode(),
                timeout=5.0,
                headers={"Content-Type": "application/json"},
            ).raise_for_status()
        except Exception as exc:
            log.error("alert webhook failed: %s", type(exc).__name__)
    return payload


def task_failed(dag_id: str, task_id: str, run_id: str, try_number: int, error: str) -> dict:
    return send(
        "task_failed",
        f"{dag_id}.{task_id} failed (try {try_number})",
        dag_id=dag_id,
        task_id=task_id,
        run_id=run_id,
        try_number=try_number,
        error=error,
    )


def run_degraded(summary: dict[str, Any]) -> dict | None:
    """Alert when the published run could not use every source (failed, missing, late)."""
    sources = summary.get("sources", [])
    unusable = sorted(s["source"] for s in sources if s["status"] in ("failed", "missing"))
    late = sorted(s["source"] for s in sources if s["status"] == "late")
    incomplete = sum(t.get("incomplete", 0) for t in summary.get("tiers", {}).values())
    if not unusable and not late:
        return None
    parts = []
    if unusable:
        parts.append(f"unusable: {', '.join(unusable)}")
    if late:
        parts.append(f"late (earlier delivery in use): {', '.join(late)}")
    return send(
        "run_degraded",
        f"run {summary.get('run_date')} published with {'; '.join(parts)}; "
        f"{incomplete} household results incomplete",
        run_date=summary.get("run_date"),
        unusable=unusable,
        late=late,
        incomplete_results=incomplete,
    )
