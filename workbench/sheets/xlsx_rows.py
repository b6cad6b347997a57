"""How the workbench writes XLSX cells: text cells that are never formulas, fast rows.

openpyxl writes every cell through lxml, about 10 µs a cell on our machines: 0.2 s for
2,000 extracts before any styling, 7 s for 50,000. Data rows of plain values (text,
numbers, booleans, dates) in a few styles are therefore serialised here as strings and
spliced into the sheets openpyxl laid out (header, widths, panes, filter, page setup,
styles), in one pass over the archive (`save_with_rows`). Cells openpyxl writes itself
(headers, summaries, small sheets) come from `write_only_cell`. Either way text is a text
cell (inline string), never a formula, whatever it starts with, and it is cleaned and cut
by `workbench.sheets.safe_cells`, the one place of those rules.
"""

from __future__ import annotations

import contextlib
import copy
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from workbench.sheets.safe_cells import EXCEL_CELL_LIMIT, UNCLEAN, table_value, xlsx_text

if TYPE_CHECKING:  # openpyxl (0.2 s) is imported when a workbook is written
    from openpyxl import Workbook
    from openpyxl.cell import Cell

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_SPECIAL = re.compile("[&<>]")
_SPECIAL = re.compile(f"[&<>{UNCLEAN}]")  # what XML escapes or `clean_text` changes
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
DATE_FORMATS = {datetime: "yyyy-mm-dd hh:mm:ss", date: "yyyy-mm-dd", time: "hh:mm:ss"}
_PLAIN = frozenset({str, bool, int, float, datetime, date, time})

RowSource = Callable[[], Iterable[str]]


def text_cell(ref: str, text: str, style: int) -> str:
    """An inline-string cell (never a formula), its text cleaned and cut at Excel's limit."""
    if len(text) > EXCEL_CELL_LIMIT or _SPECIAL.search(text):  # most extracts: neither
        text = xlsx_text(text)
        if _XML_SPECIAL.search(text):
            text = escape(text)
    return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{text}</t></is></c>")


def number_cell(ref: str, number: int | float, style: int) -> str:
    """A number cell (finite numbers only; `table_value` turns the others into text)."""
    return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'


def boolean_cell(ref: str, value: bool, style: int) -> str:
    """A boolean cell (TRUE/FALSE in the spreadsheet)."""
    return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'


def _date_kind(value: date | time) -> type:
    return datetime if isinstance(value, datetime) else date if isinstance(value, date) \
        else time


def value_cell(ref: str, value: Any, style: int,
               date_styles: Mapping[type, int] | None = None) -> str:
    """The cell for any value (see `data_rows`); "" for an empty one."""
    kind = type(value)
    if kind not in _PLAIN:  # numpy scalars, NA, NaT, Timestamps, objects…
        value = table_value(value)
        if value is None:
            return ""
        kind = type(value)
    if kind is str:
        return text_cell(ref, value, style)
    if kind is bool:
        return boolean_cell(ref, value, style)
    if kind is int or kind is float:
        if value - value == 0:
            return number_cell(ref, value, style)
        return "" if value != value else text_cell(ref, str(value), style)  # NaN, ±inf
    if date_styles is None or getattr(value, "tzinfo", None) is not None:
        return text_cell(ref, value.isoformat(), style)
    from openpyxl.utils.datetime import to_excel

    return number_cell(ref, to_excel(value), date_styles[_date_kind(value)])


def data_rows(rows: Iterable[Sequence[Any]], styles: Sequence[int],
              heights: Iterable[float] | None = None, *, first: int = 2,
              default_height: float = 15.0,
              date_styles: Mapping[type, int] | None = None) -> Iterator[str]:
    """`<row>` elements for rows of values, one style per column: text as inline strings,
    numbers and booleans as such, None skipped, anything else through `table_value`.
    A height above `default_height` is written as a custom row height (`heights` None:
    none). `date_styles` (datetime, date, time → the style of its date format) writes
    naive dates as dates; without it they are ISO text."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
    if heights is None:
        pairs: Iterable[tuple[Sequence[Any], float]] = ((row, 0.0) for row in rows)
    else:
        pairs = zip(rows, heights, strict=True)
    for index, (row, height) in enumerate(pairs, start=first):
        parts = [f'<row r="{index}" ht="{height:g}" customHeight="1">'
                 if height > default_height else f'<row r="{index}">']
        for letter, style, value in zip(letters, styles, row, strict=True):
            if value is None:
                continue
            kind = type(value)
            if kind is str:  # the common cases, inline
                parts.append(text_cell(f"{letter}{index}", value, style))
            elif kind is int or (kind is float and value - value == 0):  # finite
                parts.append(f'<c r="{letter}{index}" s="{style}"><v>{value!r}</v></c>')
            else:
                parts.append(value_cell(f"{letter}{index}", value, style, date_styles))
        parts.append("</row>")
        yield "".join(parts)


def write_only_cell(ws: Any, value: Any, style: Cell | None = None) -> Cell | None:
    """A cell of a write-only sheet: text as a text cell (never a formula, cleaned, cut
    at Excel's limit), numbers, booleans and dates as they are (`table_value`); None for
    an empty value, which write-only sheets skip. `style`: a template cell whose style is
    copied (the new cell may be restyled without touching the template)."""
    from openpyxl.cell import WriteOnlyCell

    value = table_value(value)
    if value is None:
        return None
    cell = WriteOnlyCell(ws)
    if style is not None:
        cell._style = copy.copy(style._style)  # type: ignore[attr-defined]  # the style array
    if isinstance(value, str):
        # The value setter would read a text starting with "=" as a formula.
        cell._value = xlsx_text(value)  # type: ignore[attr-defined]
        cell.data_type = "s"  # text, even when it starts with = + - @
    else:
        cell.value = value
    return cell


def style_template(ws: Any, **style: Any) -> Cell:
    """A cell holding a style (font=, fill=, alignment=, number_format=…) for
    `write_only_cell`; its `style_id` is the style's number for `data_rows`."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part name in the archive (from workbook.xml and its rels)."""
    targets = {}
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PKG_REL}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return {sheet.get("name", ""): targets[sheet.get(f"{REL}id")]
            for sheet in book.iter(f"{MAIN}sheet")}


def splice_rows(source: Path, target: Path, pending: Mapping[str, tuple[RowSource, int]],
                *, last_column: Mapping[str, str]) -> None:
    """Copy the workbook `source` to `target`, appending to each sheet named in `pending`
    the rows its source yields; `pending[title]` = (row source, number of rows)."""
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        members = sheet_members(src)
        spliced = {members[title]: title for title in pending}
        for info in src.infolist():
            if info.filename not in spliced:
                with src.open(info) as data, out.open(info, "w") as copy:
                    shutil.copyfileobj(data, copy)
                continue
            title = spliced[info.filename]
            rows, count = pending[title]
            xml = src.read(info).decode("utf-8").replace("<sheetData/>",
                                                          "<sheetData></sheetData>")
            head, tail = xml.split("</sheetData>", 1)
            head = _DIMENSION.sub(f'<dimension ref="A1:{last_column[title]}{count + 1}"/>',
                                  head, count=1)
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w") as part:
                part.write(head.encode("utf-8"))
                buffer: list[str] = []
                for row in rows():
                    buffer.append(row)
                    if len(buffer) == 500:
                        part.write("".join(buffer).encode("utf-8"))
                        buffer.clear()
                part.write("".join([*buffer, "</sheetData>", tail]).encode("utf-8"))


def abandon(wb: Workbook) -> None:
    """Close the streams of a write-only workbook that failed half-way, so that nothing
    complains later when they are collected; the caller removes the file."""
    for ws in wb.worksheets:
        for stream in (getattr(ws, "_rows", None),
                       getattr(getattr(ws, "_writer", None), "xf", None)):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()


def save_with_rows(wb: Workbook, target: Path, pending: Mapping[str, tuple[RowSource, int]],
                   *, last_column: Mapping[str, str]) -> None:
    """Save the laid-out workbook `wb` beside `target`, then write `target` with the rows
    of `pending` spliced into their sheets (see `splice_rows`)."""
    laid_out = target.with_suffix(".layout.xlsx")
    try:
        wb.save(laid_out)
        splice_rows(laid_out, target, pending, last_column=last_column)
    except BaseException:
        abandon(wb)
        raise
    finally:
        laid_out.unlink(missing_ok=True)
