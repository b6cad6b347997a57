"""What a pseudonymised extracts table carries: references for documents, no interviewer."""

from __future__ import annotations

from pathlib import Path

from workbench import Project


def test_demo_extracts_name_no_interviewer_and_no_file(demo: Project) -> None:
    raw = demo.extracts()
    shown = demo.extracts(pseudonymise=True)
    interviewers = {str(v) for c in raw.columns if "enqueteur" in c for v in raw[c].dropna()}
    assert interviewers  # the demo's sheets name them: the test can fail
    text = shown.to_csv()
    assert not [n for n in interviewers if n in text]
    assert set(shown["document"]) <= set(demo.documents()["reference"])
    assert not any(c.endswith("enqueteur") for c in shown.columns)


def test_real_study_documents_named_by_reference(real_project_path: Path) -> None:
    with Project.open(real_project_path, coder="lead") as p:
        names = set(p.documents()["name"])
        shown = p.extracts(pseudonymise=True)
        assert len(shown) and not names & set(shown["document"])
        text = shown.to_csv()
        assert "MUSSO" not in text and "Anita_MUSSO" not in text
