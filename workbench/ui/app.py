"""What every COPIL app shares: building it or saying why it cannot open, and a marker
telling the browser (and the tests) that an update is complete."""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as widgets

from workbench.errors import WorkbenchError
from workbench.ui.style import error_message


class Progress:
    """A hidden element whose data attributes count the updates done: `data-comptes`
    once counts and extracts are shown, `data-graphiques` once the charts are too."""

    def __init__(self) -> None:
        self.done = {"comptes": 0, "graphiques": 0}
        self._lock = threading.Lock()  # charts may be drawn by another thread
        self.widget = widgets.HTML(layout=widgets.Layout(display="none"))
        self.widget.add_class("wb-etat")
        self._write()

    def mark(self, step: str) -> None:
        with self._lock:
            self.done[step] += 1
            self._write()

    def _write(self) -> None:
        attributes = " ".join(f"data-{k}='{v}'" for k, v in self.done.items())
        self.widget.value = f"<span class='wb-etat-valeur' {attributes}></span>"


def build_app(build: Callable[[], widgets.Widget]) -> widgets.Widget:
    """The app `build` returns, or a French message when the project cannot be shown
    (no such project, no pseudonyms yet…)."""
    try:
        return build()
    except WorkbenchError as exc:
        return error_message(str(exc))
