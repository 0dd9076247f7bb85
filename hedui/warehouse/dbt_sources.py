"""Generate the dbt sources and staging layer from the source registry.

``models/staging/_sources.yml`` (the raw tables, columns, docs, freshness), and per source
``stg_<source>.sql`` (typed columns, latest delivery of a primary key wins) and
``stg_<source>.yml`` (docs and key / enum tests); ``macros/registry_enums.sql`` (every enum's
values, for models that filter on them). ``python -m hedui.warehouse.dbt_sources``
rewrites them; ``stale_files()`` lists files that differ from the registry (a test keeps it empty).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from hedui.paths import dbt_project_dir
from hedui.registry import Column, Source, load_registry
from hedui.warehouse.deliveries import HISTORY_SOURCES
from hedui.warehouse.raw_tables import CONTRACT_TYPES, EXTRA_TABLES, LINEAGE_COLUMNS

GENERATED = (
    "Generated from hedui/contracts/sources.yaml by hedui.warehouse.dbt_sources; do not edit."
)
HEADER = f"# {GENERATED}\n"
SQL_HEADER = f"-- {GENERATED}\n"
SCHEMA = "{{ env_var('HEDUI_SCHEMA_PREFIX', '') }}raw"
#: Days a delivery stays fresh (warn after one missed night, error past the freshness limit).
FRESHNESS = {
    "warn_after": {"count": 1, "period": "day"},
    "error_after": {"count": 3, "period": "day"},
}

#: Neutral type -> dbt cross-database type macro used in staging casts.
CAST_TYPES = {
    "string": "{{ dbt.type_string() }}",
    "int": "{{ dbt.type_bigint() }}",
    "decimal": "{{ hedui.type_amount() }}",
    "date": "date",
}
DOC_TYPES = {
    "string": "{{ 'string' if target.type == 'spark' else 'varchar' }}",  # Spark: no bare varchar
    "int": "bigint",
    "decimal": "decimal(18,4)",
    "date": "date",
    "bool": "boolean",
    "timestamp": "timestamp",
}
STAGED_LINEAGE = (
    ("_delivery_date", "delivered_on", "date", "Date of the delivery the row comes from."),
    ("_file", "source_file", "string", "File (or input) of the delivery the row comes from."),
    ("_line", "source_line", "int", "Line or row number of the row in that file."),
)


class _Dumper(yaml.SafeDumper):
    """Block-style YAML, indented lists, lists of scalars inline, no anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str | int) for x in data) and len(data) > 0
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def _dump(doc: dict) -> str:
    return HEADER + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _column_doc(c: Column) -> str:
    parts = [f"{c.zh} ({c.type}{', required' if c.required else ''})."]
    if c.values:
        parts.append("Values: " + ", ".join(c.values) + ".")
    if c.note:
        parts.append(c.note[0].upper() + c.note[1:].rstrip(".") + ".")
    return " ".join(parts)


def _source_doc(s: Source) -> str:
    kind = (
        f"window source ({s.window_months} months per delivery)"
        if s.kind == "window"
        else "snapshot source (each delivery is the full current state)"
    )
    key = ", ".join(s.primary_key)
    text = f"{s.zh}: {s.agency}. {kind[0].upper()}{kind[1:]}; primary key {key}."
    if s.name in HISTORY_SOURCES:
        text += " Earlier deliveries add the rows older than the latest window."
    if s.note:
        text += f" {s.note.rstrip('.')}."
    return text


def sources_doc() -> dict:
    tables = []
    for s in load_registry().values():
        columns = [
            {
                "name": c.name,
                "description": _column_doc(c),
                "data_type": DOC_TYPES[CONTRACT_TYPES[c.type]],
            }
            for c in s.columns
        ]
        columns += [
            {"name": n, "description": d, "data_type": DOC_TYPES[k]} for n, k, d in LINEAGE_COLUMNS
        ]
        meta = {
            "category": s.category,
            "kind": s.kind,
            "format": s.format,
            "primary_key": list(s.primary_key),
        }
        if s.window_months:
            meta["window_months"] = s.window_months
        tables.append(
            {
                "name": s.name,
                "description": _source_doc(s),
                "config": {
                    "meta": meta,
                    "loaded_at_field": "_delivery_date",
                    "freshness": FRESHNESS,
                },
                "columns": columns,
            }
        )
    for name, (doc, cols) in EXTRA_TABLES.items():
        tables.append(
            {
                "name": name,
                "description": doc,
                "columns": [
                    {"name": n, "description": d, "data_type": DOC_TYPES[k]} for n, k, d in cols
                ],
            }
        )
    return {
        "version": 2,
        "sources": [
            {
                "name": "hedui",
                "description": "The raw layer of one run: validated deliveries loaded by "
                "hedui.warehouse.load (schema raw).",
                "schema": SCHEMA,
                "tables": tables,
            }
        ],
    }


def staging_sql(s: Source) -> str:
    casts = [
        f"        cast({c.name} as {CAST_TYPES[CONTRACT_TYPES[c.type]]}) as {c.name},"
        for c in s.columns
    ]
    casts += [
        f"        cast({raw} as {CAST_TYPES[k]}) as {name}," for raw, name, k, _ in STAGED_LINEAGE
    ]
    casts[-1] = casts[-1].rstrip(",")
    names = [c.name for c in s.columns] + [name for _, name, _, _ in STAGED_LINEAGE]
    select = "select\n" + ",\n".join(f"    {n}" for n in names) + "\n"
    same_key = "\n".join(
        f"            and newer.{k} is not distinct from older.{k}" for k in s.primary_key
    )
    return (
        SQL_HEADER
        + f"-- {s.zh} ({s.name}): typed contract columns; the latest delivery of a key wins.\n\n"
        + f"with source as (\n\n    select * from {{{{ source('hedui', '{s.name}') }}}}\n\n),\n\n"
        + "typed as (\n\n    select\n"
        + "\n".join(casts)
        + "\n    from source\n\n),\n\n"
        + "newest as (\n\n    select max(delivered_on) as delivered_on from typed\n\n)\n\n"
        + "-- the latest delivery, then the rows of older deliveries whose key it does not repeat\n"
        + select
        + "from typed\nwhere delivered_on = (select delivered_on from newest)\n\n"
        + "union all\n\n"
        + select.replace("    ", "    older.")
        + "from typed as older\n"
        + "where older.delivered_on < (select delivered_on from newest)\n"
        + "    and not exists (\n"
        + "        select 1\n        from typed as newer\n"
        + "        where newer.delivered_on > older.delivered_on\n"
        + same_key
        + "\n    )\n"
    )


def _column_tests(s: Source, c: Column) -> list:
    tests: list = []
    if c.name in s.primary_key and c.required:
        tests.append("not_null")
        if len(s.primary_key) == 1:
            tests.append("unique")
    if c.type == "enum":
        tests.append({"accepted_values": {"arguments": {"values": list(c.values)}}})
    return tests


def staging_doc(s: Source) -> dict:
    columns = []
    for c in s.columns:
        col: dict = {"name": c.name, "description": _column_doc(c)}
        tests = _column_tests(s, c)
        if tests:
            col["data_tests"] = tests
        columns.append(col)
    columns += [{"name": name, "description": doc} for _, name, _, doc in STAGED_LINEAGE]
    model: dict = {
        "name": f"stg_{s.name}",
        "description": f"Staged {s.name}: {_source_doc(s)} One row per primary key (the latest "
        "delivery wins).",
        "columns": columns,
    }
    if len(s.primary_key) > 1:
        model["data_tests"] = [
            {"hedui.unique_key": {"arguments": {"columns": list(s.primary_key)}}}
        ]
    return {"version": 2, "models": [model]}


def registry_enums_sql() -> str:
    """Macro ``registry_enum(source, column)``: an enum column's values, as the registry lists
    them, so a model filtering on them (e.g. tax income items) never keeps a copy of its own."""
    enums = {
        f"{s.name}.{c.name}": list(c.values)
        for s in load_registry().values()
        for c in s.columns
        if c.type == "enum"
    }
    lines = [f"    '{key}': {values!r}," for key, values in sorted(enums.items())]
    body = "\n".join(lines)
    return (
        f"{{# {GENERATED} #}}\n"
        "{% macro registry_enum(source, column) -%}\n"
        "    {#- The values of an enum column of the source registry (a Jinja list). -#}\n"
        "    {%- set enums = {\n"
        f"{body}\n"
        "    } -%}\n"
        "    {{ return(enums[source ~ '.' ~ column]) }}\n"
        "{%- endmacro %}\n"
    )


def generated_files() -> dict[Path, str]:
    """Every generated file and its content."""
    staging = dbt_project_dir() / "models" / "staging"
    files = {staging / "_sources.yml": _dump(sources_doc())}
    files[dbt_project_dir() / "macros" / "registry_enums.sql"] = registry_enums_sql()
    for s in load_registry().values():
        files[staging / f"stg_{s.name}.sql"] = staging_sql(s)
        files[staging / f"stg_{s.name}.yml"] = _dump(staging_doc(s))
    return files


def stale_files() -> list[Path]:
    """Generated files missing or out of date."""
    return [
        p
        for p, text in generated_files().items()
        if not p.exists() or p.read_text(encoding="utf-8") != text
    ]


def write_files() -> list[Path]:
    """Write the generated files that changed; returns them."""
    changed = stale_files()
    files = generated_files()
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
    return changed


if __name__ == "__main__":  # pragma: no cover
    for p in write_files():
        print(f"wrote {p}", file=sys.stderr)
