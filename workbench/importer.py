"""Writing parsed documents and attribute sheets into the store.

Reading and parsing happen first, outside any transaction; the store is then
written in one transaction, so a bad file or sheet leaves nothing half-imported.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from workbench.coding.anchor import reanchor
from workbench.coding.codings import delete_coding
from workbench.coding.summaries import delete_document_summaries
from workbench.corpus.attributes import AttributesSheet
from workbench.corpus.model import ParsedDocument
from workbench.corpus.roles import INTERVIEWER, RESPONDENT
from workbench.errors import CodingError, NotFoundError, WorkbenchError
from workbench.media.stored import detach as detach_recording
from workbench.nlp.languages import UNDETERMINED, detect_language, normalise_language
from workbench.nlp.scripts import script_of, turn_scripts
from workbench.profile.stored import (
    current_profile,
    declare_speaker_role,
    save_profile,
    unroled_documents,
)
from workbench.store import Writer, row_of
from workbench.store import schema as s
from workbench.store.queries import document_speakers, find_document

KINDS = ("interview", "focus_group", "notes", "report", "survey")


@dataclass
class ImportResult:
    """What one import did to one document."""

    document: str
    status: str  # "new" | "unchanged" | "updated"
    document_id: int
    turns: int = 0
    reanchored: int = 0
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str | None = None  # "N of M lines start with a speaker label"
    language: str | None = None  # ISO code stored ("und": undetermined)
    recording: str | None = None  # the file name of the recording found beside it
    recording_status: str | None = None  # "new" | "replaced" | "unchanged"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _doc_summary(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A document row for the audit log, without its (possibly huge) text."""
    return None if row is None else {k: v for k, v in row.items() if k != "text"}


_CODE = re.compile(r"^([A-Z]{1,4}\d{1,4})(?=[_\-\s.]|$)")
_USER_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")


def name_code(name: str) -> str | None:
    """The short code a file name starts with (E07 in 'E07_ines_idf', FG02), if any."""
    m = _CODE.match(name)
    return m.group(1) if m else None


def new_reference(conn: Connection, name: str, *, shared: Iterable[str] = ()) -> str:
    """A unique reference for a new document: the code its name starts with when no
    other document has it (nor `shared`, codes several files of one import begin with),
    else the next free D01, D02… Never derived from the rest of the name (a person's)."""
    ref = s.documents.c.reference
    code = name_code(name)
    if code and code not in set(shared) and not _reference_taken(conn, code):
        return code
    # The highest Dnn so far, read in the database (an import of thousands of documents
    # would otherwise read every reference once per document).
    longest = conn.execute(select(ref).where(ref.like("D%"))
                           .order_by(func.length(ref).desc(), ref.desc()).limit(200)).scalars()
    numbers = [int(r[1:]) for r in longest if re.fullmatch(r"D\d+", r)]
    n = max(numbers, default=0) + 1
    while _reference_taken(conn, f"D{n:02d}"):
        n += 1
    return f"D{n:02d}"


def _reference_taken(conn: Connection, reference: str) -> bool:
    return conn.execute(select(s.documents.c.id).where(s.documents.c.reference == reference)
                        .limit(1)).first() is not None


def shared_codes(names: Iterable[str]) -> set[str]:
    """Codes that several of `names` start with (ESLO1 for ESLO1_ENT_001, _002…)."""
    counts = Counter(c for c in map(name_code, names) if c)
    return {c for c, n in counts.items() if n > 1}


def fill_missing_references(w: Writer) -> int:
    """Give a reference to documents imported before references existed (schema v4)."""
    rows = w.conn.execute(select(s.documents.c.id, s.documents.c.name)
                          .where(s.documents.c.reference.is_(None))
                          .order_by(s.documents.c.id)).all()
    shared = shared_codes(w.conn.execute(select(s.documents.c.name)).scalars())
    for doc_id, name in rows:
        w.conn.execute(s.documents.update().where(s.documents.c.id == doc_id)
                       .values(reference=new_reference(w.conn, name, shared=shared)))
    return len(rows)


def set_reference(w: Writer, doc_id: int, reference: str) -> None:
    """Give a document the reference the team chose (unique; letters, digits, . _ -)."""
    reference = reference.strip()
    if not _USER_REFERENCE.match(reference):
        raise WorkbenchError(f"référence « {reference} » refusée : 1 à 32 lettres sans accent, "
                             "chiffres, points, tirets ou soulignés (ex. ENT03).")
    other = w.conn.execute(select(s.documents.c.name).where(
        s.documents.c.reference == reference, s.documents.c.id != doc_id)).scalar()
    if other is not None:
        raise WorkbenchError(f"la référence « {reference} » est déjà celle d'un autre "
                             "document ; choisissez-en une autre.")
    before = row_of(w.conn, s.documents, doc_id)
    w.conn.execute(s.documents.update().where(s.documents.c.id == doc_id)
                   .values(reference=reference))
    w.log("reference", "documents", doc_id, before=_doc_summary(before),
          after=_doc_summary(row_of(w.conn, s.documents, doc_id)))


def write_document(w: Writer, name: str, parsed: ParsedDocument, *, kind: str, source: str,
                   drop_unplaced: bool = False, language: str | None = None,
                   shared: Iterable[str] = ()) -> ImportResult:
    """Insert a new document, or update a changed one re-anchoring its codings.

    `shared`: codes that several files of the same import start with (see
    `shared_codes`), so that none of them takes the code as its reference.

    `language`: the document's language code; None detects it from the text
    ("und" when unsure). A changed text keeps a language set with
    ``Project.set_language`` (not undone) since the document was first imported.
    """
    conn = w.conn
    digest = sha256(parsed.text)
    existing = conn.execute(select(s.documents).where(s.documents.c.name == name)
                            ).mappings().first()
    values = {
        "kind": kind, "text": parsed.text, "length": len(parsed.text), "sha256": digest,
        "source": source, "encoding": parsed.encoding, "updated_at": w.at,
    }
    if existing is None:
        values["language"] = _language(parsed.text, language)
        values["reference"] = new_reference(conn, name, shared=shared)
        doc_id = conn.execute(s.documents.insert().values(name=name, imported_at=w.at, **values)
                              .returning(s.documents.c.id)).scalar_one()
        turns = _write_turns(conn, doc_id, parsed)
        w.log("import", "documents", doc_id, after=_doc_summary(row_of(conn, s.documents, doc_id)))
        return ImportResult(name, "new", doc_id, turns=turns, warnings=parsed.warnings,
                            language=values["language"])
    doc_id = existing["id"]
    if existing["sha256"] == digest:
        if existing["kind"] != kind:
            conn.execute(s.documents.update().where(s.documents.c.id == doc_id).values(kind=kind))
        found = existing["language"]
        if found is None:  # imported before languages were detected
            found = _language(parsed.text, language)
            conn.execute(s.documents.update().where(s.documents.c.id == doc_id)
                         .values(language=found))
        return ImportResult(name, "unchanged", doc_id, language=found)
    values["language"] = existing["language"] if _language_set_by_user(
        conn, doc_id, existing["imported_at"]) else _language(parsed.text, language)
    placed, dropped = _reanchor_codings(conn, doc_id, existing["text"], parsed.text, name,
                                        drop_unplaced=drop_unplaced)
    for coding_id, start, end in placed:
        before = row_of(conn, s.codings, coding_id)
        conn.execute(s.codings.update().where(s.codings.c.id == coding_id).values(
            start=start, end=end, quote=parsed.text[start:end], updated_at=w.at))
        w.log("reanchor", "codings", coding_id, before=before,
              after=row_of(conn, s.codings, coding_id))
    for coding_id, _reason in dropped:
        before = row_of(conn, s.codings, coding_id)
        conn.execute(s.codings.delete().where(s.codings.c.id == coding_id))
        w.log("drop-unplaced", "codings", coding_id, before=before)
    conn.execute(s.documents.update().where(s.documents.c.id == doc_id).values(**values))
    conn.execute(s.turns.delete().where(s.turns.c.document_id == doc_id))
    turns = _write_turns(conn, doc_id, parsed)
    w.log("reimport", "documents", doc_id, before=_doc_summary(dict(existing)),
          after=_doc_summary(row_of(conn, s.documents, doc_id)))
    return ImportResult(name, "updated", doc_id, turns=turns, reanchored=len(placed),
                        dropped=[r for _, r in dropped], warnings=parsed.warnings,
                        language=values["language"])


def _language(text: str, given: str | None) -> str:
    """The language to store: the given code (checked), else the detected one, else "und"."""
    if given is not None:
        return normalise_language(given)
    return detect_language(text) or UNDETERMINED


def _language_set_by_user(conn: Connection, doc_id: int, since: str) -> bool:
    """Whether someone set this document's language (and did not undo it) since `since`
    (its first import: a removed document's id may be given to a new one)."""
    e = s.events
    return conn.execute(select(e.c.id).where(
        e.c.entity == "documents", e.c.entity_id == doc_id, e.c.action == "set-language",
        e.c.reverted_by.is_(None), e.c.at >= since).limit(1)).first() is not None


def set_language(w: Writer, doc_id: int, language: str) -> bool:
    """Store a document's language (a code checked by `normalise_language`); returns False
    when it was already that. Logged as "set-language" (the row without its text), so
    ``revert`` can undo it and a re-import keeps it; nothing else changes."""
    conn = w.conn
    before = row_of(conn, s.documents, doc_id)
    if before is None or before["language"] == language:
        return False
    conn.execute(s.documents.update().where(s.documents.c.id == doc_id)
                 .values(language=language))
    w.log("set-language", "documents", doc_id, before=_doc_summary(before),
          after=_doc_summary(row_of(conn, s.documents, doc_id)))
    return True


def _reanchor_codings(conn: Connection, doc_id: int, old: str, new: str, name: str, *,
                      drop_unplaced: bool) -> tuple[list[tuple[int, int, int]],
                                                    list[tuple[int, str]]]:
    spans = [tuple(r) for r in conn.execute(
        select(s.codings.c.id, s.codings.c.start, s.codings.c.end)
        .where(s.codings.c.document_id == doc_id)).all()]
    placements = reanchor(old, new, spans)  # type: ignore[arg-type]
    placed = [(p.coding_id, p.start, p.end) for p in placements if p.start is not None]
    lost = [(p.coding_id, f"codage #{p.coding_id} : {p.reason}") for p in placements
            if p.start is None]
    if lost and not drop_unplaced:
        raise CodingError(
            f"document « {name} » : le nouveau texte modifie {len(lost)} passage(s) codé(s) qui "
            "ne peuvent pas être replacés, rien n'a été importé :\n  - "
            + "\n  - ".join(r for _, r in lost)
            + "\nCorrigez le texte, ou réimportez avec drop_unplaced=True (--drop-unplaced) "
            "pour supprimer ces codages (le journal d'audit les garde).")
    return [(i, a, b) for i, a, b in placed if a is not None and b is not None], lost


def _write_turns(conn: Connection, doc_id: int, parsed: ParsedDocument) -> int:
    scripts = turn_scripts([parsed.text[t.start:t.end] for t in parsed.turns])
    rows = [
        {"document_id": doc_id, "idx": i, "speaker": t.speaker, "role": t.role,
         "start": t.start, "end": t.end, "t_start": t.t_start, "t_end": t.t_end,
         "section": t.section, "overlap": t.overlap, "script": script}
        for i, (t, script) in enumerate(zip(parsed.turns, scripts, strict=True))
    ]
    if rows:
        conn.execute(s.turns.insert(), rows)
    return len(rows)


def fill_missing_scripts(w: Writer) -> int:
    """Tag the turns that have no writing system yet (projects made before schema v2)."""
    conn = w.conn
    rows = conn.execute(select(s.turns.c.id, s.turns.c.document_id, s.turns.c.start,
                               s.turns.c.end).where(s.turns.c.script.is_(None))).all()
    if not rows:
        return 0
    docs = {d for _, d, _, _ in rows}
    texts = dict(conn.execute(select(s.documents.c.id, s.documents.c.text)
                              .where(s.documents.c.id.in_(docs))).all())
    conn.execute(s.turns.update().where(s.turns.c.id == bindparam("tid"))
                 .values(script=bindparam("value")),
                 [{"tid": tid, "value": script_of(texts[d][a:b])} for tid, d, a, b in rows])
    return len(rows)


def document_name(path: Path) -> str:
    """The name a file gets in the project: its stem (`E01_fatima.docx` → `E01_fatima`)."""
    return path.stem


def set_case(w: Writer, name: str, kind: str, attributes: dict[str, tuple[Any, str]],
             links: list[tuple[int, str | None]]) -> int:
    """Create or update a case, replacing its attributes and document links."""
    conn = w.conn
    case_id = conn.execute(select(s.cases.c.id).where(s.cases.c.name == name)).scalar()
    before: dict[str, Any] | None = None
    if case_id is None:
        case_id = conn.execute(s.cases.insert().values(name=name, kind=kind)
                               .returning(s.cases.c.id)).scalar_one()
    else:
        before = {"kind": conn.execute(select(s.cases.c.kind).where(s.cases.c.id == case_id))
                  .scalar(), "attributes": dict(conn.execute(
                      select(s.attributes.c.key, s.attributes.c.value)
                      .where(s.attributes.c.case_id == case_id)).all())}
        conn.execute(s.cases.update().where(s.cases.c.id == case_id).values(kind=kind))
        conn.execute(s.attributes.delete().where(s.attributes.c.case_id == case_id))
        conn.execute(s.document_cases.delete().where(s.document_cases.c.case_id == case_id))
    rows = [{"case_id": case_id, "key": k, "value": None if v is None else _text(v), "type": t}
            for k, (v, t) in attributes.items()]
    if rows:
        conn.execute(s.attributes.insert(), rows)
    unique_links = list(dict.fromkeys(links))
    if unique_links:
        conn.execute(s.document_cases.insert(), [
            {"document_id": d, "case_id": case_id, "speaker": sp} for d, sp in unique_links])
    w.log("set-attributes", "cases", case_id, before=before, after={
        "name": name, "kind": kind, "attributes": {r["key"]: r["value"] for r in rows}})
    return case_id


def write_sheet(w: Writer, sheet: AttributesSheet, *, source: str) -> list[str]:
    """Write an attributes sheet: its cases and links, the documents' own attributes,
    the speaker roles it declares, and a new version of the study profile when the
    sheet brings attributes the profile did not describe. Returns French warnings."""
    conn = w.conn
    ids = dict(conn.execute(select(s.documents.c.name, s.documents.c.id)).all())
    parsed_roles = {(d, sp): r for d, sp, r in conn.execute(
        select(s.turns.c.document_id, s.turns.c.speaker, s.turns.c.role).distinct()).all()}
    for case in sheet.cases:
        links = [(ids[doc], speaker) for doc, speaker in case.links]
        set_case(w, case.name, case.kind, case.attributes, links)
        for doc_id, speaker in links:
            if speaker is None or case.kind != "person":
                continue
            # The sheet's speaker is the case's respondent, unless the sheet says otherwise
            # or the transcript marks that speaker as the interviewer ((ENQ), Enquêteur).
            role = case.speaker_role or (
                None if parsed_roles.get((doc_id, speaker)) == INTERVIEWER else RESPONDENT)
            if role is not None:
                declare_speaker_role(w, doc_id, speaker, role, source="sheet")
    for doc in sheet.documents:
        set_document_attributes(w, ids[doc.name], doc.attributes, kind=doc.kind)
    order = [*sheet.columns, *(k for d in sheet.documents for k in d.attributes)]
    save_profile(w, current_profile(conn, order=order), source=source)
    return list(sheet.warnings)


def role_warnings(conn: Connection, document_ids: list[int] | None = None) -> list[str]:
    """A French warning for each document with several speakers and no role at all."""
    return [f"« {name} » : plusieurs locuteurs et aucun rôle connu (enquêteur ou personne "
            "interrogée) ; les règles réservées aux personnes interrogées et le décompte des "
            "répondant·es l'ignorent. Nommez la personne interrogée dans la colonne "
            "« locuteur » de la feuille d'attributs, ou déclarez les rôles avec "
            f"p.set_speaker_role(\"{name}\", \"<locuteur>\", \"interviewer\")."
            for name in unroled_documents(conn, document_ids)]


def set_document_attributes(w: Writer, doc_id: int, attributes: dict[str, tuple[Any, str]],
                            kind: str | None = None) -> None:
    """Replace a document's own attributes (date, place, interviewer…) and maybe its kind."""
    conn = w.conn
    conn.execute(s.document_attributes.delete().where(s.document_attributes.c.document_id
                                                      == doc_id))
    rows = [{"document_id": doc_id, "key": k, "value": None if v is None else _text(v), "type": t}
            for k, (v, t) in attributes.items()]
    if rows:
        conn.execute(s.document_attributes.insert(), rows)
    if kind:
        conn.execute(s.documents.update().where(s.documents.c.id == doc_id).values(kind=kind))
    w.log("set-attributes", "documents", doc_id, after={"kind": kind, "attributes": {
        r["key"]: r["value"] for r in rows}})


def _text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def declare_speaker(w: Writer, document: str | int, speaker: str, role: str) -> None:
    """Declare a speaker of a document the interviewer or a respondent, by hand."""
    doc = find_document(w.conn, document)
    known = document_speakers(w.conn, doc["id"])
    if speaker not in known:
        raise NotFoundError(f"« {doc['name']} » n'a pas de locuteur « {speaker} » "
                            f"(locuteurs : {', '.join(sorted(known)) or 'aucun'}).")
    declare_speaker_role(w, doc["id"], speaker, role, source="manual")


def remove_document(w: Writer, document: str | int) -> None:
    """Delete a document with its turns and codings (the audit log keeps the codings)."""
    doc = find_document(w.conn, document)
    for coding_id in w.conn.execute(select(s.codings.c.id).where(
            s.codings.c.document_id == doc["id"])).scalars().all():
        delete_coding(w, coding_id)
    delete_document_summaries(w, doc["id"])
    detach_recording(w, doc["id"], action="remove")
    w.conn.execute(s.documents.delete().where(s.documents.c.id == doc["id"]))
    w.log("remove", "documents", doc["id"], before=_doc_summary(doc))
