"""« Trouver des passages semblables » in the coding panel, driven from Python (no
browser): the passages like the selection are those of ``p.assist.similar``, the chosen
ones are coded with the ticked codes in the store, every mistake is a French line in the
status; the suggestions list shows the learned models' suggestions with their score and
accepts them through ``p.review``."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pytest

from tests.assist.study import Study, build_study, code_topics
from workbench import Project
from workbench.ui.coding_panel import SUGGESTIONS, CodingPanel
from workbench.ui.coding_state import score_label, similar_rows, suggestion_source

DOC = "R05_resp5"
CODED = {"R01_resp1", "R02_resp2", "R03_resp3", "R04_resp4"}
NO_ERROR = ("Traceback", "Erreur inattendue", "Error", "Exception")


@pytest.fixture
def study(tmp_path: Path) -> Study:
    """Six generated interviews (water, school, other), nothing coded yet."""
    built = build_study(tmp_path)
    yield built
    built.project.close()


def _select(panel: CodingPanel, start: int, end: int) -> str:
    """Put into the view the selection a browser would send for [start, end)."""
    text = panel.session.project.text(panel.document)[start:end]
    panel.view.selection = {"start": start, "end": end, "text": text}
    return text


def _first_water(study: Study) -> tuple[int, int]:
    _doc, a, b = study.spans("eau", {DOC})[0]
    return a, b


def _status(panel: CodingPanel) -> str:
    """The status line as the reader sees it (its HTML unescaped)."""
    return html.unescape(str(panel.status.value))


def _accepted(location: Path | str) -> set[tuple[str, str, int, int]]:
    with Project.open(location) as again:  # what another process reads
        rows = again.extracts(status="accepted")
    return set(zip(rows["document"], rows["code"], rows["start"].astype(int),
                   rows["end"].astype(int), strict=True))


def test_passages_like_the_selection_are_listed_best_first(study: Study) -> None:
    p = study.project
    a, b = _first_water(study)
    # a passage already coded shows its code in the list
    expected = p.assist.similar(document=DOC, start=a, end=b, top=10)
    first = expected.iloc[0]
    p.code(first["document"], int(first["start"]), int(first["end"]), "eau")
    panel = CodingPanel(p, DOC)
    example = _select(panel, a, b)
    panel._run(panel.find_similar)
    assert f"10 passages semblables à « {example} »" in _status(panel), _status(panel)
    items = panel.similar_list.items
    assert [i["reference"] for i in items] == expected["reference"].tolist()
    assert [(i["document"], i["start"], i["end"]) for i in items] == list(zip(
        expected["document"], expected["start"], expected["end"], strict=True))
    assert (DOC, a, b) not in {(i["document"], i["start"], i["end"]) for i in items}
    assert items[0]["reference"].startswith(first["reference"].split("-T")[0] + "-T")
    assert items[0]["score_label"] == f"{expected['score'].iloc[0]:.2f}".replace(".", ",")
    assert "," in items[0]["score_label"] and "." not in items[0]["score_label"]
    assert items[0]["codes"] == [{"key": "eau", "name": "Eau et puits",
                                  "color": panel.session.colors["eau"]}]
    assert items[0]["text"] == p.text(first["document"])[first["start"]:first["end"]]
    assert items[0]["speaker"].startswith("Resp")
    assert "Passages semblables (10)" in panel.similar_title.value
    panel.similar_top.value = 20
    panel._run(panel.find_similar)
    assert [i["reference"] for i in panel.similar_list.items] == p.assist.similar(
        document=DOC, start=a, end=b, top=20)["reference"].tolist()
    assert "20 passages semblables" in _status(panel)


def test_the_chosen_passages_are_coded_with_each_ticked_code(study: Study) -> None:
    p = study.project
    panel = CodingPanel(p, DOC)
    _select(panel, *_first_water(study))
    panel._run(panel.find_similar)
    items = panel.similar_list.items
    here = next(i for i in items if i["document"] == DOC)  # one in the document shown
    other = next(i for i in items if i["document"] != DOC)
    before = _accepted(p.location)
    panel.similar_list.chosen = [other["key"], here["key"]]
    panel.tree.selected = ["eau", "ecole"]
    panel._run(panel.code_similar)
    assert "2 passages codés → Eau et puits, École (4 codages enregistrés)." in _status(panel)
    new = _accepted(p.location) - before
    assert new == {(i["document"], code, i["start"], i["end"])
                   for i in (here, other) for code in ("eau", "ecole")}
    coded = p.extracts(status=None).query("document == @DOC and start == @here['start']")
    assert set(coded["origin"]) == {"manual"} and set(coded["coder"]) == {"ana"}
    # the document shown is drawn again with the new codings; the list shows them too
    drawn = {(m["code"], m["start"], m["end"]) for m in panel.view.doc["codings"]}
    assert {("eau", here["start"], here["end"]), ("ecole", here["start"], here["end"])} <= drawn
    after = {i["key"]: [c["key"] for c in i["codes"]] for i in panel.similar_list.items}
    assert after[here["key"]] == after[other["key"]] == ["eau", "ecole"]
    assert panel.similar_list.chosen == [] and panel.tree.selected == ["eau", "ecole"]
    # coding them again adds nothing and says why
    panel.similar_list.chosen = [here["key"]]
    panel._run(panel.code_similar)
    assert "Rien à coder : les passages choisis portent déjà Eau et puits, École." \
        in _status(panel)
    assert _accepted(p.location) - before == new
    # one more code on a coded passage: only the new one is saved
    panel.similar_list.chosen = [here["key"]]
    panel.tree.selected = ["eau", "marche"]
    panel._run(panel.code_similar)
    assert ("1 passage codé → Eau et puits, Marché (1 codage enregistré) ; 1 code déjà "
            "présent laissé tel quel.") in _status(panel)
    assert (DOC, "marche", here["start"], here["end"]) in _accepted(p.location)


def test_a_listed_passage_is_shown_in_its_document(study: Study) -> None:
    panel = CodingPanel(study.project, DOC)
    _select(panel, *_first_water(study))
    panel._run(panel.find_similar)
    other = next(i for i in panel.similar_list.items if i["document"] != DOC)
    panel.similar_list.shown = {"key": other["key"], "count": 1}
    assert panel.document == other["document"]
    assert (panel.view.focus["start"], panel.view.focus["end"]) == (other["start"],
                                                                    other["end"])
    texts = "".join(piece["text"] for turn in panel.view.doc["turns"]
                    for piece in turn["pieces"])
    assert other["text"] in texts  # the view now draws that document
    assert f"Passage {other['reference']} affiché" in _status(panel)
    assert len(panel.similar_list.items) == 10  # the list stays


def test_mistakes_are_french_lines_and_save_nothing(study: Study, tmp_path: Path) -> None:
    p = study.project
    panel = CodingPanel(p, DOC)
    before = len(p.extracts(status=None))
    panel._run(panel.find_similar)
    assert "Aucun passage sélectionné : sélectionnez d'abord un passage" in _status(panel)
    assert panel.similar_list.items == []
    panel._run(panel.code_similar)
    assert "Aucun passage choisi : cochez des passages" in _status(panel)
    a, b = _first_water(study)
    text = _select(panel, a, b)
    panel.view.selection = {"start": a + 1, "end": b + 1, "text": text}  # one off
    panel._run(panel.find_similar)
    assert "ne correspond pas au texte affiché" in _status(panel)
    _select(panel, a, b)
    panel._run(panel.find_similar)
    panel.similar_list.chosen = [0]
    panel._run(panel.code_similar)
    assert "Aucun code choisi : cochez au moins un code" in _status(panel)
    assert len(p.extracts(status=None)) == before
    assert not any(word in _status(panel) for word in NO_ERROR)
    # a project where nothing else is like the passage
    alone = tmp_path / "seul"
    alone.mkdir()
    (alone / "S01_seul.txt").write_text("Enquêteur : Bonjour.\n", encoding="utf-8")
    with Project.create(tmp_path / "projet_seul", coder="ana") as lonely:
        lonely.import_corpus(alone, progress=False)
        single = CodingPanel(lonely)
        _select(single, 12, 20)
        single._run(single.find_similar)
        assert "Aucun passage semblable à « Bonjour. » dans le projet" in _status(single)
        assert single.similar_list.items == []
        assert not any(word in _status(single) for word in NO_ERROR)


def test_model_suggestions_are_listed_with_their_score_and_accepted(study: Study) -> None:
    p = study.project
    code_topics(study, CODED, {"eau": "eau", "ecole": "ecole"})
    p.assist.train()
    p.assist.suggest(codes=["eau"])
    pending = p.review.suggestions(model="eau", document=DOC)
    assert len(pending) >= 2
    _doc, a, b = study.spans("autre", {DOC})[0]
    rule = p.code(DOC, a, b, "marche", origin="rule:marche", status="suggested")
    panel = CodingPanel(p, DOC)
    labels = dict((v, label) for label, v in panel.suggestions.options)
    assert set(labels) == {rule, *pending["coding_id"].astype(int)}
    for row in pending.itertuples():
        assert labels[row.coding_id].endswith(
            f"→ Eau et puits (modèle, {row.score:.2f})".replace(".", ",", 1)), labels
    assert labels[rule].endswith("(règle marche)")
    assert panel.suggestions_title.value == f"<b>{SUGGESTIONS} ({len(labels)})</b>"
    assert SUGGESTIONS == "Propositions (règles et modèles)"
    marks = {m["id"]: m["source"] for m in panel.view.doc["codings"]}
    assert marks[int(pending["coding_id"].iloc[0])].startswith("modèle, 0,")
    best = int(pending["coding_id"].iloc[0])
    panel.suggestions.value = (best,)
    panel._run(panel.accept)
    assert "1 proposition acceptée." in _status(panel)
    with Project.open(p.location) as again:
        row = again.extracts(status=None).set_index("coding_id").loc[best]
        report = again.review.rule_report().set_index("rule")
    assert (row["status"], row["origin"], row["reviewed_by"]) == ("accepted", "model:eau",
                                                                 "ana")
    assert report.loc["model:eau", "accepted"] == 1
    assert best not in {v for _label, v in panel.suggestions.options}


def test_with_nothing_selected_the_chosen_suggestion_is_the_example(study: Study) -> None:
    p = study.project
    a, b = _first_water(study)
    suggestion = p.code(DOC, a, b, "eau", origin="rule:eau", status="suggested")
    panel = CodingPanel(p, DOC)
    panel.suggestions.value = (suggestion,)
    assert panel.view.selection == {}
    panel._run(panel.find_similar)
    expected = p.assist.similar(document=DOC, start=a, end=b, top=10)
    assert [i["reference"] for i in panel.similar_list.items] == expected["reference"].tolist()


def test_a_pseudonymised_list_shows_no_real_name(project: Project) -> None:
    project.privacy.propose()
    panel = CodingPanel(project, "E01_fatima", pseudonymise=True)
    text = project.text("E01_fatima")
    a = text.index("On envoie de l'argent pour le puits")
    panel.view.selection = {"start": a, "end": a + 35, "text": text[a:a + 35]}
    panel._run(panel.find_similar)
    items = panel.similar_list.items
    assert any(i["document"] == "E02_youssef" for i in items), items
    shown = [f"{i['reference']} {i['speaker']} {i['text']}" for i in items]
    assert project.leaks(" ".join(shown)) == []
    assert project.leaks(panel.status.value) == []
    youssef = next(i for i in items if i["document"] == "E02_youssef")
    assert youssef["speaker"] and youssef["speaker"] != "Youssef"
    # the coding still lands on the stored text
    panel.similar_list.chosen = [youssef["key"]]
    panel.tree.selected = ["actions.eau"]
    panel._run(panel.code_similar)
    assert "1 passage codé" in panel.status.value
    row = project.extracts("actions.eau", status="accepted").query("document == 'E02_youssef'")
    assert row[["start", "end"]].values.tolist() == [[youssef["start"], youssef["end"]]]


def test_scores_sources_and_rows_for_the_batch() -> None:
    assert [score_label(x) for x in (0.8234, 1, None, float("nan"), "x")] == [
        "0,82", "1,00", "", "", ""]
    assert suggestion_source("rule:eau-puits") == "règle eau-puits"
    assert suggestion_source("model:eau", 0.456) == "modèle, 0,46"
    assert suggestion_source("model:eau", None) == "modèle"
    found = pd.DataFrame({"document": ["A", "B"], "start": [0, 5], "end": [4, 9],
                          "codes": ["eau, ecole", ""]})
    rows, skipped = similar_rows(found, [1, 0, 1, 7], ["eau", "marche"])
    assert rows == [{"document": "B", "code": "eau", "start": 5, "end": 9},
                    {"document": "B", "code": "marche", "start": 5, "end": 9},
                    {"document": "A", "code": "marche", "start": 0, "end": 4}]
    assert skipped == 1
