"""The Jinja context sqlfluff's jinja templater renders the dbt models with (`.sqlfluff`).

sqlfluff adds every public name of this module to the context of each model: ``hedui`` (the
project's own macros of ``dbt_project/macros``, rendered for real, dispatched to their DuckDB
variant like dbt-duckdb does), ``dbt`` (the few dbt cross-database macros the project calls, as
dbt-duckdb renders them), ``adapter``, ``exceptions`` and ``execute``. Linting stays a pure
text step: no dbt parse, no database (the dbt templater needs minutes for the same files).
"""

from __future__ import annotations

from pathlib import Path as _Path
from typing import Any as _Any

import jinja2 as _jinja2

_MACROS = _Path(__file__).resolve().parents[2] / "macros"
_SKIP = {"tests"}  # generic data tests ({% test %} blocks), used from YAML only


class _Return(Exception):
    def __init__(self, value: _Any) -> None:
        self.value = value


def _return(value: _Any) -> None:
    raise _Return(value)


class _Macro:
    """A macro that honours dbt's ``return()``."""

    def __init__(self, macro: _Any) -> None:
        self._macro = macro

    def __call__(self, *args: _Any, **kwargs: _Any) -> _Any:
        try:
            return self._macro(*args, **kwargs)
        except _Return as returned:
            return returned.value


class _Namespace:
    def __init__(self, **members: _Any) -> None:
        self.__dict__.update(members)


class _Project:
    """``hedui.<macro>``, looked up when called (macros call each other through it)."""

    def __init__(self, macros: dict[str, _Macro]) -> None:
        self._macros = macros

    def __getattr__(self, name: str) -> _Macro:
        try:
            return self._macros[name]
        except KeyError:
            raise AttributeError(f"no macro hedui.{name}") from None


class _Adapter:
    """``adapter.dispatch`` as on dbt-duckdb: ``duckdb__name``, else ``default__name``."""

    def __init__(self, macros: dict[str, _Macro]) -> None:
        self._macros = macros

    def dispatch(self, name: str, package: str | None = None) -> _Macro:
        for candidate in (f"duckdb__{name}", f"default__{name}", name):
            if candidate in self._macros:
                return self._macros[candidate]
        raise KeyError(f"no macro {name} in {package}")


def _listagg(measure: str, delimiter: str = "','", order_by: str | None = None, limit=None):
    return f"string_agg({measure}, {delimiter} {order_by or ''})"


dbt = _Namespace(
    type_string=lambda: "varchar",
    type_bigint=lambda: "bigint",
    type_boolean=lambda: "boolean",
    bool_or=lambda expression: f"bool_or({expression})",
    dateadd=lambda datepart, interval, date: f"date_add({date}, interval ({interval}) {datepart})",
    hash=lambda field: f"md5(cast({field} as varchar))",
    listagg=_listagg,
    right=lambda string, length: f"right({string}, {length})",
    length=lambda expression: f"length({expression})",
)


def _evidence_item(source, file="null", line="null", record="null", person_key="null",
                   day="null", item="null", amount="null") -> str:  # fmt: skip
    """``hedui.evidence_item`` as one call with the same arguments: its full JSON text is
    ten times longer and parsing it made the lint several times slower."""
    keys = ("source", "file", "line", "record", "person_key", "date", "item", "amount")
    values = (source, file, line, record, person_key, day, item, amount)
    pairs = ", ".join(f"'{k}', {v}" for k, v in zip(keys, values, strict=True))
    return f"json_object({pairs})"


_COMPACT = {"evidence_item": _evidence_item}

exceptions = _Namespace(raise_compiler_error=lambda message: "", warn=lambda message: "")
execute = False


def _load() -> tuple[_Project, _Adapter]:
    env = _jinja2.Environment(extensions=["jinja2.ext.do"])
    macros: dict[str, _Macro] = {}
    project, adapter = _Project(macros), _Adapter(macros)
    env.globals.update(
        {"return": _return, "adapter": adapter, "dbt": dbt, "exceptions": exceptions,
         "execute": execute, "hedui": project, "ref": lambda *args, **kwargs: args[-1],
         "env_var": lambda name, default="": default}
    )  # fmt: skip
    for path in sorted(_MACROS.rglob("*.sql")):
        if _SKIP & set(path.relative_to(_MACROS).parts):
            continue
        module = env.from_string(path.read_text("utf-8")).module
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, _jinja2.runtime.Macro):
                macros[name] = _Macro(value)
    macros.update(_COMPACT)
    return project, adapter


hedui, adapter = _load()
