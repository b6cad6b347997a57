"""Times of speaker turns: the times a transcript gives, and estimates for the turns it
leaves without (pure functions, DataFrame in, DataFrame out).

Timed formats (.trs, .TextGrid, .vtt/.srt) time every turn; text with ``[hh:mm:ss]``
marks times some turns, by their start only; other documents none. A turn without a
time gets one by linear interpolation on character offsets between the nearest known
times around it (the text is taken to be spoken at an even pace between two known
points). Before the first known time the recording's start (0 s) is the anchor when
the recording is known (a duration is given), after the last its end (the duration);
without a recording the pace of the neighbouring timed turn carries on (that of the
whole timed part when the turn gives none, else `CHARS_PER_SECOND`). A document with no
time at all is spread over the recording by character length; without a recording it
stays untimed (NaN). Every time computed is flagged ``interpolated``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

# The pace assumed when nothing else gives one: French read or spoken aloud runs at
# about 150-180 words a minute, some 13-17 characters a second with spaces.
CHARS_PER_SECOND = 15.0
# Each time column and the flag that says it was estimated.
FLAGS = {"t_start": "start_interpolated", "t_end": "end_interpolated"}


def _known(value: object) -> bool:
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def _anchors(turns: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Known (offset, time) points in text order, kept strictly increasing in offset and
    non-decreasing in time: an overlapping turn whose time goes back (two speakers at
    once) keeps its own times but does not bend the interpolation of its neighbours."""
    points: list[tuple[float, float]] = []
    for start, end, t0, t1 in zip(turns["start"], turns["end"], turns["t_start"],
                                  turns["t_end"], strict=True):
        if _known(t0):
            points.append((float(start), float(t0)))
        if _known(t1):
            points.append((float(end), float(t1)))
    points.sort(key=lambda p: p[0])
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        if xs and (x <= xs[-1] or y < ys[-1]):
            continue
        xs.append(x)
        ys.append(y)
    return xs, ys


def _rate(turns: pd.DataFrame, xs: Sequence[float], ys: Sequence[float],
          near: int) -> float:
    """Seconds per character: the pace of the timed turn at row `near`, else of the whole
    timed part, else `CHARS_PER_SECOND`."""
    row = turns.iloc[near]
    t0, t1 = row["t_start"], row["t_end"]
    if _known(t0) and _known(t1) and t1 > t0 and row["end"] > row["start"]:
        return float(t1 - t0) / float(row["end"] - row["start"])
    if len(xs) > 1 and xs[-1] > xs[0] and ys[-1] > ys[0]:
        return (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    return 1.0 / CHARS_PER_SECOND


def fill_times(turns: pd.DataFrame, *, duration: float | None = None) -> pd.DataFrame:
    """The turns with every time known or estimated.

    `turns`: one row per turn with ``start``, ``end`` (character offsets) and ``t_start``,
    ``t_end`` (seconds, NaN or None when the transcript gives none); other columns are
    kept. `duration`: the recording's length in seconds, None when unknown.

    Returns a copy in the same order with ``t_start`` and ``t_end`` as floats (NaN only
    for a document with no time and no duration), ``start_interpolated`` and
    ``end_interpolated`` (True where that time was estimated: a turn of a text with
    ``[hh:mm:ss]`` marks starts at its mark but ends at an estimate) and
    ``interpolated``: either of them.
    """
    out = turns.copy()
    for column in ("t_start", "t_end"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in FLAGS.values():
        out[column] = False
    out["interpolated"] = False
    if out.empty:
        return out
    if duration is not None and not (math.isfinite(duration) and duration > 0):
        duration = None
    order = out.sort_values("start", kind="stable")
    xs, ys = _anchors(order)
    first, last = float(order["start"].min()), float(order["end"].max())
    if not xs:
        if duration is None:
            return out
        xs, ys = [first, max(last, first + 1)], [0.0, float(duration)]
    else:
        xs, ys = list(xs), list(ys)
        timed = [i for i in range(len(order)) if _known(order.iloc[i]["t_start"])
                 or _known(order.iloc[i]["t_end"])]
        if first < xs[0]:
            if duration is not None:
                head = 0.0
            else:
                head = max(0.0, ys[0] - (xs[0] - first) * _rate(order, xs, ys, timed[0]))
            xs.insert(0, first)
            ys.insert(0, min(head, ys[0]))
        if last > xs[-1]:
            if duration is not None and duration >= ys[-1]:
                tail = float(duration)
            else:
                tail = ys[-1] + (last - xs[-1]) * _rate(order, xs, ys, timed[-1])
            xs.append(last)
            ys.append(tail)
    at = np.asarray(xs, dtype=float)
    times = np.asarray(ys, dtype=float)
    for column, offsets in (("t_start", "start"), ("t_end", "end")):
        missing = out[column].isna()
        if missing.any():
            estimated = np.interp(out.loc[missing, offsets].astype(float), at, times)
            out.loc[missing, column] = estimated
            out.loc[missing, FLAGS[column]] = True
    # An estimated end never precedes its own start (a turn timed by its start only).
    flip = out["t_end"] < out["t_start"]
    out.loc[flip, "t_end"] = out.loc[flip, "t_start"]
    out.loc[flip, "end_interpolated"] = True
    out["interpolated"] = out["start_interpolated"] | out["end_interpolated"]
    return out


def time_at(timeline: pd.DataFrame, offset: int, *, side: str) -> tuple[float, bool]:
    """The time of a character offset in a filled timeline (`fill_times`'s output, in text
    order), and whether it is an estimate.

    Inside a turn the time is placed in proportion to the characters between its start
    and end (an estimate unless the offset is one of the turn's bounds). Between two
    turns `side` decides: "start" takes the next turn's start, "end" the previous turn's
    end. Before the first turn or after the last, the nearest bound.
    """
    rows = timeline.sort_values("start", kind="stable")
    if rows.empty or rows["t_start"].isna().all():
        raise ValueError("the timeline has no times")
    starts, ends = rows["start"].to_numpy(), rows["end"].to_numpy()
    inside = np.flatnonzero((starts <= offset) & (offset <= ends))
    if len(inside):
        # The innermost turn holding the offset (the last that starts at or before it).
        row = rows.iloc[int(inside[-1]) if side == "start" else int(inside[0])]
        a, b = int(row["start"]), int(row["end"])
        t0, t1 = float(row["t_start"]), float(row["t_end"])
        if offset == a:
            return t0, _estimated(row, "t_start")
        if offset == b:
            return t1, _estimated(row, "t_end")
        share = (offset - a) / (b - a) if b > a else 0.0
        return t0 + share * (t1 - t0), True
    after = np.flatnonzero(starts > offset)
    before = np.flatnonzero(ends < offset)
    if (side == "start" and len(after)) or not len(before):
        row = rows.iloc[int(after[0])]
        return float(row["t_start"]), _estimated(row, "t_start")
    row = rows.iloc[int(before[-1])]
    return float(row["t_end"]), _estimated(row, "t_end")


def _estimated(row: pd.Series, column: str) -> bool:
    """Whether a filled row's `column` time was estimated (its own flag when the row has
    one, else the row's)."""
    return bool(row.get(FLAGS[column], row["interpolated"]))
