"""Word statistics on lemmas: frequencies by group, by code, and distinctive words.

Unit of analysis: word tokens (`is_word`: no stop word, punctuation, markup,
filler, number or non-Latin script), counted by lemma.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd


def words_only(tokens: pd.DataFrame) -> pd.DataFrame:
    """The tokens that word statistics count."""
    return tokens[tokens["is_word"].astype(bool)]


def lemma_frequencies(tokens: pd.DataFrame, *, by: str | list[str] | None = None,
                      top: int | None = None) -> pd.DataFrame:
    """Lemma counts (and share of the group's words), overall or per group column(s).

    Unit: word tokens. `share` is the lemma's count over all counted words of
    its group, so groups of different sizes compare.
    """
    words = words_only(tokens)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    counts = words.groupby([*keys, "lemma"], dropna=False).size().rename("count").reset_index()
    totals = counts.groupby(keys, dropna=False)["count"].transform("sum") if keys else \
        counts["count"].sum()
    counts["share"] = (counts["count"] / totals).round(5)
    counts = counts.sort_values([*keys, "count", "lemma"], ascending=[*[True] * len(keys),
                                                                      False, True])
    if top is not None:
        counts = counts.groupby(keys, dropna=False).head(top) if keys else counts.head(top)
    return counts.reset_index(drop=True)


def tokens_in_spans(tokens: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Tokens lying inside each span (document, start, end, + the span's columns).

    A token inside two spans appears twice, once per span: each extract counts
    its own words.
    """
    pieces = []
    extra = [c for c in spans.columns if c not in ("document", "start", "end")]
    for doc, group in spans.groupby("document", sort=False):
        mine = tokens[tokens["document"] == doc].sort_values("start")
        starts, ends = mine["start"].to_numpy(), mine["end"].to_numpy()
        for row in group.itertuples(index=False):
            # a row's fields are typed as any scalar; these columns hold offsets
            lo = np.searchsorted(starts, cast(int, row.start), side="left")
            hi = np.searchsorted(ends, cast(int, row.end), side="right")
            if hi > lo:
                piece = mine.iloc[lo:hi].copy()
                for column in extra:
                    piece[f"span_{column}" if column in piece.columns else column] = \
                        getattr(row, column)
                pieces.append(piece)
    if not pieces:
        return tokens.iloc[0:0]
    return pd.concat(pieces, ignore_index=True)


def distinctive_words(tokens: pd.DataFrame, *, column: str, value: object,
                      min_count: int = 3, prior: float = 0.01,
                      top: int | None = 30) -> pd.DataFrame:
    """Lemmas most typical of the group `column == value` against the rest.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
    & Quinn 2008, "Fightin' Words"): the prior is the whole corpus' lemma
    frequencies scaled to `prior` × corpus size, which shrinks rare words
    toward zero; `z` is the log-odds divided by its standard deviation, so
    |z| > 1.96 reads as "clearly more (or less) used by this group". Unit:
    word tokens. Returns counts in and out of the group, the log-odds and z,
    most distinctive first (positive z = typical of the group).
    """
    words = words_only(tokens)
    inside = words[column] == value
    a = words[inside].groupby("lemma").size()
    b = words[~inside].groupby("lemma").size()
    table = pd.DataFrame({"count_group": a, "count_rest": b}).fillna(0).astype(int)
    total = table.sum(axis=1)
    table = table[total >= min_count]
    if table.empty:
        return table.assign(log_odds=[], z=[]).reset_index(names="lemma")
    alpha = (total[table.index] / total.sum()) * (prior * total.sum())
    alpha0 = alpha.sum()
    n_a, n_b = table["count_group"].sum(), table["count_rest"].sum()
    ya, yb = table["count_group"], table["count_rest"]
    delta = (np.log((ya + alpha) / (n_a + alpha0 - ya - alpha))
             - np.log((yb + alpha) / (n_b + alpha0 - yb - alpha)))
    variance = 1 / (ya + alpha) + 1 / (yb + alpha)
    table["log_odds"] = delta.round(4)
    table["z"] = (delta / np.sqrt(variance)).round(3)
    table = table.sort_values("z", ascending=False).reset_index(names="lemma")
    return table.head(top) if top else table
