"""Checking every coding against its document: the quote kept with a coding must be the
text at its offsets (what `workbench verify` reports)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from workbench.store import schema as s


@dataclass
class Verification:
    """Every coding re-read against its document: how many, and those that do not fit."""

    checked: int
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        return self.problems.empty

    def __str__(self) -> str:
        if self.ok:
            return (f"OK : {self.checked} codage(s) vérifié(s), toutes les citations "
                    "correspondent à leurs documents.")
        return (f"{len(self.problems)} problème(s) dans {self.checked} codage(s) :\n"
                + self.problems.to_string(index=False))


def verify_codings(conn: Connection) -> Verification:
    """Re-read every coding's quote from its document, one document at a time."""
    problems = []
    checked = 0
    for doc_id, name in conn.execute(select(s.documents.c.id, s.documents.c.name)).all():
        text = conn.execute(select(s.documents.c.text)
                            .where(s.documents.c.id == doc_id)).scalar_one()
        rows = conn.execute(select(s.codings.c.id, s.codings.c.start, s.codings.c.end,
                                   s.codings.c.quote)
                            .where(s.codings.c.document_id == doc_id)).all()
        for coding_id, start, end, quote in rows:
            checked += 1
            if not (0 <= start < end <= len(text)):
                problems.append((coding_id, name, start, end, f"hors du texte (0–{len(text)})"))
            elif text[start:end] != quote:
                problems.append((coding_id, name, start, end,
                                 "la citation enregistrée diffère du texte à ces positions"))
    return Verification(checked, pd.DataFrame(problems, columns=["coding_id", "document",
                                                                 "start", "end", "problem"]))
