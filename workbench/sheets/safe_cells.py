"""Cell values that a spreadsheet will never run as a formula: the one place of those rules.

Every CSV and XLSX the workbench writes takes its cells from here (through
`workbench.export.tables` and `workbench.export.xlsx_rows`):

- text is cleaned the same way for both formats (`clean_text`): line ends become ``\n``
  (a bare carriage return would split a CSV row in LibreOffice Calc), control characters
  that XML cannot hold are dropped, and a lone UTF-16 surrogate (half a character, which
  no file encoding can hold) becomes U+FFFD;
- in a CSV, text starting with ``= + - @``, a tab or a carriage return is prefixed with an
  apostrophe (`csv_safe`, the OWASP advice), headers included;
- in an XLSX, text is always a text cell (inline string), never a formula, so it keeps
  its visible text; it is cut at Excel's cell limit with a visible note (`excel_text`);
- numbers stay numbers in both (a negative number is a number, not text).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_NOTE = " […] (texte tronqué : limite Excel de 32 767 caractères)"
REPLACEMENT = "\ufffd"

# What `clean_text` changes: line ends, controls XML 1.0 cannot hold (tab and newline
# are kept), its non-characters U+FFFE/U+FFFF, and lone surrogates.
UNCLEAN = "\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff\ud800-\udfff"  # a regex class's body
_NEEDS_CLEANING = re.compile(f"[{UNCLEAN}]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text any CSV or XLSX file can hold: ``\\r\\n`` and lone ``\\r`` as ``\\n``, controls
    other than tab and newline dropped, lone surrogates as U+FFFD."""
    if not _NEEDS_CLEANING.search(text):  # most texts need nothing: skip three passes
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES.sub(REPLACEMENT, _CONTROLS.sub("", text))


def csv_safe(value: Any) -> Any:
    """A value for a CSV cell: text cleaned (`clean_text`) and prefixed with an apostrophe
    when a spreadsheet would read it as a formula (OWASP advice); other values unchanged."""
    if not isinstance(value, str) or (not value.startswith(FORMULA_STARTS)
                                      and not _NEEDS_CLEANING.search(value)):
        return value  # not text, or text with nothing to do (the common case)
    text = clean_text(value)
    if value.startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def excel_text(value: str) -> str:
    """Text cut to Excel's cell limit, with a visible note when cut."""
    if len(value) <= EXCEL_CELL_LIMIT:
        return value
    return value[: EXCEL_CELL_LIMIT - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE


def xlsx_text(value: str) -> str:
    """Text for an XLSX text cell: cleaned (`clean_text`) and cut at Excel's limit."""
    return excel_text(clean_text(value))


def table_value(value: Any) -> Any:
    """A plain Python value for a table cell: None for missing (None, NaN, NA, NaT),
    numbers, booleans and naive dates as they are, an aware date as ISO text (Excel has
    no time zones), anything else (lists, objects) as its text."""
    if type(value) is str or value is None:
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
    elif isinstance(value, np.generic):
        value = value.item()  # numpy numbers, booleans, texts
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else (None if value.is_nan() else str(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | time):
        return value.isoformat() if value.tzinfo is not None else value
    if isinstance(value, date):
        return value
    return str(value)
