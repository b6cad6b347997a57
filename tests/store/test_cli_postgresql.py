"""Every command of the command line on a PostgreSQL project (`-p postgresql://…`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench import Project
from workbench.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> str:
    assert main(list(args)) == code, capsys.readouterr().err
    captured = capsys.readouterr()
    return captured.out if code == 0 else captured.err


def test_every_command_on_postgresql(pg_url: str, corpus_dir: Path, codebook_file: Path,
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CODER", "cli")
    assert "Projet prêt" in run(capsys, "init", "--db", pg_url)
    assert "un projet existe déjà ici" in run(capsys, "init", "--db", pg_url, code=2)
    out = run(capsys, "import", "-p", pg_url, str(corpus_dir), "--attributes",
              str(corpus_dir / "attributes.csv"))
    assert "E01_fatima : nouveau, 6 tour(s) de parole" in out
    assert "ajoutés : 7" in run(capsys, "codebook", "-p", pg_url, "load", str(codebook_file))
    assert "liens.affectifs" in run(capsys, "codebook", "-p", pg_url, "show")
    run(capsys, "codebook", "-p", pg_url, "export", str(tmp_path / "grille.xlsx"))
    assert (tmp_path / "grille.xlsx").stat().st_size > 0
    assert "enregistré" in run(capsys, "code", "-p", pg_url, "E01_fatima", "femmes", "--quote",
                          "ne sont pas au bureau")
    assert "enregistré" in run(capsys, "code", "-p", pg_url, "E02_youssef", "actions.eau",
                          "--start", "0", "--end", "10", "--coder", "amina")
    out = run(capsys, "extracts", "-p", pg_url, "--codes", "femmes", "--where", "genre=F")
    assert "E01-T6" in out and "ne sont pas au bureau" in out
    run(capsys, "extracts", "-p", pg_url, "--by", "amina", "--out", str(tmp_path / "x.csv"))
    frame = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig")
    assert frame["coder"].tolist() == ["amina"] and frame["genre"].tolist() == ["H"]
    assert "grille_de_codage.xlsx" in run(capsys, "export", "-p", pg_url,
                                          str(tmp_path / "exports"))
    assert "toutes les citations correspondent" in run(capsys, "verify", "-p", pg_url)
    assert "create" in run(capsys, "history", "-p", pg_url)
    assert "Annulé : 1" in run(capsys, "undo", "-p", pg_url)  # cli's coding
    assert "pg_dump" in run(capsys, "backup", "-p", pg_url, str(tmp_path / "b"), code=2)
    assert "pg_restore" in run(capsys, "restore", "-p", pg_url, str(tmp_path / "b"),
                               "--force", code=2)
    with Project.open(pg_url) as p:
        assert p.extracts()["coder"].tolist() == ["amina"]
        assert p.store.engine.dialect.name == "postgresql"


def test_opening_a_database_without_project_says_how_to_init(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = run(capsys, "verify", "-p", pg_url, code=2)
    assert err.startswith("erreur : ") and "workbench init --db" in err
    assert "Traceback" not in err
