"""Import a REFI-QDA `.qdpx` archive as a NEW project, all or nothing.

The archive is read and checked completely first (`qde_read.read_plan`); only
then is a project created, in a temporary folder beside the target, written in
one transaction, and renamed into place. On any error the temporary folder is
removed and nothing exists at the target. For a database URL the project is
written in place and its tables dropped again if anything fails.

Turns are recomputed from each text with the usual plain-text turn parser;
codes, cases, attributes, codings (positions, coders, dates) and notes arrive
as codes, cases, attributes, codings and memos.
Recordings (AudioSource / VideoSource, extracted by `qde_read`) are copied into the
new project's media/ folder, named by the document's reference, and attached; their
sync points give the turns their times (`media_xml`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from workbench import importer
from workbench.coding.coders import default_coder, set_coder
from workbench.coding.codes import apply_codebook
from workbench.coding.codings import insert_codings
from workbench.corpus.model import ParsedDocument
from workbench.corpus.turns import parse_turns
from workbench.errors import ExchangeError, MediaError
from workbench.media import stored
from workbench.media.files import probe
from workbench.recordings import MEDIA_FOLDER, copy_into, copy_stem, project_folder
from workbench.refi.descriptions import parse_project_description
from workbench.refi.media_xml import remove_folder, sync_times
from workbench.refi.qde_read import Plan, note_time, read_plan
from workbench.refi.qde_sources import timestamp
from workbench.refi.report import ExchangeReport
from workbench.store import Store, Writer
from workbench.store import schema as s
from workbench.store.engine import is_url, make_engine
from workbench.store.migrations import current_version
from workbench.store.queries import find_document

SQLITE_SUFFIXES = {".sqlite", ".db", ".sqlite3"}


def import_qdpx(path: str | Path, target: str | Path, *, coder: str | None = None,
                sources_folder: str | Path | None = None) -> ExchangeReport:
    """Create a new project at `target` (folder or URL) from a `.qdpx`; returns the report
    of what was not carried over (open it with `Project.open(target, coder=coder)`).

    `coder`: who imports (the audit log's actor, and the coder of selections
    that name no user); defaults to $WORKBENCH_CODER or the login name.
    `sources_folder`: the folder of your disk that texts kept outside the archive
    (``relative://``, ``absolute://``) may be read from; without it such an archive
    is refused, since an archive from elsewhere must not read your files.
    """
    actor = coder or default_coder()
    _check_target(target)
    plan = read_plan(path, coder=actor, sources_folder=sources_folder)
    try:
        with _staged(target) as where:
            store = Store.connect(where, create=True)
            try:
                with store.write(actor) as w:
                    set_coder(w, actor, "lead")  # whoever imports the project leads it
                    write_plan(w, plan, actor=actor, folder=project_folder(store))
            finally:
                store.close()
    finally:
        remove_folder(plan.media_folder)
    return plan.report


def _sqlite_file(target: str | Path) -> Path | None:
    """The file of a `sqlite:///…` URL (staged like a folder target), else None."""
    if not is_url(target):
        return None
    url = make_url(str(target))
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _check_target(target: str | Path) -> None:
    if is_url(target) and _sqlite_file(target) is None:
        engine = make_engine(target)
        try:
            with engine.connect() as conn:
                exists = current_version(conn) is not None
        finally:
            engine.dispose()
        if exists:
            raise ExchangeError(f"{target} : un projet existe déjà dans cette base ; l'import "
                                "crée toujours un nouveau projet.")
        return
    path = _sqlite_file(target) or Path(target)
    if path.is_file() or (path.is_dir() and any(path.iterdir())):
        raise ExchangeError(f"{path} existe déjà ; l'import crée un nouveau projet : choisissez "
                            "un dossier qui n'existe pas encore (ou vide).")


@contextmanager
def _staged(target: str | Path) -> Iterator[str | Path]:
    """Where to build the project; moved to `target` only if the block succeeds."""
    file = _sqlite_file(target)
    if is_url(target) and file is None:
        try:
            yield str(target)
        except BaseException:
            engine = make_engine(target)
            try:
                s.metadata.drop_all(engine)
            finally:
                engine.dispose()
            raise
        return
    final = file or Path(target)
    created = [p for p in final.parents if not p.exists()]  # nearest first
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.import-", dir=final.parent))
    try:
        if file is not None or final.suffix in SQLITE_SUFFIXES:
            built = tmp / final.name
            yield f"sqlite:///{built}"
            for extra in ("-wal", "-shm"):  # normally gone once the store is closed
                if Path(f"{built}{extra}").exists():
                    os.replace(f"{built}{extra}", f"{final}{extra}")
            os.replace(built, final)
        else:
            built = tmp / "projet"
            yield built
            if final.is_dir():
                final.rmdir()  # empty, checked before
            os.replace(built, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # folders made for the target, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_plan(w: Writer, plan: Plan, *, actor: str, folder: Path | None = None) -> None:
    """Write everything the plan holds, inside the caller's transaction. `folder`: the
    new project's folder, where recordings are copied (None: PostgreSQL, no copy)."""
    report = plan.report
    book = plan.codes.book
    book_name, description = parse_project_description(plan.description)
    book.name = book_name or plan.name
    if book_name is not None:
        book.description = description
    if book.codes:
        apply_codebook(w, book, source=str(report.path))
    code_ids = dict(w.conn.execute(select(s.codes.c.key, s.codes.c.id)).all())
    report.codes = len(book.codes)
    doc_ids, texts = _documents(w, plan)
    _recordings(w, plan, doc_ids, folder)
    for case in plan.cases:
        links = [(doc_ids[g], speaker) for g, speaker in case.links]
        case_id = importer.set_case(w, case.name, case.kind, case.attributes, links)
        if case.memo:
            _memo(w, "case", case_id, actor, case.memo, w.at, w.at)
    report.cases = len(plan.cases)
    report.variables = len({k for x in [*plan.sources, *plan.cases] for k in x.attributes})
    coding_ids = _codings(w, plan, doc_ids, texts, code_ids, actor)
    for target_type, guid, note_guid in plan.targets:
        target_id = {"project": None, "document": doc_ids.get(guid or ""),
                     "code": code_ids.get(plan.codes.keys.get(guid or "", ""))}[target_type]
        if target_type != "project" and target_id is None:
            continue
        note = plan.notes[note_guid]
        _memo(w, target_type, target_id, plan.user(note.author, actor), note.text,
              *note_time(note, w.at))
    for coding_id, coding in coding_ids:
        for note_guid in coding.notes:
            if note_guid in plan.notes:
                note = plan.notes[note_guid]
                _memo(w, "coding", coding_id, plan.user(note.author, actor), note.text,
                      *note_time(note, w.at))
    if description and book_name is None:
        _memo(w, "project", None, actor, f"Description du projet : {description}", w.at, w.at)
    used = {plan.user(c.user, actor) for c in plan.codings}
    report.users = len(used)
    authors = used | {plan.user(note.author, actor) for note in plan.notes.values()}
    dropped = sorted(set(plan.users.values()) - authors)
    if dropped:
        report.warn(f"{len(dropped)} utilisateur(s) déclaré(s) dans le projet n'y ont ni codage "
                    f"ni note à leur nom ({', '.join(dropped[:10])}) : ils ne sont pas importés "
                    f"comme codeur·ses ; les codages sans utilisateur sont attribués à {actor}.")
    report.memos = (w.conn.execute(select(func.count()).select_from(s.memos)).scalar_one()
                    + w.conn.execute(select(func.count()).select_from(s.codings)
                                     .where(s.codings.c.memo.is_not(None))).scalar_one())


def _documents(w: Writer, plan: Plan) -> tuple[dict[str, int], dict[int, str]]:
    doc_ids: dict[str, int] = {}
    texts: dict[int, str] = {}
    for source in plan.sources:
        text = source.source.text
        turns, matched, total = parse_turns(text, source=source.name)
        parsed = ParsedDocument(text=text, turns=turns, encoding="utf-8", matched_lines=matched,
                                total_lines=total)
        result = importer.write_document(w, source.name, parsed, kind=source.kind or "interview",
                                         source=source.where)
        doc_ids[source.guid] = texts_id = result.document_id
        texts[texts_id] = text
        if source.attributes:
            importer.set_document_attributes(w, texts_id, source.attributes)
        if source.memo:
            _memo(w, "document", texts_id, w.actor, source.memo, w.at, w.at)
    plan.report.documents = len(plan.sources)
    if plan.sources:
        plan.report.warn("les tours de parole sont recalculés depuis le texte (« Locuteur : … » "
                         "en début de ligne), la norme n'en ayant pas.")
    if untyped := sum(1 for p in plan.sources if p.kind is None):
        plan.report.warn(f"{untyped} document(s) sans type (« Type de document : … » dans leur "
                         "description) sont importés comme entretiens.")
    return doc_ids, texts


def _recordings(w: Writer, plan: Plan, doc_ids: dict[str, int], folder: Path | None) -> None:
    """Give the turns their sync points' times and attach each extracted recording, copied
    into the project's media/ folder under the document's reference."""
    not_copied: list[str] = []
    for media in plan.media:
        doc_id = doc_ids.get(media.document)
        if doc_id is None:
            continue
        turns = [dict(r) for r in w.conn.execute(
            select(s.turns.c.id, s.turns.c.start, s.turns.c.end)
            .where(s.turns.c.document_id == doc_id)).mappings()]
        for turn_id, times in sync_times(turns, media.sync).items():
            w.conn.execute(s.turns.update().where(s.turns.c.id == turn_id).values(**times))
        if media.file is None:
            continue
        doc = find_document(w.conn, doc_id)
        if folder is None:
            not_copied.append(doc["name"])
            continue
        try:
            found = probe(media.file)
        except MediaError as exc:
            plan.report.warn(f"enregistrement de « {doc['name']} » non attaché : {exc}")
            continue
        target, _created = copy_into(found, folder / MEDIA_FOLDER, copy_stem(doc))
        found = replace(found, path=target, mtime=target.stat().st_mtime)
        stored.attach(w, doc_id, found, path=target.relative_to(folder).as_posix(), copied=True,
                      file_name=target.name, action=stored.IMPORT_ACTION)
        plan.report.recordings += 1
    if not_copied:
        plan.report.warn(f"{len(not_copied)} enregistrement(s) ({', '.join(not_copied[:10])}) "
                         "n'ont pas pu être copiés : un projet PostgreSQL n'a pas de dossier où "
                         "les ranger ; les documents sont importés sans eux (rangez les fichiers "
                         "dans un dossier partagé et attachez-les avec p.media.add).")


def _codings(w: Writer, plan: Plan, doc_ids: dict[str, int], texts: dict[int, str],
             code_ids: dict[str, int], actor: str) -> list[tuple[int, Any]]:
    rows, kept = [], []
    missing = 0
    for coding in plan.codings:
        key = plan.codes.keys.get(coding.code)
        if key is None or key not in code_ids:
            missing += 1
            continue
        doc_id = doc_ids[coding.document]
        created = timestamp(coding.created, w.at)
        rows.append({"document_id": doc_id, "code_id": code_ids[key], "start": coding.start,
                     "end": coding.end, "quote": texts[doc_id][coding.start:coding.end],
                     "coder": plan.user(coding.user, actor), "origin": "import",
                     "status": "accepted", "memo": coding.memo, "created_at": created,
                     "updated_at": w.at})
        kept.append(coding)
    if missing:
        plan.report.warn(f"{missing} codage(s) vers un code absent du livre de codes ignoré(s).")
    ids = insert_codings(w, rows, action="import")
    plan.report.codings = len(rows)
    return list(zip(ids, kept, strict=True))


def _memo(w: Writer, target_type: str, target_id: int | None, author: str, text: str,
          created: str, updated: str) -> None:
    row = {"target_type": target_type, "target_id": target_id, "author": author, "text": text,
           "created_at": created, "updated_at": updated}
    memo_id = w.conn.execute(s.memos.insert().values(**row).returning(s.memos.c.id)).scalar_one()
    w.log("import", "memos", memo_id, after={"id": memo_id, **row})
