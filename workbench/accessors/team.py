"""``p.team``: the coders and their roles, working copies and merging them back,
agreement between coders and the consensus they reach."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.coding.coders import coders_frame, set_coder
from workbench.coding.extracts import CodeSpec

if TYPE_CHECKING:
    from workbench.merge import MergeReport
    from workbench.project_data import ProjectData


class Team:
    """Team work on a project (``p.team``); see docs/team.md."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def add_coder(self, name: str, role: str = "coder") -> dict[str, Any]:
        """Register a coder or change a role ("coder" or "lead"); naming a lead or changing
        a role is for a lead, except on a project that has none yet."""
        with self._data.store.write(self._data.coder) as w:
            return set_coder(w, name, role)

    def coders(self) -> pd.DataFrame:
        """The team: coder, role, codings made, codings reviewed (leads first)."""
        with self._data.store.read() as conn:
            return coders_frame(conn)

    def copy_for(self, coder: str, destination: str | Path) -> Path:
        """A working copy (SQLite) of this project for `coder`, registered as coder; they
        open it with Project.open(destination, coder=coder) and the lead merges it back."""
        from workbench.merge import copy_for

        return copy_for(self._data, coder, destination)

    def merge(self, copy: str | Path, *, coder: str | None = None) -> MergeReport:
        """Merge a coder's copy of this project (a folder or .sqlite file) into it: one
        transaction (undo reverts it whole); duplicates skipped, conflicts kept side by
        side and listed in the report."""
        from workbench.merge import merge_project

        return merge_project(self._data, copy, coder=coder)

    def agreement(self, *, coders: Sequence[str] | None = None, codes: CodeSpec = None,
                  documents: Iterable[str | int] | None = None, level: str = "character",
                  status: str | Iterable[str] | None = "accepted",
                  branches: bool = False) -> pd.DataFrame:
        """Percent agreement, Cohen's κ and Krippendorff's α between coders, per code and
        overall; unit: character, turn or sentence (see docs/agreement.md)."""
        from workbench import team

        return team.agreement(self._data, coders=coders, codes=codes, documents=documents,
                              level=level, status=status, branches=branches)

    def disagreements(self, *, coders: Sequence[str] | None = None, codes: CodeSpec = None,
                      documents: Iterable[str | int] | None = None, level: str = "character",
                      status: str | Iterable[str] | None = "accepted", branches: bool = False,
                      ignore_trivial: bool = True) -> pd.DataFrame:
        """Where coders differ, by document and position, for a consensus meeting."""
        from workbench import team

        return team.disagreements(self._data, coders=coders, codes=codes,
                                  documents=documents, level=level, status=status,
                                  branches=branches, ignore_trivial=ignore_trivial)

    def record_consensus(self, document: str | int, start: int, end: int, code: str, *,
                         memo: str | None = None) -> int:
        """Store a team decision as a coding by coder "consensus" (origin "consensus")."""
        from workbench import team

        return team.record_consensus(self._data, document, start, end, code, memo=memo)

    def accept_version(self, row: Mapping[str, Any], coder: str, *,
                       memo: str | None = None) -> list[int]:
        """Settle a disagreement row with `coder`'s codings there, copied as consensus."""
        from workbench import team

        return team.accept_version(self._data, row, coder, memo=memo)
