"""Outbound queries in the project's audit log (the application database's HMAC chain).

Records carry the query id, the request, the person's pseudonym, the region, the purpose and the
authorization number: never the ID number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

USERNAME = "hedui-exchange"
ACTION = "exchange.query"


class Auditor(Protocol):
    def __call__(self, query: dict[str, Any], outcome: str, attempts: int) -> None: ...


def audit_event(query: dict[str, Any], outcome: str, attempts: int) -> Any:
    """The audit event of one outbound query (``query``: a log row plus authorization_no)."""
    from hedui.web.audit import AuditEvent

    return AuditEvent(
        username=USERNAME,
        role="system",
        action=ACTION,
        target=f"{query['to_region']}/{query['query_id']}",
        outcome=outcome,
        purpose=query["purpose"],
        authorization_no=query.get("authorization_no"),
        row_count=1,
        detail={
            "request_id": query["request_id"],
            "person_key": query["person_key"],
            "to_region": query["to_region"],
            "period": f"{query['period_from']}..{query['period_to']}",
            "attempts": attempts,
        },
    )


def app_auditor(warehouse: Path | str) -> Auditor:
    """An auditor writing to the deployment's audit log (``hedui audit-log --verify``)."""
    from hedui.appdb import AppDB
    from hedui.web.audit import AuditLog
    from hedui.web.config import WebConfig

    config = WebConfig.create(warehouse)
    log = AuditLog(AppDB.open(config.app_db_url), config.audit_key)

    def record(query: dict[str, Any], outcome: str, attempts: int) -> None:
        log.append(audit_event(query, outcome, attempts))

    return record
