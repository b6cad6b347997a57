"""Undo never puts codings back on a text they were not made on: the audit log keeps a
document's row without its text, so a removed document, or a re-import that changed a
text, cannot be undone; the refusal is French and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import Project
from workbench.errors import StoreError


def test_undo_of_a_removed_document_is_refused_untouched(project: Project) -> None:
    project.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    project.remove_document("E02_youssef")
    documents, log = project.documents(), project.history(None)
    with pytest.raises(StoreError, match=r"supprimé le document « E02_youssef »(.|\n)*rien "
                                         r"n'a été changé"):
        project.undo()
    assert project.documents().equals(documents)
    assert project.history(None).equals(log)
    assert project.verify().ok


def test_undo_of_a_reimport_that_changed_a_text_is_refused(project: Project,
                                                           corpus_dir: Path) -> None:
    project.code_quote("E01_fatima", "le puits", "actions.eau")
    path = corpus_dir / "E01_fatima.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Bonjour", "Bonsoir"),
                    encoding="utf-8")
    project.import_corpus(corpus_dir, attributes=corpus_dir / "attributes.csv",
                          progress=False)
    text = project.text("E01_fatima")
    assert "Bonsoir" in text
    with pytest.raises(StoreError, match="remplacé le texte de « E01_fatima »"):
        project.undo()
    assert project.text("E01_fatima") == text
    assert project.verify().ok
    # A change that did not touch a text is still undone.
    coding = project.code_quote("E02_youssef", "l'école aussi", "actions.education")
    assert project.undo() >= 1
    assert coding not in set(project.extracts(status="all")["coding_id"])
