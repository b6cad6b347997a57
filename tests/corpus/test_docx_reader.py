from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError


def _labelled(d: docx.Document, label: str, words: str, *, colon_in_bold: bool = True) -> None:
    p = d.add_paragraph()
    p.add_run(label + (" :" if colon_in_bold else "")).bold = True
    p.add_run((" " if colon_in_bold else " : ") + words)


def build(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Entretien avec une élue de Tiznit", level=1)
    d.add_paragraph("Réalisé le 4 mai, à la commune.")
    _labelled(d, "Chargée de mission", "Merci de nous recevoir.")
    _labelled(d, "Mme la Présidente", "Avec plaisir.", colon_in_bold=False)
    p = d.add_paragraph("La commune a signé ")
    p.add_run().add_break()
    p.add_run("une convention en 2015.")
    d.add_heading("Partenariats", level=2)
    table = d.add_table(rows=3, cols=2)
    for row, (who, words) in enumerate(
        [("Enquêteur", "Avec qui travaillez-vous ?"), ("Mme la Présidente", "Avec l'OSIM."),
         ("Enquêteur", "Depuis quand ?")]
    ):
        table.cell(row, 0).text = who
        table.cell(row, 1).text = words
    meta = d.add_table(rows=1, cols=3)
    for k, value in enumerate(["Durée", "45 min", "audio"]):
        meta.cell(0, k).text = value
    p = d.add_paragraph()
    p.add_run("Enquêteur").bold = True  # bold label alone: words on the next paragraph
    p.add_run(" :").bold = True
    d.add_paragraph("Une dernière chose ?")
    p = d.add_paragraph()
    p.add_run("Points à retenir :").bold = True  # a lone bold line used once: not a speaker
    d.add_paragraph("la convention, l'OSIM.")
    d.save(str(path))
    return path


def test_paragraphs_tables_headings_and_bold_speakers(tmp_path: Path, valid) -> None:
    doc = valid(read_document(build(tmp_path / "E04.docx")))
    assert doc.text.split("\n") == [
        "Entretien avec une élue de Tiznit",
        "Réalisé le 4 mai, à la commune.",
        "Chargée de mission : Merci de nous recevoir.",
        "Mme la Présidente : Avec plaisir.",
        "La commune a signé ",
        "une convention en 2015.",
        "Partenariats",
        "Enquêteur : Avec qui travaillez-vous ?",
        "Mme la Présidente : Avec l'OSIM.",
        "Enquêteur : Depuis quand ?",
        "Durée\t45 min\taudio",
        "Enquêteur :",
        "Une dernière chose ?",
        "Points à retenir :",
        "la convention, l'OSIM.",
    ]
    got = [(t.speaker, t.role, t.section, doc.text[t.start : t.end]) for t in doc.turns]
    section1, section2 = "Entretien avec une élue de Tiznit", "Partenariats"
    assert got == [
        (None, None, section1, "Réalisé le 4 mai, à la commune."),
        ("Chargée de mission", "respondent", section1, "Merci de nous recevoir."),
        ("Mme la Présidente", "respondent", section1,
         "Avec plaisir.\nLa commune a signé \nune convention en 2015."),
        ("Enquêteur", "interviewer", section2, "Avec qui travaillez-vous ?"),
        ("Mme la Présidente", "respondent", section2, "Avec l'OSIM."),
        ("Enquêteur", "interviewer", section2, "Depuis quand ?\nDurée\t45 min\taudio"),
        ("Enquêteur", "interviewer", section2,
         "Une dernière chose ?\nPoints à retenir :\nla convention, l'OSIM."),
    ]
    assert doc.matched_lines == 6


def test_roles_override_for_docx(tmp_path: Path) -> None:
    doc = read_document(build(tmp_path / "E04.docx"), roles={"Chargée de mission": "interviewer"})
    assert doc.turns[1].role == "interviewer"


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "E09.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))  # an old .doc
    with pytest.raises(CorpusError) as err:
        read_document(path)
    assert str(err.value).startswith(
        "E09.docx : ce n'est pas un fichier Word .docx valide (ce n'est pas une archive zip)"
    )
    assert "enregistrez-le en .docx" in str(err.value)


def test_a_zip_that_is_not_a_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "E10.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "pas un document Word")
    with pytest.raises(CorpusError, match=r"E10\.docx : .*pas un fichier Word \.docx"):
        read_document(path)


def test_a_truncated_docx_is_refused(tmp_path: Path) -> None:
    good = build(tmp_path / "full.docx").read_bytes()
    path = tmp_path / "E11.docx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorpusError, match=r"E11\.docx : .*pas un fichier Word \.docx"):
        read_document(path)


def test_content_controls_tracked_changes_and_tabs(tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    body = d.element.body
    control = parse_xml(
        f"<w:sdt {ns}><w:sdtPr><w:alias w:val='bloc'/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>R : dans un contrôle</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    revised = parse_xml(
        f'<w:p {ns}><w:r><w:t xml:space="preserve">E : je </w:t></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>ne </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>sais</w:t></w:r></w:ins>'
        "<w:r><w:tab/><w:t>pas</w:t></w:r></w:p>"
    )
    body.insert(0, revised)
    body.insert(0, control)
    path = tmp_path / "E25.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.text == "R : dans un contrôle\nE : je sais\tpas"
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        ("R", "dans un contrôle"), ("E", "je sais\tpas"),
    ]
