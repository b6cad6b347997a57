"""Fiches filled through an editable Word template (docxtpl).

- Fiche signalétique: one .docx per organisation case (identification from its
  attributes, people met, key extracts of its documents) and one .xlsx with a row
  per organisation.
- Fiche de capitalisation (retour d'expérience): one .docx per initiative case (kind
  « initiative », attribute ``code`` naming the initiative's code); its rubrics hold
  the extracts coded with that code, ranked by the thematic codes they co-occur with
  in the same turn (see :data:`~workbench.export.fiche_context.CAPITALISATION_SECTIONS`).

People's names are pseudonymised by default; organisation and initiative names are
not (they are the subject of the fiche, and not personal data). Nothing is written
unless every fiche of the batch renders.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from docx import Document

from workbench.analysis.labels import KIND_LABELS
from workbench.errors import ExportError
from workbench.export.docx_common import (
    document_text,
    french_date,
    plural,
    short_date,
    typo,
)
from workbench.export.fiche_context import (
    CAPITALISATION_SECTIONS,
    CODE_ATTRIBUTES,
    INITIATIVE_FIELDS,
    ORGANISATION_FIELDS,
    OTHER_SECTION,
    Section,
    attribute,
    attribute_key,
    attribute_values,
    clean,
    code_of,
    context_strings,
    cooccurring,
    extract_item,
    identification,
    initiative_codes,
    key_extracts,
    sectioned,
)
from workbench.export.fiche_render import FicheTemplate, render_all
from workbench.export.fiche_templates import VARIABLES, fiche_template
from workbench.export.names import PEOPLE, Names
from workbench.export.people import case_documents
from workbench.export.profile_columns import AttributeLine, present, speaker_attributes
from workbench.export.tables import write_table
from workbench.profile import StudyProfile
from workbench.text import fold

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

__all__ = ["FichesReport", "export_fiches_capitalisation", "export_fiches_signaletiques",
           "fiche_template"]

INITIATIVE = "initiative"
PRIVACY_NOTE = "Les noms des personnes sont remplacés par des pseudonymes."
# Names a template variable named after an attribute may not take (jinja's own).
_JINJA_NAMES = {"true", "false", "none", "loop", "range", "dict", "lipsum", "cycler", "joiner",
                "namespace", "self", "super", "varargs", "kwargs", "caller"}


@dataclass
class FichesReport:
    """What was written: the fiches, the summary table (or None) and notes."""

    folder: Path
    documents: list[Path]
    table: Path | None = None
    notes: list[str] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")[:60] or "sans_nom"


def _file_names(prefix: str, names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        base, n = f"{prefix}_{_slug(name)}", 1
        while f"{base}.docx" in out:
            n += 1
            base = f"{prefix}_{_slug(name)}_{n}"
        out.append(f"{base}.docx")
    return out


def _cases(project: ProjectData, kind: str, wanted: Iterable[str] | None,
           what: str) -> pd.DataFrame:
    cases = project.cases()
    chosen = cases[cases["case_kind"] == kind]
    if wanted is not None:
        wanted = list(wanted)
        unknown = [w for w in wanted if w not in set(chosen["case"])]
        if unknown:
            raise ExportError(f"{', '.join(unknown)} : pas {what} du projet. "
                              f"Connu(e)s : {', '.join(chosen['case']) or 'aucun(e)'}.")
        chosen = chosen[chosen["case"].isin(wanted)]
    if chosen.empty:
        raise ExportError(f"Aucun cas de type {kind} dans le projet : ajoutez-en dans la "
                          "feuille d'attributs (colonne type) puis réimportez-la.")
    return chosen.reset_index(drop=True)


def _sources(links: pd.DataFrame) -> str:
    parts = []
    for row in links.drop_duplicates("label").itertuples(index=False):
        facts = [KIND_LABELS.get(row.document_kind, row.document_kind)]
        if short_date(row.date):
            facts.append(f"du {short_date(row.date)}")
        text = f"{row.label} ({' '.join(facts)}"
        place = "" if row.place is None or pd.isna(row.place) else str(row.place).strip()
        parts.append(text + (f", {place})" if place else ")"))
    return typo("Documents : " + ", ".join(parts) + ".") if parts else "Aucun document relié."


def _checker(project: ProjectData, names: Names, names_reviewed: bool) -> Any:
    def check(path: Path, label: str) -> None:
        if names.enabled:
            project.check_names(document_text(Document(str(path))), f"La fiche « {label} »",
                                names_reviewed=names_reviewed, kinds=PEOPLE,
                                protect=names.protect)
    return check


def _common(project: ProjectData, name: str, pseudonymise: bool) -> dict[str, Any]:
    return {"nom": name, "etude": project.codebook().name or "Étude",
            "date": french_date(), "note_pseudonymes": PRIVACY_NOTE if pseudonymise else
            "Noms réels : document de travail à usage interne."}


def _members(cases: pd.DataFrame, org: str, links: pd.DataFrame, names: Names,
             profile: StudyProfile) -> list[str]:
    """The people of an organisation (the attribute playing the role organisation names
    it), else those of its documents; each with their function when the study has one."""
    people = cases[cases["case_kind"] == "person"]
    belongs = profile.key("organisation")
    members = people.iloc[0:0]
    if belongs and belongs in people.columns:
        members = people[[attribute_key(r.get(belongs) or "") == attribute_key(org)
                          for r in people.to_dict("records")]]
    if members.empty:
        members = people[people["case"].isin(set(links["case"]))]
    function = profile.key("function")
    out = []
    for row in members.to_dict("records"):
        role = attribute(row, [function]) if function else None
        out.append(typo(names.name(row["case"]) + (f" — {names.text(role)}" if role else "")))
    return out


def _not_people(cases: pd.DataFrame) -> list[str]:
    """The names of the organisations and initiatives: kept as they are in a fiche (a
    person's name is never protected, or the pseudonymiser would leave it)."""
    return list(cases.loc[cases["case_kind"] != "person", "case"])


def attribute_variables(kind: str, cases: pd.DataFrame, profile: StudyProfile) -> list[str]:
    """The study's attributes a template of `kind` may name as variables: the case
    attributes some of `cases` has a value for, whose key is a plain identifier and not
    already one of the fiche's variables."""
    reserved = set(VARIABLES[kind]) | _JINJA_NAMES
    return [k for k in profile.keys(scope="case") if k.isidentifier() and not keyword.iskeyword(k)
            and k not in reserved and present(cases, k)]


def export_fiches_signaletiques(project: ProjectData, folder: str | Path, *,
                                organisations: Iterable[str] | None = None,
                                template: str | Path | None = None,
                                codes: Any = None, status: str | Iterable[str] = "accepted",
                                max_extracts: int = 6, pseudonymise: bool = True,
                                table: bool = True, names_reviewed: bool = False
                                ) -> FichesReport:
    """One fiche signalétique (.docx) per organisation in `folder`, and
    fiches_signaletiques.xlsx (one row per organisation) when `table`.

    `template`: a user's .docx (see :func:`fiche_template`); `codes` restricts the key
    extracts; `max_extracts`: at most this many, one per theme.
    """
    folder = Path(folder)
    orgs = _cases(project, "organisation", organisations, "une organisation")
    profile = project.profile()
    variables = attribute_variables("signaletique", orgs, profile)
    fiche = FicheTemplate("signaletique", template, variables=variables)
    line = AttributeLine(profile, tuple(speaker_attributes(profile)))
    cases = project.cases()
    names = Names(project, enabled=pseudonymise, kinds=PEOPLE, protect=_not_people(cases))
    links = case_documents(project, profile)
    extracts = project.extracts(codes, status=status)
    extracts = extracts[extracts["speaker_role"].ne("interviewer")]
    all_codes = project.codes()
    excluded = initiative_codes(project.cases(), all_codes)
    extracts = extracts[~extracts["code"].isin(excluded)]
    labels = dict(zip(all_codes["key"], all_codes["path"], strict=True))
    items, rows = [], []
    file_names = _file_names("fiche_signaletique", list(orgs["case"]))
    for org, file_name in zip(orgs.to_dict("records"), file_names, strict=True):
        mine = links[links["case"] == org["case"]]
        own = extracts[extracts["document"].isin(set(mine["document"]))]
        champs, values = identification(org, ORGANISATION_FIELDS, names, profile)
        own_values = attribute_values(org, variables, names, profile)
        chosen = key_extracts(own, all_codes, limit=max_extracts)
        context = {**_common(project, org["case"], pseudonymise), **own_values, **values,
                   "champs": champs, "valeurs": own_values,
                   "attributs": {c["libelle"]: c["valeur"] for c in champs},
                   "personnes": _members(cases, org["case"], mine, names, profile),
                   "extraits": [extract_item(r, names, line=line,
                                             themes=labels.get(r["code"], r["code"]))
                                for r in chosen.to_dict("records")],
                   "n_extraits": len(own), "sources": _sources(mine)}
        items.append((file_name, org["case"], clean(context)))
        rows.append({"Organisation": org["case"], **{c["libelle"]: c["valeur"] for c in champs},
                     "Personnes rencontrées": len(context["personnes"]),
                     "Extraits codés": len(own), "Fiche": file_name})
    _refuse_leaks(project, items, rows, names, names_reviewed)
    extra = {"fiches_signaletiques.xlsx": lambda p: write_table(pd.DataFrame(rows), p)}
    written = render_all(fiche, items, folder, check=_checker(project, names, names_reviewed),
                         extra=extra if table else None)
    return FichesReport(folder, written[:len(items)], written[-1] if table else None)


def _refuse_leaks(project: ProjectData, items: list[tuple[str, str, dict[str, Any]]],
                  rows: list[dict[str, Any]], names: Names, names_reviewed: bool) -> None:
    """Refuse fiches whose content (or the table's rows) holds a real person's name or an
    unreviewed possible name; organisation names are public in a fiche."""
    if not names.enabled:
        return
    for _, label, context in items:
        project.check_names(list(context_strings(context)), f"La fiche « {label} »",
                            names_reviewed=names_reviewed, kinds=PEOPLE, protect=names.protect)
    project.check_names(pd.DataFrame(rows).astype(str), "Le tableau des fiches",
                        names_reviewed=names_reviewed, kinds=PEOPLE, protect=names.protect)


def export_fiches_capitalisation(project: ProjectData, folder: str | Path, *,
                                 initiatives: Iterable[str] | None = None,
                                 template: str | Path | None = None,
                                 sections: Sequence[Section] = CAPITALISATION_SECTIONS,
                                 scope: str = "turn", status: str | Iterable[str] = "accepted",
                                 pseudonymise: bool = True, table: bool = True,
                                 names_reviewed: bool = False) -> FichesReport:
    """One fiche de capitalisation (.docx) per initiative in `folder`, and
    fiches_capitalisation.xlsx (one row per initiative) when `table`.

    `sections`: the rubrics and the codes that fill them. `scope`: which thematic
    codings rank an extract of the initiative: "turn" (default) those overlapping it,
    or when none does those of its speaker turn; "overlap" only those overlapping it;
    "document" those of its whole document. An extract goes in every rubric it
    matches, and in « Autres extraits » when it matches none.
    """
    if scope not in ("turn", "overlap", "document"):
        raise ExportError(f"scope={scope!r} : choisissez 'turn', 'overlap' ou 'document'.")
    folder = Path(folder)
    chosen = _cases(project, INITIATIVE, initiatives, "une initiative")
    profile = project.profile()
    variables = [v for v in attribute_variables("capitalisation", chosen, profile)
                 if attribute_key(v) not in {attribute_key(c) for c in CODE_ATTRIBUTES}]
    fiche = FicheTemplate("capitalisation", template, variables=variables)
    line = AttributeLine(profile, tuple(speaker_attributes(profile)))
    names = Names(project, enabled=pseudonymise, kinds=PEOPLE,
                  protect=_not_people(project.cases()))
    all_codes = project.codes()
    labels = dict(zip(all_codes["key"], all_codes["name"], strict=True))
    excluded = initiative_codes(project.cases(), all_codes)
    everything = project.extracts(status=status)
    thematic = everything[~everything["code"].isin(excluded)]
    links = case_documents(project, profile)
    items, rows, notes = [], [], []
    file_names = _file_names("fiche_capitalisation", list(chosen["case"]))
    for case, file_name in zip(chosen.to_dict("records"), file_names, strict=True):
        code = code_of(case, all_codes)
        own = (everything[everything["code"].map(lambda k, c=code: k == c or
                                                 k.startswith(f"{c}."))]
               if code else everything.iloc[0:0])
        if code is None:
            notes.append(f"{case['case']} : pas de colonne code, fiche sans extraits.")
        rubrics = sectioned(own, cooccurring(own, thematic, scope), sections, labels, names,
                            line)
        champs, values = identification(case, INITIATIVE_FIELDS, names, profile,
                                        skip=CODE_ATTRIBUTES)
        own_values = attribute_values(case, variables, names, profile)
        documents = links[links["case"] == case["case"]]
        documents = pd.concat([documents, links[links["document"].isin(set(own["document"]))]])
        context = {**_common(project, case["case"], pseudonymise), **own_values, **values,
                   "champs": champs, "valeurs": own_values,
                   "attributs": {c["libelle"]: c["valeur"] for c in champs},
                   "code": code or "aucun code", "sections": rubrics,
                   "resume": typo(f"{plural(len(own), 'extrait')} codé"
                                  f"{'s' if len(own) > 1 else ''} « {code} » dans "
                                  f"{plural(own['document'].nunique(), 'document')}"
                                  if code else "aucun extrait (pas de code d'initiative)"),
                   "n_extraits": len(own),
                   "n_documents": own["document"].nunique(),
                   "sources": _sources(documents.sort_values("label"))}
        items.append((file_name, case["case"], clean(context)))
        counts = {r["titre"]: len(r["extraits"]) for r in rubrics}
        rows.append({"Initiative": case["case"], **{c["libelle"]: c["valeur"] for c in champs},
                     "Code": code or "", "Extraits codés": len(own),
                     **{t: counts.get(t, 0) for t in [*(s.title for s in sections), OTHER_SECTION]},
                     "Fiche": file_name})
        if code and own.empty:
            notes.append(f"{case['case']} : aucun extrait codé « {code} » avec ce statut.")
    _refuse_leaks(project, items, rows, names, names_reviewed)
    extra = {"fiches_capitalisation.xlsx": lambda p: write_table(pd.DataFrame(rows), p)}
    written = render_all(fiche, items, folder, check=_checker(project, names, names_reviewed),
                         extra=extra if table else None)
    return FichesReport(folder, written[:len(items)], written[-1] if table else None, notes)
