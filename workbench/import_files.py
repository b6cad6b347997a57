"""Importing files into a project: every transcript and the attributes sheet are read
and checked first, outside any transaction; then everything is written in one
transaction (`importer.py`), so a bad file or sheet leaves nothing half-imported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from workbench import importer
from workbench.corpus.attributes import normalise_kind, read_attributes
from workbench.corpus.readers import SUPPORTED, read_document, same_names, turn_summary
from workbench.errors import CorpusError, WorkbenchError
from workbench.profile.stored import current_profile, save_profile
from workbench.store import Store
from workbench.store.queries import known_speakers, needs_upgrade


def import_file(store: Store, coder: str, path: str | Path, *, kind: str = "interview",
                name: str | None = None, drop_unplaced: bool = False,
                **options: Any) -> importer.ImportResult:
    """Import one transcript; `options` go to the reader (pattern=, roles=)."""
    path = Path(path)
    options.setdefault("progress", True)  # a bar only shows for large texts
    parsed = read_document(path, **options)
    with store.write(coder) as w:
        result = importer.write_document(
            w, name or importer.document_name(path), parsed, kind=document_kind(kind),
            source=str(path), drop_unplaced=drop_unplaced)
        result.warnings = [*result.warnings,
                           *importer.role_warnings(w.conn, [result.document_id])]
    result.summary = turn_summary(parsed)
    return result


def import_corpus(store: Store, coder: str, folder: str | Path | Sequence[str | Path], *,
                  attributes: str | Path | None = None, kind: str = "interview",
                  drop_unplaced: bool = False, progress: bool = True,
                  **options: Any) -> list[importer.ImportResult]:
    """Import every transcript of a folder (or of several files and folders) and its
    attributes sheet, all or nothing."""
    paths = [Path(folder)] if isinstance(folder, str | Path) else [Path(p) for p in folder]
    shown = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
    files: list[Path] = []
    for path in paths:
        if not (path.is_dir() or path.is_file()):
            raise CorpusError(f"{path} : ni fichier ni dossier à cet endroit ; vérifiez le "
                              "chemin.")
        files += corpus_files(path, exclude=attributes) if path.is_dir() else [path]
    files = list(dict.fromkeys(files))
    if not files:
        raise CorpusError(f"{shown} : aucune transcription trouvée (types pris en charge : "
                          f"{', '.join(SUPPORTED)}).")
    parsed, problems = {}, []
    for path in tqdm(files, desc="Lecture des transcriptions", disable=not progress,
                     unit="doc"):
        try:
            parsed[path] = read_document(path, **options)
        except WorkbenchError as exc:
            problems.append(str(exc))
    if problems:
        raise CorpusError(f"{shown} : {len(problems)} fichier(s) ne peuvent pas être "
                          "importés, rien n'a été importé :\n  - " + "\n  - ".join(problems))
    names = {path: importer.document_name(path) for path in files}
    same_names(names)
    shared = importer.shared_codes(names.values())
    sheet = None
    if attributes is not None:
        with store.read() as conn:
            known = known_speakers(conn)
        known.update({names[p]: sorted({t.speaker for t in doc.turns if t.speaker})
                      for p, doc in parsed.items()})
        sheet = read_attributes(Path(attributes), known=known)
    doc_kinds = {d.name: d.kind for d in sheet.documents} if sheet else {}
    results = []
    with store.write(coder) as w:
        for path, doc in parsed.items():
            name = names[path]
            result = importer.write_document(
                w, name, doc, kind=document_kind(doc_kinds.get(name) or kind),
                source=str(path), drop_unplaced=drop_unplaced, shared=shared)
            result.summary = turn_summary(doc)
            results.append(result)
        if sheet is not None:
            importer.write_sheet(w, sheet, source=str(attributes))
        else:
            save_profile(w, current_profile(w.conn), source=str(shown))
        warnings = importer.role_warnings(w.conn, [r.document_id for r in results])
    for result in results:
        result.warnings = [*result.warnings, *(m for m in warnings
                                                if m.startswith(f"« {result.document} »"))]
    return results


def import_attributes(store: Store, coder: str, path: str | Path,
                      **options: Any) -> list[str]:
    """Load (or reload) an attributes sheet for documents already imported; returns the
    warnings."""
    with store.read() as conn:
        known = known_speakers(conn)
    sheet = read_attributes(Path(path), known=known, **options)
    with store.write(coder) as w:
        warnings = importer.write_sheet(w, sheet, source=str(path))
        return warnings + importer.role_warnings(w.conn)


def upgrade_if_needed(store: Store) -> None:
    """Fill what a project made by an older version lacks (turn scripts, references)."""
    with store.read() as conn:
        if not needs_upgrade(conn):
            return
    with store.write("workbench") as w:
        importer.fill_missing_scripts(w)
        importer.fill_missing_references(w)


def corpus_files(folder: Path, *, exclude: str | Path | None = None) -> list[Path]:
    """Transcripts in a folder (sorted), leaving out READMEs, hidden files and the sheet."""
    skip = Path(exclude).resolve() if exclude else None
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith((".", "_"))
        and not p.stem.upper().startswith("README") and p.resolve() != skip
    )


def document_kind(kind: str) -> str:
    """The stored kind of a document (interview, focus_group, notes, report) from its
    French or English name; a French error for another."""
    value = normalise_kind(str(kind))
    if value is None:
        raise WorkbenchError(f"type de document « {kind} » inconnu ; écrivez entretien, "
                             "focus group, notes de terrain ou compte rendu (ou interview, "
                             "focus_group, notes, report).")
    return value
