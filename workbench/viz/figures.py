"""Figures for reports: one style, French number format, saved as PNG (and SVG).

Charts are built on :class:`matplotlib.figure.Figure` rather than pyplot, so
an app serving many users keeps no global figure state; a notebook displays
a returned figure by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.text import ascii_slug

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ["#1b6f8a", "#d1793a", "#6a9c3c", "#8e5a9b", "#c9a227", "#4f4f4f", "#b3475d",
           "#3d8c7a"]
GROUP_COLOURS = {"F": "#b3475d", "H": "#1b6f8a", "M": "#1b6f8a",
                 "enquêteur·rice": "#6e6e6e"}
# Colours for other groups: none of the gender colours, so groups never read as a gender.
GROUP_PALETTE = ["#d1793a", "#6a9c3c", "#8e5a9b", "#c9a227", "#3d8c7a", "#4f6d9a"]
MISSING_COLOUR = "#c4c4c4"
DPI = 150


def new_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A report-sized figure with one axis, in the workbench style."""
    from matplotlib.figure import Figure  # here: an app's charts are HTML, not matplotlib

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axis = figure.add_subplot()
    axis.spines[["top", "right"]].set_visible(False)
    axis.tick_params(labelsize=9)
    return figure, axis


def french_number(value: float, decimals: int = 0) -> str:
    """12 345,6 — the way a French report writes numbers."""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def wrap(label: str, width: int = 38) -> str:
    """A long code name cut on two lines or more, at spaces."""
    words, lines, line = str(label).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def slug(text: str) -> str:
    """A file name from a title: accents and punctuation removed."""
    return ascii_slug(text) or "figure"


def save_figure(figure: Figure, folder: str | Path, name: str, *,
                formats: Iterable[str] = ("png",)) -> list[Path]:
    """Save `figure` as `folder/name.png` (and .svg…); returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        if fmt not in ("png", "svg", "pdf"):
            raise ValueError(f"format must be png, svg or pdf, not '{fmt}'.")
        path = folder / f"{slug(name)}.{fmt}"
        figure.savefig(path, format=fmt, dpi=DPI)
        paths.append(path)
    return paths


def group_colours(groups: Iterable[str]) -> list[str]:
    """A colour per group: the gender colours for F/H, the palette otherwise, grey for unknown."""
    colours, i = [], 0
    for group in groups:
        if group in GROUP_COLOURS:
            colours.append(GROUP_COLOURS[group])
        elif group.startswith("("):
            colours.append(MISSING_COLOUR)
        else:
            colours.append(GROUP_PALETTE[i % len(GROUP_PALETTE)])
            i += 1
    return colours
