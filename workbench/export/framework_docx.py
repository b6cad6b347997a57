"""The framework matrix as a Word annex: one landscape table, one row per case (or
document), one column per theme, each cell the summary written for it followed by the
references of its accepted extracts (« E01‑T4, E01‑T9 ») and, on request, the extracts.

`framework_view` gathers what the Word and the Excel exports show (names already
replaced, summaries chosen by status); `export_framework_docx` lays it out. Names are
pseudonymised by default and the whole document is checked for a real name (or an
unreviewed possible name) before it is saved, as every export is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.analysis.framework import framework_cells, rolled_extracts
from workbench.atomic import write_atomically
from workbench.coding.extracts import WhereValue, natural_key
from workbench.coding.summaries import STATUSES, framework_inputs
from workbench.errors import ExportError
from workbench.export.annex import describe_selection
from workbench.export.docx_common import (
    ACCENT,
    GREY,
    NOTE_STYLE,
    add_page_numbers,
    document_text,
    french_date,
    guillemets,
    joined,
    missing,
    plural,
    setup_document,
    shade,
    typo,
    xml_safe,
)
from workbench.export.names import Names
from workbench.export.profile_columns import attribute_labels

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

    from workbench.project_data import ProjectData

TITLES = {"cases": "Annexe — Matrice de synthèse par cas et par thème",
          "documents": "Annexe — Matrice de synthèse par document et par thème"}
ROW_HEADERS = {"cases": "Cas", "documents": "Document"}
NBHY = "\u2011"  # a hyphen that never breaks a line (E01‑T10)
MAX_COLUMNS = 6  # themes per table; more are split into several tables
PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 29.7, 21.0, 1.8
ROW_COLUMN_CM = 3.4
KEEP_LINES = 25  # a row up to this many lines is kept on one page
CodesArg = str | int | Sequence[str | int] | None


@dataclass
class FrameworkCell:
    """One cell as an export shows it."""

    summary: str | None  # the summary's text, names replaced (None: none shown)
    status: str | None  # the shown summary's status
    references: list[str]  # the extracts' references, in text order
    extracts: list[tuple[str, str]] = field(default_factory=list)  # (reference, text)


@dataclass
class FrameworkView:
    """What the Word and Excel exports of a framework matrix show, names replaced.

    `cells`: the long table (see `analysis.framework.framework_cells`) with `row`,
    `code_name` and `summary` as shown (summaries of another status than the one asked
    are blank); `grid[i][j]`: row i, column j.
    """

    rows: str
    row_labels: list[str]
    columns: list[str]
    code_names: list[str]
    grid: list[list[FrameworkCell]]
    cells: pd.DataFrame
    counts: dict[str, int]  # summaries shown, by status
    status: str | None
    selection: str | None
    pseudonymise: bool

    @property
    def row_header(self) -> str:
        return ROW_HEADERS[self.rows]


def check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ExportError(f"status={status!r} : choisissez None (toutes les synthèses), "
                          "« validated » (validées par la ou le responsable) ou « draft » "
                          "(brouillons).")


def framework_view(project: ProjectData, codes: CodesArg = None, *, rows: str = "cases",
                   where: Mapping[str, WhereValue] | None = None, status: str | None = None,
                   extracts: bool = False, pseudonymise: bool = True) -> FrameworkView:
    """Read and prepare the matrix an export shows (see `FrameworkView`); ExportError when
    no row has an extract or a summary in the chosen codes."""
    check_status(status)
    with project.store.read() as conn:
        inputs = framework_inputs(conn, codes=codes, rows=rows, where=where)
    by = inputs.by
    cells = framework_cells(inputs.extracts, inputs.table, inputs.codes, inputs.columns,
                            inputs.summaries, by=by)
    if cells.empty:
        raise ExportError("Aucun cas ni document n'a d'extrait validé ou de synthèse pour ces "
                          "codes et ces filtres : rien n'est écrit. Vérifiez les codes et les "
                          "filtres demandés.")
    names = Names(project, enabled=pseudonymise)
    if status is not None:  # the other statuses' summaries are not shown
        hidden = cells["status"] != status
        for column in ("summary", "status", "author", "updated_at", "validated_by",
                       "validated_at"):
            cells[column] = cells[column].astype(object).where(~hidden, None)
        cells["summary_id"] = cells["summary_id"].where(~hidden)
    shown_rows = _row_labels(cells, rows, names, pseudonymise)
    cells = cells.assign(
        row=cells["row"].map(shown_rows),
        code_name=[names.text(n) for n in cells["code_name"]],
        summary=[None if missing(t) else names.text(t) for t in cells["summary"]])
    passages: dict[tuple[str, str], list[tuple[str, str]]] = {}
    if extracts:
        material = rolled_extracts(inputs.extracts, inputs.codes, inputs.columns)
        material = material.drop_duplicates([by, "column", "document", "start", "end"])
        for (row, column), group in material.groupby([by, "column"], sort=False):
            passages[(shown_rows.get(str(row), str(row)), str(column))] = [
                (str(r), names.text(t)) for r, t in zip(group["reference"], group["text"],
                                                       strict=True)]
    labels = list(dict.fromkeys(cells["row"]))
    if rows == "cases":  # in the order of the names shown: real names' order would hint at them
        labels.sort(key=natural_key)
        rank = {label: i for i, label in enumerate(labels)}
        cells = cells.iloc[sorted(range(len(cells)), key=lambda i: rank[cells["row"].iloc[i]])]
    by_cell = {(r, c): rec for r, c, rec in zip(cells["row"], cells["code"],
                                                 cells.to_dict("records"), strict=True)}
    grid = []
    for label in labels:
        line = []
        for column in inputs.columns:
            rec = by_cell[(label, column)]
            refs = [] if missing(rec["references"]) else str(rec["references"]).split(", ")
            line.append(FrameworkCell(summary=None if missing(rec["summary"])
                                      else str(rec["summary"]),
                                      status=None if missing(rec["status"])
                                      else str(rec["status"]),
                                      references=refs,
                                      extracts=passages.get((label, column), [])))
        grid.append(line)
    counts = {s: int((cells["status"] == s).sum()) for s in STATUSES}
    profile = project.profile()
    selection = describe_selection(
        None if codes is None else [str(c) for c in ([codes] if isinstance(codes, str | int)
                                                     else codes)],
        where, attribute_labels(profile, list(where or {})))
    code_names = [names.text(n) for n in inputs.codes.set_index("key").loc[
        inputs.columns, "name"]]
    return FrameworkView(rows=rows, row_labels=labels, columns=list(inputs.columns),
                         code_names=code_names, grid=grid, cells=cells.reset_index(drop=True),
                         counts=counts, status=status, selection=selection,
                         pseudonymise=pseudonymise)


def _row_labels(cells: pd.DataFrame, rows: str, names: Names,
                pseudonymise: bool) -> dict[str, str]:
    """Each row's name → its shown label: a case's pseudonym, a document's reference
    (its file name often holds a first name) when pseudonymised."""
    firsts = cells.drop_duplicates("row")
    if rows == "cases":
        return dict(zip(firsts["row"], names.names(firsts["row"]), strict=True))
    return {str(row): (str(ref) if pseudonymise and not missing(ref) else str(row))
            for row, ref in zip(firsts["row"], firsts["reference"], strict=True)}


def status_note(view: FrameworkView) -> str:
    """« 12 synthèses : 8 validées par la ou le responsable, 4 brouillons. »"""
    n = sum(view.counts.values())
    if n == 0:
        which = {None: "n'est encore rédigée", "validated": "n'est encore validée",
                 "draft": "n'est en brouillon"}[view.status]
        return (f"Aucune synthèse {which} pour ces cellules : elles ne donnent que les "
                "références des extraits.")
    parts = []
    if view.counts["validated"]:
        parts.append(plural(view.counts["validated"], "validée", "validées")
                     + " par la ou le responsable")
    if view.counts["draft"]:
        marked = "marqué" if view.counts["draft"] == 1 else "marqués"
        parts.append(plural(view.counts["draft"], "brouillon") + f" ({marked} « brouillon »)")
    shown = {None: "", "validated": " (synthèses validées seulement)",
             "draft": " (brouillons seulement)"}[view.status]
    return f"{plural(n, 'synthèse')}{shown} : {joined(parts)}."


def introduction(view: FrameworkView) -> str:
    what, many = ("cas", "cas") if view.rows == "cases" else ("document", "documents")
    themes = plural(len(view.columns), "thème")
    example = next((c.references[0] for line in view.grid for c in line if c.references),
                   "E01-T4")
    return (f"Cette matrice croise {plural(len(view.row_labels), what, many)} et "
            f"{themes} (sous-thèmes compris). Chaque cellule donne la synthèse rédigée par "
            "l'équipe pour ce " + what + " et ce thème, puis les références des extraits "
            "validés sur lesquels elle s'appuie (document et tour de parole, par exemple "
            f"{example.replace('-', NBHY)}).")


def export_framework_docx(project: ProjectData, path: str | Path, codes: CodesArg = None, *,
                          rows: str = "cases", where: Mapping[str, WhereValue] | None = None,
                          status: str | None = None, extracts: bool = False,
                          pseudonymise: bool = True, names_reviewed: bool = False,
                          title: str | None = None, max_columns: int = MAX_COLUMNS) -> Path:
    """Write the framework matrix as a landscape Word annex (.docx).

    `codes`: the columns (default the codebook's themes); `rows`: "cases" or
    "documents"; `where`: attribute filters (see ``p.framework.cells``); `status`: the
    summaries shown (None: all, drafts marked; "validated"; "draft"); `extracts`: the
    extracts' texts under the references. More than `max_columns` themes are split into
    several tables, each repeating the row names. Pseudonymised (the default), the file
    is written only when no real name and no unreviewed possible name is left in it.
    """
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise ExportError(f"{path.name} : l'annexe Word s'écrit dans un fichier .docx.")
    if max_columns < 1:
        raise ExportError(f"max_columns={max_columns} : au moins une colonne par tableau.")
    view = framework_view(project, codes, rows=rows, where=where, status=status,
                          extracts=extracts, pseudonymise=pseudonymise)
    from docx import Document

    document = Document()
    setup_document(document)
    _landscape(document)
    title = title or TITLES[rows]
    document.core_properties.title = xml_safe(title)
    document.core_properties.language = "fr-FR"
    document.add_heading(xml_safe(title), level=0)
    document.add_paragraph(xml_safe(typo(introduction(view))))
    notes = [f"Export du {french_date()}.", status_note(view)]
    if view.selection:
        notes.append(view.selection + ".")
    notes.append("Les noms des personnes et des organisations sont remplacés par des "
                 "pseudonymes ; la table de correspondance reste dans le projet."
                 if pseudonymise else
                 "Attention : noms réels, document de travail à usage interne.")
    document.add_paragraph(xml_safe(typo(" ".join(notes))), style=NOTE_STYLE)
    groups = _column_groups(len(view.columns), max_columns)
    for number, group in enumerate(groups, start=1):
        if len(groups) > 1:
            first, last = group[0] + 1, group[-1] + 1
            document.add_heading(f"Thèmes {first} à {last} (sur {len(view.columns)})"
                                 if first != last else
                                 f"Thème {first} (sur {len(view.columns)})", level=2)
        _table(document, view, group, mark_drafts=status is None)
        if number < len(groups):
            document.add_paragraph()
    add_page_numbers(document, "Matrice de synthèse")
    if pseudonymise:
        project.check_names(document_text(document), "La matrice de synthèse (Word)",
                            names_reviewed=names_reviewed)
    return write_atomically(path, lambda tmp: document.save(str(tmp)))


def _landscape(document: DocxDocument) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(1.6)


def _column_groups(n: int, most: int) -> list[list[int]]:
    """Column indexes split into as few tables as `most` allows, of even sizes."""
    tables = max(1, math.ceil(n / most))
    size, extra = divmod(n, tables)
    groups, start = [], 0
    for i in range(tables):
        width = size + (1 if i < extra else 0)
        groups.append(list(range(start, start + width)))
        start += width
    return groups


def _font_size(columns: int) -> float:
    return 9.0 if columns <= 3 else 8.5 if columns <= 5 else 8.0


def _table(document: DocxDocument, view: FrameworkView, group: list[int], *,
           mark_drafts: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    size = _font_size(len(group))
    usable = PAGE_WIDTH_CM - 2 * MARGIN_CM
    widths = [ROW_COLUMN_CM] + [(usable - ROW_COLUMN_CM) / len(group)] * len(group)
    table = document.add_table(rows=1, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")  # repeated at the top of every page
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    no_split = OxmlElement("w:cantSplit")
    header._tr.get_or_add_trPr().append(no_split)
    titles = [view.row_header, *(view.code_names[j] for j in group)]
    for cell, text in zip(header.cells, titles, strict=True):
        run = cell.paragraphs[0].add_run(xml_safe(typo(text)))
        run.bold, run.font.size = True, Pt(size)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cell, ACCENT)
    for label, line in zip(view.row_labels, view.grid, strict=True):
        cells = table.add_row().cells
        run = cells[0].paragraphs[0].add_run(xml_safe(label))
        run.bold, run.font.size = True, Pt(size)
        shade(cells[0], "EEF3F3")
        for cell, j in zip(cells[1:], group, strict=True):
            _fill(cell, line[j], size, mark_drafts=mark_drafts)
        lines = max(_lines(line[j], widths[1], size) for j in group)
        if lines <= KEEP_LINES:  # a short row stays on one page; a long one may break
            row_props = table.rows[-1]._tr.get_or_add_trPr()
            row_props.append(OxmlElement("w:cantSplit"))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _lines(item: FrameworkCell, width_cm: float, size: float) -> int:
    """About how many lines a cell takes at `size` points in a column `width_cm` wide."""
    per_line = max(8, int(width_cm * 11.5 / size * 4.2))
    texts = [*(item.summary or "—").split("\n"), ", ".join(item.references),
             *(t for pair in item.extracts for t in pair)]
    return sum(max(1, math.ceil(len(t) / per_line)) for t in texts if t)


def _fill(cell: _Cell, item: FrameworkCell, size: float, *, mark_drafts: bool) -> None:
    """A cell: the summary's paragraphs, « brouillon » for a draft, then the references
    (and the extracts)."""
    from docx.shared import Pt, RGBColor

    grey = RGBColor.from_string(GREY)
    used = [False]

    def paragraph(text: str, *, points: float, italic: bool = False, bold: bool = False,
                  colour: Any = None, before: float = 0) -> None:
        par = cell.paragraphs[0] if not used[0] else cell.add_paragraph()
        used[0] = True
        fmt = par.paragraph_format
        fmt.space_after, fmt.space_before = Pt(2), Pt(before)
        run = par.add_run(xml_safe(text))
        run.font.size, run.italic, run.bold = Pt(points), italic, bold
        if colour is not None:
            run.font.color.rgb = colour

    if item.summary:
        for line in item.summary.split("\n"):
            if line.strip():
                paragraph(typo(line.strip()), points=size)
        if mark_drafts and item.status == "draft":
            paragraph("brouillon", points=size - 1, italic=True, colour=grey)
    elif not item.references:
        paragraph("—", points=size, colour=grey)
    if item.references and not item.extracts:  # else each extract says its reference
        shown = ", ".join(r.replace("-", NBHY) for r in item.references)
        paragraph(typo(f"Extraits : {shown}"), points=size - 1, colour=grey,
                  before=3 if item.summary else 0)
    for k, (reference, text) in enumerate(item.extracts):
        paragraph(reference.replace("-", NBHY), points=size - 1.5, bold=True,
                  colour=grey, before=3 if k == 0 and item.summary else 1)
        paragraph(guillemets(text), points=size - 1.5, italic=True)
