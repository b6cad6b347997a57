"""Keyword in context: every occurrence of a word with the text around it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def kwic(tokens: pd.DataFrame, texts: Mapping[int, str], word: str, *, by: str = "lemma",
         window: int = 60, keep: tuple[str, ...] = ("document", "speaker", "case")) -> pd.DataFrame:
    """Occurrences of `word` (by lemma or by form) with `window` characters each side.

    `tokens` has document_id, start, end, lemma and lower (see Project.tokens);
    any `keep` column present (speaker, case, attributes) is carried along.
    Line breaks in the context become spaces so the table reads in one line.
    """
    if by not in ("lemma", "form"):
        raise ValueError(f"by = {by!r} : écrivez by=\"lemma\" (par lemme) ou by=\"form\" "
                         "(par forme exacte).")
    column = "lemma" if by == "lemma" else "lower"
    hits = tokens[tokens[column] == word.strip().lower()]
    rows = []
    for row in hits.itertuples(index=False):
        text = texts[row.document_id]
        left = text[max(0, row.start - window):row.start].replace("\n", " ")
        right = text[row.end:row.end + window].replace("\n", " ")
        rows.append({"document_id": row.document_id, "start": row.start, "end": row.end,
                     "left": left, "keyword": text[row.start:row.end], "right": right,
                     **{k: getattr(row, k) for k in keep if k in hits.columns}})
    columns = ["document_id", *[k for k in keep if k in hits.columns], "start", "end", "left",
               "keyword", "right"]
    return pd.DataFrame(rows, columns=columns)
