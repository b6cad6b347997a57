"""The team and export commands, run in-process: a lead, a coder's copy, a merge, the
agreement between them, the annexes and the REFI-QDA exchange."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench import Project
from workbench.cli import main


def cli(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> str:
    assert main(list(args)) == code
    out, err = capsys.readouterr()
    return out + err


def test_lead_copy_merge_agreement_annex_and_qdpx(tmp_path: Path, corpus_dir: Path,
                                                  codebook_file: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    lead = str(tmp_path / "etude")
    cli(capsys, "init", lead, "--coder", "nadia")
    cli(capsys, "import", "-p", lead, "--coder", "nadia", str(corpus_dir), "--attributes",
        str(corpus_dir / "attributes.csv"))
    cli(capsys, "codebook", "-p", lead, "--coder", "nadia", "load", str(codebook_file))
    cli(capsys, "code", "-p", lead, "--coder", "nadia", "E01_fatima", "femmes", "--quote",
        "ne sont pas au bureau")
    copy = tmp_path / "copie_karim"
    assert "--coder karim" in cli(capsys, "copy-for", "-p", lead, "--coder", "nadia",
                                  "karim", str(copy))
    cli(capsys, "code", "-p", str(copy), "--coder", "karim", "E01_fatima", "femmes",
        "--quote", "Les femmes font tout le travail mais ne sont pas au bureau")
    cli(capsys, "merge", "-p", lead, "--coder", "nadia", str(copy))
    p = Project.open(lead)
    try:
        assert set(p.extracts("femmes")["coder"]) == {"nadia", "karim"}
        assert dict(zip(p.team.coders()["coder"], p.team.coders()["role"], strict=True)) == {
            "nadia": "lead", "karim": "coder"}
    finally:
        p.close()

    p = Project.open(lead, coder="nadia")
    try:
        for coding_id in p.extracts("femmes")["coding_id"]:
            p.review.set(int(coding_id), "accepted")
        p.privacy.propose()  # the annex is pseudonymised: names need their pseudonyms
    finally:
        p.close()
    table = tmp_path / "desaccords.csv"
    out = cli(capsys, "agreement", "-p", lead, "--between", "nadia", "--between", "karim",
              "--codes", "femmes", "--disagreements", str(table))
    assert "Unité : caractère" in out and "(ensemble)" in out
    spans = pd.read_csv(table, encoding="utf-8-sig")
    assert len(spans) >= 1 and spans["text"].str.contains("Les femmes font tout").any()

    annex = tmp_path / "annexe.xlsx"
    assert "2 extrait(s)" in cli(capsys, "annex", "-p", lead, str(annex), "--codes", "femmes")
    sheets = load_workbook(annex, read_only=True).sheetnames
    assert len(sheets) >= 2
    word = tmp_path / "annexe.docx"
    cli(capsys, "annex", "-p", lead, str(word))
    assert zipfile.is_zipfile(word)

    archive = tmp_path / "etude.qdpx"
    cli(capsys, "qdpx", "-p", lead, "export", str(archive))
    cli(capsys, "qdpx", "-p", str(tmp_path / "importe"), "--coder", "nadia", "import",
        str(archive))
    back = Project.open(tmp_path / "importe")
    try:
        assert sorted(back.extracts("femmes")["text"]) == sorted(
            ["ne sont pas au bureau",
             "Les femmes font tout le travail mais ne sont pas au bureau"])
    finally:
        back.close()


def test_annex_of_nothing_is_a_clear_error(project: Project, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, "annex", "-p", str(project.location), str(tmp_path / "a.xlsx"), code=2)
    assert "Aucun extrait" in out and not (tmp_path / "a.xlsx").exists()
