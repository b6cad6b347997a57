"""Gender and generation, shares of speech, tone, actors and places: hand-counted tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.analysis import cartography
from workbench.analysis.groups import (
    INTERVIEWERS,
    age_groups,
    group_tests,
    prevalence,
    speech_shares,
    tone_by_group,
)
from workbench.analysis.network import actor_edges, actor_graph, actor_table, mention_units
from workbench.errors import WorkbenchError


def test_prevalence_is_normalised_by_group_size(extracts: pd.DataFrame, codes: pd.DataFrame,
                                                respondents: pd.DataFrame) -> None:
    table = prevalence(extracts, codes, respondents, "genre").set_index(["code", "group"])
    assert table.loc[("A", "F")].tolist() == [2, 2, 100.0]
    assert table.loc[("A", "H")].tolist() == [1, 2, 50.0]  # c4 never raised it, still counts
    assert table.loc[("A.2", "H")].tolist() == [0, 2, 0.0]
    assert table.attrs["unit"] == "cases"


def test_a_small_2x2_table_gets_fisher_and_a_warning(extracts: pd.DataFrame,
                                                     codes: pd.DataFrame,
                                                     respondents: pd.DataFrame) -> None:
    tests = group_tests(prevalence(extracts, codes, respondents, "genre")).set_index("code")
    a = tests.loc["A"]
    assert a["counts"] == "F 2/2 ; H 1/2"
    assert a["test"] == "exact de Fisher"
    # raised/not × F/H = [[2, 1], [0, 1]]: P(2 among F) = P(1 among F) = 3/6, two-sided p = 1
    assert a["p_value"] == pytest.approx(1.0)
    assert math.isinf(a["odds_ratio"])  # (2 × 1) / (1 × 0): no woman left it aside
    assert math.isnan(a["chi2"])  # no chi-square was computed
    assert a["min_expected"] == 0.5
    assert "effectifs attendus < 5" in a["warning"]


def test_a_large_table_gets_a_chi_square_without_warning() -> None:
    table = pd.DataFrame({"code": ["T", "T"], "group": ["F", "H"], "cases_coded": [30, 10],
                          "cases_in_group": [50, 50], "pct": [60.0, 20.0]})
    row = group_tests(table).iloc[0]
    # observed [[30, 10], [20, 40]], expected [[20, 20], [30, 30]]:
    # chi2 = 2 × 10²/20 + 2 × 10²/30 = 16.667, 1 d.f.
    assert row["test"] == "khi-deux"
    assert row["chi2"] == pytest.approx(16.667, abs=1e-3)
    assert math.isnan(row["odds_ratio"])  # Fisher did not run: no odds ratio
    assert row["p_value"] == pytest.approx(4.456e-5, rel=1e-3)
    assert row["min_expected"] == 20.0 and row["warning"] == ""
    assert row["counts"] == "F 30/50 ; H 10/50"


def test_chi_square_and_odds_ratio_are_separate_columns() -> None:
    """A Fisher row holds an odds ratio, a chi-square row a chi-square: never one column
    holding the one or the other."""
    table = pd.DataFrame({"code": ["S", "S", "T", "T"], "group": ["F", "H", "F", "H"],
                          "cases_coded": [3, 1, 30, 10], "cases_in_group": [4, 4, 50, 50]})
    tests = group_tests(table).set_index("code")
    assert "statistic" not in tests.columns
    assert list(tests.columns) == ["counts", "test", "chi2", "odds_ratio", "p_value",
                                   "min_expected", "warning"]
    # S: raised/not × F/H = [[3, 1], [1, 3]], expected 2 everywhere: Fisher,
    # odds ratio (3 × 3) / (1 × 1) = 9 (odds 3:1 among women, 1:3 among men)
    assert tests.loc["S", "test"] == "exact de Fisher"
    assert tests.loc["S", "odds_ratio"] == pytest.approx(9.0)
    assert math.isnan(tests.loc["S", "chi2"])
    assert tests.loc["T", "test"] == "khi-deux"
    assert tests.loc["T", "chi2"] == pytest.approx(16.667, abs=1e-3)
    assert math.isnan(tests.loc["T", "odds_ratio"])


def test_small_larger_tables_warn_and_degenerate_ones_are_not_tested() -> None:
    table = pd.DataFrame({
        "code": ["T"] * 3 + ["U"] * 2 + ["V"] * 2 + ["W"],
        "group": ["a", "b", "c", "F", "H", "F", "(non renseigné)", "F"],
        "cases_coded": [1, 2, 3, 0, 0, 2, 1, 1],
        "cases_in_group": [4, 4, 4, 3, 3, 3, 1, 3]})
    tests = group_tests(table).set_index("code")
    assert tests.loc["T", "test"] == "khi-deux"
    assert "peu fiable" in tests.loc["T", "warning"]
    assert tests.loc["U", "warning"] == "thème soulevé par personne"
    assert pd.isna(tests.loc["U", "p_value"])
    assert tests.loc["V", "warning"].startswith("un seul groupe")  # unknown group left out
    assert tests.loc["V", "counts"] == "F 2/3"
    assert tests.loc["W", "warning"].startswith("un seul groupe")


def test_age_groups(respondents: pd.DataFrame) -> None:
    out = age_groups(respondents, young_max=35)
    assert out["jeunesse"].tolist()[:3] == ["jeunes (≤ 35 ans)", "plus de 35 ans",
                                            "jeunes (≤ 35 ans)"]
    assert pd.isna(out["jeunesse"].iloc[3])
    with pytest.raises(WorkbenchError):
        age_groups(respondents, column="naissance")


def _tokens() -> pd.DataFrame:
    rows = [  # document, speaker, role, idx, genre, text, punct, space, markup
        ("fg", "Enq", "interviewer", 0, None, "Alors", False, False, False),
        ("fg", "Enq", "interviewer", 0, None, "parlez", False, False, False),
        ("fg", "Aïcha", "respondent", 1, "F", "euh", False, False, True),
        ("fg", "Aïcha", "respondent", 1, "F", "on", False, False, False),
        ("fg", "Aïcha", "respondent", 1, "F", "cotise", False, False, False),
        ("fg", "Aïcha", "respondent", 1, "F", ".", True, False, False),
        ("fg", "Aïcha", "respondent", 1, "F", "\n", False, True, False),
        ("fg", "Omar", "respondent", 2, "H", "oui", False, False, False),
        ("fg", "Zahra", "respondent", 3, "F", "moi", False, False, False),
        ("fg", "Zahra", "respondent", 3, "F", "aussi", False, False, False),
        ("fg", None, None, None, None, "[musique]", False, False, False),
        ("solo", "Nadia", "respondent", 0, "F", "bonjour", False, False, False),
    ]
    frame = pd.DataFrame(rows, columns=["document", "speaker", "role", "idx", "genre", "text",
                                        "is_punct", "is_space", "is_markup"])
    return frame


def test_speech_shares_count_spoken_words_and_turns() -> None:
    shares = speech_shares(_tokens(), "genre").set_index("group")
    # F: "on cotise" + "moi aussi" = 4 words, 2 turns; H: "oui", 1 turn
    assert shares.loc["F", ["words", "turns", "speakers"]].tolist() == [4, 2, 2]
    assert shares.loc["H", ["words", "turns"]].tolist() == [1, 1]
    assert shares.loc["F", "share_words"] == 80.0 and shares.loc["F", "share_turns"] == 66.7
    assert set(shares["document"]) == {"fg"}  # "solo" has one group: not a mixed document


def test_speech_shares_with_interviewers_and_single_group_documents() -> None:
    shares = speech_shares(_tokens(), "genre", include_interviewers=True, mixed_only=False)
    fg = shares[shares["document"] == "fg"].set_index("group")
    assert fg.loc[INTERVIEWERS, "words"] == 2
    assert fg.loc["F", "share_words"] == round(100 * 4 / 7, 1)
    solo = shares[shares["document"] == "solo"]
    assert solo["share_words"].tolist() == [100.0]


def test_tone_by_group() -> None:
    scored = pd.DataFrame({"genre": ["F", "F", "H"], "polarite": [0.5, -0.5, 0.0],
                           "tonalite": ["positif", "négatif", "neutre"]})
    out = tone_by_group(scored, "genre").set_index("genre")
    assert out.loc["F"].tolist() == [2, 0.0, 50.0, 50.0]
    assert out.loc["H"].tolist() == [1, 0.0, 0.0, 0.0]


def test_actor_network_from_shared_units() -> None:
    frame = pd.DataFrame({"document": ["d1"] * 4 + ["d2"] * 2 + ["d3"],
                          "turn": [0, 0, 0, 0, 1, 1, 0],
                          "who": ["X", "Y", "Z", "X", "X", "Y", "Z"]})
    units = mention_units(frame, "who")
    assert len(units) == 6  # X twice in one turn is one mention
    edges = actor_edges(units)
    assert [tuple(r) for r in edges.itertuples(index=False)] == [
        ("X", "Y", 2), ("X", "Z", 1), ("Y", "Z", 1)]
    table = actor_table(actor_graph(units)).set_index("actor")
    assert table.loc["X", ["mentions", "links", "weighted_links"]].tolist() == [2, 2, 3]
    assert table.loc["Z", "mentions"] == 2
    by_document = actor_edges(mention_units(frame, "who", scope="document"))
    assert by_document["weight"].tolist() == [2, 1, 1]


def _cases() -> pd.DataFrame:
    return pd.DataFrame({
        "case": ["O1", "O2", "O3", "P"],
        "case_kind": ["organisation", "organisation", "organisation", "person"],
        "pays_residence": ["France", "France", "Maroc", "France"],
        "region_residence": ["Île-de-France", "Île-de-France", "Souss-Massa", "PACA"],
        "province_origine": ["Tiznit; Taroudannt", "Tiznit", "Tiznit", "Tiznit"],
        "domaines": ["eau; santé", "eau", None, None]})


PLACES = ["pays_residence", "region_residence"]  # the columns of _cases()


def test_organisations_by_place() -> None:
    table = cartography.organisations_by_place(_cases(), PLACES, fields="domaines")
    first = table.iloc[0]
    assert (first["pays_residence"], first["region_residence"], first["organisations"]) == \
        ("France", "Île-de-France", 2)
    assert first["names"] == "O1, O2"
    assert first["main_fields"] == "eau (2), santé (1)"
    assert table["organisations"].sum() == 3  # the person is not an organisation


def test_origin_links_and_fields_by_place() -> None:
    links = cartography.origin_links(_cases(), residence="region_residence",
                                     origin="province_origine",
                                     exclude={"pays_residence": ["Maroc"]})
    assert [tuple(r) for r in links.itertuples(index=False)] == [
        ("Île-de-France", "Tiznit", 2), ("Île-de-France", "Taroudannt", 1)]
    fields = cartography.fields_by_place(_cases(), place="province_origine",
                                         fields="domaines")
    assert fields.loc["Tiznit", "eau"] == 2 and fields.loc["Taroudannt", "santé"] == 1
    with pytest.raises(WorkbenchError, match="pas d'attribut « pays »"):
        cartography.organisations_by_place(_cases(), ["pays"])
