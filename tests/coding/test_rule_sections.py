"""A rule may be limited to a section (`section:` regex): auto-coding a questionnaire by
question. The same lemma coded everywhere without it, only under the matching
question with it; a bad or hostile section pattern is refused in French."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.survey_fixtures import kobo_form, kobo_survey
from workbench import Project
from workbench.codebook.rules import Rule
from workbench.coding.autocode import _under_section
from workbench.errors import CodebookError

CODEBOOK = """\
codes:
  - id: femmes
    name: Femmes
    rules:
      - id: femmes-partout
        lemmas: [femme]
  - id: obstacles_femmes
    name: Obstacles pour les femmes
    rules:
      - id: femmes-obstacles
        lemmas: [femme]
        section: "obstacles"
"""


@pytest.fixture
def survey_project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "projet", coder="lead")
    (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    p.load_codebook(tmp_path / "grille.yaml")
    p.import_survey(kobo_survey(tmp_path / "reponses.xlsx", rows=40, seed=1),
                    form=kobo_form(tmp_path / "formulaire.xlsx"),
                    closed_questions=["nom_asso"], progress=False)
    yield p
    p.close()


def test_a_rule_with_a_section_codes_only_under_that_question(survey_project: Project) -> None:
    survey_project.review.autocode(progress=False)
    found = survey_project.review.suggestions()
    everywhere = found[found["code"] == "femmes"]
    under = found[found["code"] == "obstacles_femmes"]
    assert set(everywhere["section"]) > {"Quels obstacles avez-vous rencontrés ?"}
    assert len(under) > 0
    assert set(under["section"]) == {"Quels obstacles avez-vous rencontrés ?"}
    assert len(under) < len(everywhere)


@pytest.mark.parametrize(("pattern", "message"), [
    ("(obstacles", "expression régulière `section` invalide"),
])
def test_a_bad_section_pattern_is_refused_in_french(tmp_path: Path, pattern: str,
                                                    message: str) -> None:
    p = Project.create(tmp_path / "projet", coder="lead")
    path = tmp_path / "grille.yaml"
    path.write_text(CODEBOOK.replace('"obstacles"', f'"{pattern}"'), encoding="utf-8")
    with pytest.raises(CodebookError, match=message):
        p.load_codebook(path)


def test_a_backtracking_section_pattern_stops_in_french() -> None:
    rule = Rule(id="r", code="c", lemmas=("x",), section="(a|aa)+$")
    sections = pd.Series(["a" * 60 + "!"])
    with pytest.raises(CodebookError, match=r"dépasse 2 s sur une section"):
        _under_section(rule, sections)
