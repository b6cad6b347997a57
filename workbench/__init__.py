"""A Jupyter workbench for qualitative analysis of French interview research."""

from workbench.errors import (
    AttributesError,
    CodebookError,
    CodingError,
    CorpusError,
    NotFoundError,
    StoreError,
    WorkbenchError,
)
from workbench.project import Project

__version__ = "0.1.0"

__all__ = [
    "AttributesError", "CodebookError", "CodingError", "CorpusError", "NotFoundError",
    "Project", "StoreError", "WorkbenchError", "__version__",
]
