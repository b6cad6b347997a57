"""The cartography app: organisations by territory (pseudonymised names), the links from
where the diaspora lives to where it acts, and fields of action by province."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from workbench.analysis.cartography import COUNTRY, FIELDS
from workbench.ui.app import Progress, build_app
from workbench.ui.charts import Chart, png, whole_numbers
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters
from workbench.ui.style import header, heading
from workbench.ui.tables import html_table
from workbench.views import CopilView, Places, load_view
from workbench.viz.heatmaps import heatmap
from workbench.viz.maps import origin_flow_figure

COUNT_LABELS = {"organisations": "organisations", "pays": "pays de résidence",
                "regions": "régions de résidence", "provinces": "provinces d'origine"}
FILTER_COLUMNS = (COUNTRY, "type_organisation", FIELDS)
PLACE_COLUMNS = {"pays_residence": "Pays de résidence", "region_residence": "Région",
                 "organisations": "Organisations", "names": "Noms (pseudonymes)",
                 "main_fields": "Domaines principaux"}


class Cartography:
    """The cartography of one view; `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.filters = Filters(view, FILTER_COLUMNS, theme=None, source="organisations")
        self.counts = Counts(COUNT_LABELS)
        self.table = widgets.HTML()
        self.table.add_class("wb-territoires")
        self.flows = Chart("wb-graphique-liens")
        self.fields = Chart("wb-graphique-domaines")
        self.progress = Progress()
        self.widget = widgets.VBox([
            header("Les organisations rencontrées, par territoire (noms pseudonymisés). "
                   "Unité : organisations ; une organisation active dans plusieurs "
                   "provinces ou domaines compte dans chacun."),
            self.filters.widget, self.counts.widget,
            heading("Organisations par territoire"), self.table,
            heading("De la résidence à la province d'origine"), self.flows.widget,
            heading("Domaines d'action par province d'origine"), self.fields.widget,
            self.progress.widget])
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-cartographie")
        self.filters.on_change(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        places = self.view.places(**self.filters.values())
        self.counts.show(places.counts())
        self.table.value = (html_table(places.by_place(), PLACE_COLUMNS, css_class="wb-lieux")
                            if len(places.organisations) else
                            "<div class='wb-vide'>Aucune organisation pour cette "
                            "sélection.</div>")
        self.progress.mark("comptes")
        self._charts(places)
        self.progress.mark("graphiques")

    def _charts(self, places: Places) -> None:
        links = places.links()
        if len(links):
            self.flows.show(png(origin_flow_figure(links)))
        else:
            self.flows.show_nothing("Aucune organisation de la diaspora pour cette sélection.")
        fields = places.fields() if len(places.organisations) else None
        if fields is not None and fields.size:
            figure = heatmap(fields.T, colorbar="Nombre d'organisations",
                             title="Domaines d'action (en ligne) par province d'origine "
                                   "(nombre d'organisations)")
            self.fields.show(png(whole_numbers(figure, colorbar=True)))
        else:
            self.fields.show_nothing()


def cartographie(projet: str | Path | None = None) -> widgets.Widget:
    """The cartography of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    return build_app(lambda: Cartography(load_view(projet)).widget)
