"""Build the text of timed or structured transcripts: one ``Speaker : utterance`` line per turn.

Used by the subtitle, Transcriber and TextGrid readers, whose files hold turns
rather than running text. The line reads like a transcript; the turn span
covers the utterance only, never the label.
"""

from __future__ import annotations

from workbench.corpus.model import ParsedDocument, Turn
from workbench.corpus.normalise import collapse_spaces


class TranscriptBuilder:
    """Accumulate turns and the text they index, without quadratic concatenation."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._offset = 0
        self.turns: list[Turn] = []

    def add(
        self,
        speaker: str | None,
        utterance: str,
        *,
        t_start: float | None = None,
        t_end: float | None = None,
        section: str | None = None,
        overlap: int | None = None,
        role: str | None = None,
    ) -> Turn | None:
        """Append one line ``Speaker : utterance`` (or the bare utterance) and its turn.

        Whitespace in the utterance (newlines included) is folded into single
        spaces; an utterance with no words adds nothing and returns None.
        """
        words = collapse_spaces(utterance)
        if not words:
            return None
        label = collapse_spaces(speaker) if speaker else None
        prefix = f"{label} : " if label else ""
        if self._parts:
            self._parts.append("\n")
            self._offset += 1
        start = self._offset + len(prefix)
        line = prefix + words
        self._parts.append(line)
        self._offset += len(line)
        turn = Turn(label, start, self._offset, t_start=t_start, t_end=t_end, section=section,
                    overlap=overlap, role=role)
        self.turns.append(turn)
        return turn

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def document(
        self,
        *,
        encoding: str | None = None,
        warnings: list[str] | None = None,
        speakers: dict[str, dict[str, str]] | None = None,
    ) -> ParsedDocument:
        """The ParsedDocument of everything added."""
        return ParsedDocument(
            text=self.text, turns=list(self.turns), encoding=encoding,
            warnings=list(warnings or []), speakers=dict(speakers or {}),
        )
