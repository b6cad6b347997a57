"""What the Word exports share: XML-safe text, French dates and values, named styles,
A4 pages, and writing a file all at once (temporary file, then rename)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.coding.extracts import short_label
from workbench.xml_text import xml_safe as strip_not_xml

if TYPE_CHECKING:  # python-docx is imported by the functions that write a document
    from docx.document import Document as DocxDocument

    from workbench.profile import StudyProfile

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
NBSP, NNBSP = "\u00a0", "\u202f"
MISSING = "non renseigné"
# One person's gender, as a table cell or a reference line reads it.
GENDER_WORDS = {"women": "femme", "men": "homme", "other": "autre"}

# Named styles the report writer restyles in Word (Modifier le style): name → settings.
EXTRACT_STYLE = "Extrait"
REFERENCE_STYLE = "Référence d'extrait"
MEMO_STYLE = "Mémo d'extrait"
DEFINITION_STYLE = "Définition de code"
NOTE_STYLE = "Note de l'export"
GREY = "595959"  # text colours, as python-docx's RGBColor.from_string reads them
ACCENT = "2F5D62"


def xml_safe(value: object) -> str:
    """Text Word can store: control characters dropped, line ends made `\\n`."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return strip_not_xml(text)


def missing(value: Any) -> bool:
    """None, NaN, NaT or an empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def french_date(value: date | datetime | str | None = None) -> str:
    """'23 novembre 2026' (today when None); a text that is not a date is returned as is."""
    if value is None:
        value = date.today()
    if isinstance(value, str):
        try:
            value = pd.Timestamp(value).date()
        except ValueError:
            return value
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: Any) -> str:
    """'03/03/2026' for a date; other values as text; '' when missing."""
    if missing(value):
        return ""
    try:
        return f"{pd.Timestamp(value):%d/%m/%Y}"
    except (ValueError, TypeError):
        return str(value)


_BEFORE_THIN = re.compile(r"[ \u00a0]([;!?])")
_BEFORE_WIDE = re.compile(r"[ \u00a0]([:%»])")
_AFTER_OPEN = re.compile(r"«[ \u00a0]")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def typo(text: str) -> str:
    """French spacing in the workbench's own texts (labels, notes, attribute values,
    memos; never in verbatim extracts): no line break before : ; ! ? % » or after «,
    nor inside 62 000."""
    text = _BEFORE_THIN.sub(NNBSP + r"\1", text)
    text = _BEFORE_WIDE.sub(NBSP + r"\1", text)
    text = _AFTER_OPEN.sub("«" + NBSP, text)
    return _THOUSANDS.sub(NNBSP, text)


def guillemets(text: str) -> str:
    """« text » with the no-break spaces French typography puts inside."""
    return f"«{NBSP}{text.strip()}{NBSP}»"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 extrait', '3 extraits' (French: 0 and 1 take the singular)."""
    return f"{n} {word if n <= 1 else (many or word + 's')}"


def display_value(value: Any, *, key: str = "", profile: StudyProfile | None = None) -> str:
    """An attribute value as a reader wants it: the gender attribute of `profile` (F, W,
    Femme…) → femme / homme / autre, booleans and oui/non → Oui/Non, 85.0 → 85, dates
    dd/mm/yyyy, lists separated by ' ; '."""
    if missing(value):
        return ""
    if profile is not None and key and key == profile.key("gender"):
        meaning = profile.gender_of(value)
        if meaning:
            return GENDER_WORDS[meaning]
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | datetime | date):
        return short_date(value)
    text = " ".join(str(value).split())
    if text.casefold() in ("oui", "non", "yes", "no", "vrai", "faux", "true", "false"):
        return "Oui" if text.casefold() in ("oui", "yes", "vrai", "true") else "Non"
    parts = [p.strip() for p in text.split(";") if p.strip()]
    return typo(f"{NNBSP}; ".join(parts))


def document_label(name: str, document_id: int = 0) -> str:
    """The short label of a document (E01, FG02): document names often hold a first name."""
    return short_label(str(name), document_id)


def set_language(document: DocxDocument, language: str = "fr-FR") -> None:
    """Declare the document's language (spell-check, hyphenation) in the default run style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    lang.set(qn("w:bidi"), "ar-MA")


def setup_document(document: DocxDocument) -> None:
    """A4 portrait with 2.5 / 2 cm margins, French language, and the export's named styles."""
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.3)
    set_language(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    add_styles(document)


def _paragraph_style(document: DocxDocument, name: str) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    styles = document.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    return style


def add_styles(document: DocxDocument) -> None:
    """Define the named paragraph styles (kept as they are when already there)."""
    from docx.shared import Cm, Pt, RGBColor

    grey, accent = RGBColor.from_string(GREY), RGBColor.from_string(ACCENT)
    names = {s.name for s in document.styles}
    if REFERENCE_STYLE not in names:
        style = _paragraph_style(document, REFERENCE_STYLE)
        style.font.size, style.font.bold, style.font.color.rgb = Pt(9), True, accent
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(8), Pt(1), True
    if EXTRACT_STYLE not in names:
        style = _paragraph_style(document, EXTRACT_STYLE)
        style.font.italic = True
        fmt = style.paragraph_format
        fmt.left_indent, fmt.space_after = Cm(0.8), Pt(3)
    if MEMO_STYLE not in names:
        style = _paragraph_style(document, MEMO_STYLE)
        style.font.size, style.font.color.rgb = Pt(9), grey
        fmt = style.paragraph_format
        fmt.left_indent, fmt.space_after = Cm(0.8), Pt(4)
    if DEFINITION_STYLE not in names:
        style = _paragraph_style(document, DEFINITION_STYLE)
        style.font.size, style.font.italic, style.font.color.rgb = Pt(9), True, grey
        style.paragraph_format.space_after = Pt(6)
    if NOTE_STYLE not in names:
        style = _paragraph_style(document, NOTE_STYLE)
        style.font.size, style.font.color.rgb = Pt(9.5), grey


def document_text(document: DocxDocument) -> str:
    """Every text of a python-docx document (paragraphs, tables, headers, footers),
    for checks such as a last pseudonymisation pass."""
    texts: list[str] = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            texts.extend(p.text for p in part.paragraphs)
    core = document.core_properties
    texts.extend([core.title or "", core.subject or "", core.author or ""])
    return "\n".join(texts)


def joined(values: Iterable[str], last: str = " et ") -> str:
    """'a, b et c'."""
    items = [v for v in values if v]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def shade(cell: Any, fill: str) -> None:
    """Fill a table cell with a colour (hex, no #)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def add_table(document: DocxDocument, headers: Sequence[str], rows: Iterable[Sequence[str]],
              widths_cm: Sequence[float], *, font_size: float = 9) -> Any:
    """A bordered table with a shaded bold header row repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(xml_safe(text))
        run.bold, run.font.size = True, Pt(font_size)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cell, "2F5D62")
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(xml_safe(text)).font.size = Pt(font_size)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        no_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    return table


def add_page_numbers(document: DocxDocument, label: str) -> None:
    """A footer '<label> — page N' in every section."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.text = ""
        run = paragraph.add_run(xml_safe(f"{label} — page "))
        run.font.size, run.font.color.rgb = Pt(8), RGBColor.from_string(GREY)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        inner = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        field.append(inner)
        paragraph._p.append(field)
