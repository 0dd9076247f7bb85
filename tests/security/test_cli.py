"""The CLI identifies a person the way the web does: a lookup without credentials (or with wrong
ones) is refused and audited; --operator is gone."""

from __future__ import annotations

import pytest
from sec_deploy import Deployment
from typer.testing import CliRunner

from hedui.cli import app as cli_app
from hedui.web import cli_functions as cli
from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS

H1 = HOUSEHOLDS[0]
ENV = {
    "HEDUI_AUDIT_KEY": "a" * 40,
    "HEDUI_WEB_SECRET": "s" * 40,
    "HEDUI_TOKEN": "",
    "HEDUI_USER": "",
}


def _run(dep: Deployment, *args: str, env: dict[str, str] | None = None, stdin: str = ""):
    return CliRunner().invoke(
        cli_app,
        [args[0], args[1], "--warehouse", str(dep.config.warehouse_dir), *args[2:]],
        env={**ENV, **(env or {})},
        input=stdin,
    )


@pytest.mark.parametrize(
    "args",
    [
        (
            "lookup",
            "id",
            H1.members[0].id_number,
            "--purpose",
            "case_review",
            "--authorization-no",
            CASE_NO,
        ),
        ("lookup", "household", H1.household_id),
        ("report", "SQ2026110001"),
    ],
)
def test_a_cli_lookup_without_credentials_is_refused_and_audited(
    dep: Deployment, args: tuple
) -> None:
    if args[0] == "report":
        result = CliRunner().invoke(
            cli_app, ["report", "--warehouse", str(dep.config.warehouse_dir), args[1]], env=ENV
        )
    else:
        result = _run(dep, *args)
    assert result.exit_code == 2, result.output
    assert "not signed in: no credentials" in result.output
    assert H1.members[0].name not in result.output and "dibao" not in result.output
    rec = dep.last("login")
    assert (rec.outcome, rec.detail_dict["reason"], rec.detail_dict["client"]) == (
        "refused",
        "no credentials",
        "cli",
    )


def test_a_cli_lookup_with_a_wrong_password_or_forged_token_is_refused(dep: Deployment) -> None:
    with pytest.raises(cli.AuthenticationFailed, match="wrong password"):
        cli.lookup_household(
            dep.config.warehouse_dir,
            H1.household_id,
            creds=cli.Credentials("staff1", "not-the-pass-1"),
        )
    assert dep.last("login").username == "staff1"
    with pytest.raises(cli.AuthenticationFailed, match="token"):
        cli.lookup_household(
            dep.config.warehouse_dir,
            H1.household_id,
            creds=cli.Credentials(token="hdt.0011223344556677.forged"),
        )
    assert dep.last("login").outcome == "refused"


def test_the_operator_option_is_gone(dep: Deployment) -> None:
    result = _run(dep, "lookup", "household", H1.household_id, "--operator", "张三")
    assert result.exit_code == 2 and "No such option" in result.output
    assert all(r.username != "张三" for r in dep.audit.records(10_000))


def test_a_cli_lookup_signed_in_goes_through_the_audited_path(dep: Deployment) -> None:
    result = _run(
        dep, "lookup", "household", H1.household_id, "--user", "staff1", stdin="staff-pass-123\n"
    )
    assert result.exit_code == 0, result.output
    rec = dep.last("view.household")
    assert (rec.username, rec.detail_dict["client"]) == ("staff1", "cli")
    # an auditor signed in is refused household economics, as on the web
    result = _run(
        dep, "lookup", "household", H1.household_id, "--user", "audit1", stdin="audit-pass-123\n"
    )
    assert result.exit_code == 2 and dep.last("access.denied").username == "audit1"
