"""The filters of the apps: the codebook tree and attribute dropdowns, in French."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as widgets

from workbench.analysis.labels import column_label
from workbench.views import CopilView

ALL = {"genre": "Tous", "type_organisation": "Tous", "pays_residence": "Tous",
       "domaines": "Tous"}  # the others are feminine: "Toutes"
LABELS = {"domaines": "Domaine d'action", "theme": "Thème"}


def dropdown(label: str, options: list[tuple[str, str]], css: str) -> widgets.Dropdown:
    """A labelled dropdown, on its first option ("" for "all" in the filters)."""
    box = widgets.Dropdown(options=options, value=options[0][1], description=label,
                           style={"description_width": "150px"},
                           layout=widgets.Layout(width="370px"))
    box.add_class("wb-filtre")
    box.add_class(css)
    return box


class Filters:
    """A theme dropdown (codebook tree, sub-codes indented) and one dropdown per attribute.

    `values()` gives the keyword arguments of ``CopilView.selection``/``places``.
    """

    def __init__(self, view: CopilView, columns: Iterable[str], *, theme: str | None = "Thème",
                 all_themes: str = "Tous les thèmes", source: str = "extracts") -> None:
        self.boxes: dict[str, widgets.Dropdown] = {}
        if theme:
            self.boxes["theme"] = dropdown(theme, [(all_themes, ""), *view.theme_options()],
                                           "wb-filtre-theme")
        for column in columns:
            values = view.options(column, source=source)
            self.boxes[column] = dropdown(LABELS.get(column, column_label(column)),
                                          [(ALL.get(column, "Toutes"), ""),
                                           *[(v, v) for v in values]],
                                          f"wb-filtre-{column}")
        self.widget = widgets.GridBox(list(self.boxes.values()), layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, 375px)", grid_gap="6px 12px"))
        self.widget.add_class("wb-filtres")

    def values(self) -> dict[str, Any]:
        """Filter → chosen value (None: all)."""
        return {key: box.value or None for key, box in self.boxes.items()}

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever a filter changes."""
        for box in self.boxes.values():
            box.observe(lambda _change: callback(), names="value")
