"""CLI commands for verification staff and auditors: serve the web app, users, lookups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
WarehouseOpt = Annotated[
    Path, typer.Option("--warehouse", help="Published warehouse folder (published.duckdb).")
]
OperatorOpt = Annotated[
    str | None, typer.Option("--operator", help="Who asks (audit log); default cli:<os user>.")
]
DateOpt = Annotated[str | None, typer.Option("--date", help="Run date (default: the latest).")]

users_app = typer.Typer(help="Manage web users (roles: staff, auditor, admin).",
                        no_args_is_help=True)
lookup_app = typer.Typer(help="Look up households, cases, requests (audited).",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the web and lookup commands to the main ``hedui`` app."""
    app.command("serve")(serve_cmd)
    app.command("report")(report_cmd)
    app.command("dq")(dq_cmd)
    app.command("audit-log")(audit_log_cmd)
    app.add_typer(users_app, name="users")
    app.add_typer(lookup_app, name="lookup")


def serve_cmd(
    warehouse: WarehouseOpt,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    dq_root: Annotated[
        Path | None, typer.Option("--dq", help="Data quality root (<workspace>/dq).")
    ] = None,
) -> None:
    """Serve the web application (staff lookup, reports, quality dashboard)."""
    from hedui.web.cli_functions import serve

    dq = dq_root or warehouse.parent / "workspace" / "dq"
    serve(warehouse, host=host, port=port, dq_root=dq if dq.exists() else None)


@users_app.command("add")
def users_add(
    warehouse: WarehouseOpt,
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="staff | auditor | admin")],
    password: Annotated[
        str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    ],
) -> None:
    """Create a user (the password is hashed with scrypt)."""
    from hedui.web.cli_functions import add_user

    user = add_user(warehouse, username, password, role)
    console.print(f"[green]added {user.username} ({user.role})")


@users_app.command("list")
def users_list(warehouse: WarehouseOpt) -> None:
    """List users with their role and whether they are active."""
    from hedui.web.cli_functions import list_users

    for user in list_users(warehouse):
        console.print(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}")


@lookup_app.command("household")
def lookup_household_cmd(
    warehouse: WarehouseOpt,
    household_id: Annotated[str, typer.Argument(help="Household, case or request number.")],
    run_date: DateOpt = None,
    operator: OperatorOpt = None,
) -> None:
    """Everything the household page shows, as JSON (audited)."""
    from hedui.web.cli_functions import lookup_household, to_json

    page = lookup_household(warehouse, household_id, run_date, operator)
    if page is None:
        console.print(f"[red]no household {household_id}")
        raise typer.Exit(code=1)
    print(to_json(page))


@lookup_app.command("id")
def lookup_id_cmd(
    warehouse: WarehouseOpt,
    id_number: Annotated[str, typer.Argument(help="Resident ID number.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why (recorded).")] = "",
    authorization_no: Annotated[
        str, typer.Option("--authorization-no", help="Signed authorization number.")
    ] = "",
    operator: OperatorOpt = None,
) -> None:
    """Households behind an ID number; needs --purpose and --authorization-no (audited)."""
    from hedui.web.cli_functions import lookup_id_number, to_json
    from hedui.web.lookups import LookupRefused

    try:
        result = lookup_id_number(warehouse, id_number, purpose, authorization_no, operator)
    except LookupRefused as exc:
        console.print(f"[red]refused: {exc}")
        raise typer.Exit(code=2) from None
    print(to_json(result))


def report_cmd(
    warehouse: WarehouseOpt,
    request_id: Annotated[str, typer.Argument(help="Verification request id.")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the report as PDF.")] = None,
    run_date: DateOpt = None,
    operator: OperatorOpt = None,
) -> None:
    """A verification request's report as JSON, optionally as a PDF file (audited)."""
    from hedui.web.cli_functions import to_json, verification_report

    page = verification_report(warehouse, request_id, run_date, pdf, operator)
    if page is None:
        console.print(f"[red]no report for {request_id}")
        raise typer.Exit(code=1)
    print(to_json(page))
    if pdf:
        console.print(f"[green]PDF: {pdf}")


def dq_cmd(warehouse: WarehouseOpt, run_date: DateOpt = None) -> None:
    """Per-source data quality of a run, as JSON (the latest run by default)."""
    from hedui.web.cli_functions import dq_summary, to_json

    print(to_json(dq_summary(warehouse, run_date)))


def audit_log_cmd(
    warehouse: WarehouseOpt,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    verify: Annotated[bool, typer.Option("--verify", help="Check the hash chain.")] = False,
) -> None:
    """Show the lookup audit log (newest first), or verify its hash chain."""
    from hedui.web.cli_functions import audit_entries, to_json, verify_audit_log

    if verify:
        check = verify_audit_log(warehouse)
        print(to_json(check))
        raise typer.Exit(code=0 if check.ok else 1)
    print(to_json(audit_entries(warehouse, limit)))
