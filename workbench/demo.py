"""The demo pipeline behind `make demo`: build, code, check and export the demo project."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from workbench.export.tables import export_tables
from workbench.project import Project

CODEBOOK = Path("codebooks/diaspora_souss_massa.yaml")
CORPUS = Path("corpora/demo")
CODINGS = CORPUS / "codages_demo.yaml"
PROFILE = CORPUS / "profil.yaml"
NAMES = CORPUS / "noms_relus.yaml"


def build_demo(root: Path, project_dir: Path, *, progress: bool = True) -> Project:
    """A fresh demo project: codebook, corpus with attributes, and the demo codings."""
    if project_dir.exists():
        shutil.rmtree(project_dir)
    project = Project.create(project_dir, coder="demo")
    project.load_codebook(root / CODEBOOK)
    project.import_corpus(root / CORPUS, attributes=root / CORPUS / "attributes.xlsx",
                          progress=progress)
    project.load_profile(root / PROFILE)  # the demo's labels and roles, as a study keeps them
    rows = yaml.safe_load((root / CODINGS).read_text(encoding="utf-8"))
    project.code_many(rows, progress=progress)
    project.review.autocode(progress=progress)
    project.privacy.propose()
    project.privacy.load_review(root / NAMES)  # the names a researcher read before the exports
    return project


def write_demo_outputs(project: Project, folder: Path) -> list[Path]:
    """What a study team takes away from the demo: tables, the COPIL's pseudonymised
    extracts, the Excel and Word annexes, the fiches, a REFI-QDA archive, a word cloud."""
    exports = folder / "exports"
    written = export_tables(project, exports)
    written.append(project.export.extracts(exports / "extraits_pseudonymises_copil.csv"))
    written.append(project.export.annex(exports / "annexe_extraits.xlsx",
                                        matrix="genre", cooccurrence="overlap").path)
    written.append(project.export.word_annex(exports / "annexe_extraits.docx"))
    for kind in ("signaletique", "capitalisation"):
        fiches = project.export.fiches(exports / "fiches", kind=kind)
        written.extend(fiches.documents)
        if fiches.table is not None:
            written.append(fiches.table)
    written.append(project.export.qdpx(exports / "projet_demo.qdpx").path)
    written.append(project.words.wordcloud(folder / "figures" / "nuage_femmes.png",
                                           codes="femmes", title="Place des femmes — mots les plus "
                                           "fréquents"))
    return written


def run_demo(root: Path, out: Path) -> Project:
    """Build the demo project under `out/demo`, verify it, export tables, say where they are."""
    project_dir = out / "demo"
    project = build_demo(root, project_dir)
    report = project.verify()
    written = write_demo_outputs(project, project_dir)
    report_rules = project.review.rule_report()
    docs = project.documents()
    print(f"\nProjet de démonstration : {project_dir / 'project.sqlite'}")
    kinds = project.cases()["case_kind"].value_counts()
    print(f"  {len(docs)} documents, {int(docs['turns'].sum())} tours de parole, "
          f"{int(kinds.sum())} cas ({kinds.get('person', 0)} personnes, "
          f"{kinds.get('organisation', 0)} organisations, {kinds.get('initiative', 0)} "
          f"initiatives), {len(project.codes())} codes, {int(docs['codings'].sum())} codages")
    print(f"  Vérification : {report}")
    print(f"  Autocodage : {int(report_rules['suggestions'].sum())} propositions de "
          f"{len(report_rules)} règles, à valider (p.review.suggestions(), "
          "p.review.accept(), p.review.reject())")
    print("  Fichiers écrits :")
    for path in written:
        print(f"    {path}")
    print("\nPour continuer :")
    print("  make lab     # ouvrir les notebooks (notebooks/) dans JupyterLab")
    print("  make app     # les applications du COPIL (Voila) sur http://127.0.0.1:8866/")
    print(f"  .venv/bin/workbench extracts -p {project_dir} --codes femmes --where genre=F")
    return project
