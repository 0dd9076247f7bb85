"""The twin build: baseline and reform scenarios from one night's validated data, in a sandbox.

The sandbox is a DuckDB file of its own (never published). The raw layer is loaded once and the
baseline is built once with dbt (seeds, staging, intermediate and the few marts the results read;
no history marts, no monitoring). Each scenario (a parameter set: the reform on a date, or the
seed on a later date) gets its own parameter table ``<prefix>seeds.policy_parameters`` and
rebuilds, from the baseline's compiled SQL, only the models on the way to
``int_household_results`` whose SQL reads a parameter the scenario changes (or a line derived
from it), plus what depends on them; every other model is read from the baseline's schemas.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from hedui.simulation.reform import DERIVED_LINES, ParameterSet
from hedui.warehouse.dbt_runner import BuildResult, run_dbt
from hedui.warehouse.load import load_duckdb

TARGET_MODEL = "int_household_results"
PARAMETER_MODEL = "int_policy_parameters"
# What the results read from the baseline besides the household results.
BASELINE_SELECT = [
    f"+{TARGET_MODEL}",
    "+households",
    "+int_active_case_members",
    "+int_cases",
    "+int_member_attributes",
]
ALWAYS_READ = ("policy_version",)


@dataclass
class Sandbox:
    """One twin build's DuckDB file and dbt target folders."""

    root: Path
    run_date: date
    seconds: dict[str, float] = field(default_factory=dict)
    scenario_models: dict[str, list[str]] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.root / "sandbox.duckdb"

    @property
    def baseline_target(self) -> Path:
        return self.root / "dbt-baseline"

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.database), read_only=read_only)


def _check(result: BuildResult, what: str) -> None:
    if not result.success:
        detail = "\n".join(result.failures[:10]) or result.error or "unknown error"
        raise RuntimeError(f"simulation sandbox: {what} failed:\n{detail}")


def build_baseline(
    root: Path, run_date: date, validated: Path, dq: Path, threads: int | None = None
) -> Sandbox:
    """Load the night's validated data into a fresh sandbox and build the baseline once."""
    box = Sandbox(Path(root), run_date)
    box.root.mkdir(parents=True, exist_ok=True)
    for stale in (box.database, box.database.with_name(box.database.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.monotonic()
    load_duckdb(box.database, run_date, validated, dq)
    box.seconds["load"] = time.monotonic() - started
    started = time.monotonic()
    built = run_dbt(
        [
            "build",
            "--select",
            *BASELINE_SELECT,
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
        ],
        run_date,
        warehouse=box.database,
        target_path=box.baseline_target,
        threads=threads,
    )
    _check(built, "the baseline build")
    box.seconds["baseline"] = time.monotonic() - started
    return box


def _manifest(box: Sandbox) -> dict:
    return json.loads((box.baseline_target / "manifest.json").read_text("utf-8"))


def scenario_models(box: Sandbox, names: set[str]) -> list[str]:
    """The models a scenario must rebuild: on the way from int_policy_parameters to
    int_household_results, those whose SQL names one of ``names`` (parameters, derived lines,
    the policy version) and every model depending on them there."""
    nodes = {k: v for k, v in _manifest(box).items() if k == "nodes"}["nodes"]
    models = {uid: n for uid, n in nodes.items() if n["resource_type"] == "model"}
    by_name = {n["name"]: uid for uid, n in models.items()}
    parents = {
        uid: [p for p in n["depends_on"]["nodes"] if p in models] for uid, n in models.items()
    }
    children: dict[str, list[str]] = {uid: [] for uid in models}
    for uid, ps in parents.items():
        for p in ps:
            children[p].append(uid)

    def closure(start: str, edges: dict[str, list[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    params, target = by_name[PARAMETER_MODEL], by_name[TARGET_MODEL]
    path = closure(params, children) & closure(target, parents)
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    reads = {uid for uid in path if uid != params and pattern.search(models[uid]["raw_code"])}
    rebuild = {params}
    for uid in reads:
        rebuild |= closure(uid, children) & path
    return sorted(models[uid]["name"] for uid in rebuild)


def names_read(changed: set[str]) -> set[str]:
    """The parameter names a scenario changes plus the derived lines built from them."""
    lines = {line for line, bases in DERIVED_LINES.items() if changed & set(bases)}
    return changed | lines | set(ALWAYS_READ)


def build_scenario(box: Sandbox, prefix: str, params: ParameterSet, changed: set[str]) -> list[str]:
    """Write the scenario's parameter table and rebuild the models that read its changes.

    The models run as the baseline build compiled them (the manifest's compiled SQL), with the
    relations of the rebuilt models and of the parameter seed moved into the scenario's
    schemas: a deferral to the baseline for everything else, without a second dbt parse (a
    ``dbt run --defer`` per scenario spent 50-90 s parsing for 4 s of SQL on the dev machine)."""
    started = time.monotonic()
    _write_parameters(box, prefix, params)
    models = scenario_models(box, names_read(changed))
    nodes = _manifest(box)["nodes"]
    chosen = {
        uid: n for uid, n in nodes.items() if n["resource_type"] == "model" and n["name"] in models
    }
    seed = next(
        n
        for n in nodes.values()
        if n["resource_type"] == "seed" and n["name"] == "policy_parameters"
    )
    moved = {n["relation_name"]: _moved(n, prefix) for n in [*chosen.values(), seed]}
    pattern = re.compile("|".join(re.escape(k) for k in sorted(moved, key=len, reverse=True)))
    graph = {uid: [d for d in n["depends_on"]["nodes"] if d in chosen] for uid, n in chosen.items()}
    con = box.connect(read_only=False)
    try:
        for schema in sorted({n["schema"] for n in chosen.values()}):
            con.execute(f'create schema if not exists "{prefix}{schema}"')
        for uid in TopologicalSorter(graph).static_order():
            node = chosen[uid]
            sql = pattern.sub(lambda m: moved[m.group(0)], node["compiled_code"])
            con.execute(f"create or replace table {moved[node['relation_name']]} as {sql}")
    finally:
        con.close()
    box.seconds[f"scenario {prefix.rstrip('_')}"] = time.monotonic() - started
    box.scenario_models[prefix] = models
    return models


def _moved(node: dict, prefix: str) -> str:
    return f'"{node["database"]}"."{prefix}{node["schema"]}"."{node["alias"] or node["name"]}"'


def _write_parameters(box: Sandbox, prefix: str, params: ParameterSet) -> None:
    """``<prefix>seeds.policy_parameters`` with the seed table's columns (extra ones too)."""
    con = box.connect(read_only=False)
    try:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'seeds' "
                "and table_name = 'policy_parameters' order by ordinal_position"
            ).fetchall()
        ]
        con.execute(f'create schema if not exists "{prefix}seeds"')
        con.execute(
            f'create or replace table "{prefix}seeds".policy_parameters as '
            "select * from seeds.policy_parameters limit 0"
        )
        for row in params.rows:
            known = {
                "parameter": row.parameter,
                "value": row.value,
                "effective_from": row.effective_from,
                "version": row.version,
                "basis": row.basis,
                **dict(row.extra),
            }
            values = [known.get(c) for c in columns]
            marks = ", ".join("?" for _ in columns)
            con.execute(f'insert into "{prefix}seeds".policy_parameters values ({marks})', values)
    finally:
        con.close()
