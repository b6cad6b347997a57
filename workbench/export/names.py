"""Names in Word exports: which real names are replaced, and a last check before saving.

The Word annex replaces every entry of the project's pseudonym table (people and
organisations), as the COPIL views do. Fiches replace people only: an
organisation's name is public information, the very subject of a fiche
signalétique, so organisation names (and initiative names) are protected there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from workbench.privacy.matching import leaks, pseudonymise_frame, pseudonymise_text
from workbench.privacy.table import protected_values, stored_table

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

ALL_KINDS = ("person", "organisation", "place")
PEOPLE = ("person",)


class Names:
    """Replaces real names by pseudonyms in texts and name cells (or does nothing when
    `enabled` is False); `kinds` says which entries of the table apply."""

    def __init__(self, project: ProjectData, *, enabled: bool = True,
                 kinds: Iterable[str] = ALL_KINDS, protect: Iterable[str] = ()) -> None:
        self.enabled = enabled
        with project.store.read() as conn:
            table = stored_table(conn)
            places = protected_values(conn)
        kinds = set(kinds)
        self.table = tuple(e for e in table if e.kind in kinds)
        kept = [e.real for e in table if e.kind not in kinds]
        self.protect = tuple(sorted({*places, *kept, *(p for p in protect if p)}))

    def text(self, value: object) -> str:
        """A text with real names replaced."""
        text = "" if value is None else str(value)
        if not self.enabled or not text:
            return text
        return pseudonymise_text(text, self.table, protect=self.protect)

    def names(self, values: Iterable[object]) -> list[str]:
        """Name cells (a case, a speaker label): the pseudonym of a real name of the
        table, else the text with names replaced."""
        values = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                  for v in values]
        if not self.enabled or not values:
            return values
        frame = pd.DataFrame({"case": values})
        out, _ = pseudonymise_frame(frame, self.table, columns=("case",), mapped=("case",),
                                    protect=self.protect)
        return [str(v) for v in out["case"]]

    def name(self, value: object) -> str:
        return self.names([value])[0]

    def leaks(self, text: str) -> list[str]:
        """Real names (of the kinds replaced) left in `text`; [] when disabled. The result
        holds real names: never show or log it."""
        if not self.enabled:
            return []
        return leaks(text, self.table, protect=self.protect)
