"""The last check before a pseudonymised output leaves (issue 14): real names known to the
project (pseudonym table, speaker labels, person cases, name-like words of file names) and
possible person names nobody reviewed stop every pseudonymised export, and what is
written holds no real name, on the demo and on the real material."""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from workbench import Project
from workbench.errors import WorkbenchError
from workbench.export.docx_common import document_text
from workbench.privacy.matching import is_name_label
from workbench.privacy.name_check import NameCheckError

CODEBOOK = """\
name: Grille de test
codes:
  - id: quartier
    name: Le quartier
    definition: Vie du quartier.
  - id: voisins
    name: Voisinage
    definition: Les voisins, les commerçants.
  - id: marche
    parent: voisins
    name: Chez Mireille Masson
    definition: Ce qu'on dit de Mireille Masson.
"""
PAUL = """\
  - id: paul
    name: Ce que dit l'enquêté
    definition: Tout ce qu'il dit.
"""

TRANSCRIPT = (
    "Enquêteur : Bonjour, vous pouvez vous présenter ?\n"
    "Paul : Je suis arrivé en 1983 dans le seizième. Mon voisin, monsieur Jakobson, tenait "
    "la boulangerie de la rue. Avec Mireille Masson on allait au marché le samedi.\n"
    "Enquêteur : Et aujourd'hui, le quartier ?\n"
    "Paul : Aujourd'hui je reste, le quartier a changé mais je reste ici.\n"
)
FILE_NAME = "Enquêté H8-Jakobson_H_83_16e-v2.txt"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def found_in(text: str, names: set[str]) -> set[str]:
    """The names of `names` present in `text` as whole words, written as a name is
    (capitalised, or in capitals), with or without its accents: "Marié" is not Marie."""
    return {n for n in names
            for form in {n, n.upper(), n.title(), _plain(n), _plain(n).upper()}
            if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)}


def output_text(path: Path) -> str:
    """Everything a person can read in an exported file, and its name."""
    parts = [path.name]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            parts.append(sheet.title)
            parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row
                      if v is not None]
    elif suffix == ".docx":
        parts.append(document_text(Document(str(path))))
    elif suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(n).decode("utf-8") for n in archive.namelist()]
            parts += archive.namelist()
    else:
        parts.append(path.read_text(encoding="utf-8-sig"))
    return "\n".join(parts)


@pytest.fixture
def small(tmp_path: Path) -> Project:
    """One interview whose file name carries the respondent's surname (Jakobson) and whose
    text names someone nobody put in the pseudonym table (Mireille Masson)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / FILE_NAME).write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    p = Project.create(tmp_path / "projet", coder="lead")
    p.load_codebook(tmp_path / "grille.yaml")
    p.import_corpus(corpus, progress=False)
    p.code_quote(FILE_NAME[:-4], "Mon voisin, monsieur Jakobson, tenait la boulangerie de la "
                 "rue. Avec Mireille Masson on allait au marché le samedi.", "voisins")
    p.code_quote(FILE_NAME[:-4], "le quartier a changé mais je reste ici.", "quartier")
    p.privacy.propose()
    yield p
    p.close()


def test_a_file_name_word_left_in_a_text_stops_every_pseudonymised_export(
        small: Project, tmp_path: Path) -> None:
    assert any("Jakobson" in n for n in small.leaks(small.extracts(pseudonymise=True)))
    exports = {
        "annexe.xlsx": lambda path: small.export.annex(path),
        "annexe.docx": lambda path: small.export.word_annex(path),
        "extraits.csv": lambda path: small.export.extracts(path),
        "projet.qdpx": lambda path: small.export.qdpx(path, pseudonymise=True),
    }
    for name, export in exports.items():
        with pytest.raises(NameCheckError) as error:
            export(tmp_path / name)
        message = str(error.value)
        assert "Jakobson" in message and "nom d'un fichier" in message, message
        assert "rien n'est écrit" in message
        assert not (tmp_path / name).exists(), name


def test_a_name_outside_the_table_is_listed_for_review_before_export(
        small: Project, tmp_path: Path) -> None:
    small.privacy.set_pseudonym("Jakobson", "Voisin 1")
    candidates = small.privacy.candidates()
    assert "Mireille Masson" in set(candidates["name"])
    row = candidates.set_index("name").loc["Mireille Masson"]
    assert row["documents"] == "D01" and "[Mireille Masson]" in row["example"]
    with pytest.raises(NameCheckError, match=r"Mireille Masson.*names_reviewed=True"):
        small.export.annex(tmp_path / "annexe.xlsx")
    assert not (tmp_path / "annexe.xlsx").exists()
    # Given a pseudonym, the name is replaced and the annex is written without it.
    small.privacy.set_pseudonym("Mireille Masson", "Voisine 2")
    assert "Mireille Masson" not in set(small.privacy.candidates()["name"])
    report = small.export.annex(tmp_path / "annexe.xlsx")
    text = output_text(report.path)
    assert not found_in(text, {"Mireille", "Masson", "Jakobson", "Paul"})
    assert "Voisine 2" in text and "Voisin 1" in text


def test_reviewing_a_word_as_not_a_name_or_exporting_anyway(small: Project,
                                                            tmp_path: Path) -> None:
    small.privacy.set_pseudonym("Jakobson", "Voisin 1")
    written = small.export.extracts(tmp_path / "anyway.csv", names_reviewed=True)
    assert "Mireille Masson" in output_text(written)  # the switch writes what was read
    assert small.privacy.review_names(["Mireille Masson"]) == 1
    assert small.privacy.review_names(["mireille masson"]) == 0  # case and accents aside
    reviews = small.privacy.reviews()
    assert list(reviews["name"]) == ["Mireille Masson"] and reviews["reviewer"][0] == "lead"
    assert small.privacy.candidates().empty
    assert small.export.extracts(tmp_path / "extraits.csv").exists()
    small.undo()
    assert small.privacy.reviews().empty


def test_a_code_named_after_a_respondent(small: Project, tmp_path: Path) -> None:
    small.privacy.set_pseudonym("Jakobson", "Voisin 1")
    small.privacy.set_pseudonym("Mireille Masson", "Voisine 2")
    key = small.codes().set_index("name").loc["Chez Mireille Masson", "key"]
    small.code_quote(FILE_NAME[:-4], "Avec Mireille Masson on allait au marché", key)
    report = small.export.annex(tmp_path / "annexe.xlsx")  # the name is replaced...
    text = output_text(report.path)
    assert "Chez Voisine 2" in text and not found_in(text, {"Mireille", "Masson"})
    word = small.export.word_annex(tmp_path / "annexe.docx")
    assert not found_in(output_text(word), {"Mireille", "Masson", "Jakobson"})
    (tmp_path / "grille2.yaml").write_text(CODEBOOK + PAUL, encoding="utf-8")
    small.load_codebook(tmp_path / "grille2.yaml")
    small.code_quote(FILE_NAME[:-4], "je reste ici", "paul")
    with pytest.raises(NameCheckError, match="« paul »"):  # ...but an id is not rewritten
        small.export.annex(tmp_path / "annexe2.xlsx")


def test_review_file_and_its_bad_forms(small: Project, tmp_path: Path) -> None:
    good = tmp_path / "noms.yaml"
    good.write_text("pseudonymes:\n  Jakobson: Voisin 1\npas_des_noms:\n  - Mireille Masson\n",
                    encoding="utf-8")
    assert small.privacy.load_review(good) == (1, 1)
    assert small.privacy.candidates().empty
    before = (small.privacy.table().to_dict("records"), small.privacy.reviews().to_dict("records"))
    bad = {
        "liste.yaml": "- Jakobson\n",
        "rubrique.yaml": "noms: [a]\n",
        "vide.yaml": "pseudonymes:\n  Paul: ''\n",
        "bombe.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c]\n"
                      "pas_des_noms: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    }
    for name, text in bad.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(Exception) as error:
            small.privacy.load_review(path)
        assert name in str(error.value), str(error.value)
    after = (small.privacy.table().to_dict("records"), small.privacy.reviews().to_dict("records"))
    assert after == before


# -- every pseudonymised output, scanned for every real name -----------------------------------

def real_names(p: Project, kinds: tuple[str, ...] = ("person", "organisation", "place")
               ) -> set[str]:
    """What identifies a person in a project: its pseudonym table (entries of `kinds`), its
    person cases, its speaker labels that are not roles, and the capitalised words of its
    file names."""
    table = p.privacy.table()
    names = set(table.loc[table["kind"].isin(kinds), "real"])
    cases = p.cases()
    names |= set(cases.loc[cases["case_kind"] == "person", "case"])
    for document in p.documents()["name"]:
        speakers = set(p.turns(document)["speaker"].dropna())
        names |= {s for s in speakers if is_name_label(s)}  # not INT, Modératrice…
        names |= {w for w in re.findall(r"[^\W\d_]+", document)
                  if len(w) >= 4 and w[0].isupper() and w not in ("ESLO", "ENT")}
    return {n for n in names if len(n) >= 3}


def export_all(p: Project, folder: Path, **switch: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [p.export.annex(folder / "annexe.xlsx", **switch).path,
               p.export.word_annex(folder / "annexe.docx", **switch),
               p.export.extracts(folder / "extraits.csv", **switch),
               p.export.extracts(folder / "extraits.xlsx", **switch),
               p.export.qdpx(folder / "projet.qdpx", pseudonymise=True, **switch).path]
    return written


def test_demo_outputs_hold_no_real_name(demo: Project, tmp_path: Path) -> None:
    names = real_names(demo)
    assert {"Fatima", "Youssef"} <= {w for n in names for w in n.split()}
    for path in export_all(demo, tmp_path):
        assert not found_in(output_text(path), names), path.name
    people = real_names(demo, kinds=("person",))  # a fiche names organisations: public
    for kind in ("signaletique", "capitalisation"):
        fiches = demo.export.fiches(tmp_path / kind, kind=kind)
        for path in [*fiches.documents, fiches.table]:
            assert not found_in(output_text(path), people), path.name


def test_real_material_outputs_hold_no_real_name(real_project_path: Path,
                                                 tmp_path: Path) -> None:
    copy = tmp_path / "projet"
    shutil.copytree(real_project_path, copy)
    with Project.open(copy, coder="lead") as p:
        names = real_names(p)
        assert {"Anita Musso", "Lecuyer", "Pujade"} <= names | {
            w for n in names for w in n.split()}
        candidates = p.privacy.candidates()
        assert len(candidates) >= 5  # people the speakers talk about (Juliette, Théo…)
        # A coded passage holding one of them stops the export until the list is read.
        docs = p.documents().set_index("reference")["name"]
        one = candidates[candidates["documents"].str.len() == 3].iloc[0]
        text = p.text(docs[one["documents"]])
        start = text.index(one["name"])
        p.code(docs[one["documents"]], start, start + len(one["name"]), p.codes()["key"].iloc[0])
        with pytest.raises(NameCheckError, match="n'ont pas encore été relus"):
            p.export.annex(tmp_path / "refus.xlsx")
        assert not (tmp_path / "refus.xlsx").exists()
        written = export_all(p, tmp_path / "exports", names_reviewed=True)
        for path in written:
            assert not found_in(output_text(path), names), path.name
        # the documents are named by their reference, never by their file name
        assert "Anita_MUSSO" not in output_text(written[-1])


def test_the_copil_view_opens_only_without_a_real_name(small: Project) -> None:
    from workbench.views import CopilView

    with pytest.raises(WorkbenchError, match="noms réels resteraient visibles") as error:
        CopilView.from_project(small)
    assert "Jakobson" not in str(error.value)  # the COPIL may read the message
    small.privacy.set_pseudonym("Jakobson", "Voisin 1")
    small.privacy.set_pseudonym("Mireille Masson", "Voisine 2")
    key = small.codes().set_index("name").loc["Chez Mireille Masson", "key"]
    small.code_quote(FILE_NAME[:-4], "Avec Mireille Masson on allait au marché", key)
    view = CopilView.from_project(small)
    assert "Chez Voisine 2" in set(view.codes["name"])
    shown = view.extracts.to_csv()
    assert not found_in(shown, {"Jakobson", "Mireille", "Masson", "Paul"})


def test_the_command_line_lists_reviews_and_checks(small: Project, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli import main

    location = str(small.location)
    small.close()
    out = tmp_path / "copil.csv"
    assert main(["extracts", "-p", location, "--out", str(out), "--pseudonymise"]) != 0
    assert not out.exists() and "Jakobson" in capsys.readouterr().err
    review = tmp_path / "noms.yaml"
    review.write_text("pseudonymes:\n  Jakobson: Voisin 1\n", encoding="utf-8")
    assert main(["names", "-p", location, "--load", str(review)]) == 0
    assert "Mireille Masson" in capsys.readouterr().out  # still to review
    assert main(["names", "-p", location, "--not-a-name", "Mireille Masson"]) == 0
    assert "Aucun nom de personne possible" in capsys.readouterr().out
    assert main(["extracts", "-p", location, "--out", str(out), "--pseudonymise"]) == 0
    assert "Voisin 1" in out.read_text(encoding="utf-8-sig")
