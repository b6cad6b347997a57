"""Our codebook ↔ REFI-QDA codes (`.qdc` files and the CodeBook of a project).

A REFI code has a GUID, a name, a colour and one free-text Description. Our
codes also have inclusion and exclusion criteria, an example and a key (the id
used in code expressions such as ``femmes & actions.eau``). On export these are
folded into the Description as labelled paragraphs a reader of another tool
understands::

    <definition>

    Critères d'inclusion : …

    Critères d'exclusion : …

    Exemple : …

    Identifiant : femmes.gouvernance

and a warning says so. On import the labelled paragraphs are unfolded again,
so a round trip through REFI keeps every field; a Description without labels
is the definition. Auto-coding rules have no place in the standard and are
not exported (warning).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from workbench.atomic import atomic_output
from workbench.codebook.model import COLOUR, Code, Codebook, slug
from workbench.coding.codes import apply_codebook, stored_codebook
from workbench.errors import ExchangeError
from workbench.refi.guids import Guids, normalise_guid
from workbench.refi.report import ExchangeReport
from workbench.refi.xml import (
    CODEBOOK_NS,
    child_text,
    children,
    clean_name,
    parse_xml,
    root_element,
    sub,
)
from workbench.refi.xml import to_bytes as xml_bytes

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

LABELS = {"inclusion": "Critères d'inclusion", "exclusion": "Critères d'exclusion",
          "example": "Exemple", "key": "Identifiant"}
_LABEL_RE = re.compile(r"(?:^|\n\n)(Critères d['’]inclusion|Critères d['’]exclusion|Exemple"
                       r"|Identifiant) : ")
_BY_LABEL = {"critères d'inclusion": "inclusion", "critères d'exclusion": "exclusion",
             "exemple": "example", "identifiant": "key"}
_KEY = re.compile(r"^[\w.\-]{1,255}$")
ORIGIN = "workbench"
MAX_DEPTH = 100  # levels of nested codes; deeper is refused, not recursed into


def fold_description(code: Code, text: Callable[[str], str] = str) -> str:
    """The Description written for a code: definition, then labelled criteria and key."""
    parts = [text(code.definition)] if code.definition else []
    for name in ("inclusion", "exclusion", "example"):
        if getattr(code, name):
            parts.append(f"{LABELS[name]} : {text(getattr(code, name))}")
    parts.append(f"{LABELS['key']} : {code.id}")
    return "\n\n".join(parts)


def unfold_description(description: str) -> dict[str, str]:
    """definition, inclusion, exclusion, example and key from a folded Description."""
    pieces = _LABEL_RE.split(description.replace("\r\n", "\n"))
    out = {"definition": pieces[0].strip()}
    for label, value in zip(pieces[1::2], pieces[2::2], strict=True):
        name = _BY_LABEL[label.replace("’", "'").casefold()]
        out[name] = (out[name] + "\n\n" if out.get(name) else "") + value.strip()
    return out


def hex_colour(colour: str | None) -> str | None:
    """'#RRGGBB' for a '#rgb' or '#rrggbb' colour; None for anything else."""
    if not colour or not COLOUR.match(colour):
        return None
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def code_guids(book: Codebook, guids: Guids, report: ExchangeReport) -> dict[str, str]:
    """Each code's GUID: its own when valid, else a derived one (with a warning)."""
    out: dict[str, str] = {}
    for code in book.codes:
        guid = normalise_guid(code.guid)
        if guid is None or guid in out.values():
            report.warn(f"code « {code.id} » : GUID absent ou invalide ({code.guid!r}) ; un "
                        "GUID dérivé de son identifiant est écrit à la place.")
            guid = guids("code", code.id)
        out[code.id] = guid
    return out


def add_codes(parent: Element, book: Codebook, guid_of: dict[str, str], report: ExchangeReport,
              *, notes: dict[str, list[str]] | None = None,
              text: Callable[[str], str] = str) -> None:
    """Append `<Codes>` with the hierarchy to `parent` (a CodeBook element)."""
    codes = sub(parent, "Codes")

    def add(container: Element, code: Code) -> None:
        colour = hex_colour(code.color)
        if code.color and colour is None:
            report.warn(f"code « {code.id} » : couleur « {code.color} » non exportée "
                        "(la norme veut #RRGGBB).")
        element = sub(container, "Code", {"guid": guid_of[code.id], "name": code.name,
                                          "isCodable": "true", "color": colour})
        sub(element, "Description", text=fold_description(code, text))
        for note in (notes or {}).get(code.id, []):
            sub(element, "NoteRef", {"targetGUID": note})
        for kid in book.children(code.id):
            add(element, kid)

    for top in book.children(None):
        add(codes, top)
    report.codes += len(book.codes)
    if any(c.inclusion or c.exclusion or c.example for c in book.codes):
        report.warn("les critères d'inclusion et d'exclusion et les exemples des codes sont "
                    "repliés dans leur description (paragraphes « Critères d'inclusion : … »), "
                    "car la norme n'a qu'un champ Description.")
    if any(c.rules for c in book.codes):
        report.warn("les règles d'autocodage des codes ne sont pas exportées (la norme REFI-QDA "
                    "n'en a pas).")


def write_qdc(book: Codebook, path: str | Path, *, guids: Guids | None = None
              ) -> ExchangeReport:
    """Write a `.qdc` codebook (Codebook.xsd) atomically.

    `guids` derives a GUID for a code without a valid one (default: from the code's key).
    """
    path = Path(path)
    guids = guids or Guids(uuid.uuid5(uuid.NAMESPACE_URL, "workbench-codebook"))
    report = ExchangeReport(path, "export")
    if not book.codes:
        raise ExchangeError(f"{path.name} : le livre de codes est vide, rien à exporter.")
    root = root_element("CodeBook", CODEBOOK_NS, {"origin": ORIGIN})
    add_codes(root, book, code_guids(book, guids, report), report)
    try:
        with atomic_output(path) as tmp:
            tmp.write_bytes(xml_bytes(root))
    except OSError as exc:
        raise ExchangeError(f"{path} : écriture impossible ({exc.strerror or exc}).") from exc
    return report


def export_qdc(project: ProjectData, path: str | Path) -> ExchangeReport:
    """Export the project's codebook as a REFI-QDA `.qdc` file."""
    from workbench.refi.guids import project_namespace

    with project.store.read() as conn:
        book, namespace = stored_codebook(conn), project_namespace(conn)
    return write_qdc(book, path, guids=Guids(namespace))


@dataclass
class ParsedCodes:
    """Codes read from a REFI CodeBook: the Codebook, GUID → key, and each code's NoteRefs."""

    book: Codebook
    keys: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)


def parse_codes(codes: Element | None, *, source: str, report: ExchangeReport,
                keys: dict[str, str] | None = None, rename_duplicates: bool = False
                ) -> ParsedCodes:
    """Codes of a `<Codes>` element; duplicate GUIDs (and so cycles) are errors.

    `keys`: GUID → key of codes already known (a project), kept for those codes.
    `rename_duplicates`: give same-named siblings a " (2)" suffix instead of failing.
    """
    parsed = ParsedCodes(Codebook([], source=source))
    problems: list[str] = []
    used: set[str] = set((keys or {}).values())
    path_of: dict[str, list[str]] = {}
    names_under: dict[str | None, set[str]] = {}

    def visit(element: Element, parent: Code | None, ancestors: list[str]) -> None:
        raw_guid = element.get("guid")
        guid = normalise_guid(raw_guid)
        name = clean_name(element.get("name"))
        where = f"code « {name or '?'} » (guid {raw_guid})"
        if guid is None:
            problems.append(f"{where} : GUID absent ou invalide")
            return
        if len(ancestors) >= MAX_DEPTH:
            problems.append(f"{where} : hiérarchie de plus de {MAX_DEPTH} niveaux")
            return
        if guid in ancestors:
            problems.append(f"{where} : cycle, le code se contient lui-même "
                            f"({' > '.join(path_of[g][-1] for g in ancestors)} > {name})")
            return
        if guid in parsed.keys:
            problems.append(f"{where} : GUID en double (déjà « {path_of[guid][-1]} »)")
            return
        if element.get("isCodable", "true").strip().lower() in ("false", "0"):
            report.warn("des codes non codables (dossiers, isCodable=false) sont importés comme "
                        "des codes ordinaires.")
        fields = unfold_description(child_text(element, "Description"))
        key = (keys or {}).get(guid) or _new_key(fields.get("key"), name, parent, used)
        used.add(key)
        colour = element.get("color")
        if colour and hex_colour(colour) is None:
            report.warn(f"{where} : couleur « {colour} » ignorée (#RRGGBB attendu).")
            colour = None
        siblings = names_under.setdefault(parent.id if parent else None, set())
        if not name or (rename_duplicates and name.casefold() in siblings):
            base, n = name or "(sans nom)", 2
            name = base
            while name.casefold() in siblings:
                name, n = f"{base} ({n})", n + 1
            report.warn(f"{where} : renommé « {name} » (nom vide ou déjà porté par un code du "
                        "même parent).")
        code = Code(id=key, name=name, parent=parent.id if parent else None,
                    definition=fields["definition"], inclusion=fields.get("inclusion", ""),
                    exclusion=fields.get("exclusion", ""), example=fields.get("example", ""),
                    color=colour, guid=guid, where=where)
        parsed.book.codes.append(code)
        siblings.add(name.casefold())
        parsed.keys[guid] = key
        path_of[guid] = [*(path_of[ancestors[-1]] if ancestors else []), name]
        refs = [normalise_guid(n.get("targetGUID")) for n in children(element, "NoteRef")]
        parsed.notes[guid] = [r for r in refs if r]
        for kid in children(element, "Code"):
            visit(kid, code, [*ancestors, guid])

    for top in children(codes, "Code"):
        visit(top, None, [])
    if problems:
        raise ExchangeError(f"{source} : {len(problems)} problème(s) dans le livre de codes, "
                            "rien n'a été importé :\n  - " + "\n  - ".join(problems))
    return parsed


def _new_key(given: str | None, name: str, parent: Code | None, used: set[str]) -> str:
    """The key written in the description if free, else one built from the names."""
    if given and _KEY.match(given) and given not in used:
        return given
    base = f"{parent.id}.{slug(name)}" if parent else slug(name)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def read_qdc(path: str | Path, *, keys: dict[str, str] | None = None) -> Codebook:
    """Read and validate a `.qdc` codebook; `keys` (GUID → key) keeps known codes' keys."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path} : lecture impossible ({exc}).") from exc
    root, _namespace = parse_xml(data, source=path.name)
    if root.tag != "CodeBook":
        raise ExchangeError(f"{path.name} : l'élément racine est <{root.tag}>, pas <CodeBook> ; "
                            "ce n'est pas un livre de codes REFI-QDA (.qdc).")
    codes = next(iter(children(root, "Codes")), None)
    parsed = parse_codes(codes, source=path.name, report=ExchangeReport(path, "import"),
                         keys=keys)
    if not parsed.book.codes:
        raise ExchangeError(f"{path.name} : aucun code dans ce livre de codes.")
    return parsed.book.validate()


def load_qdc(project: ProjectData, path: str | Path) -> dict[str, list[str]]:
    """Load a `.qdc` into a project: codes matched by GUID keep their key and codings."""
    from sqlalchemy import select

    from workbench.store import schema as s

    with project.store.read() as conn:
        known = {normalise_guid(g): k for k, g in conn.execute(select(s.codes.c.key,
                                                                      s.codes.c.guid))}
        current = stored_codebook(conn)
    book = read_qdc(path, keys={g: k for g, k in known.items() if g})
    book.name = current.name or Path(path).stem  # a .qdc has no name: keep the project's
    book.description, book.language = current.description, current.language
    with project.store.write(project.coder) as w:
        return apply_codebook(w, book, source=str(path))
