"""The COPIL dashboard: filters, headline counts, theme / gender / matrix charts and the
extracts behind the selection. Read-only; it holds a pseudonymised view only."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ipywidgets as widgets

from workbench.analysis.codes import code_labels
from workbench.analysis.labels import column_label
from workbench.ui.app import Progress, build_app
from workbench.ui.charts import Chart, png, whole_numbers
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters, dropdown
from workbench.ui.style import header, heading
from workbench.ui.tables import ExtractPager
from workbench.views import FILTERS, CopilView, Selection, load_view
from workbench.viz.bars import prevalence_bars, themes_bar
from workbench.viz.heatmaps import heatmap

COUNT_LABELS = {"extraits": "extraits (codages validés)", "documents": "entretiens et documents",
                "personnes": "personnes citées", "codes": "codes utilisés"}
MATRIX_BY = ("generation", "region_residence", "province_origine", "type_organisation",
             "genre")
CACHE_SIZE = 64
LOG = logging.getLogger(__name__)


class CopilDashboard:
    """The dashboard of one view; `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.names = code_labels(view.codes)
        self.filters = Filters(view, FILTERS)
        self.counts = Counts(COUNT_LABELS)
        self.themes = Chart("wb-graphique-themes", width="50%")
        self.gender = Chart("wb-graphique-genre", width="50%")
        self.matrix = Chart("wb-graphique-matrice")
        self.matrix_by = dropdown("Croiser les thèmes par", [
            (column_label(c), c) for c in MATRIX_BY if c in view.extracts.columns], "wb-croiser")
        self.extracts = ExtractPager()
        self.progress = Progress()
        self._charts: OrderedDict[tuple, bytes | None] = OrderedDict()
        # Charts are drawn by one thread, newest selection only: the kernel stays free to
        # answer the next filter change while a figure is being drawn.
        self._painter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wb-graphiques")
        self._latest = 0
        self.widget = widgets.VBox([
            header("Données pseudonymisées : seuls les codages validés sont comptés. "
                   "Choisissez un thème ou un profil de personnes ; tout se met à jour."),
            self.filters.widget, self.counts.widget,
            heading("Thèmes abordés"),
            widgets.HBox([self.themes.widget, self.gender.widget]),
            heading("Matrice des thèmes"), self.matrix_by, self.matrix.widget,
            heading("Les extraits de la sélection"), self.extracts.widget,
            self.progress.widget])
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-tableau-de-bord")
        self.filters.on_change(self.refresh)
        self.matrix_by.observe(lambda _change: self.refresh(), names="value")
        self.refresh(wait=True)

    def refresh(self, *, wait: bool = False) -> None:
        """Counts and extracts at once, then the charts (from a cache when seen), in the
        background unless `wait`."""
        selection = self.view.selection(**self.filters.values())
        self.counts.show(selection.counts())
        self.extracts.show(selection.extracts)
        self.progress.mark("comptes")
        self._latest += 1
        job = (self._latest, selection, self.matrix_by.value)
        if wait:
            self._paint(*job)
        else:
            self._painter.submit(self._paint, *job)

    def _paint(self, number: int, selection: Selection, by: str) -> None:
        """Draw the three charts of a selection, unless a newer one came meanwhile."""
        key = (selection.theme, tuple(sorted(selection.where.items())))
        for chart, name, render in (
                (self.themes, ("themes",), lambda: self._themes(selection)),
                (self.gender, ("genre",), lambda: self._gender(selection)),
                (self.matrix, ("matrice", by), lambda: self._matrix(selection, by))):
            if number != self._latest:
                return
            try:
                self._draw(chart, (*key, *name), render)
            except Exception:  # a chart that fails must not hide the others
                LOG.exception("chart %s could not be drawn", name[0])
                chart.show_nothing("Ce graphique n'a pas pu être dessiné.")
        if number == self._latest:
            self.progress.mark("graphiques")

    def _draw(self, chart: Chart, key: tuple, render: Callable[[], bytes | None]) -> None:
        if key in self._charts:
            self._charts.move_to_end(key)
        else:
            self._charts[key] = render()
            if len(self._charts) > CACHE_SIZE:
                self._charts.popitem(last=False)
        image = self._charts[key]
        if image is None:
            chart.show_nothing()
        else:
            chart.show(image)

    def _themes(self, selection: Selection) -> bytes | None:
        table = selection.frequencies()
        if not len(selection.extracts):
            return None
        title = ("Thèmes abordés (nombre de personnes)" if selection.theme is None else
                 f"« {self.names[selection.theme]} » : sous-thèmes (nombre de personnes)")
        return png(whole_numbers(themes_bar(table, value="cases", title=title,
                                            depth=int(table["depth"].iloc[0]))))

    def _gender(self, selection: Selection) -> bytes | None:
        if not len(selection.respondents) or "genre" not in selection.respondents.columns:
            return None
        return png(prevalence_bars(selection.prevalence("genre"), labels=self.names,
                                   groups_label="Genre",
                                   title="Selon le genre (% des personnes du groupe)"))

    def _matrix(self, selection: Selection, by: str) -> bytes | None:
        table = selection.matrix(by)
        if not len(selection.extracts) or table.shape[1] == 0:
            return None
        figure = heatmap(table, labels=self.names, colorbar="Nombre de personnes",
                         title=f"Thèmes × {column_label(by).lower()} "
                               "(nombre de personnes ayant abordé le thème)")
        return png(whole_numbers(figure, colorbar=True))


def tableau_de_bord(projet: str | Path | None = None) -> widgets.Widget:
    """The dashboard of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    return build_app(lambda: CopilDashboard(load_view(projet)).widget)
