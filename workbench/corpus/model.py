"""What every reader returns: normalised text plus its speaker turns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Turn:
    """One speaker turn; `start`/`end` are code-point offsets into the text.

    The span covers what was said, not the speaker label printed before it.
    """

    speaker: str | None
    start: int
    end: int
    t_start: float | None = None  # seconds, from timed formats
    t_end: float | None = None
    section: str | None = None  # Transcriber <Section topic>, docx heading, question marker
    overlap: int | None = None  # turns sharing a value were spoken at the same time
    role: str | None = None  # "interviewer" | "respondent" | None


@dataclass
class ParsedDocument:
    """A document ready for the store: NFC text with `\\n` line ends and its turns."""

    text: str
    turns: list[Turn] = field(default_factory=list)
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    # speaker label -> extra facts from the file (e.g. Transcriber name, gender)
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)
    # how many lines the speaker-turn parser recognised (plain text, docx, odt, pdf)
    matched_lines: int | None = None
    total_lines: int | None = None
