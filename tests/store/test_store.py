"""The store on SQLite and PostgreSQL: pragmas, transactions, migrations, version checks,
and backing off when another writer holds the lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from workbench import Project, StoreError
from workbench.store import Store, engine, migrations
from workbench.store import store as store_module
from workbench.store.migrations import Migration


def test_new_project_is_a_folder_with_a_wal_sqlite_file(tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    db = tmp_path / "p" / "project.sqlite"
    assert db.is_file()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    assert version == migrations.latest_version()


def test_connections_have_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    store = Store.connect(tmp_path / "p", create=True)
    with store.read() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_create_refuses_an_existing_project(backend_project: Project) -> None:
    with pytest.raises(StoreError, match="un projet existe déjà ici"):
        Project.create(backend_project.location)
    assert len(backend_project.documents()) == 2


def test_open_missing_project_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="workbench init"):
        Project.open(tmp_path / "nothing")


def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "autre.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (nom TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Aïcha')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="n'est pas un projet du workbench"):
        Project.open(path)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"contacts"}


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "project.sqlite"
    path.write_bytes(b"ceci n'est pas une base SQLite, juste du texte" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="impossible d'ouvrir la base de données du projet"):
        Project.open(tmp_path)
    assert path.read_bytes() == before


def test_open_an_empty_database_says_how_to_create_a_project(pg_url: str) -> None:
    with pytest.raises(StoreError, match="workbench init --db"):
        Project.open(pg_url)
    Project.create(pg_url).close()  # nothing was written by the failed open
    Project.open(pg_url).close()


def test_open_a_missing_database_is_a_clear_error_without_the_password(pg_url: str) -> None:
    server = pg_url.rsplit("/", 1)[0].replace("workbench@", "workbench:s3cret@")
    with pytest.raises(StoreError, match="impossible d'ouvrir la base de données") as info:
        Project.open(server + "/no_such_database")
    assert "no_such_database" in str(info.value) and "s3cret" not in str(info.value)


def test_a_failed_write_leaves_nothing(backend_project: Project) -> None:
    project = backend_project
    before = len(project.extracts())
    with pytest.raises(RuntimeError), project.store.write("x") as w:
        w.conn.execute(text("INSERT INTO coders (name, role) VALUES ('a', 'coder')"))
        raise RuntimeError("crash in the middle")
    with project.store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM coders WHERE name = 'a'")).scalar() == 0
    assert len(project.extracts()) == before


def test_store_from_a_newer_workbench_is_refused(project_target: str | Path) -> None:
    project = Project.create(project_target)
    with project.store.write("test") as w:
        w.conn.execute(text("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')"))
    project.close()
    with pytest.raises(StoreError, match="version 999"):
        Project.open(project_target)


def test_old_store_gets_missing_migrations_once(monkeypatch: pytest.MonkeyPatch,
                                                backend_project: Project) -> None:
    """A project made before a new migration opens, is upgraded once, keeps its data."""
    project = backend_project
    n = len(project.extracts(None))
    location = project.location
    project.close()

    def add_column(conn):  # type: ignore[no-untyped-def]
        conn.execute(text("ALTER TABLE documents ADD COLUMN summary TEXT"))

    future = [*migrations.MIGRATIONS, Migration(migrations.latest_version() + 1, "summary",
                                                add_column)]
    monkeypatch.setattr(migrations, "MIGRATIONS", future)
    reopened = Project.open(location)
    with reopened.store.read() as conn:
        cols = [c["name"] for c in inspect(conn).get_columns("documents")]
        applied = conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar()
    assert "summary" in cols
    assert applied == len(future)
    assert len(reopened.extracts(None)) == n
    reopened.close()
    Project.open(location).close()  # second open applies nothing (would fail on ALTER)


def test_v1_fixture_project_opens_with_its_data() -> None:
    """A project file written by version 1 of the schema still opens and reads."""
    fixture = Path(__file__).parent / "data" / "project_v1.sqlite"
    if not fixture.exists():
        pytest.fail(f"missing fixture {fixture}")
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project.sqlite"
        shutil.copy(fixture, copy)
        p = Project.open(copy)
        assert len(p.documents()) == 2
        assert len(p.extracts()) == 3
        assert p.verify().ok
        assert set(p.turns("E01_fatima")["script"]) == {"latin"}  # filled after v2
        assert p.privacy.table().empty
        p.close()


def _hold_sqlite_write_lock(db: Path, seconds: float, started: threading.Event) -> None:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    con.execute("ROLLBACK")
    con.close()


def _store_with_lock_held(tmp_path: Path, seconds: float) -> tuple[Store, threading.Thread]:
    """A new project's store, and a thread holding its SQLite write lock for `seconds`."""
    Project.create(tmp_path / "p").close()
    store = Store.connect(tmp_path / "p", create=False)
    started = threading.Event()
    holder = threading.Thread(target=_hold_sqlite_write_lock,
                              args=(tmp_path / "p" / "project.sqlite", seconds, started))
    holder.start()
    started.wait()
    return store, holder


def test_a_writer_waits_for_the_lock_and_retries(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holding the write lock past the busy timeout: the write backs off,
    retries and succeeds; the user never sees "database is locked"."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    store, holder = _store_with_lock_held(tmp_path, 0.8)
    with store.write("x") as w:
        w.conn.execute(text("INSERT INTO coders (name, role) VALUES ('a', 'coder')"))
    holder.join()
    assert store.lock_retries >= 1
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM coders WHERE name = 'a'")).scalar() == 1
    store.close()


def test_a_lock_never_released_is_a_clear_busy_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(store_module, "LOCK_RETRIES", 3)
    store, holder = _store_with_lock_held(tmp_path, 1.5)
    with pytest.raises(StoreError, match="le projet est occupé") as info, store.write("x") as w:
        w.conn.execute(text("INSERT INTO coders (name, role) VALUES ('a', 'coder')"))
    assert "locked" not in str(info.value)
    assert store.lock_retries == 2
    holder.join()
    store.close()


def test_postgresql_writers_queue_on_one_lock(pg_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL a second writer waits for the first (as SQLite's single writer does),
    and gives a clear busy error, not a raw lock timeout, when it waits too long."""
    monkeypatch.setattr(store_module, "PG_LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(store_module, "LOCK_RETRIES", 2)
    first = Store.connect(pg_url, create=True)
    second = Store.connect(pg_url, create=False)
    with first.write("a") as w:
        w.conn.execute(text("INSERT INTO coders (name, role) VALUES ('a', 'coder')"))
        with pytest.raises(StoreError, match="le projet est occupé"), second.write("b") as w2:
            w2.conn.execute(text("INSERT INTO coders (name, role) VALUES ('b', 'coder')"))
    assert second.lock_retries == 1
    with second.write("b") as w2:  # free again
        w2.conn.execute(text("INSERT INTO coders (name, role) VALUES ('b', 'coder')"))
    with first.read() as conn:
        assert sorted(conn.execute(text("SELECT name FROM coders")).scalars()) == ["a", "b"]
    first.close()
    second.close()
