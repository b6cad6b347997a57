"""Fiches signalétiques and fiches de capitalisation: filled from the demo through the
default or a user-edited template, pseudonymised, and refused with nothing written when
the template is missing, broken, or names what a fiche does not offer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from tests.export.libreoffice import pdf_text, to_pdf
from workbench import Project
from workbench.errors import ExportError, TemplateError
from workbench.export.docx_common import document_text
from workbench.export.fiches import (
    export_fiches_capitalisation,
    export_fiches_signaletiques,
    fiche_template,
)
from workbench.privacy.matching import leaks
from workbench.privacy.table import protected_values, stored_table

EAU = "Eau potable du douar Tagadirt (Ait Ouafka)"
ATELIER = "Atelier de couture et d'alphabétisation des femmes de Tamzrit"
RUBRICS = ["Contexte et objectifs", "Réalisations et résultats", "Partenariats et financement",
           "Difficultés rencontrées", "Bonnes pratiques et leçons apprises",
           "Place des femmes et des jeunes", "Recommandations"]


@pytest.fixture(scope="module")
def signaletiques(demo: Project, tmp_path_factory: pytest.TempPathFactory):
    return export_fiches_signaletiques(demo, tmp_path_factory.mktemp("signaletiques"))


@pytest.fixture(scope="module")
def capitalisation(demo: Project, tmp_path_factory: pytest.TempPathFactory):
    return export_fiches_capitalisation(demo, tmp_path_factory.mktemp("capitalisation"))


def fiche(report, name: str) -> Document:
    slug = {EAU: "eau_potable", ATELIER: "atelier_de_couture"}.get(name, name)
    return Document(str(next(p for p in report.documents if slug in p.name)))


def paragraphs(document: Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def rubric(document: Document, title: str) -> list[tuple[str, str]]:
    """The paragraphs between heading `title` and the next Heading 2."""
    items = paragraphs(document)
    start = items.index(("Heading 2", title)) + 1
    end = next(i for i in range(start, len(items)) if items[i][0] == "Heading 2")
    return items[start:end]


def person_leaks(demo: Project, text: str) -> list[str]:
    """Real names of people (not organisations) left in a text."""
    with demo.store.read() as conn:
        table, places = stored_table(conn), protected_values(conn)
    organisations = [e.real for e in table if e.kind != "person"]
    return leaks(text, [e for e in table if e.kind == "person"],
                 protect=[*places, *organisations])


def test_one_fiche_signaletique_per_organisation_and_a_table(demo: Project,
                                                             signaletiques) -> None:
    cases = demo.cases()
    orgs = cases[cases["case_kind"] == "organisation"]
    assert len(signaletiques.documents) == len(orgs) == 13
    table = pd.read_excel(signaletiques.table, dtype=str)
    assert list(table["Organisation"]) == list(orgs["case"])
    row = table.set_index("Organisation").loc["Association Tafoukt Ait Ouafka"]
    assert row["Année de création"] == "1998" and row["Nombre de membres"] == "85"
    assert row["Femmes dans la gouvernance"] == "Oui"
    assert row["Jeunes dans la gouvernance"] == "Non"
    assert row["Fiche"] == "fiche_signaletique_association_tafoukt_ait_ouafka.docx"


def test_fiche_signaletique_content(demo: Project, signaletiques) -> None:
    document = fiche(signaletiques, "tafoukt")
    items = paragraphs(document)
    assert items[:2] == [("Title", "Fiche signalétique"),
                         ("Heading 1", "Association Tafoukt Ait Ouafka")]
    fields = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert fields["Implantation"] == "Île-de-France, France"
    assert fields["Année de création"] == "1998"
    assert fields["Domaines d'action"] == "eau\u202f; éducation\u202f; santé\u202f; infrastructures"
    assert fields["Partenaires dans le Souss-Massa"].startswith("commune d'Ait Ouafka\u202f;")
    assert (fields["Femmes dans la gouvernance"], fields["Jeunes dans la gouvernance"]) == (
        "Oui", "Non")
    table = demo.privacy.table()
    fatima = table.loc[table["real"] == "Fatima Aït Lahcen", "pseudonym"].item()
    assert ("List Bullet", f"{fatima} — trésorière") in items
    references = [t.split(" · ")[0] for s, t in items if s == "Référence d'extrait"]
    e01 = demo.extracts(status="accepted", where={"document": "E01_fatima_idf"})
    assert 1 <= len(references) <= 6 and set(references) <= set(e01["reference"])
    themes = [t.split(" — ")[-1].split(" > ")[0] for s, t in items if s == "Référence d'extrait"]
    assert len(themes) == len(set(themes))  # one extract per theme
    assert not any(t.startswith("Initiatives") for t in themes)
    assert items[-1] == ("Note de l'export",
                         "Documents\u00a0: E01 (entretien du 03/03/2026, Gennevilliers).")


def test_fiche_de_capitalisation_rubrics(demo: Project, capitalisation) -> None:
    assert len(capitalisation.documents) == 3
    document = fiche(capitalisation, EAU)
    headings = [t for s, t in paragraphs(document) if s == "Heading 2"]
    assert headings == ["Identification de l'initiative", *RUBRICS, "Sources"]
    fields = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert fields["Porteur"] == "Association Tafoukt Ait Ouafka"
    assert fields["Province"] == "Tiznit" and fields["Domaines d'action"] == "eau"
    assert "code" not in {k.casefold() for k in fields}
    assert rubric(document, "Difficultés rencontrées") == [
        ("Note de l'export", "Aucun extrait codé dans cette rubrique\u00a0: à compléter.")]
    context = rubric(document, "Contexte et objectifs")
    assert [t.split(" · ")[0] for s, t in context if s == "Référence d'extrait"] == [
        "E01-T14", "E01-T24"]
    assert context[1][1].startswith("«\u00a0au village il y a pas d'eau")
    coded = demo.extracts("initiatives.eau_tagadirt", status="accepted")
    shown = {t.split(" · ")[0] for s, t in paragraphs(document) if s == "Référence d'extrait"}
    assert shown == set(coded["reference"])


def test_extracts_without_a_theme_go_to_other_extracts(demo: Project, capitalisation) -> None:
    document = fiche(capitalisation, ATELIER)
    headings = [t for s, t in paragraphs(document) if s == "Heading 2"]
    assert headings[-2:] == ["Autres extraits", "Sources"]
    others = rubric(document, "Autres extraits")
    assert [t.split(" · ")[0] for s, t in others if s == "Référence d'extrait"] == ["E09-T34"]
    hard = rubric(document, "Difficultés rencontrées")
    assert [t.split(" · ")[0] for s, t in hard if s == "Référence d'extrait"] == [
        "FG01-T18", "FG01-T22"]
    assert "Confiance" in hard[0][1] and "Obstacles financiers" in hard[2][1]
    sources = paragraphs(document)[-1][1]
    assert "E09 (entretien du 12/03/2026, Taroudannt)" in sources
    assert "FG01 (focus group du 07/03/2026, Montpellier)" in sources
    table = pd.read_excel(capitalisation.table).set_index("Initiative")
    assert table.loc[ATELIER, "Extraits codés"] == 11
    assert table.loc[ATELIER, "Autres extraits"] == 1
    assert table.loc[EAU, "Difficultés rencontrées"] == 0


def test_people_pseudonymised_organisations_kept(demo: Project, signaletiques,
                                                 capitalisation) -> None:
    for path in [*signaletiques.documents, *capitalisation.documents]:
        text = document_text(Document(str(path)))
        assert person_leaks(demo, text) == [], path.name
    atelier = document_text(fiche(capitalisation, ATELIER))
    assert "Association Tamount Femmes Solidaires" in atelier
    table = demo.privacy.table()
    assert table.loc[table["real"] == "Khadija Ouberri", "pseudonym"].item() in atelier
    assert "Ouberri" in demo.text("FG01_femmes_montpellier")  # the check had a name to catch


def test_initiatives_are_not_people(demo: Project) -> None:
    cases = demo.cases()
    initiatives = set(cases.loc[cases["case_kind"] == "initiative", "case"])
    assert initiatives == {EAU, ATELIER,
                           "Maison d'attente et caravanes médicales de Tizi n'Ouchen"}
    assert not initiatives & set(demo.privacy.table()["real"])
    assert not initiatives & set(demo.analysis.respondents()["case"])
    assert not initiatives & set(demo.extracts(status="accepted")["case"].dropna())
    places = demo.analysis.organisations_by_place()
    assert places["organisations"].sum() == 13


def test_a_user_edited_template_is_used(demo: Project, tmp_path: Path) -> None:
    model = fiche_template("capitalisation", tmp_path / "modele.docx")
    document = Document(str(model))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    title.text = "Retour d'expérience — modèle du bureau d'Agadir"
    document.paragraphs[-1].text = "Sources : {{ sources }} ({{ n_documents }} doc.)"
    document.save(str(model))
    report = export_fiches_capitalisation(demo, tmp_path / "out", template=model,
                                          initiatives=[EAU], table=False)
    assert report.table is None and len(report.documents) == 1
    items = paragraphs(Document(str(report.documents[0])))
    assert items[0] == ("Title", "Retour d'expérience — modèle du bureau d'Agadir")
    assert items[-1][1] == ("Sources : Documents\u00a0: E01 (entretien du 03/03/2026, "
                            "Gennevilliers). (1 doc.)")
    assert not any(t == "Fiche de capitalisation" for _, t in items)


def _edited(kind: str, folder: Path, text: str) -> Path:
    model = fiche_template(kind, folder / f"{kind}.docx")
    document = Document(str(model))
    document.add_paragraph(text)
    document.save(str(model))
    return model


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: d / "absent.docx", "modèle introuvable"),
    (lambda d: (d / "texte.docx").write_text("pas un docx") and d / "texte.docx",
     "pas un document Word lisible"),
    (lambda d: _edited("signaletique", d, "{{ nom "), "balise jinja incorrecte"),
    (lambda d: _edited("signaletique", d, "{%p for x in extraits %}"), "balise jinja incorrecte"),
    (lambda d: _edited("signaletique", d, "Président : {{ president }}"), "president"),
    (lambda d: _edited("capitalisation", d, "{{ annee_creation }}"), "annee_creation"),
])
def test_bad_templates_are_refused_and_nothing_written(demo: Project, tmp_path: Path, setup,
                                                       message: str) -> None:
    models = tmp_path / "modeles"
    models.mkdir()
    template = setup(models)
    kind = "capitalisation" if "capitalisation" in template.name else "signaletique"
    export = export_fiches_capitalisation if kind == "capitalisation" else \
        export_fiches_signaletiques
    with pytest.raises(TemplateError, match=message) as error:
        export(demo, tmp_path / "out", template=template)
    assert template.name in str(error.value)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_template_without_tags_and_a_template_failing_midway(demo: Project,
                                                               tmp_path: Path) -> None:
    plain = tmp_path / "vide.docx"
    Document().save(str(plain))
    with pytest.raises(TemplateError, match="aucune balise"):
        export_fiches_signaletiques(demo, tmp_path / "out", template=plain)
    # The first initiative renders, the second fails: none is kept.
    model = _edited("capitalisation", tmp_path,
                    "{% if 'Maison' in nom %}{{ champs.inexistant }}{% endif %}")
    out = tmp_path / "out2"
    out.mkdir()
    (out / "notes.txt").write_text("à garder")
    with pytest.raises(TemplateError, match="Maison d'attente"):
        export_fiches_capitalisation(demo, out, template=model)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_control_characters_are_dropped_not_fatal(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "orgs.csv"
    sheet.write_text("cas;type;document;domaines;annee_creation\n"
                     "Association Tiwizi;organisation;E01_fatima;\"eau\x07; école\";2006\n",
                     encoding="utf-8")
    project.import_attributes(sheet)
    project.code_quote("E01_fatima", "Le village, c'est ma mère", "liens",
                       memo="mémo\x01 de\x1f contrôle")
    assert "\x01" not in project.extracts()["memo"].iloc[0]  # stripped when stored
    project.privacy.propose()
    report = export_fiches_signaletiques(project, tmp_path / "out")
    text = document_text(Document(str(report.documents[0])))
    assert "mémo de contrôle" in text and "2006" in text
    assert not any(ch in text for ch in "\x01\x07\x1f")


def test_fiches_render_to_pdf(signaletiques, capitalisation, tmp_path: Path) -> None:
    pages, text = pdf_text(to_pdf(next(p for p in signaletiques.documents
                                       if "tafoukt" in p.name), tmp_path))
    flat = " ".join(text.split())
    assert 1 <= pages <= 3
    assert "Fiche signalétique" in flat and "Association Tafoukt Ait Ouafka" in flat
    assert "Extraits clés" in flat
    pages, text = pdf_text(to_pdf(next(p for p in capitalisation.documents
                                       if "maison" in p.name), tmp_path))
    flat = " ".join(text.split())
    assert 2 <= pages <= 5
    for title in RUBRICS:
        assert title in flat
    assert "E03-T20" in flat and "page 2" in flat


def test_an_initiative_names_its_code(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "initiatives.csv"
    sheet.write_text("cas;type;document;porteur;code\n"
                     "Puits du douar;initiative;E01_fatima;Association Tiwizi;initiatives.puits\n",
                     encoding="utf-8")
    project.import_attributes(sheet)
    with pytest.raises(ExportError, match=r"initiatives\.puits.*absent de la grille"):
        export_fiches_capitalisation(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # Any code of the codebook will do: the study's codebook is data, not code.
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("initiatives.puits",
                                                               "actions.eau"), encoding="utf-8")
    project.import_attributes(sheet)
    project.code_quote("E01_fatima", "On envoie de l'argent pour le puits", "actions.eau")
    project.code_quote("E01_fatima", "On envoie de l'argent pour le puits et l'école du douar",
                       "femmes")
    project.privacy.propose()
    report = export_fiches_capitalisation(project, tmp_path / "out")
    document = Document(str(report.documents[0]))
    women = rubric(document, "Place des femmes et des jeunes")
    assert women[0][1].startswith("E01-T4 · ")
    assert women[1][1] == "«\u00a0On envoie de l'argent pour le puits\u00a0»"
    assert rubric(document, "Recommandations")[0][1].startswith("Aucun extrait")
