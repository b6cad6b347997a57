"""Codebooks: the hierarchy of codes, its validation, and YAML/Excel files."""

from pathlib import Path

from workbench.codebook.model import Code, Codebook
from workbench.codebook.xlsx_io import read_xlsx, write_xlsx
from workbench.codebook.yaml_io import read_yaml, write_yaml
from workbench.errors import CodebookError

__all__ = ["Code", "Codebook", "read_codebook", "write_codebook"]


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook from .yaml/.yml or .xlsx, validated."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise CodebookError(f"{path} : grille de codage introuvable ; vérifiez le chemin.")
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    raise CodebookError(f"{path} : format de grille inconnu « {suffix or '(sans extension)'} » ; "
                        "enregistrez la grille en .yaml ou en .xlsx (une grille REFI-QDA .qdc "
                        "se charge dans le projet).")


def write_codebook(book: Codebook, path: str | Path) -> Path:
    """Write a codebook as .yaml/.yml or .xlsx, chosen by the suffix."""
    path = Path(path)
    if path.suffix.lower() in {".yaml", ".yml"}:
        return write_yaml(book, path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(book, path)
    raise CodebookError(f"{path} : une grille s'écrit en .yaml ou en .xlsx (ou en REFI-QDA .qdc "
                        "depuis le projet) ; changez l'extension du fichier.")
