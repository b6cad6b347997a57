"""One researcher coding a project by hand: what the coding panel reads and writes.

Besides coding a selection and reviewing suggestions (the rules' and the learned
models'), the session finds passages like the selected one (``p.assist.similar``) and
codes the chosen ones in one transaction (``p.code_many``).

When a document has a recording, its render model carries the player (the server's
media route, ``p.media.link``) and each turn's time (``p.media.timeline``), and
`listen` gives the times of the selected passage (``p.media.span``). A pseudonymised
session plays nothing and shows no time: a voice identifies a person, whatever the
pseudonyms on the page.

Everything goes through the Project's public calls, one store transaction each, so
a saved coding is in the store at once and `undo` takes it back. Messages are in
French: the panel shows them as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.errors import CodingError, MediaError, NotFoundError, NothingToUndo
from workbench.media.playback import NOT_SERVED, clock
from workbench.ui.coding_state import (
    NameSpan,
    check_selection,
    code_colors,
    code_keys,
    code_tree,
    document_model,
    memo_items,
    player,
    short,
    shown_text,
    similar_items,
    similar_rows,
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


SIMILAR_TOP = 10  # passages listed by « Trouver des passages semblables »
NO_LISTENING_PSEUDONYMISED = (
    "Pas d'écoute dans une vue pseudonymisée : une voix identifie la personne, quels que "
    "soient les pseudonymes affichés. Ouvrez le panneau sans pseudonymes pour écouter.")


@dataclass(frozen=True)
class Listening:
    """A passage to hear: its document offsets, its times in the recording (s) and
    whether they were estimated, and the French message to show."""

    start: int
    end: int
    t_start: float
    t_end: float
    estimated: bool
    message: str


@dataclass
class SimilarPassages:
    """Passages like an example: the rows of ``p.assist.similar`` (texts, speakers and
    references as shown: pseudonymised when the session is; offsets and document names
    those of the store) and the items the list draws (`key`: the row's position)."""

    frame: pd.DataFrame
    items: list[dict[str, Any]]
    document: str
    start: int
    end: int


class CodingSession:
    """Reads one document's render model, suggestions and memos; saves codings, reviews
    suggestions and undoes, for `project.coder`.

    `pseudonymise`: speaker labels, names in the text, document names, quotes and memos
    show pseudonyms; codings still land on the stored (real) text. Such a session shows
    no player and no turn times, and `listen` refuses: a voice identifies a person.
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
        media, timeline, note = self._recording(document)
        return DocumentState(
            model=document_model(turns, codings, self.colors, names=names, media=media,
                                 timeline=timeline, media_note=note),
            suggestions=suggestion_options(pending),
            spans={int(i): (int(a), int(b)) for i, a, b in
                   zip(pending["coding_id"], pending["start"], pending["end"], strict=True)},
            memos=memo_items(codings, memos, document_id))

    def has_recordings(self) -> bool:
        """Whether this session may play recordings and the project has at least one."""
        return not self.pseudonymise and len(self.project.media.list()) > 0

    def _recording(self, document: str) -> tuple[dict[str, Any] | None, pd.DataFrame | None,
                                                 str]:
        """The player of a document's recording, its turns' times and a French note (a
        missing or changed file, a server that does not stream recordings); no player
        for a document without recording, nor in a pseudonymised session."""
        if self.pseudonymise:
            return None, None, ""
        try:
            link = self.project.media.link(document)
        except NotFoundError:
            return None, None, ""
        except MediaError as error:
            return None, None, f"Pas d'écoute possible. {error}"
        timeline = self.project.media.timeline(document)
        return player(link), timeline, "" if link.served else NOT_SERVED

    def listen(self, document: str, model: Mapping[str, Any],
               selection: Mapping[str, Any]) -> Listening:
        """The times of the selected passage in the document's recording
        (``p.media.span``), to play it from its start and pause at its end. A French
        error when nothing is selected, the document has no playable recording, or the
        session is pseudonymised."""
        if self.pseudonymise:
            raise MediaError(NO_LISTENING_PSEUDONYMISED)
        if not model.get("media"):
            raise MediaError(model.get("media_note") or
                             f"« {document} » n'a pas d'enregistrement : rien à écouter "
                             "(attachez-en un avec p.media.add).")
        if not selection:
            raise CodingError("Aucun passage sélectionné : sélectionnez à la souris le passage "
                              "à écouter, puis cliquez sur « Écouter la sélection ».")
        start, end = check_selection(model, selection)
        t0, t1, estimated = self.project.media.span(document, start=start, end=end)
        rough = " (temps estimé)" if estimated else ""
        return Listening(start, end, t0, t1, estimated,
                         f"Écoute de « {short(shown_text(model, start, end), 60)} » : "
                         f"{clock(t0)} – {clock(t1)}{rough}.")

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

    # -- passages like the selected one -----------------------------------------------------
    def similar(self, document: str, model: Mapping[str, Any], selection: Mapping[str, Any],
                *, span: tuple[int, int] | None = None,
                top: int = SIMILAR_TOP) -> tuple[SimilarPassages, str]:
        """The `top` passages of the project most like the selected one (or like `span`,
        e.g. a chosen suggestion's, when nothing is selected), best first, with the
        message to show. A CodingError when there is no example or nothing like it."""
        if selection:
            start, end = check_selection(model, selection)
        elif span is not None:
            start, end = span
        else:
            raise CodingError(
                "Aucun passage sélectionné : sélectionnez d'abord un passage du texte à la "
                "souris (ou choisissez une proposition), puis cliquez sur « Trouver des "
                "passages semblables ».")
        found = self.project.assist.similar(document=document, start=start, end=end,
                                            top=top)
        example = short(shown_text(model, start, end), 60)
        if found.empty:
            raise CodingError(f"Aucun passage semblable à « {example} » dans le projet : "
                              "essayez un passage plus long ou plus parlant.")
        found = found.reset_index(drop=True)
        if self.pseudonymise:
            columns = ["reference", "speaker", "text"]
            shown = self.project.pseudonymise(found[columns], columns=columns)
            # a column the pseudonymiser drops (it could hold a name) is shown empty
            found = found.assign(**{c: shown.get(c, "") for c in columns})
        result = SimilarPassages(found, similar_items(found, self.colors, self.code_names),
                                 document, start, end)
        return result, (_plural(len(found), "passage semblable", "passages semblables")
                        + f" à « {example} », du plus proche au moins proche : cochez ceux "
                        "à coder et les codes dans la grille.")

    def code_similar(self, found: SimilarPassages | None, chosen: Iterable[int],
                     codes: Sequence[str]) -> tuple[list[int], set[str], str]:
        """Code the chosen passages of `found` (item keys) with each chosen code, in one
        transaction; a passage that already carries a code is left as it is. Returns the
        new coding ids, the documents touched and the message to show; `found` then
        lists the new codes on those passages."""
        keys = [int(k) for k in chosen]
        if found is None or not keys:
            raise CodingError("Aucun passage choisi : cochez des passages dans la liste des "
                              "passages semblables.")
        if not codes:
            raise CodingError("Aucun code choisi : cochez au moins un code dans la grille.")
        rows, skipped = similar_rows(found.frame, keys, codes)
        names = ", ".join(self.code_names.get(c, c) for c in codes)
        if not rows:
            raise CodingError(f"Rien à coder : les passages choisis portent déjà {names}.")
        ids = self.project.code_many(rows)
        self._note_codes(found, rows)
        passages = len({(r["document"], r["start"], r["end"]) for r in rows})
        message = (_plural(passages, "passage codé", "passages codés") + f" → {names} ("
                   + _plural(len(ids), "codage enregistré", "codages enregistrés") + ")")
        if skipped:
            message += " ; " + _plural(skipped, "code déjà présent laissé tel quel",
                                       "codes déjà présents laissés tels quels")
        return ids, {r["document"] for r in rows}, message + "."

    def _note_codes(self, found: SimilarPassages, rows: Sequence[Mapping[str, Any]]) -> None:
        """Add the codes just saved to the `codes` of their rows in `found`."""
        added: dict[tuple[str, int, int], list[str]] = {}
        for r in rows:
            added.setdefault((r["document"], r["start"], r["end"]), []).append(r["code"])
        frame = found.frame
        codes = []
        for doc, a, b, there in zip(frame["document"], frame["start"], frame["end"],
                                    frame["codes"], strict=True):
            keys = code_keys(there)
            keys += added.get((str(doc), int(a), int(b)), [])
            codes.append(", ".join(sorted(set(keys))))
        found.frame = frame.assign(codes=codes)
        found.items = similar_items(found.frame, self.colors, self.code_names)

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
