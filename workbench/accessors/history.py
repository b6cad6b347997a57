"""``p.history``: the audit log (``p.history()``) and taking back one recorded change."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from workbench.store.queries import events_frame
from workbench.store.revert import revert_txn

if TYPE_CHECKING:
    from workbench.project_data import ProjectData


class History:
    """The audit log of a project (``p.history``); calling it lists the log."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def __call__(self, limit: int | None = 200) -> pd.DataFrame:
        """The audit log, newest first: who changed what, when, before and after."""
        with self._data.store.read() as conn:
            return events_frame(conn, limit)

    def revert(self, txn: str) -> int:
        """Undo one recorded change (all rows it touched); returns how many rows."""
        with self._data.store.write(self._data.coder) as w:
            return revert_txn(w, txn)
