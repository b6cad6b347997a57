"""The extract explorer: extracts by code, word (lemma) and attributes, with a KWIC view.
Read-only; it holds a pseudonymised view only. When the project lets its apps play
recordings, each extract of a recorded interview can be heard (`tables.player`), and
the header says that voices identify people."""

from __future__ import annotations

import html
import logging
from pathlib import Path

import ipywidgets as widgets

from workbench.notebook import load_view
from workbench.ui.app import Notice, Progress, build_app, guarded, server_log
from workbench.ui.counts import Counts
from workbench.ui.filters import Filters
from workbench.ui.style import header, heading
from workbench.ui.tables import ExtractPager, kwic_table
from workbench.views import LOG as VIEW_LOG
from workbench.views import CopilView

COUNT_LABELS = {"extraits": "extraits", "documents": "entretiens et documents",
                "personnes": "personnes citées", "occurrences": "occurrences du mot"}
KWIC_ROWS = 200  # lines shown at most: beyond, narrow the search
LISTENING = "Les extraits peuvent être écoutés : les voix identifient les personnes."


class ExtractExplorer:
    """The explorer of one view (loaded with its words); `widget` is what Voila shows."""

    def __init__(self, view: CopilView) -> None:
        self.view = view
        self.filters = Filters(view, view.filters(), theme="Code", all_themes="Tous les codes")
        self.word = widgets.Text(description="Mot (lemme)", placeholder="un mot, ex. : école",
                                 continuous_update=False, style={"description_width": "150px"},
                                 layout=widgets.Layout(width="370px"))
        self.word.add_class("wb-mot")
        self.search = widgets.Button(description="Chercher", button_style="primary")
        self.search.add_class("wb-chercher")
        self.counts = Counts(COUNT_LABELS)
        self.kwic = widgets.HTML()
        self.kwic.add_class("wb-kwic-zone")
        self.extracts = ExtractPager(listen=True)
        self.notice = Notice()
        self.progress = Progress()
        intro = [header("Données pseudonymisées, codages validés. Cherchez par code, par mot "
                        "(sa forme de dictionnaire : « aller » trouve « vais », « allons »…) "
                        "et par profil.")]
        if view.playable:
            listening = widgets.HTML(f"<p class='wb-note'><b>{html.escape(LISTENING)}</b></p>")
            listening.add_class("wb-ecoute-avis")
            intro.append(listening)
        self.widget = widgets.VBox([
            *intro,
            self.filters.widget, self.notice.widget,
            widgets.HBox([self.word, self.search], layout=widgets.Layout(grid_gap="8px")),
            self.counts.widget,
            heading("Le mot dans son contexte"), self.kwic,
            heading("Les extraits"), self.extracts.widget, self.progress.widget])
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-explorateur")
        self.refresh = guarded(self._refresh, self.notice, what="explorer update")
        self.filters.on_change(self.refresh)
        self.word.observe(lambda _change: self.refresh(), names="value")
        self.search.on_click(lambda _button: self.refresh())
        self.refresh()

    def _refresh(self) -> None:
        """Apply code, attribute and word filters; show counts, KWIC lines and extracts."""
        selection = self.view.selection(self.filters.theme_value(), self.filters.where())
        word = self.word.value.strip()
        extracts = self.view.with_word(selection, word) if word else selection.extracts
        counts = {"extraits": len(extracts), "documents": extracts["document"].nunique(),
                  "personnes": extracts["case"].dropna().nunique(), "occurrences": 0}
        if word:
            lines = self.view.kwic(extracts, word)
            counts["occurrences"] = len(lines)
            more = (f"<p class='wb-note'>{KWIC_ROWS} premières lignes sur {len(lines)}.</p>"
                    if len(lines) > KWIC_ROWS else "")
            self.kwic.value = (kwic_table(lines.head(KWIC_ROWS)) + more if len(lines) else
                               "<div class='wb-vide'>Ce mot n'apparaît dans aucun extrait "
                               "de la sélection.</div>")
        else:
            self.kwic.value = ("<div class='wb-vide'>Saisissez un mot pour voir chacune de "
                               "ses occurrences dans son contexte.</div>")
        self.counts.show(counts)
        self.extracts.show(extracts)
        self.progress.mark("comptes")
        self.progress.mark("graphiques")


def view_log_to_server() -> logging.Logger:
    """Send what the view logs (a recording that cannot be played) to the server's log,
    as the apps' own messages: never to the page (Voila drops a kernel's stderr)."""
    for handler in server_log().handlers:
        if handler not in VIEW_LOG.handlers:
            VIEW_LOG.addHandler(handler)
    VIEW_LOG.propagate = False
    return VIEW_LOG


def explorateur(projet: str | Path | None = None) -> widgets.Widget:
    """The extract explorer of `projet` (else $WORKBENCH_PROJECT, else the demo project)."""
    view_log_to_server()
    return build_app(lambda: ExtractExplorer(load_view(projet, words=True)).widget)
