"""Coders and roles, the lead's review with a comment (extracts, filters, Excel annex),
the audit trail of who did what, and undoing a sequence of changes step by step."""

from __future__ import annotations

import json
import shutil
import sqlite3
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from workbench import Project
from workbench.coding.coders import RoleError
from workbench.store import schema as s


def as_(project: Project, coder: str) -> Project:
    """The same project opened by another member of the team."""
    return Project.open(project.location, coder=coder)


def test_creator_is_lead_and_a_first_coding_registers_its_coder(project: Project) -> None:
    assert project.role == "lead"
    assert project.team.coders()[["coder", "role", "codings"]].values.tolist() == [
        ["claire", "lead", 0]]
    c = project.code_quote("E02_youssef", "Le puits du village", "actions.eau", coder="karim")
    team = project.team.coders().set_index("coder")
    assert team.loc["karim", "role"] == "coder" and team.loc["karim", "codings"] == 1
    events = project.history()
    coding_txn = events[(events["entity"] == "codings") & (events["entity_id"] == c)]["txn"]
    registration = events[(events["entity"] == "coders") & events["after"].str.contains("karim")]
    assert registration["txn"].tolist() == coding_txn.tolist()  # one transaction
    project.history.revert(coding_txn.iloc[0])
    assert project.extracts(status="all").empty
    assert "karim" not in set(project.team.coders()["coder"])


def test_roles_only_a_lead_names_a_lead_and_a_project_keeps_one(project: Project) -> None:
    project.team.add_coder("amina")
    amina = as_(project, "amina")
    assert amina.role == "coder"
    amina.team.add_coder("karim")  # registering a colleague is fine
    with pytest.raises(RoleError, match="seul·e un·e responsable"):
        amina.team.add_coder("amina", role="lead")
    with pytest.raises(RoleError, match="seul·e un·e responsable"):
        amina.team.add_coder("karim", role="lead")
    with pytest.raises(RoleError, match="seule personne responsable"):
        project.team.add_coder("claire", role="coder")
    project.team.add_coder("amina", role="lead")
    project.team.add_coder("claire", role="coder")  # amina leads now
    assert dict(project.team.coders()[["coder", "role"]].values) == {
        "amina": "lead", "claire": "coder", "karim": "coder"}
    with pytest.raises(Exception, match="rôle « chef » inconnu ; choisissez parmi : coder, lead"):
        project.team.add_coder("zoe", role="chef")
    amina.close()


def test_a_coder_cannot_review_a_colleague_and_nothing_changes(project: Project) -> None:
    mine = project.code_quote("E01_fatima", "Le village", "liens")
    karim = as_(project, "karim")
    his = karim.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    events = len(project.history(limit=None))
    with pytest.raises(RoleError, match=rf"karim ne peut pas relire les codages d'autres "
                                        rf"codeur·euses : #{mine} \(claire\)"):
        karim.review.reject([his, mine], comment="hors sujet")
    with pytest.raises(RoleError):
        karim.review.set(mine, "rejected")
    assert len(project.history(limit=None)) == events
    assert set(project.extracts()["status"]) == {"accepted"}
    karim.review.reject(his, comment="je me suis trompé")  # his own coding: his call
    assert project.extracts(status="rejected")["coding_id"].tolist() == [his]
    karim.close()


def test_anyone_decides_on_a_pending_rule_suggestion(project: Project) -> None:
    proposal = project.code_quote("E02_youssef", "Chaque été", "liens", status="suggested",
                                  origin="rule:ete")
    manual = project.code_quote("E02_youssef", "Le puits du village", "actions.eau",
                                status="suggested")
    karim = as_(project, "karim")
    karim.review.accept(proposal)
    with pytest.raises(RoleError):
        karim.review.accept(manual)  # a colleague's own proposal is the lead's to judge
    rows = project.extracts(status="all").set_index("coding_id")
    assert rows.loc[proposal, "status"] == "accepted"
    assert rows.loc[proposal, "reviewed_by"] == "karim"
    assert rows.loc[manual, "status"] == "suggested"
    karim.close()


@pytest.fixture
def reviewed(project: Project) -> dict[str, Any]:
    """Amina and Karim code; the lead accepts one coding and rejects another with comments."""
    amina, karim = as_(project, "amina"), as_(project, "karim")
    a = amina.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    k = karim.code_quote("E01_fatima", "Le village, c'est ma mère", "actions")
    k2 = karim.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    assert project.review.set(a, "accepted", comment="Bon exemple pour le rapport") == 1
    project.review.reject(k, comment="Plutôt des liens affectifs")
    amina.close()
    karim.close()
    return {"project": project, "a": a, "k": k, "k2": k2}


def test_review_shows_in_extracts_with_reviewer_date_comment(reviewed: dict[str, Any]) -> None:
    project = reviewed["project"]
    rows = project.extracts(status="all").set_index("coding_id")
    assert rows.loc[reviewed["a"], "review_comment"] == "Bon exemple pour le rapport"
    assert rows.loc[reviewed["k"], "status"] == "rejected"
    assert rows.loc[reviewed["k"], "review_comment"] == "Plutôt des liens affectifs"
    assert rows.loc[reviewed["k"], "reviewed_by"] == "claire"
    assert rows.loc[reviewed["k"], "reviewed_at"] >= rows.loc[reviewed["k"], "created_at"]
    assert rows.loc[reviewed["k2"], ["reviewed_by", "review_comment"]].isna().all()
    assert project.extracts(status="rejected")["coding_id"].tolist() == [reviewed["k"]]
    assert sorted(project.extracts(status="all", reviewed_by="claire")["coding_id"]) == sorted(
        [reviewed["a"], reviewed["k"]])
    assert project.extracts(reviewed_by="karim").empty
    assert project.extracts(coder="karim", status="accepted")["coding_id"].tolist() == [
        reviewed["k2"]]
    team = project.team.coders().set_index("coder")
    assert team.loc["claire", "reviewed"] == 2 and team.loc["karim", "codings"] == 2


def test_review_shows_in_the_excel_annex(reviewed: dict[str, Any], tmp_path: Path) -> None:
    project = reviewed["project"]
    path = tmp_path / "annexe.xlsx"
    project.privacy.propose()
    project.export.annex(path, status=["accepted", "rejected"], layout="master")
    ws = load_workbook(path)["Extraits"]
    values = list(ws.iter_rows(values_only=True))
    rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    assert {"Revu par", "Commentaire de revue", "Statut"} <= set(values[0])
    by_comment = {r["Commentaire de revue"]: r for r in rows}
    assert by_comment["Plutôt des liens affectifs"]["Statut"] == "rejeté"
    assert by_comment["Plutôt des liens affectifs"]["Revu par"] == "claire"
    assert by_comment["Bon exemple pour le rapport"]["Statut"] == "validé"
    assert len(rows) == 3
    only_accepted = tmp_path / "valides.xlsx"
    project.export.annex(only_accepted, status="accepted", layout="master")
    kept = list(load_workbook(only_accepted)["Extraits"].iter_rows(values_only=True))
    assert len(kept) == 3 and "Plutôt des liens affectifs" not in {v for r in kept for v in r}


def test_the_audit_log_records_each_review(reviewed: dict[str, Any]) -> None:
    project = reviewed["project"]
    log = project.history()
    review = log[(log["entity"] == "codings") & (log["entity_id"] == reviewed["k"])
                 & (log["action"] == "update")].iloc[0]
    before, after = json.loads(review["before"]), json.loads(review["after"])
    assert review["actor"] == "claire"
    assert (before["status"], after["status"]) == ("accepted", "rejected")
    assert before["review_comment"] is None
    assert after["review_comment"] == "Plutôt des liens affectifs"
    assert after["reviewed_at"] == review["at"] and after["reviewed_by"] == "claire"
    creation = log[(log["entity_id"] == reviewed["k"]) & (log["action"] == "create")].iloc[0]
    assert creation["actor"] == "karim" and creation["at"] < review["at"]


def state(project: Project) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a coder or a lead changes, to compare whole states."""
    with project.store.read() as conn:
        return {t.name: [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]
                for t in (s.codings, s.coders, s.memos, s.codes)}


def test_undo_a_sequence_of_changes_in_reverse_order(project: Project) -> None:
    """Codings by a new coder, a recode, a memo and the lead's review, each undone in turn:
    after each undo the state is exactly the one before the matching change."""
    amina = as_(project, "amina")
    states, txns = [state(project)], []

    def step(change) -> None:  # type: ignore[no-untyped-def]
        change()
        txns.append(project.history().iloc[0]["txn"])
        states.append(state(project))

    first: list[int] = []
    step(lambda: first.append(amina.code_quote("E01_fatima", "Le village", "liens")))
    step(lambda: amina.code_quote("E02_youssef", "Chaque été", "liens.affectifs"))
    step(lambda: amina.recode(first[0], "liens.affectifs"))
    step(lambda: amina.memo("coding", "attachement à la mère", coding=first[0]))
    step(lambda: project.review.reject(first[0], comment="trop court"))
    assert len(set(txns)) == 5
    assert all(a != b for a, b in pairwise(states))

    assert project.undo() > 0  # the lead's own last change: the review
    assert state(project) == states[4]
    for i in (3, 2, 1, 0):  # amina's changes, newest first
        project.history.revert(txns[i])
        assert state(project) == states[i], f"after undoing change {i + 1}"
    assert "amina" not in set(project.team.coders()["coder"])
    assert project.verify().ok
    with pytest.raises(Exception, match="a déjà été annulée"):
        project.history.revert(txns[0])
    amina.close()


def test_old_project_gets_its_team_from_its_codings_and_history(tmp_path: Path) -> None:
    """Migration v3 on a project written by schema version 1."""
    fixture = Path(__file__).parents[1] / "store" / "data" / "project_v1.sqlite"
    copy = tmp_path / "project.sqlite"
    shutil.copy(fixture, copy)
    con = sqlite3.connect(copy)
    coders = {r[0] for r in con.execute("SELECT DISTINCT coder FROM codings")}
    first = con.execute("SELECT actor FROM events WHERE actor != 'workbench' ORDER BY id "
                        "LIMIT 1").fetchone()
    con.close()
    assert coders and first is not None
    p = Project.open(copy, coder="quelqu_un")
    team = dict(p.team.coders()[["coder", "role"]].values)
    assert set(team) == coders | {first[0]}
    assert [name for name, role in team.items() if role == "lead"] == [first[0]]
    assert p.extracts(status="all")[["reviewed_by", "review_comment"]].isna().all().all()
    assert p.verify().ok
    p.close()


def test_a_project_without_lead_lets_the_first_claimant_lead(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p", coder="zoe")
    with p.store.write("test") as w:  # as a project made before roles existed
        w.conn.execute(s.coders.delete())
    karim = Project.open(tmp_path / "p", coder="karim")
    with pytest.raises(RoleError, match="n'en a pas encore"):
        karim.team.merge(tmp_path / "p")
    karim.team.add_coder("karim", role="lead")
    with pytest.raises(RoleError, match=r"seul·e un·e responsable \(karim\)"):
        p.team.add_coder("zoe", role="lead")
    assert karim.role == "lead" and p.role is None
    karim.close()
    p.close()
