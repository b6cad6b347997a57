"""The Word annex of a report: coded extracts by theme and sub-theme, and the people met.

Headings follow the codebook (Heading 1 a theme, Heading 2 a sub-theme, deeper
codes Heading 3); each extract is a reference line (style « Référence d'extrait »),
its text (style « Extrait ») and its memo (style « Mémo d'extrait »): the report
writer restyles them once in Word. Names are pseudonymised by default and the
whole document is checked for a real name left before it is saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION

from workbench.analysis.labels import column_label
from workbench.atomic import write_atomically
from workbench.coding.extracts import CodeSpec, WhereValue
from workbench.errors import ExportError
from workbench.export.docx_common import (
    DEFINITION_STYLE,
    EXTRACT_STYLE,
    MEMO_STYLE,
    NOTE_STYLE,
    REFERENCE_STYLE,
    add_page_numbers,
    add_table,
    display_value,
    document_text,
    french_date,
    guillemets,
    joined,
    missing,
    plural,
    setup_document,
    typo,
    xml_safe,
)
from workbench.export.names import Names
from workbench.export.people import people_met

if TYPE_CHECKING:
    from workbench.project import Project

REFERENCE_ATTRIBUTES = ("genre", "generation", "region_residence")
PEOPLE_CHOICES = ("pseudonymised", "real")
STATUS_WORDS = {"accepted": "validés", "suggested": "suggérés (non relus)",
                "rejected": "rejetés"}
TITLE = "Annexe — Extraits d'entretiens codés"
NBHY = "\u2011"  # a hyphen that never breaks a line (E01‑T10)


def export_word_annex(project: Project, path: str | Path, *, codes: CodeSpec = None,
                      where: Mapping[str, WhereValue] | None = None,
                      status: str | Iterable[str] = "accepted", pseudonymise: bool = True,
                      people: str | None = "pseudonymised",
                      attributes: Sequence[str] = REFERENCE_ATTRIBUTES, memos: bool = True,
                      title: str = TITLE) -> Path:
    """Write the .docx annex of the extracts selected by `codes`, `where` and `status`.

    `pseudonymise`: people's and organisations' names replaced by their pseudonyms.
    `people`: add the « Personnes rencontrées » table with pseudonyms
    ("pseudonymised") or real names ("real", only with pseudonymise=False), or not
    (None). `attributes`: the case attributes shown on each reference line.
    """
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise ExportError(f"{path.name} : l'annexe Word s'écrit dans un fichier .docx.")
    if people is not None and people not in PEOPLE_CHOICES:
        raise ExportError(f"people={people!r} : choisissez 'pseudonymised', 'real' ou None.")
    if people == "real" and pseudonymise:
        raise ExportError("people='real' afficherait les noms réels dans une annexe "
                          "pseudonymisée : passez pseudonymise=False (usage interne) ou "
                          "people='pseudonymised'.")
    extracts = project.extracts(codes, where=where, status=status)
    if extracts.empty:
        raise ExportError("Aucun extrait ne correspond à cette sélection : rien n'est écrit. "
                          "Vérifiez les codes, les filtres et le statut demandés.")
    names = Names(project, enabled=pseudonymise)
    document = Document()
    setup_document(document)
    document.core_properties.title = xml_safe(title)
    document.core_properties.language = "fr-FR"
    statuses = [status] if isinstance(status, str) else list(status)
    _introduction(document, project, extracts, title=title, codes=codes, where=where,
                  statuses=statuses, pseudonymise=pseudonymise)
    _themes(document, project.codes(), extracts, names, attributes=attributes, memos=memos)
    if people is not None:
        _people(document, project, Names(project, enabled=people == "pseudonymised"))
    add_page_numbers(document, "Annexe")
    if names.leaks(document_text(document)):
        raise ExportError("Un nom réel de la table des pseudonymes subsiste dans l'annexe : "
                          "rien n'est écrit. Complétez la table (project.set_pseudonym) et "
                          "relancez l'export.")
    return write_atomically(path, lambda tmp: document.save(str(tmp)))


def _selection(codes: CodeSpec, where: Mapping[str, WhereValue] | None) -> str:
    parts = []
    if codes is not None:
        parts.append("codes " + (codes if isinstance(codes, str) else ", ".join(map(str, codes))))
    for key, value in (where or {}).items():
        if callable(value):
            shown = "condition"
        elif isinstance(value, list | tuple | set | frozenset):
            shown = " ou ".join(map(str, value))
        else:
            shown = str(value)
        parts.append(f"{column_label(key).lower()} = {shown}")
    return " ; ".join(parts)


def _introduction(document: DocxDocument, project: Project, extracts: pd.DataFrame, *,
                  title: str, codes: CodeSpec, where: Mapping[str, WhereValue] | None,
                  statuses: list[str], pseudonymise: bool) -> None:
    document.add_heading(xml_safe(title), level=0)
    book = project.codebook().name or "du projet"
    words = joined([STATUS_WORDS.get(s, s) for s in statuses], " ou ")
    n_docs = extracts["document"].nunique()
    intro = (f"Cette annexe rassemble {plural(len(extracts), 'extrait')} {words} issus de "
             f"{plural(n_docs, 'document')}, codés avec la grille « {book} » et classés par "
             "thème puis par sous-thème, dans l'ordre de la grille. Chaque extrait est précédé "
             "de sa référence (document et tour de parole, par exemple "
             f"{extracts['reference'].iloc[0].replace('-', NBHY)}), de la personne qui parle "
             "et de ses principaux "
             "attributs ; le mémo du codeur ou de la codeuse le suit quand il y en a un.")
    document.add_paragraph(xml_safe(typo(intro)))
    notes = [f"Export du {french_date()}."]
    if codes is not None or where:
        notes.append(f"Sélection : {_selection(codes, where)}.")
    notes.append("Les noms des personnes et des organisations sont remplacés par des "
                 "pseudonymes ; la table de correspondance reste dans le projet."
                 if pseudonymise else
                 "Attention : noms réels, document de travail à usage interne.")
    document.add_paragraph(xml_safe(typo(" ".join(notes))), style=NOTE_STYLE)


def _tree(codes: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    children: dict[str, list[str]] = {}
    roots = []
    for key, parent in zip(codes["key"], codes["parent"], strict=True):
        if missing(parent):
            roots.append(key)
        else:
            children.setdefault(parent, []).append(key)
    return children, roots


def _themes(document: DocxDocument, codes: pd.DataFrame, extracts: pd.DataFrame, names: Names,
            *, attributes: Sequence[str], memos: bool) -> None:
    children, roots = _tree(codes)
    by_code = {k: g for k, g in extracts.groupby("code", sort=False)}
    info = codes.set_index("key")
    counts: dict[str, int] = {}

    def count(key: str) -> int:
        if key not in counts:
            own = len(by_code.get(key, ()))
            counts[key] = own + sum(count(k) for k in children.get(key, []))
        return counts[key]

    shown_roots = [r for r in roots if count(r) > 0]
    rows = [(xml_safe(info.at[r, "name"]), str(count(r))) for r in shown_roots]
    orphans = extracts[~extracts["code"].isin(info.index)]
    if len(orphans):
        rows.append(("Codes retirés de la grille", str(len(orphans))))
    document.add_paragraph("Répartition des extraits par thème :", style=NOTE_STYLE)
    add_table(document, ["Thème", "Extraits"], rows, [12.5, 3.0])

    def section(key: str, depth: int) -> None:
        document.add_heading(xml_safe(typo(names.text(info.at[key, "name"]))),
                             level=min(depth + 1, 9))
        definition = info.at[key, "description"]
        n = count(key)
        note = "" if missing(definition) else names.text(str(definition).strip()) + " — "
        document.add_paragraph(xml_safe(typo(note + plural(n, "extrait"))),
                               style=DEFINITION_STYLE)
        for row in by_code.get(key, pd.DataFrame()).to_dict("records"):
            _extract(document, row, names, attributes=attributes, memos=memos)
        for child in children.get(key, []):
            if count(child) > 0:
                section(child, depth + 1)

    for root in shown_roots:
        section(root, 0)
    if len(orphans):
        document.add_heading("Codes retirés de la grille", level=1)
        for row in orphans.to_dict("records"):
            _extract(document, row, names, attributes=attributes, memos=memos)


def reference_line(row: Mapping[str, object], names: Names, attributes: Sequence[str]) -> str:
    """'E01-T24 · Enquêtée F1 · femme, première génération, Île-de-France'."""
    speaker = row.get("case") if not missing(row.get("case")) else row.get("speaker")
    who = names.name(speaker) if not missing(speaker) else "sans locuteur"
    values = [display_value(row.get(a), key=a) for a in attributes]
    parts = [str(row.get("reference")), who]
    if any(values):
        parts.append(", ".join(v for v in values if v))
    return " · ".join(parts)


def _extract(document: DocxDocument, row: Mapping[str, object], names: Names, *,
             attributes: Sequence[str], memos: bool) -> None:
    document.add_paragraph(xml_safe(reference_line(row, names, attributes)),
                           style=REFERENCE_STYLE)
    document.add_paragraph(xml_safe(guillemets(names.text(row["text"]))), style=EXTRACT_STYLE)
    notes = (("Mémo", row.get("memo")), ("Commentaire de revue", row.get("review_comment")))
    for label, note in notes if memos else ():
        if not missing(note):
            document.add_paragraph(xml_safe(typo(f"{label} : " + names.text(str(note)))),
                                   style=MEMO_STYLE)


def _natural(text: str) -> list[object]:
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", text)]


def _met_in(links: pd.DataFrame) -> str:
    """'11 entretiens individuels et 2 focus groups' from the people's documents."""
    kinds = links.drop_duplicates("documents")["document_kinds"]
    counts = {k: sum(1 for v in kinds if v == k) for k in dict.fromkeys(kinds) if k}
    words = {"entretien": ("entretien individuel", "entretiens individuels"),
             "focus group": ("focus group", "focus groups")}
    parts = [f"{n} {words.get(k, (k, k))[n > 1]}" for k, n in counts.items()]
    return joined(parts)


def _people(document: DocxDocument, project: Project, names: Names) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("Personnes rencontrées", level=1)
    people = people_met(project)
    if people.empty:
        document.add_paragraph("Aucune personne n'est enregistrée comme cas dans le projet.")
        return
    genders = [display_value(g, key="genre") for g in people["genre"]]
    counts = [plural(genders.count(g), g) for g in ("femme", "homme") if g in genders]
    met = _met_in(people)
    document.add_paragraph(xml_safe(
        f"{plural(len(people), 'personne')} ({', '.join(counts)})"
        + (f", rencontrées au cours de {met}." if met else ".")))
    people = people.assign(shown=[names.name(c) for c in people["case"]])
    people = people.iloc[sorted(range(len(people)), key=lambda i: (
        people["documents"].iloc[i] or "~", _natural(people["shown"].iloc[i])))]
    label = "Pseudonyme" if names.enabled else "Nom"
    headers = [label, "Genre", "Génération", "Rôle", "Organisation", "Lieu de l'entretien",
               "Date", "Document"]
    rows = [[r.shown, display_value(r.genre, key="genre"), display_value(r.generation),
             names.text(display_value(r.role)), names.text(display_value(r.organisation)),
             names.text(display_value(r.lieu)), r.date, r.documents]
            for r in people.itertuples(index=False)]
    rows = [[v or "—" for v in row] for row in rows]
    add_table(document, headers, rows, [2.8, 1.7, 2.5, 5.4, 4.3, 3.4, 2.0, 2.3], font_size=8.5)
