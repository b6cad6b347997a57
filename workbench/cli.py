"""The `workbench` command line: init, import, codebook, code, extracts, export, backup…

`-p` takes a project folder or a database URL (postgresql://…) everywhere.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.analysis.labels import STATUS_LABELS
from workbench.errors import WorkbenchError
from workbench.serve import add_arguments

_NO_BREAK = re.compile(r" ([:;?!»])|(«) ")


def _no_break(text: str) -> str:
    """French typography: no line break before « : ; ? ! » nor after «."""
    return _NO_BREAK.sub(lambda m: f"\u00a0{m[1]}" if m[1] else f"{m[2]}\u00a0", text)


class _Formatter(argparse.HelpFormatter):
    """Wraps help texts without leaving « : » or « ; » at the start of a line."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return super()._split_lines(_no_break(text), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return super()._fill_text(_no_break(text), width, indent)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with a French -h/--help line and French line breaking
    (subcommands inherit both)."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="afficher cette aide et quitter")


def _project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--project", default=os.environ.get("WORKBENCH_PROJECT"), metavar="PROJET",
        help="dossier du projet ou URL de la base (par défaut : $WORKBENCH_PROJECT)")
    parser.add_argument("--coder", metavar="NOM",
                        help="votre nom de codeur·euse (par défaut : $WORKBENCH_CODER "
                             "ou l'identifiant de session)")


def _selection_args(parser: argparse.ArgumentParser) -> None:
    """--codes and --where, as `extracts` and `annex` take them."""
    parser.add_argument("--codes", help="code ou expression, p. ex. « femmes & actions.eau » "
                                        "(par défaut : tous les codes)")
    parser.add_argument("--where", action="append", default=[], metavar="CLÉ=VALEUR[,VALEUR]",
                        help="filtre sur un attribut, répétable (genre=F, "
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
        if r.recording and r.recording_status != "unchanged":
            verb = "attaché" if r.recording_status == "new" else "remplacé"
            print(f"  enregistrement {r.recording} : {verb}")
        for warning in r.warnings:
            print(f"  attention : {warning}", file=sys.stderr)


def cmd_import_survey(args: argparse.Namespace) -> None:
    project = _open(args)
    options: dict[str, Any] = {"id_column": args.id, "form": args.form, "sheet": args.sheet,
                               "open_questions": args.open, "closed_questions": args.closed}
    if args.prefix is not None:
        options["name_prefix"] = args.prefix
    if args.case_kind is not None:
        options["case_kind"] = args.case_kind
    result = project.import_survey(args.file, drop_unplaced=args.drop_unplaced, **options)
    for line in result.summary():
        print(line)
    for warning in result.warnings:
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
        print(f"Écrit : {project.export.codebook(args.file)}")
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
        print(f"Écrit : {project.export.profile(args.values[0])}")
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
        path = project.export.extracts(args.out, args.codes, where=_where(args.where),
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
                   help="la liste des noms possibles (workbench names) a été relue : écrire "
                        "même si certains figurent dans le fichier produit")


def cmd_names(args: argparse.Namespace) -> None:
    project = _open(args)
    if args.load:
        added, reviewed = project.privacy.load_review(args.load)
        print(f"{added} pseudonyme(s) ajouté(s) ou changé(s), {reviewed} mot(s) déclaré(s) "
              "relu(s).")
    if args.not_a_name:
        print(f"{project.privacy.review_names(args.not_a_name)} mot(s) déclaré(s) relu(s).")
    candidates = project.privacy.candidates()
    if candidates.empty:
        print("Aucun nom de personne possible à relire.")
        return
    print(f"{len(candidates)} nom(s) de personne possible(s) à relire (usage interne : "
          "ils contiennent des noms réels) :")
    shown = candidates[["name", "source", "count", "documents", "example"]]
    print(shown.to_string(index=False))


def cmd_snapshot(args: argparse.Namespace) -> None:
    project = _open(args)
    info = project.export.snapshot(args.out, args.name, names_reviewed=args.names_reviewed)
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
        print(f"Écrit : {project.export.word_annex(out, **options)}")
        return
    report = project.export.annex(out, layout=args.layout, **options)
    print(f"Écrit : {report.path} ({report.extracts} extrait(s) ; feuilles : "
          f"{', '.join(report.sheets)})")


def cmd_qdpx(args: argparse.Namespace) -> None:
    from workbench import Project

    if args.action == "export":
        if args.sources_folder:
            raise WorkbenchError("--sources-folder ne sert qu'à l'import : retirez-le pour "
                                 "exporter.")
        report = _open(args).export.qdpx(args.file)
    else:
        if not args.project:
            raise WorkbenchError("indiquez où créer le projet : -p CHEMIN ou URL.")
        project, report = Project.import_qdpx(args.file, args.project, coder=args.coder,
                                              sources_folder=args.sources_folder)
        args.opened.append(project)
    print(report)


def cmd_merge(args: argparse.Namespace) -> None:
    report = _open(args).team.merge(args.copy, coder=args.only)
    print(report)
    if not report.conflicts.empty:
        print(report.conflicts.to_string(index=False))


def cmd_copy_for(args: argparse.Namespace) -> None:
    path = _open(args).team.copy_for(args.name, args.destination)
    print(f"Copie de travail : {path} (ouvrez-la avec --coder {args.name})")


def cmd_agreement(args: argparse.Namespace) -> None:
    project = _open(args)
    frame = project.team.agreement(coders=args.between, codes=args.codes, level=args.level)
    print(f"Unité : {frame.attrs.get('unit', args.level)}")
    print(frame.to_string(index=False))
    if args.disagreements:
        from workbench.export.tables import write_table

        spans = project.team.disagreements(coders=args.between, codes=args.codes, level=args.level)
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
    n = project.history.revert(args.txn) if args.txn else project.undo()
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


def cmd_media(args: argparse.Namespace) -> None:
    """The recordings: list them (with the state of each file), attach, relink, remove,
    a document's turn times, and whether the COPIL apps may play them."""
    from workbench.media.playback import clock, seconds

    project = _open(args)
    media = project.media
    if args.action == "add":
        print(media.add(args.path, args.document, copy=args.copy))
    elif args.action == "relink":
        print(media.relink(args.document, args.path, force=args.force))
    elif args.action == "remove":
        media.remove(args.document)
        print(f"Enregistrement détaché de « {args.document} » (le fichier reste sur le disque).")
    elif args.action == "times":
        for row in media.timeline(args.document).itertuples(index=False):
            rough = "≈ " if row.start_interpolated else ""
            span = (f"{rough}{clock(row.t_start)} – {clock(row.t_end)}"
                    if seconds(row.t_start) is not None else "sans temps")
            speaker = row.speaker if isinstance(row.speaker, str) and row.speaker else "—"
            print(f"{row.turn:>4}  {span:<22} {speaker}")
    elif args.action == "apps":
        if args.state is None:
            print("Les applications du COPIL " + ("font" if media.in_apps() else "ne font pas")
                  + " écouter les enregistrements.")
        else:
            print(media.allow_in_apps(args.state == "oui"))
    else:
        frame = media.list(check=args.check)
        if frame.empty:
            print("Aucun enregistrement attaché.")
        for row in frame.itertuples(index=False):
            length = "durée inconnue" if seconds(row.duration) is None else clock(row.duration)
            print(f"{row.document} : {row.format}, {length}, {row.status}"
                  f"{' (copie)' if row.copied else ''} — {row.path}")


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
    parser = _Parser(
        prog="workbench",
        description="Analyse qualitative d'enquêtes par entretiens : importer les transcriptions, "
                    "les coder selon une grille, interroger et exporter les extraits.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    p = sub.add_parser("init", help="créer un projet (un dossier avec project.sqlite, ou --db URL)")
    p.add_argument("path", nargs="?", help="dossier du projet à créer")
    p.add_argument("--db", metavar="URL",
                   help="URL d'une base à la place, p. ex. postgresql://user@host/db")
    p.add_argument("--coder", metavar="NOM", help="nom du ou de la responsable (par défaut : "
                                         "$WORKBENCH_CODER ou l'identifiant de session)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="importer des transcriptions (fichiers ou dossiers) et des "
                                     "attributs")
    _project_arg(p)
    p.add_argument("paths", nargs="+", help="fichiers de transcription ou dossiers de corpus")
    p.add_argument("--attributes", metavar="FICHIER",
                   help="tableau des attributs (.xlsx ou .csv), une ligne par cas")
    p.add_argument("--kind", default="interview", metavar="TYPE",
                   help="interview | focus_group | notes | report (par défaut : interview)")
    p.add_argument("--pattern", metavar="REGEX",
                   help="expression régulière des noms de locuteur·rices, avec un "
                        "groupe (?P<speaker>…)")
    p.add_argument("--drop-unplaced", action="store_true",
                   help="si un texte modifié perd des passages codés, supprimer ces codages")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "import-survey",
        help="importer un questionnaire (.xlsx ou .csv de KoboToolbox, ODK Central…) : un cas "
             "par répondant·e, les réponses ouvertes en documents",
        description="Importer un questionnaire : chaque ligne devient un cas (les réponses "
                    "fermées en attributs) et, s'il a répondu à une question ouverte, un "
                    "document de type questionnaire (une section par question). Tout est lu "
                    "et vérifié avant d'écrire : une feuille en erreur n'importe rien. "
                    "Réimporter un export à jour ajoute les nouvelles lignes et garde les "
                    "réponses déjà codées.")
    _project_arg(p)
    p.add_argument("file", metavar="FICHIER", help="l'export des réponses (.xlsx ou .csv)")
    p.add_argument("--id", metavar="COLONNE",
                   help="colonne de l'identifiant des répondant·es (par défaut : _uuid, KEY, "
                        "_id, id, identifiant…)")
    p.add_argument("--form", metavar="FORMULAIRE",
                   help="le formulaire XLSForm (.xlsx) : types des questions, libellés, choix")
    p.add_argument("--open", nargs="+", action="extend", metavar="Q",
                   help="la liste complète des questions ouvertes (colonne ou libellé) ; les "
                        "autres sont fermées")
    p.add_argument("--closed", nargs="+", action="extend", metavar="Q",
                   help="questions à lire comme fermées (attributs), p. ex. nom_asso")
    p.add_argument("--sheet", metavar="FEUILLE",
                   help="feuille des réponses dans un classeur (par défaut : la première)")
    p.add_argument("--prefix", metavar="PRÉFIXE",
                   help="préfixe des noms de documents et de cas (par défaut : Q)")
    p.add_argument("--case-kind", metavar="TYPE",
                   help="personne (par défaut), organisation ou initiative")
    p.add_argument("--drop-unplaced", action="store_true",
                   help="si une réponse modifiée perd des passages codés, supprimer ces codages")
    p.set_defaults(func=cmd_import_survey)

    p = sub.add_parser("codebook", help="charger, exporter ou afficher la grille de codage")
    _project_arg(p)
    p.add_argument("action", choices=["load", "export", "show"])
    p.add_argument("file", nargs="?", help="fichier .yaml ou .xlsx à charger ou à écrire")
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("profile", help="le profil de l'étude : libellé, type et rôle de chaque "
                                       "attribut (show, set, role, load, export, versions)")
    _project_arg(p)
    p.add_argument("action", nargs="?", default="show",
                   choices=["show", "set", "role", "load", "export", "versions"])
    p.add_argument("values", nargs="*", help="set : ATTRIBUT ; role : ROLE [ATTRIBUT] ; "
                                             "load/export : FICHIER (.yaml ou .xlsx)")
    p.add_argument("--label", metavar="LIBELLÉ", help="set : le libellé affiché aux lecteur·rices")
    p.add_argument("--type", help="set : category | multi | number | date | text")
    p.add_argument("--values", dest="values_map", metavar="V=SENS;…",
                   help="set : sens des valeurs, p. ex. « F=femmes;H=hommes »")
    p.add_argument("--bins", metavar="BORNES",
                   help="set : bornes inférieures des classes d'âge, p. ex. 0,25,35,50,65")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("speakers", help="locuteur·rices de chaque document et leur rôle ; "
                                        "--set DOCUMENT LOCUTEUR ROLE en déclare un")
    _project_arg(p)
    p.add_argument("--document", help="seulement ce document")
    p.add_argument("--set", nargs=3, metavar=("DOCUMENT", "LOCUTEUR", "ROLE"),
                   help="ROLE : interviewer (enquêteur) ou respondent (enquêté·e)")
    p.set_defaults(func=cmd_speakers)

    p = sub.add_parser("code", help="coder un passage, par citation ou par positions")
    _project_arg(p)
    p.add_argument("document", help="nom du document (nom du fichier sans extension)")
    p.add_argument("code", help="identifiant, nom ou chemin du code")
    p.add_argument("--quote", metavar="CITATION", help="texte exact à coder (une seule occurrence)")
    p.add_argument("--start", type=int, metavar="DÉBUT",
                   help="position de début (en caractères Unicode)")
    p.add_argument("--end", type=int, metavar="FIN", help="position de fin (exclue)")
    p.add_argument("--memo", metavar="MÉMO", help="une note sur ce codage")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("extracts", help="lister ou enregistrer les extraits codés")
    _project_arg(p)
    _selection_args(p)
    p.add_argument("--scope", default="overlap", choices=["overlap", "turn", "document"])
    p.add_argument("--status", action="append", metavar="STATUT",
                   help="accepted (par défaut) | suggested | rejected | all ; répétable")
    p.add_argument("--by", action="append", metavar="CODEUR",
                   help="seulement les codages de ce·tte codeur·euse")
    p.add_argument("--out", metavar="FICHIER",
                   help="écrire dans un .csv (UTF-8 avec BOM) ou un .xlsx au lieu d'afficher")
    p.add_argument("--pseudonymise", action="store_true",
                   help="avec --out : noms remplacés, documents désignés par leur référence, "
                        "vérification des vrais noms et des noms non relus avant "
                        "l'écriture (pour le COPIL)")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_extracts)

    p = sub.add_parser("names", help="noms de personnes possibles absents de la table des "
                                     "pseudonymes, à relire avant un export pseudonymisé")
    _project_arg(p)
    p.add_argument("--not-a-name", action="append", default=[], metavar="MOT",
                   help="déclarer un mot de la liste relu, et qui n'est pas un nom de personne ; "
                        "répétable")
    p.add_argument("--load", metavar="FICHIER.yaml",
                   help="appliquer un fichier de relecture (pseudonymes: / pas_des_noms:)")
    p.set_defaults(func=cmd_names)

    p = sub.add_parser("snapshot", help="figer une copie pseudonymisée, en lecture seule, des "
                                        "codages acceptés pour le COPIL (les applis peuvent "
                                        "la servir)")
    _project_arg(p)
    p.add_argument("name", help="nom de l'instantané, p. ex. « COPIL du 12 mars »")
    p.add_argument("--out", required=True, metavar="DOSSIER",
                   help="un nouveau dossier pour le projet instantané")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("annex", help="l'annexe des extraits codés d'un rapport : .xlsx (une "
                                     "feuille par thème), .csv ou .docx (Word)")
    _project_arg(p)
    p.add_argument("out", help="annexe.xlsx, annexe.csv ou annexe.docx")
    _selection_args(p)
    p.add_argument("--status", action="append", metavar="STATUT", help="par défaut : accepted")
    p.add_argument("--layout", default="themes", choices=["themes", "master"])
    p.add_argument("--real-names", action="store_true",
                   help="garder les vrais noms (usage interne seulement ; pseudonymisé par "
                        "défaut)")
    _names_reviewed_arg(p)
    p.set_defaults(func=cmd_annex)

    p = sub.add_parser("qdpx", help="échanger avec NVivo, ATLAS.ti, MAXQDA, QualCoder "
                                    "(REFI-QDA .qdpx) : exporter ce projet ou en importer un")
    _project_arg(p)
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", help="l'archive .qdpx")
    p.add_argument("--sources-folder", metavar="DOSSIER",
                   help="import : le seul dossier où lire les textes gardés hors de l'archive "
                        "(sources externes) ; sans lui, ils sont refusés")
    p.set_defaults(func=cmd_qdpx)

    p = sub.add_parser("merge", help="fusionner dans le projet la copie d'un·e codeur·euse "
                                     "(dossier ou .sqlite) ; responsable seulement, une "
                                     "transaction qu'undo annule")
    _project_arg(p)
    p.add_argument("copy", help="la copie du ou de la codeur·euse : dossier de projet ou "
                                "fichier .sqlite")
    p.add_argument("--only", metavar="CODEUR",
                   help="fusionner seulement les codages et mémos de ce·tte codeur·euse")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("copy-for", help="une copie de travail SQLite du projet pour un·e "
                                        "codeur·euse")
    _project_arg(p)
    p.add_argument("name", help="nom du ou de la codeur·euse")
    p.add_argument("destination", help="nouveau dossier ou fichier .sqlite")
    p.set_defaults(func=cmd_copy_for)

    p = sub.add_parser("agreement", help="accord inter-codeur·euses (%%, kappa de Cohen, "
                                         "alpha de Krippendorff) par code et global")
    _project_arg(p)
    p.add_argument("--between", action="append", metavar="CODEUR",
                   help="codeur·euses à comparer, répétable (par défaut : tou·tes)")
    p.add_argument("--codes", help="code ou expression (par défaut : tous les codes)")
    p.add_argument("--level", default="character", choices=["character", "turn", "sentence"])
    p.add_argument("--disagreements", metavar="FICHIER",
                   help="écrire aussi la liste des désaccords (.csv ou .xlsx)")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("export", help="écrire extraits, grille, documents et cas dans un dossier")
    _project_arg(p)
    p.add_argument("out", help="dossier de sortie")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("verify", help="relire chaque codage contre son document")
    _project_arg(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("history", help="le journal : qui a changé quoi, et quand")
    _project_arg(p)
    p.add_argument("--limit", type=int, default=30, metavar="N",
                   help="nombre de lignes (par défaut : %(default)s)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("undo", help="annuler votre dernière modification (ou --txn ID)")
    _project_arg(p)
    p.add_argument("--txn", metavar="ID",
                   help="identifiant de transaction donné par `workbench history`")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("language", help="la langue de chaque document (détectée à l'import), "
                                        "ou en corriger une : DOCUMENT CODE (fr, en, ar… ou und)")
    _project_arg(p)
    p.add_argument("document", nargs="?", help="nom du document (par défaut : tous les lister)")
    p.add_argument("code", nargs="?", help="nouveau code de langue (ISO 639-1 : fr, en, ar… ; und)")
    p.set_defaults(func=cmd_language)

    p = sub.add_parser("media", help="les enregistrements des entretiens : lister (état de "
                                     "chaque fichier), attacher, retrouver un fichier déplacé, "
                                     "détacher, temps des tours, écoute dans les applis du COPIL")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    p.set_defaults(func=cmd_media, action="list", check=False)
    q = actions.add_parser("list", help="les enregistrements et l'état de leurs fichiers")
    _project_arg(q)
    q.add_argument("--check", action="store_true",
                   help="relire chaque fichier pour vérifier son empreinte (lent)")
    q = actions.add_parser("add", help="attacher un enregistrement à un document")
    _project_arg(q)
    q.add_argument("path", metavar="FICHIER", help="le son ou la vidéo (wav, mp3, m4a, ogg, "
                                                  "mp4, webm)")
    q.add_argument("document", nargs="?", help="le document (par défaut : celui que le nom du "
                                               "fichier désigne)")
    q.add_argument("--copy", action="store_true",
                   help="copier le fichier dans le dossier media/ du projet, nommé par la "
                        "référence du document")
    q = actions.add_parser("relink", help="donner la nouvelle place d'un fichier déplacé")
    _project_arg(q)
    q.add_argument("document")
    q.add_argument("path", metavar="FICHIER")
    q.add_argument("--force", action="store_true",
                   help="accepter un fichier différent (réencodé, coupé…)")
    q = actions.add_parser("remove", help="détacher l'enregistrement d'un document")
    _project_arg(q)
    q.add_argument("document")
    q = actions.add_parser("times", help="le temps de chaque tour d'un document (≈ : estimé)")
    _project_arg(q)
    q.add_argument("document")
    q = actions.add_parser("apps", help="les applis du COPIL peuvent-elles faire écouter les "
                                        "enregistrements ? (oui / non ; sans valeur : l'état)")
    _project_arg(q)
    q.add_argument("state", nargs="?", choices=["oui", "non"])
    _project_arg(p)

    p = sub.add_parser("backup", help="une copie cohérente d'un projet SQLite, même pendant que "
                                      "d'autres codent (PostgreSQL : utilisez pg_dump)")
    _project_arg(p)
    p.add_argument("destination", help="fichier de sauvegarde à écrire, ou un dossier (existant, "
                                       "ou finissant par /) pour un nom daté")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="remettre une sauvegarde comme projet (--force pour "
                                       "remplacer un projet existant, qui est mis de côté)")
    _project_arg(p)
    p.add_argument("backup", help="fichier de sauvegarde fait par `workbench backup`")
    p.add_argument("--force", action="store_true",
                   help="remplacer le projet existant (gardé sous "
                        "project.before-restore-….sqlite)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("app", help="servir les applis du COPIL (notebooks/apps) avec Voila, sur "
                                   "127.0.0.1, ou sur le réseau avec --share (jeton ou "
                                   "mot de passe) ; Ctrl-C l'arrête avec tous les noyaux")
    add_arguments(p)
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("demo", help="construire le projet de démonstration à partir de "
                                    "corpora/demo et codebooks/")
    p.add_argument("--root", default=".", metavar="DOSSIER",
                   help="racine du dépôt, qui contient corpora/ et codebooks/")
    p.add_argument("--out", default="outputs", metavar="DOSSIER",
                   help="où écrire le projet et les résultats")
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
