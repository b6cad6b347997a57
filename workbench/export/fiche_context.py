"""What a fiche says: identification fields read from a case's attributes, and extracts.

Attribute names are data: each field names the roles of the study profile it comes
from (organisation type, places of residence and origin, fields of action…), and
every other attribute the case has follows in profile order under its label, so a
study's own columns appear too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from docxtpl import Listing

from workbench.errors import ExportError
from workbench.export.docx_common import (
    MISSING,
    display_value,
    guillemets,
    missing,
    typo,
    xml_safe,
)
from workbench.export.names import Names
from workbench.export.profile_columns import AttributeLine
from workbench.profile import StudyProfile
from workbench.text import fold


@dataclass(frozen=True)
class Field:
    """One line of a fiche's identification table: `key` is its template variable,
    `roles` the roles of the study profile it comes from (the values of all the
    attributes playing them are joined), `label` its French label (None: the label of
    the first attribute found). A field none of whose roles the study declares is left
    out of the table (its variable says « non renseigné »)."""

    key: str
    roles: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class Section:
    """A rubric of the fiche de capitalisation: the initiative's extracts that co-occur
    with a code of `codes` (a code or any code under it)."""

    title: str
    codes: tuple[str, ...]


ORGANISATION_FIELDS = (
    Field("type", ("organisation_type",)),
    Field("implantation", ("residence", "residence_country"), "Implantation"),
    Field("origine", ("origin",)),
    Field("domaines", ("fields",)),
)
INITIATIVE_FIELDS = (
    Field("domaines", ("fields",)),
)
CAPITALISATION_SECTIONS = (
    Section("Contexte et objectifs", ("besoins",)),
    Section("Réalisations et résultats", ("actions",)),
    Section("Partenariats et financement", ("collectivites", "acteurs", "investissement")),
    Section("Difficultés rencontrées", ("obstacles",)),
    Section("Bonnes pratiques et leçons apprises", ("bonnes_pratiques",)),
    Section("Place des femmes et des jeunes", ("femmes", "jeunes")),
    Section("Recommandations", ("recommandations",)),
)
OTHER_SECTION = "Autres extraits"
CODE_ATTRIBUTES = ("code", "code_initiative", "code_projet")
_NOT_FIELDS = {"caseid", "case", "casekind"}


def attribute_key(name: object) -> str:
    """'Année de création' → 'anneedecreation': how columns are compared."""
    return re.sub(r"[^a-z0-9]", "", fold(str(name)))


def attribute(case: Mapping[str, Any], names: Iterable[str]) -> Any:
    """The first of `names` the case has a value for (compared as attribute keys)."""
    by_key = {attribute_key(c): c for c in case}
    for name in names:
        column = by_key.get(attribute_key(name))
        if column is not None and not missing(case[column]):
            return case[column]
    return None


def identification(case: Mapping[str, Any], spec: Sequence[Field], names: Names,
                   profile: StudyProfile, *, skip: Iterable[str] = ()
                   ) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The identification table (list of {libelle, valeur}): the fields of `spec` found
    through the roles of `profile`, then every other case attribute the case has a value
    for, in profile order, under its label; and each field's value by template variable."""
    used = {attribute_key(s) for s in skip} | _NOT_FIELDS
    rows, values = [], {}
    for field in spec:
        found = [k for r in field.roles if (k := profile.key(r))]
        used.update(map(attribute_key, found))
        shown = [display_value(case.get(k), key=k, profile=profile) for k in found]
        value = names.text(", ".join(dict.fromkeys(v for v in shown if v))) or MISSING
        values[field.key] = value
        if found:
            rows.append({"libelle": field.label or profile.label(found[0]), "valeur": value})
    for key in [*profile.keys(scope="case"), *(c for c in case if profile.get(c) is None)]:
        value = case.get(key)
        if attribute_key(key) in used or missing(value):
            continue
        used.add(attribute_key(key))
        rows.append({"libelle": profile.label(key),
                     "valeur": names.text(display_value(value, key=key, profile=profile))})
    return rows, values


def attribute_values(case: Mapping[str, Any], keys: Iterable[str], names: Names,
                     profile: StudyProfile) -> dict[str, str]:
    """Each attribute of `keys` → the case's value as shown (« non renseigné » when it has
    none): the template variables named after the study's attributes."""
    out = {}
    for key in keys:
        value = case.get(key)
        out[key] = MISSING if missing(value) else names.text(
            display_value(value, key=key, profile=profile))
    return out


def extract_item(row: Mapping[str, Any], names: Names, *, line: AttributeLine,
                 themes: str = "") -> dict[str, Any]:
    """One extract for a template: reference, locuteur, profil (the speaker's attributes
    of `line`), themes, texte, memo."""
    speaker = row.get("case") if not missing(row.get("case")) else row.get("speaker")
    memo = row.get("memo")
    return {"reference": str(row.get("reference") or ""),
            "locuteur": names.name(speaker) if not missing(speaker) else "sans locuteur",
            "profil": names.text(line.text(row)),
            "themes": themes,
            "texte": Listing(xml_safe(guillemets(names.text(row.get("text") or "")))),
            "memo": "" if missing(memo) else typo(names.text(memo))}


def cooccurring(target: pd.DataFrame, others: pd.DataFrame, scope: str) -> list[set[str]]:
    """For each row of `target`, the codes of `others` that rank it: "overlap" those of
    the codings overlapping its span; "turn" the same, or when none overlaps, those of
    its turn; "document" those of its whole document."""
    out = []
    by_doc = {d: g for d, g in others.groupby("document")}
    for row in target.itertuples(index=False):
        mine = by_doc.get(row.document)
        if mine is None:
            out.append(set())
            continue
        if scope == "document":
            out.append(set(mine["code"]))
            continue
        hit = mine[(mine["start"] < row.end) & (mine["end"] > row.start)]
        if hit.empty and scope == "turn" and not missing(row.turn):
            hit = mine[mine["turn"] == row.turn]
        out.append(set(hit["code"]))
    return out


def under(code: str, prefixes: Iterable[str]) -> bool:
    """Whether `code` is one of `prefixes` or lies under one of them."""
    return any(code == p or code.startswith(p + ".") for p in prefixes)


def sectioned(extracts: pd.DataFrame, codes_with: list[set[str]], sections: Sequence[Section],
              labels: Mapping[str, str], names: Names, line: AttributeLine
              ) -> list[dict[str, Any]]:
    """The rubrics in order, each with its extracts; an extract goes in every rubric one
    of its co-occurring codes belongs to, else in « Autres extraits » (only if any)."""
    rows = extracts.to_dict("records")
    out, placed = [], set()
    for section in sections:
        items = []
        for i, (row, found) in enumerate(zip(rows, codes_with, strict=True)):
            hits = sorted(c for c in found if under(c, section.codes))
            if hits:
                placed.add(i)
                themes = ", ".join(dict.fromkeys(labels.get(c, c) for c in hits))
                items.append(extract_item(row, names, line=line, themes=themes))
        out.append({"titre": section.title, "extraits": items})
    rest = [extract_item(r, names, line=line) for i, r in enumerate(rows) if i not in placed]
    if rest:
        out.append({"titre": OTHER_SECTION, "extraits": rest})
    return out


def key_extracts(extracts: pd.DataFrame, codes: pd.DataFrame, *, limit: int) -> pd.DataFrame:
    """One extract per theme (top-level code) in codebook order, those with a memo first,
    at most `limit`."""
    if extracts.empty:
        return extracts
    parent = dict(zip(codes["key"], codes["parent"], strict=True))
    order = {k: i for i, k in enumerate(codes["key"])}

    def root(key: str) -> str:
        seen = set()
        while not missing(parent.get(key)) and key not in seen:
            seen.add(key)
            key = parent[key]
        return key

    frame = extracts.assign(_root=extracts["code"].map(root))
    frame = frame.assign(_order=frame["_root"].map(lambda k: order.get(k, len(order))),
                         _memo=frame["memo"].map(missing))
    frame = frame.sort_values(["_order", "_memo", "document", "start"], kind="stable")
    return frame.drop_duplicates("_root").head(limit).drop(columns=["_root", "_order", "_memo"])


def clean(value: Any) -> Any:
    """Every string of a context made XML-safe (control characters dropped)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, Mapping):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def context_strings(value: Any) -> list[str]:
    """Every text of a context (for the last check on names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Listing):
        return [html.unescape(value.xml)]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in context_strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in context_strings(v)]
    return []


def initiative_codes(cases: pd.DataFrame, codes: pd.DataFrame) -> set[str]:
    """The codes initiatives name, with the branch above them that holds nothing else."""
    named = {code_of(r, codes) for r in cases[cases["case_kind"] == "initiative"]
             .to_dict("records")} - {None}
    parent = dict(zip(codes["key"], codes["parent"], strict=True))
    children: dict[str, set[str]] = {}
    for key, up in parent.items():
        if isinstance(up, str):
            children.setdefault(up, set()).add(key)
    out = {k for k in codes["key"] if any(k == n or k.startswith(n + ".") for n in named)}
    for key in named:
        up = parent.get(key)
        if isinstance(up, str) and children.get(up, set()) <= out:
            out.add(up)
    return out


def code_of(case: Mapping[str, Any], codes: pd.DataFrame) -> str | None:
    """The code an initiative case names (its key, or a code name), None without one."""
    value = attribute(case, CODE_ATTRIBUTES)
    if value is None:
        return None
    text = str(value).strip()
    if text in set(codes["key"]):
        return text
    by_name = {attribute_key(n): k for k, n in zip(codes["key"], codes["name"], strict=True)}
    if attribute_key(text) in by_name:
        return by_name[attribute_key(text)]
    raise ExportError(f"L'initiative « {case['case']} » nomme le code « {text} » (colonne "
                      "code de la feuille d'attributs), absent de la grille : corrigez la "
                      "colonne ou ajoutez ce code à la grille.")
