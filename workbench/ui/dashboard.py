"""The COPIL dashboard: filters, headline counts, theme / gender / matrix charts and the
extracts behind the selection. Read-only; it holds a pseudonymised view only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from workbench.analysis.codes import code_labels
from workbench.analysis.labels import column_label
from workbench.ui import html_charts
from workbench.ui.app import Progress, build_app
from workbench.ui.charts import HtmlChart
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters, dropdown
from workbench.ui.style import header, heading
from workbench.ui.tables import ExtractPager
from workbench.views import FILTERS, CopilView, Selection, load_view

COUNT_LABELS = {"extraits": "extraits (codages validés)", "documents": "entretiens et documents",
                "personnes": "personnes citées", "codes": "codes utilisés"}
MATRIX_BY = ("generation", "region_residence", "province_origine", "type_organisation",
             "genre")
LOG = logging.getLogger(__name__)


class CopilDashboard:
    """The dashboard of one view; `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.names = code_labels(view.codes)
        self.filters = Filters(view, FILTERS)
        self.counts = Counts(COUNT_LABELS)
        self.themes = HtmlChart("wb-graphique-themes", width="50%")
        self.gender = HtmlChart("wb-graphique-genre", width="50%")
        self.matrix = HtmlChart("wb-graphique-matrice")
        self.matrix_by = dropdown("Croiser les thèmes par", [
            (column_label(c), c) for c in MATRIX_BY if c in view.extracts.columns], "wb-croiser")
        self.extracts = ExtractPager()
        self.progress = Progress()
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
        self.refresh()

    def refresh(self) -> None:
        """Counts and extracts, then the three charts (HTML: drawn in milliseconds)."""
        selection = self.view.selection(**self.filters.values())
        self.counts.show(selection.counts())
        self.extracts.show(selection.extracts)
        self.progress.mark("comptes")
        by = self.matrix_by.value
        for chart, name, render in (
                (self.themes, "themes", lambda: self._themes(selection)),
                (self.gender, "genre", lambda: self._gender(selection)),
                (self.matrix, "matrice", lambda: self._matrix(selection, by))):
            self._draw(chart, name, render)
        self.progress.mark("graphiques")

    @staticmethod
    def _draw(chart: HtmlChart, name: str, render: Callable[[], str]) -> None:
        try:
            chart.show(render())
        except Exception:  # a chart that fails must not hide the others
            LOG.exception("chart %s could not be drawn", name)
            chart.show(html_charts.empty("Ce graphique n'a pas pu être dessiné."))

    def _themes(self, selection: Selection) -> str:
        if not len(selection.extracts):
            return html_charts.empty()
        title = ("Thèmes abordés (nombre de personnes)" if selection.theme is None else
                 f"« {self.names[selection.theme]} » : sous-thèmes (nombre de personnes)")
        return html_charts.themes_bars(selection.frequencies(), title=title, value="cases")

    def _gender(self, selection: Selection) -> str:
        if not len(selection.respondents) or "genre" not in selection.respondents.columns:
            return html_charts.empty()
        return html_charts.prevalence_bars(
            selection.prevalence("genre"), labels=self.names, groups_label="Genre",
            title="Selon le genre (% des personnes du groupe)")

    def _matrix(self, selection: Selection, by: str) -> str:
        table = selection.matrix(by)
        if not len(selection.extracts) or table.shape[1] == 0:
            return html_charts.empty()
        return html_charts.heatmap_table(
            table, labels=self.names,
            title=f"Thèmes × {column_label(by).lower()} "
                  "(nombre de personnes ayant abordé le thème)",
            caption="Nombre de personnes ayant abordé le thème")


def tableau_de_bord(projet: str | Path | None = None) -> widgets.Widget:
    """The dashboard of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    return build_app(lambda: CopilDashboard(load_view(projet)).widget)
