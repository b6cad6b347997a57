"""Attributes (ours: text, int, float, bool, date) ↔ REFI-QDA variables and their values.

A REFI variable has one type for all its values. An export gives a variable
the type all its values share; Integer with Float becomes Float, Date with
DateTime becomes DateTime, any other mix becomes Text (nothing is lost: the
values are written as text). An import keeps each value's own type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from workbench.refi.xml import sub

_INT = re.compile(r"^[+-]?\d+$")
_ELEMENTS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
             "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}
_KINDS = {"TextValue": "text", "BooleanValue": "bool", "IntegerValue": "int",
          "FloatValue": "float", "DateValue": "date", "DateTimeValue": "date"}


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _datetime(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return None


def value_type(value: str, kind: str) -> str:
    """The REFI type one stored value fits."""
    if kind == "bool" and value in ("True", "False"):
        return "Boolean"
    if kind == "int" and _INT.match(value):
        return "Integer"
    if kind == "float" and _float(value) is not None:
        return "Float"
    if kind == "date" and (moment := _datetime(value)) is not None:
        return "Date" if len(value) == 10 and moment.time() == dt.time() else "DateTime"
    return "Text"


def variable_type(values: Iterable[tuple[str, str]]) -> str:
    """The one REFI type for a variable's (value, kind) pairs."""
    types = {value_type(v, k) for v, k in values}
    if len(types) == 1:
        return types.pop()
    if types == {"Integer", "Float"}:
        return "Float"
    if types == {"Date", "DateTime"}:
        return "DateTime"
    return "Text"


def _format(value: str, refi_type: str) -> str:
    if refi_type == "Boolean":
        return "true" if value == "True" else "false"
    if refi_type == "Integer":
        return str(int(value))
    if refi_type == "Float":
        try:
            return format(Decimal(value), "f")
        except InvalidOperation:
            return format(Decimal(repr(float(value))), "f")
    if refi_type == "Date":
        return value[:10]
    if refi_type == "DateTime":
        moment = _datetime(value)
        return moment.isoformat() if moment else value
    return value


def add_value(parent: Element, variable_guid: str, value: str, refi_type: str) -> None:
    """Append `<VariableValue>` with its reference and typed value."""
    element = sub(parent, "VariableValue")
    sub(element, "VariableRef", {"targetGUID": variable_guid})
    sub(element, _ELEMENTS[refi_type], text=_format(value, refi_type))


def read_value(element: Element) -> tuple[str, str] | None:
    """(stored text, our kind) of a `<VariableValue>`, None when it holds no value."""
    typed = next((c for c in element if c.tag in _KINDS), None)
    if typed is None or typed.text is None or not typed.text.strip():
        return None
    text, kind = typed.text.strip(), _KINDS[typed.tag]
    if kind == "bool":
        return ("True" if text.lower() in ("true", "1") else "False"), kind
    if kind == "int" and _INT.match(text):
        return str(int(text)), kind
    if kind == "float" and (number := _float(text)) is not None:
        return str(number), kind
    if kind == "date" and (moment := _datetime(text)) is not None:
        return (moment.date().isoformat() if typed.tag == "DateValue"
                else moment.isoformat()), kind
    return text, "text"
