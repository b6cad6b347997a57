"""A first study profile guessed from the attribute sheet: column names and values.

The guess is only a start: it is shown to the researcher, who corrects it from
Python, the command line or a YAML/Excel file. Names are compared folded (no
case, no accents, words split on ``_ - .`` and spaces), in French and English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from workbench.analysis.labels import column_label
from workbench.profile.model import (
    MAX_FILTER_VALUES,
    SEPARATOR,
    AttributeSpec,
    StudyProfile,
    young_label,
)
from workbench.text import fold_words

# Spellings of gender values, folded.
GENDER_VALUES: dict[str, str] = {
    **dict.fromkeys(("f", "femme", "femmes", "feminin", "female", "woman", "women", "w",
                     "fille", "mme", "madame"), "women"),
    **dict.fromkeys(("h", "m", "homme", "hommes", "masculin", "male", "man", "men", "garcon",
                     "monsieur", "mr"), "men"),
    **dict.fromkeys(("autre", "other", "x", "non binaire", "nonbinaire", "nb",
                     "non-binary", "non binary", "divers"), "other"),
}
ROLE_COLUMNS = Path(__file__).with_name("role_columns.txt")


@cache
def name_rules() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(scope, role, folded column names) in the order of `role_columns.txt`, whose first
    matching line wins."""
    rules = []
    for line in ROLE_COLUMNS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, names = line.split(":", 1)
        scope, role = head.split()
        rules.append((scope, role, frozenset(fold_words(n) for n in names.split(";")
                                             if n.strip())))
    return tuple(rules)
def gender_values(values: Iterable[object]) -> dict[str, str] | None:
    """The mapping value → women/men/other when every value is a known spelling of a
    gender (and there are at least two kinds), else None."""
    cells = {str(v).strip() for v in values if _present(v)}
    if not cells:
        return None
    mapping = {c: GENDER_VALUES.get(fold_words(c)) for c in cells}
    if any(v is None for v in mapping.values()):
        return None
    return dict(sorted(mapping.items()))  # type: ignore[arg-type]


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) \
        and str(value).strip() != ""


def _type(values: list[object], stored: Iterable[str]) -> str:
    """category | multi | number | date | text, from the stored value types and cells."""
    kinds = {k for k in stored if k}
    cells = [str(v).strip() for v in values if _present(v)]
    if kinds and kinds <= {"int", "float"}:
        return "number"
    if kinds and kinds <= {"date"}:
        return "date"
    if not cells:
        return "category"
    if kinds and kinds <= {"int", "float", "text"} and all(_numeric(c) for c in cells):
        return "number"
    if any(SEPARATOR in c for c in cells):
        parts = [p.strip() for c in cells for p in c.split(SEPARATOR) if p.strip()]
        if len(set(parts)) < len(parts):  # values repeat across cells: a list of categories
            return "multi"
    distinct = len(set(cells))
    mean_length = sum(map(len, cells)) / len(cells)
    if mean_length > 40 or (distinct > MAX_FILTER_VALUES and distinct > len(cells) / 2):
        return "text"
    mean_words = sum(len(c.split()) for c in cells) / len(cells)
    if mean_words >= 5 or (distinct == len(cells) >= 4 and mean_length > 20):  # sentences
        return "text"
    return "category"


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def infer_profile(cases: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                  types: Mapping[tuple[str, str], Iterable[str]] | None = None,
                  keep: StudyProfile | None = None,
                  order: Iterable[str] = ()) -> StudyProfile:
    """A profile for the attributes of `cases` (one column per case attribute, as
    `Project.cases()`) and `documents` (one column per document attribute).

    `types`: (scope, key) → the value types the store recorded (int, float, date, text).
    `keep`: a profile already edited by the researcher: its attributes are kept as they
    are, only new attributes are guessed, and a role it gives is never given twice.
    `order`: column names in the order of the attributes sheet (guesses follow it, so a
    role goes to the first column of the sheet that fits it).
    """
    rank: dict[str, int] = {}
    for i, name in enumerate(order):
        rank.setdefault(name, i)

    def ordered(frame: pd.DataFrame) -> list[str]:
        return sorted(frame.columns, key=lambda c: rank.get(c, len(rank)))

    reserved = {"case_id", "case", "case_kind", "document_id", "document", "kind"}
    kept = {a.key: a for a in (keep.attributes if keep else ())}
    taken = {a.role for a in kept.values() if a.role}
    specs: list[AttributeSpec] = []
    for scope, frame in (("case", cases), ("document", documents)):
        if frame is None:
            continue
        for key in ordered(frame):
            if key in reserved or any(s.key == key for s in specs):
                continue
            if key in kept:
                specs.append(kept[key])
                continue
            values = list(frame[key])
            kind = _type(values, (types or {}).get((scope, str(key)), ()))
            spec = AttributeSpec(key=str(key), label=column_label(key), type=kind, scope=scope)
            role, mapping = _role(scope, str(key), values, kind, taken)
            if role:
                taken.add(role)
                young = tuple(sorted({str(v).strip() for v in values if _present(v)
                                      and young_label(str(v))})) if role == "age_class" else ()
                spec = AttributeSpec(key=spec.key, label=spec.label, type=spec.type,
                                     scope=scope, role=role, values=mapping or {}, young=young)
            specs.append(spec)
    return StudyProfile(tuple(specs))


def _role(scope: str, key: str, values: list[object], kind: str,
          taken: set[str]) -> tuple[str | None, dict[str, str] | None]:
    folded = fold_words(key)
    for rule_scope, role, names in name_rules():
        if rule_scope not in ("any", scope) or role in taken or folded not in names:
            continue
        if role == "gender":
            mapping = gender_values(values)
            return role, mapping or {}
        if role == "age" and kind != "number":
            continue
        if role in ("residence", "origin", "residence_country", "organisation_type",
                    "cohort", "age_class") and kind == "text":
            continue
        return role, None
    if scope == "case" and "gender" not in taken and kind == "category":
        mapping = gender_values(values)
        if mapping and len(set(mapping.values())) >= 2:
            return "gender", mapping
    return None, None
