"""What the notebooks share: finding the project they work on, and running them headless.

Each notebook has one cell tagged ``parameters`` (the papermill convention)
setting ``PROJET = None``: the demo project, built on first use. Its other
parameters (attributes to cross, codes to show) default to None too and are
resolved from the study profile and the codebook by :mod:`workbench.notebook_study`.
To run a notebook on another project, :func:`run_notebook` inserts a cell with the
new values after that one, as papermill does, and executes every cell in order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.views import CopilView, project_location

DEMO_MARKER = Path("corpora") / "demo"


def find_root(start: str | Path | None = None) -> Path:
    """The workbench folder (the one holding corpora/demo), from `start` upwards."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEMO_MARKER).is_dir():
            return folder
    raise WorkbenchError(f"no workbench folder (with {DEMO_MARKER}) above {here}: give the "
                         "project path (PROJET = \"…/project.sqlite\").")


def open_project(path: str | Path | None = None) -> Project:
    """The project at `path`, or the demo project (built the first time, ~1 min)."""
    if path is not None:
        return Project.open(path)
    from workbench.demo import build_demo

    root = find_root()
    demo = root / "outputs" / "demo"
    if (demo / "project.sqlite").exists():
        return Project.open(demo)
    print("Construction du projet de démonstration (une seule fois)…")
    return build_demo(root, demo, progress=False)


def output_folder(kind: str = "figures", start: str | Path | None = None) -> Path:
    """``outputs/<kind>`` of the workbench folder (or of ``$WORKBENCH_OUTPUTS``), created
    if needed."""
    base = os.environ.get("WORKBENCH_OUTPUTS")
    folder = (Path(base) if base else find_root(start) / "outputs") / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_notebook(path: str | Path, parameters: Mapping[str, Any] | None = None, *,
                 cwd: str | Path | None = None, timeout: int = 900) -> Any:
    """Execute a notebook top to bottom with `parameters` injected; returns the executed
    notebook (nbformat). Raises nbclient's CellExecutionError naming the failing cell."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    if parameters:
        index = next((i for i, cell in enumerate(notebook.cells)
                      if "parameters" in cell.get("metadata", {}).get("tags", [])), None)
        if index is None:
            raise WorkbenchError(f"{path.name}: no cell tagged 'parameters' to override.")
        source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
        cell = nbformat.v4.new_code_cell("# Paramètres injectés\n" + source)
        cell.metadata["tags"] = ["injected-parameters"]
        notebook.cells.insert(index + 1, cell)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    client.execute()
    return notebook


_VIEWS: dict[tuple[str, bool], CopilView] = {}


def load_view(projet: str | Path | None = None, *, words: bool = False) -> CopilView:
    """The COPIL view of the project the apps show (`projet`, else $WORKBENCH_PROJECT,
    else the demo), loaded once per process and kept in memory; the project itself is
    closed once read."""
    location = project_location(projet)
    key = (str(location), words)
    if key not in _VIEWS:
        project = open_project(location)
        try:
            _VIEWS[key] = CopilView.from_project(project, words=words)
        finally:
            project.close()
    return _VIEWS[key]
