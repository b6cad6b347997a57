"""REFI-QDA exchange: codebooks (.qdc) and projects (.qdpx), import and export.

See docs/refi.md for what is carried over, what is not, and the conventions
(positions, endPosition, where criteria and memos go).
"""

from workbench.errors import ExchangeError
from workbench.refi.codebook_xml import export_qdc, load_qdc, read_qdc, write_qdc
from workbench.refi.project_export import export_qdpx
from workbench.refi.project_import import import_qdpx
from workbench.refi.report import ExchangeReport

__all__ = ["ExchangeError", "ExchangeReport", "export_qdc", "export_qdpx", "import_qdpx",
           "load_qdc", "read_qdc", "write_qdc"]
