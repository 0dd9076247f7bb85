"""The exchange's two nightly steps, called by the DAG and ``hedui exchange``.

``receive_step`` runs before the night's landing (answers become tonight's delivery of
``cross_region_answer``); ``send_step`` after validation (it needs the validated hukou and
requests) and before the build (the warehouse loads the query log). Without an exchange
configuration (HEDUI_EXCHANGE_CONFIG) both do nothing and say so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hedui.exchange.config import CONFIG_ENV, load_config
from hedui.exchange.querylog import log_path
from hedui.progress import report
from hedui.run_context import RunContext

NOT_CONFIGURED = f"no exchange configured ({CONFIG_ENV} unset): nothing to do"


def _setup_failed(ctx: RunContext, step: str, exc: Exception) -> dict[str, Any]:
    """A deployment problem (config, keys): alert and let the night go on; the members stay
    undecided as with a partner that is down."""
    from hedui.alerts import send

    message = f"exchange {step} not run: {type(exc).__name__}: {exc}"
    report("%s", message)
    send("exchange_failed", message, run_date=ctx.run_date, step=step)
    return {"error": message}


def receive_step(ctx: RunContext, config: Any = None) -> dict[str, Any]:
    """Fetch the partners' new answers into tonight's inbox; mark verified ones answered."""
    from hedui.exchange.receive import receive_night
    from hedui.warehouse.pseudonyms import pseudonym_key

    try:
        cfg = load_config(config)
        secret = pseudonym_key() if cfg is not None else b""
    except (ValueError, RuntimeError, OSError) as exc:
        return _setup_failed(ctx, "receive", exc)
    if cfg is None:
        report("exchange receive: %s", NOT_CONFIGURED)
        return {"skipped": NOT_CONFIGURED}
    out = receive_night(ctx.day, ctx.root, Path(ctx.inbox), ctx.validated, cfg, secret)
    report(
        "exchange receive: %s new answers, %s delivered, errors: %s",
        sum(out["received"].values()),
        sum(out["delivered"].values()),
        out["errors"] or "none",
    )
    return out


def send_step(ctx: RunContext, config: Any = None, auditor: Any = None) -> dict[str, Any]:
    """Queue tonight's queries and send every due one (audited); the night goes on when a
    partner is down."""
    from hedui.exchange.audit_sink import app_auditor
    from hedui.exchange.send import send_night
    from hedui.exchange.signing import own_private_key
    from hedui.warehouse.pseudonyms import pseudonym_key

    try:
        cfg = load_config(config)
        if cfg is not None:
            key, secret = own_private_key(), pseudonym_key()
            auditor = auditor or app_auditor(ctx.warehouse)
    except (ValueError, RuntimeError, OSError) as exc:
        return _setup_failed(ctx, "send", exc)
    if cfg is None:
        report("exchange send: %s", NOT_CONFIGURED)
        return {"skipped": NOT_CONFIGURED}
    result = send_night(ctx.day, log_path(ctx.root), ctx.validated, cfg, key, secret, auditor)
    report(
        "exchange send: %d new, %d sent, %d unsent, %d given up%s",
        result.new,
        result.sent,
        result.unsent,
        result.given_up,
        f" ({result.note})" if result.note else "",
    )
    return result.to_dict()


def status(ctx: RunContext) -> dict[str, Any]:
    """Counts of the log by region and state as of the run date (sent, answered, not_found,
    refused, unsent, overdue)."""
    from hedui.exchange.querylog import read_log
    from hedui.exchange.send import overdue_days

    limit = overdue_days(ctx.day)
    counts: dict[str, dict[str, int]] = {}
    for row in read_log(log_path(ctx.root)).to_pylist():
        if row["answer_status"]:
            state = row["answer_status"]
        elif (ctx.day - row["asked_on"]).days > limit:
            state = "overdue"
        else:
            state = "sent" if row["sent_at"] else "unsent"
        region = counts.setdefault(row["to_region"], {})
        region[state] = region.get(state, 0) + 1
    return {"as_of": ctx.run_date, "overdue_days": limit, "regions": counts}
