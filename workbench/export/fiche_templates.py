"""The default .docx templates of the fiches, built by code (no binary file in git).

A template is an ordinary Word document holding jinja tags that docxtpl fills:
``{{ nom }}`` a value, ``{%p for e in extraits %}`` … ``{%p endfor %}`` a repeated
group of paragraphs, ``{%tr for c in champs %}`` a repeated table row. Write a copy
with :func:`fiche_template`, change texts, styles, logos or the order of blocks in
Word, and give it back as ``template=``. The variables each fiche offers are listed
in :data:`VARIABLES`.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm

from workbench.atomic import write_atomically
from workbench.errors import TemplateError
from workbench.export.docx_common import (
    EXTRACT_STYLE,
    MEMO_STYLE,
    NOTE_STYLE,
    REFERENCE_STYLE,
    add_page_numbers,
    setup_document,
    shade,
    typo,
)

SIGNALETIQUE, CAPITALISATION = "signaletique", "capitalisation"
KIND_ALIASES = {"signaletique": SIGNALETIQUE, "signalétique": SIGNALETIQUE,
                "organisation": SIGNALETIQUE, "capitalisation": CAPITALISATION,
                "initiative": CAPITALISATION, "retour d'experience": CAPITALISATION}
_COMMON = ("nom", "etude", "date", "champs", "attributs", "valeurs", "sources",
           "note_pseudonymes")
_EXTRACT = "e.reference, e.locuteur, e.profil, e.themes, e.texte, e.memo"
VARIABLES = {
    SIGNALETIQUE: (*_COMMON, "personnes", "extraits", "n_extraits", "type", "implantation",
                   "origine", "domaines"),
    CAPITALISATION: (*_COMMON, "code", "resume", "sections", "n_extraits", "n_documents",
                     "domaines"),
}
"""Top-level variables a template may use, besides the attributes of the study's
organisations (or initiatives) by their key (``{{ annee_creation }}`` when the
attributes sheet has that column); `champs` is a list of {libelle, valeur};
`attributs` maps each label to its value and `valeurs` each attribute key to its
value; `type`, `implantation`, `origine`, `domaines` come from the attributes playing
those roles in the study profile (organisation type, place and country of residence,
origin, fields of action); `extraits` and each `sections[i].extraits` a list of
extracts with fields e.reference, e.locuteur, e.profil, e.themes, e.texte, e.memo;
`sections[i].titre`."""


def template_kind(kind: str) -> str:
    """'signaletique' or 'capitalisation' from a kind or an alias."""
    found = KIND_ALIASES.get(str(kind).strip().casefold())
    if found is None:
        raise TemplateError(f"type de fiche « {kind} » inconnu : écrivez « signaletique » "
                            "(organisations) ou « capitalisation » (initiatives).")
    return found


def _tags(document: DocxDocument, *lines: str) -> None:
    for line in lines:
        document.add_paragraph(line)


def _identification(document: DocxDocument, heading: str) -> None:
    document.add_heading(heading, level=2)
    table = document.add_table(rows=3, cols=2)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    first, middle, last = table.rows
    first.cells[0].text = "{%tr for c in champs %}"
    middle.cells[0].text, middle.cells[1].text = "{{ c.libelle }}", "{{ c.valeur }}"
    last.cells[0].text = "{%tr endfor %}"
    middle.cells[0].paragraphs[0].runs[0].bold = True
    shade(middle.cells[0], "E8EEEF")
    for column, centimetres in zip(table.columns, (5.0, 11.4), strict=True):
        column.width = Cm(centimetres)
        for cell in column.cells:
            cell.width = Cm(centimetres)


def _extract_block(document: DocxDocument, items: str, empty: str) -> None:
    _tags(document, f"{{%p for e in {items} %}}")
    document.add_paragraph("{{ e.reference }} · {{ e.locuteur }}{% if e.profil %} · "
                           "{{ e.profil }}{% endif %}{% if e.themes %} — {{ e.themes }}"
                           "{% endif %}", style=REFERENCE_STYLE)
    document.add_paragraph("{{ e.texte }}", style=EXTRACT_STYLE)
    _tags(document, "{%p if e.memo %}")
    document.add_paragraph(typo("Mémo : {{ e.memo }}"), style=MEMO_STYLE)
    _tags(document, "{%p endif %}", "{%p endfor %}", f"{{%p if not {items} %}}")
    document.add_paragraph(empty, style=NOTE_STYLE)
    _tags(document, "{%p endif %}")


def _start(title: str, subtitle: str = "") -> DocxDocument:
    document = Document()
    setup_document(document)
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle, style="Subtitle")
    document.add_heading("{{ nom }}", level=1)
    return document


def signaletique_document() -> DocxDocument:
    """The default template of the fiche signalétique (one organisation)."""
    document = _start("Fiche signalétique")
    document.add_paragraph("{{ etude }} — fiche établie le {{ date }} à partir de la feuille "
                           "d'attributs et des extraits codés. {{ note_pseudonymes }}",
                           style=NOTE_STYLE)
    _identification(document, "Identification")
    document.add_heading("Personnes rencontrées", level=2)
    _tags(document, "{%p for p in personnes %}")
    document.add_paragraph("{{ p }}", style="List Bullet")
    _tags(document, "{%p endfor %}", "{%p if not personnes %}")
    document.add_paragraph("Aucune personne de l'organisation parmi les cas du projet.",
                           style=NOTE_STYLE)
    _tags(document, "{%p endif %}")
    document.add_heading("Extraits clés", level=2)
    _extract_block(document, "extraits", "Aucun extrait codé pour cette organisation.")
    document.add_heading("Sources", level=2)
    document.add_paragraph("{{ sources }}", style=NOTE_STYLE)
    add_page_numbers(document, "Fiche signalétique — {{ nom }}")
    return document


def capitalisation_document() -> DocxDocument:
    """The default template of the fiche de capitalisation (one initiative)."""
    document = _start("Fiche de capitalisation", "Retour d'expérience")
    document.add_paragraph("{{ etude }} — fiche établie le {{ date }} à partir de "
                           "{{ resume }}. {{ note_pseudonymes }}", style=NOTE_STYLE)
    _identification(document, "Identification de l'initiative")
    _tags(document, "{%p for s in sections %}")
    document.add_heading("{{ s.titre }}", level=2)
    _extract_block(document, "s.extraits", typo("Aucun extrait codé dans cette rubrique : "
                                                "à compléter."))
    _tags(document, "{%p endfor %}")
    document.add_heading("Sources", level=2)
    document.add_paragraph("{{ sources }}", style=NOTE_STYLE)
    add_page_numbers(document, "Fiche de capitalisation — {{ nom }}")
    return document


def default_template(kind: str) -> bytes:
    """The default template of a fiche kind, as .docx bytes."""
    build = {SIGNALETIQUE: signaletique_document,
             CAPITALISATION: capitalisation_document}[template_kind(kind)]
    buffer = io.BytesIO()
    build().save(buffer)
    return buffer.getvalue()


def fiche_template(kind: str, path: str | Path) -> Path:
    """Write the default template of `kind` ("signaletique" or "capitalisation") to `path`
    (.docx) for the user to edit in Word and pass back as ``template=``."""
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise TemplateError(f"{path.name} : un modèle de fiche s'enregistre en .docx.")
    data = default_template(kind)
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))
