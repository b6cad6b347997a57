"""Backing up and restoring a SQLite project, safely while others are coding.

`backup` uses SQLite's online backup API: the copy is one consistent snapshot
(one read transaction; in WAL mode writers go on meanwhile), written to a
temporary file that is renamed only once complete and checked. `restore`
copies a backup back with the same API, which writes the live database in one
transaction under its write lock, so other open connections see either the old
project or the restored one; the project it replaces is first kept as a backup
itself. A PostgreSQL project is backed up with PostgreSQL's own tools.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.errors import StoreError
from workbench.store.engine import BUSY_TIMEOUT_MS, is_url, sqlite_path
from workbench.store.migrations import check_known_version
from workbench.store.project_file import read_project_file

BEFORE_RESTORE = ".before-restore-"  # project.before-restore-<date>.sqlite


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S")


def _database_file(project: Any) -> Path:
    """The SQLite file of a Project, a Store, a folder, a .sqlite file or a URL."""
    store = getattr(project, "store", project)
    target = getattr(store, "where", project)
    if is_url(target):
        url = str(target)
        if url.startswith("sqlite:///"):
            return Path(url[len("sqlite:///"):])
        raise StoreError(
            f"{target} : un projet PostgreSQL se sauvegarde avec les outils de PostgreSQL, "
            "par ex. `pg_dump --format=custom --file=etude.dump postgresql://…` (restauration "
            "avec `pg_restore --clean --dbname postgresql://… etude.dump`).")
    path = sqlite_path(target)
    if not path.is_file():
        raise StoreError(f"{path} : aucun projet ici, rien à sauvegarder ; vérifiez le chemin "
                         "du projet.")
    return path


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                          isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def _copy(source: Path, destination: Path, *, journal: str | None,
          readonly: bool = False) -> None:
    """Copy every page in one step (one snapshot); then set the copy's journal mode
    (a backup is one self-contained file; a project is in WAL), or keep the
    destination's when it is a live project."""
    try:
        src = _connect(source, readonly=readonly)
        dst = sqlite3.connect(destination, timeout=BUSY_TIMEOUT_MS / 1000,
                              isolation_level=None)
        try:
            src.backup(dst)
            if journal is not None:
                dst.execute(f"PRAGMA journal_mode={journal}")
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"copie impossible de {source} vers {destination} ({exc}).") from exc


def backup(project: Any, destination: str | Path) -> Path:
    """Copy a SQLite project (Project, Store, folder or file) to `destination`.

    `destination` is a file, or a folder (existing, or written with a final `/`)
    where the copy is named `<project>-<date>.sqlite`. An existing file is never
    overwritten. Returns the path written; the copy is checked before it gets its name.
    """
    source = _database_file(project)
    target = Path(destination)
    if str(destination).endswith(("/", os.sep)) or target.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        name = source.parent.name if source.name == "project.sqlite" else source.stem
        target = target / f"{name}-{_stamp()}.sqlite"
    if target.exists():
        raise StoreError(f"{target} existe déjà ; choisissez un autre nom (une sauvegarde "
                         "n'écrase jamais un fichier).")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial, journal="DELETE")
        read_project_file(partial, integrity=True)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(backup_file: str | Path, project: str | Path, *,
            force: bool = False) -> Path | None:
    """Put a backup back as the project in folder (or file) `project`.

    An existing project is replaced only with `force=True`, and is first kept as
    `project.before-restore-<date>.sqlite` next to it (a project file too).
    Returns that copy's path (None when there was no project).
    """
    source = Path(backup_file)
    if is_url(project):
        raise StoreError(f"{project} : un projet PostgreSQL se restaure avec ses propres outils "
                         "(`pg_restore --clean --dbname postgresql://… etude.dump`).")
    if not source.is_file():
        raise StoreError(f"{source} : fichier de sauvegarde introuvable ; vérifiez le chemin.")
    version = read_project_file(source, integrity=True)
    check_known_version(version, where=str(source), what="cette sauvegarde",
                        advice="Mettez d'abord le workbench à jour (pip install -U workbench).")
    target = sqlite_path(project)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, target, journal="WAL", readonly=True)
        return None
    if not force:
        raise StoreError(
            f"{target} : un projet existe déjà ici. La restauration le remplace ; confirmez-le "
            "avec force=True (workbench restore --force). Le projet actuel est alors conservé "
            f"sous le nom {target.stem}{BEFORE_RESTORE}<date>{target.suffix}.")
    kept = target.with_name(f"{target.stem}{BEFORE_RESTORE}{_stamp()}{target.suffix}")
    try:
        read_project_file(target, integrity=True)
    except StoreError:
        # A damaged project can neither be copied page by page nor used: keep its
        # files as they are under the new name and restore into a clean place.
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{target}{suffix}")
            if part.exists():
                os.replace(part, Path(f"{kept}{suffix}"))
        _copy(source, target, journal="WAL", readonly=True)
        return kept
    backup(target, kept)
    _copy(source, target, journal=None, readonly=True)
    return kept
