"""Is a SQLite file a workbench project, and which schema version does it hold?

A project file is read here without being opened as a project: read-only, no
migration, nothing written (a backup being checked, a coder's copy before a
merge). Whether that version is newer than this workbench knows is
`migrations.check_known_version`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from workbench.errors import StoreError
from workbench.store.engine import BUSY_TIMEOUT_MS
from workbench.store.migrations import current_version


class NotAProjectFile(StoreError):
    """A file that is not a workbench project: not a database, or no schema version.

    `reason` is the database's own message, or None when the file is a database
    without a schema version.
    """

    def __init__(self, path: Path, reason: str | None) -> None:
        super().__init__(f"{path} : ce n'est pas un fichier de projet du workbench "
                         f"({reason or 'pas de version de schéma'}).")
        self.path = path
        self.reason = reason


def _read_only_engine(path: Path) -> Engine:
    """An engine on `path` opened read-only (never created, never switched to WAL)."""
    uri = f"file:{path}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def read_project_file(path: Path, *, integrity: bool = False) -> int:
    """The schema version of the project file `path`, read without opening it as a project.

    Raises NotAProjectFile (a StoreError) when it is not a workbench project; with
    `integrity`, also runs SQLite's integrity check and raises StoreError when the
    file is damaged. The version may be newer than this workbench knows: see
    `migrations.check_known_version`.
    """
    engine = _read_only_engine(path)
    try:
        with engine.connect() as conn:
            status = (conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                      if integrity else "ok")
            version = current_version(conn)
    except DatabaseError as exc:
        raise NotAProjectFile(path, str(exc.orig)) from exc
    finally:
        engine.dispose()
    if status != "ok":
        raise StoreError(f"{path} : le fichier est endommagé (contrôle d'intégrité : {status}).")
    if version is None:
        raise NotAProjectFile(path, None)
    return version
