"""Tables in the apps: escaped HTML (extracts with their references, KWIC, any frame),
and a pager for long lists of extracts.

An extract the view lets the COPIL hear (`views.MEDIA_COLUMNS`: only when the project
allows its apps to play recordings) gets a compact player: an HTML5 ``<audio>`` (or
``<video>``) element loading nothing until played, whose source is the media route with
the extract's temporal fragment (``#t=83.4,101``): the browser starts at the extract and
pauses at its end."""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from workbench.analysis.labels import column_label
from workbench.media.playback import clock, media_element, seconds

EXTRACT_COLUMNS = {"reference": "Référence", "case": "Personne (pseudonyme)",
                   "code_path": "Thème", "text": "Extrait"}
LISTEN_COLUMN = "ecoute"  # the players' column, when some extract can be heard
LISTEN_HEADER = "Écouter"
ESTIMATED = "≈ temps estimé"
ESTIMATED_HELP = ("Temps estimé d'après la longueur du texte : le passage peut commencer un "
                  "peu avant ou après.")


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, columns: Mapping[str, str] | Sequence[str] | None = None,
               *, css_class: str = "", cell_classes: Mapping[str, str] | None = None,
               markup: Collection[str] = ()) -> str:
    """`frame` as an HTML table with French headers (`columns`: key → header, or keys);
    every value escaped, except in the `markup` columns (HTML built here, its own
    values escaped)."""
    if columns is None:
        columns = list(frame.columns)
    headers = (dict(columns) if isinstance(columns, Mapping)
               else {c: column_label(c) for c in columns})
    classes = cell_classes or {}
    head = "".join(f"<th>{html.escape(label)}</th>" for label in headers.values())
    rows = []
    for record in frame[list(headers)].itertuples(index=False):
        cells = "".join(f"<td class='{classes.get(key, '')}'>"
                        f"{value if key in markup and isinstance(value, str) else _cell(value)}"
                        "</td>" for key, value in zip(headers, record, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return (f"<table class='wb-table {css_class}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _flag(value: object) -> bool:
    """True for a true flag; False for false or missing (None, NaN, pd.NA)."""
    return value is not None and value is not pd.NA and value == value and bool(value)


def player(row: Mapping[Any, object]) -> str:
    """The player of one extract (`views.MEDIA_COLUMNS`), or "" when it has none: the
    element, and its times (« 1:23 – 1:41 », « ≈ temps estimé » when estimated)."""
    url, start, end = row.get("media_url"), seconds(row.get("t_start")), seconds(row.get("t_end"))
    if not isinstance(url, str) or not url or start is None or end is None:
        return ""
    reference = row.get("reference")
    label = f"Écouter l'extrait {reference if isinstance(reference, str) else ''}".strip()
    note = (f'<br><span class="wb-estime" title="{html.escape(ESTIMATED_HELP)}">'
            f"{ESTIMATED}</span>" if _flag(row.get("t_estimated")) else "")
    element = media_element(str(row.get("media_kind")), url, start, end, preload="none",
                            width=240, label=label, css_class="wb-ecoute-lecteur")
    return (f'{element}'
            f'<div class="wb-note wb-ecoute-temps">{clock(start)} – {clock(end)}{note}</div>')


def extracts_table(extracts: pd.DataFrame, *, listen: bool = False) -> str:
    """Extracts with their reference (E07-T34), pseudonym, theme and text; `listen`: and a
    player for each extract that can be heard (a column « Écouter » when one can)."""
    columns: dict[str, str] = dict(EXTRACT_COLUMNS)
    frame = extracts
    if listen and "media_url" in extracts.columns and extracts["media_url"].notna().any():
        frame = extracts.assign(**{LISTEN_COLUMN: [player(row) for row in
                                                   extracts.to_dict("records")]})
        columns[LISTEN_COLUMN] = LISTEN_HEADER
    return html_table(frame, columns, css_class="wb-extraits",
                      cell_classes={"reference": "wb-ref", LISTEN_COLUMN: "wb-ecoute"},
                      markup={LISTEN_COLUMN})


def kwic_table(table: pd.DataFrame) -> str:
    """Keyword-in-context lines: reference, pseudonym, left context, word, right context."""
    columns = {"reference": "Référence", "case": "Personne (pseudonyme)", "left": "Contexte",
               "keyword": "Mot", "right": "Suite"}
    return html_table(table, columns, css_class="wb-kwic",
                      cell_classes={"reference": "wb-ref", "left": "wb-kwic-gauche",
                                    "keyword": "wb-kwic-mot", "right": "wb-kwic-droite"})


class ExtractPager:
    """The extracts of a selection, `size` per page, with previous / next buttons;
    `listen`: with a player for each extract that can be heard (see `player`)."""

    def __init__(self, *, size: int = 25, css_class: str = "wb-liste-extraits",
                 listen: bool = False) -> None:
        self.size, self.start, self.listen = size, 0, listen
        self.extracts = pd.DataFrame()
        self.table = widgets.HTML()
        self.label = widgets.HTML()
        self.label.add_class("wb-pagination")
        self.previous = widgets.Button(description="◀ Précédents", disabled=True)
        self.next = widgets.Button(description="Suivants ▶", disabled=True)
        self.previous.add_class("wb-precedents")
        self.next.add_class("wb-suivants")
        self.previous.on_click(lambda _: self._turn(-1))
        self.next.on_click(lambda _: self._turn(1))
        self.widget = widgets.VBox([
            widgets.HBox([self.previous, self.next, self.label],
                         layout=widgets.Layout(align_items="center", grid_gap="8px")),
            self.table])
        self.widget.add_class(css_class)

    def show(self, extracts: pd.DataFrame) -> None:
        """Show the first page of new extracts."""
        self.extracts, self.start = extracts, 0
        self._render()

    def _turn(self, step: int) -> None:
        self.start = max(0, min(self.start + step * self.size, len(self.extracts) - 1))
        self._render()

    def _render(self) -> None:
        total = len(self.extracts)
        page = self.extracts.iloc[self.start:self.start + self.size]
        if total:  # the table first: the label tells the browser the page is shown
            self.table.value = extracts_table(page, listen=self.listen)
            self.label.value = (f"<span class='wb-note'>Extraits {self.start + 1} à "
                                f"{self.start + len(page)} sur {total}</span>")
        else:
            self.table.value = ""
            self.label.value = "<span class='wb-note'>Aucun extrait pour cette sélection.</span>"
        self.previous.disabled = self.start == 0
        self.next.disabled = self.start + self.size >= total
