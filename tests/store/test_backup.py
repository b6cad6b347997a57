"""Backup and restore of a SQLite project, also while another process is coding."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench import Project, StoreError
from workbench.cli import main
from workbench.store.backup import backup, restore

WRITER = """
import sys
from workbench import Project
p = Project.open(sys.argv[1], coder="writer")
n = len(p.text("E01_fatima"))
for i in range(int(sys.argv[2])):
    p.code("E01_fatima", i % (n - 5), i % (n - 5) + 5, "femmes", memo=f"w{i}")
    print(i, flush=True)
p.close()
"""


def _counts(path: Path) -> tuple[int, int]:
    """Codings, and coding-creation events: equal in any consistent state."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        codings = con.execute("SELECT count(*) FROM codings").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events WHERE entity = 'codings' "
                             "AND action = 'create'").fetchone()[0]
    finally:
        con.close()
    return codings, events


def test_backup_is_one_checked_file_that_opens_as_the_project(project: Project,
                                                              tmp_path: Path) -> None:
    project.code_quote("E01_fatima", "Le village", "liens.affectifs", memo="avant")
    copy = backup(project, tmp_path / "sauvegardes" / "etude.sqlite")
    assert copy.is_file()
    assert not Path(f"{copy}-wal").exists()  # self-contained, not in WAL mode
    assert [p.name for p in copy.parent.iterdir()] == ["etude.sqlite"]  # no partial file left
    restored = tmp_path / "restaure"
    assert restore(copy, restored) is None
    with Project.open(restored) as again:
        assert again.verify().ok
        assert again.extracts()["memo"].tolist() == ["avant"]
        assert len(again.documents()) == 2


def test_backup_into_a_folder_names_the_copy_and_never_overwrites(project: Project,
                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    copy = backup(project.store, folder)
    assert copy.parent == folder and copy.name.startswith("projet-") and copy.suffix == ".sqlite"
    size = copy.stat().st_size
    with pytest.raises(StoreError, match="existe déjà"):
        backup(project, copy)
    assert copy.stat().st_size == size
    fresh = backup(project, f"{tmp_path}/nouveau/dossier/")
    assert fresh.parent == tmp_path / "nouveau" / "dossier" and fresh.name.startswith("projet-")


def test_backup_of_a_postgresql_project_says_to_use_pg_dump() -> None:
    with pytest.raises(StoreError, match="pg_dump"):
        backup("postgresql://claire@serveur/etude", "/tmp/x.sqlite")


def test_backup_while_another_process_codes_is_consistent(project: Project,
                                                          tmp_path: Path) -> None:
    location = Path(project.location)
    project.close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(location), "200"],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    for _ in range(30):  # let the writer get going
        writer.stdout.readline()
    saved_before = 30
    copy = backup(location, tmp_path / "pendant.sqlite")
    rest = writer.stdout.read()
    assert writer.wait(timeout=120) == 0
    saved_total = saved_before + len(rest.split())
    assert saved_total == 200
    codings, events = _counts(copy)
    assert codings == events  # one snapshot: no coding without its event, nor the reverse
    assert saved_before <= codings < saved_total  # taken while the writer was writing
    restore(copy, tmp_path / "copie")
    with Project.open(tmp_path / "copie") as again:
        assert again.verify().ok
        memos = again.extracts()["memo"].tolist()
        assert memos == [f"w{i}" for i in range(codings)]  # a prefix of the writes, in order


def test_restore_refuses_to_replace_a_project_without_force(project: Project,
                                                           tmp_path: Path) -> None:
    copy = backup(project, tmp_path / "b.sqlite")
    project.code_quote("E01_fatima", "Le village", "liens.affectifs", memo="après")
    with pytest.raises(StoreError, match="force=True"):
        restore(copy, project.location)
    assert project.extracts()["memo"].tolist() == ["après"]


def test_restore_with_force_keeps_the_replaced_project(project: Project, tmp_path: Path) -> None:
    project.code_quote("E01_fatima", "Le village", "liens.affectifs", memo="avant")
    copy = backup(project, tmp_path / "b.sqlite")
    project.code_quote("E02_youssef", "Chaque été", "liens.materiels", memo="après")
    kept = restore(copy, project.location, force=True)
    assert kept is not None and kept.name.startswith("project.before-restore-")
    # the project still open sees the restored state: the change after the backup is gone
    assert project.extracts()["memo"].tolist() == ["avant"]
    assert project.verify().ok
    project.code_quote("E01_fatima", "l'école du douar", "actions.education")  # still writable
    assert _counts(kept) == (2, 2)  # nothing lost: the replaced state is kept aside
    with Project.open(kept) as previous:
        assert sorted(previous.extracts()["memo"]) == ["après", "avant"]


def test_restore_refuses_a_file_that_is_not_a_project(project: Project, tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(StoreError, match="ce n'est pas un fichier de projet du workbench"):
        restore(junk, project.location, force=True)
    other = tmp_path / "autre.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="pas de version de schéma"):
        restore(other, project.location, force=True)
    with pytest.raises(StoreError, match="fichier de sauvegarde introuvable"):
        restore(tmp_path / "absent.sqlite", project.location, force=True)
    assert len(project.documents()) == 2
    assert not list(Path(project.location).glob("*before-restore*"))


def test_restore_refuses_a_backup_from_a_newer_workbench(project: Project,
                                                          tmp_path: Path) -> None:
    copy = backup(project, tmp_path / "b.sqlite")
    con = sqlite3.connect(copy)
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="version 999"):
        restore(copy, tmp_path / "neuf")
    assert not (tmp_path / "neuf").exists()


def test_restore_over_a_damaged_project_moves_its_files_aside(project: Project,
                                                              tmp_path: Path) -> None:
    copy = backup(project, tmp_path / "b.sqlite")
    location = Path(project.location)
    project.close()
    db = location / "project.sqlite"
    data = bytearray(db.read_bytes())
    data[100:4096 * 3] = b"\x00" * (4096 * 3 - 100)  # wipe the schema pages
    db.write_bytes(bytes(data))
    kept = restore(copy, location, force=True)
    assert kept is not None and kept.read_bytes() == bytes(data)
    with Project.open(location) as again:
        assert len(again.documents()) == 2 and again.verify().ok


def test_backup_and_restore_commands(project: Project, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    location = str(project.location)
    assert main(["backup", "-p", location, str(tmp_path / "b.sqlite")]) == 0
    assert "Sauvegarde écrite" in capsys.readouterr().out
    project.code_quote("E01_fatima", "Le village", "liens.affectifs")
    assert main(["restore", "-p", location, str(tmp_path / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("erreur : ") and "--force" in err
    assert len(project.extracts()) == 1
    assert main(["restore", "-p", location, str(tmp_path / "b.sqlite"), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Ancien projet gardé sous" in out and "restauré" in out
    assert project.extracts().empty
    assert main(["backup", "-p", "postgresql://u@h/etude", str(tmp_path / "x")]) == 2
    assert "pg_dump" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_commands_have_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert capsys.readouterr().out.startswith(f"usage: workbench {command}")


def test_store_counts_are_consistent_after_restore(project: Project, tmp_path: Path) -> None:
    """The restored database is the backup, page for page (same rows, same audit log)."""
    project.code_quote("E01_fatima", "Le village", "liens.affectifs")
    copy = backup(project, tmp_path / "b.sqlite")
    with project.store.read() as conn:
        events = conn.execute(text("SELECT count(*) FROM events")).scalar()
    project.uncode(int(project.extracts()["coding_id"][0]))
    restore(copy, project.location, force=True)
    with project.store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == events
    assert len(project.extracts()) == 1
