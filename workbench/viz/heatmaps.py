"""Heatmaps for the matrix coding and the co-occurrence tables."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workbench.viz.figures import french_number, new_figure, wrap


def heatmap(table: pd.DataFrame, *, title: str = "", labels: Mapping[str, str] | None = None,
            decimals: int = 0, suffix: str = "", colorbar: str = "",
            cmap: str = "Blues", hide_zero: bool = True) -> Figure:
    """A table as coloured cells with their values written in (empty cells: NaN).

    `labels`: row and column keys → names shown (code keys → code names).
    `hide_zero`: zero cells stay blank, so the eye goes to what is there.
    """
    names = labels or {}
    values = table.to_numpy(dtype=float)
    rows, columns = table.shape
    width = min(max(6.0, 2.5 + 0.75 * columns), 16)
    figure, axis = new_figure(width, min(1.5 + 0.38 * rows, 24))
    axis.spines[:].set_visible(False)
    shown = np.ma.masked_invalid(values)
    image = axis.imshow(shown, cmap=cmap, aspect="auto", vmin=0)
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v) and not (hide_zero and v == 0):
            colour = "white" if top and v > 0.6 * top else "black"
            axis.text(j, i, f"{french_number(v, decimals)}{suffix}", ha="center",
                      va="center", fontsize=7, color=colour)
    tilt = columns > 4 or any(len(str(names.get(c, c))) > 10 for c in table.columns)
    axis.set_xticks(range(columns), [wrap(names.get(c, c), 18) for c in table.columns],
                    rotation=35 if tilt else 0, ha="right" if tilt else "center",
                    rotation_mode="anchor", fontsize=8)
    axis.set_yticks(range(rows), [wrap(names.get(r, r), 45) for r in table.index], fontsize=8)
    axis.tick_params(length=0)
    if colorbar:
        figure.colorbar(image, ax=axis, shrink=0.6, label=colorbar)
    if title:  # on the figure, not the axis: a long title must not run off a narrow map
        figure.suptitle(wrap(title, int(width * 9)), fontsize=12, x=0.02, ha="left")
    return figure
