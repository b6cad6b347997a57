"""The filters of the apps: the codebook tree and one dropdown per attribute of the study
(those the study profile offers), labelled as the profile says, in French."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as widgets

from workbench.text import fold
from workbench.views import CopilView

THEME = "theme"
EVERYONE = "Tout le monde"  # the "all" choice of a filter on persons
_NOT_CSS = re.compile(r"[^a-z0-9_-]+")


def dropdown(label: str, options: list[tuple[str, str]], css: str) -> widgets.Dropdown:
    """A labelled dropdown, on its first option ("" for "all" in the filters)."""
    box = widgets.Dropdown(options=options, value=options[0][1], description=label,
                           style={"description_width": "150px"},
                           layout=widgets.Layout(width="370px"))
    box.add_class("wb-filtre")
    box.add_class(css)
    return box


def css_name(key: str) -> str:
    """A CSS-safe form of an attribute key ("ARR./VILLE" → "arr-ville")."""
    return _NOT_CSS.sub("-", fold(str(key))).strip("-") or "attribut"


def filter_classes(columns: Iterable[str]) -> dict[str, str]:
    """Column → the CSS class of its dropdown ("wb-filtre-<key>", unique, never the
    theme's)."""
    taken = {f"wb-filtre-{THEME}"}
    out = {}
    for column in columns:
        base = f"wb-filtre-{css_name(column)}"
        css, n = base, 1
        while css in taken:
            n += 1
            css = f"{base}-{n}"
        taken.add(css)
        out[column] = css
    return out


class Filters:
    """A theme dropdown (codebook tree, sub-codes indented) and one dropdown per attribute
    column, labelled by the study profile.

    `theme_value()` and `where()` give the arguments of ``CopilView.selection`` /
    ``places``.
    """

    def __init__(self, view: CopilView, columns: Iterable[str], *, theme: str | None = "Thème",
                 all_themes: str = "Tous les thèmes", source: str = "extracts",
                 everyone: str = EVERYONE) -> None:
        self.theme: widgets.Dropdown | None = None
        self.boxes: dict[str, widgets.Dropdown] = {}
        if theme:
            self.theme = dropdown(theme, [(all_themes, ""), *view.theme_options()],
                                  f"wb-filtre-{THEME}")
        columns = list(columns)
        for column, css in filter_classes(columns).items():
            values = view.options(column, source=source)
            self.boxes[column] = dropdown(view.label(column),
                                          [(everyone, ""), *[(v, v) for v in values]], css)
        shown = ([self.theme] if self.theme else []) + list(self.boxes.values())
        self.widget = widgets.GridBox(shown, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, 375px)", grid_gap="6px 12px"))
        self.widget.add_class("wb-filtres")

    def theme_value(self) -> str | None:
        """The theme chosen (None: all)."""
        return (self.theme.value or None) if self.theme else None

    def where(self) -> dict[str, Any]:
        """Attribute column → chosen value, for the filters with a choice."""
        return {key: box.value for key, box in self.boxes.items() if box.value}

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever a filter changes."""
        for box in ([self.theme] if self.theme else []) + list(self.boxes.values()):
            box.observe(lambda _change: callback(), names="value")
