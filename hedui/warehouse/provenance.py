"""Where a night's marts came from: per mart, the deliveries (source, date, files, manifest hash)
its build read.

``marts.run_deliveries`` (one row per mart × source × delivery × run) is written into the
staging file after the dbt build: which sources each mart depends on comes from dbt's own graph
(``manifest.json``: every source upstream of the mart, transitively), which deliveries of a
source the night loaded from the loader (:class:`hedui.warehouse.load.LoadResult`), and the
files and hash from the delivery's landing manifest. It is a nightly table like the other
"× run" marts, so every night keeps its provenance. File names and hashes only: no row data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb

from hedui.registry import source_names

TABLE = "run_deliveries"
MANIFEST_NAME = "manifest.json"


def mart_sources(dbt_manifest: Path) -> dict[str, set[str]]:
    """Per mart model (schema marts), the registry sources upstream of it in the dbt graph."""
    manifest = json.loads(Path(dbt_manifest).read_text("utf-8"))
    parents: dict[str, list[str]] = manifest["parent_map"]
    registry = set(source_names())
    out: dict[str, set[str]] = {}
    for uid, node in manifest["nodes"].items():
        if node.get("resource_type") != "model" or node.get("config", {}).get("schema") != "marts":
            continue
        seen, stack, found = set(), [uid], set()
        while stack:
            for parent in parents.get(stack.pop(), []):
                if parent in seen:
                    continue
                seen.add(parent)
                if parent.startswith("source."):
                    name = manifest["sources"][parent]["name"]
                    if name in registry:
                        found.add(name)
                else:
                    stack.append(parent)
        out[node["name"]] = found
    return out


def delivery_rows(
    landing_root: Path, deliveries: dict[str, list[date]]
) -> list[tuple[str, date, list[str], str | None]]:
    """(source, delivery date, delivered files, sha256 of the landing manifest) per delivery
    loaded; files and hash are null when the landing manifest is gone."""
    rows = []
    for source in sorted(deliveries):
        for day in deliveries[source]:
            path = Path(landing_root) / source / day.isoformat() / MANIFEST_NAME
            if path.is_file():
                manifest = json.loads(path.read_bytes())
                inputs = manifest.get("inputs") or []
                files = [str(i.get("name")) for i in inputs]
                # the hash of what was delivered and how it landed, not of when: a re-run of the
                # same night gives the same provenance (extracted_at left out)
                manifest.pop("extracted_at", None)
                canonical = json.dumps(manifest, sort_keys=True, ensure_ascii=False)
                rows.append((source, day, files, hashlib.sha256(canonical.encode()).hexdigest()))
            else:
                rows.append((source, day, [], None))
    return rows


def write_run_deliveries(
    staging: Path,
    run_date: date,
    marts: dict[str, set[str]],
    deliveries: Iterable[tuple[str, date, list[str], str | None]],
) -> int:
    """Create ``marts.run_deliveries`` in ``staging`` for the marts it holds; rows written."""
    by_source: dict[str, list[tuple[str, date, list[str], str | None]]] = {}
    for row in deliveries:
        by_source.setdefault(row[0], []).append(row)
    con = duckdb.connect(str(staging))
    try:
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
            ).fetchall()
        }
        rows = [
            (run_date, mart, source, day, files, digest)
            for mart in sorted(marts)
            if mart in present
            for src in sorted(marts[mart])
            for source, day, files, digest in by_source.get(src, [])
        ]
        con.execute(
            f"CREATE TABLE marts.{TABLE} (run_date DATE, mart VARCHAR, source VARCHAR, "
            "delivery_date DATE, files VARCHAR[], manifest_sha256 VARCHAR)"
        )
        if rows:
            con.executemany(f"INSERT INTO marts.{TABLE} VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return len(rows)
