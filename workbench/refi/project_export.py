"""Export a project as a REFI-QDA `.qdpx` archive (`project.qde` + `sources/*.txt`).

What goes where (see docs/refi.md for the whole mapping):

- each document → a TextSource whose text is `sources/<guid>.txt` (UTF-8, our
  normalised text, so REFI positions are our offsets), with its attributes as
  VariableValues and its kind in its Description;
- each exported coding → its own PlainTextSelection (start, exclusive end, the
  quote as `name`, the coder as `creatingUser`) holding one Coding; the
  coding's memo is the selection's Description;
- memos on documents, codes, codings and the project → Notes with NoteRefs;
  memos on cases → the case's Description (a REFI case has no NoteRef);
- cases → Cases with VariableValues and SourceRefs; coders → Users;
- framework summaries (`p.framework`) have no place in REFI-QDA: the report counts
  them as not exported;
- recordings (`p.media`) → an AudioSource or VideoSource beside the document's
  TextSource, whose Transcript is the same text with SyncPoints at the turns' measured
  start times (see `media_xml`); the report counts those exported and those left out.

Only accepted codings are exported unless `statuses` says otherwise. The
archive is written to a temporary file and renamed, so a failed export leaves
nothing behind; the report lists what the standard could not carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from workbench.coding.codings import STATUSES
from workbench.coding.summaries import count_summaries
from workbench.errors import ExchangeError
from workbench.refi.archive import MAX_MEMBER_BYTES, write_archive
from workbench.refi.codebook_xml import ORIGIN, add_codes, code_guids
from workbench.refi.descriptions import (
    case_description,
    document_description,
    project_description,
)
from workbench.refi.export_data import (
    Coding,
    Snapshot,
    pseudonymised,
    read_snapshot,
    snapshot_texts,
)
from workbench.refi.guids import user_guid
from workbench.refi.media_xml import add_recordings
from workbench.refi.report import ExchangeReport, summaries_note
from workbench.refi.variables import add_value, variable_type
from workbench.refi.xml import PROJECT_NS, root_element, sub, to_bytes
from workbench.store import now
from workbench.store.engine import is_url

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

NAME_MAX = 200  # characters of the quote kept in a selection's name
STATUS_FR = {"suggested": "proposés", "rejected": "rejetés", "accepted": "validés",
             "inactive": "sur des codes retirés du livre de codes"}


def export_qdpx(project: ProjectData, path: str | Path, *, pseudonymise: bool = False,
                statuses: Iterable[str] = ("accepted",),
                names_reviewed: bool = False) -> ExchangeReport:
    """Write the project to `path` (.qdpx); returns counts and data-loss warnings.

    `pseudonymise`: real names replaced by pseudonyms everywhere (texts, document
    and case names, attributes, memos), offsets moved with the text.
    `statuses`: which codings to export (accepted only by default).
    Pseudonymised, documents are named by their reference, and the archive is written
    only when no real name and no unreviewed possible name is left in it
    (`Project.check_names`; `names_reviewed` once the list has been read).
    """
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise ExchangeError(f"{path.name} : un projet REFI-QDA s'exporte dans un fichier .qdpx.")
    statuses = list(statuses)
    if bad := [x for x in statuses if x not in STATUSES]:
        raise ExchangeError(f"statut(s) inconnu(s) {bad} ; choisissez parmi {list(STATUSES)}.")
    location = project.location
    name = "" if location is None or is_url(location) else Path(location).name
    with project.store.read() as conn:
        snap = read_snapshot(conn, name=name, statuses=statuses)
        summaries = sum(count_summaries(conn).values())
        if pseudonymise:
            snap = pseudonymised(snap, conn)
    if pseudonymise:
        project.check_names(snapshot_texts(snap), "L'export REFI-QDA pseudonymisé",
                            names_reviewed=names_reviewed)
    report = ExchangeReport(path, "export")
    root = build_project(snap, report)
    with project.store.read() as conn:
        media = add_recordings(conn, project.store, snap, root, report,
                               pseudonymise=pseudonymise)
    members: list[tuple[str, bytes | Path]] = [("project.qde", to_bytes(root))]
    for doc in snap.documents:
        data = doc.text.encode("utf-8")
        if len(data) > MAX_MEMBER_BYTES:  # the standard's limit for one internal file (§8.5)
            raise ExchangeError(f"document « {doc.name} » : {len(data)} octets, plus que les "
                                f"{MAX_MEMBER_BYTES} qu'un fichier interne REFI-QDA peut avoir.")
        members.append((f"sources/{snap.guids('document', doc.id)}.txt", data))
    members += media.members
    write_archive(path, members)
    _warn(snap, report, pseudonymise=pseudonymise)
    if summaries:
        report.warn(summaries_note(summaries))
    return report


def build_project(snap: Snapshot, report: ExchangeReport) -> Element:
    """The `<Project>` element of `project.qde`."""
    guids = snap.guids
    root = root_element("Project", PROJECT_NS, {"name": snap.name, "origin": ORIGIN,
                                                "creationDateTime": now()})
    if snap.coders:
        users = sub(root, "Users")
        for coder in snap.coders:
            sub(users, "User", {"guid": user_guid(coder), "name": coder})
    report.users = len(snap.coders)
    memo_guid = {m.id: guids("memo", m.id) for m in snap.memos}
    notes_of: dict[tuple[str, int | None], list[str]] = {}
    for memo in snap.memos:
        notes_of.setdefault((memo.target_type, memo.target_id), []).append(memo_guid[memo.id])
    code_guid = code_guids(snap.book, guids, report)
    if snap.book.codes:
        code_notes = {key: notes_of[("code", code_id)] for code_id, key in snap.code_ids.items()
                      if ("code", code_id) in notes_of}
        add_codes(sub(root, "CodeBook"), snap.book, code_guid, report, notes=code_notes)
    doc_names = {d.id: d.name for d in snap.documents}
    types = _variables(root, snap, report)
    _cases(root, snap, doc_names, types, report)
    _sources(root, snap, code_guid, notes_of, types, report)
    _notes(root, snap, memo_guid, report)
    if snap.book.name or snap.book.description:
        sub(root, "Description", text=project_description(snap.book.name, snap.book.description))
    for note in notes_of.get(("project", None), []):
        sub(root, "NoteRef", {"targetGUID": note})
    return root


def _variables(root: Element, snap: Snapshot, report: ExchangeReport) -> dict[str, str]:
    """Declare one Variable per attribute name (cases and documents); name → REFI type."""
    values: dict[str, list[tuple[str, str]]] = {}
    for owner in [*snap.documents, *snap.cases]:
        for key, value, kind in owner.attributes:
            values.setdefault(key, []).append((value, kind))
    types = {key: variable_type(v) for key, v in values.items()}
    if values:
        element = sub(root, "Variables")
        for key in sorted(values):
            sub(element, "Variable", {"guid": snap.guids("variable", key), "name": key,
                                      "typeOfVariable": types[key]})
    report.variables = len(values)
    return types


def _cases(root: Element, snap: Snapshot, doc_names: dict[int, str], types: dict[str, str],
           report: ExchangeReport) -> None:
    if not snap.cases:
        return
    element = sub(root, "Cases")
    for case in snap.cases:
        memos = [m.text for m in snap.memos if m.target_type == "case" and m.target_id == case.id]
        speakers = [(doc_names[d], sp) for d, sp in case.links if sp and d in doc_names]
        node = sub(element, "Case", {"guid": snap.guids("case", case.id), "name": case.name})
        sub(node, "Description", text=case_description(case.kind, speakers, memos))
        for key, value, _kind in case.attributes:
            add_value(node, snap.guids("variable", key), value, types[key])
        for doc_id in dict.fromkeys(d for d, _ in case.links if d in doc_names):
            sub(node, "SourceRef", {"targetGUID": snap.guids("document", doc_id)})
        report.memos += len(memos)
    report.cases = len(snap.cases)


def _sources(root: Element, snap: Snapshot, code_guid: dict[str, str],
             notes_of: dict[tuple[str, int | None], list[str]], types: dict[str, str],
             report: ExchangeReport) -> None:
    if not snap.documents:
        return
    guids = snap.guids
    by_doc: dict[int, list[Coding]] = {}
    for coding in snap.codings:
        by_doc.setdefault(coding.document_id, []).append(coding)
    element = sub(root, "Sources")
    for doc in snap.documents:
        guid = guids("document", doc.id)
        source = sub(element, "TextSource", {"guid": guid, "name": doc.name,
                                             "plainTextPath": f"internal://{guid}.txt"})
        sub(source, "Description", text=document_description(doc.kind))
        for coding in by_doc.get(doc.id, []):
            quote = doc.text[coding.start:coding.end]
            user = user_guid(coding.coder)
            selection = sub(source, "PlainTextSelection", {
                "guid": guids("selection", coding.id),
                "name": quote if len(quote) <= NAME_MAX else quote[:NAME_MAX - 1] + "…",
                "startPosition": str(coding.start), "endPosition": str(coding.end),
                "creatingUser": user, "creationDateTime": coding.created_at})
            if coding.memo:
                sub(selection, "Description", text=coding.memo)
                report.memos += 1
            node = sub(selection, "Coding", {"guid": guids("coding", coding.id),
                                             "creatingUser": user,
                                             "creationDateTime": coding.created_at})
            sub(node, "CodeRef", {"targetGUID": code_guid[coding.code]})
            for note in notes_of.get(("coding", coding.id), []):
                sub(node, "NoteRef", {"targetGUID": note})
            report.selections += 1
            report.codings += 1
        for note in notes_of.get(("document", doc.id), []):
            sub(source, "NoteRef", {"targetGUID": note})
        for key, value, _kind in doc.attributes:
            add_value(source, guids("variable", key), value, types[key])
    report.documents = len(snap.documents)


def _notes(root: Element, snap: Snapshot, memo_guid: dict[int, str],
           report: ExchangeReport) -> None:
    exported = {c.id for c in snap.codings}
    titles = {"project": "projet", "document": "document", "code": "code", "coding": "codage"}
    memos = [m for m in snap.memos if m.target_type != "case"
             and (m.target_type != "coding" or m.target_id in exported)]
    skipped = sum(1 for m in snap.memos if m.target_type == "coding"
                  and m.target_id not in exported)
    if skipped:
        report.warn(f"{skipped} mémo(s) sur des codages non exportés ne sont pas exportés.")
    if not memos:
        return
    element = sub(root, "Notes")
    for memo in memos:
        note = sub(element, "Note", {
            "guid": memo_guid[memo.id], "name": f"Mémo ({titles.get(memo.target_type, '')})",
            "creatingUser": user_guid(memo.author), "creationDateTime": memo.created_at,
            "modifiedDateTime": memo.updated_at})
        sub(note, "PlainTextContent", text=memo.text)
    report.memos += len(memos)


def _warn(snap: Snapshot, report: ExchangeReport, *, pseudonymise: bool) -> None:
    if snap.turns:
        report.warn("les tours de parole, les locuteurs et leurs rôles ne sont pas exportés (la "
                    "norme n'en a pas) ; à l'import, le workbench les retrouve dans le texte.")
    if snap.left_out:
        counts = ", ".join(f"{n} {STATUS_FR.get(k, k)}" for k, n in sorted(snap.left_out.items()))
        report.warn(f"codages non exportés : {counts} (option statuses=… pour les inclure).")
    if any(c.status != "accepted" for c in snap.codings):
        report.warn("le statut des codages (proposé, rejeté) n'est pas transmis : un autre "
                    "logiciel les verra comme des codages ordinaires.")
    if any(c.origin != "manual" for c in snap.codings):
        report.warn("l'origine des codages (manuel, règle d'autocodage, import) n'est pas "
                    "transmise.")
    if snap.documents:
        report.warn("le type des documents et des cas est écrit dans leur description "
                    "(« Type de document : … ») ; la langue, l'encodage et le fichier d'origine "
                    "des documents ne sont pas exportés.")
    if any(sp for c in snap.cases for _, sp in c.links):
        report.warn("les liens entre cas et locuteurs sont écrits dans la description du cas "
                    "(« Locuteur dans … ») : la norme ne lie un cas qu'à des documents entiers.")
    if any(m.target_type == "case" for m in snap.memos):
        report.warn("les mémos des cas sont écrits dans la description du cas (la norme n'a pas "
                    "de note sur un cas) ; leur auteur et leur date ne sont pas transmis.")
    if pseudonymise:
        report.warn("export pseudonymisé : textes, noms des documents et des cas, attributs et "
                    "mémos utilisent les pseudonymes ; la table des pseudonymes n'est pas "
                    "exportée.")
    elif snap.pseudonyms:
        report.warn("la table des pseudonymes n'est pas exportée et l'archive contient les noms "
                    "réels (pseudonymise=True pour un export pseudonymisé).")
    report.warn("l'historique des modifications (journal d'audit) et les versions du livre de "
                "codes ne sont pas exportés.")
