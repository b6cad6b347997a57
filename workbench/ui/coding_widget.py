"""Browser-side pieces of the coding panel, as anywidget components.

`DocumentView` draws a document turn by turn from a render model
(`coding_state.document_model`) and sends back the reader's real text selection,
in code points of the stored text; when the document has a recording it shows an
HTML5 player streaming from the server, and each turn's time plays from there.
`CodeTree` is the searchable codebook with check boxes. `SimilarList` lists passages
like the selected one, each with a check box. Their JavaScript and CSS live in
`static/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from workbench.ui.coding_state import filter_codes

STATIC = Path(__file__).parent / "static"


class DocumentView(anywidget.AnyWidget):
    """One document, turn by turn, with its codings highlighted in their code colours.

    `doc`: the render model. `selection`: {start, end, text} of the reader's last text
    selection (empty when there is none), set by the browser; clearing it from Python
    clears the mark in the page. `focus`: {start, end} to scroll to and flash.

    With a player in the model (`doc["media"]`), an ``<audio>`` (or ``<video>``) element
    with the browser's own controls stays above the text, its source the server's media
    route (the browser streams it with range requests; no sound goes through the
    widget). A click on a turn's time seeks there and plays, in the page alone. `cue`:
    {start, end, count} (seconds) to play a passage from `start` and pause at `end`.
    """

    _esm = STATIC / "coding.js"
    _css = STATIC / "coding.css"
    doc = traitlets.Dict().tag(sync=True)
    selection = traitlets.Dict().tag(sync=True)
    focus = traitlets.Dict().tag(sync=True)
    cue = traitlets.Dict().tag(sync=True)
    empty_text = traitlets.Unicode("Ce document n'a aucun tour de parole.").tag(sync=True)

    def show(self, start: int, end: int) -> None:
        """Scroll the page to [start, end) and flash it."""
        count = int(self.focus.get("count", 0)) + 1  # a new value even for the same span
        self.focus = {"start": int(start), "end": int(end), "count": count}

    def play(self, start: float, end: float) -> None:
        """Play the recording from `start` and pause at `end` (seconds)."""
        count = int(self.cue.get("count", 0)) + 1  # a new value even for the same passage
        self.cue = {"start": round(float(start), 3), "end": round(float(end), 3),
                    "count": count}


class CodeTree(anywidget.AnyWidget):
    """The codebook as an indented list with colour swatches, a search box and check
    boxes: `selected` holds the chosen code keys, in codebook order."""

    _esm = STATIC / "codetree.js"
    _css = STATIC / "coding.css"
    codes = traitlets.List(traitlets.Dict()).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    visible = traitlets.List(traitlets.Unicode()).tag(sync=True)
    matching = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._filter()

    @traitlets.observe("codes", "query")
    def _filter(self, _change: Any = None) -> None:
        # Search runs in Python (coding_state.filter_codes) so it is tested there.
        self.visible, self.matching = filter_codes(self.codes, self.query)
        known = {c["key"] for c in self.codes}
        if any(key not in known for key in self.selected):
            self.selected = [key for key in self.selected if key in known]

    def clear(self) -> None:
        self.selected = []


class SimilarList(anywidget.AnyWidget):
    """Passages like the selected one, best first: a line each with a check box, its
    reference (a click shows the passage), its score, speaker and text, and the codes
    already on it.

    `items`: from `coding_state.similar_items`. `chosen`: the keys ticked, in list order.
    `shown`: {key, count} set by the browser when the reader asks to see a passage.
    """

    _esm = STATIC / "similar.js"
    _css = STATIC / "coding.css"
    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    chosen = traitlets.List(traitlets.Int()).tag(sync=True)
    shown = traitlets.Dict().tag(sync=True)
    empty_text = traitlets.Unicode(
        "Sélectionnez un passage du texte, puis cliquez sur « Trouver des passages "
        "semblables ».").tag(sync=True)

    @traitlets.observe("items")
    def _forget(self, _change: Any = None) -> None:
        known = {int(item["key"]) for item in self.items}
        if any(key not in known for key in self.chosen):
            self.chosen = [key for key in self.chosen if key in known]

    def clear(self) -> None:
        self.chosen = []
