"""Which of a study's attributes an export shows, chosen from its study profile.

The exports never name an attribute: the profile says which attribute is the
gender, the age class, the place of residence…, which ones describe people, and
the label each one is shown with. Everything here takes the profile (and the
rows to show) as arguments, and reads nothing from the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.coding.extracts import BASE_COLUMNS
from workbench.export.docx_common import display_value, missing
from workbench.profile import StudyProfile
from workbench.profile.model import REFERENCE_ROLES, SPEAKER_ROLES

# Roles whose values name or point at someone: left out of pseudonymised exports.
IDENTIFYING = ("interviewer", "organisation")
# Roles of the interview itself (shown beside the documents, not as a person's attribute).
INTERVIEW_ROLES = ("date", "place")
# Attribute types that describe a person without being free text.
DESCRIBING_TYPES = ("category", "multi", "number")


def extract_column(key: str) -> str:
    """The column of a case attribute in the extracts: its key, or ``case_<key>`` when
    the key is one of the extracts' own columns (an attribute named « code »)."""
    return f"case_{key}" if key in BASE_COLUMNS and key != "case" else key


def attribute_key_of(column: str) -> str:
    """The attribute behind an extracts column (the inverse of :func:`extract_column`)."""
    if column.startswith("case_") and column[5:] in BASE_COLUMNS:
        return column[5:]
    return column


def present(frame: pd.DataFrame, key: str) -> bool:
    """Whether column `key` of `frame` holds a value in some row."""
    return key in frame.columns and not all(missing(v) for v in frame[key])


def people_attributes(profile: StudyProfile, people: pd.DataFrame, *,
                      pseudonymised: bool = True) -> list[str]:
    """The case attributes that describe the people of `people` (one row per person), in
    profile order: category, several-valued and numeric attributes; with real names
    (`pseudonymised` False) also free text, dates and the identifying roles (interviewer,
    organisation). An attribute no person has a value for is left out, and so are the
    interview's date and place (shown with the documents) and the age classes when the
    age itself is shown."""
    keys: list[str] = []
    for spec in profile.attributes:
        if spec.scope != "case" or spec.role in INTERVIEW_ROLES:
            continue
        if pseudonymised and (spec.role in IDENTIFYING or spec.type not in DESCRIBING_TYPES):
            continue
        if present(people, spec.key):
            keys.append(spec.key)
    age, age_class = profile.key("age"), profile.age_class_key
    if age in keys and age_class in keys:
        keys.remove(age_class)
    elif age not in keys and age_class and age_class not in keys and present(people, age_class):
        spec = profile.role("age")
        if spec is not None and spec.scope == "case":  # the age is hidden: show its class
            keys.append(age_class)
    return keys


def reference_attributes(profile: StudyProfile, extracts: pd.DataFrame, *,
                         count: int = 3) -> list[str]:
    """The attributes on an extract's reference line: the gender, generation and place
    of residence when the study has them, completed up to `count` from the attributes the
    profile filters by; only those holding a value in `extracts`, in profile order."""
    columns = [extract_column(k) for r in REFERENCE_ROLES if (k := profile.key(r))]
    chosen = [c for c in columns if present(extracts, c)]
    for key in profile.filters(extracts):  # worth showing: 2 values or more
        if len(chosen) >= count:
            break
        if key not in chosen and extract_column(key) == key and present(extracts, key):
            chosen.append(key)
    order = {extract_column(k): i for i, k in enumerate(attribute_order(profile))}
    return sorted(chosen, key=lambda k: order.get(k, len(order)))


def attribute_order(profile: StudyProfile) -> list[str]:
    """The profile's attributes in order, the derived age classes right after the age."""
    keys = profile.keys()
    derived, age = profile.age_class_key, profile.key("age")
    if derived and derived not in keys:
        keys.insert(keys.index(age) + 1 if age in keys else len(keys), derived)
    return keys


def speaker_attributes(profile: StudyProfile) -> list[str]:
    """The columns of the extracts that sketch a speaker in a fiche: gender, and
    generation (else the age class), when the study has them."""
    first, second = (profile.key(role) for role in SPEAKER_ROLES)
    keys = [first, second or profile.age_class_key]
    return [extract_column(k) for k in keys if k]


def annex_attributes(profile: StudyProfile, cases: pd.DataFrame,
                     extracts: pd.DataFrame) -> list[str]:
    """The attribute columns of the Excel annex: the attributes the profile filters and
    crosses by across the study's cases (`cases`, with the derived age classes), that hold
    a value in `extracts` (by their column there)."""
    columns = [extract_column(k) for k in profile.filters(cases)]
    return [c for c in columns if present(extracts, c)]


def attribute_labels(profile: StudyProfile, keys: Iterable[str]) -> dict[str, str]:
    """Each column of `keys` that is an attribute of the study (or its derived age
    classes; ``case_code`` for an attribute « code ») → the label the profile gives it;
    other keys are left out."""
    derived = profile.age_class_key
    out = {}
    for column in keys:
        key = attribute_key_of(column)
        if profile.get(key) is not None or key == derived:
            out[column] = profile.label(key)
    return out


@dataclass(frozen=True)
class AttributeLine:
    """A few attributes of a row shown as one line: « femme, 25-34 ans, Lyon »."""

    profile: StudyProfile
    keys: tuple[str, ...]

    def values(self, row: Mapping[str, Any]) -> list[str]:
        shown = [display_value(row.get(k), key=attribute_key_of(k), profile=self.profile)
                 for k in self.keys]
        return [v for v in shown if v]

    def text(self, row: Mapping[str, Any]) -> str:
        return ", ".join(self.values(row))


def gender_counts(profile: StudyProfile, values: Sequence[object]) -> dict[str, int]:
    """How many of `values` (cells of the gender attribute) mean women, men, other, or
    nothing known ("unknown"); {} when the study has no gender attribute."""
    if profile.role("gender") is None:
        return {}
    counts = {"women": 0, "men": 0, "other": 0, "unknown": 0}
    for value in values:
        counts[profile.gender_of(value) or "unknown"] += 1
    return counts
