"""Coding by the transcript's structure: every turn of a speaker, a role or a section."""

from __future__ import annotations

import re

import pandas as pd


def select_turns(turns: pd.DataFrame, *, speaker: str | list[str] | None = None,
                 role: str | None = None, section: str | None = None) -> pd.DataFrame:
    """Turns (document_id, start, end, …) of a speaker or role, or under a section.

    `section` is a regular expression matched (case-insensitive) against the
    turn's section: a Transcriber topic, a docx heading or a question marker
    such as "Question 3" — so "^Q(uestion)? ?3\\b" finds the third question.
    """
    mask = pd.Series(True, index=turns.index)
    if speaker is not None:
        wanted = [speaker] if isinstance(speaker, str) else list(speaker)
        mask &= turns["speaker"].isin(wanted)
    if role is not None:
        mask &= turns["role"] == role
    if section is not None:
        pattern = re.compile(section, re.IGNORECASE)
        mask &= turns["section"].map(lambda v: isinstance(v, str) and bool(pattern.search(v)))
    return turns[mask & (turns["end"] > turns["start"])]
