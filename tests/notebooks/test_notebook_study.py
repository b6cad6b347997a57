"""The notebooks' defaults come from the study profile and the codebook (issue 13)."""

from __future__ import annotations

import pytest

from workbench import Project
from workbench import notebook_study as ns
from workbench.errors import WorkbenchError

pytest_plugins = ["study_fixtures"]


def test_ready_says_why_a_section_is_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert ns.ready("genre", "jamais affiché") and ns.ready([1], "jamais affiché")
    assert not ns.ready(None, "pas de genre") and not ns.ready([], "liste vide")
    assert not ns.ready(0, "zéro")
    shown = capsys.readouterr().out
    assert "pas de genre" in shown and "liste vide" in shown and "jamais" not in shown


def test_defaults_on_the_demo(demo: Project) -> None:
    profile = demo.profile()
    respondents = demo.analysis.respondents()
    assert ns.crossing(demo, respondents) == [profile.key("gender"), profile.key("cohort")]
    assert ns.first_crossing(demo, respondents) == profile.key("cohort")
    assert ns.gender_value(profile) in profile.role("gender").values
    women, youth = ns.branch(demo), ns.branch(demo, words=ns.YOUTH_WORDS)
    assert women and youth and women != youth
    coded = set(demo.extracts(status="accepted")["code"])
    assert ns.first_coded(demo) in coded
    assert ns.first_coded(demo, "autre") == "autre"  # what the researcher gives wins
    document, quote = ns.sample_passage(demo)
    assert quote in demo.text(document) and 20 <= len(quote) <= 80


def test_defaults_on_a_study_without_gender_or_places(rand: Project,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    profile = rand.profile()
    respondents = rand.analysis.respondents()
    crossed = ns.crossing(rand, respondents)
    assert len(crossed) == 2 and all(profile.get(k) for k in crossed)  # its own attributes
    assert ns.attribute(profile, "gender") is None and ns.gender_value(profile) is None
    assert ns.branch(rand) is None
    assert ns.first_coded(rand) in set(rand.codes()["key"])
    assert ns.missing_roles(profile, ["gender", "origin"]) == ["gender", "origin"]
    assert not ns.youth_ready(profile)
    assert not ns.places_ready(rand, "residence", "origin")
    shown = capsys.readouterr().out
    for role in ("gender", "origin", "age", "residence"):
        assert profile.missing_role(role) in shown
    assert "organisation" in shown
    assert "La grille n'a pas de branche" in ns.no_branch(rand, "les femmes", "BRANCHE_FEMMES")
    with pytest.raises(WorkbenchError, match="genre"):
        rand.analysis.speech_shares()
    with pytest.raises(WorkbenchError, match="âge"):
        rand.analysis.prevalence("jeunesse")


def test_youth_and_speech_follow_the_profile(real: Project) -> None:
    """CFPP/ESLO: a numeric age « AGE » (classes derived) and a gender « GENRE »."""
    profile = real.profile()
    table = real.analysis.prevalence("jeunesse")
    groups = set(table["group"])
    assert groups and groups <= {"plus âgés", f"jeunes ({', '.join(profile.young_classes)})",
                                 "(non renseigné)"}
    by_age = real.analysis.prevalence("jeunesse", young_max=45)
    assert {"jeunes (≤ 45 ans)", "plus de 45 ans"} <= set(by_age["group"])
    assert ns.youth_ready(profile) and ns.youth_ready(profile, 45)
