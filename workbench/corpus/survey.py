"""Questionnaires (KoboToolbox, ODK Central exports) read as codable text plus case attributes.

A survey sheet (.xlsx or .csv) holds one respondent per row. :func:`read_survey`
turns it into what an interview corpus gives the importer:

- one case per respondent (a :class:`~workbench.corpus.attributes.CaseRow` of an
  :class:`~workbench.corpus.attributes.AttributesSheet`), whose attributes are the
  closed answers, typed as the attributes sheet types them
  (:func:`~workbench.corpus.values.typed_value`);
- one document per respondent who answered at least one open question: for each
  open answer, in sheet order, a heading line (the question's label) then the
  answer; one :class:`~workbench.corpus.model.Turn` per answer covering exactly
  the answer text (never the heading), whose `section` is the question's label,
  so that coding by section and auto-coding by question work.

Decisions (where exports, forms and users leave a choice)
---------------------------------------------------------

Sheets. A workbook's first sheet is read (Kobo puts the main table first and each
repeat group on a sheet of its own), or the one named by `sheet`; the other
non-empty sheets are named in a warning. Rows are read by the bounded readers of
`workbench.corpus.sheets` (a workbook is a zip: checked before openpyxl inflates
it; a formula is read as its saved value, one without a value is refused naming
the cell; merged cells are refused). A CSV is refused above 32 MB or about four
million cells, before it is decoded; a CSV cell above 131,072 characters (the
`csv` module's limit: a quote never closed, or a pasted file) is refused naming
its line. A CSV cell starting with ``=`` is text, never evaluated (every export
of the workbench neutralises formulas): a warning counts them.

Columns. Headers are compared exactly (after folding whitespace): two equal headers,
or values under a column without a header, are refused naming the columns. A first
row holding numbers or dates is not a header row and is refused.

- Metadata of Kobo (``start``, ``end``, ``today``, ``deviceid``, ``username``,
  ``_id``, ``_uuid``, ``_submission_time``…, every header starting with ``_``,
  ``meta/…``, ``formhub/…``, ``__version__``) and of ODK Central
  (``SubmissionDate``, ``KEY``, ``ReviewState``, ``SubmitterID``…, ``meta-…``) are
  kind ``"meta"``: neither attributes nor text. The submission date (Kobo's
  ``_submission_time``, Central's ``SubmissionDate``) is kept as the attribute
  « date de soumission » (the day only): it tells the waves of a collection apart
  and identifies nobody. A meta column named in `closed_questions` becomes an
  ordinary attribute.
- Groups: the part of the header before the last separator, ``"/"`` (Kobo, Central
  when split) or ``"-"`` (Central's CSV). ``"/"`` is taken when a non-meta header has
  one; ``"-"`` when the sheet carries Central's columns (``KEY``, ``SubmissionDate``,
  ``meta-instanceID``) or when two headers share a prefix before ``"-"``; else no
  groups. With a form, a header's group is its form group.
- Multiple choices: a column ``q`` followed by two or more 0/1 (True/False) columns
  ``q/option`` (or ``q-option``) is Kobo's split select_multiple: the split columns
  belong to ``q`` (no attribute of their own) and the answer is the list of options
  ticked, in column order (the cell of ``q`` when none is ticked). Without split
  columns, a column is multiple only when the form says so, or when it is named in
  `closed_questions` and its cells are space-separated option names from a small
  vocabulary (at most 40 names, each cell naming an option once, at least half of
  the options chosen alone somewhere): free text has spaces too.
- Open or closed, without a form nor lists: numbers give ``"number"``, dates and
  ISO date-times ``"date"``; a text column is ``"open"`` when one answer has two
  sentences of three words or more, or twenty words, or when at least half of its
  answers differ and they average six words or more; otherwise it is closed
  (``"single"``: names of associations or communes are attributes, not text).
- Explicit lists win over the form and the guess: `open_questions` is the complete
  list of open questions (every other question is closed); `closed_questions`
  makes its columns closed and leaves the others to the form or the guess. A name
  is a header, a header's last segment (when only one column has it) or a label; an
  unknown name, or one in both lists, is a French error listing the columns.
- Form (XLSForm: ``survey`` sheet with ``type``, ``name``, ``label`` or
  ``label::Langue (xx)``; ``choices`` with ``list_name``, ``name``, ``label``): text →
  open; select_one (and acknowledge) → single; select_multiple and rank → multiple;
  integer, decimal, range → number; date, datetime, time → date; note and calculate
  are ignored (a calculate column is ``"meta"``), as are the metadata types, geopoints
  and media (``"meta"``). Labels: French when the form has several languages, else
  the plain ``label``, else the first language; HTML and Markdown emphasis removed.
  A choice's name is replaced by its label in attributes. Columns the form does not
  know (another version of it) are guessed, and named in a warning.

Respondents. The id is `id_column` if given, else the first of ``_uuid``,
``meta/instanceID`` (``meta-instanceID``), ``instanceID``, ``KEY``, ``_id``,
``_index``, else a column named ``id`` / ``identifiant`` / ``code`` (also
``id_repondant``, ``code_questionnaire``…), else the row's position among the
answers (1, 2, …, with a warning: only rows added at the end keep their names).
The id column names the case: it is ``"meta"``, not an attribute. An empty id or
two rows with the same id (compared ignoring case) are refused naming the rows
(not the ids: an id may be a person's name).

Names. A respondent's document and case share one name, ``name_prefix + id``: the
id as it is when it is made of ASCII letters, digits, ``-`` and ``_`` and the name
stays within 48 characters (``Q3f2a…`` for a Kobo uuid, ``uuid:`` removed from
ODK's), else an ASCII slug of the id (20 characters at most) and 10 hexadecimal
digits of its SHA-1 (``Q_reponse_12-8c1f…``, ``Q4be1…`` for an Arabic id). The
name depends on the id alone, never on the other rows nor on their order: the same
respondent gets the same document in every export, so a re-import finds it and
keeps its codings.

Cases. Kind ``"personne"`` by default (`case_kind`: ``"organisation"`` for a
survey of associations), linked to their whole document (speaker None). Turns have
no speaker: a coding's case is then the one person case linked to the whole
document (ARCHITECTURE.md, Conventions), as for a monologue; an organisation's
codings count for its document only, as everywhere in the workbench
(`analysis/population.py`). A respondent without an open answer has a case and
no document.

Result. :class:`Survey` holds the questions (every column but the split ones, in
sheet order, metadata included), the documents, the cases as an
:class:`~workbench.corpus.attributes.AttributesSheet` (no ``documents`` rows; its
``columns`` are the attribute keys in sheet order: a question's name, or its whole
header when two groups use the same name) and the French warnings (in
`Survey.warnings` only). `Survey.attribute_labels` gives each attribute's question
label, for the study profile.

Answers. Empty answers are skipped: no cell, blanks, and the placeholders
``n/a``, ``#N/A``, ``null``, ``-``, ``—``, ``.``, ``…``, ``/``, ``?``. Answers are
normalised like every reader's text (NFC, ``\\n``), lines right-stripped, three or
more line breaks folded to a blank line. A multiple-choice answer is a
:class:`Choices` list (its ``str()`` is the store's several-valued text
``"eau; santé"``, its type ``"text"``). Rows whose Kobo validation status or Central
review state is "not approved" / "rejected" are read and named in a warning.
Nothing depends on the language of the answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.corpus.attributes import (
    _CASE_KINDS,
    AttributesSheet,
    CaseRow,
    _column_letter,
    _Problems,
)
from workbench.corpus.model import ParsedDocument, Turn
from workbench.corpus.normalise import collapse_spaces, normalise_text
from workbench.corpus.roles import fold_name
from workbench.corpus.sheets import Table, read_csv, read_xlsx
from workbench.corpus.values import TypedValue, typed_value
from workbench.corpus.xlsform import FormQuestion, read_form
from workbench.errors import AttributesError
from workbench.text import ascii_slug

KINDS = ("open", "single", "multiple", "number", "date", "meta")
SUBMISSION_DATE = "date de soumission"

MAX_CSV_BYTES = 32 * 1024**2
MAX_CSV_CELLS = 4_000_000
MAX_NAME = 48

_ID_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_id",
               "_index")
_ID_WORDS = {"id", "identifiant", "code", "idrepondant", "identifiantrepondant",
             "coderepondant", "respondentid", "idquestionnaire", "codequestionnaire",
             "numeroquestionnaire", "identifiantquestionnaire"}
_KOBO_META = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
              "subscriberid", "audit", "start-geopoint", "background-audio", "instanceID",
              "instanceName", "__version__"}
_CENTRAL_META = {"SubmissionDate", "KEY", "PARENT_KEY", "ReviewState", "SubmitterID",
                 "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                 "DeviceID", "Edits", "FormVersion", "UserAgent", "Deleted"}
_META_PREFIXES = ("_", "meta/", "meta-", "formhub/", "formhub-")
_SUBMISSION = ("_submission_time", "SubmissionDate")
_CENTRAL_MARKERS = {"SubmissionDate", "KEY", "meta-instanceID"}
_REVIEW = ("_validation_status", "ReviewState")
_REJECTED = {"validation status not approved", "not approved", "rejected", "non approuve",
             "rejete", "rejetee"}

_EMPTY_MARKS = {"n/a", "n.a.", "n.a", "#n/a", "null", "-", "--", "—", "–", ".", "..", "...",
                "…", "/", "?"}
_TRUE = {"1", "true", "vrai"}
_FALSE = {"0", "false", "faux"}
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_PREFIX = re.compile(r"[A-Za-z0-9_-]{0,16}")
_SENTENCES = re.compile(r"(?<=[.!?؟…。])\s+")
_CHOICE_NAME = re.compile(r"[\w.-]+")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_BLANK_LINES = re.compile(r"\n{3,}")

# Open text: one answer of two sentences (each of 3 words or more) or of 20 words, or
# answers that mostly differ (half of them) and average 6 words.
_SENTENCE_WORDS = 3
_LONG_ANSWER_WORDS = 20
_DISTINCT_SHARE = 0.5
_MEAN_WORDS = 6
_MAX_OPTIONS = 40



# -- the public types ----------------------------------------------------------------------

@dataclass
class Question:
    """One column of the sheet that is a question (or metadata).

    `key`: the header as exported (``"groupe_asso/activites"``); `label`: the form's
    label, else the last segment made readable (``"Activites"``), unique in the survey;
    `group`: ``"groupe_asso"`` or None; `kind`: one of :data:`KINDS`; `attribute`: the
    attribute key its closed answers are stored under (None for open and meta columns).
    """

    key: str
    label: str
    group: str | None
    kind: str
    attribute: str | None = None


class Choices(list[str]):
    """The options of a multiple-choice answer, in the form's (or the sheet's) order.

    A list; ``str()`` gives the store's several-valued text (``"eau; santé"``), so an
    importer writing ``str(value)`` stores what the study profile splits on ``;``.
    """

    def __str__(self) -> str:
        return "; ".join(self)


@dataclass
class Survey:
    """A questionnaire read whole (see the module for every decision)."""

    questions: list[Question]
    documents: dict[str, ParsedDocument]
    sheet: AttributesSheet
    warnings: list[str] = field(default_factory=list)

    @property
    def attribute_labels(self) -> dict[str, str]:
        """Attribute key → the question's label (for the study profile)."""
        labels = {q.attribute: q.label for q in self.questions if q.attribute}
        return {key: labels[key] for key in self.sheet.columns if key in labels}


# -- reading the sheet ----------------------------------------------------------------------

def _fail(source: str, message: str) -> AttributesError:
    return AttributesError(f"{source} : {message}")


_BINARY = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF-", b"\xd0\xcf\x11\xe0")


def _not_csv(source: str, why: str) -> AttributesError:
    return _fail(source, f"ce n'est pas un fichier CSV ({why}) ; exportez les réponses du "
                 "questionnaire en .csv ou en .xlsx et importez ce fichier.")


def _csv_table(path: Path) -> Table:
    source = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _fail(source, f"fichier introuvable ({path}) ; vérifiez le chemin.") from None
    except OSError as exc:
        raise _fail(source, f"illisible ({exc.strerror or exc}) ; vérifiez le fichier et "
                    "réessayez.") from exc
    if path.is_dir():
        raise _fail(source, "c'est un dossier ; donnez le chemin de l'export du questionnaire.")
    if size > MAX_CSV_BYTES:
        raise _fail(source, f"{size // 1024**2} Mo, au-delà des {MAX_CSV_BYTES // 1024**2} Mo "
                    "qu'un questionnaire peut peser ; exportez les réponses en .xlsx ou en "
                    "plusieurs fichiers (par période) et importez-les l'un après l'autre.")
    with open(path, "rb") as stream:
        data = stream.read()
    if data.startswith(b"PK\x03\x04"):
        raise _fail(source, "c'est une archive zip (sans doute un classeur Excel), pas un "
                    "fichier CSV ; renommez-le en .xlsx et importez-le à nouveau.")
    binary = data.startswith(_BINARY)
    cells = sum(data.count(c) for c in (b",", b";", b"\t", b"\n"))
    del data
    if binary:
        raise _not_csv(source, "c'est une image, un PDF ou un ancien classeur .xls")
    if cells > MAX_CSV_CELLS:
        raise _fail(source, f"environ {cells} cellules, au-delà des {MAX_CSV_CELLS} qu'un "
                    "questionnaire peut compter ; vérifiez que c'est bien l'export des "
                    "réponses, ou coupez-le en plusieurs fichiers.")
    try:
        return read_csv(path)
    except AttributesError as exc:
        text = str(exc)
        if "pas un fichier texte" in text:  # decode_bytes speaks of transcripts
            raise _not_csv(source, "des octets binaires") from exc
        if "field larger than field limit" not in text:
            raise
        line = re.search(r"ligne (\d+)", text)
        where = f"ligne {line.group(1)}" if line else "une ligne"
        raise _fail(source, f"{where} : une cellule dépasse 131 072 caractères (un guillemet "
                    "jamais refermé, ou un fichier collé dans une réponse ?) ; corrigez "
                    "cette ligne dans l'export puis importez-le à nouveau.") from exc


def _tables(path: Path) -> list[Table]:
    source, suffix = path.name, path.suffix.lower()
    if suffix == ".csv":
        return [_csv_table(path)]
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".xls", ".ods"):
        raise _fail(source, f"les classeurs {suffix} ne sont pas lus ; exportez les réponses "
                    "en .xlsx (Excel) ou en .csv, ou enregistrez-le sous ce format, et "
                    "réessayez.")
    raise _fail(source, f"ce n'est pas un export de questionnaire (extension "
                f"« {suffix or '(aucune)'} ») ; exportez les réponses de KoboToolbox ou "
                "d'ODK Central en .xlsx ou en .csv et importez ce fichier.")


def _pick(tables: list[Table], sheet: str | None, source: str,
          warnings: list[str]) -> Table:
    if sheet is not None and not (len(tables) == 1 and tables[0].csv):
        by_name = {fold_name(t.title): t for t in tables}
        if fold_name(sheet) not in by_name:
            raise _fail(source, f"pas de feuille « {sheet} » (ses feuilles : "
                        f"{', '.join(t.title for t in tables)}) ; donnez le nom de la feuille "
                        "des réponses.")
        return by_name[fold_name(sheet)]
    table = tables[0] if tables else None
    if table is None:
        raise _fail(source, "le classeur n'a aucune feuille ; exportez à nouveau les réponses.")
    others = [t.title for t in tables[1:] if t._header]
    if others and sheet is None:
        warnings.append(f"{source} : seule la feuille « {table.title} » est lue ; les feuilles "
                        f"{', '.join(f'« {t} »' for t in others)} (groupes répétés ?) ne le "
                        "sont pas (donnez sheet= pour en lire une autre).")
    return table


def _raise_problems(problems: _Problems, source: str) -> None:
    if problems.items:
        lines = [m for _, _, m in sorted(problems.items, key=lambda x: (x[0], x[1]))]
        raise AttributesError(
            f"{source} : {len(lines)} problème(s) dans le questionnaire, rien n'a été lu ; "
            "corrigez-les dans l'export et importez-le à nouveau :\n  - " + "\n  - ".join(lines))


def _headers(table: Table, source: str) -> list[str]:
    """The header cells as text ('' where none), checked: a header row, no duplicate."""
    table.check()
    if not table.header:
        raise _fail(source, f"la feuille « {table.title} » est vide ; exportez à nouveau les "
                    "réponses (une ligne d'en-tête, puis une ligne par répondant).")
    if not table.rows:
        raise _fail(source, f"{table.where(table.header_row)} : une ligne d'en-tête et aucune "
                    "réponse dessous ; exportez le questionnaire une fois des réponses reçues.")
    problems = _Problems()
    headers: list[str] = []
    seen: dict[str, int] = {}
    values_not_names = []
    for j, cell in enumerate(table.header):
        header = collapse_spaces(str(cell)) if cell is not None else ""
        headers.append(header)
        if cell is None or not header:
            if any(j < len(cells) and _present(cells[j]) for _, cells in table.rows):
                problems.add(table, table.header_row, f"{_column_letter(j, table)} : des "
                             "valeurs mais pas d'en-tête ; donnez-lui un nom ou supprimez-la.")
            continue
        typed = typed_value(cell)
        if typed is not None and typed[1] != "text":
            values_not_names.append(f"{_column_letter(j, table)} : « {header} »")
        if header in seen:
            problems.add(table, table.header_row, f"la colonne « {header} » apparaît deux fois "
                         f"({_column_letter(seen[header], table)} et "
                         f"{_column_letter(j, table)}) ; exportez avec les noms des questions "
                         "(« XML values and headers » dans Kobo) ou renommez l'une d'elles.")
            continue
        seen[header] = j
    if values_not_names:
        raise _fail(source, f"{table.where(table.header_row)} n'est pas une ligne d'en-tête "
                    f"(des valeurs y sont : {', '.join(values_not_names[:5])}) ; la première "
                    "ligne doit nommer les questions : exportez à nouveau les réponses avec "
                    "leurs en-têtes.")
    _raise_problems(problems, source)
    return headers


# -- cells -----------------------------------------------------------------------------------

def _present(cell: object) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        text = cell.strip()
        return bool(text) and text.casefold() not in _EMPTY_MARKS
    return True


def _cell_text(cell: object) -> str:
    """A cell as one line of text ('' when empty)."""
    if not _present(cell):
        return ""
    typed = typed_value(cell)
    return typed[2] if typed else ""


def _answer(cell: object) -> str:
    """An open answer as normalised text, its lines kept ('' when empty)."""
    if not _present(cell):
        return ""
    if not isinstance(cell, str):
        return _cell_text(cell)
    lines = [line.rstrip() for line in normalise_text(cell).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _boolean(cell: object) -> bool | None:
    """True / False for a split column's 0/1, True/False cell; None when it is not one."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        return True if cell == 1 else False if cell == 0 else None
    if isinstance(cell, str):
        low = cell.strip().casefold()
        if low in ("1.0", *_TRUE):
            return True
        if low in ("0.0", *_FALSE):
            return False
    return None


def _iso_datetime(text: str) -> dt.datetime | None:
    if not _ISO_DATETIME.match(text):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _typed(cell: object, kind: str) -> tuple[TypedValue, str] | None:
    """A closed answer as ((value, type), display text), or None when empty."""
    if not _present(cell):
        return None
    if kind == "date" and isinstance(cell, str) and (when := _iso_datetime(cell.strip())):
        cell = when
    typed = typed_value(cell)
    if typed is None:
        return None
    return (typed[0], typed[1]), typed[2]


# -- the columns -------------------------------------------------------------------------------

@dataclass
class _Col:
    index: int
    header: str
    kind: str = "single"
    form: FormQuestion | None = None
    splits: list[tuple[int, str]] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)
    question: Question | None = None


def _is_meta(header: str) -> bool:
    return header in _KOBO_META or header in _CENTRAL_META or header.startswith(_META_PREFIXES)


def _words(text: str) -> int:
    return len(text.split())


def _several_sentences(text: str) -> bool:
    return sum(_words(part) >= _SENTENCE_WORDS for part in _SENTENCES.split(text)) >= 2


def _guess(cells: list[object]) -> str:
    """open | single | number | date for a column without form nor list (see the module)."""
    present = [c for c in cells if _present(c)]
    if not present:
        return "single"
    kinds = set()
    for c in present:
        if isinstance(c, str) and _iso_datetime(c.strip()):
            kinds.add("date")
        else:
            typed = typed_value(c)
            kinds.add(typed[1] if typed else "text")
    if kinds <= {"int", "float"}:
        return "number"
    if kinds <= {"date"}:
        return "date"
    texts = [_answer(c) for c in present]
    if any(_words(t) >= _LONG_ANSWER_WORDS or _several_sentences(t) for t in texts):
        return "open"
    mean_words = sum(map(_words, texts)) / len(texts)
    if len(set(texts)) >= _DISTINCT_SHARE * len(texts) and mean_words >= _MEAN_WORDS:
        return "open"
    return "single"


def _closed(cells: list[object], *, may_be_multiple: bool) -> str:
    kind = _guess(cells)
    if kind in ("number", "date"):
        return kind
    if may_be_multiple and _looks_multiple(cells):
        return "multiple"
    return "single"


def _looks_multiple(cells: list[object]) -> bool:
    """Space-separated option names from a small vocabulary (see the module)."""
    lists = [_cell_text(c).split() for c in cells if _present(c)]
    if not any(len(tokens) >= 2 for tokens in lists):
        return False
    vocabulary = {t for tokens in lists for t in tokens}
    if len(vocabulary) > _MAX_OPTIONS or not all(_CHOICE_NAME.fullmatch(t) for t in vocabulary):
        return False
    if any(len(set(tokens)) != len(tokens) for tokens in lists):
        return False
    alone = {tokens[0] for tokens in lists if len(tokens) == 1}
    return 2 * len(alone) >= len(vocabulary)


def _separator(headers: list[str], all_headers: set[str]) -> str | None:
    if any("/" in h for h in headers):
        return "/"
    if all_headers & _CENTRAL_MARKERS:
        return "-"
    prefixes = Counter(h.rsplit("-", 1)[0] for h in headers if "-" in h.strip("-"))
    return "-" if any(n >= 2 for n in prefixes.values()) else None


def _readable(segment: str) -> str:
    text = collapse_spaces(segment.replace("_", " "))
    return text[:1].upper() + text[1:] if text else segment


class _Resolver:
    """Finds the column a user names in id_column / open_questions / closed_questions."""

    def __init__(self, cols: list[_Col], source: str) -> None:
        self.cols, self.source = cols, source
        self.exact = {c.header: c for c in cols}
        self.folded: dict[str, list[_Col]] = {}
        for c in cols:
            keys = {fold_name(c.header), fold_name(re.split(r"[/-]", c.header)[-1])}
            if c.form is not None:
                keys |= {fold_name(c.form.name), fold_name(c.form.label)}
            for key in keys:
                self.folded.setdefault(key, []).append(c)

    def find(self, name: str, argument: str) -> _Col:
        if name in self.exact:
            return self.exact[name]
        hits = self.folded.get(fold_name(name), [])
        if len(hits) == 1:
            return hits[0]
        shown = [c.header for c in self.cols]
        listed = ", ".join(shown[:60]) + (" …" if len(shown) > 60 else "")
        why = "désigne plusieurs colonnes" if hits else "n'est pas une colonne du questionnaire"
        raise _fail(self.source, f"{argument} : « {name} » {why} ; écrivez l'en-tête exact "
                    f"d'une de ses colonnes : {listed}.")


def _splits(cols: list[_Col], rows: list[tuple[int, list[object]]],
            form: dict[str, FormQuestion]) -> set[int]:
    """Attach Kobo's split select_multiple columns ('q/option', 0/1) to their 'q'; return
    the indexes of the columns so attached. A column the form knows is never a split."""
    by_header = {c.header: c for c in cols}
    candidates: dict[str, list[tuple[_Col, str]]] = {}
    for col in cols:
        if col.form is not None:
            continue
        for sep in ("/", "-"):
            cut = col.header.rfind(sep)
            while cut > 0 and col.header[:cut] not in by_header:
                cut = col.header.rfind(sep, 0, cut)
            if cut > 0 and col.header[cut + 1:]:
                candidates.setdefault(col.header[:cut], []).append((col, col.header[cut + 1:]))
                break
    attached: set[int] = set()
    for header, children in candidates.items():
        parent = by_header[header]
        boolean = [(c, option) for c, option in children
                   if all(_boolean(cells[c.index]) is not None for _, cells in rows
                          if c.index < len(cells) and _present(cells[c.index]))]
        said = parent.form.kind if parent.form is not None else None
        if (said == "multiple" and boolean) or (said is None and len(boolean) >= 2):
            parent.splits = [(c.index, option) for c, option in boolean]
            attached |= {c.index for c, _ in boolean}
    return attached


# -- names ---------------------------------------------------------------------------------------

def _id_key(identifier: str) -> str:
    """An id compared for duplicates: spaces folded, case ignored, ODK's "uuid:" dropped."""
    canonical = collapse_spaces(identifier).casefold()
    return canonical[5:] if canonical.startswith("uuid:") else canonical


def document_name(identifier: str, prefix: str = "Q") -> str:
    """The document (and case) name of a respondent: depends on the id alone (see the
    module): ``prefix + id`` when safe and short, else a slug and a hash of the id."""
    canonical = collapse_spaces(identifier)
    bare = canonical[5:] if canonical[:5].casefold() == "uuid:" else canonical
    if _SAFE_ID.fullmatch(bare) and len(prefix) + len(bare) <= MAX_NAME:
        return prefix + bare
    digest = hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]
    slug = ascii_slug(bare)[:20].strip("_")
    return f"{prefix}{slug}-{digest}" if slug else f"{prefix}{digest}"


# -- the reader ------------------------------------------------------------------------------------

def _id_column(cols: list[_Col], id_column: str | None, resolver: _Resolver) -> _Col | None:
    if id_column is not None:
        return resolver.find(id_column, "id_column")
    by_header = {c.header: c for c in cols}
    for name in _ID_COLUMNS:
        if name in by_header:
            return by_header[name]
    for col in cols:
        last = re.split(r"[/-]", col.header)[-1]
        if re.sub(r"[^a-z0-9]", "", fold_name(last)) in _ID_WORDS:
            return col
    return None


def _kinds(cols: list[_Col], rows: list[tuple[int, list[object]]], *, id_col: _Col | None,
           open_cols: set[int] | None, closed_cols: set[int]) -> None:
    for col in cols:
        cells = [cells[col.index] if col.index < len(cells) else None for _, cells in rows]
        spec = col.form
        if id_col is not None and col is id_col:
            col.kind = "meta"
        elif col.index in closed_cols:
            col.kind = "multiple" if col.splits or (spec and spec.kind == "multiple") else \
                _closed(cells, may_be_multiple=True)
        elif open_cols is not None:
            if col.index in open_cols:
                col.kind = "open"
            elif spec is None and _is_meta(col.header):
                col.kind = "meta"
            elif col.splits or (spec and spec.kind == "multiple"):
                col.kind = "multiple"
            elif spec is not None and spec.kind in ("number", "date", "single", "meta"):
                col.kind = spec.kind
            else:
                col.kind = _closed(cells, may_be_multiple=False)
        elif col.splits:
            col.kind = "multiple"
        elif spec is not None:
            col.kind = spec.kind
        elif _is_meta(col.header):
            col.kind = "meta"
        else:
            col.kind = _guess(cells)
        if spec is not None:
            col.choices = spec.choices


def _questions(cols: list[_Col], separator: str | None) -> None:
    for col in cols:
        spec = col.form
        if spec is not None:
            suffix = next((s + spec.name for s in "/-." if col.header.endswith(s + spec.name)),
                          None)
            group = col.header[: -len(suffix)] if suffix else ("/".join(spec.path) or None)
            name, label = spec.name, spec.label or _readable(spec.name)
        elif separator and separator in col.header.strip(separator):
            group, name = col.header.rsplit(separator, 1)
            label = _readable(name)
        else:
            group, name, label = None, col.header, _readable(col.header)
        if col.header in _SUBMISSION and col.kind == "meta":
            label = SUBMISSION_DATE
        col.question = Question(col.header, label, group or None, col.kind)
        col.question.attribute = name if col.kind not in ("open", "meta") else None
    # Labels name sections and attribute keys name attributes: both must be unique.
    shown = [c.question for c in cols if c.question is not None and c.kind != "meta"]
    labels = Counter(q.label for q in shown)
    for q in shown:
        if labels[q.label] > 1:
            q.label = f"{q.label} ({q.group or q.key})"
    labels = Counter(q.label for q in shown)
    for q in shown:
        if labels[q.label] > 1:
            q.label = f"{q.label} [{q.key}]"
    keys = Counter(q.attribute for q in shown if q.attribute)
    for q in shown:
        if q.attribute and keys[q.attribute] > 1:
            q.attribute = q.key
    for col in cols:
        if col.question is not None and col.header in _SUBMISSION and col.kind == "meta":
            col.question.attribute = SUBMISSION_DATE


def _multiple(cells: list[object], col: _Col) -> tuple[TypedValue, str] | None:
    chosen = [option for j, option in col.splits if j < len(cells) and _boolean(cells[j])]
    if not chosen:
        chosen = _cell_text(cells[col.index] if col.index < len(cells) else None).split()
    labels = Choices(dict.fromkeys(col.choices.get(o, o).replace(";", ",") for o in chosen))
    if not labels:
        return None
    return (labels, "text"), str(labels)


def _single(cells: list[object], col: _Col) -> tuple[TypedValue, str] | None:
    cell = cells[col.index] if col.index < len(cells) else None
    if col.choices and _present(cell):
        text = _cell_text(cell)
        cell = col.choices.get(text, text)
    return _typed(cell, col.kind)


def _document(answers: list[tuple[str, str]]) -> ParsedDocument:
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for label, answer in answers:
        block = ("\n\n" if parts else "") + label + "\n"
        parts.append(block)
        offset += len(block)
        parts.append(answer)
        turns.append(Turn(None, offset, offset + len(answer), section=label))
        offset += len(answer)
    return ParsedDocument(text="".join(parts), turns=turns)


def read_survey(
    path: str | Path,
    *,
    id_column: str | None = None,
    open_questions: Sequence[str] | None = None,
    closed_questions: Sequence[str] | None = None,
    form: str | Path | None = None,
    sheet: str | None = None,
    name_prefix: str = "Q",
    case_kind: str = "personne",
) -> Survey:
    """Read a questionnaire export (KoboToolbox, ODK Central; .xlsx or .csv).

    Args:
        path: the export.
        id_column: the column naming each respondent (default: ``_uuid``, ODK's
            instanceID / KEY, ``_id``, ``_index``, an ``id`` / ``identifiant`` /
            ``code`` column, else the row's position).
        open_questions: the complete list of open questions (others are closed).
        closed_questions: questions to read as closed (attributes).
        form: the XLSForm (.xlsx) that decides kinds, labels and choice labels.
        sheet: the sheet of the answers in a workbook (default: the first; ignored
            for a CSV).
        name_prefix: prefix of document and case names (``Q`` → ``Q<id>``).
        case_kind: ``personne`` (default), ``organisation`` or ``initiative``.

    Raises:
        AttributesError: the file cannot be read, a name given does not exist, or
            one error listing every row problem (empty or duplicate id).
    """
    path = Path(path)
    source = path.name
    if not _PREFIX.fullmatch(name_prefix):
        raise _fail(source, f"name_prefix « {name_prefix} » : 16 caractères au plus, lettres "
                    "ASCII, chiffres, « - » ou « _ » ; choisissez un préfixe comme « Q ».")
    kind = _CASE_KINDS.get(fold_name(case_kind))
    if kind is None:
        raise _fail(source, f"case_kind « {case_kind} » n'est pas un type de cas ; écrivez "
                    "personne, organisation ou initiative.")
    warnings: list[str] = []
    form_keys: dict[str, FormQuestion] = {}
    if form is not None:
        form_keys, form_warnings = read_form(Path(form))
        warnings += form_warnings
    table = _pick(_tables(path), sheet, source, warnings)
    headers = _headers(table, source)
    rows = table.rows
    cols = [_Col(j, h, form=form_keys.get(h)) for j, h in enumerate(headers) if h]
    split_indexes = _splits(cols, rows, form_keys)
    cols = [c for c in cols if c.index not in split_indexes]

    resolver = _Resolver(cols, source)
    open_cols = {resolver.find(n, "open_questions").index for n in open_questions} \
        if open_questions is not None else None
    closed_cols = {resolver.find(n, "closed_questions").index for n in closed_questions or ()}
    if both := sorted((open_cols or set()) & closed_cols):
        names = ", ".join(f"« {headers[j]} »" for j in both)
        raise _fail(source, f"{names} à la fois dans open_questions et closed_questions ; "
                    "retirez-les de l'une des deux listes.")
    id_col = _id_column(cols, id_column, resolver)
    _kinds(cols, rows, id_col=id_col, open_cols=open_cols, closed_cols=closed_cols)
    plain = [c.header for c in cols if c.kind != "meta"]
    _questions(cols, _separator(plain, set(headers)))
    if form is not None:
        unknown = [c.header for c in cols if c.form is None and c.kind != "meta"]
        if unknown:
            warnings.append(f"{source} : {len(unknown)} colonne(s) absente(s) du formulaire, "
                            f"type deviné d'après les réponses : {', '.join(unknown[:20])}"
                            f"{' …' if len(unknown) > 20 else ''}.")
    if id_col is None:
        warnings.append(f"{source} : aucune colonne d'identifiant (_uuid, KEY, _id, id…) ; les "
                        "répondants sont numérotés dans l'ordre des lignes, et un nouvel export "
                        "ne retrouve les mêmes documents que si les réponses ont été ajoutées à "
                        "la fin ; donnez id_column pour un identifiant stable.")

    problems = _Problems()
    cases: list[CaseRow] = []
    documents: dict[str, ParsedDocument] = {}
    first: dict[str, int] = {}
    open_cols_list = [c for c in cols if c.kind == "open"]
    attribute_cols = [c for c in cols if c.question and c.question.attribute]
    review = next((c for c in cols if c.header in _REVIEW), None)
    rejected: list[int] = []
    formulas = 0
    for position, (row, cells) in enumerate(rows, start=1):
        if id_col is None:
            identifier = str(position)
        else:
            identifier = _cell_text(cells[id_col.index] if id_col.index < len(cells) else None)
            if not identifier:
                problems.add(table, row, f"l'identifiant du répondant est vide (colonne "
                             f"« {id_col.header} ») ; remplissez-le ou supprimez la ligne.")
                continue
        name = document_name(identifier, name_prefix)
        keys = (_id_key(identifier), "\x00" + name.casefold())
        seen = next((first[k] for k in keys if k in first), None)
        if seen is not None:
            column = f" (colonne « {id_col.header} »)" if id_col is not None else ""
            problems.add(table, row, f"même identifiant de répondant{column} qu'à la "
                         f"{table.unit} {seen} ; chaque réponse doit avoir le sien : "
                         "retirez le doublon de l'export ou corrigez l'identifiant.")
            continue
        first.update(dict.fromkeys(keys, row))
        formulas += sum(isinstance(c, str) and c.startswith("=") for c in cells)
        if review is not None and \
                fold_name(_cell_text(cells[review.index] if review.index < len(cells) else None)
                          ).replace("_", " ") in _REJECTED:
            rejected.append(row)
        attributes: dict[str, TypedValue] = {}
        texts: dict[str, str] = {}
        for col in attribute_cols:
            assert col.question is not None and col.question.attribute is not None
            if col.kind == "multiple":
                value = _multiple(cells, col)
            elif col.header in _SUBMISSION and col.kind == "meta":
                value = _typed(cells[col.index] if col.index < len(cells) else None, "date")
                if value is not None and isinstance(value[0][0], dt.datetime):
                    day = value[0][0].date()
                    value = (day, "date"), day.isoformat()
            else:
                value = _single(cells, col)
            if value is not None:
                attributes[col.question.attribute], texts[col.question.attribute] = value
        answers = []
        for col in open_cols_list:
            assert col.question is not None
            text = _answer(cells[col.index] if col.index < len(cells) else None)
            if text:
                answers.append((col.question.label, text))
        links: list[tuple[str, str | None]] = []
        if answers:
            documents[name] = _document(answers)
            links.append((name, None))
        cases.append(CaseRow(name, kind, links, attributes, row, texts))
    _raise_problems(problems, source)
    if rejected:
        warnings.append(f"{source} : {len(rejected)} réponse(s) marquée(s) « non approuvée » ou "
                        f"« rejetée » ({table.unit}s {', '.join(map(str, rejected[:20]))}"
                        f"{' …' if len(rejected) > 20 else ''}) sont lues comme les autres ; "
                        "retirez-les de l'export si elles ne doivent pas compter.")
    if formulas and table.csv:
        warnings.append(f"{source} : {formulas} cellule(s) commencent par « = » ; elles sont "
                        "lues comme du texte, jamais calculées.")
    columns = [c.question.attribute for c in attribute_cols
               if c.question is not None and c.question.attribute]
    questions = [c.question for c in cols if c.question is not None]
    return Survey(questions, documents, AttributesSheet(cases, [], [], columns), warnings)
