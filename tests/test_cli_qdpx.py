"""`workbench qdpx import --sources-folder DIR`: texts kept outside a REFI-QDA archive are
read from the folder the user names, and refused (nothing imported) without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.refi.builders import nothing_left, one_source_project
from workbench import Project
from workbench.cli import main

TEXT = ("Enquêtrice : Qu'est-ce qui vous relie au village ?\n"
        "Fatima : Le puits du village, c'est mon père qui l'a financé.\n")
QUOTE = "Le puits du village"


@pytest.fixture
def external_archive(tmp_path: Path) -> Path:
    """An archive whose only source is a text file beside it, not inside it."""
    folder = tmp_path / "textes"
    folder.mkdir()
    (folder / "Entretien Fatima.txt").write_text(TEXT, encoding="utf-8")
    start = TEXT.index(QUOTE)
    return one_source_project(tmp_path / "etude.qdpx", b"", [(start, start + len(QUOTE),
                                                               QUOTE)],
                              source_path="relative://Entretien Fatima.txt", member=None,
                              basePath=str(folder))


def test_qdpx_import_reads_external_sources_only_from_the_named_folder(
        external_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "importe"
    assert main(["qdpx", "-p", str(target), "--coder", "nadia", "import",
                 str(external_archive)]) == 2
    assert "sources_folder" in capsys.readouterr().err  # refused without consent
    assert nothing_left(target)

    assert main(["qdpx", "-p", str(target), "--coder", "nadia", "import",
                 str(external_archive), "--sources-folder", str(tmp_path / "textes")]) == 0
    with Project.open(target) as project:
        assert project.extracts()["text"].tolist() == [QUOTE]


def test_sources_folder_is_refused_on_export(project: Project, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qdpx", "-p", str(project.location), "export", str(tmp_path / "x.qdpx"),
                 "--sources-folder", str(tmp_path)]) == 2
    assert "--sources-folder" in capsys.readouterr().err
    assert not (tmp_path / "x.qdpx").exists()
