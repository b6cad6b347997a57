"""`ProjectData`: a read-only view of a project, what exports, REFI-QDA, team work,
merging, the COPIL views and the analyses are given (never the `Project`, which writes).

It reads documents, texts, turns, cases, the profile, the codebook, extracts, memos and
tokens, and it is the project's pseudonymiser (names replaced, outputs checked). Writes
go through the store (`store.write(coder)`) in the service modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.codebook import Codebook
from workbench.coding import codes as code_ops
from workbench.coding.coders import default_coder, role_of
from workbench.coding.extracts import CodeSpec, WhereValue, case_table, turn_table
from workbench.coding.extracts import extracts as build_extracts
from workbench.parsed import project_tokens
from workbench.privacy import pseudonymiser
from workbench.privacy.forms import KINDS as NAME_KINDS
from workbench.profile import StudyProfile
from workbench.profile.stored import current_profile, profile_versions
from workbench.store import Store
from workbench.store import queries as q
from workbench.store.snapshot_info import SnapshotInfo, snapshot_info

CODE_COLUMNS = ("id", "key", "name", "parent", "path", "depth", "color", "description",
                "inclusion", "exclusion", "example")
CASE_COLUMNS = ("case_id", "case", "case_kind")  # the case table's own columns


class ProjectData:
    """What a project holds, read-only: documents, cases, codebook, extracts, tokens, and
    the pseudonymiser. `coder` is who is looking (their role, their undo)."""

    def __init__(self, store: Store, *, coder: str | None = None,
                 location: str | Path | None = None) -> None:
        self.store = store
        self.coder = coder or default_coder()
        self.location = location
        self._name_candidates = pseudonymiser.NameCandidates(store, location)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.store.where!r}, coder={self.coder!r})"

    # -- documents and cases -------------------------------------------------------------
    def documents(self) -> pd.DataFrame:
        """One row per document: reference, name, kind, language, length, turns, codings,
        encoding, source ("und": language undetermined, analysed as French)."""
        with self.store.read() as conn:
            return q.documents_frame(conn)

    def document(self, document: str | int) -> dict[str, Any]:
        """A document's stored row (id, name, reference, text…), by name or id."""
        with self.store.read() as conn:
            return q.find_document(conn, document)

    def document_ids(self, documents: Iterable[str | int] | None) -> list[int] | None:
        """Ids of documents given by name or id (None stays None: every document)."""
        with self.store.read() as conn:
            return q.document_ids(conn, documents)

    def text(self, document: str | int, start: int = 0, end: int | None = None) -> str:
        """The stored (normalised) text of a document, or a slice of it."""
        return self.document(document)["text"][start:end]

    def turns(self, document: str | int, *, pseudonymise: bool = False) -> pd.DataFrame:
        """The document's speaker turns with their text, in order (optionally pseudonymised)."""
        with self.store.read() as conn:
            doc, frame = q.document_turns(conn, document)
        frame["text"] = [doc["text"][a:b] for a, b in zip(frame["start"], frame["end"],
                                                            strict=True)]
        frame = frame.drop(columns=["id", "document_id"])
        return self.pseudonymise(frame) if pseudonymise else frame

    def cases(self) -> pd.DataFrame:
        """One row per case with its attributes as columns (unit: cases)."""
        with self.store.read() as conn:
            return case_table(conn)

    def attribute_names(self) -> list[str]:
        """The cases' attribute columns, in the case table's order."""
        return [c for c in self.cases().columns if c not in CASE_COLUMNS]

    def speakers(self) -> pd.DataFrame:
        """One row per (document, speaker): role, turns, and the case it is linked to."""
        with self.store.read() as conn:
            turns = turn_table(conn)
        grouped = turns.dropna(subset=["speaker"]).groupby(
            ["document", "speaker"], sort=True, dropna=False)
        return grouped.agg(role=("role", "first"), turns=("idx", "size"),
                           case=("case", "first")).reset_index()

    # -- profile and codebook ------------------------------------------------------------
    def profile(self) -> StudyProfile:
        """The study profile: label, type and role of each attribute."""
        with self.store.read() as conn:
            return current_profile(conn)

    def profile_versions(self) -> pd.DataFrame:
        """Every saved version of the profile: date, author, source, what changed."""
        with self.store.read() as conn:
            return profile_versions(conn)

    def codebook(self) -> Codebook:
        """The codebook in force, as loaded and edited."""
        with self.store.read() as conn:
            return code_ops.stored_codebook(conn)

    def codes(self) -> pd.DataFrame:
        """The active codes in tree order with key, path, depth and colour."""
        with self.store.read() as conn:
            return code_ops.codes_frame(conn)[list(CODE_COLUMNS)]

    def codebook_versions(self) -> pd.DataFrame:
        """Every codebook version loaded: id, date, source, what changed."""
        with self.store.read() as conn:
            return q.codebook_versions_frame(conn)

    # -- coded material ------------------------------------------------------------------
    def extracts(self, codes: CodeSpec = None, *, where: Mapping[str, WhereValue] | None = None,
                 scope: str = "overlap", coder: str | Iterable[str] | None = None,
                 status: str | Iterable[str] | None = "accepted",
                 include_children: bool = True, pseudonymise: bool = False,
                 reviewed_by: str | Iterable[str] | None = None) -> pd.DataFrame:
        """One row per coded extract with its reference, speaker, case and attributes.

        `status`: accepted codings by default, as the analyses and annexes count them;
        "suggested", "rejected", a list, or "all" (None) for every status.

        `codes`: a code, a list (any of), or an expression like "femmes & actions.eau"
        or "liens & ~obstacles", evaluated per `scope` (overlap, turn or document).
        `where`: {column or attribute: value | [values] | predicate}.
        `pseudonymise`: names replaced by pseudonyms (for anything shown to the COPIL).
        """
        if status == "all":
            status = None
        with self.store.read() as conn:
            frame = build_extracts(conn, codes=codes, where=where, scope=scope, coder=coder,
                                   status=status, include_children=include_children,
                                   reviewed_by=reviewed_by)
        return self.pseudonymise(frame) if pseudonymise else frame

    def memos(self) -> pd.DataFrame:
        """Every memo on the project, a document or a code (a coding's memo is in its
        extract)."""
        with self.store.read() as conn:
            return q.memos_frame(conn)

    def tokens(self, documents: Iterable[str | int] | None = None, *,
               progress: bool = True) -> pd.DataFrame:
        """One row per token (lemma, sentence, markup flags…) with turn, speaker and case;
        each document parsed in its language, those without a spaCy model left out (warning)."""
        return project_tokens(self.store, self.location, documents=self.document_ids(documents),
                              progress=progress)

    def snapshot_info(self) -> SnapshotInfo | None:
        """What this project is if it is a snapshot (name, date, codebook version,
        coders), else None."""
        with self.store.read() as conn:
            return snapshot_info(conn)

    @property
    def role(self) -> str | None:
        """The role of the person this project was opened as (None: not registered yet)."""
        with self.store.read() as conn:
            return role_of(conn, self.coder)

    # -- the pseudonymiser ---------------------------------------------------------------
    def pseudonymise(self, frame: pd.DataFrame, *,
                     columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A copy of any table (extracts, turns, KWIC…) with names replaced by pseudonyms
        and name-carrying columns dropped; the pseudonym table itself is never included.
        `columns`: the text columns to replace names in (default: the usual text columns:
        text, quote, speaker, case, memo…; another column holding a name is dropped)."""
        return pseudonymiser.pseudonymise(self.store, frame, columns=columns)

    def name_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """For each text, (start, end, pseudonym) of every name the pseudonym table replaces
        in it: for views that show pseudonyms but keep the real text's offsets."""
        return pseudonymiser.name_spans(self.store, texts)

    def leaks(self, shown: pd.DataFrame | str | Iterable[str]) -> list[str]:
        """Real names still present in a table or text (for checks; the result holds real
        names: assert on it, never display or log it)."""
        return pseudonymiser.leaks(self.store, shown)

    def check_names(self, shown: pd.DataFrame | str | Iterable[str], what: str, *,
                    names_reviewed: bool = False, kinds: Iterable[str] = NAME_KINDS,
                    protect: Iterable[str] = ()) -> None:
        """Refuse (NameCheckError, in French, naming them) a pseudonymised output `what`
        whose content `shown` holds a real name, or a possible person name nobody has
        reviewed (unless `names_reviewed`: the researcher has read the list)."""
        pseudonymiser.check_names(self.store, self._name_candidates, shown, what,
                                  names_reviewed=names_reviewed, kinds=kinds, protect=protect)
