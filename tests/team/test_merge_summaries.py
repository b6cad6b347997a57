"""Merging the framework summaries written in a coder's copy: added where the lead's project
has none, skipped when the same text (or an older text of the lead's) is already there,
kept as the lead's and reported where the texts differ; validation kept only when the
validator leads this project; `coder=`; undo of the whole merge; copies without summaries
or made before the schema had them."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from tests.schema_versions import as_version_5
from workbench import Project
from workbench.store import schema as s

FATIMA, YOUSSEF = "Fatima Aït Lahcen", "Youssef Bennani"
SHARED = "Fatima relie le village à sa mère."


def cells(project: Project) -> dict[tuple[str, str], dict[str, Any]]:
    """(case or document, code) → the summary's text, status, author and validator."""
    frame = project.framework.summaries()
    out = {}
    for _, row in frame.iterrows():
        where = row["case"] if row["rows"] == "cases" else row["document"]
        out[(where, row["code"])] = {k: (None if missing(row[k]) else row[k]) for k in
                                     ("text", "status", "author", "validated_by")}
    return out


def missing(value: Any) -> bool:
    """None or NaN, as pandas gives an unset validator."""
    return value is None or (isinstance(value, float) and value != value)


@pytest.fixture
def lead_and_copy(project: Project, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Claire (lead) writes one summary and codes once, registers Amina, then hands out a
    plain copy of the project folder (taken closed). Returns her reopened project and
    the copy's folder."""
    project.code_quote("E01_fatima", "Le village", "liens")
    project.framework.write(FATIMA, "liens", SHARED)
    project.team.add_coder("amina")
    location = project.location
    project.close()
    copy = tmp_path / "copie_amina"
    shutil.copytree(Path(location), copy)
    lead = Project.open(location, coder="claire")
    yield {"lead": lead, "copy": copy}
    lead.close()


def in_copy(copy: Path, coder: str) -> Project:
    return Project.open(copy, coder=coder)


def test_summaries_the_lead_lacks_are_added(lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(FATIMA, "actions", "L'argent envoyé finance le puits.")
        amina.framework.write("E02_youssef", "femmes", "Rien sur les femmes ici.",
                              rows="documents")
    report = lead.team.merge(copy)
    assert (report.summaries_added, report.summaries_conflicts) == (2, 0)
    assert report.changed and report.txn is not None
    merged = cells(lead)
    assert merged[(FATIMA, "actions")] == {
        "text": "L'argent envoyé finance le puits.", "status": "draft", "author": "amina",
        "validated_by": None}
    assert merged[("E02_youssef", "femmes")]["text"] == "Rien sur les femmes ici."
    assert lead.framework.summary("E02_youssef", "femmes", rows="documents") is not None
    assert merged[(FATIMA, "liens")]["text"] == SHARED  # the one both had: not doubled
    assert len(merged) == 3
    assert "2 synthèse(s) ajoutée(s), 0 synthèse(s) en conflit" in str(report)
    history = lead.history()
    events = history[(history["txn"] == report.txn) & (history["entity"] == "summaries")]
    assert len(events) == 2 and set(events["action"]) == {"merge"}
    assert set(events["actor"]) == {"claire"}


def test_a_summary_only_in_the_copy_is_the_merge_s_only_change(
        lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(YOUSSEF, "liens", "Des liens par le père.")
    report = lead.team.merge(copy)
    assert (report.added, report.memos_added, report.summaries_added) == (0, 0, 1)
    assert report.changed and report.txn is not None  # undoable: a transaction is named
    lead.undo()
    assert (YOUSSEF, "liens") not in cells(lead)


def test_the_same_text_is_skipped(lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(YOUSSEF, "femmes", "Pas de femmes dans cet entretien.")
        amina.framework.write(YOUSSEF, "actions", "Le père a financé le puits.")
    lead.framework.write(YOUSSEF, "femmes", "Pas de femmes dans cet entretien.")  # the same
    first = lead.team.merge(copy)
    assert (first.summaries_added, first.summaries_conflicts) == (1, 0)
    assert cells(lead)[(YOUSSEF, "femmes")]["author"] == "claire"
    before = cells(lead)
    again = lead.team.merge(copy)  # merging twice adds nothing
    assert (again.summaries_added, again.summaries_conflicts) == (0, 0)
    assert not again.changed and again.txn is None and not again.warnings
    assert cells(lead) == before


def test_different_texts_keep_the_lead_s_and_are_reported(
        lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(FATIMA, "liens", "Pour Amina : la mère, et surtout la terre.")
        amina.framework.write("E01_fatima", "femmes", "Les femmes travaillent sans décider.",
                              rows="documents")
    lead.framework.write("E01_fatima", "femmes", "Absentes du bureau.", rows="documents")
    report = lead.team.merge(copy)
    assert (report.summaries_added, report.summaries_conflicts) == (0, 2)
    assert not report.changed and report.txn is None
    merged = cells(lead)
    assert merged[(FATIMA, "liens")]["text"] == SHARED
    assert merged[("E01_fatima", "femmes")] == {
        "text": "Absentes du bureau.", "status": "draft", "author": "claire",
        "validated_by": None}
    listed = [w for w in report.warnings if w.startswith("synthèse ")]
    assert len(listed) == 2
    assert any("cas « Fatima Aït Lahcen » × code « liens »" in w
               and "Pour Amina : la mère" in w and "amina" in w for w in listed)
    assert any("document « E01_fatima » × code « femmes »" in w for w in listed)
    assert all("celle de ce projet est gardée" in w for w in listed)
    text = str(report)
    assert "0 synthèse(s) ajoutée(s), 2 synthèse(s) en conflit" in text
    assert all(f"! {w}" in text for w in listed)


def test_an_older_text_of_the_lead_s_summary_is_no_conflict(
        lead_and_copy: dict[str, Any]) -> None:
    """The copy still holds the text the lead rewrote after handing it out: nothing new."""
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    lead.framework.write(FATIMA, "liens", "Version revue par la responsable.")
    report = lead.team.merge(copy)
    assert (report.summaries_added, report.summaries_conflicts) == (0, 0)
    assert not report.warnings
    assert cells(lead)[(FATIMA, "liens")]["text"] == "Version revue par la responsable."


def test_validation_is_kept_only_when_a_lead_of_this_project_gave_it(
        lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(YOUSSEF, "liens", "Le lien passe par le père.")
        amina.framework.write(YOUSSEF, "actions", "Le puits, l'école.")
    with in_copy(copy, "claire") as claire_there:  # the lead validates in the copy
        claire_there.framework.validate(YOUSSEF, "liens")
        claire_there.team.add_coder("karim", role="lead")  # a lead of the copy only
    with in_copy(copy, "karim") as karim:
        karim.framework.validate(YOUSSEF, "actions")
    report = lead.team.merge(copy)
    assert report.summaries_added == 2
    merged = cells(lead)
    assert merged[(YOUSSEF, "liens")] == {
        "text": "Le lien passe par le père.", "status": "validated", "author": "amina",
        "validated_by": "claire"}
    assert merged[(YOUSSEF, "actions")] == {
        "text": "Le puits, l'école.", "status": "draft", "author": "amina",
        "validated_by": None}
    assert lead.framework.summary(YOUSSEF, "actions")["validated_at"] is None
    assert lead.framework.summary(YOUSSEF, "liens")["validated_at"] is not None
    assert [w for w in report.warnings if "brouillon" in w] == [
        "synthèse cas « Youssef Bennani » × code « actions » : validée dans la copie par "
        "karim, qui n'est pas responsable de ce projet ; ajoutée comme brouillon."]


def test_a_validator_who_leads_here_keeps_the_validation(
        lead_and_copy: dict[str, Any]) -> None:
    """Karim leads the lead's project too: his validation in the copy stands."""
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "claire") as claire_there:
        claire_there.team.add_coder("karim", role="lead")
    with in_copy(copy, "karim") as karim:
        karim.framework.write(YOUSSEF, "femmes", "Aucune mention.")
        karim.framework.validate(YOUSSEF, "femmes")
    lead.team.add_coder("karim", role="lead")
    report = lead.team.merge(copy)
    assert report.summaries_added == 1 and not report.warnings
    assert cells(lead)[(YOUSSEF, "femmes")]["status"] == "validated"


def test_merge_only_one_coder_s_summaries(lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(YOUSSEF, "liens", "Par le père.")
        amina.framework.write(FATIMA, "liens", "Autre texte d'Amina.")  # a conflict of hers
    with in_copy(copy, "karim") as karim:
        karim.framework.write(YOUSSEF, "actions", "Le puits.")
    report = lead.team.merge(copy, coder="karim")
    assert (report.summaries_added, report.summaries_conflicts) == (1, 0)
    merged = cells(lead)
    assert merged[(YOUSSEF, "actions")]["author"] == "karim"
    assert (YOUSSEF, "liens") not in merged
    hers = lead.team.merge(copy, coder="amina")
    assert (hers.summaries_added, hers.summaries_conflicts) == (1, 1)
    assert cells(lead)[(YOUSSEF, "liens")]["author"] == "amina"


def test_a_summary_of_a_case_unknown_here_is_left_out_with_a_warning(
        lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.framework.write(YOUSSEF, "femmes", "Aucune mention.")
    con = sqlite3.connect(copy / "project.sqlite")
    con.execute("UPDATE cases SET name = 'Youssef B.' WHERE name = ?", (YOUSSEF,))
    con.commit()
    con.close()
    report = lead.team.merge(copy)
    assert report.summaries_added == 0
    assert any("pas de cas « Youssef B. » dans ce projet" in w for w in report.warnings)
    assert (YOUSSEF, "femmes") not in cells(lead)


def test_undo_takes_the_added_summaries_back(lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.code_quote("E02_youssef", "Le puits du village", "actions.eau")
        amina.framework.write(YOUSSEF, "actions", "Le puits.")
        amina.framework.write("E02_youssef", "liens", "Le père.", rows="documents")
    before, extracts = cells(lead), len(lead.extracts(status="all"))
    report = lead.team.merge(copy)
    assert (report.added, report.summaries_added) == (1, 2)
    lead.undo()
    assert cells(lead) == before
    assert len(lead.extracts(status="all")) == extracts
    with lead.store.read() as conn:
        assert len(conn.execute(select(s.summaries.c.id)).all()) == 1
    assert lead.team.merge(copy).summaries_added == 2  # the copy can be merged again


def test_a_copy_without_summaries_merges(lead_and_copy: dict[str, Any]) -> None:
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.code_quote("E02_youssef", "Chaque été", "liens")
    con = sqlite3.connect(copy / "project.sqlite")
    con.execute("DELETE FROM summaries")  # none written in this copy
    con.commit()
    con.close()
    report = lead.team.merge(copy)
    assert (report.added, report.summaries_added, report.summaries_conflicts) == (1, 0, 0)
    assert "0 synthèse(s) ajoutée(s)" in str(report)
    assert cells(lead)[(FATIMA, "liens")]["text"] == SHARED  # the lead's stays


def test_a_copy_of_the_previous_schema_merges(lead_and_copy: dict[str, Any]) -> None:
    """A copy at schema version 5 (no `summaries` nor `recordings` table, no
    `codings.score`): its codings merge, nothing else."""
    lead, copy = lead_and_copy["lead"], lead_and_copy["copy"]
    with in_copy(copy, "amina") as amina:
        amina.code_quote("E02_youssef", "Chaque été", "liens")
    db = copy / "project.sqlite"
    as_version_5(db)
    report = lead.team.merge(copy)
    assert (report.added, report.summaries_added, report.summaries_conflicts) == (1, 0, 0)
    assert report.txn is not None
    assert cells(lead)[(FATIMA, "liens")]["text"] == SHARED
    con = sqlite3.connect(db)  # the copy itself was not migrated: it is never written
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()
    assert "summaries" not in tables and "recordings" not in tables
    with lead.store.read() as conn:
        assert inspect(conn).has_table("summaries")
