"""`read_document`: one entry point for every transcript format, chosen by suffix."""

from __future__ import annotations

import importlib
from pathlib import Path

from workbench.corpus.model import ParsedDocument
from workbench.corpus.roles import INTERVIEWER, RESPONDENT
from workbench.corpus.turns import ProgressFn
from workbench.errors import CorpusError

# suffix -> (module in workbench.corpus.formats, function, takes a speaker pattern)
_READERS: dict[str, tuple[str, str, bool]] = {
    ".txt": ("text", "read_text", True),
    ".md": ("text", "read_text", True),
    ".docx": ("docx", "read_docx", True),
    ".odt": ("odt", "read_odt", True),
    ".pdf": ("pdf", "read_pdf", True),
    ".vtt": ("subtitles", "read_subtitles", False),
    ".srt": ("subtitles", "read_subtitles", False),
    ".trs": ("transcriber", "read_transcriber", False),
    ".textgrid": ("textgrid", "read_textgrid", False),
}
SUPPORTED: tuple[str, ...] = tuple(_READERS)


def _check_roles(roles: dict[str, str] | None, source: str) -> None:
    bad = sorted({v for v in (roles or {}).values() if v not in (INTERVIEWER, RESPONDENT)})
    if bad:
        raise CorpusError(
            f"{source} : rôle(s) inconnu(s) dans roles : {', '.join(f'« {b} »' for b in bad)} ; "
            f"utilisez « {INTERVIEWER} » ou « {RESPONDENT} »."
        )


def turn_summary(doc: ParsedDocument) -> str | None:
    """"N ligne(s) sur M commencent par une étiquette de locuteur" for text-like documents,
    else None."""
    if doc.matched_lines is None or doc.total_lines is None:
        return None
    return (f"{doc.matched_lines} ligne(s) sur {doc.total_lines} commencent par une étiquette "
            "de locuteur")


def read_document(
    path: str | Path,
    *,
    pattern: str | None = None,
    roles: dict[str, str] | None = None,
    progress: bool | ProgressFn | None = None,
) -> ParsedDocument:
    """Read a transcript of any supported format into a ParsedDocument.

    Args:
        path: the file; its suffix (case-insensitive) chooses the reader:
            .txt .md .docx .odt .pdf .vtt .srt .trs .textgrid.
        pattern: a regex for speaker labels with a named group ``speaker`` (and
            optionally ``time``), replacing the default recognition; only for
            running text (.txt .md .docx .odt .pdf).
        roles: speaker label -> "interviewer" | "respondent", overriding inference.
        progress: a callable ``(done, total)`` or True for a tqdm bar on large texts.

    Raises:
        CorpusError: unsupported suffix, unreadable or invalid file (the
            message names the file, the problem and what to do).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        raise CorpusError(
            f"{path.name} : type de fichier non pris en charge "
            f"« {suffix or '(sans extension)'} » ; "
            f"les types pris en charge sont {', '.join(SUPPORTED)}. Enregistrez la transcription "
            "dans l'un d'eux (par ex. en .docx ou .txt) et importez-la à nouveau."
        )
    _check_roles(roles, path.name)
    module_name, function, takes_pattern = _READERS[suffix]
    module = importlib.import_module(f"workbench.corpus.formats.{module_name}")
    reader = getattr(module, function)
    if takes_pattern:
        doc: ParsedDocument = reader(path, pattern=pattern, roles=roles, progress=progress)
    else:
        doc = reader(path, roles=roles)
        if pattern:
            doc.warnings.append(
                f"{path.name} : le motif de locuteur (pattern) est ignoré : les fichiers {suffix} "
                "nomment eux-mêmes leurs locuteurs."
            )
    if doc.matched_lines == 0 and doc.total_lines:
        blocks = "un seul bloc" if len(doc.turns) <= 1 else "un bloc par section"
        doc.warnings.append(
            f"{path.name} : aucune étiquette de locuteur reconnue, importé en {blocks} sans "
            "locuteur. Si les locuteurs sont indiqués, écrivez des étiquettes comme "
            "« Enquêteur : … » / « Fatima : … » en début de ligne, ou donnez leur expression "
            "régulière (pattern=, avec un groupe « speaker »)."
        )
    return doc


def same_names(names: dict[Path, str]) -> None:
    """Refuse an import where two files would become one document (`E01.txt` and
    `E01.md` both give « E01 »: the second would silently replace the first)."""
    by_name: dict[str, list[Path]] = {}
    for path, name in names.items():
        by_name.setdefault(name, []).append(path)
    clashes = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    if clashes:
        lines = [f"document « {name} » : deux fichiers ou plus donneraient ce même document ("
                 + " et ".join(f"« {p} »" for p in paths) + ") ; renommez-les pour que leurs "
                 "noms sans extension diffèrent (ou retirez le doublon), puis importez à nouveau"
                 for name, paths in clashes.items()]
        raise CorpusError(("rien n'a été importé : " if len(lines) == 1 else
                           "rien n'a été importé :\n  - ") + "\n  - ".join(lines) + ".")
