"""Bar charts: themes, theme prevalence by group, shares of speech."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workbench.viz.figures import PALETTE, french_number, group_colours, new_figure, wrap

VALUE_LABELS = {"cases": "Nombre de cas", "codings": "Nombre de codages",
                "documents": "Nombre de documents", "pct_cases": "% des cas"}


def themes_bar(frequencies: pd.DataFrame, *, value: str = "cases", depth: int | None = 0,
               top: int | None = None, title: str = "Thèmes abordés") -> Figure:
    """Horizontal bars of a code frequency table (from ``code_frequencies``), biggest on top.

    `value`: cases, codings, documents or pct_cases. `depth`: only codes at this
    level (0: main themes; None: all, with their path).
    """
    if value not in VALUE_LABELS:
        raise ValueError(f"value must be one of {', '.join(VALUE_LABELS)}, not '{value}'.")
    table = frequencies if depth is None else frequencies[frequencies["depth"] == depth]
    table = table.sort_values([value, "name"], ascending=[False, True])
    if top:
        table = table.head(top)
    labels = table["name"] if depth is not None else table["path"]
    figure, axis = new_figure(8, 0.9 + 0.32 * max(len(table), 1))
    positions = np.arange(len(table))[::-1]
    axis.barh(positions, table[value], color=PALETTE[0])
    axis.set_yticks(positions, [wrap(label, 45) for label in labels])
    for y, v in zip(positions, table[value], strict=True):
        text = f"{french_number(v, 1)} %" if value == "pct_cases" else french_number(v)
        axis.annotate(text, (v, y), xytext=(3, 0), textcoords="offset points", va="center",
                      fontsize=8)
    n_cases = frequencies.attrs.get("n_cases")
    unit = VALUE_LABELS[value]
    axis.set_xlabel(f"{unit} (sur {n_cases} répondants)" if n_cases and "cas" in unit
                    else unit)
    axis.set_title(title, fontsize=12, loc="left")
    if not len(table):
        axis.text(0.5, 0.5, "Aucun codage", transform=axis.transAxes, ha="center")
    return figure


def prevalence_bars(prevalence: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                    title: str = "Thèmes selon le groupe",
                    groups_label: str = "") -> Figure:
    """Grouped bars: for each theme, the % of each group's cases who raised it,
    annotated with the counts ("3/10") so small groups show as small."""
    codes = list(dict.fromkeys(prevalence["code"]))
    groups = list(dict.fromkeys(prevalence["group"]))
    colours = group_colours(groups)
    height = 1.0 + 0.28 * len(codes) * max(len(groups), 2)
    figure, axis = new_figure(8, min(height, 30))
    bar = 0.8 / len(groups)
    base = np.arange(len(codes))[::-1].astype(float)
    for i, (group, colour) in enumerate(zip(groups, colours, strict=True)):
        rows = prevalence[prevalence["group"] == group].set_index("code").reindex(codes)
        y = base + 0.4 - bar * (i + 0.5)
        sizes = rows["cases_in_group"].fillna(0).astype(int)
        axis.barh(y, rows["pct"], height=bar * 0.95, color=colour,
                  label=f"{group} (n = {sizes.max()})")
        for yy, pct, coded, n in zip(y, rows["pct"], rows["cases_coded"], sizes, strict=True):
            axis.annotate(f"{int(coded)}/{n}", (pct, yy), xytext=(3, 0), va="center",
                          textcoords="offset points", fontsize=7)
    axis.set_yticks(base, [wrap((labels or {}).get(c, c), 40) for c in codes])
    axis.set_xlabel("% des cas du groupe ayant abordé le thème")
    axis.set_xlim(0, 110)
    figure.legend(title=groups_label or None, fontsize=8, loc="outside lower center",
                  ncol=min(len(groups), 4), frameon=False)
    axis.set_title(title, fontsize=12, loc="left")
    return figure


def speech_bars(shares: pd.DataFrame, *, value: str = "share_words",
                title: str = "Répartition de la parole") -> Figure:
    """Stacked 100 % bars: each document's share of words (or turns) by group."""
    if value not in ("share_words", "share_turns"):
        raise ValueError("value must be 'share_words' or 'share_turns'.")
    count = value.removeprefix("share_")
    documents = list(dict.fromkeys(shares["document"]))
    groups = list(dict.fromkeys(sorted(shares["group"], key=lambda g: (g.startswith("("), g))))
    figure, axis = new_figure(8, 1.2 + 0.5 * max(len(documents), 1))
    left = np.zeros(len(documents))
    positions = np.arange(len(documents))[::-1]
    for group, colour in zip(groups, group_colours(groups), strict=True):
        rows = shares[shares["group"] == group].set_index("document").reindex(documents)
        widths = rows[value].fillna(0).to_numpy()
        axis.barh(positions, widths, left=left, color=colour, label=group)
        for y, x, w, n in zip(positions, left, widths, rows[count].fillna(0), strict=True):
            if w >= 7:
                axis.text(x + w / 2, y, f"{french_number(w)} %\n({french_number(n)})",
                          ha="center", va="center", fontsize=7, color="white")
        left += widths
    axis.set_yticks(positions, documents)
    axis.set_xlim(0, 100)
    axis.set_xlabel("% des mots prononcés" if count == "words" else "% des tours de parole")
    figure.legend(fontsize=8, loc="outside lower center", ncol=min(len(groups), 4),
                  frameon=False)
    axis.set_title(title, fontsize=12, loc="left")
    return figure
