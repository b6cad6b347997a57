"""The Word annex: headings in codebook order, reference lines, counts, the people met,
pseudonymisation, filters, refused options, control characters, and a PDF rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from tests.export.libreoffice import pdf_text, to_pdf
from workbench import Project
from workbench.errors import ExportError
from workbench.export.docx_common import NBSP, document_text
from workbench.export.word_annex import export_word_annex


@pytest.fixture(scope="module")
def annex(demo: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_word_annex(demo, tmp_path_factory.mktemp("word") / "annexe.docx")


def styled(path: Path, *names: str) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs whose style is one of `names`, in order."""
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs
            if p.style.name in names]


def pseudonym_of(demo: Project, real: str) -> str:
    table = demo.privacy.table()
    return table.loc[table["real"] == real, "pseudonym"].item()


def test_headings_follow_the_codebook_and_hold_every_extract(demo: Project, annex: Path) -> None:
    expected = demo.extracts(status="accepted")
    codes = demo.codes()
    used = set(expected["code"])
    themes = [(r.name, r.key) for r in codes.itertuples() if r.depth == 0
              and any(k == r.key or k.startswith(r.key + ".") for k in used)]
    headings = styled(annex, "Heading 1", "Heading 2")
    assert [t for s, t in headings if s == "Heading 1"] == [n for n, _ in themes] + [
        "Personnes rencontrées"]
    # Sub-themes sit under their theme, in codebook order, only when they have extracts.
    liens = [t for s, t in headings[headings.index(("Heading 1", themes[0][0])) + 1:]
             if s == "Heading 2"][:3]
    assert liens == ["Liens affectifs", "Liens matériels", "Liens symboliques"]
    references = [t.split(" · ")[0] for s, t in styled(annex, "Référence d'extrait")]
    assert sorted(references) == sorted(expected["reference"])
    texts = [t for _, t in styled(annex, "Extrait")]
    assert len(texts) == len(expected)
    assert all(t.startswith("«" + NBSP) and t.endswith(NBSP + "»") for t in texts)
    intro = Document(str(annex)).paragraphs[1].text
    assert f"{len(expected)} extraits validés" in intro
    assert f"{expected['document'].nunique()} documents" in intro


def test_reference_lines_memos_and_definitions(demo: Project, annex: Path) -> None:
    paragraphs = [(p.style.name, p.text) for p in Document(str(annex)).paragraphs]
    who = pseudonym_of(demo, "Fatima Aït Lahcen")
    line = ("Référence d'extrait",
            f"E01-T12 · {who} · femme, première génération, Île-de-France")
    # E01-T12 holds two codings (liens.materiels, investissement.transferts); the second
    # carries a memo.
    positions = [i for i, p in enumerate(paragraphs) if p == line]
    assert len(positions) == 2
    style, text = paragraphs[positions[1] + 1]
    assert style == "Extrait" and "Western Union" in text
    assert paragraphs[positions[1] + 2] == (
        "Mémo d'extrait",
        "Mémo\u00a0: Évolution des canaux de transfert sur trois décennies\u202f; le fils "
        "prend le relais pour l'outil numérique.")
    definition = paragraphs[next(i for i, p in enumerate(paragraphs)
                             if p == ("Heading 2", "Liens affectifs")) + 1]
    assert definition[0] == "Définition de code"
    assert definition[1].startswith("Attachement émotionnel au lieu d'origine")
    n = len(demo.extracts("liens.affectifs", status="accepted"))
    assert definition[1].endswith(f"— {n} extraits")


def test_people_met_table_in_a_landscape_section(demo: Project, annex: Path) -> None:
    document = Document(str(annex))
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    table = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    # The study's own attributes describing people, with their labels; never the
    # organisation, the interviewer, nor free text (the role) in a pseudonymised annex;
    # the age class is left out as the age itself is shown.
    profile = demo.profile()
    shown = ["genre", "age", "generation", "region_residence", "pays_residence",
             "province_origine", "commune_origine", "type_organisation", "langue_entretien"]
    assert rows[0] == ["Pseudonyme", *(profile.label(k) for k in shown), "Lieu", "Date",
                       "Document"]
    assert rows[0][1:4] == ["Genre", "Âge", "Génération"]
    cases = demo.cases()
    people = cases[cases["case_kind"] == "person"]
    assert len(rows) - 1 == len(people)
    by_name = {r[0]: r for r in rows[1:]}
    fatima = by_name[pseudonym_of(demo, "Fatima Aït Lahcen")]
    assert fatima[1:] == ["femme", "58", "première génération", "Île-de-France", "France",
                          "Tiznit", "Ait Ouafka", "OSIM", "français", "Gennevilliers",
                          "03/03/2026", "E01"]
    elu = by_name[pseudonym_of(demo, "Lahcen Amzil")]
    assert elu[3] == "—" and elu[-1] == "E08"
    # A commune shared with a surname (Aït Baha) stays a commune.
    assert "Aït Baha" in {r[7] for r in rows[1:]}
    summary = [p.text for p in document.paragraphs if p.text.startswith("22 personnes")]
    assert summary == ["22 personnes (13 femmes, 9 hommes), rencontrées au cours de "
                       "11 entretiens individuels et 2 focus groups."]


def test_people_met_with_real_names_shows_what_identifies(demo: Project,
                                                          tmp_path: Path) -> None:
    path = export_word_annex(demo, tmp_path / "interne.docx", pseudonymise=False,
                             people="real", codes="femmes")
    rows = [[c.text for c in row.cells] for row in Document(str(path)).tables[-1].rows]
    header = rows[0]
    assert header[0] == "Nom"
    assert {"Organisation", "Rôle", "Enquêteur·rice"} <= set(header)
    fatima = dict(zip(header, next(r for r in rows if r[0] == "Fatima Aït Lahcen"),
                      strict=True))
    assert fatima["Organisation"] == "Association Tafoukt Ait Ouafka"
    assert fatima["Rôle"] == "trésorière"


def test_no_real_name_anywhere_when_pseudonymised(demo: Project, annex: Path,
                                                  tmp_path: Path) -> None:
    assert demo.leaks(document_text(Document(str(annex)))) == []
    # The check can fail: the same export with real names shows them.
    real = export_word_annex(demo, tmp_path / "interne.docx", pseudonymise=False,
                             people="real")
    text = document_text(Document(str(real)))
    assert "Fatima Aït Lahcen" in text and demo.leaks(text)
    assert "Attention : noms réels" in text.replace("\u00a0", " ")


def test_a_real_name_left_anywhere_refuses_the_export(demo: Project, tmp_path: Path) -> None:
    path = tmp_path / "annexe.docx"
    path.write_bytes(b"previous annex")
    with pytest.raises(ExportError, match="rien n'est écrit"):
        export_word_annex(demo, path, title="Annexe pour Fatima Aït Lahcen")
    assert path.read_bytes() == b"previous annex"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annexe.docx"]


def test_filters_choose_the_extracts_and_are_stated(demo: Project, tmp_path: Path) -> None:
    where = {"genre": "F", "generation": "née ou né en France"}
    path = export_word_annex(demo, tmp_path / "femmes.docx", codes="femmes", where=where,
                             people=None)
    expected = demo.extracts("femmes", where=where, status="accepted")
    assert 0 < len(expected) < len(demo.extracts("femmes", status="accepted"))
    assert [t for s, t in styled(path, "Heading 1")] == ["Place des femmes"]
    assert len(styled(path, "Extrait")) == len(expected)
    notes = " ".join(t for _, t in styled(path, "Note de l'export")).replace("\u00a0", " ")
    assert "Sélection : codes femmes ; genre = F ; génération = née ou né en France." in (
        notes.replace("\u202f", " "))
    assert len(Document(str(path)).sections) == 1  # no people annex


def test_refused_options_write_nothing(demo: Project, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="pseudonymise=False"):
        export_word_annex(demo, tmp_path / "a.docx", people="real")
    with pytest.raises(ExportError, match="Aucun extrait"):
        export_word_annex(demo, tmp_path / "b.docx", where={"genre": "X"})
    with pytest.raises(ExportError, match=r"\.docx"):
        export_word_annex(demo, tmp_path / "c.pdf")
    with pytest.raises(ExportError, match="people="):
        export_word_annex(demo, tmp_path / "d.docx", people="tous")
    assert list(tmp_path.iterdir()) == []


def test_control_characters_are_dropped_not_fatal(project: Project, tmp_path: Path) -> None:
    project.code_quote("E01_fatima", "Le village, c'est ma mère", "liens",
                       memo="mémo\x01 avec\x0b des\x1f caractères\x00 de contrôle")
    assert "\x01" not in project.extracts()["memo"].iloc[0]  # stripped when stored
    path = export_word_annex(project, tmp_path / "annexe.docx", pseudonymise=False,
                             people="real", title="Annexe\x07 de test")
    text = document_text(Document(str(path)))
    assert "mémo avec des caractères de contrôle" in text
    assert "Annexe de test" in text
    assert not any(ch in text for ch in "\x00\x01\x07\x0b\x1f")


def test_renders_to_pdf(annex: Path, tmp_path: Path) -> None:
    pages, text = pdf_text(to_pdf(annex, tmp_path))
    assert pages >= 10
    flat = " ".join(text.split())
    assert "Annexe — Extraits d'entretiens codés" in flat
    assert "Personnes rencontrées" in flat
    assert "E01-T10" in flat and "Annexe — page" in flat
