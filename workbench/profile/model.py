"""The study profile: what each attribute of a study is, and which part it plays.

A study brings its own attribute sheet, named in its own words. The profile
says, for each attribute: the label people read (French by default), its type
(category, several values, number, date, free text), where it lives (on cases
or on documents) and its role when it has one: the gender attribute (with its
values mapped to women / men / other whatever their spelling), age and age
classes, generation, places of residence and origin, organisation type… Every
feature that needs "the gender attribute" asks the profile, never a column name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import ProfileError

TYPES = ("category", "multi", "number", "date", "text")
SCOPES = ("case", "document")
# Roles an attribute may play, with the French words people read.
ROLES: dict[str, str] = {
    "gender": "genre",
    "age": "âge",
    "age_class": "classe d'âge",
    "cohort": "génération",
    "residence": "lieu de résidence",
    "residence_country": "pays de résidence",
    "origin": "lieu d'origine",
    "organisation_type": "type d'organisation",
    "organisation": "organisation (nom)",
    "fields": "domaines d'action",
    "function": "fonction / rôle",
    "language": "langue de l'entretien",
    "interviewer": "enquêteur ou enquêtrice",
    "date": "date de l'entretien",
    "place": "lieu de l'entretien",
}
# Roles whose values name or point at a person: never a filter, never in a COPIL view.
IDENTIFYING_ROLES = ("interviewer", "organisation")
# Roles that sketch a person, in the order outputs prefer them: an extract's reference
# line, a fiche's speaker line, the notebooks' crossings. Each study maps them to its own
# columns (`StudyProfile.key`); where it declares none, outputs use its filters instead.
REFERENCE_ROLES = ("gender", "cohort", "residence")
SPEAKER_ROLES = ("gender", "cohort")  # then the age class when the second is missing
CROSSING_ROLES = ("gender", "cohort", "age_class")
FIRST_CROSSING_ROLES = ("cohort", "age_class", "gender")
ROLE_ALIASES = Path(__file__).with_name("role_aliases.txt")


@cache
def _aliases() -> dict[str, str]:
    pairs = (line.split() for line in ROLE_ALIASES.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#"))
    return {old: new for old, new in pairs}


def role_name(role: str) -> str:
    """The role `role` names: itself, or the role it was renamed to (`role_aliases.txt`),
    so profiles and notebooks written before a rename keep working."""
    return _aliases().get(role, role)


GENDERS: dict[str, str] = {"women": "Femmes", "men": "Hommes", "other": "Autre"}
SEPARATOR = ";"
DERIVED_AGE_CLASS = "classe_age"
DEFAULT_AGE_BINS: tuple[float, ...] = (0, 25, 35, 50, 65)
MAX_FILTER_VALUES = 30


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of the study.

    `values` maps a raw value to its canonical meaning where the role needs one
    (gender: value → women | men | other). `bins` (role age): the lower bounds of
    the age classes; `young` (role age or age_class): the classes counted as young.
    """

    key: str
    label: str
    type: str = "category"
    scope: str = "case"
    role: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    bins: tuple[float, ...] = ()
    young: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cle": self.key, "libelle": self.label, "type": self.type,
                               "portee": self.scope}
        if self.role:
            out["role"] = self.role
        if self.values:
            out["valeurs"] = dict(self.values)
        if self.bins:
            out["classes"] = [int(b) if float(b).is_integer() else b for b in self.bins]
        if self.young:
            out["jeunes"] = list(self.young)
        return out


def _number(value: object, where: str) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ProfileError(f"{where} : « {value} » n'est pas un nombre.") from None
    if math.isnan(out) or math.isinf(out):
        raise ProfileError(f"{where} : « {value} » n'est pas un nombre fini.")
    return out


def spec_from_dict(data: Mapping[str, Any], *, where: str = "profil") -> AttributeSpec:
    """An attribute from its YAML/Excel form (French keys; English ones accepted)."""
    def get(*names: str) -> Any:
        return next((data[n] for n in names if n in data and data[n] not in (None, "")), None)

    key = get("cle", "clé", "key", "attribut")
    if key is None:
        raise ProfileError(f"{where} : un attribut n'a pas de clé (colonne « cle »).")
    key = str(key).strip()
    spec = AttributeSpec(key=key, label=str(get("libelle", "libellé", "label") or key))
    kind = get("type")
    scope = get("portee", "portée", "scope")
    role = get("role", "rôle")
    values = get("valeurs", "values") or {}
    if isinstance(values, str):  # Excel: "F=women; H=men"
        values = dict(part.split("=", 1) for part in values.split(SEPARATOR) if "=" in part)
    if not isinstance(values, Mapping):
        raise ProfileError(f"{where}, attribut « {key} » : « valeurs » doit associer chaque "
                           "valeur à son sens (F: women).")
    bins = get("classes", "bins") or ()
    if isinstance(bins, str):
        bins = [b for b in bins.replace(",", SEPARATOR).split(SEPARATOR) if b.strip()]
    young = get("jeunes", "young") or ()
    if isinstance(young, str):
        young = [y for y in young.split(SEPARATOR) if y.strip()]
    return validated(replace(
        spec, type=str(kind or "category").strip(), scope=str(scope or "case").strip(),
        role=role_name(str(role).strip()) if role else None,
        values={str(k).strip(): str(v).strip() for k, v in values.items()},
        bins=tuple(_number(b, f"{where}, attribut « {key} », classes") for b in bins),
        young=tuple(str(y).strip() for y in young)), where=where)


def validated(spec: AttributeSpec, *, where: str = "profil") -> AttributeSpec:
    """`spec` if its type, scope, role and values make sense; else a French ProfileError."""
    name = f"{where}, attribut « {spec.key} »"
    if spec.type not in TYPES:
        raise ProfileError(f"{name} : type « {spec.type} » inconnu ; choisissez parmi "
                           f"{', '.join(TYPES)}.")
    if spec.scope not in SCOPES:
        raise ProfileError(f"{name} : portée « {spec.scope} » inconnue ; choisissez case "
                           "(attribut des cas) ou document.")
    if spec.role is not None and spec.role not in ROLES:
        raise ProfileError(f"{name} : rôle « {spec.role} » inconnu ; choisissez parmi "
                           f"{', '.join(ROLES)}.")
    if spec.role == "gender":
        bad = sorted({v for v in spec.values.values() if v not in GENDERS})
        if bad:
            raise ProfileError(f"{name} : les valeurs du genre doivent être associées à "
                               f"women, men ou other (pas à {', '.join(bad)}).")
    if spec.bins and list(spec.bins) != sorted(set(spec.bins)):
        raise ProfileError(f"{name} : les bornes des classes d'âge doivent être croissantes "
                           "et distinctes.")
    return spec


def age_class_labels(bins: Sequence[float]) -> list[str]:
    """French labels of the classes that start at each bound ("moins de 25 ans",
    "25-34 ans", …, "65 ans et plus")."""
    labels = []
    for i, low in enumerate(bins):
        high = bins[i + 1] if i + 1 < len(bins) else None
        lo, hi = int(low), None if high is None else int(high) - 1
        if high is None:
            labels.append(f"{lo} ans et plus")
        elif i == 0 and lo <= 0:
            labels.append(f"moins de {int(high)} ans")
        else:
            labels.append(f"{lo}-{hi} ans")
    return labels


def age_classes(values: Iterable[object], bins: Sequence[float]) -> list[str | None]:
    """The class label of each age (None for a missing or non-numeric age)."""
    labels = age_class_labels(bins)
    out: list[str | None] = []
    for value in values:
        try:
            age = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            out.append(None)
            continue
        if math.isnan(age) or age < bins[0]:
            out.append(None)
            continue
        index = max(i for i, low in enumerate(bins) if age >= low)
        out.append(labels[index])
    return out


@dataclass(frozen=True)
class StudyProfile:
    """Every attribute of the study, in sheet order (see module docstring)."""

    attributes: tuple[AttributeSpec, ...] = ()

    # -- reading -----------------------------------------------------------------------
    def get(self, key: str) -> AttributeSpec | None:
        return next((a for a in self.attributes if a.key == key), None)

    def keys(self, *, scope: str | None = None) -> list[str]:
        return [a.key for a in self.attributes if scope is None or a.scope == scope]

    def role(self, role: str) -> AttributeSpec | None:
        """The attribute that plays `role` (gender, age, residence, origin…), or None."""
        role = role_name(role)
        if role not in ROLES:
            raise ProfileError(f"rôle « {role} » inconnu ; choisissez parmi {', '.join(ROLES)}.")
        return next((a for a in self.attributes if a.role == role), None)

    def key(self, role: str) -> str | None:
        """The column of the attribute that plays `role`, or None."""
        spec = self.role(role)
        return spec.key if spec else None

    def label(self, key: str) -> str:
        """The label people read for an attribute (its key, tidied, when unknown)."""
        spec = self.get(key)
        if spec is not None:
            return spec.label
        if key == DERIVED_AGE_CLASS:
            return "Classe d'âge"
        return default_label(key)

    def missing_role(self, role: str) -> str:
        """A French sentence saying how to declare the attribute that plays `role`."""
        role = role_name(role)
        return (f"Aucun attribut n'a le rôle « {ROLES[role]} » dans le profil de l'étude. "
                f"Déclarez-le avec p.set_role(\"{role}\", \"<attribut>\") ou "
                f"`workbench profile role {role} <attribut>`.")

    # -- gender ------------------------------------------------------------------------
    def gender_of(self, value: object) -> str | None:
        """women | men | other for a raw value of the gender attribute, else None."""
        spec = self.role("gender")
        if spec is None or value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return spec.values.get(str(value).strip())

    def gender_label(self, value: object) -> str:
        """« Femmes », « Hommes », « Autre », or the value itself when it is not mapped."""
        meaning = self.gender_of(value)
        return GENDERS[meaning] if meaning else ("" if value is None else str(value))

    # -- age classes --------------------------------------------------------------------
    @property
    def age_class_key(self) -> str | None:
        """The column holding age classes: a declared age_class attribute, else the
        classes derived from a numeric age attribute (column « classe_age »)."""
        declared = self.key("age_class")
        if declared:
            return declared
        age = self.role("age")
        return DERIVED_AGE_CLASS if age is not None and age.type == "number" else None

    @property
    def age_bins(self) -> tuple[float, ...]:
        age = self.role("age")
        return (age.bins if age and age.bins else DEFAULT_AGE_BINS)

    @property
    def young_classes(self) -> tuple[str, ...]:
        """The age classes counted as young (youth analyses): declared, else those whose
        upper bound is at most 35 years."""
        for role in ("age_class", "age"):
            spec = self.role(role)
            if spec is not None and spec.young:
                return spec.young
        if self.key("age_class"):
            return ()
        bins = self.age_bins
        labels = age_class_labels(bins)
        return tuple(lab for lab, high in zip(labels, [*bins[1:], math.inf], strict=True)
                     if high <= 35)

    def with_derived(self, cases: pd.DataFrame) -> pd.DataFrame:
        """`cases` (or any table with the case attributes) with the derived age classes
        added when the profile derives them."""
        age = self.role("age")
        if (self.age_class_key != DERIVED_AGE_CLASS or age is None or age.key not in cases
                or DERIVED_AGE_CLASS in cases.columns):
            return cases
        out = cases.copy()
        out[DERIVED_AGE_CLASS] = age_classes(out[age.key], self.age_bins)
        return out

    # -- what apps and analyses cut by --------------------------------------------------
    def filters(self, frame: pd.DataFrame | None = None, *,
                max_values: int = MAX_FILTER_VALUES) -> list[str]:
        """The case attributes worth filtering and crossing by, in profile order: every
        category or several-valued attribute with 2 to `max_values` values in `frame`
        (when given), the age classes for a numeric age; never one that names people."""
        keys: list[str] = []
        for spec in self.attributes:
            if spec.scope != "case" or spec.role in IDENTIFYING_ROLES:
                continue
            key = spec.key
            if spec.type == "number" and spec.role == "age":
                key = self.age_class_key or ""
            elif spec.type not in ("category", "multi"):
                continue
            if not key or key in keys:
                continue
            if frame is not None:
                if key not in frame.columns:
                    continue
                values = _values(frame[key], multi=spec.type == "multi")
                if not 2 <= len(values) <= max_values:
                    continue
            keys.append(key)
        return keys

    # -- changing ------------------------------------------------------------------------
    def with_attribute(self, spec: AttributeSpec) -> StudyProfile:
        """A copy with `spec` added or replacing the attribute of the same key; a role
        moves: no other attribute keeps it."""
        spec = validated(spec)
        others = [a if spec.role is None or a.role != spec.role else replace(a, role=None)
                  for a in self.attributes if a.key != spec.key]
        position = next((i for i, a in enumerate(self.attributes) if a.key == spec.key),
                        len(others))
        others.insert(position, spec)
        return StudyProfile(tuple(others))

    def changed(self, key: str, **changes: Any) -> StudyProfile:
        """A copy where attribute `key` has `changes` (label, type, role, values, bins,
        young, scope); a French ProfileError names the known attributes when `key` is
        not one of them."""
        spec = self.get(key)
        if spec is None:
            raise ProfileError(f"l'attribut « {key} » n'est pas dans le profil de l'étude "
                               f"(attributs : {', '.join(self.keys()) or 'aucun'}).")
        unknown = set(changes) - {"label", "type", "role", "values", "bins", "young", "scope"}
        if unknown:
            raise ProfileError(f"champ(s) inconnu(s) du profil : {', '.join(sorted(unknown))}.")
        if "bins" in changes:
            changes["bins"] = tuple(_number(b, f"attribut « {key} », classes")
                                    for b in changes["bins"] or ())
        if "young" in changes:
            changes["young"] = tuple(changes["young"] or ())
        if "values" in changes:
            changes["values"] = dict(changes["values"] or {})
        return self.with_attribute(replace(spec, **changes))

    def with_role(self, role: str, key: str | None) -> StudyProfile:
        """A copy where `key` plays `role` (None: no attribute plays it)."""
        role = role_name(role)
        if role not in ROLES:
            raise ProfileError(f"rôle « {role} » inconnu ; choisissez parmi {', '.join(ROLES)}.")
        if key is None:
            return StudyProfile(tuple(replace(a, role=None) if a.role == role else a
                                      for a in self.attributes))
        spec = self.get(key)
        if spec is None:
            return self.changed(key)  # raises the French error naming the attributes
        return self.changed(key, role=role)

    def to_dict(self) -> dict[str, Any]:
        return {"attributs": [a.to_dict() for a in self.attributes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "profil") -> StudyProfile:
        items = data.get("attributs", data.get("attributes")) if isinstance(data, Mapping) \
            else None
        if not isinstance(items, list):
            raise ProfileError(f"{where} : la liste « attributs » manque ; écrivez un profil "
                               "comme celui que produit `workbench profile export`.")
        specs = [spec_from_dict(item, where=f"{where}, attribut n° {i}")
                 for i, item in enumerate(items, start=1) if isinstance(item, Mapping)]
        seen: dict[str, int] = {}
        for spec in specs:
            if spec.key in seen:
                raise ProfileError(f"{where} : l'attribut « {spec.key} » est décrit deux fois.")
            seen[spec.key] = 1
        roles = [s.role for s in specs if s.role]
        twice = sorted({r for r in roles if roles.count(r) > 1})
        if twice:
            raise ProfileError(f"{where} : un rôle ne peut être tenu que par un attribut "
                               f"(plusieurs pour : {', '.join(twice)}).")
        return cls(tuple(specs))

    def frame(self) -> pd.DataFrame:
        """One row per attribute: key, label, type, scope, role (French name), values."""
        rows = [{"attribut": a.key, "libelle": a.label, "type": a.type, "portee": a.scope,
                 "role": ROLES.get(a.role, "") if a.role else "",
                 "valeurs": "; ".join(f"{k}={v}" for k, v in a.values.items()),
                 "classes": "; ".join(str(int(b)) for b in a.bins),
                 "jeunes": "; ".join(a.young)} for a in self.attributes]
        return pd.DataFrame(rows, columns=["attribut", "libelle", "type", "portee", "role",
                                           "valeurs", "classes", "jeunes"])


def young_label(label: str) -> bool:
    """A class label whose every number is at most 35 ("18-24", "moins de 25 ans")."""
    numbers = [int(n) for n in re.findall(r"\d+", label)]
    return bool(numbers) and max(numbers) <= 35 and "plus" not in label


def _values(column: pd.Series, *, multi: bool) -> set[str]:
    cells = [str(v).strip() for v in column.dropna() if str(v).strip()]
    if multi:
        return {p.strip() for c in cells for p in c.split(SEPARATOR) if p.strip()}
    return set(cells)


def default_label(key: str) -> str:
    """A readable label from a column name: « region_residence » → « Region residence »."""
    text = " ".join(str(key).replace("_", " ").split())
    return text[:1].upper() + text[1:] if text else str(key)
