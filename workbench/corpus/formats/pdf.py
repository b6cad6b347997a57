"""PDF transcripts, read from their text layer with pypdf.

Pages are read in order, each visual line of text becoming a line of the
document (so an utterance wrapped over several lines is one turn, by the
continuation rule of :mod:`workbench.corpus.turns`). A line holding only a
page number ("3", "Page 3", "3 / 12", "page 3 sur 12") at the top or bottom of
a page is left out. A PDF without a text layer (a scan) must go through OCR
first; a PDF that needs a password must be unlocked first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbench.corpus.files import read_bytes
from workbench.corpus.lines import LineCollector
from workbench.corpus.model import ParsedDocument
from workbench.corpus.turns import ProgressFn
from workbench.errors import CorpusError

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:/|sur|of|de)\s*\d{1,4})?\s*$", re.IGNORECASE
)


def _open(path: Path) -> Any:
    import io

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    source = path.name
    data = read_bytes(path)
    if b"%PDF" not in data[:1024]:
        raise CorpusError(
            f"{source} : ce n'est pas un fichier PDF valide (pas d'en-tête PDF) ; exportez à "
            "nouveau la transcription en PDF, ou importez-la en .docx ou .txt."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorpusError(
            f"{source} : fichier PDF abîmé ({exc}) ; exportez-le à nouveau, ou importez la "
            "transcription en .docx ou .txt."
        ) from exc
    if reader.is_encrypted:
        locked = CorpusError(
            f"{source} : protégé par un mot de passe ; retirez le mot de passe (ouvrez-le et "
            "imprimez-le ou exportez-le dans un nouveau PDF, ou lancez « qpdf --decrypt ») et "
            "importez-le à nouveau."
        )
        try:
            if not reader.decrypt(""):
                raise locked
        except DependencyError as exc:
            raise CorpusError(
                f"{source} : chiffré (AES), il ne peut pas être ouvert sans le paquet "
                "« cryptography » ; retirez sa protection (imprimez-le ou exportez-le dans un "
                "nouveau PDF) et importez-le à nouveau."
            ) from exc
        except (PdfReadError, NotImplementedError) as exc:
            raise locked from exc
    return reader


def _page_lines(text: str) -> list[str]:
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    for i in (nonblank[:1] + nonblank[-1:]) if nonblank else []:
        if _PAGE_NUMBER.match(lines[i]):
            lines[i] = ""
    return [line for line in lines if line.strip()]


def read_pdf(
    path: Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read the text layer of a PDF transcript."""
    reader = _open(path)
    lines = LineCollector()
    warnings: list[str] = []
    found_text = False
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on odd pages
            warnings.append(
                f"{path.name} : le texte de la page {number} n'a pas pu être lu "
                f"({type(exc).__name__}) ; cette page manque dans l'import."
            )
            continue
        page_lines = _page_lines(text)
        if page_lines:
            found_text = True
            lines.add("\n".join(page_lines))
    if not found_text:
        raise CorpusError(
            f"{path.name} : pas de couche de texte (il ressemble à une image numérisée) ; "
            "passez-le d'abord à l'OCR (par ex. « ocrmypdf in.pdf out.pdf ») et importez le "
            "résultat, ou importez le .docx d'origine."
        )
    return lines.parse(
        source=path.name, pattern=pattern, roles=roles, warnings=warnings, progress=progress
    )
