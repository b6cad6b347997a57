"""Tables in the apps: escaped HTML (extracts with their references, KWIC, any frame),
and a pager for long lists of extracts."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from workbench.analysis.labels import column_label

EXTRACT_COLUMNS = {"reference": "Référence", "case": "Personne (pseudonyme)",
                   "code_path": "Thème", "text": "Extrait"}


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, columns: Mapping[str, str] | Sequence[str] | None = None,
               *, css_class: str = "", cell_classes: Mapping[str, str] | None = None) -> str:
    """`frame` as an HTML table with French headers (`columns`: key → header, or keys);
    every value escaped."""
    if columns is None:
        columns = list(frame.columns)
    headers = (dict(columns) if isinstance(columns, Mapping)
               else {c: column_label(c) for c in columns})
    classes = cell_classes or {}
    head = "".join(f"<th>{html.escape(label)}</th>" for label in headers.values())
    rows = []
    for record in frame[list(headers)].itertuples(index=False):
        cells = "".join(f"<td class='{classes.get(key, '')}'>{_cell(value)}</td>"
                        for key, value in zip(headers, record, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return (f"<table class='wb-table {css_class}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def extracts_table(extracts: pd.DataFrame) -> str:
    """Extracts with their reference (E07-T34), pseudonym, theme and text."""
    return html_table(extracts, EXTRACT_COLUMNS, css_class="wb-extraits",
                      cell_classes={"reference": "wb-ref"})


def kwic_table(table: pd.DataFrame) -> str:
    """Keyword-in-context lines: reference, pseudonym, left context, word, right context."""
    columns = {"reference": "Référence", "case": "Personne (pseudonyme)", "left": "Contexte",
               "keyword": "Mot", "right": "Suite"}
    return html_table(table, columns, css_class="wb-kwic",
                      cell_classes={"reference": "wb-ref", "left": "wb-kwic-gauche",
                                    "keyword": "wb-kwic-mot", "right": "wb-kwic-droite"})


class ExtractPager:
    """The extracts of a selection, `size` per page, with previous / next buttons."""

    def __init__(self, *, size: int = 25, css_class: str = "wb-liste-extraits") -> None:
        self.size, self.start = size, 0
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
            self.table.value = extracts_table(page)
            self.label.value = (f"<span class='wb-note'>Extraits {self.start + 1} à "
                                f"{self.start + len(page)} sur {total}</span>")
        else:
            self.table.value = ""
            self.label.value = "<span class='wb-note'>Aucun extrait pour cette sélection.</span>"
        self.previous.disabled = self.start == 0
        self.next.disabled = self.start + self.size >= total
