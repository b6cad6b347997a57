"""A schematic map that needs no tile server: from where the diaspora lives to where it acts."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from workbench.viz.figures import PALETTE, new_figure, wrap


def origin_flow_figure(links: pd.DataFrame, *, residence: str | None = None,
                       origin: str | None = None,
                       title: str = "Des lieux de résidence aux lieux d'origine",
                       residence_label: str = "Résidence",
                       origin_label: str = "Origine") -> Figure:
    """Places of residence (left) linked to places of origin (right): a link's width
    is its number of organisations, each place shows its total (from ``origin_links``,
    whose first two columns are the residence and origin columns unless named)."""
    residence = residence or str(links.columns[0])
    origin = origin or str(links.columns[1])
    left = list(links.groupby(residence)["organisations"].sum().sort_values(ascending=False)
                .index)
    right = list(links.groupby(origin)["organisations"].sum().sort_values(ascending=False)
                 .index)
    rows = max(len(left), len(right), 1)
    figure, axis = new_figure(9, 1.2 + 0.55 * rows)
    axis.axis("off")
    axis.set_xlim(-0.6, 1.6)
    axis.set_ylim(-0.5, rows - 0.2)

    def place(names: list[str]) -> dict[str, float]:
        step = rows / max(len(names), 1)
        return {name: rows - 0.5 - step * (i + 0.5) for i, name in enumerate(names)}

    ys_left, ys_right = place(left), place(right)
    totals_left = links.groupby(residence)["organisations"].sum()
    totals_right = links.groupby(origin)["organisations"].sum()
    heaviest = links["organisations"].max() if len(links) else 1
    for here, there, count in zip(links[residence], links[origin], links["organisations"],
                                  strict=True):
        a = (0.05, ys_left[here])
        b = (0.95, ys_right[there])
        axis.add_patch(FancyArrowPatch(a, b, arrowstyle="-", connectionstyle="arc3,rad=0",
                                       linewidth=1 + 5 * count / heaviest,
                                       color=PALETTE[0], alpha=0.45))
    for name, y in ys_left.items():
        axis.text(0.0, y, f"{wrap(name, 28)} ({totals_left[name]})", ha="right", va="center",
                  fontsize=9)
        axis.plot([0.03], [y], "o", color=PALETTE[1])
    for name, y in ys_right.items():
        axis.text(1.0, y, f"{wrap(name, 28)} ({totals_right[name]})", ha="left", va="center",
                  fontsize=9)
        axis.plot([0.97], [y], "o", color=PALETTE[2])
    axis.text(0.0, rows - 0.35, residence_label, ha="right", fontsize=10, weight="bold")
    axis.text(1.0, rows - 0.35, origin_label, ha="left", fontsize=10, weight="bold")
    axis.set_title(f"{title}\n(entre parenthèses : nombre d'organisations)", fontsize=11,
                   loc="left")
    return figure
