"""A small study whose attributes are named in its own words (sexe, age, ville, diplome,
profession, structure, fonction…; no generation, no region of origin), for checking
that the exports follow the study profile, not the demo's attribute names."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from workbench import Project

INTERVIEWS = {
    "ENT01_martine": ("Hélène Garnier", """\
Enquêtrice : Bonjour Martine, vous habitez Lyon depuis longtemps ?
Martine : Depuis vingt ans. Je suis arrivée de Clermont pour enseigner.
Enquêtrice : Qu'est-ce qui compte pour vous dans le quartier ?
Martine : Les voisins, l'école, la boulangerie du coin qui connaît tout le monde.
Enquêtrice : Et les difficultés ?
Martine : Le logement coûte trop cher, mes enfants ne peuvent pas rester ici.
"""),
    "ENT02_karim": ("Hélène Garnier", """\
Enquêtrice : Karim, pouvez-vous vous présenter ?
Karim : J'ai trente-deux ans, je suis infirmier à Grenoble et j'entraîne les petits au club.
Enquêtrice : Que pensez-vous de la vie associative ?
Karim : Le club de foot, c'est ma deuxième famille, Martine Dufour y venait aussi.
Enquêtrice : Des difficultés ?
Karim : Les horaires de nuit, on ne voit personne.
"""),
    "ENT03_odile": ("Bruno Lefort", """\
Enquêteur : Odile, parlez-moi de votre parcours.
Odile : Retraitée depuis cinq ans, j'étais comptable à Lyon.
Enquêteur : Le quartier a changé ?
Odile : Oui, les commerces ferment, le logement devient impossible pour les jeunes.
Enquêteur : Qu'est-ce qui vous relie aux autres ?
Odile : La chorale du mercredi et le marché, avec Samir parfois.
"""),
    "ENT04_samir": ("Bruno Lefort", """\
Enquêteur : Samir, vous êtes étudiant ?
Samir : Oui, en master à Grenoble, je vis en colocation.
Enquêteur : Qu'est-ce qui vous relie à la ville ?
Samir : Les amis de la fac et l'association de quartier où Odile m'a emmené.
Enquêteur : Et le logement ?
Samir : Trop cher, je partage une chambre.
"""),
}
HEADER = ["cas", "type", "document", "locuteur", "sexe", "age", "ville", "diplome",
          "profession", "structure", "fonction", "referent", "type_structure", "secteurs",
          "annee_creation"]
CASES = [
    ["Martine Dufour", "personne", "ENT01_martine", "Martine", "femme", 52, "Lyon", "master",
     "enseignante", None, None, None, None, None, None],
    ["Karim Benali", "personne", "ENT02_karim", "Karim", "homme", 32, "Grenoble", "licence",
     "infirmier", "Club sportif des Eaux-Claires", "entraîneur", "Martine Dufour", None,
     None, None],
    ["Odile Marchand", "personne", "ENT03_odile", "Odile", "femme", 68, "Lyon", "bac",
     "retraitée", None, None, None, None, None, None],
    ["Samir Haddad", "personne", "ENT04_samir", "Samir", "homme", 23, "Grenoble", "licence",
     "étudiant", None, None, "Odile Marchand", None, None, None],
    ["Club sportif des Eaux-Claires", "organisation", "ENT02_karim", None, None, None,
     "Grenoble", None, None, None, None, None, "association", "sport; jeunesse", 1987],
]
CODEBOOK = """\
codebook:
  name: Grille quartiers
codes:
  - id: liens
    name: Liens sociaux
    definition: Ce qui relie la personne aux autres.
  - id: logement
    name: Logement
    definition: Coût et accès au logement.
  - id: travail
    name: Travail
"""
CODINGS = [
    ("ENT01_martine", "Les voisins, l'école, la boulangerie du coin", "liens"),
    ("ENT01_martine", "Le logement coûte trop cher", "logement"),
    ("ENT02_karim", "Le club de foot, c'est ma deuxième famille, Martine Dufour y venait aussi",
     "liens"),
    ("ENT02_karim", "Les horaires de nuit, on ne voit personne", "travail"),
    ("ENT03_odile", "le logement devient impossible pour les jeunes", "logement"),
    ("ENT03_odile", "La chorale du mercredi et le marché, avec Samir parfois", "liens"),
    ("ENT04_samir", "Les amis de la fac et l'association de quartier où Odile m'a emmené",
     "liens"),
    ("ENT04_samir", "Trop cher, je partage une chambre", "logement"),
]
# Names that must never appear in a pseudonymised export: the cases, the speaker labels,
# and the interviewers of the documents sheet.
REAL_NAMES = ["Martine Dufour", "Karim Benali", "Odile Marchand", "Samir Haddad", "Martine",
              "Karim", "Odile", "Samir", "Dufour", "Benali", "Marchand", "Haddad",
              "Hélène Garnier", "Bruno Lefort", "Garnier", "Lefort"]
INTERVIEWERS = ["Hélène Garnier", "Bruno Lefort"]


def build_other_study(root: Path) -> Project:
    """The project in `root/projet`: 4 interviews, 4 people and 1 organisation, every
    extract accepted, pseudonyms proposed; the diploma's label corrected by hand."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for name, (_, text) in INTERVIEWS.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "cas"
    sheet.append(HEADER)
    for row in CASES:
        sheet.append(row)
    documents = book.create_sheet("documents")
    documents.append(["document", "type", "date_entretien", "lieu_entretien", "enqueteur"])
    for i, (name, (who, _)) in enumerate(INTERVIEWS.items(), start=1):
        documents.append([name, "entretien", f"2025-0{i}-1{i}",
                          "Grenoble" if i % 2 else "Lyon", who])
    book.save(root / "attributs.xlsx")
    (root / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(root / "projet", coder="lea")
    project.load_codebook(root / "grille.yaml")
    project.import_corpus(corpus, attributes=root / "attributs.xlsx", progress=False)
    project.code_many([{"document": d, "quote": q, "code": c} for d, q, c in CODINGS])
    project.privacy.propose()
    project.set_attribute("diplome", label="Diplôme")
    return project
