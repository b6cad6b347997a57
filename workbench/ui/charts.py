"""Charts in the apps: a matplotlib figure from `viz/` shown as a PNG image widget, or an
HTML chart (`ui/html_charts.py`) shown as an HTML widget."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from workbench.ui.html_charts import CHOICE_BOX, read_choice

if TYPE_CHECKING:  # the apps' charts are HTML: matplotlib only for the notebooks' figures
    from matplotlib.figure import Figure

SCREEN_DPI = 80  # the viz figures are sized for reports (150 dpi); a screen needs less


def png(figure: Figure, *, dpi: int = SCREEN_DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def whole_numbers(figure: Figure, *, colorbar: bool = False) -> Figure:
    """Counts read 0, 1, 2 rather than 0.25, 0.5: on the bars' value axis, or on the
    colour bar of a heatmap."""
    from matplotlib.ticker import MaxNLocator

    if colorbar:
        for axis in figure.axes[1:]:
            axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        figure.axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


class Chart:
    """An image that shows a chart, or a sentence when there is nothing to draw."""

    def __init__(self, css_class: str, *, width: str = "100%") -> None:
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.empty = widgets.HTML(layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([self.image, self.empty],
                                   layout=widgets.Layout(width=width, align_items="flex-start"))
        self.widget.add_class("wb-graphique")
        self.widget.add_class(css_class)

    def show(self, image: bytes) -> None:
        """Show PNG bytes."""
        self.image.value = image
        self.image.layout.display = None
        self.empty.layout.display = "none"

    def show_nothing(self, text: str = "Aucune donnée pour cette sélection.") -> None:
        """Hide the image and say why."""
        self.empty.value = f"<div class='wb-vide'>{html.escape(text)}</div>"
        self.image.layout.display = "none"
        self.empty.layout.display = None


class HtmlChart:
    """An HTML widget that shows a chart from `ui/html_charts.py` (or its empty message)."""

    def __init__(self, css_class: str, *, width: str = "100%") -> None:
        self.widget = widgets.HTML(layout=widgets.Layout(width=width))
        self.widget.add_class("wb-graphique")
        self.widget.add_class(css_class)

    def show(self, chart: str) -> None:
        """Show an HTML string built by `ui/html_charts.py` (labels already escaped)."""
        self.widget.value = chart


class ChartChoice:
    """The hidden box a click on a chart bar or a matrix cell writes to
    (`html_charts.opens`); calls `callback(code, attribute, group)` for each click."""

    def __init__(self, callback: Callable[[str, str, str], None]) -> None:
        self.callback = callback
        self.widget = widgets.Text(continuous_update=False,
                                   layout=widgets.Layout(display="none"))
        self.widget.add_class(CHOICE_BOX)
        self.widget.observe(self._changed, names="value")

    def _changed(self, change: dict) -> None:
        choice = read_choice(str(change["new"]))
        if choice is not None:
            self.callback(*choice)
