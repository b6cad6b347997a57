"""One researcher coding a project by hand: what the coding panel reads and writes.

Everything goes through the Project's public calls, one store transaction each, so
a saved coding is in the store at once and `undo` takes it back. Messages are in
French: the panel shows them as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.errors import CodingError, NotFoundError, NothingToUndo
from workbench.ui.coding_state import (
    NameSpan,
    check_selection,
    code_colors,
    code_tree,
    document_model,
    memo_items,
    short,
    shown_text,
    suggestion_options,
)

if TYPE_CHECKING:  # the panel is handed a Project; it never imports upwards
    from workbench.project import Project


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class DocumentState:
    """What the panel shows for one document: the render model, the suggestions to
    review (label, coding id) with their spans, and the memos."""

    model: dict[str, Any]
    suggestions: list[tuple[str, int]]
    spans: dict[int, tuple[int, int]]
    memos: list[dict[str, str]]


class CodingSession:
    """Reads one document's render model, suggestions and memos; saves codings, reviews
    suggestions and undoes, for `project.coder`.

    `pseudonymise`: speaker labels, names in the text, document names, quotes and memos
    show pseudonyms; codings still land on the stored (real) text.
    """

    def __init__(self, project: Project, *, pseudonymise: bool = False) -> None:
        self.project = project
        self.pseudonymise = pseudonymise
        self.reload_codebook()

    def reload_codebook(self) -> None:
        """Read the codebook again (after codes were added, renamed or moved)."""
        codes = self.project.codes()
        if self.pseudonymise:
            texts = self.project.pseudonymise(codes[["description"]].rename(
                columns={"description": "text"}))
            codes = codes.assign(description=texts.get("text", ""))
        self.colors = code_colors(codes)
        self.tree = code_tree(codes, self.colors)
        self.code_names = dict(zip(codes["key"], codes["name"], strict=True))

    # -- reading --------------------------------------------------------------------------
    def documents(self) -> list[tuple[str, str]]:
        """(label, name) of every document; the label is pseudonymised when asked."""
        names = self.project.documents()["name"].tolist()
        labels = (self.project.pseudonymise(pd.DataFrame({"text": names}))["text"].tolist()
                  if self.pseudonymise and names else names)
        return list(zip(labels, names, strict=True))

    def document_id(self, document: str) -> int:
        docs = self.project.documents()
        found = docs.loc[docs["name"] == document, "id"]
        if found.empty:
            raise NotFoundError(f"Document inconnu : « {document} ». Documents du projet : "
                                + ", ".join(docs["name"].head(20)))
        return int(found.iloc[0])

    def _names(self, turns: pd.DataFrame) -> list[NameSpan]:
        spans = self.project.name_spans(list(turns["text"]))
        return [(start + a, start + b, pseudonym)
                for start, found in zip(turns["start"], spans, strict=True)
                for a, b, pseudonym in found]

    def read(self, document: str) -> DocumentState:
        """Everything shown for a document, from one read of its turns and codings."""
        document_id = self.document_id(document)
        turns = self.project.turns(document)
        codings = self.project.extracts(where={"document": document}, status=None)
        memos = self.project.memos()
        names: list[NameSpan] = []
        if self.pseudonymise:
            if len(turns):
                names = self._names(turns)
                turns = turns.assign(speaker=self.project.pseudonymise(turns[["speaker"]])
                                     ["speaker"])
            if len(codings):  # quotes and memos as shown; offsets stay those of the store
                shown = self.project.pseudonymise(codings[["text", "memo"]])
                codings = codings.assign(text=shown["text"], memo=shown["memo"])
            if len(memos):
                memos = memos.assign(text=self.project.pseudonymise(memos[["text"]])["text"])
        pending = codings[codings["status"] == "suggested"]
        return DocumentState(
            model=document_model(turns, codings, self.colors, names=names),
            suggestions=suggestion_options(pending),
            spans={int(i): (int(a), int(b)) for i, a, b in
                   zip(pending["coding_id"], pending["start"], pending["end"], strict=True)},
            memos=memo_items(codings, memos, document_id))

    # -- writing --------------------------------------------------------------------------
    def save(self, document: str, model: Mapping[str, Any], selection: Mapping[str, Any],
             codes: Sequence[str], memo: str = "") -> tuple[list[int], str]:
        """Code the selected span with each chosen code (one transaction); returns the new
        coding ids and the message to show. Nothing is saved on a bad selection."""
        start, end = check_selection(model, selection)
        if not codes:
            raise CodingError("Aucun code choisi : cochez au moins un code dans la grille.")
        ids = self.project.code(document, start, end, list(codes), memo=memo.strip() or None)
        assert isinstance(ids, list)
        names = ", ".join(self.code_names.get(c, c) for c in codes)
        return ids, (f"Codage enregistré : « {short(shown_text(model, start, end), 70)} » → "
                     f"{names} (caractères {start}–{end}).")

    def accept(self, ids: Iterable[int]) -> str:
        return self._decide(ids, self.project.review.accept, "acceptée")

    def reject(self, ids: Iterable[int]) -> str:
        return self._decide(ids, self.project.review.reject, "rejetée")

    @staticmethod
    def _decide(ids: Iterable[int], decide: Callable[[list[int]], int], done: str) -> str:
        ids = [int(i) for i in ids]
        if not ids:
            raise CodingError("Aucune proposition choisie : sélectionnez-en une dans la liste.")
        return _plural(decide(ids), f"proposition {done}.", f"propositions {done}s.")

    def undo(self) -> str:
        """Undo this coder's last change (a coding, a review, a memo…)."""
        try:
            n = self.project.undo()
        except NothingToUndo as nothing:
            return str(nothing)
        return ("Dernière modification annulée ("
                + _plural(n, "ligne rétablie", "lignes rétablies") + ").")
