"""``hedui tasks``: the worklists from the command line (sync, list, assign, outcome, close,
reopen), signed in like the lookups (HEDUI_TOKEN or --user) and audited like the web."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from hedui.cli.web import UserOpt, WarehouseOpt, _credentials, _signed_in, console

tasks_app = typer.Typer(
    help="Worklists: warnings, reviews, outreach as tasks.", no_args_is_help=True
)
KindOpt = Annotated[str, typer.Option("--kind", help="warnings, reviews or outreach.")]


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")


def _session(warehouse, user):  # type: ignore[no-untyped-def]
    """Stores, the signed-in user (permission ``households``) and the task store."""
    from hedui.web.cli_functions import _allowed, _config, _stores, authenticate
    from hedui.worklist import TaskStore

    stores = _stores(_config(warehouse))
    who = authenticate(stores, _credentials(user))
    _allowed(stores, who, "households", "tasks")
    return stores, who, TaskStore(stores.db)


def _change(warehouse, user, task_id: int, action: str, detail: dict, run) -> None:  # type: ignore[no-untyped-def]
    from hedui.web.audit import AuditEvent
    from hedui.worklist import TaskError

    def call() -> None:
        stores, who, store = _session(warehouse, user)
        event = {"client": "cli", **detail}
        try:
            task = run(store, who)
        except TaskError as exc:
            stores.audit.append(
                AuditEvent(
                    who.username,
                    who.role,
                    f"task.{action}",
                    f"task:{task_id}",
                    outcome="refused",
                    detail={**event, "reason": str(exc)[:200]},
                )
            )
            console.print(f"[red]refused: {exc}")
            raise typer.Exit(code=1) from None
        stores.audit.append(
            AuditEvent(
                who.username,
                who.role,
                f"task.{action}",
                f"task:{task_id}",
                detail={**event, "kind": task.kind, "subject": task.subject, "status": task.status},
            )
        )
        console.print(
            f"task {task.id}: {task.status} ({task.assignee or '-'}, {task.outcome or '-'})"
        )

    _signed_in(call)


@tasks_app.command("sync")
def sync_cmd(warehouse: WarehouseOpt) -> None:
    """Turn the latest published night into tasks (the web app also does this on first view)."""
    from hedui.appdb import AppDB
    from hedui.web.config import WebConfig
    from hedui.web.warehouse import open_warehouse
    from hedui.worklist import ensure_synced

    cfg = WebConfig.create(warehouse)
    db = AppDB.open(cfg.app_db_url)
    with open_warehouse(cfg.warehouse_dir) as con:
        for kind, done in ensure_synced(db, con).items():
            console.print(
                f"{kind}: "
                + ("already synced" if done is None else f"{done[0]} new, {done[1]} updated")
            )


@tasks_app.command("list")
def list_cmd(
    warehouse: WarehouseOpt,
    kind: KindOpt = "warnings",
    status: Annotated[str, typer.Option(help="open, in_progress, closed or active.")] = "active",
    assignee: Annotated[str, typer.Option(help="a user, me or none.")] = "",
    overdue: Annotated[bool, typer.Option("--overdue")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    user: UserOpt = None,
) -> None:
    """Tasks of a worklist, due first (listing is audited like an export)."""
    from hedui.web.audit import AuditEvent
    from hedui.web.tasks import COLUMNS, show, today_beijing

    def call() -> None:
        stores, who, store = _session(warehouse, user)
        filters = {"status": status, "assignee": assignee, "overdue": "1" if overdue else ""}
        rows = store.all(
            kind, {k: v for k, v in filters.items() if v}, today_beijing(), me=who.username
        )
        stores.audit.append(
            AuditEvent(
                who.username,
                who.role,
                f"export.tasks.{kind}",
                "cli",
                row_count=len(rows),
                detail={"client": "cli", **filters},
            )
        )
        if as_json:
            print(
                json.dumps(
                    [{c: show(t, c, today_beijing()) for c in COLUMNS} for t in rows],
                    ensure_ascii=False,
                )
            )
            return
        for t in rows:
            console.print(
                "  ".join(
                    show(t, c, today_beijing())
                    for c in ("id", "subject", "code", "status", "assignee", "due_date", "overdue")
                )
            )

    _signed_in(call)


@tasks_app.command("assign")
def assign_cmd(
    warehouse: WarehouseOpt,
    task_id: Annotated[int, typer.Argument()],
    to: Annotated[str, typer.Option("--to", help="The user (default: you).")] = "",
    user: UserOpt = None,
) -> None:
    """Assign a task (to you, or --to a user)."""
    _change(
        warehouse,
        user,
        task_id,
        "assign",
        {"assignee": to or "me"},
        lambda s, w: s.assign(task_id, to or w.username, by=w.username),
    )


@tasks_app.command("outcome")
def outcome_cmd(
    warehouse: WarehouseOpt,
    task_id: Annotated[int, typer.Argument()],
    outcome: Annotated[str, typer.Argument(help="confirmed, adjusted or dismissed.")],
    note: Annotated[str, typer.Option("--note")] = "",
    user: UserOpt = None,
) -> None:
    """Record the outcome (核实结果) with a note."""
    from hedui.web.masking import mask_free_text
    from hedui.worklist.store import NOTE_MAX

    note = mask_free_text(note, NOTE_MAX + 1)
    _change(
        warehouse,
        user,
        task_id,
        "outcome",
        {"outcome": outcome[:20]},
        lambda s, w: s.record_outcome(task_id, outcome, note, by=w.username),
    )


@tasks_app.command("close")
def close_cmd(
    warehouse: WarehouseOpt, task_id: Annotated[int, typer.Argument()], user: UserOpt = None
) -> None:
    """Close a task whose outcome is recorded."""
    _change(warehouse, user, task_id, "close", {}, lambda s, w: s.close(task_id, by=w.username))


@tasks_app.command("reopen")
def reopen_cmd(
    warehouse: WarehouseOpt,
    task_id: Annotated[int, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    user: UserOpt = None,
) -> None:
    """Reopen a closed task."""
    _change(
        warehouse, user, task_id, "reopen", {}, lambda s, w: s.reopen(task_id, note, by=w.username)
    )


@tasks_app.command("regions")
def regions_cmd(
    warehouse: WarehouseOpt,
    region: Annotated[str, typer.Option(help="A partner region code (110000, 130000).")] = "",
    status: Annotated[str, typer.Option(help="overdue, refused, sent or unsent.")] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    user: UserOpt = None,
) -> None:
    """Verification requests waiting on a partner region (京津冀), overdue first; audited."""
    from urllib.parse import urlencode

    from hedui.web import lists
    from hedui.web.cli_functions import _config
    from hedui.web.lookups import record_view
    from hedui.web.warehouse import open_warehouse

    def call() -> None:
        stores, who, _ = _session(warehouse, user)
        spec = lists.SPECS["cross_region"]
        params = {k: v for k, v in {"region": region, "query_status": status}.items() if v}
        with open_warehouse(_config(warehouse).warehouse_dir) as con:
            day = lists.list_page(con, spec, None, params).run_date
            header, rows = lists.export_rows(con, spec, day, params)
        record_view(
            stores.audit,
            who,
            "view.list.cross_region",
            urlencode(params) or "all",
            len(rows),
            day,
            client="cli",
        )
        if as_json:
            out = [dict(zip(spec.columns, r, strict=True)) for r in rows]
            print(json.dumps(out, ensure_ascii=False))
            return
        console.print("  ".join(header))
        for r in rows:
            console.print("  ".join(r))

    _signed_in(call)
