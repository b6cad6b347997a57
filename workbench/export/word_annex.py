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

from workbench.analysis.labels import KIND_FORMS, KIND_LABELS, column_label
from workbench.atomic import write_atomically
from workbench.coding.extracts import CodeSpec, WhereValue
from workbench.errors import ExportError
from workbench.export.annex import pseudonymised_codes
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
from workbench.export.people import answered_only, case_documents, people_met
from workbench.export.profile_columns import (
    AttributeLine,
    gender_counts,
    people_attributes,
    reference_attributes,
)
from workbench.profile import StudyProfile

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

PEOPLE_CHOICES = ("pseudonymised", "real")
STATUS_WORDS = {"accepted": "validés", "suggested": "suggérés (non relus)",
                "rejected": "rejetés"}
TITLE = "Annexe — Extraits d'entretiens codés"
NBHY = "\u2011"  # a hyphen that never breaks a line (E01‑T10)
PASSAGE = ("document", "start", "end")  # one passage, however many codings cover it
NOTES = {"memo": "Mémo", "review_comment": "Commentaire de revue"}  # shown under a passage


def export_word_annex(project: ProjectData, path: str | Path, *, codes: CodeSpec = None,
                      where: Mapping[str, WhereValue] | None = None,
                      status: str | Iterable[str] = "accepted", pseudonymise: bool = True,
                      people: str | None = "pseudonymised",
                      attributes: Sequence[str] | None = None, memos: bool = True,
                      title: str = TITLE, names_reviewed: bool = False) -> Path:
    """Write the .docx annex of the extracts selected by `codes`, `where` and `status`.

    Pseudonymised, it is written only when no real name and no unreviewed possible name
    is left in it (`Project.check_names`; `names_reviewed` once the list has been read).

    `pseudonymise`: people's and organisations' names replaced by their pseudonyms.
    `people`: add the « Personnes rencontrées » table with pseudonyms
    ("pseudonymised") or real names ("real", only with pseudonymise=False), or not
    (None). `attributes`: the case attributes shown on each reference line (default:
    the gender, generation and place of residence of the study profile, completed from
    the attributes it filters by).
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
    extracts = passages(project.extracts(codes, where=where, status=status))
    if extracts.empty:
        raise ExportError("Aucun extrait ne correspond à cette sélection : rien n'est écrit. "
                          "Vérifiez les codes, les filtres et le statut demandés.")
    profile = project.profile()
    if attributes is None:
        attributes = reference_attributes(profile, extracts)
    line = AttributeLine(profile, tuple(attributes))
    names = Names(project, enabled=pseudonymise)
    document = Document()
    setup_document(document)
    document.core_properties.title = xml_safe(title)
    document.core_properties.language = "fr-FR"
    statuses = [status] if isinstance(status, str) else list(status)
    _introduction(document, project, extracts, title=title, codes=codes, where=where,
                  statuses=statuses, pseudonymise=pseudonymise, profile=profile)
    all_codes = project.codes()
    if pseudonymise:
        all_codes = pseudonymised_codes(project, all_codes)
    _themes(document, all_codes, extracts, names, line=line, memos=memos)
    if people is not None:
        _people(document, project, Names(project, enabled=people == "pseudonymised"),
                profile)
    add_page_numbers(document, "Annexe")
    if pseudonymise:
        project.check_names(document_text(document), "L'annexe Word",
                            names_reviewed=names_reviewed)
    return write_atomically(path, lambda tmp: document.save(str(tmp)))


def _selection(codes: CodeSpec, where: Mapping[str, WhereValue] | None,
               profile: StudyProfile) -> str:
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
        label = profile.label(key) if profile.get(key) else column_label(key)
        parts.append(f"{label.lower()} = {shown}")
    return " ; ".join(parts)


def _introduction(document: DocxDocument, project: ProjectData, extracts: pd.DataFrame, *,
                  title: str, codes: CodeSpec, where: Mapping[str, WhereValue] | None,
                  statuses: list[str], pseudonymise: bool, profile: StudyProfile) -> None:
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
        notes.append(f"Sélection : {_selection(codes, where, profile)}.")
    notes.append("Les noms des personnes et des organisations sont remplacés par des "
                 "pseudonymes ; la table de correspondance reste dans le projet."
                 if pseudonymise else
                 "Attention : noms réels, document de travail à usage interne.")
    document.add_paragraph(xml_safe(typo(" ".join(notes))), style=NOTE_STYLE)


def passages(extracts: pd.DataFrame) -> pd.DataFrame:
    """The extracts as the annex lists them: one row per code and passage (same
    document, start and end), in the extracts' order.

    The codings of one passage under one code — two coders' codings, a code merged
    into another, a suggestion beside an accepted coding — are one extract of that
    code's section: one row, carrying their distinct memos and review comments (lists).
    """
    key = ["code", *PASSAGE]
    if not set(key) <= set(extracts.columns) or not extracts.duplicated(key).any():
        return extracts
    group = extracts.groupby(key, sort=False, dropna=False).ngroup()
    first = ~extracts.duplicated(key)
    out = extracts[first].copy()
    for column in [c for c in NOTES if c in extracts.columns]:
        notes = extracts[column].groupby(group).agg(
            lambda cells: list(dict.fromkeys(c for c in cells if not missing(c))))
        out[column] = group[first].map(notes).to_numpy()
    return out.reset_index(drop=True)


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
            *, line: AttributeLine, memos: bool) -> None:
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
            _extract(document, row, names, line=line, memos=memos)
        for child in children.get(key, []):
            if count(child) > 0:
                section(child, depth + 1)

    for root in shown_roots:
        section(root, 0)
    if len(orphans):
        document.add_heading("Codes retirés de la grille", level=1)
        for row in orphans.to_dict("records"):
            _extract(document, row, names, line=line, memos=memos)


def reference_line(row: Mapping[str, object], names: Names, line: AttributeLine) -> str:
    """'E01-T24 · Enquêtée F1 · femme, première génération, Île-de-France'."""
    speaker = row.get("case") if not missing(row.get("case")) else row.get("speaker")
    who = names.name(speaker) if not missing(speaker) else "sans locuteur"
    parts = [str(row.get("reference")), who]
    values = line.text(row)
    if values:
        parts.append(names.text(values))
    return " · ".join(parts)


def _extract(document: DocxDocument, row: Mapping[str, object], names: Names, *,
             line: AttributeLine, memos: bool) -> None:
    """One passage: reference line, text, then each of its memos and review comments."""
    document.add_paragraph(xml_safe(reference_line(row, names, line)),
                           style=REFERENCE_STYLE)
    document.add_paragraph(xml_safe(guillemets(names.text(row["text"]))), style=EXTRACT_STYLE)
    for column, label in NOTES.items() if memos else ():
        value = row.get(column)
        for note in value if isinstance(value, list) else [value]:
            if not missing(note):
                document.add_paragraph(xml_safe(typo(f"{label} : " + names.text(str(note)))),
                                       style=MEMO_STYLE)


def _natural(text: str) -> list[object]:
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", text)]


GENDER_COUNT_WORDS = {"women": ("femme", "femmes"), "men": ("homme", "hommes"),
                      "other": ("autre genre", "autres genres"),
                      "unknown": ("genre non renseigné", "genres non renseignés")}
PAGE_WIDTH_CM = 29.7 - 2 * 2.3  # landscape A4 between the margins


def met_in(links: pd.DataFrame) -> str:
    """'11 entretiens individuels et 2 focus groups': the distinct documents of `links`
    (rows of `case_documents` for the people listed), counted by kind."""
    documents = links.drop_duplicates("document_id")
    counts = documents["document_kind"].value_counts(sort=False)
    order = [k for k in KIND_FORMS if k in counts.index]
    order += [k for k in counts.index if k not in KIND_FORMS]
    parts = []
    for kind in order:
        n = int(counts[kind])
        one, many = KIND_FORMS.get(kind, (KIND_LABELS.get(kind, str(kind)),) * 2)
        parts.append(plural(n, one, many))
    return joined(parts)


def people_sentence(n: int, genders: Mapping[str, int], met: str) -> str:
    """'22 personnes (13 femmes, 9 hommes), rencontrées au cours de 11 entretiens
    individuels et 2 focus groups.'"""
    counts = [plural(genders[g], *GENDER_COUNT_WORDS[g]) for g in GENDER_COUNT_WORDS
              if genders.get(g)]
    if counts == [plural(genders.get("unknown", 0), *GENDER_COUNT_WORDS["unknown"])]:
        counts = []  # nobody's gender is known: say nothing of it
    text = plural(n, "personne") + (f" ({', '.join(counts)})" if counts else "")
    if met:
        text += f", rencontrée{'s' if n > 1 else ''} au cours de {met}"
    return text + "."


def _words(text: str) -> list[str]:
    """The pieces a table cell may not break inside (lines break at spaces and after
    hyphens)."""
    return [w for part in text.split() for w in re.findall(r"[^-]+-?", part)]


def _ems(word: str) -> float:
    """The width of `word` in ems, for a wide serif font (DejaVu Serif, which a reader
    without the default font gets): m and w are wide, i and l narrow."""
    narrow, wide = set("fijlrt.,;:'’!|()-/ "), set("mwMW")
    return sum(0.35 if c in narrow else 0.95 if c in wide else 0.75 if c.isupper()
               else 0.62 for c in word)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: float,
                  *, font_size: float) -> list[float] | None:
    """Widths (cm) summing to `total` where no word is cut (the longest word of each
    column, header included, fits), the room left going to the columns with long texts;
    None when the words do not fit at `font_size`."""
    em = font_size / 72 * 2.54  # cm
    padding = 0.45
    least, wanted = [], []
    for i, header in enumerate(headers):
        cells = [r[i] for r in rows]
        longest = max([_ems(w) * 1.1 for w in _words(header)]  # headers are bold
                      + [_ems(w) for c in cells for w in _words(c)] + [0.6])
        lengths = sorted(_ems(c) for c in cells) or [0.0]
        typical = lengths[int(0.9 * (len(lengths) - 1))]
        least.append(longest * em + padding)
        wanted.append(max(longest, min(typical, 25.0)) * em + padding)
    if sum(least) > total:
        return None
    if sum(wanted) <= total:
        scale = total / sum(wanted)
        return [w * scale for w in wanted]
    room = total - sum(least)
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    share = room / (sum(extra) or 1.0)
    return [m + e * share for m, e in zip(least, extra, strict=True)]


def _people(document: DocxDocument, project: ProjectData, names: Names,
            profile: StudyProfile) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("Personnes rencontrées", level=1)
    cases = project.cases()
    persons = cases[cases["case_kind"] == "person"]
    if persons.empty:
        document.add_paragraph("Aucune personne n'est enregistrée comme cas dans le projet.")
        return
    links = case_documents(project, profile)
    not_met = answered_only(links)
    persons = persons[~persons["case"].isin(not_met)]
    links = links[~links["case"].isin(not_met)]
    keys = people_attributes(profile, persons, pseudonymised=names.enabled)
    people = people_met(cases[~cases["case"].isin(not_met)], links, keys, profile=profile)
    gender = profile.key("gender")
    genders = gender_counts(profile, list(persons[gender]) if gender in persons.columns
                            else [None] * len(persons))
    met = met_in(links[links["case"].isin(set(persons["case"]))])
    document.add_paragraph(xml_safe(typo(people_sentence(len(people), genders, met))))
    if not_met:
        document.add_paragraph(typo(
            f"{plural(len(not_met), 'personne a', 'personnes ont')} seulement répondu au "
            "questionnaire : elles ne figurent pas dans ce tableau."))
    people = people.assign(_shown=[names.name(c) for c in people["case"]])
    order = sorted(range(len(people)), key=lambda i: (
        people["_documents"].iloc[i] or "~", _natural(people["_shown"].iloc[i])))
    people = people.iloc[order]
    place, date = profile.key("place"), profile.key("date")
    facts = [("_place", profile.label(place) if place else "Lieu de l'entretien"),
             ("_date", profile.label(date) if date else "Date de l'entretien")]
    facts = [(c, label) for c, label in facts if people[c].map(lambda v: not missing(v)).any()]
    headers = ["Pseudonyme" if names.enabled else "Nom", *(profile.label(k) for k in keys),
               *(label for _, label in facts), "Document"]
    rows = []
    for person in people.to_dict("records"):
        values = [display_value(person[k], key=k, profile=profile) for k in keys]
        values += [display_value(person[c]) for c, _ in facts]
        rows.append([person["_shown"], *(names.text(v) for v in values),
                     person["_documents"]])
    rows = [[v or "—" for v in row] for row in rows]
    for font in (9.0, 8.5, 8.0, 7.5, 7.0, 6.5):
        widths = column_widths(headers, rows, PAGE_WIDTH_CM, font_size=font)
        if widths is not None:
            break
    else:  # too many columns for the page: equal widths, words may be cut
        widths = [PAGE_WIDTH_CM / len(headers)] * len(headers)
    add_table(document, headers, rows, widths, font_size=font)
