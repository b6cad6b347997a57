"""The project store: one engine, read and write transactions, the audit log."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.exc import OperationalError

from workbench.errors import StoreError
from workbench.store import schema
from workbench.store.engine import is_url, make_engine, sqlite_path
from workbench.store.migrations import create_or_migrate, current_version

LOCK_RETRIES = 8


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

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @classmethod
    def connect(cls, target: str | Path, *, create: bool) -> Store:
        """Open (and if needed create or migrate) the store at a folder, file or URL."""
        if is_url(target):
            where = _safe_url(str(target))
        else:
            path = sqlite_path(target)
            where = str(path)
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise StoreError(
                    f"{path}: no project here. Create one with `workbench init {Path(target)}` "
                    "or Project.create(path)."
                )
        store = cls(make_engine(target), where)
        try:
            with store.write("workbench") as w:
                if create and current_version(w.conn) is not None:
                    raise StoreError(
                        f"{where}: a project already exists here; open it with "
                        "Project.open(…) (or choose another folder).")
                create_or_migrate(w.conn, where=where)
        except OperationalError as exc:
            raise StoreError(f"{where}: cannot open the project database ({exc.orig}).") from exc
        return store

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, actor: str) -> Iterator[Writer]:
        """One write transaction: all of it is saved, or none of it."""
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
        # SQLite takes its write lock at BEGIN IMMEDIATE; if another process
        # holds it past the busy timeout we back off and try again, so no
        # "database is locked" reaches the user under normal team load.
        delay = 0.05
        for attempt in range(LOCK_RETRIES):
            conn = self.engine.connect().execution_options(write=True)
            try:
                conn.begin()
                return conn
            except OperationalError as exc:
                conn.close()
                if "locked" not in str(exc.orig) or attempt == LOCK_RETRIES - 1:
                    raise StoreError(
                        f"{self.where}: the project is busy (another program holds it); "
                        "try again in a moment."
                    ) from exc
                time.sleep(delay + random.random() * delay)
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def row_of(conn: Connection, table: Table, row_id: int) -> dict[str, Any] | None:
    """A table row as a plain dict (for event snapshots), or None."""
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(row) if row is not None else None


def _safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
