"""Reading a file's bytes with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import CorpusError


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`; a missing, unreadable or directory path raises CorpusError."""
    if not path.exists():
        raise CorpusError(f"{path.name} : fichier introuvable ({path}) ; vérifiez le chemin et "
                          "réessayez.")
    if path.is_dir():
        raise CorpusError(f"{path.name} : c'est un dossier, pas un fichier ; donnez le chemin "
                          "d'une transcription.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(
            f"{path.name} : illisible ({exc.strerror or exc}) ; vérifiez qu'il n'est pas ouvert "
            "ailleurs ni protégé, puis réessayez."
        ) from exc
