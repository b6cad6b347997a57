"""The SQLite store: pragmas, transactions, migrations and version checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench import Project, StoreError
from workbench.store import Store, migrations
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


def test_create_refuses_an_existing_project(project: Project) -> None:
    with pytest.raises(StoreError, match="already exists"):
        Project.create(project.location)
    assert len(project.documents()) == 2


def test_open_missing_project_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="workbench init"):
        Project.open(tmp_path / "nothing")


def test_a_failed_write_leaves_nothing(project: Project) -> None:
    before = len(project.extracts())
    with pytest.raises(RuntimeError), project.store.write("x") as w:
        w.conn.execute(text("INSERT INTO coders (name, role) VALUES ('a', 'coder')"))
        raise RuntimeError("crash in the middle")
    with project.store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM coders")).scalar() == 0
    assert len(project.extracts()) == before


def test_store_from_a_newer_workbench_is_refused(tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    con = sqlite3.connect(tmp_path / "p" / "project.sqlite")
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="version 999"):
        Project.open(tmp_path / "p")


def test_old_store_gets_missing_migrations_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                project: Project) -> None:
    """A project made before a new migration opens, is upgraded once, keeps its data."""
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
        cols = [r[1] for r in conn.execute(text("PRAGMA table_info(documents)"))]
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
        assert p.pseudonyms().empty
        p.close()
