from __future__ import annotations

import codecs
import random

import pytest

from workbench.corpus.encoding import decode_bytes
from workbench.errors import CorpusError

FRENCH = "Enquêteur : Où êtes-vous né ?\nFatima : À Tafraout, près de Tiznit, en été.\n"
CP1252_ONLY = "Fatima : C’est mon cœur… « là-bas » – voilà.\n"


def test_plain_utf8_is_taken_without_warning() -> None:
    assert decode_bytes(FRENCH.encode("utf-8"), source="e.txt") == (FRENCH, "utf-8", [])


def test_utf8_bom_is_removed() -> None:
    text, enc, warnings = decode_bytes(codecs.BOM_UTF8 + FRENCH.encode(), source="e.txt")
    assert (text, enc, warnings) == (FRENCH, "utf-8-sig", [])


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom(codec: str) -> None:
    data = FRENCH.encode(codec)  # "utf-16" writes a BOM, the others do not
    text, enc, warnings = decode_bytes(data, source="e.txt")
    assert text == FRENCH
    assert enc.startswith("utf-16")
    assert warnings == []


def test_utf16_bom_big_endian_named() -> None:
    data = codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be")
    assert decode_bytes(data, source="e.txt")[:2] == (FRENCH, "utf-16-be")


def test_cp1252_with_curly_quotes_and_oe() -> None:
    text, enc, warnings = decode_bytes(CP1252_ONLY.encode("cp1252"), source="e.txt")
    assert (text, enc, warnings) == (CP1252_ONLY, "cp1252", [])


def test_latin1_without_cp1252_bytes_is_named_latin1() -> None:
    text, enc, warnings = decode_bytes(FRENCH.encode("latin-1"), source="e.txt")
    assert (text, enc, warnings) == (FRENCH, "latin-1", [])


@pytest.mark.parametrize(
    ("codec", "sample"),
    [
        ("iso8859_15", "Fatima : Déjà, l'été à l'école, mon cœur."),
        ("mac_roman", CP1252_ONLY),
        ("cp850", FRENCH),
    ],
)
def test_other_western_code_pages(codec: str, sample: str) -> None:
    text, enc, _ = decode_bytes(sample.encode(codec), source="e.txt")
    assert text == sample
    assert enc == codec


def test_unsure_detection_gives_a_warning_naming_the_file() -> None:
    arabic = "مرحبا بكم في الجمعية، نحن نعمل في تيزنيت منذ سنوات طويلة مع الشباب والنساء"
    text, _, warnings = decode_bytes(arabic.encode("cp1256"), source="arabe.txt")
    assert text == arabic
    assert len(warnings) == 1
    assert "arabe.txt" in warnings[0] and "UTF-8" in warnings[0]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
        (b"PK\x03\x04" + bytes(200), "zip"),
        (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "PDF"),
        (random.Random(7).randbytes(4096), "octets NUL"),
        (b"texte" + bytes(range(1, 9)) * 300, "octets de contrôle"),
    ],
)
def test_binary_content_is_refused(data: bytes, what: str) -> None:
    with pytest.raises(CorpusError) as err:
        decode_bytes(data, source="image.txt")
    message = str(err.value)
    assert "image.txt" in message and "ce n'est pas un fichier texte" in message and what in message


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, "  \n".encode("utf-16")])
def test_empty_or_blank_file_is_refused(data: bytes) -> None:
    with pytest.raises(CorpusError, match=r"vide\.txt : le fichier est vide"):
        decode_bytes(data, source="vide.txt")


def test_utf8_with_one_damaged_byte_stays_utf8_with_a_warning() -> None:
    data = FRENCH.encode("utf-8") * 3 + b"caf\xe9 " + FRENCH.encode("utf-8")
    text, enc, warnings = decode_bytes(data, source="abime.txt")
    assert enc == "utf-8"
    assert text == FRENCH * 3 + "caf\ufffd " + FRENCH
    assert warnings == [
        f"abime.txt : UTF-8 avec 1 séquence(s) d'octets abîmée(s) (la première à l'octet "
        f"{len(FRENCH.encode('utf-8')) * 3 + 3}), affichée(s) comme � ; vérifiez ces endroits "
        "dans l'original."
    ]


def test_a_stray_nul_does_not_make_a_transcript_binary() -> None:
    text, enc, _ = decode_bytes(FRENCH.encode("utf-8") + b"\x00" + FRENCH.encode(), source="e.txt")
    assert enc == "utf-8" and text == FRENCH + "\x00" + FRENCH
