"""`Project`: the one object a notebook holds. It reads through `ProjectData` (its
read-only view, what every feature is given), keeps the everyday verbs, and groups the
rest in namespaces: ``p.analysis``, ``p.export``, ``p.review``, ``p.team``,
``p.privacy``, ``p.words``, ``p.framework``, ``p.media``, ``p.history``. It holds no SQL:
each verb opens a transaction and hands it to a service module (importing, coding,
codebook, profile, recordings)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import import_files, importer, study_profile
from workbench.codebook import read_codebook
from workbench.coding import codes as code_ops
from workbench.coding import edits
from workbench.coding.coders import default_coder, set_coder
from workbench.coding.codings import delete_coding
from workbench.coding.verify import Verification, verify_codings
from workbench.errors import NothingToUndo, RenamedWarning
from workbench.nlp.languages import normalise_language
from workbench.profile import StudyProfile
from workbench.project_data import ProjectData
from workbench.store import Store
from workbench.store.queries import find_document, last_undoable

# The namespaces are imported when first used: `import workbench` and the commands that
# only open a project and query it stay quick (tests/test_startup.py).
if TYPE_CHECKING:
    from workbench.accessors.assist import Assist
    from workbench.accessors.exports import Exports
    from workbench.accessors.framework import Framework
    from workbench.accessors.history import History
    from workbench.accessors.media import Media
    from workbench.accessors.privacy import Privacy
    from workbench.accessors.review import Review
    from workbench.accessors.team import Team
    from workbench.accessors.words import Words
    from workbench.analyses import Analyses
    from workbench.import_files import SurveyImport
    from workbench.media.playback import Playback
    from workbench.refi.report import ExchangeReport

# What `undo` takes back: coding work, the profile, roles, languages, references and the
# researcher's changes to recordings (an import, with the recordings it attached, is
# undone with `p.history.revert(txn)`).
UNDOABLE_ENTITIES = ("codings", "codes", "memos", "study_profiles", "speaker_roles",
                     "name_reviews", "summaries")
UNDOABLE_ACTIONS = ("set-language", "reference", "media-add", "media-replace", "media-relink",
                    "media-remove")

# Former names of the methods that moved to a namespace: they still work, with a
# RenamedWarning saying the new name.
RENAMED = {
    "export_extracts": ("export", "extracts"), "export_annex": ("export", "annex"),
    "export_word_annex": ("export", "word_annex"), "export_fiches": ("export", "fiches"),
    "export_qdpx": ("export", "qdpx"), "export_codebook": ("export", "codebook"),
    "export_profile": ("export", "profile"), "snapshot": ("export", "snapshot"),
    "autocode": ("review", "autocode"), "suggestions": ("review", "suggestions"),
    "accept": ("review", "accept"), "reject": ("review", "reject"),
    "review_coding": ("review", "set"), "set_status": ("review", "set"),
    "rule_report": ("review", "rule_report"),
    "add_coder": ("team", "add_coder"), "coders": ("team", "coders"),
    "copy_for": ("team", "copy_for"), "merge": ("team", "merge"),
    "agreement": ("team", "agreement"), "disagreements": ("team", "disagreements"),
    "record_consensus": ("team", "record_consensus"),
    "accept_version": ("team", "accept_version"),
    "propose_pseudonyms": ("privacy", "propose"), "pseudonyms": ("privacy", "table"),
    "set_pseudonym": ("privacy", "set_pseudonym"),
    "person_entities": ("privacy", "person_entities"),
    "name_candidates": ("privacy", "candidates"), "review_names": ("privacy", "review_names"),
    "load_name_review": ("privacy", "load_review"), "name_reviews": ("privacy", "reviews"),
    "word_frequencies": ("words", "frequencies"), "distinctive_words": ("words", "distinctive"),
    "kwic": ("words", "kwic"), "wordcloud": ("words", "wordcloud"),
    "entities": ("words", "entities"), "sentiment": ("words", "sentiment"),
    "revert": ("history", "revert"),
}


class Project(ProjectData):
    """A qualitative-analysis project stored in SQLite (a folder) or PostgreSQL (a URL)."""

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path_or_url: str | Path, *, coder: str | None = None) -> Project:
        """Create a project (a folder holding project.sqlite, or an empty database URL);
        `coder` (who creates it) becomes its lead."""
        project = cls(Store.connect(path_or_url, create=True), coder=coder,
                      location=path_or_url)
        with project.store.write(project.coder) as w:
            set_coder(w, project.coder, "lead")
        return project

    @classmethod
    def open(cls, path_or_url: str | Path, *, coder: str | None = None) -> Project:
        """Open an existing project, upgrading its schema if it was made by an older version."""
        store = Store.connect(path_or_url, create=False)
        import_files.upgrade_if_needed(store)
        return cls(store, coder=coder, location=path_or_url)

    @classmethod
    def import_qdpx(cls, archive: str | Path, target: str | Path, *,
                    coder: str | None = None,
                    sources_folder: str | Path | None = None
                    ) -> tuple[Project, ExchangeReport]:
        """A new project from a REFI-QDA .qdpx archive, with the report of what was not
        carried over; `sources_folder`: the only folder texts kept outside the archive
        may be read from (without it, such an archive is refused)."""
        from workbench.refi import import_qdpx

        actor = coder or default_coder()
        report = import_qdpx(archive, target, coder=actor, sources_folder=sources_folder)
        return cls.open(target, coder=actor), report

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        if name in RENAMED:
            space, new = RENAMED[name]
            warnings.warn(f"p.{name}(…) s'écrit désormais p.{space}.{new}(…) ; l'ancien nom "
                          "sera retiré.", RenamedWarning, stacklevel=2)
            return getattr(getattr(self, space), new)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- namespaces ------------------------------------------------------------------------
    @property
    def analysis(self) -> Analyses:
        """Thematic, gender, actor and place analyses of the accepted codings."""
        from workbench.analyses import Analyses

        return Analyses(self)

    @cached_property
    def export(self) -> Exports:
        """Files: extracts tables, Excel and Word annexes, fiches, REFI-QDA, the codebook,
        the profile, snapshots for the COPIL."""
        from workbench.accessors.exports import Exports

        return Exports(self)

    @cached_property
    def review(self) -> Review:
        """Suggestions from the rules, accepting and rejecting codings, the rule report."""
        from workbench.accessors.review import Review

        return Review(self)

    @cached_property
    def assist(self) -> Assist:
        """Passages like a given one, and code suggestions learned from the team's codings
        (offline: nothing leaves the machine)."""
        from workbench.accessors.assist import Assist

        return Assist(self)

    @cached_property
    def team(self) -> Team:
        """Coders and roles, working copies and merges, agreement and consensus."""
        from workbench.accessors.team import Team

        return Team(self)

    @cached_property
    def privacy(self) -> Privacy:
        """The pseudonym table and the review of possible names (researchers only)."""
        from workbench.accessors.privacy import Privacy

        return Privacy(self)

    @cached_property
    def words(self) -> Words:
        """Word frequencies, distinctive words, keywords in context, word clouds,
        entities, tone."""
        from workbench.accessors.words import Words

        return Words(self)

    @cached_property
    def framework(self) -> Framework:
        """Case × theme summaries (framework matrix): the extracts of each cell and the
        summary a researcher writes beside them, validated by the lead."""
        from workbench.accessors.framework import Framework

        return Framework(self)

    @cached_property
    def media(self) -> Media:
        """The recordings linked to the documents: attach (referenced or copied), list
        with the state of each file, relink a moved one; the times of turns and
        passages."""
        from workbench.accessors.media import Media

        return Media(self)

    def play(self, document: str | int | Mapping[str, Any] | None = None,
             turn: int | None = None, *, start: int | None = None, end: int | None = None,
             coding: int | None = None) -> Playback:
        """Hear a turn (``p.play("E03", turn=12)``), a passage (start=, end=), an extract
        (a row of ``p.extracts()``, or coding=<id>) or a whole recording, in the notebook:
        see ``p.media.play``."""
        return self.media.play(document, turn, start=start, end=end, coding=coding)

    @cached_property
    def history(self) -> History:
        """The audit log (``p.history()``) and ``p.history.revert(txn)``."""
        from workbench.accessors.history import History

        return History(self)

    # -- documents -------------------------------------------------------------------------
    def import_file(self, path: str | Path, *, kind: str = "interview", name: str | None = None,
                    drop_unplaced: bool = False, **options: Any) -> importer.ImportResult:
        """Import one transcript; `options` go to the reader (pattern=, roles=)."""
        return import_files.import_file(self.store, self.coder, path, kind=kind, name=name,
                                        drop_unplaced=drop_unplaced, **options)

    def import_corpus(self, folder: str | Path | Sequence[str | Path], *,
                      attributes: str | Path | None = None,
                      kind: str = "interview", drop_unplaced: bool = False,
                      progress: bool = True, **options: Any) -> list[importer.ImportResult]:
        """Import every transcript of a folder (or of several files and folders) and its
        attributes sheet, all or nothing; a recording beside a transcript with the same
        name (``E01.vtt``, ``E01.wav``) is attached to its document (see ``p.media``)."""
        return import_files.import_corpus(self.store, self.coder, folder,
                                          attributes=attributes, kind=kind,
                                          drop_unplaced=drop_unplaced, progress=progress,
                                          **options)

    def import_survey(self, path: str | Path, **options: Any) -> SurveyImport:
        """Import a questionnaire (.xlsx or .csv, KoboToolbox and ODK Central exports
        included): one case per row, closed questions as attributes, each respondent's
        open answers as a document with one section per question. Re-importing an
        updated export adds the new rows and leaves coded answers in place. `options` go
        to `corpus.survey.read_survey` (id_column, open_questions, closed_questions,
        form, sheet, name_prefix, case_kind)."""
        return import_files.import_survey(self.store, self.coder, path, **options)

    def import_attributes(self, path: str | Path, **options: Any) -> list[str]:
        """Load (or reload) an attributes sheet for documents already imported."""
        return import_files.import_attributes(self.store, self.coder, path, **options)

    def set_reference(self, document: str | int, reference: str) -> None:
        """Give a document the short reference the team chose (ENT03…): extracts are cited
        as <reference>-T<turn>. Unique; the table reference → document stays in the project."""
        with self.store.write(self.coder) as w:
            importer.set_reference(w, find_document(w.conn, document)["id"], reference)

    def set_language(self, document: str | int, language: str) -> str:
        """Correct a document's detected language: an ISO 639-1 code ("fr", "en", "ar"…), a
        few ISO 639-3 ones (ary, shi, zgh) or "und"; returns the code stored. Audited
        (`undo` takes it back), kept by re-imports; word statistics, auto-coding and
        sentiment then use that language's pipeline, or leave the document out with a
        warning."""
        code = normalise_language(language)
        with self.store.write(self.coder) as w:
            importer.set_language(w, find_document(w.conn, document)["id"], code)
        return code

    def set_speaker_role(self, document: str | int, speaker: str, role: str) -> None:
        """Declare a speaker of a document the interviewer or a respondent (kept across
        re-imports; wins over the transcript's guess and the attributes sheet)."""
        with self.store.write(self.coder) as w:
            importer.declare_speaker(w, document, speaker, role)

    def remove_document(self, document: str | int) -> None:
        """Delete a document with its turns and codings (the audit log keeps the codings)."""
        with self.store.write(self.coder) as w:
            importer.remove_document(w, document)

    # -- study profile ---------------------------------------------------------------------
    def set_attribute(self, key: str, **changes: Any) -> StudyProfile:
        """Change an attribute's label, type, role, values (gender: value → women | men |
        other), bins (lower bounds of the age classes) or young (classes counted as young);
        saved as a new profile version (undo brings the previous one back)."""
        with self.store.write(self.coder) as w:
            return study_profile.change_attribute(w, key, **changes)

    def set_role(self, role: str, key: str | None) -> StudyProfile:
        """Say which attribute plays `role` (gender, age, cohort, residence, origin,
        organisation_type…; None: none). The gender values are mapped from their spelling."""
        with self.store.write(self.coder) as w:
            return study_profile.assign_role(w, role, key)

    def load_profile(self, path: str | Path) -> StudyProfile:
        """Load a profile edited as YAML or Excel (see ``p.export.profile``)."""
        with self.store.write(self.coder) as w:
            return study_profile.load_profile(w, path)

    # -- codebook --------------------------------------------------------------------------
    def load_codebook(self, path: str | Path) -> dict[str, list[str]]:
        """Load a YAML, Excel or REFI-QDA (.qdc) codebook; returns what changed (added,
        renamed, moved…)."""
        if Path(path).suffix.lower() == ".qdc":
            from workbench.refi import load_qdc
            return load_qdc(self, path)
        book = read_codebook(path)
        with self.store.write(self.coder) as w:
            return code_ops.apply_codebook(w, book, source=str(path))

    def rename_code(self, code: str, name: str) -> None:
        """Give a code another name (its id and codings stay)."""
        with self.store.write(self.coder) as w:
            code_ops.update_code(w, code_ops.resolve_code(w.conn, code)["id"], name=name)

    def move_code(self, code: str, parent: str | None) -> None:
        """Put a code under another (None: top level); its codings stay."""
        with self.store.write(self.coder) as w:
            target = code_ops.resolve_code(w.conn, parent)["id"] if parent else None
            code_ops.set_parent(w, code_ops.resolve_code(w.conn, code)["id"], target)

    def merge_codes(self, source: str, target: str) -> int:
        """Move every coding of `source` to `target`; returns how many moved."""
        with self.store.write(self.coder) as w:
            return code_ops.merge_code(w, code_ops.resolve_code(w.conn, source)["id"],
                                       code_ops.resolve_code(w.conn, target)["id"])

    # -- coding ----------------------------------------------------------------------------
    def code(self, document: str | int, start: int, end: int, code: str | Iterable[str], *,
             coder: str | None = None, memo: str | None = None, origin: str = "manual",
             status: str = "accepted") -> int | list[int]:
        """Code the span [start, end) of a document; several codes give several codings."""
        codes = [code] if isinstance(code, str) else list(code)
        with self.store.write(coder or self.coder) as w:
            ids = edits.code_span(w, document, start, end, codes, memo=memo, origin=origin,
                                  status=status)
        return ids[0] if isinstance(code, str) else ids

    def code_quote(self, document: str | int, quote: str, code: str | Iterable[str], *,
                   coder: str | None = None, memo: str | None = None, origin: str = "manual",
                   status: str = "accepted") -> int | list[int]:
        """Code the one place where `quote` occurs (whitespace-insensitive)."""
        codes = [code] if isinstance(code, str) else list(code)
        with self.store.write(coder or self.coder) as w:
            start, end = edits.quote_span(w, document, quote)
            ids = edits.code_span(w, document, start, end, codes, memo=memo, origin=origin,
                                  status=status)
        return ids[0] if isinstance(code, str) else ids

    def code_many(self, rows: Iterable[Mapping[str, Any]], *, coder: str | None = None,
                  progress: bool = False) -> list[int]:
        """Code a batch in one transaction; rows have document, code, and start/end or quote."""
        with self.store.write(coder or self.coder) as w:
            return edits.code_rows(w, rows, progress=progress)

    def code_turns(self, code: str, *, speaker: str | list[str] | None = None,
                   role: str | None = None, section: str | None = None,
                   documents: Iterable[str | int] | None = None,
                   status: str = "accepted") -> list[int]:
        """Code every turn of a speaker or role, or under a section (regex), in one go.

        Origin records how: 'speaker:<label>', 'role:<role>' or 'section:<pattern>'.
        Turns already coded with this code on the same span are skipped.
        """
        with self.store.write(self.coder) as w:
            return edits.code_turns(w, code, documents=documents, speaker=speaker, role=role,
                                    section=section, status=status)

    def uncode(self, coding_id: int) -> None:
        """Remove one coding (undo brings it back)."""
        with self.store.write(self.coder) as w:
            delete_coding(w, coding_id)

    def recode(self, coding_id: int, code: str) -> None:
        """Give an existing coding another code; span, coder and memo stay."""
        with self.store.write(self.coder) as w:
            edits.recode(w, coding_id, code)

    def memo(self, target: str, text: str, *, document: str | int | None = None,
             code: str | None = None, coding: int | None = None) -> int:
        """A memo on the project, a document, a code or a coding (`target` says which).

        A coding's memo is its `memo` field (shown in extracts and exports); the
        others are rows of the memos table. Returns the memo's (or coding's) id.
        """
        with self.store.write(self.coder) as w:
            return edits.write_memo(w, target, text, document=document, code=code,
                                    coding=coding)

    # -- safety ----------------------------------------------------------------------------
    def undo(self) -> int:
        """Undo this coder's most recent change that is not yet undone."""
        with self.store.read() as conn:
            txn = last_undoable(conn, self.coder, UNDOABLE_ENTITIES, UNDOABLE_ACTIONS)
        if txn is None:
            raise NothingToUndo(f"Rien à annuler pour {self.coder}.")
        return self.history.revert(txn)

    def verify(self) -> Verification:
        """Re-read every coding's quote from its document and report any that does not fit."""
        with self.store.read() as conn:
            return verify_codings(conn)

    def backup(self, destination: str | Path) -> Path:
        """A consistent copy of this SQLite project (a file, or a folder for a dated name),
        taken even while others are coding; a PostgreSQL project is saved with pg_dump."""
        from workbench.store.backup import backup
        return backup(self.store, destination)
