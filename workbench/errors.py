"""Errors the workbench raises on bad input.

Every message names the file (and line, cell or row when known), says what is
wrong and how to fix it. Nothing is written to the store when one is raised.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class of every error a user can act on."""


class CorpusError(WorkbenchError):
    """A transcript or corpus file cannot be read or parsed."""


class AttributesError(WorkbenchError):
    """An attributes sheet is invalid (all problems listed at once)."""


class CodebookError(WorkbenchError):
    """A codebook file is invalid: duplicate, cycle, unknown parent, bad colour…"""


class CodingError(WorkbenchError):
    """A coding cannot be placed: outside its document, quote absent or ambiguous."""


class StoreError(WorkbenchError):
    """The project store cannot be opened, migrated or written."""


class NotFoundError(WorkbenchError):
    """A document, code, case or coding named by the user does not exist."""


class ExchangeError(WorkbenchError):
    """A REFI-QDA file (.qdc, .qdpx) is refused: unsafe, damaged or inconsistent."""


class ExportError(WorkbenchError):
    """An export cannot be written as asked (no extracts, bad option, a name would leak)."""


class TemplateError(ExportError):
    """A .docx template is missing, not a Word file, or its {{ … }} / {% … %} tags are wrong."""


class ProfileError(WorkbenchError):
    """A study profile (attribute labels, types, roles) is invalid or names an unknown
    attribute."""


class MediaError(WorkbenchError):
    """A recording cannot be attached: not a sound or video file of a known format, empty,
    its content not what its name says, unreadable, or no document to attach it to."""


class NothingToUndo(WorkbenchError):
    """The coder has no change left to undo."""


class RenamedWarning(FutureWarning):
    """A method of `Project` used under its former name (it moved to a namespace)."""
