"""The three studies the COPIL apps are tested on, and what the project's API gives for a
filter, computed without the apps' view.

- "demo": the demo project (session fixture `demo`);
- "reelle": CFPP2000 + ESLO1 files with their sources' attribute names
  (`real_project_path`, tests/study_fixtures.py);
- "aleatoire": random attribute names, no gender, no territory, English documents
  (`random_project_path`).

Import `study_project` into a test module to run its tests on each study (module
scope: the project is opened once per module and study).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from workbench import Project
from workbench.analysis.matrix import value_label
from workbench.profile.model import MAX_FILTER_VALUES

STUDIES = ("demo", "reelle", "aleatoire")
PATHS = {"reelle": "real_project_path", "aleatoire": "random_project_path"}
# Words that would betray a Python error on a page the committee reads.
ERROR_WORDS = ("Traceback", "There was an error", "Error", "Exception", "KeyError",
               "ValueError", "TypeError", "AttributeError", "IndexError", "ImportError",
               "ModuleNotFoundError", "RuntimeError", "NameError", "show_tracebacks")


@pytest.fixture(scope="module", params=STUDIES)
def study_project(request: pytest.FixtureRequest) -> Iterator[Project]:
    """Each study's project, open for the module (tests must not change it)."""
    if request.param == "demo":
        yield request.getfixturevalue("demo")
        return
    with Project.open(request.getfixturevalue(PATHS[request.param])) as project:
        yield project


def study_name(project: Project) -> str:
    """"demo", "reelle" or "aleatoire", from the project's folder name."""
    name = str(project.location)
    return ("aleatoire" if "aleatoire" in name else "reelle" if "reelle" in name
            else "demo")


# -- the filters the study offers, from the profile alone ----------------------------------
def expected_filters(project: Project) -> list[str]:
    """The attribute keys the apps must offer: the profile's filters on the (pseudonymised)
    respondents."""
    people = project.pseudonymise(project.analysis.respondents())
    return project.profile().filters(people, max_values=MAX_FILTER_VALUES)


def is_multi(project: Project, key: str) -> bool:
    spec = project.profile().get(key)
    return spec is not None and spec.type == "multi"


def parts(value: object) -> list[str]:
    return [p.strip() for p in str(value).split(";") if p.strip()] if isinstance(value, str) \
        else []


def matcher(project: Project, key: str, value: str) -> Callable[[Any], bool]:
    """The predicate "this attribute's cell is `value`" (several-valued: one of its
    values is), comparing as the dropdowns show values (58.0 → "58")."""
    if is_multi(project, key):
        return lambda cell: value in parts(cell)
    return lambda cell: value_label(cell) == value


def values_of(project: Project, key: str) -> list[str]:
    """The values of an attribute among the respondents, as the dropdowns show them."""
    people = project.analysis.respondents()
    cells = people[key].dropna() if key in people.columns else []
    if is_multi(project, key):
        return sorted({p for cell in cells for p in parts(cell)})
    return sorted({value_label(cell) for cell in cells})


_PSEUDONYMISED: dict[str, pd.DataFrame] = {}


def api_extracts(project: Project, theme: str | None = None,
                 where: dict[str, str] | None = None) -> pd.DataFrame:
    """The accepted, pseudonymised extracts of `theme` whose case matches `where` (the
    selection through the API; the pseudonymised rows of the whole project are computed
    once per project: pseudonymising takes seconds, selecting milliseconds)."""
    location = str(project.location)
    if location not in _PSEUDONYMISED:
        _PSEUDONYMISED[location] = project.extracts(status="accepted", pseudonymise=True)
    predicates = {k: matcher(project, k, v) for k, v in (where or {}).items()}
    chosen = project.extracts(theme, where=predicates or None, status="accepted")
    everything = _PSEUDONYMISED[location]
    return everything[everything["coding_id"].isin(set(chosen["coding_id"]))] \
        .reset_index(drop=True)


def api_respondents(project: Project, where: dict[str, str] | None = None) -> pd.DataFrame:
    people = project.analysis.respondents()
    for key, value in (where or {}).items():
        people = people[people[key].map(lambda v, k=key, x=value: v is not None
                                         and not (isinstance(v, float) and pd.isna(v))
                                         and matcher(project, k, x)(v))]
    return people.reset_index(drop=True)


def api_counts(extracts: pd.DataFrame) -> dict[str, int]:
    return {"extraits": len(extracts), "documents": extracts["document"].nunique(),
            "personnes": extracts["case"].dropna().nunique(),
            "codes": extracts["code"].nunique()}


def telling_value(project: Project, key: str, theme: str | None = None,
                  where: dict[str, str] | None = None) -> str:
    """A value of `key` that keeps some extracts but not all (the first such one)."""
    everything = len(api_extracts(project, theme, where))
    for value in values_of(project, key):
        n = len(api_extracts(project, theme, {**(where or {}), key: value}))
        if 0 < n < everything:
            return value
    raise AssertionError(f"no value of {key!r} narrows the extracts")
