"""The landing zone: one typed Parquet file plus a manifest per source delivery and date.

``<landing_root>/<source>/<YYYY-MM-DD>/data.parquet`` and ``manifest.json``. A landing is
written to ``<landing_root>/.staging/`` and renamed into place, so readers see either the
previous landing or the new one, never a half-written one; re-landing a date replaces it.
A delivery that is not ready is not landed; a delivery that cannot be read fails its source
only, leaving any earlier landing of that date untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import (
    Batch,
    Connector,
    ConnectorError,
    NotDeliveredError,
    SourceUnavailableError,
    redact,
)
from connectors.config import ConnectorConfig, connector_for, load_config
from hedui.delivery import write_json
from hedui.landing_types import landed_schema, schema_hash, type_batch
from hedui.registry import Source, get_source, source_names

log = logging.getLogger(__name__)

DATA_FILE = "data.parquet"
MANIFEST_FILE = "manifest.json"
STAGING_DIR = ".staging"
ROW_GROUP_ROWS = 500_000

Status = Literal["landed", "not_delivered", "failed"]


@dataclass(frozen=True)
class LandingResult:
    """What happened to one source delivery for one date."""

    source: str
    date: str
    status: Status
    rows: int = 0
    path: Path | None = None
    error: str | None = None
    connector: str = "file"
    duration_s: float = 0.0
    invalid_rows: int = 0
    transient: bool = False  # failed because the channel was unreachable: retry later


def landing_dir(landing_root: Path, source: str, day: date | str) -> Path:
    return Path(landing_root) / source / str(day)


class _Inputs:
    """Checksums of the inputs: file digests as given, else sha256 of the extracted text."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self.hashers: dict[str, Any] = {}

    def add(self, batch: Batch, source: Source) -> None:
        if batch.continued:  # the file's digest comes with its last batch
            return
        if batch.digest is not None:
            d = batch.digest
            self.entries[d.name] = {"name": d.name, "sha256": d.sha256, "bytes": d.bytes}
            return
        entry = self.entries.setdefault(
            batch.input, {"name": batch.input, "sha256": "", "bytes": 0, "checksum": "content"}
        )
        text = pl.from_arrow(batch.table.select(source.column_names))
        assert isinstance(text, pl.DataFrame)
        payload = text.write_csv(include_header=False).encode("utf-8")
        hasher = self.hashers.setdefault(batch.input, hashlib.sha256())
        hasher.update(payload)
        entry["bytes"] += len(payload)
        entry["sha256"] = hasher.hexdigest()

    def listing(self) -> list[dict[str, Any]]:
        return list(self.entries.values())


def _write(
    source: Source, day: date, connector: Connector, folder: Path
) -> tuple[int, int, dict[str, Any]]:
    """Extract, type and write the delivery into ``folder``; return rows, invalid, manifest."""
    schema = landed_schema(source)
    rows = invalid = 0
    inputs = _Inputs()
    header_map: dict[str, str] = {}
    delivered_types: dict[str, str] = {}
    with pq.ParquetWriter(
        folder / DATA_FILE, schema, compression="zstd", use_dictionary=_dictionary_columns(source)
    ) as writer:
        groups = _RowGroups(writer)
        for batch in connector.extract(source, day):
            inputs.add(batch, source)
            header_map.update(batch.header_map)
            for name, dtype in batch.delivered_types.items():
                delivered_types.setdefault(name, dtype)
            for start in range(0, batch.num_rows, ROW_GROUP_ROWS):
                typed, bad = type_batch(source, batch.table.slice(start, ROW_GROUP_ROWS))
                groups.add(typed)
                rows += typed.num_rows
                invalid += bad
        groups.flush()
        if rows == 0:
            writer.write_table(schema.empty_table())
    manifest = {
        "source": source.name,
        "date": day.isoformat(),
        "connector": connector.kind,
        "channel": connector.describe(),
        "row_count": rows,
        "invalid_rows": invalid,
        "files": [DATA_FILE],
        "inputs": inputs.listing(),
        "schema": [{"name": f.name, "type": str(f.type)} for f in schema],
        "schema_hash": schema_hash(schema),
        "header_map": header_map,
        "delivered_types": delivered_types,
        "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return rows, invalid, manifest


class _RowGroups:
    """Gathers typed batches (a connector's batches may be small) into row groups of
    ``ROW_GROUP_ROWS`` rows."""

    def __init__(self, writer: pq.ParquetWriter) -> None:
        self.writer = writer
        self.pending: list[pa.Table] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.rows += table.num_rows
        if self.rows >= ROW_GROUP_ROWS:
            whole = self.rows - self.rows % ROW_GROUP_ROWS
            gathered = pa.concat_tables(self.pending)
            self.writer.write_table(gathered.slice(0, whole), row_group_size=ROW_GROUP_ROWS)
            rest = gathered.slice(whole)
            self.pending, self.rows = [rest], rest.num_rows

    def flush(self) -> None:
        """Write what is left (the last, partial row group)."""
        if self.rows:
            self.writer.write_table(pa.concat_tables(self.pending))
        self.pending, self.rows = [], 0


def _dictionary_columns(source: Source) -> list[str]:
    """Low-cardinality columns worth dictionary encoding (IDs and amounts are not)."""
    return [c.name for c in source.columns if c.type in ("enum", "period", "date")] + ["_file"]


def _publish(staged: Path, final: Path, scratch: Path) -> None:
    """Move ``staged`` to ``final``, replacing any earlier landing (two renames)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    previous = scratch / "previous"
    if final.exists():
        os.rename(final, previous)
    try:
        os.rename(staged, final)
    except OSError:
        if previous.exists():
            os.rename(previous, final)  # put the earlier landing back
        raise


def land_source(
    source_name: str, day: date | str, connector: Connector, landing_root: Path
) -> LandingResult:
    """Land one source's delivery for ``day`` through ``connector``."""
    started = time.perf_counter()
    day = date.fromisoformat(str(day))
    source = get_source(source_name)
    final = landing_dir(Path(landing_root), source.name, day)

    def result(status: Status, **kw: Any) -> LandingResult:
        return LandingResult(
            source=source.name,
            date=day.isoformat(),
            status=status,
            connector=connector.kind,
            duration_s=round(time.perf_counter() - started, 3),
            **kw,
        )

    try:
        if not connector.check_ready(source, day):
            return result("not_delivered")
    except Exception as exc:
        return result(
            "failed",
            error=f"readiness check failed: {_message(exc)}",
            transient=_transient(exc),
        )

    scratch = Path(landing_root) / STAGING_DIR / f"{source.name}.{day}.{uuid.uuid4().hex}"
    staged = scratch / day.isoformat()
    staged.mkdir(parents=True)
    try:
        rows, invalid, manifest = _write(source, day, connector, staged)
        write_json(staged / MANIFEST_FILE, manifest)
        _publish(staged, final, scratch)
    except NotDeliveredError:
        return result("not_delivered")
    except Exception as exc:
        message = _message(exc)
        log.warning("landing %s %s failed: %s", source.name, day, message)
        return result("failed", error=message, transient=_transient(exc))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(OSError):  # leave no empty .staging behind
            scratch.parent.rmdir()
    log.info("landed %s %s: %d rows (%d with invalid values)", source.name, day, rows, invalid)
    return result("landed", rows=rows, path=final, invalid_rows=invalid)


def _transient(exc: Exception) -> bool:
    return isinstance(exc, (SourceUnavailableError, ConnectionError, TimeoutError))


def _message(exc: Exception) -> str:
    """An error message without row values: our own errors as is, others with their type."""
    if isinstance(exc, ConnectorError):
        return redact(str(exc))
    return redact(f"{type(exc).__name__}: {exc}")


def land_all(
    day: date | str,
    inbox: Path,
    landing_root: Path,
    config: str | Path | Mapping[str, Any] | ConnectorConfig | None = None,
    sources: Iterable[str] | None = None,
) -> list[LandingResult]:
    """Land every source (or ``sources``) for ``day``; one source failing never stops others."""
    specs = load_config(config)
    results = []
    for name in list(sources) if sources is not None else source_names():
        try:
            get_source(name)
            connector = connector_for(name, specs, Path(inbox))
        except Exception as exc:
            results.append(
                LandingResult(source=name, date=str(day), status="failed", error=_message(exc))
            )
            continue
        results.append(land_source(name, day, connector, Path(landing_root)))
    return results


def read_landed(landing_root: Path, source: str, day: date | str) -> pa.Table:
    """The landed table of one source and date."""
    return pq.read_table(landing_dir(landing_root, source, day) / DATA_FILE)
