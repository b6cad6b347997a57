"""Who is counted: one definition of the respondent population and of a coding's case.

Every count by case — theme frequencies, matrices, prevalence and tests, the COPIL
dashboard's cards and charts, the annex sheets, « Personnes rencontrées » — goes
through these two functions, so that their numbers agree with each other:

- a **respondent** is a person case that speaks at least one turn that is not an
  interviewer's (the turn table's `case` is already None on interviewer turns unless
  the sheet links that speaker to a case);
- a coding **counts for a case** only when that case is a respondent: a coding on an
  interviewer's turn, on an organisation's or on a turn nobody is linked to counts as
  a coding and for its document, never for a case.
"""

from __future__ import annotations

import pandas as pd

ANALYSED = ("accepted",)  # the codings analyses count: reviewed and manual ones

INTERVIEWER = "interviewer"


def respondents(turns: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The respondent cases with their attributes (unit: cases), in case order.

    `turns`: one row per turn with `role` and `case` (see `coding.extracts.turn_table`);
    `cases`: one row per case with `case`, `case_kind` and the attributes.
    """
    role = turns["role"] if "role" in turns.columns else pd.Series(None, index=turns.index)
    speaking = set(turns.loc[role.ne(INTERVIEWER) & turns["case"].notna(), "case"])
    kept = cases[cases["case"].isin(speaking) & cases["case_kind"].eq("person")]
    return kept.reset_index(drop=True)


def counted(codings: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """`codings` with `case` emptied where it is not one of `population`'s cases, so that
    every count of distinct cases follows the same people (the coding itself still
    counts, as a coding and for its document)."""
    if "case" not in codings.columns:
        return codings
    inside = codings["case"].isin(set(population["case"])) | codings["case"].isna()
    if inside.all():
        return codings
    out = codings.copy()
    out["case"] = out["case"].astype(object).where(inside, None)
    return out
