"""A name the team types itself — in a memo, a coding's memo or a framework summary — is
checked like a name in a transcript: it is a possible name to review (source « mémo »,
« synthèse »…), and a pseudonymised export holding it is refused until it has a
pseudonym or is declared reviewed."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from workbench import Project
from workbench.privacy.name_check import NameCheckError


@pytest.fixture
def named(project: Project) -> Project:
    project.privacy.propose()
    project.code_quote("E01_fatima", "le puits", "actions.eau")
    project.framework.write("Fatima Aït Lahcen", "actions",
                            "Le puits financé avec l'aide de Mireille Dumontel, adjointe.")
    return project


def test_a_name_typed_in_a_summary_is_a_candidate(named: Project) -> None:
    candidates = named.privacy.candidates()
    row = candidates[candidates["name"] == "Mireille Dumontel"]
    assert len(row) == 1
    assert row["documents"].iloc[0].startswith("synthèse ")


def test_an_export_holding_it_is_refused_until_it_has_a_pseudonym(named: Project,
                                                                  tmp_path: Path) -> None:
    target = tmp_path / "matrice.docx"
    with pytest.raises(NameCheckError, match="Mireille Dumontel"):
        named.export.framework(target)
    assert not target.exists()
    named.privacy.set_pseudonym("Mireille Dumontel", "Élue 1")
    named.export.framework(target)
    text = "\n".join(cell.text for table in Document(str(target)).tables
                     for row in table.rows for cell in row.cells)
    assert "Élue 1" in text and "Dumontel" not in text


def test_a_name_in_a_memo_counts_too(project: Project) -> None:
    project.privacy.propose()
    project.memo("document", "Appeler la fille de Bertrand Vasseur demain.",
                 document="E02_youssef")
    candidates = project.privacy.candidates()
    assert "Bertrand Vasseur" in set(candidates["name"])
    assert project.privacy.review_names(["Bertrand Vasseur"]) == 1
    assert "Bertrand Vasseur" not in set(project.privacy.candidates()["name"])
