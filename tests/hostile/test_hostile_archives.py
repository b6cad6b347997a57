"""Word and OpenDocument zip bombs, lying headers, and very large but honest documents.

Each archive is refused before (or while) it inflates, in a child process limited to
1.5 GB; an import holding one leaves the project exactly as it was.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.hostile.conftest import (
    DOCX_HEAD,
    DOCX_TAIL,
    GOOD,
    ODT_HEAD,
    ODT_TAIL,
    assert_bounded,
    bounded,
    docx,
    docx_paragraph,
    odt,
    refused,
    repeated,
)
from workbench import Project
from workbench.corpus import read_document
from workbench.errors import CorpusError

GB = 1024**3
MB = 1024**2
READ = 'd = read_document(V["path"]); out["value"] = [len(d.text), len(d.turns)]'


def corpus_with(tmp_path: Path, bad: Path) -> Path:
    """A folder with a good transcript and `bad` (moved in)."""
    folder = tmp_path / "corpus_hostile"
    folder.mkdir(exist_ok=True)
    (folder / "E05_bon.txt").write_text(GOOD, encoding="utf-8")
    return Path(bad.rename(folder / bad.name))


def varied_paragraphs(size: int, *, seed: int = 1) -> bytes:
    """Paragraphs of varied words (so they compress like prose, about 5:1), `size` bytes."""
    words = ["village", "puits", "école", "association", "commune", "retour", "été", "douar",
             "femmes", "jeunes", "projet", "budget", "mairie", "famille", "Tiznit", "Agadir"]
    rng = random.Random(seed)
    paragraphs = [docx_paragraph(" ".join(f"{rng.choice(words)}{rng.randint(0, 999)}"
                                          for _ in range(rng.randint(8, 40))),
                                 label=rng.choice(["Fatima", "Enquêtrice"]))
                  for _ in range(5000)]
    body = b"".join(paragraphs)
    return body * max(1, size // len(body))


def test_docx_bomb_of_4_gb_is_refused_before_inflating(tmp_path: Path, coded: Project) -> None:
    bomb = docx(tmp_path / "E09_bombe.docx", repeated(DOCX_HEAD, b"<w:p/>", 4 * GB, DOCX_TAIL))
    assert bomb.stat().st_size < 10 * MB
    message = assert_bounded(bounded(READ, path=bomb), "CorpusError", "E09_bombe.docx",
                             "word/document.xml", "bombe zip")
    assert "annonce" in message  # refused on the announced size, nothing inflated
    folder = corpus_with(tmp_path, bomb)
    refused(CorpusError, lambda: coded.import_corpus(folder, progress=False), "E09_bombe.docx",
            project=coded)


def test_odt_bomb_of_4_gb_is_refused_before_inflating(tmp_path: Path, coded: Project) -> None:
    bomb = odt(tmp_path / "CR1_bombe.odt", repeated(ODT_HEAD, b"<text:p/>", 4 * GB, ODT_TAIL))
    assert_bounded(bounded(READ, path=bomb), "CorpusError", "CR1_bombe.odt", "content.xml",
                   "bombe zip")
    folder = corpus_with(tmp_path, bomb)
    refused(CorpusError, lambda: coded.import_corpus(folder, progress=False), "CR1_bombe.odt",
            project=coded)


def test_docx_of_400_mb_of_paragraphs_in_a_small_file_is_refused(tmp_path: Path,
                                                                 coded: Project) -> None:
    paragraph = docx_paragraph("le village, c'est ma mère", label="Fatima")
    path = docx(tmp_path / "E10_gonfle.docx", repeated(DOCX_HEAD, paragraph, 400 * MB,
                                                       DOCX_TAIL))
    assert path.stat().st_size < 3 * MB
    assert_bounded(bounded(READ, path=path), "CorpusError", "E10_gonfle.docx", "bombe zip")
    refused(CorpusError, lambda: read_document(path), "E10_gonfle.docx")


def test_a_header_lying_about_the_size_stops_the_read_at_the_announced_size(
        tmp_path: Path, coded: Project) -> None:
    stream, _size, crc = repeated(DOCX_HEAD, b"<w:p/>", 300 * MB, DOCX_TAIL)
    path = docx(tmp_path / "E11_menteur.docx", (stream, 1_000_000, crc))  # announces 1 MB
    result = bounded(READ, path=path)
    assert_bounded(result, "CorpusError", "E11_menteur.docx", "word/document.xml")
    assert result["peak_mb"] < 600  # 1 MB inflated at most, not 300
    folder = corpus_with(tmp_path, path)
    refused(CorpusError, lambda: coded.import_corpus(folder, progress=False),
            "E11_menteur.docx", project=coded)


def test_a_bomb_in_a_member_nobody_reads_is_never_inflated(tmp_path: Path) -> None:
    document = DOCX_HEAD + docx_paragraph("Le puits du village.", label="Fatima") + DOCX_TAIL
    path = docx(tmp_path / "E12_image.docx", document,
                **{"word/media/image1.png": repeated(b"", b"\0", 4 * GB)})
    result = bounded(READ, path=path)
    assert_bounded(result, None)
    assert result["value"] == [len("Fatima : Le puits du village."), 1]


def test_a_member_escaping_the_archive_is_refused(tmp_path: Path) -> None:
    document = DOCX_HEAD + docx_paragraph("Le puits.", label="Fatima") + DOCX_TAIL
    path = docx(tmp_path / "E13_chemin.docx", document, **{"../../evil.txt": b"x"})
    refused(CorpusError, lambda: read_document(path), "E13_chemin.docx", "../../evil.txt")


def test_a_large_honest_docx_is_streamed_within_time_and_memory(tmp_path: Path) -> None:
    """About 30 MB of document.xml (fifteen times a real long interview's), read as a
    stream: each paragraph dropped once read."""
    path = docx(tmp_path / "E14_long.docx", DOCX_HEAD + varied_paragraphs(30 * MB) + DOCX_TAIL)
    result = bounded(READ, path=path)
    assert_bounded(result, None)
    text_length, turns = result["value"]
    assert text_length > 15 * MB and turns > 50_000


def test_a_large_honest_odt_is_streamed_within_time_and_memory(tmp_path: Path) -> None:
    body = varied_paragraphs(30 * MB).replace(b"w:", b"text:").replace(b"<text:r>", b"") \
        .replace(b"</text:r>", b"").replace(b"<text:rPr><text:b/></text:rPr>", b"") \
        .replace(b"<text:t xml:space=\"preserve\">", b"").replace(b"</text:t>", b"")
    path = odt(tmp_path / "CR2_long.odt", ODT_HEAD + body + ODT_TAIL)
    result = bounded(READ, path=path)
    assert_bounded(result, None)
    assert result["value"][1] > 50_000
