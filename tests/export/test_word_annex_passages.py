"""The Word annex lists a passage once in a section, however many codings put it there:
two coders' codings of the same passage, a code merged into another, retired codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from docx import Document

from workbench import Project
from workbench.export.word_annex import export_word_annex, passages

VILLAGE = "Le village, c'est ma mère"
PUITS = "On envoie de l'argent pour le puits et l'école du douar."


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def section(path: Path, heading: str) -> list[tuple[str, str]]:
    """The paragraphs under `heading`, up to the next heading."""
    rows = paragraphs(path)
    start = next(i for i, (style, text) in enumerate(rows)
                 if style.startswith("Heading") and text == heading) + 1
    end = next((i for i in range(start, len(rows)) if rows[i][0].startswith("Heading")),
               len(rows))
    return rows[start:end]


def export(project: Project, path: Path) -> Path:
    return export_word_annex(project, path, pseudonymise=False, people=None)


def test_a_passage_coded_by_two_coders_appears_once_with_both_memos(
        project: Project, tmp_path: Path) -> None:
    project.code_quote("E01_fatima", VILLAGE, "liens.affectifs", memo="La mère, le village.")
    other = Project.open(project.location, coder="marc")
    try:
        other.code_quote("E01_fatima", VILLAGE, "liens.affectifs", memo="Nostalgie.")
    finally:
        other.close()
    project.code_quote("E02_youssef", "Chaque été", "liens.affectifs")
    assert len(project.extracts("liens.affectifs")) == 3  # three codings, two passages
    rows = section(export(project, tmp_path / "annexe.docx"), "Affectifs")
    texts = [text for style, text in rows if style == "Extrait"]
    assert len(texts) == 2 and sum(VILLAGE in t for t in texts) == 1
    memos = [text for style, text in rows if style == "Mémo d'extrait"]
    assert [m.split(":", 1)[1].strip() for m in memos] == ["La mère, le village.",
                                                           "Nostalgie."]
    assert rows[0][1].endswith("2 extraits")  # the definition line counts passages
    intro = paragraphs(tmp_path / "annexe.docx")[1][1]
    assert "2 extraits" in intro


def test_a_code_merged_into_another_leaves_no_repeat(project: Project,
                                                     tmp_path: Path) -> None:
    project.code_quote("E01_fatima", PUITS, ["actions.eau", "actions.education"])
    project.merge_codes("actions.education", "actions.eau")
    assert len(project.extracts("actions.eau")) == 2  # the same passage twice
    rows = section(export(project, tmp_path / "annexe.docx"), "Eau")
    assert [style for style, _ in rows] == ["Définition de code", "Référence d'extrait",
                                            "Extrait"]
    assert rows[0][1].endswith("1 extrait")


def test_a_suggestion_beside_the_accepted_coding_is_one_extract(project: Project,
                                                                tmp_path: Path) -> None:
    project.code_quote("E02_youssef", "Chaque été", "liens.affectifs", status="suggested",
                       origin="rule:r-ete")
    project.code_quote("E02_youssef", "Chaque été", "liens.affectifs", memo="Tous les ans.")
    path = export_word_annex(project, tmp_path / "annexe.docx", pseudonymise=False,
                             people=None, status=["accepted", "suggested"])
    rows = section(path, "Affectifs")
    assert [style for style, _ in rows] == ["Définition de code", "Référence d'extrait",
                                            "Extrait", "Mémo d'extrait"]


def test_extracts_without_repeats_are_left_as_they_are(project: Project) -> None:
    project.code_quote("E01_fatima", PUITS, ["actions.eau", "actions.education"])
    extracts = project.extracts()
    pd.testing.assert_frame_equal(passages(extracts), extracts)
