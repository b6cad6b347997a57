from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from workbench.corpus import read_document
from workbench.errors import CorpusError

PAGES = [
    ["Enquêtrice : Comment avez-vous connu", "l'association ?", "Mohamed : Par mon oncle,", "1"],
    ["qui était trésorier.", "Enquêtrice : Et aujourd'hui ?", "Mohamed : Je suis président.",
     "Page 2 / 2"],
]


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def test_text_layer_lines_turns_and_page_numbers_dropped(tmp_path: Path, valid) -> None:
    doc = valid(read_document(make_pdf(tmp_path / "E06.pdf", PAGES)))
    assert doc.text.split("\n") == [
        "Enquêtrice : Comment avez-vous connu", "l'association ?", "Mohamed : Par mon oncle,",
        "qui était trésorier.", "Enquêtrice : Et aujourd'hui ?", "Mohamed : Je suis président.",
    ]
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        ("Enquêtrice", "Comment avez-vous connu\nl'association ?"),
        ("Mohamed", "Par mon oncle,\nqui était trésorier."),
        ("Enquêtrice", "Et aujourd'hui ?"),
        ("Mohamed", "Je suis président."),
    ]
    assert (doc.matched_lines, doc.total_lines) == (4, 6)


def _encrypt(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="proprio", algorithm="RC4-128")
    with target.open("wb") as f:
        writer.write(f)
    return target


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", PAGES)
    locked = _encrypt(plain, tmp_path / "E12.pdf", "secret")
    with pytest.raises(CorpusError) as err:
        read_document(locked)
    message = str(err.value)
    assert message.startswith("E12.pdf : protégé par un mot de passe")
    assert "retirez le mot de passe" in message


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", PAGES)
    doc = read_document(_encrypt(plain, tmp_path / "E13.pdf", ""))
    assert [t.speaker for t in doc.turns] == ["Enquêtrice", "Mohamed", "Enquêtrice", "Mohamed"]


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)  # a page with a drawing and no text
    c.showPage()
    c.save()
    with pytest.raises(CorpusError) as err:
        read_document(path)
    assert str(err.value).startswith("scan.pdf : pas de couche de texte")
    assert "OCR" in str(err.value)


def test_a_pdf_suffix_on_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "faux.pdf"
    path.write_text("Enquêtrice : bonjour", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"faux\.pdf : ce n'est pas un fichier PDF valide"):
        read_document(path)
