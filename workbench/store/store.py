"""The project store: one engine, read and write transactions, the audit log."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, text
from sqlalchemy.exc import DatabaseError, OperationalError

from workbench.errors import StoreError
from workbench.store import schema
from workbench.store.engine import BUSY_TIMEOUT_MS, is_url, make_engine, sqlite_path
from workbench.store.migrations import create_or_migrate, current_version

LOCK_RETRIES = 8
# PostgreSQL writers queue on one transaction-level advisory lock per database, so
# that read-then-write logic (codebook loads, cases, suggestions) behaves as under
# SQLite's single writer; they wait at most this long before backing off.
PG_WRITE_LOCK = 0x776F726B  # "work"
PG_LOCK_TIMEOUT = "15s"


def now() -> str:
    """A UTC timestamp with microseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _jsonable(row: dict[str, Any] | None) -> str | None:
    return None if row is None else json.dumps(row, ensure_ascii=False, default=str)


@dataclass
class Writer:
    """An open write transaction and the events it logs under one `txn` id."""

    conn: Connection
    actor: str
    txn: str = field(default_factory=lambda: str(uuid.uuid4()))
    at: str = field(default_factory=now)
    _events: list[dict[str, Any]] = field(default_factory=list)

    def log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Record who changed what; the rows are full snapshots so a change can be undone."""
        self._events.append({
            "txn": self.txn, "at": self.at, "actor": self.actor, "action": action,
            "entity": entity, "entity_id": entity_id,
            "before": _jsonable(before), "after": _jsonable(after),
        })

    def flush(self) -> None:
        if self._events:
            self.conn.execute(schema.events.insert(), self._events)
            self._events = []


class Store:
    """Access to one project's database; every public write is one transaction."""

    def __init__(self, engine: Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        self.lock_retries = 0  # times a write backed off because another writer held the lock
        self.read_only = False  # a snapshot (see workbench/snapshot.py): nothing is written

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @classmethod
    def connect(cls, target: str | Path, *, create: bool) -> Store:
        """Open (and if needed create or migrate) the store at a folder, file or URL."""
        if is_url(target):
            where = safe_url(str(target))
        else:
            path = sqlite_path(target)
            where = str(path)
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise StoreError(
                    f"{path} : aucun projet ici. Créez-en un avec `workbench init "
                    f"{Path(target)}` ou Project.create(path)."
                )
            else:
                _refuse_foreign_file(path)
        store = cls(make_engine(target), where)
        try:
            with store.write("workbench") as w:
                version = current_version(w.conn)
                if create and version is not None:
                    raise StoreError(
                        f"{where} : un projet existe déjà ici ; ouvrez-le avec "
                        "Project.open(…) (ou choisissez un autre dossier).")
                if not create and version is None and not store.is_sqlite:
                    raise StoreError(
                        f"{where} : cette base de données ne contient aucun projet. Créez-en "
                        f"un avec `workbench init --db {where}` ou Project.create(url).")

                create_or_migrate(w.conn, where=where)
                store.read_only = w.conn.execute(
                    text("SELECT 1 FROM meta WHERE key = 'snapshot'")).first() is not None
        except DatabaseError as exc:  # locked, unreadable, or not a database at all
            store.close()
            raise StoreError(f"{where} : impossible d'ouvrir la base de données du projet "
                             f"({exc.orig}).") from exc
        except BaseException:
            store.close()
            raise
        return store

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, actor: str) -> Iterator[Writer]:
        """One write transaction: all of it is saved, or none of it."""
        if self.read_only:
            raise StoreError(f"{self.where} : c'est un instantané pour le COPIL, en lecture "
                             "seule ; codez et modifiez dans le projet vivant.")
        conn = self._begin_write()
        try:
            writer = Writer(conn, actor)
            yield writer
            writer.flush()
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    def _begin_write(self) -> Connection:
        # SQLite takes its write lock at BEGIN IMMEDIATE, PostgreSQL at the
        # advisory lock; if another process holds it past the busy (lock) timeout
        # we back off and try again, so no "database is locked" reaches the user
        # under normal team load.
        delay = 0.05
        for attempt in range(LOCK_RETRIES):
            conn = self.engine.connect().execution_options(write=True)
            try:
                conn.begin()
                if not self.is_sqlite:
                    conn.execute(text(f"SET LOCAL lock_timeout = '{PG_LOCK_TIMEOUT}'"))
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": PG_WRITE_LOCK})
                return conn
            except OperationalError as exc:
                conn.close()
                if not _is_lock_error(exc):
                    raise StoreError(f"{self.where} : impossible d'écrire dans la base de "
                                     f"données du projet ({exc.orig}).") from exc
                if attempt == LOCK_RETRIES - 1:
                    raise StoreError(
                        f"{self.where} : le projet est occupé (un autre programme l'utilise) ; "
                        "réessayez dans un instant."
                    ) from exc
                self.lock_retries += 1
                time.sleep(delay + random.random() * delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def _is_lock_error(exc: OperationalError) -> bool:
    """SQLite's "database is locked" or PostgreSQL's lock timeout (SQLSTATE 55P03)."""
    return "locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "55P03"


def row_of(conn: Connection, table: Table, row_id: int) -> dict[str, Any] | None:
    """A table row as a plain dict (for event snapshots), or None."""
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(row) if row is not None else None


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _refuse_foreign_file(path: Path) -> None:
    """Refuse, before anything is written to it (not even the WAL switch), a file that is
    not a database or is another program's SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} : impossible d'ouvrir la base de données du projet ({exc}) ; "
                         "rien n'y a été écrit.") from exc
    if tables and "schema_migrations" not in tables:
        raise StoreError(
            f"{path} : ce fichier SQLite n'est pas un projet du workbench (il contient les "
            "tables d'un autre programme) ; rien n'y a été écrit. Ouvrez le dossier d'un "
            "projet, ou créez-en un ailleurs avec `workbench init`.")
