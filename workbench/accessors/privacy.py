"""``p.privacy``: the pseudonym table and the review of possible names, the researcher's
side of pseudonymisation (what goes out is pseudonymised and checked by the project's
view itself: `ProjectData.pseudonymise`, `check_names`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from workbench.privacy import pseudonymiser

if TYPE_CHECKING:
    from workbench.project_data import ProjectData


class Privacy:
    """Names and pseudonyms of a project (``p.privacy``). Its tables hold real names: for
    the researcher only, never for a COPIL output."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def propose(self) -> pd.DataFrame:
        """Give every case and named speaker a stable pseudonym ("Enquêtée F3", "Élu 2").

        Existing entries never change; new people get the next number. Returns the table.
        """
        pseudonymiser.propose(self._data.store, self._data.coder)
        return self.table()

    def table(self) -> pd.DataFrame:
        """The pseudonym table: real, pseudonym, kind, source."""
        return pseudonymiser.pseudonym_table(self._data.store)

    def set_pseudonym(self, real: str, pseudonym: str, *, kind: str = "person",
                      source: str = "manual") -> None:
        """Add a name (e.g. a person entity the researcher confirmed) or change a pseudonym."""
        pseudonymiser.set_pseudonym(self._data.store, self._data.coder, real, pseudonym,
                                    kind=kind, source=source)

    def person_entities(self) -> pd.DataFrame:
        """Person names spaCy finds in the texts that the table does not cover yet."""
        return pseudonymiser.person_entities_of(self._data.store)

    def candidates(self) -> pd.DataFrame:
        """Possible person names in the texts that the project does not know yet (spaCy
        person entities and capitalised words), to review before a pseudonymised export:
        name, source, count, documents (references), example. Give a pseudonym to those
        that name a person (`set_pseudonym`) and declare the others reviewed
        (`review_names`)."""
        return self._data._name_candidates()

    def review_names(self, names: Iterable[str] | None = None) -> int:
        """Declare words of the candidate list reviewed and not a person's name, so that
        exports no longer stop on them; None: every current candidate (once the list has
        been read through). Returns how many were added; audited."""
        chosen = self.candidates()["name"].tolist() if names is None else list(names)
        return pseudonymiser.review_names(self._data.store, self._data.coder, chosen)

    def load_review(self, path: str | Path) -> tuple[int, int]:
        """Apply a reviewed list of possible names (YAML): the pseudonyms it gives and the
        words it declares not names, in one transaction. Returns (pseudonyms added or
        changed, words reviewed)."""
        return pseudonymiser.load_name_review(self._data.store, self._data.coder, path)

    def reviews(self) -> pd.DataFrame:
        """The words reviewed as not a person's name, with who reviewed them and when."""
        from workbench.privacy.name_check import review_table

        return review_table(self._data.store)
