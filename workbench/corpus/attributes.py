"""Attributes sheets: one row per case (a respondent or an organisation) and its attributes.

A sheet is an .xlsx workbook (the sheet named ``cas``/``cases``, else the
first one; an optional sheet ``documents`` describes documents) or a .csv
file (encoding detected, ``,``/``;``/tab delimiter detected from the header).

Recognised columns (case-insensitive, accents ignored):

- case id: ``cas`` / ``case`` / ``id`` — or, with ``case_columns=["PRÉNOM",
  "NOM"]``, the non-empty cells of those columns joined by a space (these
  columns are then not attributes);
- kind: ``type`` / ``kind``: personne | person | organisation | organization |
  initiative | projet (default person), normalised to "person" | "organisation" |
  "initiative" (a project that gets a fiche de capitalisation: never a speaker,
  never a respondent, never pseudonymised);
- documents: ``document`` / ``documents`` (also doc, fichier, file): one or
  several document names separated by ``;``, matched with the project's
  documents by file name or stem, case-insensitively;
- speaker: ``locuteur`` / ``locutrice`` / ``speaker``: the speaker label of
  the case in those documents.

Every other column is an attribute, typed by :func:`~workbench.corpus.values.typed_value`.

Links. With `known` (document name → its speaker labels) each row is linked
to ``(document, speaker)`` pairs: the named documents with the named speaker,
or — without a speaker cell — the speaker whose label matches the case name
(else the whole document, speaker None). A row without documents is linked
to every document where a speaker label matches the case name (compared
case-folded, without accents, hyphens/underscores/multiple spaces as one
space); if none matches, that is a warning, not an error.

Validation is done as a whole and raises ONE AttributesError listing every
problem with its row (Excel row, CSV line): unknown document, speaker not in
the named document, duplicate case, empty case id, column without header,
duplicate column, unknown kind. Messages point at rows and columns and do not
repeat people's names (a transcript's names are personal data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.corpus.roles import fold_name, speaker_role_word
from workbench.corpus.sheets import Table, read_csv, read_xlsx
from workbench.corpus.values import TypedValue, typed_value
from workbench.errors import AttributesError

_CASE = {"cas", "case", "id", "caseid", "idcas", "casid"}
_KIND = {"type", "kind"}
_DOCS = {"document", "documents", "doc", "docs", "fichier", "fichiers", "file", "files"}
_SPEAKER = {"locuteur", "locutrice", "speaker", "locuteurs", "speakers"}
_SPEAKER_ROLE = {"rolelocuteur", "roledulocuteur", "rolelocutrice", "speakerrole",
                 "statutlocuteur", "roleentretien", "roledanslentretien", "rolelocuteurrice"}
_CASE_KINDS = {
    "personne": "person", "person": "person", "individu": "person",
    "organisation": "organisation", "organization": "organisation", "org": "organisation",
    "initiative": "initiative", "projet": "initiative", "project": "initiative",
}
_DOC_KINDS = {
    # compared folded: "focus_group" and "compte-rendu" arrive as "focus group", "compte rendu"
    "entretien": "interview", "interview": "interview", "focus group": "focus_group",
    "focusgroup": "focus_group", "groupe focal": "focus_group", "notes": "notes",
    "notes de terrain": "notes", "field notes": "notes", "compte rendu": "report",
    "rapport": "report", "report": "report", "questionnaire": "survey", "enquete": "survey",
    "survey": "survey",
}


def normalise_kind(text: str) -> str | None:
    """'entretien', 'Focus group', 'compte-rendu'… → interview | focus_group | notes | report."""
    return _DOC_KINDS.get(fold_name(text))


_TRANSCRIPT_SUFFIXES = {".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".trs", ".textgrid"}


@dataclass
class CaseRow:
    """One case of the sheet.

    `attributes` maps a column header to ``(typed value, type name)``;
    `texts` keeps each attribute's text as written, for display; `links` are
    ``(document name, speaker label or None)``; `row` is the Excel row / CSV line.
    """

    name: str
    kind: str
    links: list[tuple[str, str | None]]
    attributes: dict[str, TypedValue]
    row: int
    texts: dict[str, str] = field(default_factory=dict)
    speaker_role: str | None = None  # interviewer | respondent, from a speaker-role column


@dataclass
class DocRow:
    """One row of the ``documents`` sheet: a document's kind and its own metadata."""

    name: str
    kind: str | None  # interview | focus_group | notes | report, None when not given
    attributes: dict[str, TypedValue]
    row: int
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class AttributesSheet:
    """Everything read from an attributes sheet."""

    cases: list[CaseRow] = field(default_factory=list)
    documents: list[DocRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # attribute headers, in sheet order


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_name(header))


def _column_letter(index: int, table: Table) -> str:
    if table.csv:
        return f"colonne {index + 1}"
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"colonne {letters}"


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[str, int, str]] = []

    def add(self, table: Table, row: int, message: str) -> None:
        self.items.append((table.title, row, f"{table.where(row)} : {message}"))

    def raise_if_any(self, source: str) -> None:
        if self.items:
            lines = [m for _, _, m in sorted(self.items, key=lambda x: (x[0], x[1]))]
            raise AttributesError(
                f"{source} : {len(lines)} problème(s) dans la feuille d'attributs, rien n'a "
                "été importé ; corrigez-les et importez-la à nouveau :\n  - "
                + "\n  - ".join(lines)
            )


class _Columns:
    """Which column plays which part; the rest are attributes."""

    def __init__(self, table: Table, problems: _Problems, roles: dict[str, set[str]]) -> None:
        self.special: dict[str, int] = {}
        self.attributes: list[tuple[int, str]] = []
        self.headers: dict[str, int] = {}
        seen: dict[str, int] = {}
        for j, cell in enumerate(table.header):
            header = " ".join(str(cell).split()) if cell is not None else ""
            if not header:
                if any(j < len(cells) and typed_value(cells[j]) for _, cells in table.rows):
                    problems.add(table, table.header_row, f"{_column_letter(j, table)} : "
                                 "des valeurs mais pas d'en-tête ; donnez-lui un nom ou "
                                 "supprimez-la.")
                continue
            key = _header_key(header)
            if key in seen:
                problems.add(table, table.header_row, f"la colonne « {header} » apparaît deux "
                             f"fois ({_column_letter(seen[key], table)} et "
                             f"{_column_letter(j, table)}) ; renommez-en une ou fusionnez-les.")
                continue
            seen[key] = j
            self.headers[header] = j
            part = next((p for p, keys in roles.items() if key in keys), None)
            if part is not None and part not in self.special:
                self.special[part] = j
            else:
                self.attributes.append((j, header))

    def cell(self, cells: list[object], part: str) -> object:
        j = self.special.get(part)
        return cells[j] if j is not None and j < len(cells) else None


def _text(cell: object) -> str:
    value = typed_value(cell)
    return value[2] if value else ""


def _attributes(
    cells: list[object], columns: list[tuple[int, str]]
) -> tuple[dict[str, TypedValue], dict[str, str]]:
    attributes: dict[str, TypedValue] = {}
    texts: dict[str, str] = {}
    for j, header in columns:
        value = typed_value(cells[j] if j < len(cells) else None)
        if value is not None:
            attributes[header] = (value[0], value[1])
            texts[header] = value[2]
    return attributes, texts


class _Documents:
    """The project's documents and their speakers, for matching sheet cells."""

    def __init__(self, known: dict[str, list[str]] | None) -> None:
        self.known = known
        self.index: dict[str, list[str]] = {}
        for name in known or {}:
            for key in self._keys(name):
                self.index.setdefault(key, []).append(name)

    @staticmethod
    def _keys(name: str) -> set[str]:
        keys = {name.strip().casefold()}
        path = Path(name.strip())
        if path.suffix.lower() in _TRANSCRIPT_SUFFIXES:
            keys.add(path.stem.casefold())
        return keys

    def find(self, value: str) -> list[str]:
        """Project documents matching a cell value (exact name first)."""
        if self.known is not None and value in self.known:
            return [value]
        found: list[str] = []
        for key in self._keys(value):
            found.extend(n for n in self.index.get(key, []) if n not in found)
        return found

    def speaker(self, document: str, label: str) -> str | None:
        """The document's speaker label equal to `label` (exactly, else folded)."""
        speakers = (self.known or {}).get(document, [])
        if label in speakers:
            return label
        folded = fold_name(label)
        return next((s for s in speakers if fold_name(s) == folded), None)

    def speaking(self, name: str) -> list[tuple[str, str]]:
        """Every (document, speaker) whose speaker label matches a case name."""
        folded = fold_name(name)
        return [(doc, s) for doc, speakers in (self.known or {}).items()
                for s in speakers if s and fold_name(s) == folded]


def _split_documents(cell: object) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n]", _text(cell) if cell is not None else "")
            if p.strip()]


def _links(table: Table, row: int, name: str, cells: list[object], cols: _Columns,
           docs: _Documents, problems: _Problems, warnings: list[str],
           source: str) -> list[tuple[str, str | None]]:
    named = _split_documents(cols.cell(cells, "documents"))
    speaker = _text(cols.cell(cells, "speaker")) or None
    if docs.known is None:
        return [(d, speaker) for d in named]
    if not named:
        links: list[tuple[str, str | None]] = list(docs.speaking(speaker or name))
        if not links:
            what = "le locuteur" if speaker else "le nom du cas"
            warnings.append(f"{source}, {table.where(row)} : aucun document indiqué et {what} "
                            "ne correspond à aucune étiquette de locuteur d'un document ; le "
                            "cas est importé sans lien vers des documents.")
        return links
    links = []
    for value in named:
        found = docs.find(value)
        if not found:
            names = sorted(docs.known)
            shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
            problems.add(table, row, f"document « {value} » absent du projet (ses documents : "
                         f"{shown or 'aucun'}) ; corrigez le nom ou importez le document.")
            continue
        if len(found) > 1:
            problems.add(table, row, f"document « {value} » : correspond à plusieurs "
                         f"documents ({', '.join(found)}) ; écrivez le nom de fichier complet.")
            continue
        document = found[0]
        if speaker is not None:
            label = docs.speaker(document, speaker)
            if label is None:
                count = len(docs.known.get(document, []))
                column = _speaker_header(table, cols)
                problems.add(table, row, f"le locuteur de la colonne « {column} » n'est pas "
                             f"une étiquette de locuteur du document « {document} » (il en a "
                             f"{count}) ; vérifiez son orthographe dans la transcription.")
                continue
            links.append((document, label))
        else:
            links.append((document, docs.speaker(document, name)))
    return links


def _speaker_header(table: Table, cols: _Columns) -> str:
    j = cols.special.get("speaker")
    return str(table.header[j]).strip() if j is not None else "speaker"


def _cases(table: Table, *, docs: _Documents, case_columns: list[str] | None,
           problems: _Problems, warnings: list[str], source: str,
           columns: list[str]) -> list[CaseRow]:
    roles = {"kind": _KIND, "documents": _DOCS, "speaker": _SPEAKER,
             "speaker_role": _SPEAKER_ROLE}
    if not case_columns:
        roles["case"] = _CASE
    cols = _Columns(table, problems, roles)
    _role_column(table, cols)
    name_columns: list[int] = []
    if case_columns:
        by_key = {_header_key(h): j for h, j in cols.headers.items()}
        missing = [c for c in case_columns if _header_key(c) not in by_key]
        if missing:
            raise AttributesError(
                f"{source} : les colonnes de nom de cas {', '.join(missing)} ne sont pas dans "
                f"l'en-tête ({table.where(table.header_row)} ; ses colonnes : "
                f"{', '.join(cols.headers)}) ; "
                "corrigez case_columns."
            )
        name_columns = [by_key[_header_key(c)] for c in case_columns]
        cols.attributes = [(j, h) for j, h in cols.attributes if j not in name_columns]
        columns.extend(h for _, h in cols.attributes)
    elif "case" not in cols.special:
        raise AttributesError(
            f"{source}, {table.where(table.header_row)} : pas de colonne de cas ; ajoutez une "
            "colonne nommée « cas » (ou « case » / « id ») avec un cas par ligne, ou donnez "
            "case_columns."
        )
    if not name_columns:
        columns.extend(h for _, h in cols.attributes)
    cases: list[CaseRow] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        if name_columns:
            name = " ".join(t for t in (_text(cells[j]) for j in name_columns) if t)
        else:
            name = _text(cols.cell(cells, "case"))
        if not name:
            if case_columns:
                where = "colonnes " + ", ".join(case_columns)
            else:
                where = f"colonne « {str(table.header[cols.special['case']]).strip()} »"
            problems.add(table, row, f"l'identifiant du cas est vide ({where}) ; "
                         "remplissez-le ou supprimez la ligne.")
            continue
        key = fold_name(name)
        if key in first_row:
            problems.add(table, row, f"même cas qu'à la {table.unit} {first_row[key]} "
                         "(chaque identifiant de cas doit être unique) ; fusionnez les deux "
                         "lignes ou corrigez l'identifiant.")
            continue
        first_row[key] = row
        kind_text = _text(cols.cell(cells, "kind"))
        kind = _CASE_KINDS.get(fold_name(kind_text)) if kind_text else "person"
        if kind is None:
            problems.add(table, row, f"type « {kind_text} » : ce n'est pas un type de cas ; "
                         "écrivez personne, organisation ou initiative (projet).")
            continue
        links = _links(table, row, name, cells, cols, docs, problems, warnings, source)
        attributes, texts = _attributes(cells, cols.attributes)
        role_text = _text(cols.cell(cells, "speaker_role"))
        speaker_role = speaker_role_word(role_text) if role_text else None
        if role_text and speaker_role is None:
            problems.add(table, row, f"rôle de locuteur « {role_text} » inconnu ; écrivez "
                         "enquêteur ou enquêté·e, ou laissez la cellule vide.")
            continue
        cases.append(CaseRow(name, kind, links, attributes, row, texts, speaker_role))
    return cases


def _role_column(table: Table, cols: _Columns) -> None:
    """A column named 'rôle' whose every value is a speaker role (enquêteur, enquêté…)
    says who interviews; any other 'rôle' column (trésorière, maire…) stays an attribute."""
    if "speaker_role" in cols.special:
        return
    for j, header in cols.attributes:
        if _header_key(header) not in ("role", "roles"):
            continue
        values = [_text(cells[j]) for _, cells in table.rows if j < len(cells)]
        values = [v for v in values if v]
        if values and all(speaker_role_word(v) for v in values):
            cols.special["speaker_role"] = j
            cols.attributes = [(k, h) for k, h in cols.attributes if k != j]
        return


def _doc_rows(table: Table, *, docs: _Documents, problems: _Problems) -> list[DocRow]:
    cols = _Columns(table, problems, {"documents": _DOCS, "kind": _KIND})
    if "documents" not in cols.special:
        problems.add(table, table.header_row, "la feuille des documents n'a pas de colonne "
                     "« document » ; ajoutez-en une qui nomme chaque document.")
        return []
    rows: list[DocRow] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        value = _text(cols.cell(cells, "documents"))
        if not value:
            problems.add(table, row, "le nom du document est vide ; remplissez-le ou supprimez la "
                         "ligne.")
            continue
        name = value
        if docs.known is not None:
            found = docs.find(value)
            if len(found) != 1:
                why = "absent du projet" if not found else "correspond à plusieurs documents"
                problems.add(table, row, f"document « {value} » : {why} ; corrigez le nom.")
                continue
            name = found[0]
        if name in first_row:
            problems.add(table, row, f"document « {value} » : déjà décrit à la "
                         f"{table.unit} {first_row[name]} ; gardez une ligne par document.")
            continue
        first_row[name] = row
        kind_text = _text(cols.cell(cells, "kind"))
        kind = normalise_kind(kind_text) if kind_text else None
        if kind_text and kind is None:
            problems.add(table, row, f"type « {kind_text} » : ce n'est pas un type de "
                         "document ; écrivez entretien, focus group, notes (de terrain) ou "
                         "compte rendu.")
            continue
        attributes, texts = _attributes(cells, cols.attributes)
        rows.append(DocRow(name, kind, attributes, row, texts))
    return rows


def _pick(tables: list[Table], sheet: str | None, source: str) -> tuple[Table, Table | None]:
    by_name = {fold_name(t.title): t for t in tables}
    documents = by_name.get("documents")
    if sheet is not None:
        if fold_name(sheet) not in by_name:
            raise AttributesError(
                f"{source} : pas de feuille « {sheet} » (ses feuilles : "
                f"{', '.join(t.title for t in tables)}) ; donnez le nom de la feuille des cas."
            )
        return by_name[fold_name(sheet)], documents
    for name in ("cas", "cases", "case"):
        if name in by_name:
            return by_name[name], documents
    others = [t for t in tables if t is not documents]
    if not others:
        raise AttributesError(f"{source} : pas de feuille des cas ; ajoutez une feuille avec une "
                              "ligne par cas.")
    return others[0], documents


def read_attributes(
    path: str | Path,
    *,
    known: dict[str, list[str]] | None = None,
    case_columns: list[str] | None = None,
    sheet: str | None = None,
) -> AttributesSheet:
    """Read and validate an attributes sheet (.xlsx or .csv).

    Args:
        path: the sheet.
        known: document name -> its speaker labels, to validate and link
            rows; None to read without validating links.
        case_columns: columns whose cells, joined by a space, name the case
            (e.g. ``["PRÉNOM", "NOM"]``), instead of a case id column.
        sheet: the name of the cases sheet in a workbook (default: ``cas`` /
            ``cases``, else the first sheet that is not ``documents``).

    Raises:
        AttributesError: the file cannot be read, or one error listing every
            problem found in the rows.
    """
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        tables = [read_csv(path)]
    elif suffix in (".xlsx", ".xlsm"):
        tables = read_xlsx(path)
    elif suffix in (".xls", ".ods"):
        raise AttributesError(
            f"{source} : les feuilles {suffix} ne sont pas lues ; enregistrez-le en .xlsx "
            "(Excel) ou en .csv et réessayez."
        )
    else:
        raise AttributesError(
            f"{source} : type de feuille d'attributs non pris en charge "
            f"« {suffix or '(sans extension)'} » ; utilisez un classeur .xlsx ou un fichier .csv."
        )
    cases_table, docs_table = _pick(tables, sheet, source)
    if not cases_table.header:
        raise AttributesError(f"{source} : la feuille des cas est vide ; ajoutez une ligne "
                              "d'en-tête et une ligne par cas.")
    docs = _Documents(known)
    problems = _Problems()
    warnings: list[str] = []
    columns: list[str] = []
    cases = _cases(cases_table, docs=docs, case_columns=case_columns, problems=problems,
                   warnings=warnings, source=source, columns=columns)
    documents = []
    if docs_table is not None and docs_table is not cases_table and docs_table.header:
        documents = _doc_rows(docs_table, docs=docs, problems=problems)
    problems.raise_if_any(source)
    return AttributesSheet(cases, documents, warnings, columns)
