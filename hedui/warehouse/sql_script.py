"""The dbt project's logic as one plain DuckDB SQL script: the floor ``dbt build`` is measured
against in ``make bench``.

After a build, dbt's manifest holds every model's compiled SQL; ordered by dependencies and
wrapped in ``CREATE TABLE/VIEW``, it is the same logic with none of dbt's machinery (no
tests, no contracts, no adapter round trips, no logging).
"""

from __future__ import annotations

import json
from graphlib import TopologicalSorter
from pathlib import Path

from hedui import duck
from hedui.warehouse.dbt_runner import PROJECT_DIR


def script_statements(target_path: Path) -> list[str]:
    """CREATE statements for every seed and model of the last build, in dependency order."""
    manifest = json.loads((Path(target_path) / "manifest.json").read_text("utf-8"))
    nodes = {
        uid: n
        for uid, n in manifest["nodes"].items()
        if n["resource_type"] in ("model", "seed") and n.get("package_name") == "hedui"
    } or {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    graph = {
        uid: [d for d in n["depends_on"].get("nodes", []) if d in nodes] for uid, n in nodes.items()
    }
    statements: list[str] = []
    schemas = sorted({n["schema"] for n in nodes.values()})
    statements += [f'CREATE SCHEMA IF NOT EXISTS "{s}"' for s in schemas]
    for uid in TopologicalSorter(graph).static_order():
        node = nodes[uid]
        relation = f'"{node["schema"]}"."{node["alias"] or node["name"]}"'
        if node["resource_type"] == "seed":
            path = PROJECT_DIR / node["original_file_path"]
            statements.append(
                f"CREATE OR REPLACE TABLE {relation} AS SELECT * FROM read_csv('{path}', "
                "header = true, all_varchar = false)"
            )
            continue
        materialized = node["config"].get("materialized", "view")
        if materialized == "ephemeral":
            continue
        kind = "VIEW" if materialized == "view" else "TABLE"
        statements.append(f"CREATE OR REPLACE {kind} {relation} AS {node['compiled_code']}")
    return statements


def run_script(warehouse: Path, statements: list[str]) -> None:
    """Execute the script against a warehouse file whose raw layer is loaded."""
    con = duck.connect(warehouse)
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()
