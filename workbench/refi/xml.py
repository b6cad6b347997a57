"""Reading and writing REFI-QDA XML (`project.qde`, `.qdc`) safely.

Parsing goes through defusedxml: a document with a DTD (``<!DOCTYPE …>``) is
refused with a clear error, since a DTD is how entities are declared (the
"billion laughs" expansion, external entities that read files); REFI-QDA
files never need one. A UTF-8 byte-order mark and a missing XML
declaration are accepted (some tools write either). Namespaces are stripped
after parsing, so the rest of the package deals with local names (`Project`,
`TextSource` …); the root's namespace is returned for a check.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as _safe_fromstring

from workbench.errors import ExchangeError
from workbench.xml_text import xml_safe

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_BOM = b"\xef\xbb\xbf"


def parse_xml(data: bytes, *, source: str) -> tuple[Element, str | None]:
    """The root element (tags without namespace) and the root's namespace URI."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        root = _safe_fromstring(data, forbid_dtd=True, forbid_entities=True,
                                forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise ExchangeError(
            f"{source} : refusé, le XML contient une DTD (<!DOCTYPE …>) : elle peut déclarer "
            "des entités (expansion « billion laughs » qui sature la mémoire) ou des entités "
            "externes (lecture de fichiers, accès réseau). Un fichier REFI-QDA n'en a pas "
            "besoin ; exportez-le à nouveau depuis le logiciel d'origine.") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ExchangeError(f"{source} : XML invalide ligne {line}, colonne {column} "
                            f"({exc}). Le fichier est tronqué ou n'est pas du REFI-QDA.") from None
    namespace = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            uri, _, local = element.tag[1:].partition("}")
            if element is root:
                namespace = uri
            element.tag = local
    return root, namespace


def children(element: Element | None, tag: str) -> list[Element]:
    """Direct children with this local name (none when `element` is None)."""
    return [] if element is None else [c for c in element if c.tag == tag]


def child(element: Element, tag: str) -> Element | None:
    return next((c for c in element if c.tag == tag), None)


def child_text(element: Element, tag: str) -> str:
    """The text of the first child `tag`, or "" when absent."""
    found = child(element, tag)
    return (found.text or "") if found is not None else ""


def clean_name(value: str | None) -> str:
    """A name as we keep it: NFC, whitespace runs folded to one space."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def sub(parent: Element, tag: str, attrib: dict[str, str | None] | None = None,
        text: str | None = None) -> Element:
    """Append a child; attributes whose value is None are left out."""
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in (attrib or {}).items()
                                          if v is not None})
    if text is not None:
        element.text = xml_safe(text)
    return element


def root_element(tag: str, namespace: str, attrib: dict[str, str | None]) -> Element:
    """A root element in the default namespace `namespace`."""
    return ET.Element(tag, {"xmlns": namespace, **{k: xml_safe(v) for k, v in attrib.items()
                                                   if v is not None}})


def to_bytes(root: Element) -> bytes:
    """UTF-8 XML with its declaration."""
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
