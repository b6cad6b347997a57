"""Hostile REFI-QDA projects: a source text replaced after coding, sources that point
outside the archive at the importing machine's files, and an NVivo-like export whose
sources are empty and whose users code nothing."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.hostile.conftest import refused
from tests.refi.builders import (
    codebook,
    guid,
    make_qdpx,
    nothing_left,
    one_source_project,
    project_xml,
    selection,
    text_source,
)
from workbench import Project
from workbench.errors import ExchangeError


def exported(project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "projet.qdpx"
    project.export.qdpx(path)
    return path


def replace_text(archive: Path, document: str, change) -> Path:
    """The archive with the text of `document` passed through `change`."""
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    qde = members["project.qde"].decode()
    found = re.search(rf'<TextSource [^>]*name="{document}"[^>]*plainTextPath="internal://'
                      r'([^"]+)"', qde)
    assert found, qde[:500]
    name = f"sources/{found.group(1)}"
    members[name] = change(members[name].decode()).encode()
    changed = archive.with_name(f"modifie_{archive.name}")
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in members.items():
            target.writestr(member, data)
    return changed


def test_a_replaced_text_moves_codings_to_their_quotes(coded: Project, tmp_path: Path) -> None:
    archive = replace_text(exported(coded, tmp_path), "E01_fatima",
                           lambda text: "Note ajoutée après le codage.\n" + text)
    quotes = sorted(coded.extracts()["text"])
    project, report = Project.import_qdpx(archive, tmp_path / "relu", coder="claire")
    assert sorted(project.extracts()["text"]) == quotes
    assert project.verify().ok
    assert any("replacée(s)" in w for w in report.warnings), report.warnings
    project.close()


@pytest.mark.parametrize(("case", "change", "why"), [
    ("citation_absente", lambda t: t.replace("c'est ma mère", "c'est mon père"),
     "introuvable"),
    ("citation_double", lambda t: "Le village, c'est ma mère.\n" + t, "présente 2 fois"),
])
def test_a_replaced_text_that_loses_a_quote_is_refused(coded: Project, tmp_path: Path,
                                                       case: str, change, why: str) -> None:
    archive = replace_text(exported(coded, tmp_path), "E01_fatima", change)
    target = tmp_path / case
    message = refused(ExchangeError, lambda: Project.import_qdpx(archive, target,
                                                                 coder="claire"),
                      archive.name, "E01_fatima", "c'est ma mère")
    assert why in message
    assert nothing_left(target)


TEXT = "Enquêtrice : Bonjour.\nFatima : Le puits du village.\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A text file of the importing machine that no archive may read unasked."""
    folder = tmp_path / "mes_documents"
    folder.mkdir()
    path = folder / "secret.txt"
    path.write_text("Mot de passe : hunter2\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["relative", "absolute", "file", "bare"])
def test_sources_outside_the_archive_are_refused_unless_a_folder_is_given(
        tmp_path: Path, secret: Path, kind: str) -> None:
    paths = {"relative": ("relative://secret.txt", str(secret.parent)),
             "absolute": (f"absolute://{secret}", None),
             "file": (f"file://{secret}", None),
             "bare": ("secret.txt", None)}
    source_path, base = paths[kind]
    archive = tmp_path / f"externe_{kind}.qdpx"
    if kind == "bare":  # read beside the archive, as qc's exports are
        archive = secret.parent / archive.name
    one_source_project(archive, b"", [(0, 8, None)], source_path=source_path, member=None,
                       **({"basePath": base} if base else {}))
    target = tmp_path / f"p_{kind}"
    message = refused(ExchangeError, lambda: Project.import_qdpx(archive, target,
                                                                 coder="claire"),
                      archive.name, source_path, "sources_folder")
    assert "hunter2" not in message and nothing_left(target)
    project, _report = Project.import_qdpx(archive, target, coder="claire",
                                           sources_folder=secret.parent)
    assert "hunter2" in project.text("Entretien")  # read, now that the user said so
    project.close()


def test_a_given_folder_never_lets_a_source_out_of_it(tmp_path: Path, secret: Path) -> None:
    allowed = tmp_path / "autorise"
    allowed.mkdir()
    archive = one_source_project(tmp_path / "sortie.qdpx", b"", [(0, 8, None)],
                                 source_path=f"absolute://{secret}", member=None)
    target = tmp_path / "p"
    refused(ExchangeError, lambda: Project.import_qdpx(archive, target, coder="claire",
                                                       sources_folder=allowed),
            "sortie.qdpx", "secret.txt", str(allowed))
    assert nothing_left(target)


def test_an_nvivo_like_export_warns_of_empty_sources_and_dropped_users(tmp_path: Path) -> None:
    code = guid()
    users = "".join(f'<User guid="{guid()}" name="{name}"/>' for name in ("Amina", "Paul"))
    qde = project_xml(
        f"<Users>{users}</Users>" + codebook((code, "Thème")) + "<Sources>"
        + text_source(selection(9, 28, code), name="Entretien 1", content=TEXT)
        + text_source(name="Entretien 2", content="")
        + text_source(name="Entretien 3", content="  \n ")
        + "</Sources>", origin="NVivo 14")
    archive = make_qdpx(tmp_path / "nvivo.qdpx", qde)
    project, report = Project.import_qdpx(archive, tmp_path / "p", coder="claire")
    warnings = "\n".join(report.warnings)
    assert "2 source(s) sans texte (Entretien 2, Entretien 3)" in warnings
    assert "2 utilisateur(s)" in warnings and "Amina, Paul" in warnings
    assert "attribués à claire" in warnings
    assert project.extracts()["coder"].tolist() == ["claire"]
    project.close()
