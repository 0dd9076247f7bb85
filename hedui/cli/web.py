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
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="HEDUI_USER",
        help="Sign in as this web user (password prompted), unless HEDUI_TOKEN is set.",
    ),
]
DateOpt = Annotated[str | None, typer.Option("--date", help="Run date (default: the latest).")]

users_app = typer.Typer(
    help="Manage web users (roles: staff, auditor, admin, analyst).", no_args_is_help=True
)
lookup_app = typer.Typer(
    help="Look up households, cases, requests (audited).", no_args_is_help=True
)


def _credentials(user: str | None):  # type: ignore[no-untyped-def]
    """Credentials for a CLI lookup: HEDUI_TOKEN (issued by an admin) or --user + password."""
    import getpass
    import os

    from hedui.web.cli_functions import Credentials

    token = os.environ.get("HEDUI_TOKEN")
    if token:
        return Credentials(token=token)
    if user:
        return Credentials(username=user, password=getpass.getpass(f"password for {user}: "))
    return Credentials()


def _signed_in(call):  # type: ignore[no-untyped-def]
    """Run a CLI function; authentication failures and refusals end with exit code 2."""
    from hedui.web.cli_functions import AuthenticationFailed
    from hedui.web.lookups import LookupRefused

    try:
        return call()
    except (AuthenticationFailed, LookupRefused) as exc:
        console.print(f"[red]refused: {exc}")
        raise typer.Exit(code=2) from None


def register(app: typer.Typer) -> None:
    """Add the web and lookup commands to the main ``hedui`` app."""
    app.command("serve")(serve_cmd)
    app.command("report")(report_cmd)
    app.command("dq")(dq_cmd)
    app.command("audit-log")(audit_log_cmd)
    app.command("app-db-upgrade")(app_db_upgrade_cmd)
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
    role: Annotated[str, typer.Option("--role", help="staff | auditor | admin | analyst")],
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


@users_app.command("token")
def users_token(
    warehouse: WarehouseOpt,
    username: Annotated[str, typer.Argument(help="Who the token is for.")],
    admin: Annotated[
        str, typer.Option("--admin", help="The admin issuing it (password prompted).")
    ],
    days: Annotated[int, typer.Option("--days")] = 90,
) -> None:
    """Issue a CLI token to a user (printed once; set it as HEDUI_TOKEN). Audited."""
    from hedui.web.cli_functions import issue_token

    token = _signed_in(lambda: issue_token(warehouse, _credentials(admin), username, days))
    print(token)


def app_db_upgrade_cmd(warehouse: WarehouseOpt) -> None:
    """Migrate the application database (HEDUI_APP_DB_URL, or the embedded SQLite file)."""
    from hedui.appdb import upgrade
    from hedui.web.config import WebConfig

    cfg = WebConfig.create(warehouse)
    upgrade(cfg.app_db_url)
    console.print("[green]application database at the newest migration")


@lookup_app.command("household")
def lookup_household_cmd(
    warehouse: WarehouseOpt,
    household_id: Annotated[str, typer.Argument(help="Household, case or request number.")],
    run_date: DateOpt = None,
    user: UserOpt = None,
) -> None:
    """Everything the household page shows, as JSON (signed in; audited)."""
    from hedui.web.cli_functions import lookup_household, to_json

    page = _signed_in(
        lambda: lookup_household(warehouse, household_id, run_date, _credentials(user))
    )
    if page is None:
        console.print(f"[red]no household {household_id}")
        raise typer.Exit(code=1)
    print(to_json(page))


@lookup_app.command("id")
def lookup_id_cmd(
    warehouse: WarehouseOpt,
    id_number: Annotated[str, typer.Argument(help="Resident ID number.")],
    purpose: Annotated[
        str, typer.Option("--purpose", help="verification | case_review | case_change")
    ] = "",
    authorization_no: Annotated[
        str, typer.Option("--authorization-no", help="Registered authorization (or case) number.")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="Optional free text (masked).")] = "",
    user: UserOpt = None,
) -> None:
    """Households behind an ID number: a staff user, a purpose and a registered authorization
    that covers the person (audited)."""
    from hedui.web.cli_functions import lookup_id_number, to_json

    result = _signed_in(
        lambda: lookup_id_number(
            warehouse, id_number, purpose, authorization_no, _credentials(user), note=note
        )
    )
    print(to_json(result))


def report_cmd(
    warehouse: WarehouseOpt,
    request_id: Annotated[str, typer.Argument(help="Verification request id.")],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the report as PDF.")] = None,
    run_date: DateOpt = None,
    user: UserOpt = None,
) -> None:
    """A verification request's report as JSON, optionally as a PDF file (signed in; audited)."""
    from hedui.web.cli_functions import to_json, verification_report

    page = _signed_in(
        lambda: verification_report(warehouse, request_id, run_date, pdf, _credentials(user))
    )
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
    verify: Annotated[
        bool, typer.Option("--verify", help="Check the HMAC chain against its anchors.")
    ] = False,
    user: UserOpt = None,
) -> None:
    """Show the audit log (newest first; auditors and admins), or verify it: exit 1 naming the
    first edited, deleted, reordered or truncated record."""
    from hedui.web.cli_functions import audit_entries, to_json, verify_audit_log

    if verify:
        check = verify_audit_log(warehouse)
        print(to_json(check))
        if not check.ok:
            console.print(f"[red]audit log broken at record {check.first_bad_seq}: {check.problem}")
        raise typer.Exit(code=0 if check.ok else 1)
    entries = _signed_in(lambda: audit_entries(warehouse, limit, creds=_credentials(user)))
    print(to_json(entries))
