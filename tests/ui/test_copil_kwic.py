"""The COPIL explorer's KWIC lists each occurrence once, however many codings cover it."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import Project
from workbench.views import CopilView

TURN = "Le puits du village, c'est mon père. Le puits a tout changé."
SENTENCE = "Le puits a tout changé."


def small_view(rows: list[tuple[int, str, str, str]]) -> CopilView:
    """A view over extracts (coding_id, reference, code, text) of one document, every
    word of each extract in the words table."""
    extracts = pd.DataFrame(
        [{"coding_id": i, "reference": ref, "document": "E01", "case": "Enquêtée F1",
          "turn": int(ref.split("T")[-1]), "text": text, "code": code, "code_path": code}
         for i, ref, code, text in rows])
    words = pd.DataFrame(
        [{"coding_id": i, "lemma": w.lower(), "form": w.lower()}
         for i, _, _, text in rows for w in text.replace(",", " ").replace(".", " ").split()]
    ).drop_duplicates()
    codes = pd.DataFrame({"key": ["eau", "liens"], "name": ["Eau", "Liens"],
                          "path": ["Eau", "Liens"], "depth": [0, 0], "parent": [None, None]})
    return CopilView(extracts, codes, pd.DataFrame({"case": ["Enquêtée F1"]}),
                     pd.DataFrame(columns=["case", "case_kind"]), words)


def test_a_passage_coded_with_two_codes_gives_each_occurrence_once() -> None:
    view = small_view([(1, "E01-T4", "eau", TURN), (2, "E01-T4", "liens", TURN)])
    lines = view.kwic(view.extracts, "puits")
    assert len(lines) == 2  # two occurrences of « puits » in the passage, not four
    assert lines["keyword"].tolist() == ["puits", "puits"]
    assert lines["right"].str.startswith(" du village").tolist() == [True, False]


def test_a_sentence_coded_inside_its_coded_turn_is_not_counted_again() -> None:
    view = small_view([(1, "E01-T4", "eau", TURN), (2, "E01-T4", "liens", SENTENCE)])
    lines = view.kwic(view.extracts, "puits")
    assert len(lines) == 2
    only_sentence = view.kwic(view.extracts[view.extracts["coding_id"] == 2], "puits")
    assert len(only_sentence) == 1  # alone, the sentence still shows its occurrence


def test_different_passages_keep_their_own_occurrences() -> None:
    view = small_view([(1, "E01-T4", "eau", TURN), (2, "E01-T6", "eau", SENTENCE),
                       (3, "E01-T4", "liens", "Le puits")])  # twice in the turn: ambiguous
    lines = view.kwic(view.extracts, "puits")
    # 2 in the turn, 1 in another turn's sentence, and « Le puits », which cannot be
    # placed in its turn (found twice there), is listed rather than dropped
    assert len(lines) == 4
    assert lines["reference"].tolist().count("E01-T6") == 1


@pytest.fixture(scope="module")
def view(demo: Project) -> CopilView:
    return CopilView.from_project(demo, words=True)


@pytest.mark.parametrize("word", ["association", "femme", "puits"])
def test_demo_kwic_counts_each_place_of_the_documents_once(demo: Project, view: CopilView,
                                                           word: str) -> None:
    """The occurrences the explorer lists are the distinct places (document, position)
    of a form of the word inside the accepted codings, counted from the project."""
    tokens = demo.tokens(progress=False)
    tokens = tokens[tokens["lemma"].isin(view.lemmas(word))]
    spans = demo.extracts(status="accepted")
    places = set()
    for document, start, end in zip(spans["document"], spans["start"], spans["end"],
                                    strict=True):
        inside = tokens[(tokens["document"] == document) & (tokens["start"] >= start)
                        & (tokens["end"] <= end)]
        places |= set(zip(inside["document"], inside["start"], strict=True))
    found = view.with_word(view.selection(), word)
    lines = view.kwic(found, word)
    assert len(places) > 0
    assert len(lines) == len(places)
    assert not lines.duplicated().any()
