"""The cartography app: organisations by territory (pseudonymised names), the links from
where the organisations are based to where they come from, and fields of action by place.

The territories are the attributes the study profile declares (roles
residence_country, residence, origin, fields, organisation_type), whatever the
study calls them; when the project has no organisation, or the profile declares no
territory, the app says in French what to declare instead."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from workbench.notebook import load_view
from workbench.profile.model import ROLES
from workbench.ui.app import Notice, Progress, build_app, guarded
from workbench.ui.charts import Chart, png, whole_numbers
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters
from workbench.ui.style import header, heading, lower_first
from workbench.ui.tables import html_table
from workbench.views import PLACE_ROLES, TERRITORY_ROLES, CopilView, Places
from workbench.viz.heatmaps import heatmap
from workbench.viz.maps import origin_flow_figure

INTRO = ("Les organisations rencontrées, par territoire (noms pseudonymisés). Unité : "
         "organisations ; une organisation présente dans plusieurs lieux ou domaines compte "
         "dans chacun.")
DECLARE = ("Pour la remplir, l'équipe de l'étude ajoute à la feuille d'attributs une ligne "
           "par organisation rencontrée (type « organisation »), avec ses territoires, puis "
           "déclare dans le profil de l'étude quels attributs donnent "
           + ", ".join(f"« {ROLES[r]} »" for r in TERRITORY_ROLES)
           + " (p.set_role(\"residence\", \"<attribut>\"), ou le fichier du profil).")
NO_ORGANISATION = ("Ce projet ne compte aucune organisation : la cartographie montre les "
                   "organisations rencontrées par territoire. " + DECLARE)
NO_TERRITORY = ("Le profil de l'étude ne déclare aucun attribut de territoire (pays ou lieu "
                "de résidence, lieu d'origine) : la cartographie ne peut pas situer les "
                "organisations. " + DECLARE)


def explanation(text: str) -> widgets.HTML:
    """A paragraph saying what the cartography needs."""
    box = widgets.HTML(f"<p class='wb-explication'>{html.escape(text)}</p>")
    box.add_class("wb-explication-zone")
    return box


class Cartography:
    """The cartography of one view; `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.territory = view.territory()
        self.progress = Progress()
        missing = (NO_ORGANISATION if not len(view.organisations) else
                   NO_TERRITORY if not any(r in self.territory for r in PLACE_ROLES) else None)
        if missing:
            self.widget = widgets.VBox([header(INTRO), explanation(missing),
                                        self.progress.widget])
            self._classes()
            self.progress.mark("comptes")
            self.progress.mark("graphiques")
            return
        self.filters = Filters(view, view.place_filters(), theme=None, source="organisations",
                               everyone="Toutes les organisations")
        labels = {"organisations": "organisations",
                  **{role: view.label(column) for role, column in self.territory.items()
                     if role in PLACE_ROLES}}
        self.counts = Counts(labels)
        self.table = widgets.HTML()
        self.table.add_class("wb-territoires")
        self.flows = Chart("wb-graphique-liens")
        self.fields = Chart("wb-graphique-domaines")
        self.notice = Notice()
        places = Places({}, view.organisations, self.territory)
        sections: list[widgets.Widget] = [heading("Organisations par territoire"), self.table]
        if places.link_columns:
            residence, origin = places.link_columns
            sections += [heading(f"{view.label(residence)} → {lower_first(view.label(origin))}"),
                         self.flows.widget]
        if places.field_columns:
            place, fields = places.field_columns
            sections += [heading(f"{view.label(fields)} × {lower_first(view.label(place))}"),
                         self.fields.widget]
        self.widget = widgets.VBox([header(INTRO), self.filters.widget, self.notice.widget,
                                    self.counts.widget, *sections, self.progress.widget])
        self._classes()
        self.refresh = guarded(self._refresh, self.notice, what="cartography update")
        self.filters.on_change(self.refresh)
        self.refresh()

    def _classes(self) -> None:
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-cartographie")

    def columns(self, places: Places) -> dict[str, str]:
        """The table's columns with their headers (the profile's labels)."""
        out = {column: self.view.label(column) for column in places.levels}
        out.update(organisations="Organisations", names="Noms (pseudonymes)")
        if "fields" in self.territory:
            out["main_fields"] = f"{self.view.label(self.territory['fields'])} (principaux)"
        return out

    def _refresh(self) -> None:
        places = self.view.places(self.filters.where())
        self.counts.show(places.counts())
        self.table.value = (html_table(places.by_place(), self.columns(places),
                                       css_class="wb-lieux")
                            if len(places.organisations) else
                            "<div class='wb-vide'>Aucune organisation pour cette "
                            "sélection.</div>")
        self.progress.mark("comptes")
        self._charts(places)
        self.progress.mark("graphiques")

    def _charts(self, places: Places) -> None:
        if places.link_columns:
            links = places.links()
            if len(links):
                residence, origin = places.link_columns
                self.flows.show(png(origin_flow_figure(
                    links, residence=residence, origin=origin,
                    title="Où les organisations sont établies, d'où elles viennent",
                    residence_label=self.view.label(residence),
                    origin_label=self.view.label(origin))))
            else:
                self.flows.show_nothing("Aucune organisation pour cette sélection.")
        if places.field_columns:
            fields = places.fields()
            if fields.size:
                place, column = places.field_columns
                figure = heatmap(fields.T, colorbar="Nombre d'organisations",
                                 title=f"{self.view.label(column)} (en ligne) × "
                                       f"{lower_first(self.view.label(place))} "
                                       "(nombre d'organisations)")
                self.fields.show(png(whole_numbers(figure, colorbar=True)))
            else:
                self.fields.show_nothing()


def cartographie(projet: str | Path | None = None) -> widgets.Widget:
    """The cartography of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    return build_app(lambda: Cartography(load_view(projet)).widget)
