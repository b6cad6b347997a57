"""Cell values that a spreadsheet will never run as a formula."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_NOTE = " […] (texte tronqué : limite Excel de 32 767 caractères)"


def csv_safe(value: Any) -> Any:
    """Prefix text that Excel would read as a formula with an apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_text(value: str) -> str:
    """Text cut to Excel's cell limit, with a visible note when cut."""
    if len(value) <= EXCEL_CELL_LIMIT:
        return value
    return value[: EXCEL_CELL_LIMIT - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE
