"""Reading a file's bytes with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import CorpusError


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`; a missing, unreadable or directory path raises CorpusError."""
    if not path.exists():
        raise CorpusError(f"{path.name}: file not found ({path}); check the path and try again.")
    if path.is_dir():
        raise CorpusError(f"{path.name}: is a folder, not a file; give the path of a transcript.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(
            f"{path.name}: cannot be read ({exc.strerror or exc}); check that it is not open "
            "elsewhere or protected, then try again."
        ) from exc
