"""A Jupyter workbench for qualitative analysis of French interview research.

`import workbench` loads only the error classes: `Project` (and with it pandas and
SQLAlchemy) is imported the first time it is asked for (PEP 562), so the command line
answers `--help` at once. `from workbench import Project` works as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.errors import (
    AttributesError,
    CodebookError,
    CodingError,
    CorpusError,
    NotFoundError,
    StoreError,
    WorkbenchError,
)

if TYPE_CHECKING:
    from workbench.project import Project

__version__ = "0.1.0"

__all__ = [
    "AttributesError", "CodebookError", "CodingError", "CorpusError", "NotFoundError",
    "Project", "StoreError", "WorkbenchError", "__version__",
]


def __getattr__(name: str) -> Any:
    """`workbench.Project`, imported on first use."""
    if name == "Project":
        from workbench.project import Project

        globals()["Project"] = Project
        return Project
    raise AttributeError(f"module 'workbench' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
