"""Read a `.qdpx` archive into an import plan, before anything is written.

Everything that can fail is done here: the archive's safety checks, the XML,
the codebook, every source text and every selection's position. The plan is
then written to a new project in one transaction (`project_import`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from workbench.errors import ExchangeError
from workbench.refi.archive import SafeArchive
from workbench.refi.codebook_xml import ORIGIN, ParsedCodes, parse_codes
from workbench.refi.descriptions import parse_case_description
from workbench.refi.guids import normalise_guid
from workbench.refi.media_xml import (
    MAX_MEDIA_BYTES,
    MediaPlan,
    extract_media,
    media_folder,
    read_media_sources,
    remove_folder,
    text_key,
)
from workbench.refi.positions import SourceText
from workbench.refi.qde_sources import (
    PlannedCoding,
    SourcePlan,
    place_codings,
    read_sources,
    timestamp,
)
from workbench.refi.qde_texts import SourceReader
from workbench.refi.report import ExchangeReport
from workbench.refi.variables import read_value
from workbench.refi.xml import PROJECT_NS, child, child_text, children, clean_name, parse_xml


@dataclass
class PlannedNote:
    text: str
    author: str
    created: str
    modified: str


@dataclass
class PlannedCase:
    name: str
    kind: str
    attributes: dict[str, tuple[str, str]]
    links: list[tuple[str, str | None]]  # (source GUID, speaker label or None)
    memo: str


@dataclass
class Plan:
    """What an import will write."""

    name: str
    codes: ParsedCodes
    sources: list[SourcePlan]
    codings: list[PlannedCoding]
    cases: list[PlannedCase]
    notes: dict[str, PlannedNote]
    targets: list[tuple[str, str | None, str]]  # (project|document|code, GUID, note GUID)
    users: dict[str, str]
    description: str
    report: ExchangeReport
    media: list[MediaPlan] = field(default_factory=list)
    media_folder: Path | None = None  # temporary, removed by the caller

    def user(self, guid: str | None, fallback: str) -> str:
        """A user's name from its GUID; `fallback` (the importing coder) when absent."""
        key = normalise_guid(guid)
        if key is None:
            return fallback
        if key not in self.users:
            self.report.warn("des sélections ou notes citent un utilisateur absent de <Users> ; "
                             "elles sont attribuées à son GUID.")
            self.users[key] = f"utilisateur {key[:8]}"
        return self.users[key]


def _find_qde(archive: SafeArchive) -> str:
    exact = archive.find("project.qde")
    if exact:
        return exact
    found = [n for n in archive.names() if n.lower().endswith(".qde")]
    if len(found) != 1:
        raise ExchangeError(f"{archive.path.name} : pas de fichier project.qde dans l'archive ; "
                            "ce n'est pas un projet REFI-QDA (.qdpx).")
    return found[0]


def read_plan(path: str | Path, *, coder: str,
              sources_folder: str | Path | None = None) -> Plan:
    """Read and check a whole `.qdpx`; raises ExchangeError listing what is wrong.

    `sources_folder`: the folder texts kept outside the archive may be read from
    (see `qde_texts`); without it, an archive with such texts is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise ExchangeError(f"{path} : fichier introuvable.")
    report = ExchangeReport(path, "import")
    made: list[Path] = []
    try:
        return _read_plan(path, report, coder=coder, sources_folder=sources_folder, made=made)
    except BaseException:
        for folder in made:
            remove_folder(folder)
        raise


def _read_plan(path: Path, report: ExchangeReport, *, coder: str,
               sources_folder: str | Path | None, made: list[Path]) -> Plan:
    # media files are streamed to disk under their own limit (`media_xml`)
    with SafeArchive(path, max_media=MAX_MEDIA_BYTES) as archive:
        qde = _find_qde(archive)
        root, namespace = parse_xml(archive.read(qde), source=f"{path.name}:{qde}")
        if root.tag != "Project":
            raise ExchangeError(f"{path.name} : l'élément racine de {qde} est <{root.tag}>, pas "
                                "<Project> ; ce n'est pas un projet REFI-QDA.")
        if namespace != PROJECT_NS:
            report.warn(f"espace de noms XML « {namespace or 'aucun'} » au lieu de "
                        f"« {PROJECT_NS} » ; le fichier est lu quand même.")
        users = {}
        for user in children(child(root, "Users"), "User"):
            guid = normalise_guid(user.get("guid"))
            if guid:
                users[guid] = (user.get("name") or user.get("id") or f"utilisateur {guid[:8]}")
        book = child(root, "CodeBook")
        codes = parse_codes(child(book, "Codes") if book is not None else None,
                            source=path.name, report=report, rename_duplicates=True)
        variables = {}
        for variable in children(child(root, "Variables"), "Variable"):
            guid = normalise_guid(variable.get("guid"))
            if guid and variable.get("name"):
                variables[guid] = clean_name(variable.get("name"))
        folder = str(PurePosixPath(qde).parent)
        reader = SourceReader(archive, "" if folder == "." else folder, root.get("basePath"),
                              report, sources_folder=sources_folder)
        sources = read_sources(child(root, "Sources"), reader, variables, report)
        media = _media(archive, child(root, "Sources"), reader, sources, report, made)
        notes = _notes(child(root, "Notes"), reader)
        if reader.external:
            raise ExchangeError(
                f"{path.name} : {len(reader.external)} texte(s) sont hors de l'archive, sur le "
                "disque de l'ordinateur qui l'a exportée (basePath, relative://, absolute://), "
                "rien n'a été importé :\n  - " + "\n  - ".join(reader.external[:30])
                + "\nL'import ne lit aucun fichier de votre disque sans votre accord : si ces "
                "textes sont chez vous, indiquez le dossier qui les contient "
                "(Project.import_qdpx(…, sources_folder=\"dossier\"), ou en ligne de "
                "commande workbench qdpx import … --sources-folder dossier) ; sinon exportez le "
                "projet à nouveau avec ses sources dans l'archive.")
    plan = Plan(root.get("name") or path.stem, codes, sources, [], [], notes, [], users,
                child_text(root, "Description").strip(), report, media,
                made[0] if made else None)
    plan.codings = place_codings(sources, report,
                                 quoted_names=root.get("origin") == ORIGIN)
    plan.cases = _cases(child(root, "Cases"), plan, variables)
    _targets(root, plan)
    for tag, what in (("Links", "liens"), ("Sets", "ensembles (sets)"), ("Graphs", "graphes")):
        found = child(root, tag)
        if found is not None and len(found):
            report.warn(f"les {what} du projet ne sont pas importés (le workbench n'en a pas).")
    return plan


def _media(archive: SafeArchive, element: Element | None, reader: SourceReader,
           sources: list[SourcePlan], report: ExchangeReport,
           made: list[Path]) -> list[MediaPlan]:
    """The recordings of AudioSource / VideoSource elements, extracted to a temporary
    folder (appended to `made`); a transcript that is no TextSource's text becomes a
    source of its own (appended to `sources`)."""
    planned = read_media_sources(element)
    if not planned:
        return []
    known = {s.guid for s in sources}
    by_text: dict[str, str] = {}
    for node in children(element, "TextSource"):
        guid, key = normalise_guid(node.get("guid")), text_key(node)
        if guid in known and key and guid:
            by_text.setdefault(key, guid)
    folder = media_folder()
    made.append(folder)
    used = [0]
    out: list[MediaPlan] = []
    names = {s.name.casefold() for s in sources}
    selections = 0
    untranscribed: dict[str, int] = {}
    for item in planned:
        document = by_text.get(item.text_path or "")
        if document is None:
            if item.transcript is None:
                kind = "vidéo" if item.kind == "video" else "audio"
                untranscribed[kind] = untranscribed.get(kind, 0) + 1
                continue
            located = reader.text(item.transcript, f"transcription de « {item.name} »")
            if located is None:
                continue
            name, n = item.name, 2
            while name.casefold() in names:
                name, n = f"{item.name} ({n})", n + 1
            names.add(name.casefold())
            document = item.transcript_guid or item.media_guid
            sources.append(SourcePlan(document, name, SourceText(located.raw), located.where,
                                      None, "", {}, []))
            selections += len(children(item.transcript, "TranscriptSelection"))
        file = extract_media(archive, reader.folder, item, folder, report, used=used)
        out.append(MediaPlan(document, item.name, item.kind, file, item.sync))
    for kind, count in sorted(untranscribed.items()):
        report.warn(f"{count} source(s) {kind} non importée(s), avec leurs sélections et codages "
                    "(sans transcription : le workbench n'importe que les textes).")
    media_selections = sum(len(children(node, tag)) for node in (element or [])
                           for tag in ("AudioSelection", "VideoSelection", "Coding"))
    if media_selections:
        report.warn(f"{media_selections} sélection(s) ou codage(s) d'enregistrements (par temps : "
                    "AudioSelection, VideoSelection) ne sont pas importés ; le workbench code "
                    "le texte des transcriptions.")
    if selections:
        report.warn(f"{selections} sélection(s) de transcription (TranscriptSelection, bornées "
                    "par des points de synchronisation) ne sont pas importées.")
    return out


def _notes(notes: Element | None, reader: SourceReader) -> dict[str, PlannedNote]:
    out: dict[str, PlannedNote] = {}
    for note in children(notes, "Note"):
        guid = normalise_guid(note.get("guid"))
        located = reader.text(note, f"note « {note.get('name') or guid} »")
        if guid is None or located is None:
            continue
        text = located.raw.replace("\r\n", "\n").strip() or (note.get("name") or "").strip()
        if text:
            created = note.get("creationDateTime")
            out[guid] = PlannedNote(text, note.get("creatingUser") or "", created or "",
                                    note.get("modifiedDateTime") or created or "")
    return out


def _cases(cases: Element | None, plan: Plan, variables: dict[str, str]) -> list[PlannedCase]:
    out: list[PlannedCase] = []
    by_name = {s.name: s.guid for s in plan.sources}
    known = {s.guid for s in plan.sources}
    selections = {normalise_guid(sel.guid): s.guid for s in plan.sources for sel in s.selections}
    names: set[str] = set()
    for number, case in enumerate(children(cases, "Case"), 1):
        name = clean_name(case.get("name")) or f"Cas {number}"
        base, n = name, 2
        while name.casefold() in names:
            name, n = f"{base} ({n})", n + 1
        names.add(name.casefold())
        kind, speakers, memo = parse_case_description(child_text(case, "Description"))
        attributes = {}
        for value in children(case, "VariableValue"):
            ref = child(value, "VariableRef")
            variable = variables.get(normalise_guid(ref.get("targetGUID")) or "") \
                if ref is not None else None
            if variable and (read := read_value(value)):
                attributes[variable] = read
        links: list[tuple[str, str | None]] = []
        for ref in children(case, "SourceRef"):
            guid = normalise_guid(ref.get("targetGUID"))
            if guid in known:
                links.append((guid, None))
        for ref in children(case, "SelectionRef"):
            source = selections.get(normalise_guid(ref.get("targetGUID")))
            if source:
                links.append((source, None))
                plan.report.warn("les liens d'un cas vers des passages sont importés comme des "
                                 "liens vers le document entier.")
        if children(case, "CodeRef"):
            plan.report.warn("les codes attachés directement à un cas (CodeRef) ne sont pas "
                             "importés.")
        for doc, speaker in speakers:
            if doc in by_name:
                links = [x for x in links if x != (by_name[doc], None)]
                links.append((by_name[doc], speaker))
        out.append(PlannedCase(name, kind or "person", attributes, list(dict.fromkeys(links)),
                               memo))
    return out


def _targets(root: Element, plan: Plan) -> None:
    """Which notes go to the project, a document or a code; unreferenced notes → project."""
    for guid in _refs(root):
        plan.targets.append(("project", None, guid))
    for source in plan.sources:
        plan.targets += [("document", source.guid, g) for g in source.notes]
    for code_guid, refs in plan.codes.notes.items():
        plan.targets += [("code", code_guid, g) for g in refs]
    used = {g for _, _, g in plan.targets} | {g for c in plan.codings for g in c.notes}
    plan.targets = [t for t in plan.targets if t[2] in plan.notes]
    for guid in plan.notes:
        if guid not in used:
            plan.targets.append(("project", None, guid))


def _refs(element: Element) -> list[str]:
    refs = (normalise_guid(n.get("targetGUID")) for n in children(element, "NoteRef"))
    return [r for r in refs if r]


def note_time(note: PlannedNote, at: str) -> tuple[str, str]:
    """(created, updated) of a note as stored timestamps."""
    created = timestamp(note.created, at)
    return created, timestamp(note.modified, created)
