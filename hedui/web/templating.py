"""The Jinja environment: autoescaping, display filters, and ID masking for non-staff users."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from hedui.web import formatting, glossary
from hedui.web.explain import (
    CATEGORY_LABELS,
    DQ_STATUS_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    tier_label,
)
from hedui.web.masking import mask_id, scrub_ids
from hedui.web.regions import region_label

TEMPLATE_DIR = Path(__file__).parent / "templates"


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Every printed value passes here: for anyone but staff, ID numbers in it are masked."""
    user = context.get("user")
    if user is not None and user.is_staff:
        return value
    if isinstance(value, Markup):
        return Markup(scrub_ids(str(value)))
    if isinstance(value, str):
        return scrub_ids(value)
    return value


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=formatting.money,
        number=formatting.number,
        cell=formatting.cell,
        col=formatting.column_label,
        short_key=formatting.short_key,
        mask_id=mask_id,
        path_quote=lambda v: quote(str(v), safe=""),
        tier_label=tier_label,
        severity=lambda s: f"{SEVERITY_LABELS.get(s, s)} {s}",
        wstatus=lambda s: f"{STATUS_LABELS.get(s, s)} {s}",
        dqstatus=lambda s: f"{DQ_STATUS_LABELS.get(s, s)} {s}",
        category=lambda s: f"{CATEGORY_LABELS.get(s, s)} {s}",
        beijing=formatting.beijing,
        glabel=glossary.label,
        source=glossary.source_label,
        item=glossary.item_label,
        region=region_label,
        percent=formatting.percent,
    )
    from hedui.web.lookups import MIN_SEARCH, PURPOSES

    env.globals.update(purposes=PURPOSES, min_search=MIN_SEARCH)
    return Jinja2Templates(env=env)
