"""Coding by offsets and by quote, errors with candidates, undo, memos, audit log."""

from __future__ import annotations

import pytest

from workbench import CodingError, NotFoundError, Project


def test_code_by_offsets_stores_exact_quote(project: Project) -> None:
    text = project.text("E01_fatima")
    start = text.index("Le village")
    coding = project.code("E01_fatima", start, start + 10, "liens.affectifs", memo="fort")
    row = project.extracts().set_index("coding_id").loc[coding]
    assert row["text"] == "Le village"
    assert (row["start"], row["end"]) == (start, start + 10)
    assert row["memo"] == "fort" and row["coder"] == "claire" and row["status"] == "accepted"
    assert project.verify().ok


def test_code_by_quote_ignores_whitespace_and_apostrophe_style(project: Project) -> None:
    coding = project.code_quote("E01_fatima", "c’est   l’odeur de\nla terre", "liens.affectifs")
    row = project.extracts().set_index("coding_id").loc[coding]
    assert row["text"] == "c'est l'odeur de la terre"


def test_quote_not_found_and_quote_twice(project: Project) -> None:
    with pytest.raises(CodingError, match="citation introuvable"):
        project.code_quote("E01_fatima", "pas dans le texte", "liens")
    with pytest.raises(CodingError) as err:
        project.code_quote("E02_youssef", "le village", "liens")
    assert "apparaît 2 fois" not in str(err.value)  # 'le village' is there once only
    with pytest.raises(CodingError) as err:
        project.code_quote("E01_fatima", "village", "liens")
    message = str(err.value)
    assert "la citation apparaît 2 fois" in message
    assert message.count("[village]") == 2  # each candidate shown in its context
    assert len(project.extracts()) == 0


def test_coding_outside_the_document_writes_nothing(project: Project) -> None:
    n = len(project.text("E01_fatima"))
    with pytest.raises(CodingError, match="sort du texte"):
        project.code("E01_fatima", n - 5, n + 5, "liens")
    with pytest.raises(CodingError, match="sort du texte"):
        project.code("E01_fatima", 10, 10, "liens")
    assert project.extracts().empty
    assert project.history()["entity"].eq("codings").sum() == 0


def test_unknown_document_and_code_have_clear_errors(project: Project) -> None:
    with pytest.raises(NotFoundError, match=r"aucun document « E99 ».*E01_fatima"):
        project.code("E99", 0, 5, "liens")
    with pytest.raises(NotFoundError,
                       match=r"pas de code « liensss ».*Vouliez-vous dire : « liens »"):
        project.code("E01_fatima", 0, 5, "liensss")
    with pytest.raises(NotFoundError, match=r"« liens\.affectifs »"):
        project.code("E01_fatima", 0, 5, "liens.affectif")  # a letter missing
    with pytest.raises(NotFoundError, match=r"Voyez p\.codes"):
        project.code("E01_fatima", 0, 5, "xyz")


def test_codes_by_name_and_path(project: Project) -> None:
    a = project.code_quote("E01_fatima", "Le village", "Affectifs")
    b = project.code_quote("E01_fatima", "l'école du douar", "Domaines d'action > Éducation")
    frame = project.extracts().set_index("coding_id")
    assert frame.loc[a, "code"] == "liens.affectifs"
    assert frame.loc[b, "code"] == "actions.education"


def test_several_codes_at_once(project: Project) -> None:
    ids = project.code_quote("E01_fatima", "Les femmes font tout le travail",
                             ["femmes", "liens"])
    assert len(ids) == 2
    assert set(project.extracts()["code"]) == {"femmes", "liens"}


def test_uncode_recode_and_undo_each_step(project: Project) -> None:
    c = project.code_quote("E01_fatima", "Le village", "liens")
    project.recode(c, "liens.affectifs")
    assert project.extracts().iloc[0]["code"] == "liens.affectifs"
    project.uncode(c)
    assert project.extracts().empty
    project.undo()  # brings the coding back
    assert project.extracts().iloc[0]["code"] == "liens.affectifs"
    project.undo()  # undoes the recode
    assert project.extracts().iloc[0]["code"] == "liens"
    project.undo()  # undoes the coding itself
    assert project.extracts().empty
    assert project.verify().ok


def test_revert_refuses_when_a_later_change_touched_the_row(project: Project) -> None:
    c = project.code_quote("E01_fatima", "Le village", "liens")
    created = project.history()["txn"].iloc[0]
    project.review.set(c, "rejected")
    with pytest.raises(Exception, match="modifié depuis"):
        project.history.revert(created)
    assert project.extracts(status="all").iloc[0]["status"] == "rejected"


def test_events_record_who_what_before_after(project: Project) -> None:
    c = project.code_quote("E01_fatima", "Le village", "liens")
    project.review.set(c, "rejected", memo="hors sujet")
    last = project.history().iloc[0]
    assert (last["actor"], last["action"], last["entity"], last["entity_id"]) == \
        ("claire", "update", "codings", c)
    assert '"status": "accepted"' in last["before"] and '"status": "rejected"' in last["after"]


def test_memos_on_document_code_coding_and_project(project: Project) -> None:
    c = project.code_quote("E01_fatima", "Le village", "liens")
    project.memo("document", "Entretien riche", document="E01_fatima")
    project.memo("code", "À scinder ?", code="liens")
    project.memo("project", "Penser au COPIL")
    project.memo("coding", "Très parlant", coding=c)
    memos = project.memos()
    assert memos["target_type"].tolist() == ["document", "code", "project"]
    assert project.extracts().iloc[0]["memo"] == "Très parlant"
    with pytest.raises(CodingError, match="le mémo est vide"):
        project.memo("project", "  ")


def test_batch_coding_is_all_or_nothing(project: Project) -> None:
    rows = [{"document": "E01_fatima", "code": "liens", "quote": "Le village"},
            {"document": "E02_youssef", "code": "liens", "quote": "absent du texte"}]
    with pytest.raises(CodingError):
        project.code_many(rows)
    assert project.extracts().empty
    rows[1]["quote"] = "Chaque été"
    assert len(project.code_many(rows)) == 2
