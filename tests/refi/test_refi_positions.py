"""Positions: endPosition inclusive or exclusive, CRLF, BOM, decomposed accents, and where
source texts come from (internal, relative://, no GUID, PlainTextContent)."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from tests.refi.builders import (
    codebook,
    guid,
    make_qdpx,
    nothing_left,
    one_source_project,
    project_xml,
    selection,
    text_source,
)
from workbench import Project
from workbench.errors import ExchangeError
from workbench.refi import import_qdpx
from workbench.refi.positions import EXCLUSIVE, INCLUSIVE, SourceText, decide, votes

TEXT = ("Enquêtrice : Qu'est-ce qui vous relie au village ?\n"
        "Fatima : Le puits du village, c'est mon père qui l'a financé.\n"
        "Enquêtrice : Et l'école ?\n"
        "Fatima : L'école aussi, avec l'association.\n")
QUOTES = ["Le puits du village", "mon père", "L'école aussi", "l'association"]


def spans(text: str, *, inclusive: bool, named: bool = True,
          form: str = "NFC") -> list[tuple[int, int, str | None]]:
    out = []
    for quote in (unicodedata.normalize(form, q) for q in QUOTES):
        start = text.index(quote)
        end = start + len(quote) - (1 if inclusive else 0)
        out.append((start, end, quote if named else None))
    return out


def imported(archive: Path, tmp_path: Path, name: str = "p", **options: object) -> tuple:
    project, report = Project.import_qdpx(archive, tmp_path / name, coder="claire", **options)
    quotes = sorted(project.extracts()["text"])
    return project, report, quotes


@pytest.mark.parametrize("inclusive", [False, True])
def test_end_position_reading_is_detected_from_the_quotes(tmp_path: Path,
                                                          inclusive: bool) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", TEXT.encode(),
                                 spans(TEXT, inclusive=inclusive))
    project, report, quotes = imported(archive, tmp_path)
    assert quotes == sorted(QUOTES)
    assert report.end_positions == (INCLUSIVE if inclusive else EXCLUSIVE)
    assert project.verify().ok
    project.close()


def test_without_quotes_end_positions_are_read_as_exclusive(tmp_path: Path) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", TEXT.encode(),
                                 spans(TEXT, inclusive=False, named=False))
    project, report, quotes = imported(archive, tmp_path)
    assert report.end_positions == EXCLUSIVE and quotes == sorted(QUOTES)
    project.close()


def test_crlf_source_positions_are_mapped_onto_the_normalised_text(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    archive = one_source_project(tmp_path / "a.qdpx", crlf.encode(),
                                 spans(crlf, inclusive=False))
    project, _report, quotes = imported(archive, tmp_path)
    assert quotes == sorted(QUOTES)
    assert "\r" not in project.text("Entretien") and project.text("Entretien") == TEXT
    turns = project.turns("Entretien")
    assert turns["speaker"].tolist() == ["Enquêtrice", "Fatima", "Enquêtrice", "Fatima"]
    project.close()


def test_crlf_selection_spanning_lines_keeps_its_line_break(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    start = crlf.index("mon père")
    end = crlf.index("Et l'école") + len("Et l'école")
    archive = one_source_project(tmp_path / "a.qdpx", crlf.encode(), [(start, end, None)])
    project, _report, quotes = imported(archive, tmp_path)
    assert quotes == ["mon père qui l'a financé.\nEnquêtrice : Et l'école"]
    project.close()


def test_utf8_bom_is_not_counted_in_positions(tmp_path: Path) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", b"\xef\xbb\xbf" + TEXT.encode(),
                                 spans(TEXT, inclusive=False))
    project, _report, quotes = imported(archive, tmp_path)
    assert quotes == sorted(QUOTES) and not project.text("Entretien").startswith("\ufeff")
    project.close()


def test_decomposed_accents_are_composed_and_positions_follow(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", TEXT)
    assert len(nfd) > len(TEXT)
    archive = one_source_project(tmp_path / "a.qdpx", nfd.encode(),
                                 spans(nfd, inclusive=False, form="NFD"))
    project, _report, quotes = imported(archive, tmp_path)
    assert quotes == sorted(QUOTES) and project.text("Entretien") == TEXT
    project.close()


def test_relative_path_is_read_under_base_path(tmp_path: Path) -> None:
    folder = tmp_path / "textes" / "AR"
    folder.mkdir(parents=True)
    (folder / "Entretien Fatima.txt").write_text(TEXT, encoding="utf-8")
    archive = one_source_project(tmp_path / "a.qdpx", b"", spans(TEXT, inclusive=False),
                                 source_path="relative:///AR/Entretien Fatima.txt", member=None,
                                 basePath=str(tmp_path / "textes"))
    with pytest.raises(ExchangeError, match="sources_folder"):  # never read without consent
        import_qdpx(archive, tmp_path / "p", coder="claire")
    assert nothing_left(tmp_path / "p")
    project, _report, quotes = imported(archive, tmp_path, sources_folder=tmp_path / "textes")
    assert quotes == sorted(QUOTES)
    assert project.documents()["source"].tolist() == [str(folder / "Entretien Fatima.txt")]
    project.close()


def test_relative_path_falls_back_to_the_allowed_folder(tmp_path: Path) -> None:
    (tmp_path / "E01.txt").write_text(TEXT, encoding="utf-8")
    archive = one_source_project(tmp_path / "a.qdpx", b"", spans(TEXT, inclusive=False),
                                 source_path="relative://E01.txt", member=None,
                                 basePath="C:/Users/someone/elsewhere")
    project, _report, quotes = imported(archive, tmp_path, sources_folder=tmp_path)
    assert quotes == sorted(QUOTES)
    project.close()


@pytest.mark.parametrize("path", ["relative://../secret.txt", "relative:///etc/passwd"])
def test_relative_path_may_not_leave_its_folder_or_read_non_text(tmp_path: Path,
                                                                 path: str) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", b"", [(0, 3, None)], source_path=path,
                                 member=None, basePath=str(tmp_path))
    with pytest.raises(ExchangeError, match="refusé"):
        import_qdpx(archive, tmp_path / "p", coder="claire")
    assert nothing_left(tmp_path / "p")


def test_sources_named_without_guid_and_without_name_attribute(tmp_path: Path) -> None:
    code = guid()
    qde = project_xml(codebook((code, "Thème")) + "<Sources>"
                      + text_source(selection(9, 28, code), path="entretien_fatima.txt")
                      + text_source(path="internal://notes terrain.txt") + "</Sources>",
                      declaration=False)
    archive = make_qdpx(tmp_path / "a.qdpx", qde, {
        "sources/entretien_fatima.txt": TEXT.split("\n", 1)[1].encode(),
        "sources/notes terrain.txt": b"Notes : visite du douar."})
    project, _report, quotes = imported(archive, tmp_path)
    assert sorted(project.documents()["name"]) == ["entretien_fatima", "notes terrain"]
    assert quotes == ["Le puits du village"]
    project.close()


def test_plain_text_content_inline(tmp_path: Path) -> None:
    code = guid()
    start = TEXT.index("mon père")
    qde = project_xml(codebook((code, "Thème")) + "<Sources>"
                      + text_source(selection(start, start + 8, code, name="mon père"),
                                    name="Entretien.docx", content=TEXT) + "</Sources>")
    archive = make_qdpx(tmp_path / "a.qdpx", qde)
    project, _report, quotes = imported(archive, tmp_path)
    assert project.documents()["name"].tolist() == ["Entretien"]  # file suffix dropped
    assert quotes == ["mon père"] and project.text("Entretien") == TEXT
    project.close()


def test_selection_outside_its_text_is_an_error_naming_it(tmp_path: Path) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", TEXT.encode(),
                                 [(10, 20, None), (len(TEXT) - 5, len(TEXT) + 40, None)])
    with pytest.raises(ExchangeError) as err:
        import_qdpx(archive, tmp_path / "p", coder="claire")
    assert "hors du texte" in str(err.value) and "Entretien" in str(err.value)
    assert nothing_left(tmp_path / "p")


def test_missing_internal_source_is_an_error(tmp_path: Path) -> None:
    archive = one_source_project(tmp_path / "a.qdpx", TEXT.encode(), [(0, 5, None)],
                                 member="sources/autre.txt")
    with pytest.raises(ExchangeError, match="introuvable"):
        import_qdpx(archive, tmp_path / "p", coder="claire")
    assert nothing_left(tmp_path / "p")


def test_other_source_types_and_unknown_codes_are_warned_about(tmp_path: Path) -> None:
    code = guid()
    qde = project_xml(
        codebook((code, "Thème")) + "<Sources>"
        + text_source(selection(0, 10, code), selection(12, 20, guid()), path="internal://s.txt")
        + f'<PDFSource guid="{guid()}" name="rapport" path="internal://r.pdf"/>'
        + f'<AudioSource guid="{guid()}" name="son" path="relative:///son.m4a"/>'
        + "</Sources>" + f'<Sets><Set guid="{guid()}" name="groupe"/></Sets>')
    archive = make_qdpx(tmp_path / "a.qdpx", qde, {"sources/s.txt": TEXT.encode()})
    project, report, quotes = imported(archive, tmp_path)
    warnings = "\n".join(report.warnings)
    assert "1 source(s) PDF non importée(s)" in warnings
    assert "1 source(s) audio non importée(s)" in warnings
    assert "1 codage(s) vers un code absent" in warnings
    assert "ensembles" in warnings
    assert len(quotes) == 1
    project.close()


def test_source_text_map_snaps_outward_inside_crlf_and_combining_marks() -> None:
    raw = "\ufeffA\r\ncafe\u0301 !"
    source = SourceText(raw)
    assert source.text == "A\ncafé !"
    assert source.span(0, 2) == (0, 1)  # BOM + A → A
    assert source.span(4, 9) == (2, 6)  # "cafe" + combining acute → "café"
    assert source.span(4, 8) == (2, 6)  # a cut inside "é" keeps the whole letter
    assert source.span(9, 11) == (6, 8)
    assert source.position(3) == 1 and source.position(3, end=True) == 2  # inside CRLF


def test_votes_from_line_references_and_edge_cases() -> None:
    raw = "ligne zéro\nligne un\nligne deux\n"
    one = raw.index("ligne un")
    assert votes(raw, [(one, one + 9, "line:1")]) == {EXCLUSIVE: 1, INCLUSIVE: 0}
    assert votes(raw, [(one, one + 7, "line 1")]) == {EXCLUSIVE: 0, INCLUSIVE: 1}
    assert votes(raw, [(one, one + 8, "line:1")]) == {EXCLUSIVE: 0, INCLUSIVE: 0}  # ambiguous
    assert votes(raw, [(3, 3, None), (0, len(raw), None)]) == {EXCLUSIVE: 1, INCLUSIVE: 1}
    assert decide({EXCLUSIVE: 1, INCLUSIVE: 1}) == EXCLUSIVE


def test_archive_inside_a_top_folder_is_found(tmp_path: Path) -> None:
    archive = tmp_path / "a.qdpx"
    code = guid()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Projet/project.qde", project_xml(
            codebook((code, "Thème")) + "<Sources>"
            + text_source(selection(0, 10, code), path="internal://s.txt") + "</Sources>"))
        zf.writestr("Projet/sources/s.txt", TEXT)
    project, _report, quotes = imported(archive, tmp_path)
    assert quotes == [TEXT[:10]]
    project.close()


def test_same_named_codes_are_renamed_with_a_warning(tmp_path: Path) -> None:
    first, second = guid(), guid()
    qde = project_xml(codebook((first, "École"), (second, unicodedata.normalize("NFD", "école")))
                      + "<Sources>" + text_source(selection(0, 10, second), path="internal://s.txt")
                      + "</Sources>")
    archive = make_qdpx(tmp_path / "a.qdpx", qde, {"sources/s.txt": TEXT.encode()})
    project, report, _quotes = imported(archive, tmp_path)
    assert sorted(project.codes()["name"]) == ["École", "école (2)"]
    assert any("renommé « école (2) »" in w for w in report.warnings)
    key = project.codes().set_index("name").loc["école (2)", "key"]
    assert project.extracts(key)["text"].tolist() == [TEXT[:10]]
    project.close()
