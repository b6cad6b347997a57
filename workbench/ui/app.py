"""What every COPIL app shares: building it or saying in French why it cannot open,
a guard for its updates, the server log, and a marker telling the browser (and the
tests) that an update is complete.

A COPIL member never sees a Python error: a refusal the workbench explains (no
such project, no pseudonyms yet…) is shown as it is; anything unexpected becomes
a short French message with a reference, and the details go to the server's log
(the kernel's original stderr, which Voila prints in its terminal), never to the
page.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import os
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbench.errors import WorkbenchError
from workbench.ui.style import error_message
from workbench.views import snapshot_label

LOGGER_NAME = "workbench.ui"
LOG = logging.getLogger(LOGGER_NAME)
UNEXPECTED = ("L'application n'a pas pu s'afficher : une erreur inattendue s'est produite "
              "(référence {ref}). Prévenez l'équipe de l'étude.")
UPDATE_FAILED = ("Cette mise à jour n'a pas pu s'afficher (référence {ref}). Essayez un autre "
                 "choix ou rechargez la page ; si cela se reproduit, prévenez l'équipe de "
                 "l'étude.")
# The apps by the name the notebooks give: module, entry function.
APPS = {"tableau_de_bord": ("workbench.ui.dashboard", "tableau_de_bord"),
        "explorateur": ("workbench.ui.explorer", "explorateur"),
        "cartographie": ("workbench.ui.cartography", "cartographie")}


class _ServerStream(io.TextIOBase):
    """The server's log: the kernel's original stderr, not the notebook's output.

    In a Jupyter kernel `sys.stderr` sends what it gets to the page, and file
    descriptor 2 is piped there too; ``sys.stderr.fileno()`` is the kernel's copy
    of the original descriptor, which only the server's terminal reads."""

    def write(self, text: str) -> int:
        stream = sys.stderr
        if stream is sys.__stderr__ or stream is None:
            target = sys.__stderr__
            if target is not None:
                target.write(text)
                target.flush()
            return len(text)
        try:
            fd = stream.fileno()
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            fd = None
        if fd is not None:
            os.write(fd, text.encode("utf-8", errors="replace"))
        elif sys.__stderr__ is not None:  # a kernel that does not pipe fd 2
            sys.__stderr__.write(text)
            sys.__stderr__.flush()
        return len(text)


def server_log() -> logging.Logger:
    """The apps' logger, writing to the server's log only (never to the page)."""
    if not any(getattr(h, "_workbench", False) for h in LOG.handlers):
        handler = logging.StreamHandler(_ServerStream())  # type: ignore[arg-type]
        handler._workbench = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: "
                                               "%(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False  # a root handler might write to the page
    return LOG


def reference() -> str:
    """A short reference joining the message shown to the lines of the server log."""
    return f"{time.strftime('%H%M%S')}-{uuid.uuid4().hex[:4]}"


def failure(what: str) -> str:
    """Log the exception being handled (details, server log only) and return the
    reference to show."""
    ref = reference()
    server_log().exception("%s failed (reference %s)", what, ref)
    return ref


@contextmanager
def warnings_to_server_log() -> Iterator[None]:
    """Warnings raised inside the block go to the server log, not to the page (they
    speak to researchers: a missing language model, a document left out…)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            yield
        finally:
            for warning in caught:
                server_log().warning("%s: %s", warning.category.__name__, warning.message)


def unexpected_message(ref: str) -> widgets.HTML:
    """The French message shown instead of an app that failed unexpectedly."""
    return error_message(UNEXPECTED.format(ref=ref), title="")


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


class Notice:
    """A line that says, in French, that the last update failed (hidden otherwise)."""

    def __init__(self) -> None:
        self.widget = widgets.HTML(layout=widgets.Layout(display="none"))
        self.widget.add_class("wb-avis")

    def show(self, text: str) -> None:
        self.widget.value = f"<div class='wb-erreur wb-avis-texte'>{html.escape(text)}</div>"
        self.widget.layout.display = None

    def clear(self) -> None:
        self.widget.value = ""
        self.widget.layout.display = "none"


def guarded(update: Callable[..., None], notice: Notice, *,
            what: str) -> Callable[..., None]:
    """`update` (called with whatever the caller gives) that never raises: a failure is
    logged for the server and said in French in `notice` (a later update that works
    clears it)."""
    @functools.wraps(update)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            with warnings_to_server_log():
                update(*args, **kwargs)
        except Exception:  # the committee must see French, never a traceback
            notice.show(UPDATE_FAILED.format(ref=failure(what)))
        else:
            notice.clear()
    return run


def build_app(build: Callable[[], widgets.Widget]) -> widgets.Widget:
    """The app `build` returns, or a French message when the project cannot be shown
    (no such project, no pseudonyms yet…) or anything else goes wrong."""
    try:
        with warnings_to_server_log():
            return build()
    except WorkbenchError as exc:
        server_log().info("app refused to open: %s", exc)
        return error_message(str(exc))
    except Exception:  # never Voila's English error page
        return unexpected_message(failure("building the app"))


def run_app(name: str, projet: str | Path | None = None, **options: Any) -> widgets.Widget:
    """The COPIL app `name` (tableau_de_bord, explorateur, cartographie) on `projet` (else
    $WORKBENCH_PROJECT, else the demo): what a notebook of `notebooks/apps/` shows. It
    never raises: whatever fails becomes a French message (details in the server log)."""
    try:
        module, function = APPS[name]
        entry = getattr(__import__(module, fromlist=[function]), function)
        app = entry(projet, **options)
        label = snapshot_label(projet)
    except Exception:
        return unexpected_message(failure(f"app {name!r}"))
    if label is None:
        return app
    banner = widgets.HTML(f"<div class='wb-snapshot'><b>{html.escape(label)}</b> : les "
                          "chiffres de cette page ne bougent plus, le projet vivant continue "
                          "sans eux.</div>")
    return widgets.VBox([banner, app])

