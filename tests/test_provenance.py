"""Provenance of a night: per mart, the deliveries (source, date, files, manifest hash) its build
read, kept per night and shown on the data-quality page of that night."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb

from hedui.publish import publish
from hedui.warehouse.provenance import delivery_rows, mart_sources, write_run_deliveries
from hedui.web import views
from hedui.web.warehouse import open_warehouse

D1, D2 = date(2026, 11, 27), date(2026, 11, 28)


def _dbt_manifest(path: Path) -> Path:
    """A dbt manifest: household_verification <- int_x <- stg_deposit <- source deposit (and
    the raw dq table, not a registry source); households <- source hukou; an int model."""
    nodes = {
        "model.hedui.household_verification": {
            "resource_type": "model",
            "name": "household_verification",
            "config": {"schema": "marts"},
        },
        "model.hedui.households": {
            "resource_type": "model",
            "name": "households",
            "config": {"schema": "marts"},
        },
        "model.hedui.int_x": {
            "resource_type": "model",
            "name": "int_x",
            "config": {"schema": "intermediate"},
        },
        "model.hedui.stg_deposit": {
            "resource_type": "model",
            "name": "stg_deposit",
            "config": {"schema": "staging"},
        },
    }
    parents = {
        "model.hedui.household_verification": ["model.hedui.int_x", "seed.hedui.policy"],
        "model.hedui.int_x": [
            "model.hedui.stg_deposit",
            "source.hedui.hedui.source_runs",
            "source.hedui.hedui.hukou",
        ],
        "model.hedui.stg_deposit": ["source.hedui.hedui.deposit"],
        "model.hedui.households": ["source.hedui.hedui.hukou"],
    }
    sources = {f"source.hedui.hedui.{n}": {"name": n} for n in ("deposit", "hukou", "source_runs")}
    path.write_text(json.dumps({"nodes": nodes, "parent_map": parents, "sources": sources}))
    return path


def _landing(root: Path, source: str, day: date, files: list[str]) -> str:
    folder = root / source / day.isoformat()
    folder.mkdir(parents=True)
    manifest = {"inputs": [{"name": f, "sha256": "0" * 64} for f in files]}
    landed = {**manifest, "extracted_at": f"{day}T02:00:00+00:00"}  # when: not part of the hash
    (folder / "manifest.json").write_bytes(json.dumps(landed).encode())
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def test_each_mart_names_the_deliveries_of_its_sources(tmp_path: Path) -> None:
    marts = mart_sources(_dbt_manifest(tmp_path / "manifest.json"))
    assert marts == {"household_verification": {"deposit", "hukou"}, "households": {"hukou"}}
    landing = tmp_path / "landing"
    h_dep = _landing(landing, "deposit", D1, ["deposit_102.csv", "deposit_103.csv"])
    h_hk = _landing(landing, "hukou", D1, ["hukou.csv"])
    rows = delivery_rows(landing, {"deposit": [D1], "hukou": [D1], "death": [D1]})
    assert rows == [
        ("death", D1, [], None),
        ("deposit", D1, ["deposit_102.csv", "deposit_103.csv"], h_dep),
        ("hukou", D1, ["hukou.csv"], h_hk),
    ]

    staging = tmp_path / "staging.duckdb"
    con = duckdb.connect(str(staging))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        f"CREATE TABLE marts.household_verification AS SELECT 'h1' AS household_id, "
        f"DATE '{D1}' AS run_date"
    )
    con.execute(
        f"CREATE TABLE marts.dq_source_runs AS SELECT 'deposit' AS source, "
        f"DATE '{D1}' AS run_date, 'passed' AS status, 10 AS rows_landed, 10 AS "
        "rows_loaded, 0 AS rows_quarantined, 3 AS checks_evaluated, 0 AS checks_failed,"
        " 'abc' AS schema_hash"
    )
    con.execute(
        f"CREATE TABLE marts.quarantine AS SELECT 'deposit' AS source, DATE '{D1}' AS "
        "run_date, 'f' AS file, 1 AS line, 'X' AS reason_code, 'r' AS reason LIMIT 0"
    )
    con.close()
    # households is not in the staging file: no rows for it
    assert write_run_deliveries(staging, D1, marts, rows) == 2

    wh = tmp_path / "wh"
    publish(staging, wh, str(D1))
    with open_warehouse(wh) as con:
        run = views.dq_run(con, D1)
        assert run is not None
        assert [
            (d["mart"], d["source"], d["delivery_date"], d["files"], d["manifest_sha256"])
            for d in run.deliveries
        ] == [
            (
                "household_verification",
                "deposit",
                D1,
                ["deposit_102.csv", "deposit_103.csv"],
                h_dep,
            ),
            ("household_verification", "hukou", D1, ["hukou.csv"], h_hk),
        ]
        assert views.dq_run(con, D2) is None
