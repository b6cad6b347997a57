"""The `workbench` command line: init, import, codebook, code, extracts, export, backup…

`-p` takes a project folder or a database URL (postgresql://…) everywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench.analysis.labels import STATUS_LABELS
from workbench.errors import WorkbenchError
from workbench.serve import add_arguments


def _project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--project", default=os.environ.get("WORKBENCH_PROJECT"),
        help="project folder or database URL (default: $WORKBENCH_PROJECT)")
    parser.add_argument("--coder", help="your name as a coder (default: $WORKBENCH_CODER or login)")


def _selection_args(parser: argparse.ArgumentParser) -> None:
    """--codes and --where, as `extracts` and `annex` take them."""
    parser.add_argument("--codes", help="code or expression, e.g. \"femmes & actions.eau\" "
                                        "(default: all codes)")
    parser.add_argument("--where", action="append", default=[], metavar="KEY=VALUE[,VALUE]",
                        help="attribute filter, repeatable (genre=F, "
                             "region_residence=PACA,Occitanie)")


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from workbench import Project

    if not args.project:
        raise WorkbenchError("indiquez le projet : -p CHEMIN (ou définissez WORKBENCH_PROJECT).")
    project = Project.open(args.project, coder=args.coder)
    args.opened.append(project)  # closed by main()
    return project


def cmd_init(args: argparse.Namespace) -> None:
    from workbench import Project

    target = args.db or args.path
    if not target:
        raise WorkbenchError("donnez un dossier de projet (workbench init CHEMIN) ou --db URL.")
    Project.create(target, coder=args.coder).close()
    print(f"Projet prêt : {target}")


def cmd_import(args: argparse.Namespace) -> None:
    project = _open(args)
    options = {"pattern": args.pattern} if args.pattern else {}
    paths = [Path(item) for item in args.paths]
    if len(paths) == 1 and paths[0].is_file() and not args.attributes:
        results = [project.import_file(paths[0], kind=args.kind,
                                       drop_unplaced=args.drop_unplaced, **options)]
    else:  # every file read first, then one transaction: all imported or nothing
        results = project.import_corpus(paths, attributes=args.attributes, kind=args.kind,
                                        drop_unplaced=args.drop_unplaced, **options)
    for r in results:
        extra = f", {r.reanchored} codage(s) replacé(s)" if r.status == "updated" else ""
        dropped = f", {len(r.dropped)} supprimé(s)" if r.dropped else ""
        summary = f" ({r.summary})" if r.summary and r.status != "unchanged" else ""
        status = _IMPORT_STATUS.get(r.status, r.status)
        print(f"{r.document} : {status}, {r.turns} tour(s) de parole{summary}{extra}{dropped}")
        for warning in r.warnings:
            print(f"  attention : {warning}", file=sys.stderr)


_IMPORT_STATUS = {"new": "nouveau", "updated": "mis à jour", "unchanged": "inchangé"}
_CODEBOOK_CHANGES = {"added": "ajoutés", "renamed": "renommés", "moved": "déplacés",
                     "edited": "modifiés", "merged": "fusionnés", "removed": "retirés"}


def cmd_codebook(args: argparse.Namespace) -> None:
    project = _open(args)
    if args.action == "load":
        changes = project.load_codebook(args.file)
        for kind, items in changes.items():
            if items:
                print(f"{_CODEBOOK_CHANGES.get(kind, kind)} : {len(items)}  "
                      + ", ".join(items[:8])
                      + (" …" if len(items) > 8 else ""))
        print(f"{len(project.codes())} code(s) dans le projet.")
    elif args.action == "export":
        print(f"Écrit : {project.export_codebook(args.file)}")
    else:
        for row in project.codes().itertuples():
            print(f"{'  ' * row.depth}{row.key}  {row.name}")


def cmd_profile(args: argparse.Namespace) -> None:
    """Show, change, load, export the study profile, or list its versions."""
    project = _open(args)
    if args.action == "load":
        if not args.values:
            raise WorkbenchError("donnez le fichier du profil : workbench profile load "
                                 "profil.yaml")
        project.load_profile(args.values[0])
    elif args.action == "export":
        if not args.values:
            raise WorkbenchError("donnez le fichier à écrire : workbench profile export "
                                 "profil.yaml (ou .xlsx)")
        print(f"Écrit : {project.export_profile(args.values[0])}")
        return
    elif args.action == "versions":
        print(project.profile_versions().to_string(index=False))
        return
    elif args.action == "role":
        if len(args.values) not in (1, 2):
            raise WorkbenchError("écrivez : workbench profile role ROLE ATTRIBUT (ou ROLE seul "
                                 "pour qu'aucun attribut ne le tienne)")
        project.set_role(args.values[0], args.values[1] if len(args.values) == 2 else None)
    elif args.action == "set":
        if not args.values:
            raise WorkbenchError("écrivez : workbench profile set ATTRIBUT --label … --type …")
        changes = {k: v for k, v in (("label", args.label), ("type", args.type))
                   if v is not None}
        if args.values_map:
            changes["values"] = dict(item.split("=", 1) for item in args.values_map.split(";")
                                     if "=" in item)
        if args.bins:
            changes["bins"] = [b for b in args.bins.split(",") if b.strip()]
        project.set_attribute(args.values[0], **changes)
    print(project.profile().frame().to_string(index=False))


def cmd_speakers(args: argparse.Namespace) -> None:
    """List the speakers of each document with their role, or declare one's role."""
    project = _open(args)
    if args.set:
        document, speaker, role = args.set
        project.set_speaker_role(document, speaker, role)
    frame = project.speakers()
    if args.document:
        frame = frame[frame["document"] == args.document]
    print(frame.fillna("").to_string(index=False))


def cmd_code(args: argparse.Namespace) -> None:
    project = _open(args)
    if args.quote:
        coding = project.code_quote(args.document, args.quote, args.code, memo=args.memo)
    elif args.start is not None and args.end is not None:
        coding = project.code(args.document, args.start, args.end, args.code, memo=args.memo)
    else:
        raise WorkbenchError("donnez --quote TEXTE, ou les positions --start et --end.")
    print(f"Codage {coding} enregistré.")


def _where(items: Sequence[str]) -> dict[str, object]:
    where: dict[str, object] = {}
    for item in items:
        if "=" not in item:
            raise WorkbenchError(f"--where s'écrit clé=valeur (reçu « {item} »).")
        key, value = item.split("=", 1)
        values = value.split(",")
        where[key.strip()] = values if len(values) > 1 else value
    return where


def cmd_extracts(args: argparse.Namespace) -> None:
    from workbench.export.tables import write_table

    project = _open(args)
    statuses = _statuses(args.status)
    frame = project.extracts(args.codes, where=_where(args.where), scope=args.scope,
                             status=statuses, coder=args.by)
    shown = "tous les statuts" if statuses == "all" else ", ".join(
        STATUS_LABELS.get(x, x) for x in ([statuses] if isinstance(statuses, str) else statuses))
    print(f"Codages : {shown}.", file=sys.stderr)
    if args.out and args.pseudonymise:
        path = project.export_extracts(args.out, args.codes, where=_where(args.where),
                                       status=statuses, names_reviewed=args.names_reviewed)
        print(f"{len(frame)} extrait(s) écrit(s) dans {path} (pseudonymisés)")
    elif args.out:
        print(f"{len(frame)} extrait(s) écrit(s) dans {write_table(frame, args.out)}")
    else:
        cols = ["reference", "case", "speaker", "code", "text"]
        if statuses == "all" or (not isinstance(statuses, str) and len(statuses) > 1):
            cols.insert(4, "status")
        with_text = frame[cols].assign(text=frame["text"].str.slice(0, 90))
        print(with_text.to_string(index=False) if len(frame) else "Aucun extrait.")


def _names_reviewed_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--names-reviewed", action="store_true",
                   help="the list of possible names (workbench names) has been read: write "
                        "even if some of them are in the output")


def cmd_names(args: argparse.Namespace) -> None:
    project = _open(args)
    if args.load:
        added, reviewed = project.load_name_review(args.load)
        print(f"{added} pseudonyme(s) ajouté(s) ou changé(s), {reviewed} mot(s) déclaré(s) "
              "relu(s).")
    if args.not_a_name:
        print(f"{project.review_names(args.not_a_name)} mot(s) déclaré(s) relu(s).")
    candidates = project.name_candidates()
    if candidates.empty:
        print("Aucun nom de personne possible à relire.")
        return
    print(f"{len(candidates)} nom(s) de personne possible(s) à relire (usage interne : "
          "ils contiennent des noms réels) :")
    shown = candidates[["name", "source", "count", "documents", "example"]]
    print(shown.to_string(index=False))


def cmd_snapshot(args: argparse.Namespace) -> None:
    project = _open(args)
    info = project.snapshot(args.out, args.name, names_reviewed=args.names_reviewed)
    print(f"{info.label()} : {info.documents} documents, {info.codings} codages validés, "
          f"codeurs {', '.join(info.coders) or '—'} ; dans {args.out} (lecture seule).")
    print(f"Pour le montrer au COPIL : workbench app --project {args.out}")


def _statuses(given: Sequence[str] | None) -> str | list[str]:
    """--status values: accepted by default; "all" (or tous) for every status."""
    if not given:
        return "accepted"
    if any(g in ("all", "tous") for g in given):
        return "all"
    return list(given)


def cmd_export(args: argparse.Namespace) -> None:
    from workbench.export.tables import export_tables

    project = _open(args)
    for path in export_tables(project, Path(args.out)):
        print(f"Écrit : {path}")


def cmd_annex(args: argparse.Namespace) -> None:
    project = _open(args)
    out = Path(args.out)
    options = {"codes": args.codes, "where": _where(args.where) or None,
               "status": args.status or "accepted", "pseudonymise": not args.real_names,
               "names_reviewed": args.names_reviewed}
    if out.suffix.lower() == ".docx":
        print(f"Écrit : {project.export_word_annex(out, **options)}")
        return
    report = project.export_annex(out, layout=args.layout, **options)
    print(f"Écrit : {report.path} ({report.extracts} extrait(s) ; feuilles : "
          f"{', '.join(report.sheets)})")


def cmd_qdpx(args: argparse.Namespace) -> None:
    from workbench import Project

    if args.action == "export":
        if args.sources_folder:
            raise WorkbenchError("--sources-folder ne sert qu'à l'import : retirez-le pour "
                                 "exporter.")
        report = _open(args).export_qdpx(args.file)
    else:
        if not args.project:
            raise WorkbenchError("indiquez où créer le projet : -p CHEMIN ou URL.")
        project, report = Project.import_qdpx(args.file, args.project, coder=args.coder,
                                              sources_folder=args.sources_folder)
        args.opened.append(project)
    print(report)


def cmd_merge(args: argparse.Namespace) -> None:
    report = _open(args).merge(args.copy, coder=args.only)
    print(report)
    if not report.conflicts.empty:
        print(report.conflicts.to_string(index=False))


def cmd_copy_for(args: argparse.Namespace) -> None:
    path = _open(args).copy_for(args.name, args.destination)
    print(f"Copie de travail : {path} (ouvrez-la avec --coder {args.name})")


def cmd_agreement(args: argparse.Namespace) -> None:
    project = _open(args)
    frame = project.agreement(coders=args.between, codes=args.codes, level=args.level)
    print(f"Unité : {frame.attrs.get('unit', args.level)}")
    print(frame.to_string(index=False))
    if args.disagreements:
        from workbench.export.tables import write_table

        spans = project.disagreements(coders=args.between, codes=args.codes, level=args.level)
        print(f"{len(spans)} désaccord(s) écrit(s) dans "
              f"{write_table(spans, args.disagreements)}")


def cmd_verify(args: argparse.Namespace) -> None:
    report = _open(args).verify()
    print(report)
    if not report.ok:
        raise SystemExit(1)


def cmd_history(args: argparse.Namespace) -> None:
    frame = _open(args).history(limit=args.limit)
    print(frame[["at", "actor", "action", "entity", "entity_id", "txn"]].to_string(index=False))


def cmd_undo(args: argparse.Namespace) -> None:
    project = _open(args)
    n = project.revert(args.txn) if args.txn else project.undo()
    print(f"Annulé : {n} modification(s).")


def cmd_language(args: argparse.Namespace) -> None:
    """Show the documents' languages, or correct one document's."""
    from workbench.nlp.languages import language_name

    project = _open(args)
    if args.code is not None:
        if args.document is None:
            raise WorkbenchError("écrivez : workbench language -p PROJET DOCUMENT CODE")
        project.set_language(args.document, args.code)
    frame = project.documents()
    if args.document is not None:
        frame = frame[(frame["name"] == args.document) | (frame["id"].astype(str)
                                                           == args.document)]
        if frame.empty:
            project.text(args.document, 0, 0)  # raises the usual "no document" error
    for name, code in zip(frame["name"], frame["language"], strict=True):
        print(f"{name} : {code or '—'} ({language_name(code)})")


def cmd_backup(args: argparse.Namespace) -> None:
    from workbench.store.backup import backup

    if not args.project:
        raise WorkbenchError("indiquez le projet : -p CHEMIN (ou définissez WORKBENCH_PROJECT).")
    print(f"Sauvegarde écrite : {backup(args.project, args.destination)}")


def cmd_restore(args: argparse.Namespace) -> None:
    from workbench.store.backup import restore

    if not args.project:
        raise WorkbenchError("indiquez le projet : -p CHEMIN (ou définissez WORKBENCH_PROJECT).")
    kept = restore(args.backup, args.project, force=args.force)
    if kept is not None:
        print(f"Ancien projet gardé sous {kept}")
    print(f"Projet restauré depuis {args.backup}")


def cmd_app(args: argparse.Namespace) -> None:
    from workbench.serve import run

    if run(args):
        raise WorkbenchError("le serveur des applications s'est arrêté sur une erreur "
                             "(voir ses messages ci-dessus).")


def cmd_demo(args: argparse.Namespace) -> None:
    from workbench.demo import run_demo

    run_demo(Path(args.root), Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Qualitative analysis of interview research: import transcripts, code them "
                    "against a codebook, query and export extracts.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create a project (a folder with project.sqlite, or --db URL)")
    p.add_argument("path", nargs="?", help="project folder to create")
    p.add_argument("--db", help="database URL instead, e.g. postgresql://user@host/db")
    p.add_argument("--coder", help="the lead's name (default: $WORKBENCH_CODER or login)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="import transcripts (files or folders) and attributes")
    _project_arg(p)
    p.add_argument("paths", nargs="+", help="transcript files or corpus folders")
    p.add_argument("--attributes", help="attributes sheet (.xlsx or .csv), one row per case")
    p.add_argument("--kind", default="interview",
                   help="interview | focus_group | notes | report (default: interview)")
    p.add_argument("--pattern", help="regex for speaker labels, with a (?P<speaker>…) group")
    p.add_argument("--drop-unplaced", action="store_true",
                   help="when a changed text loses coded passages, drop those codings")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("codebook", help="load, export or show the codebook")
    _project_arg(p)
    p.add_argument("action", choices=["load", "export", "show"])
    p.add_argument("file", nargs="?", help=".yaml or .xlsx file to load or write")
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("profile", help="the study profile: label, type and role of each "
                                       "attribute (show, set, role, load, export, versions)")
    _project_arg(p)
    p.add_argument("action", nargs="?", default="show",
                   choices=["show", "set", "role", "load", "export", "versions"])
    p.add_argument("values", nargs="*", help="set: ATTRIBUTE; role: ROLE [ATTRIBUTE]; "
                                             "load/export: FILE (.yaml or .xlsx)")
    p.add_argument("--label", help="set: the label people read")
    p.add_argument("--type", help="set: category | multi | number | date | text")
    p.add_argument("--values", dest="values_map", metavar="V=MEANING;…",
                   help="set: gender values, e.g. \"F=women;H=men\"")
    p.add_argument("--bins", help="set: lower bounds of the age classes, e.g. 0,25,35,50,65")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("speakers", help="speakers of each document with their role; "
                                        "--set DOCUMENT SPEAKER ROLE declares one")
    _project_arg(p)
    p.add_argument("--document", help="only this document")
    p.add_argument("--set", nargs=3, metavar=("DOCUMENT", "SPEAKER", "ROLE"),
                   help="ROLE: interviewer (enquêteur) or respondent (enquêté·e)")
    p.set_defaults(func=cmd_speakers)

    p = sub.add_parser("code", help="code a passage by quote or by offsets")
    _project_arg(p)
    p.add_argument("document", help="document name (file name without extension)")
    p.add_argument("code", help="code id, name or path")
    p.add_argument("--quote", help="exact text to code (must occur once)")
    p.add_argument("--start", type=int, help="start offset (code points)")
    p.add_argument("--end", type=int, help="end offset (exclusive)")
    p.add_argument("--memo", help="a note on this coding")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("extracts", help="list or save coded extracts")
    _project_arg(p)
    _selection_args(p)
    p.add_argument("--scope", default="overlap", choices=["overlap", "turn", "document"])
    p.add_argument("--status", action="append",
                   help="accepted (default) | suggested | rejected | all; repeatable")
    p.add_argument("--by", action="append", help="only codings by this coder")
    p.add_argument("--out", help="write to .csv (UTF-8 with BOM) or .xlsx instead of printing")
    p.add_argument("--pseudonymise", action="store_true",
                   help="with --out: names replaced, documents by reference, checked for "
                        "real and unreviewed names before writing (for the COPIL)")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_extracts)

    p = sub.add_parser("names", help="possible person names not in the pseudonym table, to "
                                     "review before a pseudonymised export")
    _project_arg(p)
    p.add_argument("--not-a-name", action="append", default=[], metavar="WORD",
                   help="declare a listed word reviewed and not a person's name; repeatable")
    p.add_argument("--load", metavar="FILE.yaml",
                   help="apply a review file (pseudonymes: / pas_des_noms:)")
    p.set_defaults(func=cmd_names)

    p = sub.add_parser("snapshot", help="freeze a pseudonymised, read-only copy of the "
                                        "accepted codings for the COPIL (apps can serve it)")
    _project_arg(p)
    p.add_argument("name", help='the snapshot\'s name, e.g. "COPIL du 12 mars"')
    p.add_argument("--out", required=True, help="a new folder for the snapshot project")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("annex", help="the annex of coded extracts for a report: .xlsx (one "
                                     "sheet per theme), .csv or .docx (Word)")
    _project_arg(p)
    p.add_argument("out", help="annexe.xlsx, annexe.csv or annexe.docx")
    _selection_args(p)
    p.add_argument("--status", action="append", help="default: accepted")
    p.add_argument("--layout", default="themes", choices=["themes", "master"])
    p.add_argument("--real-names", action="store_true",
                   help="keep real names (internal use only; pseudonymised by default)")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_annex)

    p = sub.add_parser("qdpx", help="exchange with NVivo, ATLAS.ti, MAXQDA, QualCoder "
                                    "(REFI-QDA .qdpx): export this project or import one")
    _project_arg(p)
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", help="the .qdpx archive")
    p.add_argument("--sources-folder", metavar="DIR",
                   help="import: the only folder from which texts kept outside the archive "
                        "(external sources) may be read; without it they are refused")
    p.set_defaults(func=cmd_qdpx)

    p = sub.add_parser("merge", help="merge a coder's copy (folder or .sqlite) into the "
                                     "project (lead only; one transaction, undo reverts it)")
    _project_arg(p)
    p.add_argument("copy", help="the coder's copy: a project folder or .sqlite file")
    p.add_argument("--only", metavar="CODER", help="merge only this coder's codings and memos")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("copy-for", help="a SQLite working copy of the project for a coder")
    _project_arg(p)
    p.add_argument("name", help="the coder's name")
    p.add_argument("destination", help="new folder or .sqlite file")
    p.set_defaults(func=cmd_copy_for)

    p = sub.add_parser("agreement", help="inter-coder agreement (%%, Cohen's kappa, "
                                         "Krippendorff's alpha) per code and overall")
    _project_arg(p)
    p.add_argument("--between", action="append", metavar="CODER",
                   help="coders to compare, repeatable (default: all)")
    p.add_argument("--codes", help="code or expression (default: all codes)")
    p.add_argument("--level", default="character", choices=["character", "turn", "sentence"])
    p.add_argument("--disagreements", metavar="FILE",
                   help="also write the disagreement list (.csv or .xlsx)")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("export", help="write extracts, codebook, documents and cases to a folder")
    _project_arg(p)
    p.add_argument("out", help="output folder")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("verify", help="re-read every coding against its document")
    _project_arg(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("history", help="the audit log: who changed what, when")
    _project_arg(p)
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("undo", help="undo your last change (or --txn ID)")
    _project_arg(p)
    p.add_argument("--txn", help="transaction id from `workbench history`")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("language", help="the language of each document (detected at import), "
                                        "or correct one: DOCUMENT CODE (fr, en, ar… or und)")
    _project_arg(p)
    p.add_argument("document", nargs="?", help="document name (default: list all)")
    p.add_argument("code", nargs="?", help="new language code (ISO 639-1: fr, en, ar…; und)")
    p.set_defaults(func=cmd_language)

    p = sub.add_parser("backup", help="a consistent copy of a SQLite project, even while "
                                      "others are coding (PostgreSQL: use pg_dump)")
    _project_arg(p)
    p.add_argument("destination", help="backup file to write, or a folder (existing, or "
                                       "ending with /) for a dated name")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup back as the project (--force to replace "
                                       "an existing one, which is kept aside)")
    _project_arg(p)
    p.add_argument("backup", help="backup file made by `workbench backup`")
    p.add_argument("--force", action="store_true",
                   help="replace the existing project (kept as project.before-restore-….sqlite)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("app", help="serve the COPIL apps (notebooks/apps) with Voila, on "
                                   "127.0.0.1, or the network with --share (token or "
                                   "password); Ctrl-C stops it and every kernel")
    add_arguments(p)
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("demo", help="build the demo project from corpora/demo and codebooks/")
    p.add_argument("--root", default=".", help="repository root holding corpora/ and codebooks/")
    p.add_argument("--out", default="outputs", help="where to write the project and outputs")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.opened = []
    try:
        args.func(args)
    except WorkbenchError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    finally:
        for project in args.opened:
            project.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
