"""`Project`: the one object a notebook holds. Thin: it delegates to the layers."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, select
from tqdm.auto import tqdm

from workbench import importer
from workbench.analyses import ANALYSED
from workbench.codebook import Codebook, read_codebook, write_codebook
from workbench.coding import codes as code_ops
from workbench.coding import codings as coding_ops
from workbench.coding.coders import coders_frame, role_of, set_coder
from workbench.coding.extracts import CodeSpec, WhereValue, apply_where, case_table, turn_table
from workbench.coding.extracts import extracts as build_extracts
from workbench.coding.review import new_suggestions, rule_report, store_suggestions
from workbench.coding.review import set_status as set_review_status
from workbench.coding.structure import select_turns
from workbench.corpus.attributes import normalise_kind, read_attributes
from workbench.corpus.readers import SUPPORTED, read_document, same_names, turn_summary
from workbench.errors import CorpusError, NotFoundError, NothingToUndo, WorkbenchError
from workbench.export.tables import write_table
from workbench.name_check import (
    Sensitive,
    find_candidates,
    refuse_leaks,
    refuse_unreviewed,
    review_table,
    reviewed_names,
    save_reviews,
    sensitive_names,
)
from workbench.name_review_file import read_name_review
from workbench.nlp.languages import effective_language, normalise_language
from workbench.nlp.pseudonyms import KINDS as ALL_NAME_KINDS
from workbench.nlp.pseudonyms import (
    PseudonymEntry,
    fold,
    name_spans,
    person_entities,
    pseudonymise_frame,
)
from workbench.parsed import (
    document_languages,
    document_texts,
    keep_languages,
    kwic_tokens,
    parse_documents,
    project_tokens,
    tokens_with_turns,
)
from workbench.privacy import (
    name_words,
    proposals,
    protected_values,
    save_entries,
    stored_table,
    table_frame,
)
from workbench.profile import StudyProfile
from workbench.profile.files import read_profile, write_profile
from workbench.profile.infer import gender_values
from workbench.profile.stored import (
    current_profile,
    declare_speaker_role,
    profile_versions,
    save_profile,
)
from workbench.store import Store
from workbench.store import schema as s
from workbench.store.revert import revert_txn

# Modules that one feature needs (analyses, team work, word statistics, sentiment, charts,
# the annexes) are imported by the methods that use them: `import workbench` and the
# commands that only open a project and query it stay quick (tests/test_startup.py).
if TYPE_CHECKING:
    from workbench.analyses import Analyses
    from workbench.export.annex_xlsx import AnnexReport
    from workbench.merge import MergeReport


# What `undo` takes back: coding work, the profile, roles, languages and references
# (an import is undone with `revert(txn)`).
UNDOABLE_ENTITIES = ("codings", "codes", "memos", "study_profiles", "speaker_roles",
                     "name_reviews")
UNDOABLE_ACTIONS = ("set-language", "reference")
# Columns that identify rows (a code's id, a status): never rewritten by pseudonymisation.
IDENTIFIERS = ("code", "key", "parent", "origin", "status", "coder")


def default_coder() -> str:
    """Who is coding: $WORKBENCH_CODER, else the login name."""
    return os.environ.get("WORKBENCH_CODER") or getpass.getuser()


@dataclass
class Verification:
    """The result of `Project.verify()`: every coding re-read against its document."""

    checked: int
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        return self.problems.empty

    def __str__(self) -> str:
        if self.ok:
            return (f"OK : {self.checked} codage(s) vérifié(s), toutes les citations "
                    "correspondent à leurs documents.")
        return (f"{len(self.problems)} problème(s) dans {self.checked} codage(s) :\n"
                + self.problems.to_string(index=False))


class Project:
    """A qualitative-analysis project stored in SQLite (a folder) or PostgreSQL (a URL)."""

    def __init__(self, store: Store, *, coder: str | None = None,
                 location: str | Path | None = None) -> None:
        self.store = store
        self.coder = coder or default_coder()
        self.location = location
        self._candidates: tuple[Any, pd.DataFrame] | None = None

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
        with store.read() as conn:
            untagged = conn.execute(select(s.turns.c.id).where(s.turns.c.script.is_(None))
                                    .limit(1)).first()
        unreferenced = conn_first(store, select(s.documents.c.id)
                                  .where(s.documents.c.reference.is_(None)).limit(1))
        if untagged or unreferenced:
            with store.write("workbench") as w:
                importer.fill_missing_scripts(w)
                importer.fill_missing_references(w)
        return cls(store, coder=coder, location=path_or_url)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({self.store.where!r}, coder={self.coder!r})"

    # -- documents -------------------------------------------------------------------------
    @property
    def analysis(self) -> Analyses:
        """Thematic, gender, actor and place analyses of the accepted codings."""
        from workbench.analyses import Analyses

        return Analyses(self)

    def import_file(self, path: str | Path, *, kind: str = "interview", name: str | None = None,
                    drop_unplaced: bool = False, **options: Any) -> importer.ImportResult:
        """Import one transcript; `options` go to the reader (pattern=, roles=)."""
        path = Path(path)
        options.setdefault("progress", True)  # a bar only shows for large texts
        parsed = read_document(path, **options)
        with self.store.write(self.coder) as w:
            result = importer.write_document(
                w, name or importer.document_name(path), parsed, kind=_kind(kind),
                source=str(path), drop_unplaced=drop_unplaced)
            result.warnings = [*result.warnings,
                               *importer.role_warnings(w.conn, [result.document_id])]
        result.summary = turn_summary(parsed)
        return result

    def import_corpus(self, folder: str | Path | Sequence[str | Path], *,
                      attributes: str | Path | None = None,
                      kind: str = "interview", drop_unplaced: bool = False,
                      progress: bool = True, **options: Any) -> list[importer.ImportResult]:
        """Import every transcript of a folder (or of several files and folders) and its
        attributes sheet, all or nothing."""
        paths = [Path(folder)] if isinstance(folder, str | Path) else [Path(p) for p in folder]
        folder = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
        files = []
        for path in paths:
            if not (path.is_dir() or path.is_file()):
                raise CorpusError(f"{path} : ni fichier ni dossier à cet endroit ; vérifiez le "
                                  "chemin.")
            files += corpus_files(path, exclude=attributes) if path.is_dir() else [path]
        files = list(dict.fromkeys(files))
        if not files:
            raise CorpusError(f"{folder} : aucune transcription trouvée (types pris en charge : "
                              f"{', '.join(SUPPORTED)}).")
        parsed, problems = {}, []
        for path in tqdm(files, desc="Lecture des transcriptions", disable=not progress,
                         unit="doc"):
            try:
                parsed[path] = read_document(path, **options)
            except WorkbenchError as exc:
                problems.append(str(exc))
        if problems:
            raise CorpusError(f"{folder} : {len(problems)} fichier(s) ne peuvent pas être "
                              "importés, rien n'a été importé :\n  - " + "\n  - ".join(problems))
        names = {path: importer.document_name(path) for path in files}
        same_names(names)
        shared = importer.shared_codes(names.values())
        sheet = None
        if attributes is not None:
            known = self._known_speakers()
            known.update({names[p]: sorted({t.speaker for t in doc.turns if t.speaker})
                          for p, doc in parsed.items()})
            sheet = read_attributes(Path(attributes), known=known)
        doc_kinds = {d.name: d.kind for d in sheet.documents} if sheet else {}
        results = []
        with self.store.write(self.coder) as w:
            for path, doc in parsed.items():
                name = names[path]
                result = importer.write_document(
                    w, name, doc, kind=_kind(doc_kinds.get(name) or kind), source=str(path),
                    drop_unplaced=drop_unplaced, shared=shared)
                result.summary = turn_summary(doc)
                results.append(result)
            if sheet is not None:
                importer.write_sheet(w, sheet, source=str(attributes))
            else:
                save_profile(w, current_profile(w.conn), source=str(folder))
            warnings = importer.role_warnings(w.conn, [r.document_id for r in results])
        for result in results:
            result.warnings = [*result.warnings, *(m for m in warnings
                                                    if m.startswith(f"« {result.document} »"))]
        return results

    def import_attributes(self, path: str | Path, **options: Any) -> list[str]:
        """Load (or reload) an attributes sheet for documents already imported."""
        sheet = read_attributes(Path(path), known=self._known_speakers(), **options)
        with self.store.write(self.coder) as w:
            warnings = importer.write_sheet(w, sheet, source=str(path))
            return warnings + importer.role_warnings(w.conn)

    def _known_speakers(self) -> dict[str, list[str]]:
        with self.store.read() as conn:
            rows = conn.execute(select(s.documents.c.name, s.turns.c.speaker).distinct()
                                .select_from(s.documents.outerjoin(s.turns))).all()
        known: dict[str, list[str]] = {}
        for name, speaker in rows:
            known.setdefault(name, [])
            if speaker is not None:
                known[name].append(speaker)
        return known

    def documents(self) -> pd.DataFrame:
        """One row per document: name, kind, language, length, turns, codings, encoding,
        source ("und": language undetermined, analysed as French)."""
        d = s.documents
        turns = (select(func.count()).where(s.turns.c.document_id == d.c.id)
                 .correlate(d).scalar_subquery())
        codings = (select(func.count()).where(s.codings.c.document_id == d.c.id)
                   .correlate(d).scalar_subquery())
        query = select(d.c.id, d.c.reference, d.c.name, d.c.kind, d.c.language, d.c.length,
                       turns.label("turns"),
                       codings.label("codings"), d.c.encoding, d.c.source, d.c.sha256,
                       d.c.imported_at).order_by(d.c.name)
        with self.store.read() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def _document(self, conn: Any, document: str | int) -> dict[str, Any]:
        d = s.documents
        cond = d.c.id == document if isinstance(document, int) else d.c.name == str(document)
        row = conn.execute(select(d).where(cond)).mappings().first()
        if row is None:
            names = conn.execute(select(d.c.name).order_by(d.c.name).limit(20)).scalars().all()
            raise NotFoundError(f"aucun document « {document} » dans le projet. Documents "
                                "connus : " + ", ".join(names))
        return dict(row)

    def set_reference(self, document: str | int, reference: str) -> None:
        """Give a document the short reference the team chose (ENT03…): extracts are cited
        as <reference>-T<turn>. Unique; the table reference → document stays in the project."""
        with self.store.write(self.coder) as w:
            importer.set_reference(w, self._document(w.conn, document)["id"], reference)

    def text(self, document: str | int, start: int = 0, end: int | None = None) -> str:
        """The stored (normalised) text of a document, or a slice of it."""
        with self.store.read() as conn:
            return self._document(conn, document)["text"][start:end]

    def turns(self, document: str | int, *, pseudonymise: bool = False) -> pd.DataFrame:
        """The document's speaker turns with their text, in order (optionally pseudonymised)."""
        with self.store.read() as conn:
            doc = self._document(conn, document)
            result = conn.execute(select(s.turns).where(s.turns.c.document_id == doc["id"])
                                  .order_by(s.turns.c.idx))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        frame["text"] = [doc["text"][a:b] for a, b in zip(frame["start"], frame["end"],
                                                            strict=True)]
        frame = frame.drop(columns=["id", "document_id"])
        return self.pseudonymise(frame) if pseudonymise else frame

    def set_language(self, document: str | int, language: str) -> str:
        """Correct a document's detected language: an ISO 639-1 code ("fr", "en", "ar"…), a
        few ISO 639-3 ones (ary, shi, zgh) or "und"; returns the code stored. Audited
        (`revert` undoes it), kept by re-imports; word statistics, auto-coding and sentiment
        then use that language's pipeline, or leave the document out with a warning."""
        code = normalise_language(language)
        with self.store.write(self.coder) as w:
            importer.set_language(w, self._document(w.conn, document)["id"], code)
        return code

    def cases(self) -> pd.DataFrame:
        """One row per case with its attributes as columns (unit: cases)."""
        with self.store.read() as conn:
            return case_table(conn)

    # -- study profile ---------------------------------------------------------------------
    def profile(self) -> StudyProfile:
        """The study profile: label, type and role of each attribute (guessed at import,
        corrected with `set_attribute`, `set_role` or `load_profile`)."""
        with self.store.read() as conn:
            return current_profile(conn)

    def set_attribute(self, key: str, **changes: Any) -> StudyProfile:
        """Change an attribute's label, type, role, values (gender: value → women | men |
        other), bins (lower bounds of the age classes) or young (classes counted as young);
        saved as a new profile version (undo brings the previous one back)."""
        with self.store.write(self.coder) as w:
            profile = current_profile(w.conn).changed(key, **changes)
            save_profile(w, profile, source="set_attribute")
        return profile

    def set_role(self, role: str, key: str | None) -> StudyProfile:
        """Say which attribute plays `role` (gender, age, generation, residence, origin,
        organisation_type…; None: none). The gender values are mapped from their spelling."""
        with self.store.write(self.coder) as w:
            profile = current_profile(w.conn).with_role(role, key)
            spec = profile.get(key) if key else None
            if role == "gender" and spec is not None and not spec.values:
                values = case_table(w.conn).get(key, pd.Series(dtype=object))
                profile = profile.changed(key, values=gender_values(values) or {})
            save_profile(w, profile, source="set_role")
        return profile

    def load_profile(self, path: str | Path) -> StudyProfile:
        """Load a profile edited as YAML or Excel (see `export_profile`)."""
        loaded = read_profile(path)
        with self.store.write(self.coder) as w:
            save_profile(w, loaded, source=str(path))
            return current_profile(w.conn)

    def export_profile(self, path: str | Path) -> Path:
        """Write the profile to .yaml or .xlsx, to edit it and load it back."""
        return write_profile(self.profile(), path)

    def profile_versions(self) -> pd.DataFrame:
        """Every saved version of the profile: date, author, source, what changed."""
        with self.store.read() as conn:
            return profile_versions(conn)

    def set_speaker_role(self, document: str | int, speaker: str, role: str) -> None:
        """Declare a speaker of a document the interviewer or a respondent (kept across
        re-imports; wins over the transcript's guess and the attributes sheet)."""
        with self.store.write(self.coder) as w:
            doc = self._document(w.conn, document)
            known = set(w.conn.execute(select(s.turns.c.speaker).where(
                s.turns.c.document_id == doc["id"]).distinct()).scalars()) - {None}
            if speaker not in known:
                raise NotFoundError(f"« {doc['name']} » n'a pas de locuteur « {speaker} » "
                                    f"(locuteurs : {', '.join(sorted(known)) or 'aucun'}).")
            declare_speaker_role(w, doc["id"], speaker, role, source="manual")

    def speakers(self) -> pd.DataFrame:
        """One row per (document, speaker): role, turns, and the case it is linked to."""
        with self.store.read() as conn:
            turns = turn_table(conn)
        grouped = turns.dropna(subset=["speaker"]).groupby(
            ["document", "speaker"], sort=True, dropna=False)
        out = grouped.agg(role=("role", "first"), turns=("idx", "size"),
                          case=("case", "first")).reset_index()
        return out

    def remove_document(self, document: str | int) -> None:
        """Delete a document with its turns and codings (the audit log keeps the codings)."""
        with self.store.write(self.coder) as w:
            doc = self._document(w.conn, document)
            for coding_id in w.conn.execute(select(s.codings.c.id).where(
                    s.codings.c.document_id == doc["id"])).scalars().all():
                coding_ops.delete_coding(w, coding_id)
            w.conn.execute(s.documents.delete().where(s.documents.c.id == doc["id"]))
            w.log("remove", "documents", doc["id"], before=importer._doc_summary(doc))

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

    def codebook(self) -> Codebook:
        with self.store.read() as conn:
            return code_ops.stored_codebook(conn)

    def export_codebook(self, path: str | Path) -> Path:
        """Write the project's codebook to .yaml, .xlsx or REFI-QDA .qdc."""
        if Path(path).suffix.lower() == ".qdc":
            from workbench.refi import export_qdc
            export_qdc(self, path)
            return Path(path)
        return write_codebook(self.codebook(), path)

    def codes(self) -> pd.DataFrame:
        """The active codes in tree order with key, path, depth and colour."""
        with self.store.read() as conn:
            frame = code_ops.codes_frame(conn)
        return frame[["id", "key", "name", "parent", "path", "depth", "color", "description",
                      "inclusion", "exclusion", "example"]]

    def codebook_versions(self) -> pd.DataFrame:
        with self.store.read() as conn:
            result = conn.execute(select(s.codebook_versions.c.id, s.codebook_versions.c.created_at,
                                         s.codebook_versions.c.source,
                                         s.codebook_versions.c.changes))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def rename_code(self, code: str, name: str) -> None:
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
        many = not isinstance(code, str)
        refs = list(code) if many else [code]  # type: ignore[arg-type]
        with self.store.write(coder or self.coder) as w:
            doc = self._document(w.conn, document)
            span = [coding_ops.as_offset(v, name=k, document=doc["name"])
                    for k, v in (("start", start), ("end", end))]
            items = [coding_ops.NewCoding(doc["id"], code_ops.resolve_code(w.conn, ref)["id"],
                                          *span, coder or self.coder, origin,
                                          status, memo) for ref in refs]
            ids = coding_ops.add_codings(w, items, texts={doc["id"]: doc["text"]},
                                         names={doc["id"]: doc["name"]})
        return ids if many else ids[0]

    def code_quote(self, document: str | int, quote: str, code: str | Iterable[str], *,
                   coder: str | None = None, memo: str | None = None, origin: str = "manual",
                   status: str = "accepted") -> int | list[int]:
        """Code the one place where `quote` occurs (whitespace-insensitive)."""
        with self.store.read() as conn:
            doc = self._document(conn, document)
        start, end = coding_ops.locate_quote(doc["text"], quote, document=doc["name"])
        return self.code(doc["id"], start, end, code, coder=coder, memo=memo, origin=origin,
                         status=status)

    def code_many(self, rows: Iterable[Mapping[str, Any]], *, coder: str | None = None,
                  progress: bool = False) -> list[int]:
        """Code a batch in one transaction; rows have document, code, and start/end or quote."""
        rows = list(rows)
        with self.store.write(coder or self.coder) as w:
            docs: dict[Any, dict[str, Any]] = {}
            code_ids: dict[str, int] = {}
            items = []
            for row in tqdm(rows, desc="Codage", disable=not progress, unit="codage"):
                ref = row["document"]
                if ref not in docs:
                    docs[ref] = self._document(w.conn, ref)
                doc = docs[ref]
                if row["code"] not in code_ids:
                    code_ids[row["code"]] = code_ops.resolve_code(w.conn, row["code"])["id"]
                if row.get("quote") is not None:
                    start, end = coding_ops.locate_quote(doc["text"], row["quote"],
                                                         document=doc["name"])
                else:
                    start, end = (coding_ops.as_offset(row.get(k), name=k, document=doc["name"])
                                  for k in ("start", "end"))
                items.append(coding_ops.NewCoding(
                    doc["id"], code_ids[row["code"]], start, end,
                    row.get("coder") or coder or self.coder, row.get("origin", "manual"),
                    row.get("status", "accepted"), row.get("memo")))
            return coding_ops.add_codings(
                w, items, texts={d["id"]: d["text"] for d in docs.values()},
                names={d["id"]: d["name"] for d in docs.values()})

    def uncode(self, coding_id: int) -> None:
        """Remove one coding (undo brings it back)."""
        with self.store.write(self.coder) as w:
            coding_ops.delete_coding(w, coding_id)

    def recode(self, coding_id: int, code: str) -> None:
        """Give an existing coding another code; span, coder and memo stay."""
        with self.store.write(self.coder) as w:
            coding_ops.update_coding(w, coding_id,
                                     code_id=code_ops.resolve_code(w.conn, code)["id"])

    def set_status(self, coding_id: int, status: str, *, memo: str | None = None) -> None:
        """Accept or reject a coding, optionally replacing its memo (see `review_coding`
        for the lead's review with a comment; the same rights apply)."""
        with self.store.write(self.coder) as w:
            set_review_status(w, [coding_id], status, memo=memo)

    def memo(self, target: str, text: str, *, document: str | int | None = None,
             code: str | None = None, coding: int | None = None) -> int:
        """A memo on the project, a document, a code or a coding (`target` says which).

        A coding's memo is its `memo` field (shown in extracts and exports); the
        others are rows of the memos table. Returns the memo's (or coding's) id.
        """
        with self.store.write(self.coder) as w:
            if target == "coding":
                if coding is None:
                    raise WorkbenchError("memo('coding', …) : donnez coding=<id> (le numéro "
                                         "du codage).")
                coding_ops.update_coding(w, int(coding), memo=text)
                return int(coding)
            target_id: int | None = None
            if target == "document":
                if document is None:
                    raise WorkbenchError("memo('document', …) : donnez document=<nom>.")
                target_id = self._document(w.conn, document)["id"]
            elif target == "code":
                if code is None:
                    raise WorkbenchError("memo('code', …) : donnez code=<id> (le code).")
                target_id = code_ops.resolve_code(w.conn, code)["id"]
            return coding_ops.add_memo(w, target, target_id, text)

    def memos(self) -> pd.DataFrame:
        with self.store.read() as conn:
            result = conn.execute(select(s.memos).order_by(s.memos.c.id))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def extracts(self, codes: CodeSpec = None, *, where: Mapping[str, WhereValue] | None = None,
                 scope: str = "overlap", coder: str | Iterable[str] | None = None,
                 status: str | Iterable[str] | None = "accepted",
                 include_children: bool = True, pseudonymise: bool = False,
                 reviewed_by: str | Iterable[str] | None = None) -> pd.DataFrame:
        """One row per coded extract with its reference, speaker, case and attributes.

        `status`: accepted codings by default, as the analyses and annexes count them;
        "suggested", "rejected", a list, or "all" (None) for every status.

        `codes`: a code, a list (any of), or an expression like "femmes & actions.eau"
        or "liens & ~obstacles", evaluated per `scope` (overlap, turn or document).
        `where`: {column or attribute: value | [values] | predicate}.
        `pseudonymise`: names replaced by pseudonyms (for anything shown to the COPIL).
        """
        if status == "all":
            status = None
        with self.store.read() as conn:
            frame = build_extracts(conn, codes=codes, where=where, scope=scope, coder=coder,
                                   status=status, include_children=include_children,
                                   reviewed_by=reviewed_by)
        return self.pseudonymise(frame) if pseudonymise else frame

    def snapshot(self, folder: str | Path, name: str, *, names_reviewed: bool = False) -> Any:
        """Freeze the project for the COPIL: a pseudonymised, read-only copy of the accepted
        codings, the codebook version, the coders and the date, in a new project folder
        that the apps can serve (`workbench app --project FOLDER`). See `snapshot.py`."""
        from workbench.snapshot import make_snapshot

        return make_snapshot(self, folder, name, names_reviewed=names_reviewed)

    def snapshot_info(self) -> Any:
        """What this project is if it is a snapshot (name, date, codebook version,
        coders), else None."""
        from workbench.snapshot import snapshot_info

        with self.store.read() as conn:
            return snapshot_info(conn)

    def export_extracts(self, path: str | Path, codes: CodeSpec = None, *,
                        where: Mapping[str, WhereValue] | None = None,
                        status: str | Iterable[str] | None = "accepted",
                        pseudonymise: bool = True, names_reviewed: bool = False,
                        columns: Sequence[str] | None = None) -> Path:
        """Write the selected extracts as a table (.csv or .xlsx, formula-safe), with all
        their columns or `columns`.

        Pseudonymised by default, and then written only when no real name and no
        unreviewed possible name is left in it (`check_names`; `names_reviewed` once
        `name_candidates()` has been read)."""
        frame = self.extracts(codes, where=where, status=status, pseudonymise=pseudonymise)
        if columns is not None:
            frame = frame[[c for c in columns if c in frame.columns]]
        if pseudonymise:
            self.check_names(frame, f"Le tableau d'extraits {Path(path).name}",
                             names_reviewed=names_reviewed)
        return write_table(frame, path)

    def export_annex(self, path: str | Path, codes: CodeSpec = None, *,
                     where: Mapping[str, WhereValue] | None = None,
                     status: str | Iterable[str] = "accepted", layout: str = "themes",
                     attributes: Sequence[str] | None = None, pseudonymise: bool = True,
                     matrix: str | Sequence[str] | None = None,
                     cooccurrence: str | None = None,
                     tables: Mapping[str, pd.DataFrame] | None = None,
                     names_reviewed: bool = False) -> AnnexReport:
        """The Excel annex (.xlsx, or .csv for the master table) of the selected extracts.

        A summary sheet links each code to its extracts; `layout` "themes" writes one
        sheet per top-level code, "master" one sheet; `matrix` (attribute names) and
        `cooccurrence` (a scope) add analysis sheets; names are pseudonymised by default,
        and a pseudonymised annex is refused while a real name or an unreviewed possible
        name would be in it (`names_reviewed=True` once `name_candidates()` is read).
        """
        from workbench.export.annex import export_annex

        return export_annex(self, path, codes, where=where, status=status, layout=layout,
                            attributes=attributes, pseudonymise=pseudonymise, matrix=matrix,
                            cooccurrence=cooccurrence, tables=tables,
                            names_reviewed=names_reviewed)

    def export_word_annex(self, path: str | Path, **options: Any) -> Path:
        """The Word annex: extracts by theme and sub-theme, and « Personnes rencontrées »
        (see `workbench.export.word_annex.export_word_annex` for the options)."""
        from workbench.export.word_annex import export_word_annex
        return export_word_annex(self, path, **options)

    def export_fiches(self, folder: str | Path, kind: str = "signaletique",
                      **options: Any) -> Any:
        """Fiches signalétiques (one per organisation) or de capitalisation (one per
        initiative), .docx from an editable template plus one .xlsx row each."""
        from workbench.export import fiches
        if kind == "signaletique":
            return fiches.export_fiches_signaletiques(self, folder, **options)
        if kind == "capitalisation":
            return fiches.export_fiches_capitalisation(self, folder, **options)
        raise WorkbenchError(f"Type de fiche « {kind} » inconnu : « signaletique » ou "
                             "« capitalisation ».")

    def export_qdpx(self, path: str | Path, **options: Any) -> Any:
        """The project as a REFI-QDA .qdpx archive (for NVivo, ATLAS.ti, MAXQDA…)."""
        from workbench.refi import export_qdpx
        return export_qdpx(self, path, **options)

    @classmethod
    def import_qdpx(cls, archive: str | Path, target: str | Path, *,
                    coder: str | None = None,
                    sources_folder: str | Path | None = None) -> tuple[Project, Any]:
        """A new project from a REFI-QDA .qdpx archive, with the report of what was not
        carried over; `sources_folder`: the only folder texts kept outside the archive
        may be read from (without it, such an archive is refused)."""
        from workbench.refi import import_qdpx
        return import_qdpx(archive, target, coder=coder, sources_folder=sources_folder)

    # -- auto-coding and review ------------------------------------------------------------
    def tokens(self, documents: Iterable[str | int] | None = None, *,
               progress: bool = True) -> pd.DataFrame:
        """One row per token (lemma, sentence, markup flags…) with turn, speaker and case;
        each document parsed in its language, those without a spaCy model left out (warning)."""
        return project_tokens(self.store, self.location, documents=self._doc_ids(documents),
                              progress=progress)

    def autocode(self, codes: Iterable[str] | None = None, *,
                 documents: Iterable[str | int] | None = None,
                 progress: bool = True) -> pd.DataFrame:
        """Propose codings from the codebook's rules (status 'suggested', origin 'rule:<id>').

        Spans already coded with the same code — accepted or rejected — are not
        proposed again. Returns per rule the matches and the new suggestions.
        """
        from workbench.autocoding import run_rules

        return run_rules(self.store, self.location, self.coder, codes=codes,
                         documents=self._doc_ids(documents), progress=progress)

    def suggestions(self, *, rule: str | None = None, code: str | None = None,
                    document: str | None = None) -> pd.DataFrame:
        """Suggested codings still waiting for review, as extracts."""
        frame = self.extracts(code, status="suggested")
        if rule is not None:
            frame = frame[frame["origin"] == f"rule:{rule}"]
        if document is not None:
            frame = frame[frame["document"] == document]
        return frame.reset_index(drop=True)

    def accept(self, ids: int | Iterable[int], *, comment: str | None = None) -> int:
        """Accept codings or suggestions: they become ordinary codings (their origin stays)."""
        return self.review_coding(ids, "accepted", comment=comment)

    def reject(self, ids: int | Iterable[int], *, comment: str | None = None) -> int:
        """Reject codings or suggestions: kept as rejected, never proposed again."""
        return self.review_coding(ids, "rejected", comment=comment)

    def review_coding(self, ids: int | Iterable[int], status: str, *,
                      comment: str | None = None, bulk: bool = False) -> int:
        """Set the status of codings as their reviewer, with an optional comment.

        Reviewer, date and comment show in extracts (`reviewed_by`, `reviewed_at`,
        `review_comment`) and in the Excel annex. Another coder's codings can only be
        reviewed by a lead (RoleError otherwise, nothing changed); anyone decides on
        their own codings and on pending rule suggestions. Returns how many changed.
        """
        with self.store.write(self.coder) as w:
            return set_review_status(w, [ids] if isinstance(ids, int) else ids, status,
                                     comment=comment, bulk=bulk)

    def review(self, action: str, *, rule: str | None = None, code: str | None = None,
               document: str | None = None) -> int:
        """Accept or reject in bulk every pending suggestion of a rule, code or document
        (recorded as a bulk review: the rule report's precision leaves them out)."""
        if action not in ("accept", "reject"):
            raise WorkbenchError(f"action de relecture « {action} » inconnue : écrivez "
                                 "« accept » (accepter) ou « reject » (rejeter).")
        ids = self.suggestions(rule=rule, code=code, document=document)["coding_id"].tolist()
        return self.review_coding(ids, "accepted" if action == "accept" else "rejected",
                                  bulk=True)

    def rule_report(self) -> pd.DataFrame:
        """Per rule: suggestions, accepted, rejected, pending, bulk decisions and the
        precision of the suggestions reviewed one by one."""
        from workbench.autocoding import rules_frame, stored_rules

        rules = rules_frame(stored_rules(self.store))
        with self.store.read() as conn:
            return rule_report(conn, rules)

    def code_turns(self, code: str, *, speaker: str | list[str] | None = None,
                   role: str | None = None, section: str | None = None,
                   documents: Iterable[str | int] | None = None,
                   status: str = "accepted") -> list[int]:
        """Code every turn of a speaker or role, or under a section (regex), in one go.

        Origin records how: 'speaker:<label>', 'role:<role>' or 'section:<pattern>'.
        Turns already coded with this code on the same span are skipped.
        """
        how = (f"speaker:{speaker}" if speaker is not None else f"role:{role}"
               if role is not None else f"section:{section}")
        with self.store.read() as conn:
            turns = turn_table(conn, self._doc_ids(documents))
            code_id = code_ops.resolve_code(conn, code)["id"]
        chosen = select_turns(turns, speaker=speaker, role=role, section=section)
        found = pd.DataFrame({"document_id": chosen["document_id"], "code_id": code_id,
                              "start": chosen["start"], "end": chosen["end"], "rule": how})
        texts = document_texts(self.store, set(found["document_id"]))
        names = dict(zip(turns["document_id"], turns["document"], strict=True))
        with self.store.write(self.coder) as w:
            fresh = new_suggestions(w.conn, found)
            return store_suggestions(w, fresh, texts=texts, names=names, origin_prefix="",
                                     status=status)

    def _doc_ids(self, documents: Iterable[str | int] | None) -> list[int] | None:
        if documents is None:
            return None
        with self.store.read() as conn:
            return [self._document(conn, d)["id"] for d in documents]

    # -- pseudonyms ------------------------------------------------------------------------
    def _pseudonym_rules(self) -> tuple[list[PseudonymEntry], list[str]]:
        """The pseudonym table and the protected place names, read together."""
        with self.store.read() as conn:
            return stored_table(conn), protected_values(conn)

    def propose_pseudonyms(self) -> pd.DataFrame:
        """Give every case and named speaker a stable pseudonym ("Enquêtée F3", "Élu 2").

        Existing entries never change; new people get the next number. Returns the
        table (researchers only: it must never go into a COPIL output).
        """
        with self.store.write(self.coder) as w:
            save_entries(w, proposals(w.conn))
        return self.pseudonyms()

    def pseudonyms(self) -> pd.DataFrame:
        """The pseudonym table: real, pseudonym, kind, source."""
        with self.store.read() as conn:
            return table_frame(stored_table(conn))

    def set_pseudonym(self, real: str, pseudonym: str, *, kind: str = "person",
                      source: str = "manual") -> None:
        """Add a name (e.g. a person entity the researcher confirmed) or change a pseudonym."""
        with self.store.write(self.coder) as w:
            save_entries(w, [PseudonymEntry(real, pseudonym, kind, source)])

    def person_entities(self) -> pd.DataFrame:
        """Person names spaCy finds in the texts that the table does not cover yet."""
        table, protect = self._pseudonym_rules()
        return person_entities(document_texts(self.store), table, protect=protect)

    def pseudonymise(self, frame: pd.DataFrame, *,
                     columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A copy of any table (extracts, turns, KWIC…) with names replaced by pseudonyms
        and name-carrying columns dropped; the pseudonym table itself is never included.
        `columns`: the text columns to replace names in (default: the usual text columns:
        text, quote, speaker, case, memo…; another column holding a name is dropped)."""
        table, protect = self._pseudonym_rules()
        options = {"columns": tuple(columns)} if columns is not None else {}
        out, _dropped = pseudonymise_frame(self._without_identifying(frame), table,
                                           protect=protect, keep=IDENTIFIERS, **options)
        return out

    def _without_identifying(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` without the attributes the profile says name a person (the interviewer),
        and with documents named by their reference, never by their file name."""
        profile = self.profile()
        keys = {a.key for a in profile.attributes if a.role == "interviewer"}
        drop = [c for c in frame.columns
                if c in keys or (isinstance(c, str) and c.split("_", 1)[-1] in keys
                                 and c.split("_", 1)[0] in ("document", "case"))]
        out = frame.drop(columns=drop)
        if "document" in out.columns:
            with self.store.read() as conn:
                references = dict(conn.execute(select(s.documents.c.name,
                                                      s.documents.c.reference)).all())
            out = out.assign(document=[references.get(d, d) if isinstance(d, str) else d
                                       for d in out["document"]])
        return out

    def name_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """For each text, (start, end, pseudonym) of every name the pseudonym table replaces
        in it: for views that show pseudonyms but keep the real text's offsets."""
        table, protect = self._pseudonym_rules()
        if not table:
            return [[] for _ in texts]
        return [name_spans(text, table, protect=protect) for text in texts]

    def leaks(self, shown: pd.DataFrame | str | Iterable[str]) -> list[str]:
        """Real names still present in a table or text: those of the pseudonym table,
        name-like speaker labels, person cases and name-like words of the file names (for
        checks; the result holds real names: assert on it, never display or log it)."""
        return self._sensitive().leaks(shown)

    def _sensitive(self, kinds: Iterable[str] = ALL_NAME_KINDS,
                   protect: Iterable[str] = ()) -> Sensitive:
        with self.store.read() as conn:
            return sensitive_names(conn, kinds=kinds, protect=protect)

    def name_candidates(self) -> pd.DataFrame:
        """Possible person names in the texts that the project does not know yet (spaCy
        person entities and capitalised words, see `name_check.py`), to review before a
        pseudonymised export: name, source, count, documents (references), example.
        Give a pseudonym to those that name a person (`set_pseudonym`) and declare the
        others reviewed (`review_names`). Holds real names: for the researcher only."""
        from workbench.nlp.entities import entity_frame
        from workbench.nlp.pipeline import model_for
        from workbench.nlp.tokens import FillerList

        with self.store.read() as conn:
            state = (conn.execute(select(func.max(s.events.c.id))).scalar(),
                     conn.execute(select(func.count()).select_from(s.documents)).scalar())
        if self._candidates is not None and self._candidates[0] == state:
            return self._candidates[1].copy()
        texts = document_texts(self.store)
        languages = document_languages(self.store)
        by_model: dict[str, dict[int, str]] = {}
        for key, text in texts.items():  # a language without a model: capitals only
            model = model_for(languages.get(key))
            if model is not None:
                by_model.setdefault(model, {})[key] = text
        parsed = {}
        for model, some in by_model.items():
            parsed.update(parse_documents(self.store, self.location, some, task="ner",
                                          model=model, progress=False))
        with self.store.read() as conn:
            sensitive = sensitive_names(conn)
            reviewed = reviewed_names(conn)
            references = dict(conn.execute(select(s.documents.c.id,
                                                  s.documents.c.reference)).all())
        fillers = [FillerList.load(language=effective_language(lang))
                   for lang in sorted({str(x) for x in languages.values()})]
        ignore = {w for f in fillers for w in (*f.words, *f.at_start, *f.at_end)}
        found = find_candidates(texts, entity_frame(parsed), sensitive, reviewed, references,
                                ignore=ignore)
        self._candidates = (state, found)
        return found.copy()

    def review_names(self, names: Iterable[str] | None = None) -> int:
        """Declare words of the candidate list reviewed and not a person's name (a place,
        an organisation, a word), so that exports no longer stop on them; None: every
        current candidate (once the list has been read through). Returns how many were
        added; audited."""
        chosen = self.name_candidates()["name"].tolist() if names is None else list(names)
        with self.store.write(self.coder) as w:
            return save_reviews(w, chosen)

    def load_name_review(self, path: str | Path) -> tuple[int, int]:
        """Apply a reviewed list of possible names (YAML, see `name_review_file.py`): the
        pseudonyms it gives and the words it declares not names, in one transaction.
        Returns (pseudonyms added or changed, words reviewed)."""
        review = read_name_review(path)
        entries = [PseudonymEntry(real, pseudonym, "person", "manual")
                   for real, pseudonym in review.pseudonyms.items()]
        with self.store.write(self.coder) as w:
            return save_entries(w, entries), save_reviews(w, review.not_names)

    def name_reviews(self) -> pd.DataFrame:
        """The words reviewed as not a person's name, with who reviewed them and when."""
        return review_table(self.store)

    def check_names(self, shown: pd.DataFrame | str | Iterable[str], what: str, *,
                    names_reviewed: bool = False, kinds: Iterable[str] = ALL_NAME_KINDS,
                    protect: Iterable[str] = ()) -> None:
        """Refuse (NameCheckError, in French, naming them) a pseudonymised output `what`
        whose content `shown` holds a real name, or a possible person name nobody has
        reviewed (unless `names_reviewed`: the researcher has read the list)."""
        refuse_leaks(self._sensitive(kinds, protect), shown, what)
        if not names_reviewed:
            refuse_unreviewed(self.name_candidates(), shown, what, protect=protect)

    # -- word views ----------------------------------------------------------------------
    def _words(self, codes: CodeSpec, where: Mapping[str, WhereValue] | None) -> pd.DataFrame:
        """Tokens of the whole corpus, or of the extracts of `codes`, filtered by `where`."""
        from workbench.analysis.words import tokens_in_spans

        tokens = self.tokens(progress=False)
        names = name_words(*self._pseudonym_rules())
        tokens = tokens[~tokens["lower"].map(fold).isin(names)]  # no name in a word cloud
        if codes is not None:
            spans = self.extracts(codes, status=ANALYSED)[["document", "start", "end", "code"]]
            tokens = tokens_in_spans(tokens, spans)
        return apply_where(tokens, where) if where else tokens

    def word_frequencies(self, by: str | list[str] | None = None, *, codes: CodeSpec = None,
                         where: Mapping[str, WhereValue] | None = None,
                         top: int | None = None) -> pd.DataFrame:
        """Lemma counts without stop words, markup or fillers (unit: word tokens).

        `by`: a column to group by — document, speaker, code (with `codes`) or any
        attribute (genre, generation…).
        """
        from workbench.analysis.words import lemma_frequencies

        return lemma_frequencies(self._words(codes, where), by=by, top=top)

    def distinctive_words(self, column: str, value: object, *, codes: CodeSpec = None,
                          top: int | None = 30, min_count: int = 3) -> pd.DataFrame:
        """Lemmas typical of `column == value` against the rest (weighted log-odds, z)."""
        from workbench.analysis.words import distinctive_words

        return distinctive_words(self._words(codes, None), column=column, value=value,
                                 top=top, min_count=min_count)

    def kwic(self, word: str, *, by: str = "lemma", window: int = 60) -> pd.DataFrame:
        """Every occurrence of a word (lemma or form) in context, with speaker and case
        (by lemma: documents whose language has no spaCy model are left out, with a warning;
        by form: every document)."""
        from workbench.nlp.kwic import kwic

        tokens = kwic_tokens(self.store, self.location, word, by=by)
        return kwic(tokens, document_texts(self.store), word, by=by, window=window,
                    keep=("document", "speaker", "role", "case", *self._attribute_names()))

    def wordcloud(self, path: str | Path, *, codes: CodeSpec = None,
                  where: Mapping[str, WhereValue] | None = None, title: str = "",
                  max_words: int = 80) -> Path:
        """Save a word cloud (PNG) of the corpus or of some codes' extracts."""
        from workbench.viz.wordclouds import save_wordcloud

        frequencies = self.word_frequencies(codes=codes, where=where)
        return save_wordcloud(frequencies, path, title=title, max_words=max_words)

    def entities(self, *, progress: bool = True) -> pd.DataFrame:
        """Named entities (lieu, organisation, personne) with document, speaker and case;
        raw material for the actor network and the mapping — check them before use."""
        from workbench.nlp.entities import entity_frame

        texts = document_texts(self.store)
        parsed = parse_documents(self.store, self.location, texts, task="ner",
                                 progress=progress)
        frame = entity_frame(parsed).rename(columns={"document": "document_id"})
        with self.store.read() as conn:
            turns = turn_table(conn)
        return tokens_with_turns(frame, turns).drop(columns=["turn_start", "turn_end"])

    def sentiment(self, codes: CodeSpec = None, *,
                  where: Mapping[str, WhereValue] | None = None,
                  status: str | Iterable[str] | None = ANALYSED) -> pd.DataFrame:
        """Extracts with polarity, subjectivity and tone (an indicator: read the extracts;
        accuracy on our hand-labelled set is in docs/sentiment.md). Accepted codings only
        unless `status` says otherwise."""
        from workbench.nlp.sentiment import LANGUAGES as SENTIMENT_LANGUAGES
        from workbench.nlp.sentiment import sentiment_frame

        extracts = keep_languages(self.store, self.extracts(codes, where=where, status=status),
                                  SENTIMENT_LANGUAGES, purpose="l'indicateur de tonalité",
                                  reason="son lexique (textblob-fr) ne connaît que le français")
        return sentiment_frame(extracts)

    def _attribute_names(self) -> list[str]:
        return [c for c in self.cases().columns if c not in ("case_id", "case", "case_kind")]

    # -- team ------------------------------------------------------------------------------
    def add_coder(self, name: str, role: str = "coder") -> dict[str, Any]:
        """Register a coder or change a role ("coder" or "lead"); naming a lead or changing
        a role is for a lead, except on a project that has none yet (see docs/team.md)."""
        with self.store.write(self.coder) as w:
            return set_coder(w, name, role)

    def coders(self) -> pd.DataFrame:
        """The team: coder, role, codings made, codings reviewed (leads first)."""
        with self.store.read() as conn:
            return coders_frame(conn)

    @property
    def role(self) -> str | None:
        """The role of the person this project was opened as (None: not registered yet)."""
        with self.store.read() as conn:
            return role_of(conn, self.coder)

    def copy_for(self, coder: str, destination: str | Path) -> Path:
        """A working copy (SQLite) of this project for `coder`, registered as coder; they
        open it with Project.open(destination, coder=coder) and the lead merges it back."""
        from workbench.merge import copy_for
        return copy_for(self, coder, destination)

    def merge(self, copy: str | Path, *, coder: str | None = None) -> MergeReport:
        """Merge a coder's copy of this project (a folder or .sqlite file) into it.

        One transaction (undo reverts it whole); duplicates are skipped, conflicts kept
        side by side and listed in the report. See `workbench.merge.merge_project`.
        """
        from workbench.merge import merge_project
        return merge_project(self, copy, coder=coder)

    def backup(self, destination: str | Path) -> Path:
        """A consistent copy of this SQLite project (a file, or a folder for a dated name),
        taken even while others are coding; a PostgreSQL project is saved with pg_dump."""
        from workbench.store.backup import backup
        return backup(self.store, destination)

    # -- agreement and consensus -----------------------------------------------------------
    def agreement(self, *, coders: Sequence[str] | None = None, codes: CodeSpec = None,
                  documents: Iterable[str | int] | None = None, level: str = "character",
                  status: str | Iterable[str] | None = "accepted",
                  branches: bool = False) -> pd.DataFrame:
        """Percent agreement, Cohen's κ and Krippendorff's α between coders, per code and
        overall; unit: character, turn or sentence (see docs/agreement.md)."""
        from workbench import team

        return team.agreement(self, coders=coders, codes=codes, documents=documents,
                              level=level, status=status, branches=branches)

    def disagreements(self, *, coders: Sequence[str] | None = None, codes: CodeSpec = None,
                      documents: Iterable[str | int] | None = None, level: str = "character",
                      status: str | Iterable[str] | None = "accepted", branches: bool = False,
                      ignore_trivial: bool = True) -> pd.DataFrame:
        """Where coders differ, by document and position, for a consensus meeting."""
        from workbench import team

        return team.disagreements(self, coders=coders, codes=codes, documents=documents,
                                  level=level, status=status, branches=branches,
                                  ignore_trivial=ignore_trivial)

    def record_consensus(self, document: str | int, start: int, end: int, code: str, *,
                         memo: str | None = None) -> int:
        """Store a team decision as a coding by coder "consensus" (origin "consensus")."""
        from workbench import team

        return team.record_consensus(self, document, start, end, code, memo=memo)

    def accept_version(self, row: Mapping[str, Any], coder: str, *,
                       memo: str | None = None) -> list[int]:
        """Settle a disagreement row with `coder`'s codings there, copied as consensus."""
        from workbench import team

        return team.accept_version(self, row, coder, memo=memo)

    # -- audit -----------------------------------------------------------------------------
    def history(self, limit: int | None = 200) -> pd.DataFrame:
        """The audit log, newest first: who changed what, when, before and after."""
        query = select(s.events).order_by(s.events.c.id.desc())
        if limit:
            query = query.limit(limit)
        with self.store.read() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def revert(self, txn: str) -> int:
        """Undo one recorded change (all rows it touched); returns how many rows."""
        with self.store.write(self.coder) as w:
            return revert_txn(w, txn)

    def undo(self) -> int:
        """Undo this coder's most recent change that is not yet undone."""
        e = s.events
        with self.store.read() as conn:
            txn = conn.execute(
                select(e.c.txn).where(e.c.actor == self.coder, e.c.reverted_by.is_(None),
                                      ~e.c.action.startswith("undo-"),
                                      (e.c.entity.in_(UNDOABLE_ENTITIES)
                                       | e.c.action.in_(UNDOABLE_ACTIONS)))
                .order_by(e.c.id.desc()).limit(1)).scalar()
        if txn is None:
            raise NothingToUndo(f"Rien à annuler pour {self.coder}.")
        return self.revert(txn)

    def verify(self) -> Verification:
        """Re-read every coding's quote from its document and report any that does not fit."""
        problems = []
        checked = 0
        with self.store.read() as conn:
            docs = conn.execute(select(s.documents.c.id, s.documents.c.name)).all()
            for doc_id, name in docs:
                text = conn.execute(select(s.documents.c.text)
                                    .where(s.documents.c.id == doc_id)).scalar_one()
                rows = conn.execute(select(s.codings.c.id, s.codings.c.start, s.codings.c.end,
                                           s.codings.c.quote)
                                    .where(s.codings.c.document_id == doc_id)).all()
                for coding_id, start, end, quote in rows:
                    checked += 1
                    if not (0 <= start < end <= len(text)):
                        problems.append((coding_id, name, start, end,
                                         f"hors du texte (0–{len(text)})"))
                    elif text[start:end] != quote:
                        problems.append((coding_id, name, start, end,
                                         "la citation enregistrée diffère du texte à ces "
                                         "positions"))
        frame = pd.DataFrame(problems, columns=["coding_id", "document", "start", "end",
                                                "problem"])
        return Verification(checked, frame)


def conn_first(store: Store, query: Any) -> Any:
    """The first row of a read-only query, or None."""
    with store.read() as conn:
        return conn.execute(query).first()


def corpus_files(folder: Path, *, exclude: str | Path | None = None) -> list[Path]:
    """Transcripts in a folder (sorted), leaving out READMEs, hidden files and the sheet."""
    skip = Path(exclude).resolve() if exclude else None
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED and not p.name.startswith((".", "_"))
        and not p.stem.upper().startswith("README") and p.resolve() != skip
    )


def _kind(kind: str) -> str:
    value = normalise_kind(str(kind))
    if value is None:
        raise WorkbenchError(f"type de document « {kind} » inconnu ; écrivez entretien, "
                             "focus group, notes de terrain ou compte rendu (ou interview, "
                             "focus_group, notes, report).")
    return value
