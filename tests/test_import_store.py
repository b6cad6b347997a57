"""Importing into the store: all or nothing, idempotent, re-anchoring on changed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import E01
from workbench import AttributesError, CodingError, CorpusError, Project


def test_corpus_import_gives_documents_turns_cases(project: Project) -> None:
    docs = project.documents().set_index("name")
    assert list(docs.index) == ["E01_fatima", "E02_youssef"]
    assert docs.loc["E01_fatima", "turns"] == 6
    assert docs.loc["E01_fatima", "encoding"] in {"utf-8", "utf_8", "ascii"}
    turns = project.turns("E01_fatima")
    assert turns["speaker"].tolist()[:2] == ["Enquêtrice", "Fatima"]
    assert turns.iloc[1]["text"] == "Je suis née à Tiznit, je vis à Gennevilliers depuis 1988."
    cases = project.cases().set_index("case")
    assert cases.loc["Youssef Bennani", "region_residence"] == "PACA"
    assert cases.loc["Fatima Aït Lahcen", "age"] == 58


def test_reimporting_the_same_file_changes_nothing(project: Project, corpus_dir: Path) -> None:
    project.code_quote("E01_fatima", "Le village", "liens")
    events = len(project.history(limit=None))
    result = project.import_file(corpus_dir / "E01_fatima.txt")
    assert result.status == "unchanged"
    assert len(project.history(limit=None)) == events
    assert len(project.documents()) == 2


def test_changed_text_reanchors_codings_by_quote(project: Project, corpus_dir: Path) -> None:
    c = project.code_quote("E01_fatima", "c'est l'odeur de la terre après la pluie", "liens")
    path = corpus_dir / "E01_fatima.txt"
    path.write_text("Note ajoutée en tête.\n" + E01.replace("depuis 1988", "depuis 1989"),
                    encoding="utf-8")
    result = project.import_file(path)
    assert (result.status, result.reanchored) == ("updated", 1)
    row = project.extracts().set_index("coding_id").loc[c]
    assert row["text"] == "c'est l'odeur de la terre après la pluie"
    assert project.text("E01_fatima", row["start"], row["end"]) == row["text"]
    assert project.verify().ok


def test_changed_text_that_loses_a_coding_is_refused_then_dropped_on_request(
        project: Project, corpus_dir: Path) -> None:
    kept = project.code_quote("E01_fatima", "Le village", "liens")
    lost = project.code_quote("E01_fatima", "ne sont pas au bureau", "femmes")
    path = corpus_dir / "E01_fatima.txt"
    path.write_text(E01.replace("ne sont pas au bureau", "dirigent le bureau"), encoding="utf-8")
    before = project.text("E01_fatima")
    with pytest.raises(CodingError) as err:
        project.import_file(path)
    assert f"codage #{lost} :" in str(err.value) and "ne sont pas au bureau" in str(err.value)
    assert project.text("E01_fatima") == before  # nothing written
    assert len(project.extracts()) == 2
    result = project.import_file(path, drop_unplaced=True)
    assert len(result.dropped) == 1
    assert project.extracts()["coding_id"].tolist() == [kept]
    assert project.history()["action"].eq("drop-unplaced").any()
    assert project.verify().ok


def test_one_bad_file_means_nothing_imported(tmp_path: Path, corpus_dir: Path) -> None:
    (corpus_dir / "E03_bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    p = Project.create(tmp_path / "p")
    with pytest.raises(CorpusError) as err:
        p.import_corpus(corpus_dir, progress=False)
    assert "E03_bad.txt" in str(err.value)
    assert p.documents().empty


def test_attributes_sheet_naming_unknown_document_writes_nothing(tmp_path: Path,
                                                                 corpus_dir: Path) -> None:
    sheet = corpus_dir / "attributes.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8")
                     + "Inconnu;personne;E99_absent;X;F;30;PACA\n", encoding="utf-8")
    p = Project.create(tmp_path / "p")
    with pytest.raises(AttributesError, match="E99_absent"):
        p.import_corpus(corpus_dir, attributes=sheet, progress=False)
    assert p.documents().empty and p.cases().empty


def test_empty_file_and_broken_docx_are_refused(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p")
    empty = tmp_path / "vide.txt"
    empty.write_bytes(b"")
    with pytest.raises(CorpusError, match=r"vide\.txt"):
        p.import_file(empty)
    fake = tmp_path / "faux.docx"
    fake.write_text("pas un zip", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"faux\.docx"):
        p.import_file(fake)
    assert p.documents().empty


def test_no_speaker_imports_as_one_block_with_a_warning(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p")
    path = tmp_path / "notes.txt"
    path.write_text("Visite du douar.\nRéunion avec le président de l'association.\n",
                    encoding="utf-8")
    result = p.import_file(path, kind="notes de terrain")
    assert any("un seul bloc" in w for w in result.warnings)
    turns = p.turns("notes")
    assert len(turns) == 1 and turns.iloc[0]["speaker"] is None
    assert p.documents().iloc[0]["kind"] == "notes"


def test_mixed_line_endings_are_normalised(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p")
    path = tmp_path / "mixte.txt"
    path.write_bytes("E : Bonjour\r\nR : Salut\rE : Ça va ?\nR : Oui\r\n".encode())
    p.import_file(path)
    text = p.text("mixte")
    assert "\r" not in text
    assert p.turns("mixte")["text"].tolist() == ["Bonjour", "Salut", "Ça va ?", "Oui"]


def test_unknown_kind_is_refused(tmp_path: Path, corpus_dir: Path) -> None:
    p = Project.create(tmp_path / "p")
    with pytest.raises(Exception, match="type de document « podcast » inconnu"):
        p.import_file(corpus_dir / "E01_fatima.txt", kind="podcast")


@pytest.mark.slow
def test_a_50_mb_transcript_imports_whole(tmp_path: Path) -> None:
    line_a = "Enquêtrice : Et le puits du village, qui l'a financé ? [pause] euh\r\n"
    line_b = "Fatima : C'est l'association, avec la commune et les jeunes de la diaspora.\n"
    block = (line_a + line_b) * 1000
    path = tmp_path / "long.txt"
    with path.open("w", encoding="utf-8", newline="") as f:
        while f.tell() < 50 * 1024 * 1024:
            f.write(block)
        f.write("Fatima : Fin de l'entretien, merci.\n")
    p = Project.create(tmp_path / "p")
    p.load_codebook(Path(__file__).parent / "data" / "mini_grille.yaml")
    result = p.import_file(path)
    docs = p.documents()
    assert docs.loc[0, "length"] > 49_000_000
    assert result.turns == docs.loc[0, "turns"] > 600_000
    text_end = p.text("long")[-40:]
    assert text_end.endswith("Fin de l'entretien, merci.\n") and "\r" not in text_end
    p.code_quote("long", "Fin de l'entretien, merci.", "liens")
    assert p.extracts().iloc[0]["speaker"] == "Fatima"
    assert p.verify().ok
