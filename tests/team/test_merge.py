"""Merging coders' copies into the lead's project: duplicates, agreement, conflicts side by
side, new codes, memos, statuses; refusals that write nothing; undo of a whole merge."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import CODEBOOK_YAML
from workbench import Project
from workbench.coding.coders import RoleError
from workbench.merge import MergeError
from workbench.store import schema as s

GROWN_CODEBOOK = CODEBOOK_YAML + """\
    children:
      - id: femmes.gouvernance
        name: Gouvernance des associations
        definition: Place des femmes dans les bureaux.
"""


def file_copy(project: Project, destination: Path) -> Path:
    """What a coder gets: a plain copy of the lead's project folder (taken closed)."""
    shutil.copytree(Path(project.location), destination)
    return destination


def counts(project: Project) -> dict[str, int]:
    with project.store.read() as conn:
        return {t.name: len(conn.execute(select(t.c.id)).all())
                for t in (s.codings, s.codes, s.memos, s.coders, s.events)}


@pytest.fixture
def team(project: Project, tmp_path: Path) -> dict[str, Any]:
    """The lead codes once and leaves one rule suggestion; Amina and Karim each code a
    copy made then. Returns the lead's project (reopened) and both copies."""
    project.code_quote("E01_fatima", "Le village", "liens")
    suggestion = project.code_quote("E02_youssef", "mes parents viennent de Taroudannt",
                                    "liens", status="suggested", origin="rule:origine")
    location = project.location
    project.close()
    copies = {name: file_copy(project, tmp_path / f"copie_{name}") for name in ("amina", "karim")}

    amina = Project.open(copies["amina"], coder="amina")
    grown = tmp_path / "grille_amina.yaml"
    grown.write_text(GROWN_CODEBOOK, encoding="utf-8")
    amina.load_codebook(grown)  # a coder grows the codebook
    amina.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    amina.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    amina.code_quote("E01_fatima", "ne sont pas au bureau", "femmes.gouvernance",
                     memo="gouvernance masculine")
    amina.code_quote("E02_youssef", "Chaque été", "liens", status="suggested",
                     origin="rule:ete")
    amina.review.accept(suggestion)  # a pending rule suggestion: hers to decide too
    amina.memo("document", "Entretien riche sur les femmes", document="E01_fatima")
    amina.memo("code", "À valider avec la responsable", code="femmes.gouvernance")
    amina.close()

    karim = Project.open(copies["karim"], coder="karim")
    karim.code_quote("E02_youssef", "Le puits du village", "actions.eau")  # as Amina did
    karim.code_quote("E01_fatima", "Les femmes font tout le travail", "liens")  # ≠ Amina
    karim.code_quote("E01_fatima", "Le village", "liens.affectifs")  # ≠ the lead
    karim.memo("project", "À discuter en réunion de consensus")
    karim.close()
    lead = Project.open(location, coder="claire")
    yield {"lead": lead, "suggestion": suggestion, **copies}
    lead.close()


def test_merging_two_copies_keeps_everyone_s_work(team: dict[str, Any]) -> None:
    lead = team["lead"]
    first = lead.team.merge(team["amina"])
    assert (first.added, first.duplicates, first.updated, first.memos_added) == (4, 2, 1, 2)
    assert first.codes_added == ["femmes.gouvernance"] and first.coders_added == ["amina"]
    assert first.conflicts.empty
    assert "femmes.gouvernance" in set(lead.codes()["key"])
    assert lead.codes().set_index("key").loc["femmes.gouvernance", "parent"] == "femmes"

    second = lead.team.merge(team["karim"])
    assert (second.added, second.duplicates, second.updated, second.memos_added) == (3, 2, 0, 1)
    conflicts = second.conflicts.sort_values("start")
    assert conflicts[["document", "lead_codes", "lead_coders", "incoming_code",
                      "incoming_coder"]].values.tolist() == [
        ["E01_fatima", "liens", "claire", "liens.affectifs", "karim"],
        ["E01_fatima", "femmes", "amina", "liens", "karim"],
    ]
    assert conflicts["text"].tolist() == ["Le village", "Les femmes font tout le travail"]

    rows = lead.extracts(status="all")
    assert len(rows) == 1 + 1 + 4 + 3
    puits = rows[rows["text"] == "Le puits du village"]
    assert sorted(puits["coder"]) == ["amina", "karim"]  # agreement: both stay
    assert set(puits["code"]) == {"actions.eau"}
    both = rows[rows["text"] == "Les femmes font tout le travail"]
    assert sorted(zip(both["coder"], both["code"], strict=True)) == [
        ("amina", "femmes"), ("karim", "liens")]  # the conflict, side by side
    by_id = rows.set_index("coding_id")
    for _, conflict in conflicts.iterrows():
        assert by_id.loc[conflict["coding_id"], "coder"] == "karim"
    assert lead.verify().ok


def test_statuses_reviews_and_memos_travel(team: dict[str, Any]) -> None:
    lead = team["lead"]
    lead.team.merge(team["amina"])
    lead.team.merge(team["karim"])
    rows = lead.extracts(status="all")
    ete = rows[rows["text"] == "Chaque été"].iloc[0]
    assert (ete["status"], ete["origin"], ete["coder"]) == ("suggested", "rule:ete", "amina")
    accepted = rows.set_index("coding_id").loc[team["suggestion"]]
    assert (accepted["status"], accepted["reviewed_by"]) == ("accepted", "amina")
    bureau = rows[rows["code"] == "femmes.gouvernance"].iloc[0]
    assert bureau["memo"] == "gouvernance masculine"
    memos = lead.memos()
    assert sorted(zip(memos["author"], memos["target_type"], strict=True)) == [
        ("amina", "code"), ("amina", "document"), ("karim", "project")]
    code_id = lead.codes().set_index("key").loc["femmes.gouvernance", "id"]
    assert memos.set_index("target_type").loc["code", "target_id"] == code_id
    team_frame = lead.team.coders().set_index("coder")
    assert team_frame.loc["amina", "codings"] == 4 and team_frame.loc["karim", "codings"] == 3
    assert team_frame.loc["claire", "role"] == "lead"


def test_merging_again_adds_nothing(team: dict[str, Any]) -> None:
    lead = team["lead"]
    lead.team.merge(team["amina"])
    lead.team.merge(team["karim"])
    before = counts(lead)
    again = [lead.team.merge(team["amina"]), lead.team.merge(team["karim"])]
    assert [(r.added, r.duplicates, r.updated, r.memos_added) for r in again] == [
        (0, 6, 0, 0), (0, 5, 0, 0)]
    assert all(not r.changed and r.txn is None and not r.codes_added for r in again)
    assert counts(lead) == before


def test_undo_takes_back_a_whole_merge(team: dict[str, Any]) -> None:
    lead = team["lead"]
    before = counts(lead)
    codes = lead.codes()
    report = lead.team.merge(team["amina"])
    merged = lead.history()
    assert set(merged[merged["txn"] == report.txn]["action"]) == {"merge", "create", "update"}
    assert set(merged[merged["txn"] == report.txn]["actor"]) == {"claire"}
    lead.undo()
    assert counts(lead)["codings"] == before["codings"]
    assert counts(lead)["memos"] == before["memos"]
    assert lead.codes().equals(codes)
    assert "amina" not in set(lead.team.coders()["coder"])
    suggestion = lead.extracts(status="all").set_index("coding_id").loc[team["suggestion"]]
    assert suggestion["status"] == "suggested"
    again = lead.team.merge(team["amina"])  # the copy is still there to merge later
    assert again.added == 4


def test_a_copy_with_another_text_is_refused_and_nothing_is_written(
        team: dict[str, Any], tmp_path: Path) -> None:
    lead = team["lead"]
    changed = Project.open(team["amina"], coder="amina")
    source = tmp_path / "E02_youssef.txt"
    source.write_text(changed.text("E02_youssef").replace("au bled", "au pays"),
                      encoding="utf-8")
    changed.import_file(source)  # a coder re-imported an edited transcript
    changed.close()
    before = counts(lead)
    with pytest.raises(MergeError, match="« E02_youssef » : le texte diffère"):
        lead.team.merge(team["amina"])
    assert counts(lead) == before


def test_a_copy_with_an_unknown_document_is_refused(team: dict[str, Any],
                                                    tmp_path: Path) -> None:
    lead = team["lead"]
    extra = Project.open(team["karim"], coder="karim")
    note = tmp_path / "N01_notes.txt"
    note.write_text("Notes de terrain : réunion au douar.\n", encoding="utf-8")
    extra.import_file(note, kind="notes")
    extra.close()
    before = counts(lead)
    with pytest.raises(MergeError, match="« N01_notes » n'existe pas dans ce projet"):
        lead.team.merge(team["karim"])
    assert counts(lead) == before


def test_a_copy_of_another_project_is_refused(team: dict[str, Any], tmp_path: Path,
                                              corpus_dir: Path, codebook_file: Path) -> None:
    lead = team["lead"]
    other = Project.create(tmp_path / "autre", coder="claire")  # same corpus, same codebook
    other.load_codebook(codebook_file)
    other.import_corpus(corpus_dir, attributes=corpus_dir / "attributes.csv", progress=False)
    other.code_quote("E01_fatima", "Le village", "femmes")
    other.close()
    before = counts(lead)
    with pytest.raises(MergeError, match="pas une copie de ce projet"):
        lead.team.merge(tmp_path / "autre")
    assert counts(lead) == before


def test_what_is_not_a_project_is_refused(team: dict[str, Any], tmp_path: Path) -> None:
    lead = team["lead"]
    junk = tmp_path / "notes.sqlite"
    junk.write_text("pas une base", encoding="utf-8")
    with pytest.raises(MergeError, match="pas un projet du workbench"):
        lead.team.merge(junk)
    with pytest.raises(MergeError, match="aucun projet ici"):
        lead.team.merge(tmp_path / "nulle_part")


def test_only_a_lead_merges(team: dict[str, Any]) -> None:
    karim = Project.open(team["lead"].location, coder="karim")
    with pytest.raises(RoleError, match="revient à un·e responsable"):
        karim.team.merge(team["amina"])
    assert karim.extracts(status="all", coder="amina").empty
    karim.close()


def test_merge_only_one_coder_s_work(team: dict[str, Any]) -> None:
    report = team["lead"].team.merge(team["amina"], coder="karim")
    assert (report.added, report.memos_added) == (0, 0)
    assert report.codes_added == ["femmes.gouvernance"]  # the codebook still grows


def test_copy_for_and_merge_on_both_backends(backend_project: Project, tmp_path: Path) -> None:
    """The lead's project on SQLite or PostgreSQL: a coder's SQLite copy, coded, merged back,
    undone."""
    lead = backend_project
    lead.code_quote("E01_fatima", "Le village", "liens")
    copy = lead.team.copy_for("amina", tmp_path / "amina")
    assert "amina" in set(lead.team.coders()["coder"])
    amina = Project.open(copy, coder="amina")
    assert len(amina.extracts(status="all")) == 1 and amina.role == "coder"
    amina.code_quote("E01_fatima", "Le village", "liens.affectifs")
    amina.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    amina.close()
    report = lead.team.merge(copy)
    assert (report.added, report.duplicates, len(report.conflicts)) == (2, 1, 1)
    assert len(lead.extracts(status="all")) == 3
    lead.undo()
    assert len(lead.extracts(status="all")) == 1
    with pytest.raises(MergeError, match="existe déjà"):
        lead.team.copy_for("amina", tmp_path / "amina")
