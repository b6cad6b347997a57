"""The COPIL dashboard: filters, headline counts, theme / women-and-men / matrix charts and
the extracts behind the selection. Read-only; it holds a pseudonymised view only.

When a theme is chosen (or a bar or cell clicked), « Synthèses validées » lists the
framework summaries the lead validated for that theme and the persons selected
(`CopilView.summaries`), above the extracts.

The filters and the "Croiser les thèmes par" choices are the study's own attributes
(`CopilView.filters`, from the study profile); the women-and-men chart uses the
attribute the profile declares as the gender, or says the study declares none."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from workbench.analysis.codes import MISSING, code_labels
from workbench.notebook import load_view
from workbench.ui import html_charts
from workbench.ui.app import LOG, Notice, Progress, build_app, guarded
from workbench.ui.charts import ChartChoice, HtmlChart
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters, dropdown
from workbench.ui.style import header, heading, lower_first
from workbench.ui.tables import ExtractPager, html_table
from workbench.views import CopilView, Selection

COUNT_LABELS = {"extraits": "extraits (codages validés)", "documents": "entretiens et documents",
                "personnes": "personnes citées", "codes": "codes utilisés"}
NO_GENDER = ("L'étude ne déclare pas d'attribut de genre : pas de comparaison entre femmes "
             "et hommes.")
NO_CROSSING = ("L'étude ne déclare aucun attribut des personnes (catégories de 2 à 30 "
               "valeurs) : pas de matrice des thèmes.")
SUMMARY_COLUMNS = {"case": "Personne (pseudonyme)", "theme": "Thème", "text": "Synthèse"}
# A summary keeps its paragraphs; the person and theme columns stay narrow.
SUMMARY_STYLE = ("<style>table.wb-syntheses-table td{white-space:pre-line}"
                 "table.wb-syntheses-table td:nth-child(-n+2){white-space:nowrap;width:1%}"
                 "</style>")


class CopilDashboard:
    """The dashboard of one view; `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.names = code_labels(view.codes)
        columns = view.filters()
        self.gender_column = view.gender_column()
        self.filters = Filters(view, columns)
        self.counts = Counts(COUNT_LABELS)
        self.themes = HtmlChart("wb-graphique-themes", width="50%")
        self.gender = HtmlChart("wb-graphique-femmes-hommes", width="50%")
        self.matrix = HtmlChart("wb-graphique-matrice")
        crossings = [(view.label(c), c) for c in columns]
        crossings.sort(key=lambda option: option[1] == self.gender_column)  # gender: charted
        self.matrix_by = dropdown("Croiser les thèmes par", crossings or [("—", "")],
                                  "wb-croiser")
        if not crossings:
            self.matrix_by.layout.display = "none"
        self.extracts = ExtractPager()
        self.notice = Notice()
        self.progress = Progress()
        # A click on a bar or a matrix cell shows the extracts behind it (`_open`).
        self.choice = ChartChoice(guarded(self._open, self.notice, what="chart click"))
        self.behind = widgets.HTML()
        self.behind.add_class("wb-derriere")
        self.whole = widgets.Button(description="Revenir à toute la sélection",
                                    layout=widgets.Layout(display="none", width="auto"))
        self.whole.add_class("wb-toute-la-selection")
        self.whole.on_click(lambda _: self.refresh())
        # The validated summaries of the theme chosen or clicked (hidden when none).
        self.summaries = widgets.HTML()
        self.summaries.add_class("wb-syntheses")
        self.summaries_box = widgets.VBox([heading("Synthèses validées"), self.summaries],
                                          layout=widgets.Layout(display="none"))
        extracts_heading = heading("Les extraits de la sélection")
        # A click scrolls to the summaries when shown, else to the extracts.
        target = widgets.VBox([self.summaries_box, extracts_heading])
        target.add_class(html_charts.CHOICE_TARGET)
        self.widget = widgets.VBox([
            header("Données pseudonymisées : seuls les codages validés sont comptés. "
                   "Choisissez un thème ou un profil de personnes ; tout se met à jour."),
            self.filters.widget, self.notice.widget, self.counts.widget,
            heading("Thèmes abordés"),
            widgets.HBox([self.themes.widget, self.gender.widget]),
            heading("Matrice des thèmes"), self.matrix_by, self.matrix.widget,
            target, widgets.HBox([self.behind, self.whole]), self.extracts.widget,
            self.progress.widget, self.choice.widget])
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-tableau-de-bord")
        self.refresh = guarded(self._refresh, self.notice, what="dashboard update")
        self.filters.on_change(self.refresh)
        self.matrix_by.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def _refresh(self) -> None:
        """Counts and extracts, then the three charts (HTML: drawn in milliseconds)."""
        selection = self.view.selection(self.filters.theme_value(), self.filters.where())
        self.counts.show(selection.counts())
        self._summaries(selection.theme, selection.where)
        self.extracts.show(selection.extracts)
        self.behind.value, self.whole.layout.display = "", "none"
        self.progress.mark("comptes")
        by = self.matrix_by.value
        for chart, name, render in (
                (self.themes, "themes", lambda: self._themes(selection)),
                (self.gender, "gender", lambda: self._gender(selection)),
                (self.matrix, "matrix", lambda: self._matrix(selection, by))):
            self._draw(chart, name, render)
        self.progress.mark("graphiques")

    def _open(self, code: str, by: str, group: str) -> None:
        """The extracts behind a bar or a cell: its theme (sub-codes included), for the
        persons of the current filters and, from a group's bar or a matrix column, of
        that group."""
        where = self.filters.where()
        if by:
            where[by] = group
        selection = self.view.selection(code, where)
        self._summaries(code, where)
        self.extracts.show(selection.extracts)
        shown = self.view.profile.gender_label(group) if by == self.gender_column else group
        detail = f", {lower_first(self.view.label(by))} : {shown}" if by else ""
        counts = selection.counts()
        persons = counts["personnes"]
        self.behind.value = (
            f"<span class='wb-note'>Extraits derrière « {html.escape(self.names.get(code, code))}"
            f" »{html.escape(detail)} : {counts['extraits']} extrait"
            f"{'s' if counts['extraits'] > 1 else ''} de {persons} personne"
            f"{'s' if persons > 1 else ''}.</span>")
        self.whole.layout.display = ""

    def _summaries(self, theme: str | None, where: dict) -> None:
        """List the validated summaries of `theme` for the persons of `where`; hide the
        section when there is none (or no theme), or when it fails: the counts, charts
        and extracts are shown all the same (the details go to the server log)."""
        try:
            found = self.view.summaries(theme, where)
        except Exception:
            LOG.exception("the validated summaries could not be listed")
            found = self.view.validated.iloc[0:0]
        if not len(found):
            self.summaries.value = ""
            self.summaries_box.layout.display = "none"
            return
        found = found.assign(theme=[self.names.get(c, c) for c in found["code"]])
        self.summaries.value = SUMMARY_STYLE + html_table(found, SUMMARY_COLUMNS,
                                                          css_class="wb-syntheses-table")
        self.summaries_box.layout.display = None

    @staticmethod
    def _draw(chart: HtmlChart, name: str, render: Callable[[], str]) -> None:
        try:
            chart.show(render())
        except Exception:  # a chart that fails must not hide the others
            LOG.exception("chart %s could not be drawn", name)  # the server log only
            chart.show(html_charts.empty("Ce graphique n'a pas pu être dessiné."))

    def _themes(self, selection: Selection) -> str:
        if not len(selection.extracts):
            return html_charts.empty()
        title = ("Thèmes abordés (nombre de personnes)" if selection.theme is None else
                 f"« {self.names[selection.theme]} » : sous-thèmes (nombre de personnes)")
        return html_charts.themes_bars(selection.frequencies(), title=title, value="cases",
                                       clickable=True)

    def _gender(self, selection: Selection) -> str:
        column = self.gender_column
        if column is None:
            return html_charts.empty(NO_GENDER)
        if not len(selection.respondents):
            return html_charts.empty()
        table = selection.prevalence(column)
        values = {self.view.profile.gender_label(g): str(g) for g in table["group"]
                  if g != MISSING}
        table["group"] = [g if g == MISSING else self.view.profile.gender_label(g)
                          for g in table["group"]]
        return html_charts.prevalence_bars(
            table, labels=self.names, groups_label=self.view.label(column), by=column,
            group_values=values, title="Femmes et hommes (% des personnes du groupe)")

    def _matrix(self, selection: Selection, by: str) -> str:
        if not by:
            return html_charts.empty(NO_CROSSING)
        table = selection.matrix(by, split=self.view.is_multi(by))
        if not len(selection.extracts) or table.shape[1] == 0:
            return html_charts.empty()
        return html_charts.heatmap_table(
            table, labels=self.names,
            title=f"Thèmes × {lower_first(self.view.label(by))} "
                  "(nombre de personnes ayant abordé le thème)",
            caption="Nombre de personnes ayant abordé le thème", by=by,
            group_values={str(c): str(c) for c in table.columns if c != MISSING})


def tableau_de_bord(projet: str | Path | None = None) -> widgets.Widget:
    """The dashboard of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    return build_app(lambda: CopilDashboard(load_view(projet)).widget)
