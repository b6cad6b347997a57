"""Headline counts: one card per figure, each with a stable CSS class for the tests."""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets

from workbench.viz.figures import french_number


class Counts:
    """Cards "210 extraits", "14 documents"…; `labels` maps a count key to its French label."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = dict(labels)
        self.cards = {key: widgets.HTML() for key in self.labels}
        for key, card in self.cards.items():
            card.add_class("wb-count")
            card.add_class(f"wb-count-{key}")
        self.widget = widgets.HBox(list(self.cards.values()),
                                   layout=widgets.Layout(flex_flow="row wrap",
                                                         grid_gap="10px", margin="8px 0"))

    def show(self, counts: Mapping[str, int]) -> None:
        """Write each count in its card."""
        for key, card in self.cards.items():
            value = counts.get(key, 0)
            card.value = (f"<span class='wb-count-value' data-value='{int(value)}'>"
                          f"{french_number(value)}</span><span class='wb-count-label'>"
                          f"{html.escape(self.labels[key])}</span>")
