"""The extracts table: columns, attribute filters, code expressions by scope."""

from __future__ import annotations

import pytest

from workbench import Project, WorkbenchError


@pytest.fixture
def coded(project: Project) -> Project:
    project.code_quote("E01_fatima", "c'est l'odeur de la terre", "liens.affectifs")
    project.code_quote("E01_fatima", "On envoie de l'argent pour le puits", "actions.eau")
    project.code_quote("E01_fatima", "l'argent", "liens.materiels")
    project.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    project.code_quote("E02_youssef", "Le puits du village", "actions.eau")
    project.code_quote("E02_youssef", "Tu vas souvent au bled ?", "liens", coder="karim")
    return project


def test_one_row_per_coding_with_source_speaker_case_attributes(coded: Project) -> None:
    frame = coded.extracts()
    assert len(frame) == 6
    row = frame[frame["code"] == "femmes"].iloc[0]
    assert row["document"] == "E01_fatima" and row["speaker"] == "Fatima"
    assert row["case"] == "Fatima Aït Lahcen" and row["genre"] == "F" and row["age"] == 58
    assert row["reference"] == "E01-T6"
    assert row["code_path"] == "Place des femmes"
    assert row["speaker_role"] == "respondent"
    for column in ("turn", "start", "end", "coder", "status", "memo", "region_residence"):
        assert column in frame.columns


def test_interviewer_turn_has_no_case(coded: Project) -> None:
    row = coded.extracts("liens").query("document == 'E02_youssef' and code == 'liens'").iloc[0]
    assert row["speaker"] == "Enquêteur" and row["speaker_role"] == "interviewer"
    assert row["case"] is None or row["case"] != row["case"]  # None or NaN


def test_parent_code_includes_children_unless_asked(coded: Project) -> None:
    assert len(coded.extracts("liens")) == 3
    assert len(coded.extracts("liens", include_children=False)) == 1


def test_attribute_filters_value_list_and_predicate(coded: Project) -> None:
    assert set(coded.extracts(where={"genre": "F"})["document"]) == {"E01_fatima"}
    assert len(coded.extracts("actions.eau", where={"region_residence": ["PACA", "Nowhere"]})) == 1
    assert len(coded.extracts(where={"age": lambda a: a > 50})) == 4
    with pytest.raises(WorkbenchError, match="aucune colonne ni aucun attribut « sexe »"):
        coded.extracts(where={"sexe": "F"})


def test_coder_and_status_filters(coded: Project) -> None:
    assert coded.extracts(coder="karim")["code"].tolist() == ["liens"]
    first = coded.extracts().iloc[0]["coding_id"]
    coded.review.set(int(first), "rejected")
    assert len(coded.extracts(status="accepted")) == 5
    assert coded.extracts(status=["rejected"])["coding_id"].tolist() == [first]


def test_or_and_not_by_overlap(coded: Project) -> None:
    either = coded.extracts(["femmes", "actions.eau"])
    assert sorted(either["code"]) == ["actions.eau", "actions.eau", "femmes"]
    both = coded.extracts("actions.eau & liens.materiels")  # overlap on "l'argent"
    assert sorted(both["code"]) == ["actions.eau", "liens.materiels"]
    assert set(both["document"]) == {"E01_fatima"}
    eau_only = coded.extracts("actions.eau & ~liens.materiels")
    assert eau_only["document"].tolist() == ["E02_youssef"]


def test_and_by_turn_and_by_document(coded: Project) -> None:
    assert coded.extracts("actions.eau & liens.affectifs").empty  # no span overlap
    turn = coded.extracts("actions.eau & liens.affectifs", scope="turn")
    assert sorted(turn["code"]) == ["actions.eau", "liens.affectifs"]  # same turn (line 4-5)
    doc = coded.extracts("femmes AND actions.eau", scope="document")
    assert sorted(doc["code"]) == ["actions.eau", "femmes"]
    assert set(doc["document"]) == {"E01_fatima"}


def test_bad_expression_is_a_clear_error(coded: Project) -> None:
    with pytest.raises(WorkbenchError, match="n'est pas fermée"):
        coded.extracts("(femmes | liens")


def test_references_stay_whole_numbers_when_a_coding_lies_outside_every_turn(
        project: Project) -> None:
    # A coding that starts on the first speaker's label lies before every turn.
    project.code("E01_fatima", 0, len("Enquêtrice : Bonjour"), "liens.affectifs")
    project.code_quote("E01_fatima", "l'odeur de la terre", "liens.affectifs")
    refs = sorted(project.extracts("liens.affectifs")["reference"])
    assert refs == ["E01-@0", "E01-T4"], refs


def test_a_multi_valued_column_matches_any_of_its_values() -> None:
    import pandas as pd

    from workbench.coding.extracts import apply_where

    frame = pd.DataFrame({"domaines": ["eau; santé", "éducation", None, "santé"]})
    assert list(apply_where(frame, {"domaines": "santé"}, multi=["domaines"]).index) == [0, 3]
    assert list(apply_where(frame, {"domaines": ["éducation", "eau"]},
                            multi=["domaines"]).index) == [0, 1]
    assert apply_where(frame, {"domaines": "santé"}).index.tolist() == [3]  # not multi: exact
