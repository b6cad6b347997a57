"""Themes and speech by group: women and men, young and older respondents.

The studies ask for "the place held and the forms of involvement of women and
young people". Groups rarely have the same size, so a theme's prevalence is
the share of the group's cases who raised it (unit: cases), and a test comes
with its counts and a warning when they are too small to trust it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.analysis.codes import MISSING, roll_up, select_codes, split_values
from workbench.analysis.matrix import value_label
from workbench.errors import WorkbenchError

MIN_EXPECTED = 5  # Cochran's rule: below, the chi-square approximation is unreliable
INTERVIEWERS = "enquêteur·rice"
# The tests as a researcher reads them in the `test` column.
FISHER = "exact de Fisher"
CHI2 = "khi-deux"
TEST_COLUMNS = ("code", "counts", "test", "chi2", "odds_ratio", "p_value", "min_expected",
                "warning")


def age_groups(frame: pd.DataFrame, *, column: str = "age", young_max: int = 35,
               name: str = "jeunesse") -> pd.DataFrame:
    """Add a `name` column: "jeunes (≤ 35 ans)" or "plus de 35 ans" from `column`;
    empty when the age is unknown. The threshold is the studies' (15–35 years)."""
    if column not in frame.columns:
        raise WorkbenchError(f"pas de colonne « {column} » pour faire des classes d'âge.")
    ages = pd.to_numeric(frame[column], errors="coerce")
    out = frame.copy()
    out[name] = np.where(ages.isna(), np.array(None, dtype=object),  # None where unknown
                         np.where(ages <= young_max, f"jeunes (≤ {young_max} ans)",
                                  f"plus de {young_max} ans"))
    return out


def group_sizes(respondents: pd.DataFrame, by: str, *, split: str | None = None) -> pd.Series:
    """Respondents per value of `by` (unit: cases), each value labelled as a matrix
    column is ("58", "oui", "(non renseigné)" for an empty one); `split`: separator of a
    several-valued attribute, whose cases count in each of their values' groups.

    `respondents`: the population of `analysis.population.respondents` (one row per
    case), so a group's size counts those who never raised a theme too.
    """
    if by not in respondents.columns:
        raise WorkbenchError(f"les enquêté·es n'ont pas d'attribut « {by} ».")
    groups = respondents[["case", by]].drop_duplicates("case")
    groups = groups.assign(**{by: groups[by].map(value_label)})
    if split:
        groups = split_values(groups, by, split)
    return groups.groupby(by)["case"].nunique().rename_axis("group").rename("cases")


def prevalence(extracts: pd.DataFrame, codes: pd.DataFrame, respondents: pd.DataFrame,
               by: str, *, rows: Iterable[str] | None = None,
               include_children: bool = True) -> pd.DataFrame:
    """Share of each group's cases who raised each theme (unit: cases).

    `respondents`: one row per case of the population (columns `case` and `by`),
    so a group's size counts those who never raised the theme. Columns: code,
    group, cases_coded, cases_in_group, pct.
    """
    if by not in respondents.columns:
        raise WorkbenchError(f"les enquêté·es n'ont pas d'attribut « {by} ».")
    keys = select_codes(codes, rows)
    groups = respondents[["case", by]].drop_duplicates("case")
    groups = groups.assign(group=groups[by].map(value_label))[["case", "group"]]
    sizes = group_sizes(respondents, by)
    frame = roll_up(extracts, codes, include_children=include_children)
    frame = frame[frame["tally"].isin(keys)].merge(groups, on="case", how="inner")
    coded = frame.groupby(["tally", "group"])["case"].nunique()
    index = pd.MultiIndex.from_product([keys, sizes.index], names=["code", "group"])
    out = coded.reindex(index, fill_value=0).rename("cases_coded").reset_index()
    out["cases_in_group"] = out["group"].map(sizes).astype("int64")
    out["pct"] = (100 * out["cases_coded"] / out["cases_in_group"]).round(1)
    out.attrs.update(unit="cases", by=by)
    return out


def group_tests(table: pd.DataFrame, *, skip: Iterable[str] = (MISSING,)) -> pd.DataFrame:
    """A test of independence per theme: raised / not raised × group (unit: cases).

    `table` comes from :func:`prevalence`. A 2×2 table with an expected count
    under 5 gets Fisher's exact test; otherwise a chi-square test, with a
    warning when expected counts are under 5. Each row carries the counts
    ("F 5/9 ; H 2/8"): never a p-value without them. Groups in `skip`
    (unknown values) are left out.

    Each test's own quantity has its own column, NaN where the other test ran:
    `chi2`, the chi-square statistic; `odds_ratio`, Fisher's sample odds ratio:
    the odds that a case of the first group of `counts` raised the theme over
    the same odds in the second group (0 or inf when a count is zero).
    """
    from scipy import stats  # 0.4 s to import: only when a test runs

    records = []
    for code, rows in table.groupby("code", sort=False):
        rows = rows[~rows["group"].isin(list(skip))]
        counts = " ; ".join(f"{g} {c}/{n}" for g, c, n in zip(
            rows["group"], rows["cases_coded"], rows["cases_in_group"], strict=True))
        observed = np.array([rows["cases_coded"].to_numpy(),
                             (rows["cases_in_group"] - rows["cases_coded"]).to_numpy()])
        record = {"code": code, "counts": counts, "test": None, "chi2": np.nan,
                  "odds_ratio": np.nan, "p_value": np.nan, "min_expected": np.nan,
                  "warning": ""}
        if observed.shape[1] < 2:
            record["warning"] = "un seul groupe : pas de comparaison possible"
        elif (observed.sum(axis=1) == 0).any():
            record["warning"] = ("thème soulevé par personne" if observed[0].sum() == 0
                                 else "thème soulevé par tous les cas")
        else:
            expected = stats.contingency.expected_freq(observed)
            record["min_expected"] = round(float(expected.min()), 2)
            small = expected.min() < MIN_EXPECTED
            if observed.shape == (2, 2) and small:
                fisher = stats.fisher_exact(observed)
                record.update(test=FISHER, odds_ratio=round(float(fisher.statistic), 3),
                              p_value=float(fisher.pvalue),
                              warning="effectifs attendus < 5 : test exact de Fisher")
            else:
                chi2 = stats.chi2_contingency(observed, correction=False)
                record.update(test=CHI2, chi2=round(float(chi2.statistic), 3),
                              p_value=float(chi2.pvalue))
                if small:
                    record["warning"] = ("effectifs attendus < 5 : khi-deux peu fiable, "
                                         "à lire comme indicatif")
        records.append(record)
    out = pd.DataFrame(records, columns=list(TEST_COLUMNS))
    out.attrs.update(unit="cases", by=table.attrs.get("by"))
    return out


def speech_shares(tokens: pd.DataFrame, by: str, *, include_interviewers: bool = False,
                  mixed_only: bool = True) -> pd.DataFrame:
    """Words and turns spoken by each group in each document, and their shares.

    Unit: spoken words (tokens that are not punctuation, space, transcription
    markup or filler) and turns. `tokens` comes from ``Project.tokens()``.
    Interviewers form their own group when `include_interviewers`, else are
    left out of the shares. `mixed_only`: only documents where at least two
    groups speak (focus groups and mixed interviews).
    """
    if by not in tokens.columns:
        raise WorkbenchError(f"les mots (tokens) n'ont pas d'attribut « {by} ».")
    spoken = tokens[~tokens["is_punct"] & ~tokens["is_space"] & ~tokens["is_markup"]
                    & tokens["idx"].notna() & tokens["speaker"].notna()].copy()
    spoken["group"] = spoken[by].map(value_label)
    interviewer = spoken["role"].eq("interviewer")
    if include_interviewers:
        spoken.loc[interviewer, "group"] = INTERVIEWERS
    else:
        spoken = spoken[~interviewer]
    grouped = spoken.groupby(["document", "group"])
    out = pd.DataFrame({"words": grouped.size(), "turns": grouped["idx"].nunique(),
                        "speakers": grouped["speaker"].nunique()}).reset_index()
    voices = out[out["group"].ne(INTERVIEWERS)].groupby("document")["group"].nunique()
    if mixed_only:
        out = out[out["document"].map(voices).fillna(0) >= 2]
    for count in ("words", "turns"):
        totals = out.groupby("document")[count].transform("sum")
        out[f"share_{count}"] = (100 * out[count] / totals).round(1)
    out = out.reset_index(drop=True)
    out.attrs.update(unit="spoken words, turns", by=by)
    return out


def tone_by_group(scored: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Mean polarity and share of positive / negative extracts per group (unit: codings).

    `scored` comes from ``Project.sentiment()`` (columns polarite, tonalite). An
    indicator to point at extracts worth reading, not a finding by itself.
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in scored.columns]
    if missing:
        raise WorkbenchError(f"il manque aux extraits la ou les colonnes {', '.join(missing)}.")
    frame = scored.assign(**{k: scored[k].map(value_label) for k in keys if k != "code"})
    grouped = frame.groupby(keys)
    out = pd.DataFrame({
        "extracts": grouped.size(),
        "mean_polarity": grouped["polarite"].mean().round(3),
        "pct_positive": (100 * grouped["tonalite"].agg(lambda s: (s == "positif").mean()))
        .round(1),
        "pct_negative": (100 * grouped["tonalite"].agg(lambda s: (s == "négatif").mean()))
        .round(1),
    }).reset_index()
    out.attrs.update(unit="codings", by=by)
    return out
