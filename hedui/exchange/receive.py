"""Tonight's answers: fetch from each partner, deliver as source ``cross_region_answer``.

New answers are kept as received in ``<workspace>/exchange/received/<region>/<date>.jsonl``
(0600). The night's delivery ``<inbox>/cross_region_answer/<date>/<region>.jsonl`` (+ ``_SUCCESS``)
repeats every answer received within the source's window (the latest per query_id), like any
window source. Verified answers mark their query answered in the log; refused ones are left to
the validation of the source, which quarantines them with their reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from hedui import duck
from hedui.delivery import SUCCESS_MARKER, delivery_dir
from hedui.exchange.channels import Channel, ChannelError, channel_for
from hedui.exchange.config import ExchangeConfig
from hedui.exchange.querylog import SCHEMA, exchange_dir, log_path, read_log, write_log
from hedui.exchange.selection import delivery_in_use, unauthorized_members
from hedui.exchange.verify import check_answers
from hedui.registry import get_source

SOURCE = "cross_region_answer"
CURSORS = "cursors.json"


def _private_write(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def window_start(run_date: date) -> date:
    """First receiving date the night's delivery repeats (the source's window)."""
    months = int(get_source(SOURCE).window_months or 1)
    index = run_date.year * 12 + run_date.month - 1 - months
    year, month = divmod(index, 12)
    day = min(run_date.day, 28)
    return date(year, month + 1, day) + timedelta(days=1)


def requests_before(validated_root: Path, run_date: date) -> Path | None:
    """The request delivery answers are checked against: the latest validated before the run
    date (tonight's queries are sent after validation, so an answer tonight answers an
    earlier night's query)."""
    return delivery_in_use(validated_root, "verification_request", run_date - timedelta(days=1))


def unauthorized_for(validated_root: Path, run_date: date, records: list[Any]) -> set[str]:
    ids = [str(r.get("id_number") or "").strip().upper() for r in records if isinstance(r, dict)]
    con = duck.connect()
    try:
        return unauthorized_members(con, requests_before(validated_root, run_date), ids)
    finally:
        con.close()


def _archive_lines(folder: Path, since: date, until: date) -> list[str]:
    lines: list[str] = []
    for path in sorted(folder.glob("*.jsonl")):
        try:
            day = date.fromisoformat(path.stem)
        except ValueError:
            continue
        if since <= day <= until:
            lines += [x for x in path.read_text("utf-8").splitlines() if x.strip()]
    return lines


def receive_night(
    run_date: date,
    workspace: Path,
    inbox: Path,
    validated_root: Path,
    config: ExchangeConfig,
    pseudonym_secret: bytes,
    channel: Callable[[Any], Channel] = channel_for,
) -> dict[str, Any]:
    """Fetch new answers, write the night's delivery, mark verified answers in the log."""
    root = exchange_dir(workspace)
    cursors_path = root / CURSORS
    cursors = json.loads(cursors_path.read_text("utf-8")) if cursors_path.exists() else {}
    summary: dict[str, Any] = {"received": {}, "errors": {}, "dropped": 0, "delivered": {}}
    for region, partner in sorted(config.partners.items()):
        try:
            answers, cursor = channel(partner).fetch(cursors.get(region))
        except ChannelError as exc:
            summary["errors"][region] = str(exc)
            continue
        kept = [a for a in answers if isinstance(a, dict)]
        summary["dropped"] += len(answers) - len(kept)
        archive = root / "received" / region / f"{run_date.isoformat()}.jsonl"
        before = archive.read_text("utf-8") if archive.exists() else ""
        new = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in kept)
        _private_write(archive, before + new)
        cursors[region] = cursor
        _private_write(cursors_path, json.dumps(cursors))
        summary["received"][region] = len(kept)
    folder = delivery_dir(Path(inbox), SOURCE, run_date)
    since = window_start(run_date)
    window = {
        region: [json.loads(x) for x in _archive_lines(root / "received" / region, since, run_date)]
        for region in sorted(config.partners)
    }
    everything = [r for records in window.values() for r in records]
    log = read_log(log_path(workspace))
    unauthorized = unauthorized_for(validated_root, run_date, everything)
    verdicts = iter(check_answers(everything, log, config, pseudonym_secret, unauthorized))
    verified: list[dict[str, Any]] = []
    summary["superseded"] = 0
    for region, records in window.items():
        chosen: dict[str, tuple[bool, dict[str, Any]]] = {}
        for record in records:  # per query: the latest verified answer, else the latest
            ok = next(verdicts).code is None
            qid = str(record.get("query_id"))
            if qid in chosen and chosen[qid][0] and not ok:
                summary["superseded"] += 1  # a refused answer never displaces a verified one
                continue
            chosen[qid] = (ok, record)
        if not chosen:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / SUCCESS_MARKER).unlink(missing_ok=True)
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r in chosen.values())
        _private_write(folder / f"{region}.jsonl", lines)
        verified += [r for ok, r in chosen.values() if ok]
        summary["delivered"][region] = len(chosen)
    if summary["delivered"]:
        (folder / SUCCESS_MARKER).write_bytes(b"")
    summary["answered"] = mark_answered(run_date, workspace, log, verified)
    return summary


def mark_answered(
    run_date: date, workspace: Path, log: pa.Table, verified: list[dict[str, Any]]
) -> int:
    """Set answered_on / answer_status / refusal_reason of the queries that ``verified``
    answers answer (the first verified answer of a query counts); the number newly answered."""
    answers = {str(r["query_id"]): r for r in verified}
    rows = log.to_pylist()
    newly = 0
    for row in rows:
        answer = answers.get(row["query_id"])
        if answer is None or row["answer_status"] is not None:
            continue
        row["answered_on"] = run_date
        row["answer_status"] = str(answer.get("status") or "")
        row["refusal_reason"] = answer.get("refusal_reason") or None
        newly += 1
    if newly:
        write_log(pa.Table.from_pylist(rows, schema=SCHEMA), log_path(workspace))
    return newly
