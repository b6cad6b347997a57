from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0">
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
 </office:automatic-styles>
 <office:body>
  <office:text>
   <text:h text:outline-level="1">Compte rendu, <text:span>atelier</text:span> Agadir</text:h>
   <text:p><text:span text:style-name="T1">Le consultant</text:span> : Bienvenue à
     tous.<text:note><text:note-citation>1</text:note-citation><text:note-body>
     <text:p>Note de bas de page.</text:p></text:note-body></text:note></text:p>
   <text:p>Brahim<text:s/>:<text:s text:c="2"/>On a<text:tab/>construit<text:line-break
     />le puits.</text:p>
   <text:list><text:list-item><text:p>Brahim : Et l'école.</text:p></text:list-item></text:list>
   <text:h text:outline-level="2">Suite</text:h>
   <table:table>
    <table:table-row>
     <table:table-cell><text:p>Animatrice</text:p></table:table-cell>
     <table:table-cell><text:p>Merci.</text:p></table:table-cell>
    </table:table-row>
   </table:table>
  </office:text>
 </office:body>
</office:document-content>
"""


def build(path: Path, content: str = CONTENT) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    return path


def test_paragraphs_spans_spaces_tabs_breaks_lists_tables(tmp_path: Path, valid) -> None:
    doc = valid(read_document(build(tmp_path / "CR1.odt")))
    assert doc.text.split("\n") == [
        "Compte rendu, atelier Agadir",
        "Le consultant : Bienvenue à tous.",
        "Brahim :  On a\tconstruit",
        "le puits.",
        "Brahim : Et l'école.",
        "Suite",
        "Animatrice : Merci.",
    ]
    got = [(t.speaker, t.role, t.section, doc.text[t.start : t.end]) for t in doc.turns]
    assert got == [
        ("Le consultant", "respondent", "Compte rendu, atelier Agadir", "Bienvenue à tous."),
        ("Brahim", "respondent", "Compte rendu, atelier Agadir", "On a\tconstruit\nle puits."),
        ("Brahim", "respondent", "Compte rendu, atelier Agadir", "Et l'école."),
        ("Animatrice", "interviewer", "Suite", "Merci."),
    ]


def test_an_odt_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "CR2.odt"
    path.write_text("Brahim : bonjour", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"CR2\.odt : .*pas un fichier OpenDocument \.odt"):
        read_document(path)


def test_an_odt_without_content_or_with_bad_xml_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "CR3.odt"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(CorpusError, match=r"CR3\.odt : .*pas de content\.xml"):
        read_document(empty)
    broken = build(tmp_path / "CR4.odt", CONTENT[:300])
    with pytest.raises(CorpusError, match=r"CR4\.odt : .*pas du XML valide"):
        read_document(broken)
