"""Publishing the warehouse: write-audit-publish by atomic swap, kept versions, rollback.

Layout under a warehouse directory::

    published.duckdb          what readers open (read-only); replaced by an atomic rename
    versions/<id>.duckdb      the last N published builds, hard links where the disk allows
    versions.json             [{id, run_date, sha256, published_seq}], newest last
    nights/<table>/<date>/<id>.parquet   the nightly tables' rows, one file per run date, that
                              the published file's views read (hedui/warehouse/nights.py)

A reader that opened ``published.duckdb`` before a swap keeps reading the old file (its inode
lives on); the next open sees the new one, whole. Nothing ever writes into the published file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

PUBLISHED_NAME = "published.duckdb"


@dataclass(frozen=True)
class Version:
    id: str
    run_date: str
    sha256: str
    seq: int


def published_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / PUBLISHED_NAME


class PublishConflict(RuntimeError):
    """The published warehouse changed after the build read it (another run or a rollback)."""


def published_token(warehouse_dir: Path) -> str | None:
    """Identifies the published file (None: nothing published). Published files are never
    written in place, only swapped in by rename, so the inode changes with every publish."""
    try:
        st = published_path(warehouse_dir).stat()
    except FileNotFoundError:
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}"


def _versions_file(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / "versions.json"


def list_versions(warehouse_dir: Path) -> list[Version]:
    """Kept versions, oldest first."""
    path = _versions_file(warehouse_dir)
    if not path.exists():
        return []
    return [Version(**v) for v in json.loads(path.read_text("utf-8"))]


def _write_versions(warehouse_dir: Path, versions: list[Version]) -> None:
    path = _versions_file(warehouse_dir)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps([asdict(v) for v in versions], indent=2) + "\n", "utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _swap_in(version_file: Path, warehouse_dir: Path) -> None:
    """Make ``version_file`` the published file with one atomic rename."""
    target = published_path(warehouse_dir)
    tmp = target.with_name(f".{PUBLISHED_NAME}.swap")
    tmp.unlink(missing_ok=True)
    _link_or_copy(version_file, tmp)
    os.replace(tmp, target)


_ANY = "any"


def publish(
    staging_file: Path,
    warehouse_dir: Path,
    run_date: str,
    keep: int = 5,
    *,
    based_on: str | None = _ANY,
    keep_nights: int | None = None,
) -> Version:
    """Publish an audited staging warehouse file; keep the newest ``keep`` versions.

    The nightly tables' rows of ``run_date`` become new night files, every other night is
    carried from the published file's manifest, the oldest dates beyond ``keep_nights`` (None:
    all) are dropped, and night files no kept version names are deleted.

    ``based_on`` is the :func:`published_token` the build read its history from: when the
    published warehouse has changed since (two runs built at once, or a rollback in between),
    :class:`PublishConflict` is raised and nothing changes; rerun the date.
    """
    from hedui.warehouse.nights import read_manifest, remove_unreferenced, write_published_file

    warehouse_dir = Path(warehouse_dir)
    if based_on != _ANY and published_token(warehouse_dir) != based_on:
        raise PublishConflict(
            f"the published warehouse changed after the {run_date} build read it (another run "
            "published, or a rollback): its monitoring history would be out of date; nothing "
            "was published, rerun this date"
        )
    versions_dir = warehouse_dir / "versions"
    # personal data: owner-only (shell access to these files is database-administrator access)
    warehouse_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    warehouse_dir.chmod(0o700)
    versions_dir.mkdir(mode=0o700, exist_ok=True)
    existing = list_versions(warehouse_dir)
    seq = (existing[-1].seq + 1) if existing else 1
    version_id = f"{run_date}-{seq:04d}"
    version_file = versions_dir / f"{version_id}.duckdb"
    tmp = version_file.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    current = published_path(warehouse_dir)
    write_published_file(
        staging_file,
        tmp,
        warehouse_dir,
        run_date,
        version_id,
        previous=current if current.exists() else None,
        keep_nights=keep_nights,
    )
    version = Version(id=version_id, run_date=run_date, sha256=file_sha256(tmp), seq=seq)
    tmp.chmod(0o600)
    os.replace(tmp, version_file)
    _swap_in(version_file, warehouse_dir)
    kept = [*existing, version][-keep:]
    _write_versions(warehouse_dir, kept)
    for old in existing:
        if old not in kept:
            (versions_dir / f"{old.id}.duckdb").unlink(missing_ok=True)
    remove_unreferenced(
        warehouse_dir, [read_manifest(versions_dir / f"{v.id}.duckdb") for v in kept]
    )
    return version


def rollback(warehouse_dir: Path, version_id: str | None = None) -> Version:
    """Publish a kept version again: the given one, or the one before the current."""
    versions = list_versions(warehouse_dir)
    if not versions:
        raise LookupError("no published versions to roll back to")
    current = file_sha256(published_path(warehouse_dir))
    if version_id is None:
        older = [v for v in versions if v.sha256 != current]
        if not older:
            raise LookupError("no older version than the published one is kept")
        chosen = older[-1]
    else:
        matches = [v for v in versions if v.id == version_id]
        if not matches:
            raise LookupError(
                f"version {version_id!r} is not kept; kept: " + ", ".join(v.id for v in versions)
            )
        chosen = matches[0]
    _swap_in(Path(warehouse_dir) / "versions" / f"{chosen.id}.duckdb", warehouse_dir)
    return chosen
