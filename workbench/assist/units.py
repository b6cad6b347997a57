"""Passages: the sentences (or turns) that similarity search and learned suggestions rank.

Built from the project's token table (`parsed.project_tokens(sentences_only=True)`), so a
passage never crosses a speaker turn and speaker labels, timestamps and headings between
turns are left out. Each passage keeps its content words twice: as lemmas (for TF-IDF)
and as lower-case forms (for word vectors); and all its words' lemmas, stop words
included (for the learned models: « pas », « sans », « not » change what a sentence says).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError

UNITS = ("sentence", "turn")
COLUMNS = ["document_id", "document", "turn", "speaker", "role", "start", "end", "words",
           "forms", "lemmas"]


def check_unit(unit: str) -> str:
    """`unit` when known, else a French error listing the known ones."""
    if unit not in UNITS:
        raise WorkbenchError(f"unité de passage « {unit} » inconnue ; choisissez « sentence » "
                             "(phrase) ou « turn » (tour de parole).")
    return unit


def word_mask(tokens: pd.DataFrame) -> np.ndarray:
    """Tokens that are words: not punctuation, space, markup nor filler, with a letter
    (also for languages parsed without a model, whose `is_word` is always False)."""
    has_letter = tokens["lower"].astype(str).str.contains(r"[^\W\d_]", regex=True)
    return (~tokens["is_punct"].to_numpy(dtype=bool) & ~tokens["is_space"].to_numpy(dtype=bool)
            & ~tokens["is_markup"].to_numpy(dtype=bool) & has_letter.to_numpy(dtype=bool))


def content_mask(tokens: pd.DataFrame) -> np.ndarray:
    """Words that carry meaning: `word_mask` without the stop words."""
    return word_mask(tokens) & ~tokens["is_stop"].to_numpy(dtype=bool)


def passage_units(tokens: pd.DataFrame, *, unit: str = "sentence") -> pd.DataFrame:
    """One row per passage with at least one content word (see the module docstring).

    Columns: document_id, document, turn (index of the turn from 0, -1 for a document
    without turns), speaker, role, start, end (code points), words (lemmas joined by
    spaces), forms (lower-case forms joined by spaces). Sorted by document and start.
    """
    check_unit(unit)
    if tokens.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("document_id", "turn", "start",
                                                                  "end") else object)
                             for c in COLUMNS})
    frame = tokens[~tokens["is_space"].to_numpy(dtype=bool)].copy()
    has_turns = frame.groupby("document_id")["idx"].transform(lambda s: s.notna().any())
    frame = frame[frame["idx"].notna() | ~has_turns.astype(bool)]
    frame["turn"] = frame["idx"].fillna(-1).astype("int64")
    frame["content"] = content_mask(frame)
    keys = ["document_id", "turn"] + (["sent"] if unit == "sentence" else [])
    bounds = frame.groupby(keys, sort=False).agg(
        document=("document", "first"), speaker=("speaker", "first"), role=("role", "first"),
        start=("start", "min"), end=("end", "max"))
    words = frame[frame["content"]]
    joined = words.groupby(keys, sort=False).agg(words=("lemma", " ".join),
                                                 forms=("lower", " ".join))
    every = frame[word_mask(frame)].groupby(keys, sort=False).agg(lemmas=("lemma", " ".join))
    units = bounds.join(joined, how="inner").join(every, how="left").reset_index()
    units["lemmas"] = units["lemmas"].fillna("")
    units = units.astype({"document_id": "int64", "turn": "int64", "start": "int64",
                          "end": "int64"})
    units["speaker"] = units["speaker"].where(units["speaker"].notna(), None)
    units["role"] = units["role"].where(units["role"].notna(), None)
    return units[COLUMNS].sort_values(["document_id", "start"]).reset_index(drop=True)


def overlapping(units: pd.DataFrame, spans: pd.DataFrame, *, share: float = 0.5) -> np.ndarray:
    """For each unit, whether a span of `spans` (document_id, start, end) covers at least
    `share` of the unit or of the span itself (a short coding inside a long sentence)."""
    hit = np.zeros(len(units), dtype=bool)
    if units.empty or spans.empty:
        return hit
    starts = units["start"].to_numpy()
    ends = units["end"].to_numpy()
    doc_rows = units.groupby("document_id").indices
    for doc, group in spans.groupby("document_id"):
        rows = doc_rows.get(doc)
        if rows is None:
            continue
        u_lo, u_hi = starts[rows], ends[rows]
        for lo, hi in zip(group["start"].to_numpy(), group["end"].to_numpy(), strict=True):
            inter = np.minimum(u_hi, hi) - np.maximum(u_lo, lo)
            ok = (inter > 0) & ((inter >= share * (u_hi - u_lo)) | (inter >= share * (hi - lo)))
            hit[rows[ok]] = True
    return hit
