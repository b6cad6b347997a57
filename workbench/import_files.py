"""Importing files into a project: every transcript and the attributes sheet are read
and checked first, outside any transaction; then everything is written in one
transaction (`importer.py`), so a bad file or sheet leaves nothing half-imported.

Questionnaires (`import_survey`) follow the same rule: the export is read whole by
`corpus.survey.read_survey`, then one transaction writes each respondent's open answers
as a document of kind "survey", the respondents as cases with their closed answers, and
the study profile (the questions' labels, several-valued multiple choices)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from tqdm.auto import tqdm

from workbench import importer
from workbench.analysis.labels import KIND_LABELS
from workbench.corpus.attributes import CaseRow, normalise_kind, read_attributes
from workbench.corpus.readers import SUPPORTED, read_document, same_names, turn_summary
from workbench.corpus.roles import RESPONDENT
from workbench.corpus.survey import Survey, read_survey
from workbench.errors import CorpusError, MediaError, WorkbenchError
from workbench.media.files import MediaFile, probe
from workbench.media.formats import is_media
from workbench.media.stored import attach_imported
from workbench.profile.infer import gender_values
from workbench.profile.model import StudyProfile
from workbench.profile.stored import current_profile, save_profile, stored_profile
from workbench.store import Store, Writer
from workbench.store import schema as s
from workbench.store.queries import known_speakers, needs_upgrade


def import_file(store: Store, coder: str, path: str | Path, *, kind: str = "interview",
                name: str | None = None, drop_unplaced: bool = False,
                **options: Any) -> importer.ImportResult:
    """Import one transcript; `options` go to the reader (pattern=, roles=)."""
    path = Path(path)
    if is_media(path):
        raise CorpusError(f"{path.name} : c'est un enregistrement, pas une transcription ; "
                          "importez sa transcription (il est attaché s'il porte le même nom), "
                          "ou attachez-le à un document avec p.media.add(chemin).")
    options.setdefault("progress", True)  # a bar only shows for large texts
    parsed = read_document(path, **options)
    sounds, unusable = _read_recordings(recordings_beside([path], []), progress=False)
    if unusable:
        raise CorpusError(f"{path.name} : l'enregistrement du même nom ne peut pas être "
                          "attaché, rien n'a été importé :\n  - " + "\n  - ".join(unusable))
    with store.write(coder) as w:
        result = importer.write_document(
            w, name or importer.document_name(path), parsed, kind=document_kind(kind),
            source=str(path), drop_unplaced=drop_unplaced)
        _attach_recordings(w, {path: result}, sounds)
        result.warnings = [*result.warnings,
                           *importer.role_warnings(w.conn, [result.document_id])]
    result.summary = turn_summary(parsed)
    return result


def import_corpus(store: Store, coder: str, folder: str | Path | Sequence[str | Path], *,
                  attributes: str | Path | None = None, kind: str = "interview",
                  drop_unplaced: bool = False, progress: bool = True,
                  **options: Any) -> list[importer.ImportResult]:
    """Import every transcript of a folder (or of several files and folders) and its
    attributes sheet, all or nothing.

    A recording (.wav, .mp3, .m4a, .ogg, .mp4, .webm) beside a transcript with the same
    name (``E01.vtt`` and ``E01.wav``), or given in the list, is attached to its document
    in the same transaction, referenced where it lies (``ImportResult.recording``); a
    recording that cannot be read refuses the import like a transcript."""
    paths = [Path(folder)] if isinstance(folder, str | Path) else [Path(p) for p in folder]
    shown = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
    given_media = [p for p in paths if is_media(p) and p.is_file()]
    paths = [p for p in paths if p not in given_media]
    files: list[Path] = []
    for path in paths:
        if not (path.is_dir() or path.is_file()):
            raise CorpusError(f"{path} : ni fichier ni dossier à cet endroit ; vérifiez le "
                              "chemin.")
        files += corpus_files(path, exclude=attributes) if path.is_dir() else [path]
    files = list(dict.fromkeys(files))
    if not files:
        raise CorpusError(f"{shown} : aucune transcription trouvée (types pris en charge : "
                          f"{', '.join(SUPPORTED)}).")
    parsed, problems = {}, []
    for path in tqdm(files, desc="Lecture des transcriptions", disable=not progress,
                     unit="doc"):
        try:
            parsed[path] = read_document(path, **options)
        except WorkbenchError as exc:
            problems.append(str(exc))
    sounds, unusable = _read_recordings(recordings_beside(files, given_media),
                                        progress=progress)
    problems += unusable
    if problems:
        raise CorpusError(f"{shown} : {len(problems)} fichier(s) ne peuvent pas être "
                          "importés, rien n'a été importé :\n  - " + "\n  - ".join(problems))
    names = {path: importer.document_name(path) for path in files}
    same_names(names)
    shared = importer.shared_codes(names.values())
    sheet = None
    if attributes is not None:
        with store.read() as conn:
            known = known_speakers(conn)
        known.update({names[p]: sorted({t.speaker for t in doc.turns if t.speaker})
                      for p, doc in parsed.items()})
        sheet = read_attributes(Path(attributes), known=known)
    doc_kinds = {d.name: d.kind for d in sheet.documents} if sheet else {}
    results = []
    with store.write(coder) as w:
        written: dict[Path, importer.ImportResult] = {}
        for path, doc in parsed.items():
            name = names[path]
            result = importer.write_document(
                w, name, doc, kind=document_kind(doc_kinds.get(name) or kind),
                source=str(path), drop_unplaced=drop_unplaced, shared=shared)
            result.summary = turn_summary(doc)
            results.append(result)
            written[path] = result
        _attach_recordings(w, written, sounds)
        if sheet is not None:
            importer.write_sheet(w, sheet, source=str(attributes))
        else:
            save_profile(w, current_profile(w.conn), source=str(shown))
        warnings = importer.role_warnings(w.conn, [r.document_id for r in results])
    for result in results:
        result.warnings = [*result.warnings, *(m for m in warnings
                                                if m.startswith(f"« {result.document} »"))]
    return results


def import_attributes(store: Store, coder: str, path: str | Path,
                      **options: Any) -> list[str]:
    """Load (or reload) an attributes sheet for documents already imported; returns the
    warnings."""
    with store.read() as conn:
        known = known_speakers(conn)
    sheet = read_attributes(Path(path), known=known, **options)
    with store.write(coder) as w:
        warnings = importer.write_sheet(w, sheet, source=str(path))
        return warnings + importer.role_warnings(w.conn)


def upgrade_if_needed(store: Store) -> None:
    """Fill what a project made by an older version lacks (turn scripts, references)."""
    with store.read() as conn:
        if not needs_upgrade(conn):
            return
    with store.write("workbench") as w:
        importer.fill_missing_scripts(w)
        importer.fill_missing_references(w)


def corpus_files(folder: Path, *, exclude: str | Path | None = None) -> list[Path]:
    """Transcripts in a folder (sorted), leaving out READMEs, hidden files and the sheet."""
    skip = Path(exclude).resolve() if exclude else None
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith((".", "_"))
        and not p.stem.upper().startswith("README") and p.resolve() != skip
    )


def recordings_beside(transcripts: Sequence[Path], given: Sequence[Path]
                      ) -> dict[Path, list[Path]]:
    """Transcript → the recordings of the same name (file stem): beside it in its folder,
    or among the recordings `given`. A recording given that names no transcript is listed
    under its own path (an error to report)."""
    folders: dict[Path, list[Path]] = {}
    found: dict[Path, list[Path]] = {}
    for transcript in transcripts:
        folder = transcript.parent
        if folder not in folders:
            folders[folder] = sorted(p for p in folder.iterdir()
                                     if p.is_file() and is_media(p)
                                     and not p.name.startswith((".", "_")))
        same = [p for p in [*folders[folder], *given] if p.stem == transcript.stem]
        unique = list({p.resolve(): p for p in same}.values())
        if unique:
            found[transcript] = unique
    named = {p.resolve() for paths in found.values() for p in paths}
    for media in given:
        if media.resolve() not in named:
            found[media] = []
    return found


def _read_recordings(found: dict[Path, list[Path]], *, progress: bool
                     ) -> tuple[dict[Path, MediaFile], list[str]]:
    """Transcript → its recording read (format checked, digest, duration), and a French
    line for each recording that cannot be used or is not alone."""
    problems: list[str] = []
    sounds: dict[Path, MediaFile] = {}
    for transcript, media in tqdm(found.items(), desc="Lecture des enregistrements",
                                  disable=not progress or not found, unit="fichier"):
        if not media:
            problems.append(f"{transcript.name} : aucune transcription du même nom n'est "
                            "importée avec cet enregistrement ; attachez-le à un document "
                            "avec p.media.add(chemin, \"<document>\").")
        elif len(media) > 1:
            problems.append(f"{transcript.name} : plusieurs enregistrements portent son nom "
                            f"({', '.join(p.name for p in media)}) ; un document n'en a "
                            "qu'un : laissez le bon à côté de la transcription et rangez les "
                            "autres ailleurs.")
        else:
            try:
                sounds[transcript] = probe(media[0])
            except MediaError as exc:
                problems.append(str(exc))
    return sounds, problems


def _attach_recordings(w: Writer, written: dict[Path, importer.ImportResult],
                       sounds: dict[Path, MediaFile]) -> None:
    """Attach each transcript's recording to its document, in the import's transaction."""
    for path, media in sounds.items():
        result = written[path]
        result.recording = media.path.name
        result.recording_status = attach_imported(w, result.document_id, media)
        result.warnings = [*result.warnings, *media.warnings]


def document_kind(kind: str) -> str:
    """The stored kind of a document (interview, focus_group, notes, report, survey) from
    its French or English name; a French error for another."""
    value = normalise_kind(str(kind))
    if value is None:
        raise WorkbenchError(f"type de document « {kind} » inconnu ; écrivez entretien, "
                             "focus group, notes de terrain, compte rendu ou questionnaire "
                             "(ou interview, focus_group, notes, report, survey).")
    return value


# -- questionnaires ------------------------------------------------------------------------

SURVEY_KIND = "survey"
SURVEY_EVENT = "import-survey"  # one audit event per import: what a later import compares
SURVEY_ENTITY = "surveys"       # not a table: `revert` skips it, the log keeps it
_SHOWN = 10                     # names listed in a summary before « … »
_CHUNK = 500                    # names per IN (…) query


@dataclass
class SurveyImport:
    """What an import of a questionnaire did (``print(result)`` says it in French).

    Documents and cases are named ``Q<id>`` (see `corpus.survey`); a respondent with no
    open answer has a case and no document. `absent`: respondents of an earlier import
    of the same questionnaire missing from this export: their case and document (and
    codings) stay in the project. `emptied`: respondents whose open answers are all empty
    in this export: their earlier document stays as it was.
    """

    source: str
    respondents: int
    open_questions: list[str]
    closed_questions: list[str]
    documents_added: list[str] = field(default_factory=list)
    documents_updated: list[str] = field(default_factory=list)
    documents_unchanged: list[str] = field(default_factory=list)
    cases_added: list[str] = field(default_factory=list)
    cases_updated: list[str] = field(default_factory=list)
    cases_unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    emptied: list[str] = field(default_factory=list)
    reanchored: int = 0
    dropped: list[str] = field(default_factory=list)
    profile_labels: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """The report in French, one line per fact, warnings left out."""
        people = _count(self.respondents, "répondant·e", "répondant·es")
        lines = [f"Questionnaire {Path(self.source).name} : {people}."]
        for title, labels in (("Questions ouvertes (documents)", self.open_questions),
                              ("Questions fermées (attributs)", self.closed_questions)):
            shown = " ; ".join(f"« {q} »" for q in labels[:_SHOWN])
            more = f" ; … (+{len(labels) - _SHOWN})" if len(labels) > _SHOWN else ""
            lines.append(f"{title}, {len(labels)} : {shown or 'aucune'}{more}.")
        lines.append(f"Documents : {len(self.documents_added)} ajouté(s), "
                     f"{len(self.documents_updated)} mis à jour, "
                     f"{len(self.documents_unchanged)} inchangé(s).")
        lines.append(f"Cas : {len(self.cases_added)} ajouté(s), {len(self.cases_updated)} mis "
                     f"à jour, {len(self.cases_unchanged)} inchangé(s).")
        if self.documents_updated:
            lines.append(f"Réponses modifiées : {_names(self.documents_updated)} ; "
                         f"{_count(self.reanchored, 'codage replacé', 'codages replacés')}"
                         + (f", {len(self.dropped)} supprimé(s) (--drop-unplaced)"
                            if self.dropped else "") + ".")
        if self.profile_labels:
            lines.append(f"Profil de l'étude : libellé et type de "
                         f"{_count(len(self.profile_labels), 'attribut', 'attributs')} "
                         "repris du questionnaire.")
        if self.absent:
            lines.append(f"Absent·e(s) de cet export mais d'un import précédent : "
                         f"{len(self.absent)} répondant·e(s), laissé·e(s) dans le projet avec "
                         f"leur cas, leur document et leurs codages ({_names(self.absent)}) ; "
                         "retirez à la main ce qui doit partir (p.remove_document).")
        if self.emptied:
            lines.append(f"Sans plus aucune réponse ouverte dans cet export : "
                         f"{len(self.emptied)} répondant·e(s), dont le document précédent est "
                         f"gardé tel quel, avec ses codages ({_names(self.emptied)}).")
        return lines

    def __str__(self) -> str:
        return "\n".join([*self.summary(), *(f"Attention : {w}" for w in self.warnings)])


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _names(names: Sequence[str]) -> str:
    more = f", … (+{len(names) - _SHOWN})" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def import_survey(store: Store, coder: str, path: str | Path, *, drop_unplaced: bool = False,
                  progress: bool = True, **options: Any) -> SurveyImport:
    """Import a questionnaire export (KoboToolbox, ODK Central; .xlsx or .csv), all or
    nothing: the sheet is read and checked whole first (`corpus.survey.read_survey`,
    which takes `options`: id_column, open_questions, closed_questions, form, sheet,
    name_prefix, case_kind), then one transaction writes

    - each respondent's open answers as a document of kind "survey", one section per
      question, each answer a turn of role "respondent" (the headings, the questions,
      are in no turn: rules limited to respondents code answers only); a document
      already imported with the same text is left alone, a changed one re-anchors its
      codings (a coding that cannot be placed refuses the import, unless
      `drop_unplaced`);
    - one case per respondent, linked to its document, with the closed answers as
      attributes (links and attributes the survey does not know are kept; an unchanged
      case is not rewritten);
    - the study profile: attributes new to it get the question's label, multiple
      choices the type "multi"; attributes the profile already describes keep what the
      researcher made of them (the gender attribute only learns spellings it lacked).

    Respondents of an earlier import of the same questionnaire who are missing from this
    export stay in the project and are reported (`SurveyImport.absent`).
    """
    path = Path(path)
    survey = read_survey(path, **options)
    source = str(path)
    names = [case.name for case in survey.sheet.cases]
    result = SurveyImport(
        source=source, respondents=len(names),
        open_questions=[q.label for q in survey.questions if q.kind == "open"],
        closed_questions=[q.label for q in survey.questions
                          if q.attribute and q.kind != "meta"],
        warnings=list(survey.warnings))
    with store.write(coder) as w:
        _refuse_other_documents(w.conn, survey, path)
        before = _existing_cases(w.conn, names)
        saved = stored_profile(w.conn)
        known = set(saved.keys()) if saved else set()
        for name, parsed in tqdm(survey.documents.items(), desc="Écriture des questionnaires",
                                 disable=not progress, unit="doc"):
            answers = replace(parsed, turns=[replace(t, role=RESPONDENT) for t in parsed.turns])
            written = importer.write_document(w, name, answers, kind=SURVEY_KIND,
                                              source=source, drop_unplaced=drop_unplaced)
            if written.status == "new":
                result.documents_added.append(name)
            elif written.status == "updated":
                result.documents_updated.append(name)
            else:
                result.documents_unchanged.append(name)
            result.reanchored += written.reanchored
            result.dropped += written.dropped
        cases = _cases_to_write(survey, before, result)
        result.warnings += importer.write_sheet(w, replace(survey.sheet, cases=cases),
                                                source=source)
        result.profile_labels = _survey_profile(w, survey, known, source=source)
        prefix = options.get("name_prefix")
        result.absent = _absent(w.conn, survey, set(names), prefix=prefix)
        w.log(SURVEY_EVENT, SURVEY_ENTITY, None, after={
            "source": source, "prefix": prefix, "questions": _question_names(survey),
            "respondents": names, "documents": len(survey.documents)})
    return result


def _refuse_other_documents(conn: Connection, survey: Survey, path: Path) -> None:
    """A French error when a respondent's name is already another kind of document (an
    interview named like a respondent would otherwise be rewritten)."""
    clashes: list[tuple[str, str]] = []
    for chunk in _chunks(list(survey.documents)):
        clashes += [(n, k) for n, k in conn.execute(
            select(s.documents.c.name, s.documents.c.kind)
            .where(s.documents.c.name.in_(chunk), s.documents.c.kind != SURVEY_KIND)).all()]
    if clashes:
        listed = ", ".join(f"« {n} » ({KIND_LABELS.get(k, k)})" for n, k in clashes[:_SHOWN])
        raise WorkbenchError(
            f"{path.name} : {len(clashes)} répondant·e(s) portent le nom d'un document du projet "
            f"qui n'est pas un questionnaire : {listed} ; rien n'a été importé. Donnez un autre "
            "préfixe (name_prefix=…, --prefix) pour les noms des répondant·es.")


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


@dataclass
class _Case:
    kind: str
    attributes: dict[str, tuple[str | None, str]]
    links: list[tuple[str, str | None]]


def _existing_cases(conn: Connection, names: list[str]) -> dict[str, _Case]:
    """The cases of the project named like respondents: kind, attributes as stored
    (text, type), links (document name, speaker)."""
    c, a, dc, d = s.cases, s.attributes, s.document_cases, s.documents
    out: dict[str, _Case] = {}
    for chunk in _chunks(names):
        ids: dict[int, str] = {}
        for case_id, name, kind in conn.execute(select(c.c.id, c.c.name, c.c.kind)
                                                .where(c.c.name.in_(chunk))).all():
            ids[case_id] = name
            out[name] = _Case(kind, {}, [])
        if not ids:
            continue
        for case_id, key, value, kind in conn.execute(
                select(a.c.case_id, a.c.key, a.c.value, a.c.type)
                .where(a.c.case_id.in_(list(ids)))).all():
            out[ids[case_id]].attributes[key] = (value, kind)
        for case_id, doc, speaker in conn.execute(
                select(dc.c.case_id, d.c.name, dc.c.speaker)
                .select_from(dc.join(d, d.c.id == dc.c.document_id))
                .where(dc.c.case_id.in_(list(ids))).order_by(dc.c.id)).all():
            out[ids[case_id]].links.append((doc, speaker))
    return out


def _stored(value: object) -> str | None:
    """An attribute's value as `importer.set_case` stores it."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _cases_to_write(survey: Survey, before: dict[str, _Case],
                    result: SurveyImport) -> list[CaseRow]:
    """The respondents' cases that are new or differ from the project's, each completed
    with what the project has and the survey does not say: attributes under other keys
    (from another sheet), links to other documents (an interview of the same person),
    the document of a respondent whose open answers are now all empty."""
    columns = set(survey.sheet.columns)
    cases = []
    for case in survey.sheet.cases:
        old = before.get(case.name)
        if old is None:
            result.cases_added.append(case.name)
            cases.append(case)
            continue
        if case.name not in survey.documents and any(d == case.name for d, _ in old.links):
            result.emptied.append(case.name)
        kept = {k: v for k, v in old.attributes.items() if k not in columns}
        attributes = {**kept, **case.attributes}
        links = list(dict.fromkeys([*case.links, *old.links]))
        new = {k: (_stored(v), t) for k, (v, t) in attributes.items()}
        if case.kind == old.kind and new == old.attributes and set(links) == set(old.links):
            result.cases_unchanged.append(case.name)
            continue
        result.cases_updated.append(case.name)
        cases.append(replace(case, attributes=attributes, links=links))
    return cases


def _survey_profile(w: Writer, survey: Survey, known: set[str], *, source: str) -> list[str]:
    """Give the attributes new to the profile (not in `known`, the profile before the
    import) their question's label (with « (questionnaire) » when another attribute
    already reads so) and, for multiple choices, the type "multi"; teach the gender
    attribute the spellings of the survey it lacks. Returns the keys labelled."""
    profile = current_profile(w.conn, order=survey.sheet.columns)
    multiple = {q.attribute for q in survey.questions if q.kind == "multiple" and q.attribute}
    labelled = []
    for key, label in survey.attribute_labels.items():
        spec = profile.get(key)
        if spec is None or key in known:
            continue
        label = label[:1].upper() + label[1:]
        taken = {a.label.casefold() for a in profile.attributes if a.key != key}
        if label.casefold() in taken:  # « Genre » of the interviews' sheet and of the survey
            label = f"{label} (questionnaire)"
        changes: dict[str, Any] = {"label": label}
        if key in multiple:
            changes["type"] = "multi"
        profile = profile.changed(key, **changes)
        labelled.append(key)
    profile = _with_gender_spellings(profile, survey)
    save_profile(w, profile, source=f"{source} (questionnaire)")
    return labelled


def _with_gender_spellings(profile: StudyProfile, survey: Survey) -> StudyProfile:
    """The gender attribute, when the survey fills it, maps the survey's spellings it did
    not know (« Femme » where the interviews wrote « F ») to women / men / other: the
    respondents then count in gender analyses; mappings already there are kept."""
    spec = profile.role("gender")
    if spec is None or spec.key not in survey.sheet.columns:
        return profile
    values = {_stored(c.attributes[spec.key][0]) for c in survey.sheet.cases
              if spec.key in c.attributes}
    added: dict[str, str] = {}
    for value in sorted(v for v in values if v and v not in spec.values):
        meaning = gender_values([value])
        if meaning:
            added.update(meaning)
    if not added:
        return profile
    return profile.changed(spec.key, values={**spec.values, **added})


def _question_names(survey: Survey) -> list[str]:
    """The questions' names without their group (``groupe_asso/nom_asso`` and Central's
    ``groupe_asso-nom_asso`` are both ``nom_asso``), metadata left out."""
    return [q.key[len(q.group) + 1:] if q.group and q.key.startswith(q.group) else q.key
            for q in survey.questions if q.kind != "meta"]


def _absent(conn: Connection, survey: Survey, present: set[str], *,
            prefix: str | None) -> list[str]:
    """Respondents of earlier, not undone, imports of the same questionnaire (the same
    name prefix, at least half of the questions in common) missing from this one, whose
    case is still in the project."""
    keys = set(_question_names(survey))
    e = s.events
    earlier: dict[str, None] = {}
    for (after,) in conn.execute(select(e.c.after).where(
            e.c.action == SURVEY_EVENT, e.c.reverted_by.is_(None)).order_by(e.c.id)).all():
        data = json.loads(after or "{}")
        theirs = set(data.get("questions") or ())
        if data.get("prefix") != prefix or not keys or not theirs \
                or len(keys & theirs) * 2 < min(len(keys), len(theirs)):
            continue
        earlier.update(dict.fromkeys(n for n in data.get("respondents") or ()
                                     if n not in present))
    missing = list(earlier)
    still: set[str] = set()
    for chunk in _chunks(missing):
        still.update(conn.execute(select(s.cases.c.name).where(s.cases.c.name.in_(chunk)))
                     .scalars())
    return [n for n in missing if n in still]
