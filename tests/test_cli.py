"""The command line: each help in-process, the whole flow as a user runs it (subprocesses)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main

COMMANDS = ["init", "import", "codebook", "code", "extracts", "export", "demo", "verify",
            "history", "undo", "backup", "restore", "annex", "qdpx", "merge", "copy-for",
            "agreement", "app", "media"]


def run(*args: str, cwd: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env={"WORKBENCH_CODER": "cli", "PATH": "/usr/bin",
                                                   "HOME": str(Path.home())})
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_plain_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("usage: workbench " + command)


def test_the_installed_command_lists_every_command() -> None:
    out = run("--help").stdout
    assert all(command in out for command in COMMANDS)


def test_init_import_codebook_code_extracts_export_verify(tmp_path: Path, corpus_dir: Path,
                                                          codebook_file: Path) -> None:
    project = str(tmp_path / "etude")
    run("init", project)
    assert (tmp_path / "etude" / "project.sqlite").exists()
    out = run("import", "-p", project, str(corpus_dir), "--attributes",
              str(corpus_dir / "attributes.csv")).stdout
    assert "E01_fatima : nouveau, 6 tour(s) de parole" in out
    assert "ajoutés : 7" in run("codebook", "-p", project, "load", str(codebook_file)).stdout
    assert "Codage 1 enregistré" in run("code", "-p", project, "E01_fatima", "femmes", "--quote",
                                   "ne sont pas au bureau").stdout
    out = run("extracts", "-p", project, "--codes", "femmes", "--where", "genre=F").stdout
    assert "E01-T6" in out and "ne sont pas au bureau" in out
    csv = tmp_path / "x.csv"
    run("extracts", "-p", project, "--out", str(csv))
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert frame.loc[0, "coder"] == "cli" and frame.loc[0, "genre"] == "F"
    exported = run("export", "-p", project, str(tmp_path / "exports")).stdout
    assert "grille_de_codage.xlsx" in exported
    assert "toutes les citations correspondent" in run("verify", "-p", project).stdout
    assert "create" in run("history", "-p", project).stdout
    run("undo", "-p", project)
    assert "Aucun extrait" in run("extracts", "-p", project).stdout


def test_errors_are_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    proc = run("import", "-p", str(tmp_path / "absent"), "x.txt", ok=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("erreur : ") and "workbench init" in proc.stderr
    assert "Traceback" not in proc.stderr
