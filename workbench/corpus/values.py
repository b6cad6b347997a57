"""Typed values of attribute cells: int, float, date, bool or text, with their display text."""

from __future__ import annotations

import datetime as dt
import re

_INT = re.compile(r"^[+-]?(?:0|[1-9]\d{0,14})$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$")
_FLOAT = re.compile(r"^[+-]?\d+[.,]\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FR_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_BOOLS = {
    "oui": True, "non": False, "yes": True, "no": False, "true": True, "false": False,
    "vrai": True, "faux": False,
}

TypedValue = tuple[object, str]  # (value, "int" | "float" | "date" | "bool" | "text")


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _from_text(text: str) -> TypedValue:
    low = text.casefold()
    if low in _BOOLS:
        return _BOOLS[low], "bool"
    if _INT.match(text):
        return int(text), "int"
    if _GROUPED.match(text):
        digits = re.sub(r"[ \u00a0\u202f]", "", text)
        return (float(digits.replace(",", ".")), "float") if "," in digits else (int(digits), "int")
    if _FLOAT.match(text):
        return float(text.replace(",", ".")), "float"
    m = _ISO_DATE.match(text)
    if m and (d := _date(*m.groups())) is not None:
        return d, "date"
    m = _FR_DATE.match(text)
    if m and (d := _date(m.group(3), m.group(2), m.group(1))) is not None:
        return d, "date"
    return text, "text"


def typed_value(cell: object) -> tuple[object, str, str] | None:
    """``(value, type name, display text)`` of a cell, or None when it is empty.

    Strings are typed by their look: "oui"/"non" (and yes/no, vrai/faux,
    true/false) are bool; "42" is int but "05000" stays text (a leading zero
    matters); "3,5", "3.5" and "1 234,5" are float; "2024-03-12" and
    "12/03/2024" (day first) are dates; anything else is text. Excel values
    keep their type (a whole float becomes int, a midnight datetime a date).
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell, "bool", "oui" if cell else "non"
    if isinstance(cell, int):
        return cell, "int", str(cell)
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell), "int", str(int(cell))
        return cell, "float", str(cell)
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0, 0):
            return cell.date(), "date", cell.date().isoformat()
        return cell, "date", cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell, "date", cell.isoformat()
    text = " ".join(str(cell).split())
    if not text:
        return None
    value, kind = _from_text(text)
    return value, kind, text
