"""Auto-coding from codebook rules on the real French model, then review."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench import Project

RULES_YAML = """\
codes:
  - id: eau
    name: Eau
    rules:
      - {id: r-puits, lemmas: [puits, forage], unit: sentence, speaker_role: respondent}
  - id: diaspora
    name: Diaspora
    rules:
      - {id: r-diaspora, lemmas: [diaspora], unit: sentence}
  - id: ecole
    name: École
    rules:
      - {id: r-ecole, phrases: ["école du douar"], unit: turn}
  - id: femmes
    name: Femmes
    rules:
      - {id: r-femmes-f, lemmas: [femme], unit: sentence, where: {genre: F}}
  - id: dates
    name: Dates
    rules:
      - {id: r-annee, regex: "\\\\b(19|20)\\\\d\\\\d\\\\b", unit: sentence}
  - id: questions
    name: Questions
"""

TEXT = """\
Enquêtrice : Et le puits, qui l'a payé ?
Fatima : Le puits du village, c'est la diaspora. Les diasporas aident beaucoup.
Ensuite on a construit l'école du douar en 2004.
Question 2 :
Enquêtrice : Et les femmes ?
Fatima : Les femmes sont au bureau maintenant.
"""


@pytest.fixture
def ruled(tmp_path: Path) -> Project:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "E01_fatima.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "c" / "E02_youssef.txt").write_text(
        "Enquêteur : Les femmes ?\nYoussef : Les femmes de ma famille gèrent le forage.\n"
        "Enquêteur : Merci.\nYoussef : Avec plaisir.\n",
        encoding="utf-8")
    (tmp_path / "c" / "attributes.csv").write_text(
        "cas;document;locuteur;genre\nFatima;E01_fatima;Fatima;F\nYoussef;E02_youssef;Youssef;H\n",
        encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES_YAML, encoding="utf-8")
    p = Project.create(tmp_path / "p", coder="lea")
    p.load_codebook(tmp_path / "rules.yaml")
    p.import_corpus(tmp_path / "c", attributes=tmp_path / "c" / "attributes.csv",
                    progress=False)
    yield p
    p.close()


def texts_of(p: Project, rule: str) -> list[str]:
    return sorted(p.review.suggestions(rule=rule)["text"])


def test_lemma_rule_codes_the_sentence_of_respondents_only(ruled: Project) -> None:
    summary = ruled.review.autocode(progress=False).set_index("rule")
    assert summary.loc["r-puits", "new_suggestions"] == 2
    assert texts_of(ruled, "r-puits") == [
        "Le puits du village, c'est la diaspora.",
        "Les femmes de ma famille gèrent le forage.",
    ]  # the interviewer's "Et le puits" is not proposed
    frame = ruled.review.suggestions(rule="r-puits")
    assert set(frame["status"]) == {"suggested"} and set(frame["coder"]) == {"lea"}
    assert ruled.verify().ok


def test_diaspora_and_diasporas_both_match(ruled: Project) -> None:
    ruled.review.autocode(progress=False)
    assert texts_of(ruled, "r-diaspora") == ["Le puits du village, c'est la diaspora.",
                                            "Les diasporas aident beaucoup."]


def test_phrase_rule_codes_the_whole_turn(ruled: Project) -> None:
    ruled.review.autocode(["ecole"], progress=False)
    (text,) = texts_of(ruled, "r-ecole")
    assert text.startswith("Le puits du village") and text.endswith("en 2004.")
    assert ruled.review.suggestions(rule="r-puits").empty  # only the codes asked for ran


def test_attribute_scope_and_regex(ruled: Project) -> None:
    ruled.review.autocode(progress=False)
    assert texts_of(ruled, "r-femmes-f") == ["Les femmes sont au bureau maintenant."]
    assert texts_of(ruled, "r-annee") == ["Ensuite on a construit l'école du douar en 2004."]


def test_rerun_proposes_nothing_already_reviewed(ruled: Project) -> None:
    ruled.review.autocode(progress=False)
    first = ruled.review.suggestions()
    puits = ruled.review.suggestions(rule="r-puits")["coding_id"].tolist()
    ruled.review.reject(puits[0])
    ruled.review.accept(puits[1])
    again = ruled.review.autocode(progress=False)
    assert again["new_suggestions"].sum() == 0
    assert len(ruled.review.suggestions()) == len(first) - 2
    accepted = ruled.extracts("eau", status="accepted")
    assert accepted["coding_id"].tolist() == [puits[1]]
    assert accepted["origin"].tolist() == ["rule:r-puits"]


def test_bulk_review_and_rule_report(ruled: Project) -> None:
    ruled.review.autocode(progress=False)
    assert ruled.review.bulk("accept", rule="r-diaspora") == 2
    assert ruled.review.bulk("reject", document="E02_youssef") == 1
    report = ruled.review.rule_report().set_index("rule")
    assert report.loc["r-diaspora", ["suggestions", "accepted", "rejected", "pending"]].tolist() \
        == [2, 2, 0, 0]
    assert report.loc["r-puits", ["accepted", "rejected", "pending"]].tolist() == [0, 1, 1]
    # decided in bulk, without a look at each: no evidence of the rules' precision
    assert report.loc["r-diaspora", "accepted_bulk"] == 2
    assert report.loc["r-puits", "rejected_bulk"] == 1
    assert report["precision"].isna().all()
    assert report["code"].tolist()[:2] == ["eau", "diaspora"]


def test_code_turns_by_speaker_role_and_section(ruled: Project) -> None:
    ids = ruled.code_turns("questions", role="interviewer")
    assert len(ids) == 4
    frame = ruled.extracts("questions")
    assert set(frame["speaker"]) == {"Enquêtrice", "Enquêteur"}
    assert set(frame["origin"]) == {"role:interviewer"} and set(frame["status"]) == {"accepted"}
    assert ruled.code_turns("questions", role="interviewer") == []  # nothing twice
    after_q2 = ruled.code_turns("femmes", section=r"^Question 2", status="suggested")
    assert len(after_q2) == 2
    assert ruled.extracts("femmes", status="suggested")["text"].tolist() == [
        "Et les femmes ?", "Les femmes sont au bureau maintenant."]
    by_speaker = ruled.code_turns("diaspora", speaker="Youssef", documents=["E02_youssef"])
    assert len(by_speaker) == 2


def test_rule_precision_leaves_out_suggestions_accepted_in_bulk(ruled: Project) -> None:
    """Precision judges a rule by the suggestions a person looked at one by one; those
    accepted in bulk are counted apart (`accepted_bulk`), not as evidence."""
    ruled.review.autocode(progress=False)
    assert ruled.review.bulk("accept", rule="r-diaspora") == 2
    puits = ruled.review.suggestions(rule="r-puits")["coding_id"].tolist()
    ruled.review.accept(puits[0])
    ruled.review.reject(puits[1])
    report = ruled.review.rule_report().set_index("rule")
    assert "accepted_bulk" in report.columns
    assert report.loc["r-diaspora", "accepted_bulk"] == 2
    assert pd.isna(report.loc["r-diaspora", "precision"])  # nobody read them one by one
    assert report.loc["r-puits", "accepted_bulk"] == 0
    assert report.loc["r-puits", "precision"] == 0.5
    assert report.loc["r-diaspora", "accepted"] == 2  # still counted as accepted

