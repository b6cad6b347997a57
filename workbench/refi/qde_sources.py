"""Text sources of a `project.qde`: their texts, selections and codings, placed on our offsets.

Reading happens in two passes: `read_sources` collects every TextSource with
its text as written and its selections' raw positions; `place_codings` then
decides, for the whole file, whether `endPosition` is inclusive or exclusive
(see `positions`), maps each selection onto the normalised text and returns
the codings. A selection outside its source text is an error (listing every
one); an empty selection is left out with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from workbench.errors import ExchangeError
from workbench.refi.descriptions import parse_document_description
from workbench.refi.guids import normalise_guid
from workbench.refi.positions import EXCLUSIVE, INCLUSIVE, SourceText, decide, votes
from workbench.refi.qde_texts import SourceReader, source_name
from workbench.refi.report import ExchangeReport
from workbench.refi.variables import read_value
from workbench.refi.xml import child, child_text, children

_OTHER_SOURCES = {"PDFSource": "PDF", "PictureSource": "image", "AudioSource": "audio",
                  "VideoSource": "vidéo"}


@dataclass
class RawCoding:
    code: str | None  # code GUID
    user: str | None  # user GUID
    created: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RawSelection:
    guid: str
    name: str | None
    start: int
    end: int
    description: str
    codings: list[RawCoding]
    notes: list[str]


@dataclass
class SourcePlan:
    """One text source to import as a document."""

    guid: str
    name: str
    source: SourceText
    where: str
    kind: str | None
    memo: str
    attributes: dict[str, tuple[str, str]]
    notes: list[str]
    selections: list[RawSelection] = field(default_factory=list)
    whole: list[RawCoding] = field(default_factory=list)


@dataclass
class PlannedCoding:
    document: str  # source GUID
    code: str  # code GUID
    start: int
    end: int
    user: str | None
    created: str | None
    memo: str | None
    notes: list[str]


def timestamp(value: str | None, fallback: str) -> str:
    """An ISO date-time in UTC as the store keeps them; `fallback` when absent or unreadable."""
    if not value:
        return fallback
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _codings(element: Element) -> list[RawCoding]:
    out = []
    for node in children(element, "Coding"):
        ref = child(node, "CodeRef")
        out.append(RawCoding(normalise_guid(ref.get("targetGUID")) if ref is not None else None,
                             node.get("creatingUser"), node.get("creationDateTime"),
                             _note_refs(node)))
    return out


def _note_refs(element: Element) -> list[str]:
    refs = (normalise_guid(n.get("targetGUID")) for n in children(element, "NoteRef"))
    return [r for r in refs if r]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def read_sources(sources: Element | None, reader: SourceReader, variables: dict[str, str],
                 report: ExchangeReport) -> list[SourcePlan]:
    """Every readable TextSource; other source types are reported as not carried over."""
    plans: list[SourcePlan] = []
    skipped: dict[str, int] = {}
    names: set[str] = set()
    problems: list[str] = []
    for number, element in enumerate(sources if sources is not None else [], start=1):
        if element.tag != "TextSource":
            kind = _OTHER_SOURCES.get(element.tag, element.tag)
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        name = source_name(element, number)
        label = f"source « {name} »"
        guid = normalise_guid(element.get("guid"))
        if guid is None or any(p.guid == guid for p in plans):
            problems.append(f"{label} : GUID absent, invalide ou en double")
            continue
        located = reader.text(element, label)
        if located is None:
            continue
        base, n = name, 2
        while name.casefold() in names:
            name, n = f"{base} ({n})", n + 1
        names.add(name.casefold())
        kind, memo = parse_document_description(child_text(element, "Description"))
        attributes = {}
        for value in children(element, "VariableValue"):
            ref = child(value, "VariableRef")
            variable = variables.get(normalise_guid(ref.get("targetGUID")) or "") if ref is not \
                None else None
            read = read_value(value)
            if variable and read:
                attributes[variable] = read
        plan = SourcePlan(guid, name, SourceText(located.raw), located.where, kind, memo,
                          attributes, _note_refs(element), whole=_codings(element))
        for selection in children(element, "PlainTextSelection"):
            start, end = _int(selection.get("startPosition")), _int(selection.get("endPosition"))
            if start is None or end is None:
                problems.append(f"{label} : sélection {selection.get('guid')} sans positions "
                                "entières")
                continue
            plan.selections.append(RawSelection(
                selection.get("guid") or "", selection.get("name"), start, end,
                child_text(selection, "Description").strip(), _codings(selection),
                _note_refs(selection)))
        plans.append(plan)
        if element.get("richTextPath"):
            report.warn("la version mise en forme des sources (richTextPath, .docx) n'est pas "
                        "importée : seul le texte brut l'est.")
    if problems:
        raise ExchangeError(f"{reader.archive.path.name} : {len(problems)} problème(s), rien n'a "
                            "été importé :\n  - " + "\n  - ".join(problems[:30]))
    for kind, count in sorted(skipped.items()):
        report.warn(f"{count} source(s) {kind} non importée(s), avec leurs sélections et codages "
                    "(le workbench n'importe que les textes).")
    return plans


def place_codings(plans: list[SourcePlan], report: ExchangeReport) -> list[PlannedCoding]:
    """Decide the endPosition reading for the file, then map every selection to our offsets."""
    counts = {EXCLUSIVE: 0, INCLUSIVE: 0}
    for plan in plans:
        for key, n in votes(plan.source.raw, ((s.start, s.end, s.name)
                                              for s in plan.selections)).items():
            counts[key] += n
    convention = decide(counts)
    report.end_positions = convention
    if convention == INCLUSIVE:
        report.warn(f"positions de fin lues comme inclusives (dernier caractère compris), "
                    f"d'après {counts[INCLUSIVE]} sélection(s) dont le nom cite le texte.")
    shift = 1 if convention == INCLUSIVE else 0
    out: list[PlannedCoding] = []
    problems: list[str] = []
    empty = uncoded = placed = 0
    for plan in plans:
        size = len(plan.source.raw)
        for sel in plan.selections:
            end = sel.end + shift
            if not 0 <= sel.start <= end <= size:
                problems.append(f"source « {plan.name} », sélection {sel.guid} : positions "
                                f"{sel.start}–{sel.end} hors du texte ou inversées (texte de "
                                f"{size} caractères)")
                continue
            start, stop = plan.source.span(sel.start, end)
            if start >= stop:
                empty += 1
                continue
            coded = [c for c in sel.codings if c.code is not None]
            uncoded += not coded
            placed += bool(coded)
            for coding in coded:
                out.append(PlannedCoding(plan.guid, coding.code, start, stop, coding.user,
                                         coding.created, sel.description or None,
                                         sel.notes + coding.notes))
        for coding in plan.whole:
            if coding.code is not None and plan.source.text:
                out.append(PlannedCoding(plan.guid, coding.code, 0, len(plan.source.text),
                                         coding.user, coding.created, None, coding.notes))
                report.warn("des codages de sources entières sont importés comme des codages "
                            "couvrant tout le document.")
    if problems:
        raise ExchangeError(f"{report.path.name} : {len(problems)} sélection(s) hors de leur "
                            "texte, rien n'a été importé :\n  - " + "\n  - ".join(problems[:30]))
    if empty:
        report.warn(f"{empty} sélection(s) vide(s) (début = fin) ignorée(s).")
    if uncoded:
        report.warn(f"{uncoded} sélection(s) sans code ignorée(s) (le workbench ne garde que des "
                    "passages codés).")
    report.selections = placed
    return out
