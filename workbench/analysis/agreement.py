"""Inter-coder agreement: percent agreement, Cohen's κ and Krippendorff's α per code.

Two or more coders code the same documents; for each code, every *unit* is a
yes/no decision per coder ("did this coder apply the code here?"):

- at **character level** the units are the characters of the documents
  compared, and a coder applies a code to a character that one of their
  codings of that code covers;
- at **segment level** the units are given segments (speaker turns,
  sentences), and a coder applies a code to a segment when one of their
  codings of that code overlaps it (shares at least one character).

Everything is computed from counts, never from lists of units: per code, the
number of units that exactly k coders applied the code to (k = 0…n) and the
number each coder applied it to. Character counts come from interval
arithmetic on the codings (a sweep over starts and ends), so a corpus of
millions of characters costs what its codings cost.

Measures (binary nominal data, no missing values: every coder decides on
every unit):

- ``percent_agreement``: the mean over units of the share of coder pairs that
  agree (for two coders, the share of units where they agree), in %;
- ``kappa``: Cohen's κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own rate
  (two coders only, NaN otherwise);
- ``alpha``: Krippendorff's α (nominal) = 1 − (n·· − 1)·o₀₁ / (n₀·n₁), from
  the coincidence counts (see docs/agreement.md); equal to ``krippendorff.alpha``
  on the same reliability data.

The overall row ("(ensemble)") pools every code × unit decision as one binary
variable; the mean of the per-code values is in ``attrs``. A measure that is
undefined (a code nobody or everybody applied: no variation) is NaN and the
``note`` column says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError

OVERALL = "(ensemble)"
CHARACTER = "caractère"
SEGMENT = "segment"
CODING_COLUMNS = ("document", "code", "coder", "start", "end")
POOLED = "toutes les décisions code × unité regroupées en une seule variable binaire"


def prepare(codings: pd.DataFrame, *, coders: Sequence[str] | None = None,
            codes: Sequence[str] | None = None,
            documents: Iterable[object] | None = None) -> tuple[pd.DataFrame, list[str],
                                                                list[str]]:
    """The codings of the compared coders, codes and documents, with the coders and codes.

    Defaults: every coder and code present, sorted. At least two coders are needed.
    """
    missing = [c for c in CODING_COLUMNS if c not in codings.columns]
    if missing:
        raise WorkbenchError(f"le tableau des codages doit avoir les colonnes "
                             f"{', '.join(CODING_COLUMNS)} ; il manque : {', '.join(missing)}.")
    frame = codings.loc[:, list(CODING_COLUMNS)]
    coders = sorted(frame["coder"].dropna().unique()) if coders is None else list(coders)
    if len(coders) < 2:
        raise WorkbenchError(
            f"l'accord demande au moins deux codeur·euses, il y en a {len(coders)} "
            f"({', '.join(coders)}) ; codez d'abord les mêmes documents sous un autre nom de "
            "codeur·euse.")
    if len(set(coders)) != len(coders):
        raise WorkbenchError(f"un·e codeur·euse est cité·e deux fois : {', '.join(coders)}.")
    codes = sorted(frame["code"].dropna().unique()) if codes is None else list(codes)
    keep = frame["coder"].isin(coders) & frame["code"].isin(codes)
    if documents is not None:
        keep &= frame["document"].isin(list(documents))
    frame = frame[keep].astype({"start": "int64", "end": "int64"})
    bad = frame[frame["end"] < frame["start"]]
    if len(bad):
        row = bad.iloc[0]
        raise WorkbenchError(f"document « {row['document']} » : un codage finit avant de "
                             f"commencer ({row['start']}–{row['end']}).")
    return frame.reset_index(drop=True), coders, codes


def merged(codings: pd.DataFrame) -> pd.DataFrame:
    """Each (document, code, coder)'s codings as disjoint intervals (overlaps joined)."""
    keys = ["document", "code", "coder"]
    frame = codings[codings["end"] > codings["start"]].sort_values([*keys, "start"])
    if frame.empty:
        return frame.loc[:, [*keys, "start", "end"]].reset_index(drop=True)
    group = frame.groupby(keys, sort=False).ngroup().to_numpy()
    starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
    reach = pd.Series(ends).groupby(group).cummax().to_numpy()  # furthest end so far
    fresh = np.ones(len(frame), dtype=bool)
    fresh[1:] = (group[1:] != group[:-1]) | (starts[1:] > reach[:-1])
    out = frame.loc[fresh, keys].reset_index(drop=True)
    out["start"] = starts[fresh]
    out["end"] = np.maximum.reduceat(ends, np.flatnonzero(fresh))
    return out


def _clip(codings: pd.DataFrame, lengths: Mapping[object, int]) -> pd.DataFrame:
    """Codings of the documents compared, clipped to their text."""
    frame = codings[codings["document"].isin(list(lengths))].copy()
    top = frame["document"].map(lengths).astype("int64")
    frame["start"] = frame["start"].clip(lower=0).clip(upper=top)
    frame["end"] = np.minimum(frame["end"].to_numpy(), top.to_numpy())
    return frame


def _lengths(documents: pd.DataFrame | Mapping[object, int]) -> dict[object, int]:
    if isinstance(documents, pd.DataFrame):
        if not {"document", "length"} <= set(documents.columns):
            raise WorkbenchError("le tableau des documents doit avoir les colonnes document et "
                                 "length.")
        return dict(zip(documents["document"], documents["length"].astype(int), strict=True))
    return {k: int(v) for k, v in documents.items()}


def character_counts(codings: pd.DataFrame, lengths: Mapping[object, int], coders: list[str],
                     codes: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Per code: units (characters) by number of coders applying it, and units per coder.

    Returns ``(levels, applied, n_units)``: ``levels[c, k]`` characters that
    exactly k coders coded with code c; ``applied[c, j]`` characters coder j
    coded with code c; ``n_units`` characters of the documents compared.
    """
    n_units = int(sum(lengths.values()))
    levels = np.zeros((len(codes), len(coders) + 1), dtype=np.int64)
    applied = np.zeros((len(codes), len(coders)), dtype=np.int64)
    spans = merged(_clip(codings, lengths))
    if len(spans):
        code_ix = spans["code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
        coder_ix = spans["coder"].map({c: i for i, c in enumerate(coders)}).to_numpy()
        size = (spans["end"] - spans["start"]).to_numpy()
        np.add.at(applied, (code_ix, coder_ix), size)
        # Sweep: +1 at each start, −1 at each end, per (code, document); the running sum
        # is the number of coders covering the stretch up to the next event.
        doc_ix = spans["document"].map({d: i for i, d in enumerate(lengths)}).to_numpy()
        group = np.concatenate([code_ix * len(lengths) + doc_ix] * 2)
        pos = np.concatenate([spans["start"].to_numpy(), spans["end"].to_numpy()])
        delta = np.concatenate([np.ones(len(spans), np.int64), -np.ones(len(spans), np.int64)])
        order = np.lexsort((pos, group))
        group, pos, delta = group[order], pos[order], delta[order]
        depth = np.cumsum(delta)  # each group sums to 0, so one running sum serves all
        stretch = np.diff(pos, append=pos[-1])
        inside = (depth > 0) & (np.diff(group, append=group[-1]) == 0)
        code_of = group[inside] // len(lengths)
        np.add.at(levels, (code_of, depth[inside]), stretch[inside])
    levels[:, 0] = n_units - levels[:, 1:].sum(axis=1)
    return levels, applied, n_units


def sorted_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Segments ordered by document and start, numbered `unit`; overlapping ones refused."""
    if not {"document", "start", "end"} <= set(segments.columns):
        raise WorkbenchError("le tableau des segments doit avoir les colonnes document, start "
                             "et end.")
    frame = segments.sort_values(["document", "start"], kind="stable").reset_index(drop=True)
    frame = frame.astype({"start": "int64", "end": "int64"})
    same = frame["document"].eq(frame["document"].shift())
    clash = same & (frame["start"] < frame["end"].shift())
    if clash.any():
        row = frame[clash].iloc[0]
        raise WorkbenchError(f"document « {row['document']} » : des segments se chevauchent "
                             f"vers la position {row['start']} ; les unités ne doivent pas "
                             "partager de caractères.")
    frame["unit"] = np.arange(len(frame))
    return frame


def segment_hits(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """(unit, code, coder) once for each segment a coder's coding of a code overlaps.

    `segments` as returned by :func:`sorted_segments`.
    """
    spans = merged(codings)
    columns = ["unit", "code", "coder"]
    if spans.empty or segments.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "unit" else object)
                             for c in columns})
    parts = []
    for doc, seg in segments.groupby("document", sort=False):
        mine = spans[spans["document"] == doc]
        if mine.empty:
            continue
        starts, ends = seg["start"].to_numpy(), seg["end"].to_numpy()
        # Sorted, disjoint segments: those overlapping [a, b) are one index range.
        lo = np.searchsorted(ends, mine["start"].to_numpy(), side="right")
        hi = np.searchsorted(starts, mine["end"].to_numpy(), side="left")
        count = np.maximum(hi - lo, 0)
        if not count.any():
            continue
        rows = np.repeat(np.arange(len(mine)), count)
        offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        units = seg["unit"].to_numpy()[np.repeat(lo, count) + offset]
        parts.append(pd.DataFrame({"unit": units, "code": mine["code"].to_numpy()[rows],
                                   "coder": mine["coder"].to_numpy()[rows]}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "unit" else object)
                             for c in columns})
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


def segment_counts(codings: pd.DataFrame, segments: pd.DataFrame, coders: list[str],
                   codes: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """As :func:`character_counts`, the units being the segments."""
    seg = sorted_segments(segments)
    hits = segment_hits(codings[codings["document"].isin(set(seg["document"]))], seg)
    levels = np.zeros((len(codes), len(coders) + 1), dtype=np.int64)
    applied = np.zeros((len(codes), len(coders)), dtype=np.int64)
    if len(hits):
        code_ix = hits["code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
        coder_ix = hits["coder"].map({c: i for i, c in enumerate(coders)}).to_numpy()
        np.add.at(applied, (code_ix, coder_ix), 1)
        per_unit = pd.DataFrame({"c": code_ix, "u": hits["unit"].to_numpy()}) \
            .groupby(["c", "u"]).size()
        np.add.at(levels, (per_unit.index.get_level_values("c").to_numpy(),
                           per_unit.to_numpy()), 1)
    levels[:, 0] = len(seg) - levels[:, 1:].sum(axis=1)
    return levels, applied, len(seg)


def measures(levels: np.ndarray, applied: np.ndarray) -> dict[str, float | str]:
    """Percent agreement, Cohen's κ (two coders) and Krippendorff's α from the counts.

    `levels[k]`: units that exactly k of the n coders applied the code to;
    `applied[j]`: units coder j applied it to. Undefined measures are NaN and
    `note` says why.
    """
    n = len(applied)
    k = np.arange(n + 1)
    units = int(levels.sum())
    out: dict[str, float | str] = {"percent_agreement": np.nan, "expected_agreement": np.nan,
                                   "kappa": np.nan, "alpha": np.nan, "note": ""}
    notes = []
    if units == 0:
        out["note"] = "aucune unité à comparer"
        return out
    agreeing_pairs = k * (k - 1) + (n - k) * (n - k - 1)
    out["percent_agreement"] = 100 * float((levels * agreeing_pairs).sum()) / (units * n * (n - 1))
    ones = int((levels * k).sum())
    pairable = units * n
    zeros = pairable - ones
    if n == 2:
        p1, p2 = applied / units
        po = float(levels[0] + levels[2]) / units
        pe = float(p1 * p2 + (1 - p1) * (1 - p2))
        out["expected_agreement"] = pe
        if pe < 1:
            out["kappa"] = (po - pe) / (1 - pe)
    else:
        notes.append(f"κ de Cohen : deux codeurs exactement (ici {n}) ; lire α")
    if ones and zeros:
        o01 = float((levels * k * (n - k)).sum()) / (n - 1)
        out["alpha"] = 1 - (pairable - 1) * o01 / (zeros * ones)
    if ones == 0:
        notes.append("code appliqué par aucun codeur : κ et α indéfinis")
    elif zeros == 0:
        notes.append("code appliqué partout par tous : κ et α indéfinis")
    out["note"] = " ; ".join(notes)
    return out


def agreement_table(levels: np.ndarray, applied: np.ndarray, n_units: int, *,
                    coders: list[str], codes: list[str], unit: str) -> pd.DataFrame:
    """One row per code and the pooled "(ensemble)" row, from the counts."""
    rows = []
    labels = [*codes, OVERALL]
    all_levels = np.vstack([levels, levels.sum(axis=0)])
    all_applied = np.vstack([applied, applied.sum(axis=0)])
    n = len(coders)
    for label, lv, ap in zip(labels, all_levels, all_applied, strict=True):
        row: dict[str, object] = {"code": label, "unit": unit, "units": int(lv.sum()),
                                  "units_any": int(lv[1:].sum()), "units_all": int(lv[n])}
        row.update({f"units_{c}": int(a) for c, a in zip(coders, ap, strict=True)})
        row.update(measures(lv, ap))
        row.update(coders=", ".join(coders), n_coders=n, note=row.pop("note"))
        rows.append(row)
    frame = pd.DataFrame(rows)
    if len(codes):
        frame.loc[frame["code"] == OVERALL, "note"] = (
            f"{len(codes)} codes × {n_units} unités regroupés"
            + ("" if not frame["note"].iloc[-1] else " ; " + frame["note"].iloc[-1]))
    per_code = frame.iloc[:-1]
    frame.attrs.update(
        unit=unit, n_units=n_units, coders=list(coders), codes=list(codes), pooled=POOLED,
        mean_percent_agreement=_mean(per_code["percent_agreement"]),
        mean_kappa=_mean(per_code["kappa"]), mean_alpha=_mean(per_code["alpha"]))
    return frame


def _mean(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.mean()) if len(values) else float("nan")


def agreement(codings: pd.DataFrame, documents: pd.DataFrame | Mapping[object, int], *,
              coders: Sequence[str] | None = None, codes: Sequence[str] | None = None,
              segments: pd.DataFrame | None = None, unit: str | None = None) -> pd.DataFrame:
    """Agreement between coders on the same documents, per code and overall.

    `codings`: document, code, coder, start, end (``end`` exclusive).
    `documents`: the documents compared (a frame with document and length, or
    {document: length}); codings of other documents are ignored, and a
    document a coder did not code counts as "not applied" everywhere.
    `coders`, `codes`: those compared (default: all present; a code given but
    never used gets a row with NaN κ and α and a note).
    `segments`: document, start, end of the units (turns, sentences) for
    segment level; None for character level. `unit`: the unit's name in the
    output (default "caractère", or "segment").

    Returns one row per code then the "(ensemble)" row pooling every code ×
    unit decision: units, units_any (applied by at least one coder), units_all
    (by all), units_<coder>, percent_agreement, expected_agreement (pₑ of κ),
    kappa, alpha, coders, n_coders, note. ``attrs``: unit, n_units, coders,
    codes, pooled, and the means over codes (mean_percent_agreement,
    mean_kappa, mean_alpha; codes with an undefined value left out).
    """
    lengths = _lengths(documents)
    frame, coders, codes = prepare(codings, coders=coders, codes=codes, documents=lengths)
    if segments is None:
        levels, applied, n_units = character_counts(frame, lengths, coders, codes)
        unit = unit or CHARACTER
    else:
        segments = segments[segments["document"].isin(list(lengths))]
        levels, applied, n_units = segment_counts(frame, segments, coders, codes)
        unit = unit or SEGMENT
    table = agreement_table(levels, applied, n_units, coders=coders, codes=codes, unit=unit)
    table.attrs["n_documents"] = len(lengths)
    return table
