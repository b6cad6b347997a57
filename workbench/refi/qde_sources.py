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

from workbench.coding.anchor import find_quote
from workbench.errors import ExchangeError
from workbench.refi.descriptions import parse_document_description
from workbench.refi.guids import normalise_guid
from workbench.refi.positions import (
    _ELLIPSIS,
    _LINE_REF,
    EXCLUSIVE,
    INCLUSIVE,
    SourceText,
    _collapse,
    decide,
    votes,
)
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
    empty: list[str] = []
    for number, element in enumerate(sources if sources is not None else [], start=1):
        if element.tag in ("AudioSource", "VideoSource"):
            continue  # with their transcripts: `media_xml`
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
        if not located.raw.strip():
            empty.append(name)
        if element.get("richTextPath"):
            report.warn("la version mise en forme des sources (richTextPath, .docx) n'est pas "
                        "importée : seul le texte brut l'est.")
    if problems:
        raise ExchangeError(f"{reader.archive.path.name} : {len(problems)} problème(s), rien n'a "
                            "été importé :\n  - " + "\n  - ".join(problems[:30]))
    if empty:
        report.warn(f"{len(empty)} source(s) sans texte ({', '.join(empty[:10])}"
                    f"{', …' if len(empty) > 10 else ''}) : importée(s) comme documents vides, "
                    "sans codage possible ; certains logiciels (NVivo) exportent les sources "
                    "sans leur texte brut : exportez-les à nouveau avec leur texte.")
    for kind, count in sorted(skipped.items()):
        report.warn(f"{count} source(s) {kind} non importée(s), avec leurs sélections et codages "
                    "(le workbench n'importe que les textes).")
    return plans


def _named_quote(name: str | None) -> tuple[str, bool] | None:
    """A selection name as a quote (collapsed) and whether it was cut ("…"), or None when
    the name cannot be a quote (empty, "line:N")."""
    if not name or _LINE_REF.match(name):
        return None
    quote = _collapse(name)
    for ellipsis in _ELLIPSIS:
        if quote.endswith(ellipsis):
            return quote[: -len(ellipsis)].rstrip(), True
    return (quote, False) if quote else None


def _fits(text: str, start: int, stop: int, quote: tuple[str, bool]) -> bool:
    found = _collapse(text[start:stop])
    return found.startswith(quote[0]) if quote[1] else found == quote[0]


def place_codings(plans: list[SourcePlan], report: ExchangeReport, *,
                  quoted_names: bool = False) -> list[PlannedCoding]:
    """Decide the endPosition reading for the file, then map every selection to our offsets.

    Selections named by their quote (as this workbench and several tools name them)
    are checked against their text: a source whose text was replaced after coding
    would otherwise get its codings at their old offsets in the new text. When any
    selection of the file, or the file's origin (`quoted_names`), shows that names
    are quotes, a selection whose text no longer reads as its name is moved to the
    one place where its quote occurs (a warning counts them), or the import is
    refused listing every selection that cannot be placed again.
    """
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
    empty = uncoded = placed = moved = 0
    spans: list[tuple[SourcePlan, RawSelection, int, int]] = []
    for plan in plans:
        size = len(plan.source.raw)
        for sel in plan.selections:
            end = sel.end + shift
            if not 0 <= sel.start <= end <= size:
                problems.append(f"source « {plan.name} », sélection {sel.guid} : positions "
                                f"{sel.start}–{sel.end} hors du texte ou inversées (texte de "
                                f"{size} caractères)")
                continue
            spans.append((plan, sel, *plan.source.span(sel.start, end)))
    if problems:
        raise ExchangeError(f"{report.path.name} : {len(problems)} sélection(s) hors de leur "
                            "texte, rien n'a été importé :\n  - " + "\n  - ".join(problems[:30]))
    quoted_names = quoted_names or any(
        start < stop and (quote := _named_quote(sel.name)) is not None
        and _fits(plan.source.text, start, stop, quote) for plan, sel, start, stop in spans)
    lost: list[str] = []
    for k, (plan, sel, start, stop) in enumerate(spans):
        quote = _named_quote(sel.name) if quoted_names else None
        if quote is None or start >= stop or _fits(plan.source.text, start, stop, quote):
            continue
        hits = find_quote(plan.source.text, quote[0]) if not quote[1] else []
        if len(hits) == 1:
            spans[k] = (plan, sel, *hits[0])
            moved += 1
            continue
        why = ("citation coupée (…), introuvable à sa place" if quote[1] else
               "citation introuvable dans le texte" if not hits else
               f"citation présente {len(hits)} fois")
        lost.append(f"source « {plan.name} », sélection {sel.guid} : « {quote[0][:60]} » ne se "
                    f"lit plus à ses positions {sel.start}–{sel.end} ({why})")
    if lost:
        raise ExchangeError(
            f"{report.path.name} : {len(lost)} sélection(s) ne correspondent plus au texte de "
            "leur source (le texte a-t-il été remplacé après le codage ?), rien n'a été "
            "importé :\n  - " + "\n  - ".join(lost[:30]) + "\nExportez le projet à nouveau "
            "depuis le logiciel d'origine, ou remettez dans l'archive le texte qui a été codé.")
    if moved:
        report.warn(f"{moved} sélection(s) ne se lisaient plus à leurs positions (texte de la "
                    "source modifié) : replacée(s) là où leur citation figure, une seule fois, "
                    "dans le texte.")
    by_plan: dict[str, list[tuple[RawSelection, int, int]]] = {}
    for plan, sel, start, stop in spans:
        by_plan.setdefault(plan.guid, []).append((sel, start, stop))
    for plan in plans:
        for sel, start, stop in by_plan.get(plan.guid, []):
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
    if empty:
        report.warn(f"{empty} sélection(s) vide(s) (début = fin) ignorée(s).")
    if uncoded:
        report.warn(f"{uncoded} sélection(s) sans code ignorée(s) (le workbench ne garde que des "
                    "passages codés).")
    report.selections = placed
    return out
