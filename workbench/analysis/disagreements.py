"""Where coders differ: the list a consensus meeting goes through.

At character level, each document is cut wherever a coder's coding of a code
starts or ends; a *piece* is a maximal stretch over which every coder applies
the same codes, and it is listed when some code is applied there by some
coders but not all. Adjacent listed pieces form one *passage* (`passage`
number), e.g. where one coder's span starts a few words before the other's.
At segment level (turns, sentences), each segment where some code is applied
by some coders and not by others is listed, with who applied what.

Each row gives every coder's codes (``codes_<coder>``, joined by "; "), the
codes in dispute and those all coders applied, and the text, sorted by
document and position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.analysis.agreement import merged, prepare, segment_hits, sorted_segments

SEP = "; "


def coder_column(coder: str) -> str:
    """The column holding a coder's codes in a disagreement list."""
    return f"codes_{coder}"


def coder_codes(row: Mapping[str, object], coder: str) -> list[str]:
    """A coder's codes on one row of a disagreement list."""
    value = row.get(coder_column(coder))
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return []
    return str(value).split(SEP)


def _states(cover: np.ndarray, pairs: list[tuple[int, int]], n_codes: int,
            n_coders: int) -> np.ndarray:
    """cover (pieces × pairs) → applied (pieces × codes × coders)."""
    state = np.zeros((len(cover), n_codes, n_coders), dtype=bool)
    for p, (code, coder) in enumerate(pairs):
        state[:, code, coder] = cover[:, p]
    return state


def _describe(state: np.ndarray, coders: list[str], codes: list[str]) -> dict[str, str]:
    """One piece's (codes × coders) state as the list's text columns."""
    count = state.sum(axis=1)
    out = {coder_column(c): SEP.join(codes[i] for i in np.flatnonzero(state[:, j]))
           for j, c in enumerate(coders)}
    out["disputed"] = SEP.join(codes[i] for i in np.flatnonzero((count > 0)
                                                                  & (count < len(coders))))
    out["agreed"] = SEP.join(codes[i] for i in np.flatnonzero(count == len(coders)))
    return out


def _meaningful(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def disagreement_spans(codings: pd.DataFrame, texts: Mapping[object, str], *,
                       coders: Sequence[str] | None = None,
                       codes: Sequence[str] | None = None,
                       ignore_trivial: bool = True) -> pd.DataFrame:
    """The pieces of text where coders' codes differ, character level.

    `codings`: document, code, coder, start, end. `texts`: {document: text} of
    the documents compared. `ignore_trivial`: leave out pieces without a
    letter or digit (a space or full stop one coder's span includes and the
    other's does not). Columns: document, passage, start, end, text,
    codes_<coder> for each coder, disputed, agreed.
    """
    frame, coders, codes = prepare(codings, coders=coders, codes=codes, documents=texts)
    code_ix = {c: i for i, c in enumerate(codes)}
    coder_ix = {c: i for i, c in enumerate(coders)}
    spans = merged(frame)
    rows: list[dict[str, object]] = []
    for doc in sorted(texts, key=str):
        mine = spans[spans["document"] == doc]
        if mine.empty:
            continue
        text = texts[doc]
        ends = np.minimum(mine["end"].to_numpy(), len(text))
        starts = np.minimum(mine["start"].to_numpy(), ends)
        cuts = np.unique(np.concatenate([starts, ends]))
        keys = list(zip(mine["code"].map(code_ix), mine["coder"].map(coder_ix), strict=True))
        pairs = sorted(set(keys))
        column = np.array([pairs.index(k) for k in keys])
        # Coverage of each elementary piece [cuts[i], cuts[i+1]) by each (code, coder).
        diff = np.zeros((len(cuts), len(pairs)), dtype=np.int64)
        np.add.at(diff, (np.searchsorted(cuts, starts), column), 1)
        np.add.at(diff, (np.searchsorted(cuts, ends), column), -1)
        state = _states(np.cumsum(diff, axis=0)[:-1] > 0, pairs, len(codes), len(coders))
        count = state.sum(axis=2)
        disputed = ((count > 0) & (count < len(coders))).any(axis=1)
        piece_start, previous = None, None
        for i in range(len(cuts) - 1):
            same = previous is not None and np.array_equal(state[i], state[previous])
            if piece_start is not None and not same:
                rows.append(_row(doc, text, cuts[piece_start], cuts[i], state[previous],
                                 coders, codes))
                piece_start = None
            if disputed[i] and piece_start is None:
                piece_start = i
            previous = i
        if piece_start is not None:
            rows.append(_row(doc, text, cuts[piece_start], cuts[-1], state[previous],
                             coders, codes))
    columns = ["document", "passage", "start", "end", "text",
               *(coder_column(c) for c in coders), "disputed", "agreed"]
    out = pd.DataFrame(rows, columns=[c for c in columns if c != "passage"])
    if ignore_trivial and len(out):
        out = out[out["text"].map(_meaningful)].reset_index(drop=True)
    touching = out["document"].eq(out["document"].shift()) & out["start"].eq(
        out["end"].shift())
    out.insert(1, "passage", np.cumsum(~touching.to_numpy()).astype("int64"))
    out.attrs.update(unit="caractère", coders=list(coders), codes=list(codes))
    return out


def _row(doc: object, text: str, start: int, end: int, state: np.ndarray,
         coders: list[str], codes: list[str]) -> dict[str, object]:
    return {"document": doc, "start": int(start), "end": int(end),
            "text": text[int(start):int(end)], **_describe(state, coders, codes)}


def segment_disagreements(codings: pd.DataFrame, segments: pd.DataFrame,
                          texts: Mapping[object, str] | None = None, *,
                          coders: Sequence[str] | None = None,
                          codes: Sequence[str] | None = None,
                          unit: str = "segment") -> pd.DataFrame:
    """The segments (turns, sentences) where some code is applied by some coders only.

    A coder applies a code to a segment when one of their codings of it
    overlaps the segment. `segments`: document, start, end, and any other
    columns to keep (speaker, idx…). `texts` gives the segments' text (else a
    `text` column of `segments` is kept). Columns: document, start, end, the
    segments' other columns, text, codes_<coder>, disputed, agreed.
    """
    seg = sorted_segments(segments)
    frame, coders, codes = prepare(codings, coders=coders, codes=codes,
                                   documents=set(seg["document"]))
    hits = segment_hits(frame, seg)
    code_ix = {c: i for i, c in enumerate(codes)}
    coder_ix = {c: i for i, c in enumerate(coders)}
    state = np.zeros((len(seg), len(codes), len(coders)), dtype=bool)
    if len(hits):
        state[hits["unit"].to_numpy(), hits["code"].map(code_ix).to_numpy(),
              hits["coder"].map(coder_ix).to_numpy()] = True
    count = state.sum(axis=2)
    listed = np.flatnonzero(((count > 0) & (count < len(coders))).any(axis=1))
    out = seg.iloc[listed].drop(columns=["unit"]).reset_index(drop=True)
    if texts is not None:
        out["text"] = [texts[d][a:b] for d, a, b in zip(out["document"], out["start"],
                                                        out["end"], strict=True)]
    described = pd.DataFrame([_describe(state[i], coders, codes) for i in listed],
                             columns=[*(coder_column(c) for c in coders), "disputed", "agreed"])
    out = pd.concat([out, described], axis=1)
    out.attrs.update(unit=unit, coders=list(coders), codes=list(codes))
    return out
