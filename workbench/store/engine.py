"""Database engines: an embedded SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

SQLITE_FILE = "project.sqlite"
BUSY_TIMEOUT_MS = 15_000


def is_url(target: str | Path) -> bool:
    """True when `target` is a database URL rather than a project folder or file."""
    return "://" in str(target)


def sqlite_path(target: str | Path) -> Path:
    """The SQLite file of a project given as a folder or as the file itself."""
    path = Path(target)
    return path if path.suffix in {".sqlite", ".db", ".sqlite3"} else path / SQLITE_FILE


def make_engine(target: str | Path) -> Engine:
    """An engine for a project folder, a .sqlite file or a database URL.

    SQLite gets WAL, foreign keys, a busy timeout and `synchronous=FULL`, and
    write transactions start with `BEGIN IMMEDIATE` so that two writers queue on
    the lock instead of failing half-way through a transaction.
    """
    if is_url(target):
        url = str(target)
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        if url.startswith("sqlite"):
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True)
    return _sqlite_engine(f"sqlite:///{sqlite_path(target)}")


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # We emit BEGIN ourselves (see _on_begin): pysqlite's implicit
        # transactions would start deferred and could fail on lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
