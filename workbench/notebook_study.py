"""What the notebooks ask of the study: attributes by role, codes to show, French notes.

A notebook's parameters default to ``None``; these helpers resolve them from the
study profile (``Project.profile()``) and the codebook, never from a column name
or a code id written in the notebook. A section that needs an attribute or a
branch the study does not have calls :func:`ready`, which says in French what is
missing and how to declare it, and the notebook goes on with the next section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Sized
from typing import TYPE_CHECKING

import pandas as pd

from workbench.analysis.codes import select_codes
from workbench.profile import GENDERS, StudyProfile
from workbench.profile.model import CROSSING_ROLES, FIRST_CROSSING_ROLES
from workbench.text import fold_words

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

# Words (folded) naming the branches of a codebook that the gender notebook looks for.
WOMEN_WORDS = ("femme", "femmes", "feminin", "feminine", "genre", "gender", "women", "woman",
               "egalite")
YOUTH_WORDS = ("jeune", "jeunes", "jeunesse", "youth", "young")
WORDS_OFF = ("MOTS = False : section sautée (elle lit les textes avec le modèle de langue, "
             "plus lent).")
MIN_QUOTE = 20
MAX_QUOTE = 80
SUBSTANTIAL = 200  # characters: an answer, not a courtesy


def note(message: str) -> None:
    """Show a French note in the notebook's output (a skipped section, a default used)."""
    print(f"⚠ {message}")


def ready(value: object, why: str) -> bool:
    """True when `value` (a resolved parameter) is set; else shows `why` the section is
    skipped (e.g. ``profile.missing_role("gender")``) and returns False."""
    empty = len(value) == 0 if isinstance(value, Sized) else not value
    if empty:
        note(why)
        return False
    return True


def chosen(values: Mapping[str, object]) -> None:
    """Print what the notebook resolved its parameters to, one per line (« — » for none)."""
    width = max((len(k) for k in values), default=0)
    for name, value in values.items():
        print(f"{name:<{width}} : {'—' if value is None else value}")


def attribute(project: ProjectData | StudyProfile, role: str, given: str | None = None
              ) -> str | None:
    """`given` when set, else the attribute that plays `role` in the study profile
    (for "age_class": the declared age classes, else those derived from the age);
    None when the study has none."""
    if given:
        return given
    profile = _profile(project)
    if role == "age_class":
        return profile.age_class_key
    return profile.key(role)


def missing_roles(project: ProjectData | StudyProfile, roles: Iterable[str]) -> list[str]:
    """The `roles` no attribute plays in the profile; each one is explained in French
    (what to declare, how)."""
    profile = _profile(project)
    missing = [role for role in roles if attribute(profile, role) is None]
    for role in missing:
        note(profile.missing_role("age" if role == "age_class" else role))
    return missing


def crossing(project: ProjectData, frame: pd.DataFrame, given: str | Sequence[str] | None = None,
             *, roles: Sequence[str] = CROSSING_ROLES, count: int = 2) -> list[str]:
    """The attributes to cross `frame` (respondents, extracts) by: `given` (one name or
    a list), else the profile's attributes playing `roles` (gender, generation, age
    classes), completed by its other filter attributes (2 to 30 values), `count` at
    most. Unknown names given are reported and left out."""
    if given:
        names = [given] if isinstance(given, str) else list(given)
        unknown = [n for n in names if n not in frame.columns]
        if unknown:
            note(f"Attribut(s) inconnu(s) : {', '.join(unknown)} (attributs : "
                 f"{', '.join(_attribute_columns(frame)) or 'aucun'}).")
        return [n for n in names if n in frame.columns]
    profile = project.profile()
    usable = profile.filters(profile.with_derived(frame))
    by_role = [k for k in (attribute(profile, r) for r in roles) if k in usable]
    picked = [*by_role, *[k for k in usable if k not in by_role]][:count]
    if not picked:
        note("Aucun attribut ne répartit ces cas en groupes (2 à 30 valeurs) : complétez "
             "le tableau des attributs ou le profil de l'étude (p.set_attribute(…)).")
    return picked


def first_crossing(project: ProjectData, frame: pd.DataFrame, given: str | None = None, *,
                   roles: Sequence[str] = FIRST_CROSSING_ROLES) -> str | None:
    """One attribute to cross `frame` by (see :func:`crossing`), or None."""
    return next(iter(crossing(project, frame, given, roles=roles, count=1)), None)


def youth_ready(project: ProjectData | StudyProfile, young_max: float | None = None) -> bool:
    """Whether young and older respondents can be told apart: by the profile's age
    with `young_max`, else by its age classes and those it counts as young. Says in
    French what to declare when they cannot."""
    profile = _profile(project)
    if young_max is not None:
        return ready(profile.key("age"), profile.missing_role("age"))
    column = profile.age_class_key
    if not ready(column, profile.missing_role("age")):
        return False
    return ready(profile.young_classes,
                 f"Aucune classe d'âge de « {profile.label(str(column))} » n'est comptée "
                 f"comme jeune : déclarez-les avec p.set_attribute(\"{column}\", "
                 "young=[…]), ou donnez JEUNES_AGE_MAX = 35 dans les paramètres.")


def places_ready(project: ProjectData, *roles: str) -> bool:
    """Whether the mapping of organisations can be drawn: the profile has an attribute
    for each of `roles` (residence: the place or else the country of residence) and
    some cases are organisations. Says in French what is missing."""
    profile = project.profile()
    ok = True
    for role in roles:
        key = profile.key(role) or (profile.key("residence_country")
                                    if role == "residence" else None)
        ok = ready(key, profile.missing_role(role)) and ok
    organisations = project.cases()["case_kind"].eq("organisation").sum()
    return ready(organisations, "Aucun cas n'est une organisation : la cartographie compte "
                 "les organisations (type « organisation » dans le tableau des attributs)."
                 ) and ok


def first_coded(project: ProjectData, given: str | None = None) -> str | None:
    """`given`, else the first code of the codebook (in its order) that has accepted
    extracts, else the first code; None for an empty codebook."""
    if given:
        return given
    keys = list(project.codes()["key"])
    coded = set(project.extracts(status="accepted")["code"])
    return next((key for key in keys if key in coded), keys[0] if keys else None)


def most_coded_theme(project: ProjectData, given: str | None = None) -> str | None:
    """`given`, else the top-level theme with the most accepted codings (its branch
    included); None when nothing is coded yet."""
    if given:
        return given
    table = project.analysis.code_frequencies()
    themes = table[(table["depth"] == 0) & (table["codings"] > 0)]
    if themes.empty:
        return None
    return str(themes.sort_values("codings", ascending=False, kind="stable")["code"].iloc[0])


def branch(project: ProjectData, given: str | None = None, *,
           words: Iterable[str] = WOMEN_WORDS) -> str | None:
    """`given`, else the highest code of the codebook whose id or name holds one of
    `words` (compared without case or accents); None when there is none."""
    if given:
        return given
    wanted = set(words)
    codes = project.codes()
    for row in codes.sort_values("depth", kind="stable").itertuples():
        if wanted & set(_words(f"{row.key} {row.name}")):
            return str(row.key)
    return None


def no_branch(project: ProjectData, subject: str, parameter: str,
              words: Iterable[str] = WOMEN_WORDS) -> str:
    """The French sentence for a codebook with no branch on `subject`."""
    themes = select_codes(project.codes(), depth=0)
    return (f"La grille n'a pas de branche sur {subject} (aucun code dont l'identifiant ou "
            f"le nom contient {', '.join(f'« {w} »' for w in list(words)[:3])}…) : donnez "
            f"son code dans la cellule de paramètres, {parameter} = \"<code>\" (thèmes : "
            f"{', '.join(themes) or 'aucun'}).")


def gender_value(project: ProjectData | StudyProfile, meaning: str = "women",
                 given: str | None = None) -> str | None:
    """`given`, else the value of the gender attribute that the profile maps to
    `meaning` (women, men, other); None when there is none."""
    if given:
        return given
    spec = _profile(project).role("gender")
    if spec is None:
        return None
    return next((raw for raw, sense in spec.values.items() if sense == meaning), None)


def no_gender_value(project: ProjectData | StudyProfile, meaning: str = "women") -> str:
    """The French sentence for a gender attribute with no value mapped to `meaning`."""
    profile = _profile(project)
    key = profile.key("gender")
    if key is None:
        return profile.missing_role("gender")
    return (f"Aucune valeur de « {profile.label(key)} » ne désigne les "
            f"{GENDERS[meaning].lower()} dans le profil : déclarez-la avec "
            f"p.set_attribute(\"{key}\", values={{\"<valeur>\": \"{meaning}\", …}}).")


def sample_passage(project: ProjectData) -> tuple[str, str]:
    """A document and the start of a respondent's turn in it (20 to 80 characters), to
    code as an example: the first answer of SUBSTANTIAL characters or more (opening
    courtesies are shorter), else the first one long enough to quote."""
    fallback: tuple[str, str] | None = None
    for document in project.documents()["name"]:
        turns = project.turns(document)
        spoken = turns[turns["role"].ne("interviewer") & turns["speaker"].notna()]
        for text in spoken["text"]:
            quote = _quote(str(text))
            if quote and len(str(text).strip()) >= SUBSTANTIAL:
                return str(document), quote
            fallback = fallback or ((str(document), quote) if quote else None)
    if fallback is None:
        raise LookupError("aucun tour de parole d'une personne interrogée à citer.")
    return fallback


def _quote(text: str) -> str:
    """The turn's first line cut at a word boundary, at most MAX_QUOTE characters."""
    line = text.strip().split("\n")[0].strip()
    if len(line) > MAX_QUOTE:
        line = line[:MAX_QUOTE].rsplit(" ", 1)[0].strip()
    return line if len(line) >= MIN_QUOTE else ""


def example_filter(extracts: pd.DataFrame, attributes: Sequence[str]) -> dict[str, object]:
    """{attribute: its most frequent value among `extracts`} for the first of
    `attributes` that has a value there; {} when none has."""
    for key in attributes:
        if key in extracts.columns:
            values = extracts[key].dropna().astype(str).str.strip()
            values = values[values.ne("")]
            if not values.empty:
                return {key: values.value_counts().index[0]}
    return {}


def example_expression(project: ProjectData) -> str | None:
    """A code expression worth trying: the two top-level themes that share the most
    turns (« a & b »), else the first theme; None for an empty codebook."""
    themes = select_codes(project.codes(), depth=0)
    if not themes:
        return None
    pairs = project.analysis.cooccurrence(scope="turn", rows=themes, include_children=True)
    pairs = pairs[pairs["n_ab"] > 0].sort_values("n_ab", ascending=False, kind="stable")
    if not pairs.empty:
        return f"{pairs['code_a'].iloc[0]} & {pairs['code_b'].iloc[0]}"
    return themes[0] if len(themes) == 1 else f"{themes[0]} | {themes[1]}"


def columns_for(extracts: pd.DataFrame, project: ProjectData,
                given: Sequence[str] | None = None) -> list[str]:
    """The extracts' columns to export: reference and case, then `given` attributes,
    else the profile's filter attributes present in `extracts`, then code and text."""
    if given is None:
        profile = project.profile()
        given = profile.filters(profile.with_derived(extracts))
    base = ["reference", "case", *[k for k in given if k in extracts.columns],
            "code_path", "text"]
    return list(dict.fromkeys(base))


def _profile(project: ProjectData | StudyProfile) -> StudyProfile:
    return project if isinstance(project, StudyProfile) else project.profile()


def _attribute_columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c not in ("case_id", "case", "case_kind")]


def _words(text: str) -> list[str]:
    return fold_words(text).split()

