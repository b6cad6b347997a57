"""`workbench media`: a researcher lists recordings with the state of their files, reads a
document's turn times, detaches and attaches (copied, under the document's reference),
turns the COPIL apps' listening on and off, and gets one French line for a mistake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from media_fixtures import Recording, needs_tools, synthesise, write_vtt

from workbench import Project
from workbench.cli import main

pytestmark = needs_tools


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Recording]:
    sound = synthesise(tmp_path / "sons", "Rachid_Agadir")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(sound.path, corpus / "Rachid_Agadir.wav")
    write_vtt(corpus / "Rachid_Agadir.vtt", sound.segments)
    with Project.create(tmp_path / "projet", coder="ana") as p:
        p.import_corpus(corpus, progress=False)
        p.set_reference("Rachid_Agadir", "E07")
    return tmp_path / "projet", sound


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["media", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_times_detach_attach_and_apps(project: tuple[Path, Recording],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder, sound = project
    where = str(folder)
    code, out, _ = run(capsys, "-p", where)
    assert code == 0 and "Rachid_Agadir : wav, 0:" in out and "présent" in out
    code, out, _ = run(capsys, "times", "-p", where, "Rachid_Agadir")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == len(sound.segments)
    assert lines[1].split()[0] == "2" and lines[1].rstrip().endswith("Fatima")
    code, out, _ = run(capsys, "remove", "-p", where, "Rachid_Agadir")
    assert code == 0 and "détaché" in out
    assert "Aucun enregistrement" in run(capsys, "list", "-p", where)[1]
    code, out, _ = run(capsys, "add", "-p", where, str(sound.path), "Rachid_Agadir", "--copy")
    assert code == 0 and "media/E07.wav" in out
    assert (folder / "media" / "E07.wav").is_file()
    assert "(copie)" in run(capsys, "list", "-p", where)[1]
    assert "ne font pas" in run(capsys, "apps", "-p", where)[1]
    assert "désormais" in run(capsys, "apps", "-p", where, "oui")[1]
    with Project.open(folder) as p:
        assert p.media.in_apps()
    assert "ne font plus" in run(capsys, "apps", "-p", where, "non")[1]


def test_a_mistake_is_one_french_line(project: tuple[Path, Recording],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder, _sound = project
    code, out, err = run(capsys, "times", "-p", str(folder), "Inconnu")
    assert code == 2 and out == "" and err.startswith("erreur : aucun document « Inconnu »")
    code, _out, err = run(capsys, "relink", "-p", str(folder), "Rachid_Agadir",
                          str(folder / "absent.wav"))
    assert code == 2 and err.startswith("erreur : ") and len(err.strip().splitlines()) == 1
