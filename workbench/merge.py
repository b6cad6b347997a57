"""Team coding on copies: a coder's copy of a project for working offline, and merging
that copy back into the lead's project.

A merge only adds: codings, memos and codes the lead's project lacks. It is one
transaction in the lead's store, audited with action "merge" and the lead as
actor, so `Project.undo()` takes a whole merge back. The copy is never written:
it is read from a snapshot (SQLite's backup API) brought to the current schema.

- Documents must be the same: matched by name (or, failing that, by text hash)
  and the same text (sha256); any document of the copy unknown to the lead or
  with another text refuses the whole merge, nothing written.
- Codes are matched by key, then by guid; a code only in the copy (a coder
  grew the codebook) is added under the same parent.
- A duplicate is the same coding merged twice: same document, span, code and
  coder. Two coders coding the same span with the same code agree: both stay.
- A conflict is a span the lead's project has coded by another coder, none of
  them with the incoming code. Both codings are kept side by side and listed.
- Status, review and memo travel with each coding (a suggestion stays one). For
  a coding both sides have, the copy's review or memo fills what the lead's
  project still lacks (a pending suggestion, an empty memo); where both hold a
  different value the lead's is kept and a warning says so.
- Framework summaries (one per case or document and code) are matched by case name
  (or document) and code key. One the lead's project lacks is added; the same text is
  skipped, and so is a text the lead's summary once had (per the audit log: the copy
  holds an older version the lead rewrote since); any other text is a conflict: the
  lead's is kept and a warning names the cell. An added summary stays validated only
  if its validator is a lead of this project, else it comes in as a draft.
- Recordings are not merged: a copy's link to a sound file (a path on the coder's machine)
  means nothing here. One the lead's project lacks, or a different file, is named in a
  warning, to attach with ``p.media.add``. A copy given to a coder references the lead's
  copied recordings by their absolute path (its own folder has no media/).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection, select

from workbench.coding.coders import RoleError, ensure_coders, leads, role_of, set_coder
from workbench.coding.codings import insert_codings, update_coding
from workbench.coding.summaries import Cell, find_summary
from workbench.errors import WorkbenchError
from workbench.store import Store, Writer, row_of
from workbench.store import schema as s
from workbench.store.engine import is_url, sqlite_path
from workbench.store.migrations import NewerSchemaError, check_known_version
from workbench.store.project_file import NotAProjectFile, read_project_file

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

CONFLICT_COLUMNS = ["document", "start", "end", "text", "lead_codes", "lead_coders",
                    "incoming_code", "incoming_coder", "coding_id"]
CODE_COLUMNS = ("key", "guid", "name", "description", "inclusion", "exclusion", "example",
                "color", "rules", "position", "active")
SUMMARY_FIELDS = ("text", "status", "author", "created_at", "updated_at", "validated_by",
                  "validated_at")  # what travels with a summary (its cell is matched)


class MergeError(WorkbenchError):
    """A copy cannot be merged: not a project, another project, or other texts."""


@dataclass
class MergeReport:
    """What a merge did. `conflicts`: one row per incoming coding kept side by side with
    another coder's different code on the same span. `summaries_conflicts`: framework
    summaries whose text differs here and in the copy (the lead's kept; each named in
    `warnings`)."""

    source: str
    added: int = 0
    duplicates: int = 0
    updated: int = 0
    memos_added: int = 0
    summaries_added: int = 0
    summaries_conflicts: int = 0
    codes_added: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    conflicts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CONFLICT_COLUMNS))
    warnings: list[str] = field(default_factory=list)
    txn: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.memos_added or self.summaries_added
                    or self.codes_added or self.coders_added)

    def __str__(self) -> str:
        lines = [f"Fusion de {self.source} :",
                 f"  {self.added} codage(s) ajouté(s), {self.duplicates} déjà présent(s), "
                 f"{self.updated} complété(s) (revue ou mémo)",
                 f"  {self.memos_added} mémo(s) ajouté(s), {len(self.codes_added)} code(s) "
                 f"ajouté(s), {len(self.coders_added)} codeur·euse(s) ajouté·e(s)",
                 f"  {len(self.conflicts)} conflit(s) gardé(s) côte à côte",
                 f"  {self.summaries_added} synthèse(s) ajoutée(s), {self.summaries_conflicts} "
                 "synthèse(s) en conflit (celle de ce projet gardée)"]
        lines += [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class Incoming:
    """The content of a coder's copy, read once."""

    origin: str | None
    documents: list[dict[str, Any]]
    codes: list[dict[str, Any]]
    codings: list[dict[str, Any]]
    memos: list[dict[str, Any]]
    cases: dict[int, str]
    summaries: list[dict[str, Any]] = field(default_factory=list)
    recordings: list[dict[str, Any]] = field(default_factory=list)


# -- giving a coder a copy ------------------------------------------------------------------
def copy_project(project: ProjectData, destination: str | Path) -> Path:
    """Write the whole project (SQLite or PostgreSQL) as a new SQLite project at
    `destination` (a folder, or a .sqlite file); returns the file written.

    Every table is copied in one read transaction (one consistent state), the
    audit log included, so the copy is recognised as this project's when merged.
    """
    if is_url(destination):
        raise MergeError(f"{destination} : une copie de travail est un dossier ou un fichier "
                         ".sqlite, pas une base de données.")
    target = sqlite_path(destination)
    if target.exists():
        raise MergeError(f"{target} existe déjà ; choisissez un dossier neuf pour la copie.")
    copy = Store.connect(destination, create=True)
    try:
        with project.store.engine.connect() as source, copy.write("workbench") as w:
            # Rows go in by table, not by dependency inside a table (a sub-code may
            # have a smaller id than its parent): check foreign keys at commit.
            w.conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            if not project.store.is_sqlite:
                source = source.execution_options(isolation_level="REPEATABLE READ")
            with source.begin():
                for table in s.metadata.sorted_tables:
                    if table.name == "schema_migrations":
                        continue  # the new store is stamped already
                    rows = [dict(r) for r in source.execute(select(table)).mappings()]
                    if table.name == "recordings":
                        rows = [_referenced(row, project) for row in rows]
                    if rows:
                        w.conn.execute(table.insert(), rows)
    except BaseException:
        copy.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise
    copy.close()
    return target


def _referenced(row: dict[str, Any], project: ProjectData) -> dict[str, Any]:
    """A recording row for a copy of the project elsewhere: a file the project copied
    into its media/ folder (a path relative to it) is referenced by its absolute path."""
    if not row["copied"] or not project.store.is_sqlite:
        return row
    folder = Path(project.store.where).parent
    return {**row, "path": str((folder / row["path"]).resolve()), "copied": False}


def copy_for(project: ProjectData, coder: str, destination: str | Path) -> Path:
    """Register `coder` in the project (as coder unless already known) and give them a copy."""
    with project.store.write(project.coder) as w:
        if role_of(w.conn, coder) is None:
            set_coder(w, coder, "coder")
    return copy_project(project, destination)


# -- reading a copy ---------------------------------------------------------------------
@contextmanager
def _snapshot(copy: str | Path) -> Iterator[tuple[Path, Store]]:
    """The copy's file and a store on a private, migrated snapshot of it."""
    if is_url(copy):
        raise MergeError(f"{copy} : la copie d'un·e codeur·euse est un dossier de projet ou un "
                         "fichier .sqlite (une base partagée n'a pas besoin de fusion).")
    path = sqlite_path(copy)
    if not path.is_file():
        raise MergeError(f"{path} : aucun projet ici (ni dossier de projet ni fichier .sqlite).")
    with tempfile.TemporaryDirectory(prefix="workbench-merge-") as tmp:
        snap = Path(tmp) / "copy.sqlite"
        try:
            src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            dst = sqlite3.connect(snap)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        except sqlite3.DatabaseError as exc:
            raise MergeError(f"{path} : ce n'est pas un projet du workbench ({exc}).") from exc
        try:
            version = read_project_file(snap)
            check_known_version(version, where=str(path))
        except NotAProjectFile as exc:
            raise MergeError(f"{path} : ce n'est pas un projet du workbench "
                             f"({exc.reason or 'pas de version de schéma'}).") from exc
        except NewerSchemaError as exc:
            raise MergeError(f"{path} : copie écrite par un workbench plus récent (schéma "
                             f"{exc.version}) ; mettez à jour le workbench avant de "
                             "fusionner.") from exc
        store = Store.connect(snap, create=False)
        try:
            yield path, store
        finally:
            store.close()


def read_copy(store: Store) -> Incoming:
    """Everything a merge needs from a copy, in one read transaction."""
    def rows(conn: Connection, table: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]

    with store.read() as conn:
        return Incoming(
            origin=_origin(conn),
            documents=[dict(r) for r in conn.execute(select(
                s.documents.c.id, s.documents.c.name, s.documents.c.sha256)).mappings()],
            codes=rows(conn, s.codes), codings=rows(conn, s.codings),
            memos=rows(conn, s.memos),
            cases=dict(conn.execute(select(s.cases.c.id, s.cases.c.name)).all()),
            summaries=rows(conn, s.summaries),  # the snapshot is migrated: always there
            recordings=rows(conn, s.recordings))


def _origin(conn: Connection) -> str | None:
    """The project's birth mark: the transaction of its first recorded change, which
    every copy of it (file copy, backup, copy_project) shares."""
    return conn.execute(select(s.events.c.txn).order_by(s.events.c.id).limit(1)).scalar()


# -- merging ----------------------------------------------------------------------------
def merge_project(lead_project: ProjectData, coder_copy_path: str | Path, *,
                  coder: str | None = None) -> MergeReport:
    """Merge a coder's copy (folder or .sqlite file) into `lead_project`, as its lead.

    `coder`: merge only this coder's codings, memos and summaries (by author; None:
    everyone's in the copy).
    All or nothing, in one audited transaction; see the module docstring for the rules.
    """
    with _snapshot(coder_copy_path) as (path, store):
        incoming = read_copy(store)
    report = MergeReport(source=str(path))
    with lead_project.store.write(lead_project.coder) as w:
        _check_lead(w)
        if incoming.origin is not None and incoming.origin != _origin(w.conn):
            raise MergeError(
                f"{path} : ce n'est pas une copie de ce projet (son historique commence "
                "ailleurs). Une copie se fait à partir du projet de la ou du responsable : "
                "copie du dossier, `workbench backup` ou p.team.copy_for ; rien n'a été fusionné.")
        docs = _match_documents(w.conn, incoming, path, report)
        codes = _merge_codes(w, incoming, report)
        codings = [c for c in incoming.codings if coder is None or c["coder"] == coder]
        coding_ids = _merge_codings(w, codings, docs, codes, report)
        memos = [m for m in incoming.memos if coder is None or m["author"] == coder]
        _merge_memos(w, memos, incoming.cases, docs, codes, coding_ids, report)
        summaries = [x for x in incoming.summaries if coder is None or x["author"] == coder]
        _merge_summaries(w, summaries, incoming.cases, docs, codes, report)
        _note_recordings(w.conn, incoming.recordings, docs, report)
        if report.changed:
            report.txn = w.txn
    return report


def _note_recordings(conn: Connection, recordings: list[dict[str, Any]],
                     docs: dict[int, dict[str, Any]], report: MergeReport) -> None:
    """A warning naming the copy's recordings this project lacks (none, or another file):
    recordings are not merged."""
    mine = dict(conn.execute(select(s.recordings.c.document_id, s.recordings.c.sha256)).all())
    left = sorted(docs[r["document_id"]]["name"] for r in recordings
                  if r["document_id"] in docs
                  and mine.get(docs[r["document_id"]]["id"]) != r["sha256"])
    if left:
        shown = ", ".join(f"« {n} »" for n in left[:10]) + (" …" if len(left) > 10 else "")
        report.warnings.append(
            f"{len(left)} enregistrement(s) de la copie ne sont pas repris ({shown}) : une "
            "fusion ne reprend que les codages, mémos, codes et synthèses ; attachez-les dans "
            "ce projet avec p.media.add(chemin, \"<document>\").")


def _check_lead(w: Writer) -> None:
    if role_of(w.conn, w.actor) != "lead":
        heads = leads(w.conn)
        raise RoleError(
            f"{w.actor} n'est pas responsable de ce projet : fusionner les copies des "
            "codeur·euses revient à un·e responsable" + (f" ({', '.join(heads)})" if heads else
            " (ce projet n'en a pas encore : add_coder(<nom>, role='lead'))") + ".")


def _match_documents(conn: Connection, incoming: Incoming, path: Path,
                     report: MergeReport) -> dict[int, dict[str, Any]]:
    """Copy document id → the lead's document (id, name, text); refuses on any mismatch."""
    lead = {r["name"]: dict(r) for r in conn.execute(select(
        s.documents.c.id, s.documents.c.name, s.documents.c.sha256)).mappings()}
    by_hash: dict[str, list[dict[str, Any]]] = {}
    for row in lead.values():
        by_hash.setdefault(row["sha256"], []).append(row)
    found, problems = {}, []
    for doc in incoming.documents:
        mine = lead.get(doc["name"])
        if mine is None and len(by_hash.get(doc["sha256"], [])) == 1:
            mine = by_hash[doc["sha256"]][0]
            report.warnings.append(f"document « {doc['name']} » de la copie reconnu à son texte "
                                   f"comme « {mine['name']} ».")
        if mine is None:
            problems.append(f"« {doc['name']} » n'existe pas dans ce projet")
        elif mine["sha256"] != doc["sha256"]:
            problems.append(f"« {doc['name']} » : le texte diffère de celui de ce projet "
                            "(réimporté ou modifié d'un côté)")
        else:
            found[doc["id"]] = mine
    if problems:
        raise MergeError(f"{path} : fusion refusée, rien n'a été écrit ; la copie doit porter sur "
                         "le même corpus :\n  - " + "\n  - ".join(problems))
    texts = dict(conn.execute(select(s.documents.c.id, s.documents.c.text).where(
        s.documents.c.id.in_(sorted({d["id"] for d in found.values()})))).all())
    return {cid: {**doc, "text": texts[doc["id"]]} for cid, doc in found.items()}


def _parents_first(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {c["id"]: c for c in codes}
    out: list[dict[str, Any]] = []
    seen: set[int] = set()

    def visit(code: dict[str, Any]) -> None:
        if code["id"] in seen:
            return
        seen.add(code["id"])
        if code["parent_id"] in by_id:
            visit(by_id[code["parent_id"]])
        out.append(code)

    for code in codes:
        visit(code)
    return out


def _merge_codes(w: Writer, incoming: Incoming, report: MergeReport) -> dict[int, int]:
    """Copy code id → lead code id, adding the codes the lead's codebook lacks."""
    lead = [dict(r) for r in w.conn.execute(select(s.codes)).mappings()]
    by_key = {c["key"]: c for c in lead}
    by_guid = {c["guid"]: c for c in lead}
    mapping: dict[int, int] = {}
    for code in _parents_first(incoming.codes):
        mine = by_key.get(code["key"]) or by_guid.get(code["guid"])
        if mine is not None:
            mapping[code["id"]] = mine["id"]
            if mine["key"] != code["key"]:
                report.warnings.append(f"code « {code['key']} » de la copie reconnu comme "
                                       f"« {mine['key']} » (même identifiant unique).")
            elif mine["name"] != code["name"]:
                report.warnings.append(
                    f"code « {code['key']} » : nommé « {code['name']} » dans la copie et "
                    f"« {mine['name']} » ici ; le nom de ce projet est gardé.")
            continue
        values = {name: code[name] for name in CODE_COLUMNS}
        values["parent_id"] = mapping.get(code["parent_id"]) if code["parent_id"] else None
        new_id = w.conn.execute(s.codes.insert().values(**values)
                                .returning(s.codes.c.id)).scalar_one()
        w.log("merge", "codes", new_id, after=row_of(w.conn, s.codes, new_id))
        mapping[code["id"]] = new_id
        by_key[code["key"]] = {**values, "id": new_id}
        report.codes_added.append(code["key"])
    return mapping


def _merge_codings(w: Writer, codings: list[dict[str, Any]], docs: dict[int, dict[str, Any]],
                   codes: dict[int, int], report: MergeReport) -> dict[int, int]:
    """Add the copy's new codings; returns copy coding id → lead coding id."""
    c = s.codings
    lead_ids = sorted({d["id"] for d in docs.values()})
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    spans: dict[tuple[int, int, int], list[tuple[int, str]]] = {}
    for row in w.conn.execute(select(c).where(c.c.document_id.in_(lead_ids))).mappings():
        row = dict(row)
        existing.setdefault(_key(row), row)
        if row["status"] != "rejected":
            spans.setdefault((row["document_id"], row["start"], row["end"]), []).append(
                (row["code_id"], row["coder"]))
    keys = dict(w.conn.execute(select(s.codes.c.id, s.codes.c.key)).all())
    names = {d["id"]: d["name"] for d in docs.values()}
    mapping: dict[int, int] = {}
    fresh: list[tuple[int, dict[str, Any]]] = []
    twins: list[tuple[int, tuple[Any, ...]]] = []  # repeated within the copy itself
    for item in codings:
        doc = docs[item["document_id"]]
        row = {**{k: v for k, v in item.items() if k != "id"},
               "document_id": doc["id"], "code_id": codes[item["code_id"]],
               "quote": doc["text"][item["start"]:item["end"]]}
        if row["quote"] != item["quote"]:  # cannot happen with equal hashes; never guess
            raise MergeError(f"codage #{item['id']} de la copie : la citation ne correspond pas "
                             f"au texte de « {doc['name']} » ; rien n'a été fusionné.")
        same = existing.get(_key(row))
        if same is None:
            existing[_key(row)] = row
            fresh.append((item["id"], row))
            continue
        report.duplicates += 1
        if "id" in same:
            mapping[item["id"]] = same["id"]
            _complete(w, same, row, doc["name"], keys, report)
        else:
            twins.append((item["id"], _key(row)))
    report.coders_added = ensure_coders(w, {row["coder"] for _, row in fresh})
    ids = insert_codings(w, [row for _, row in fresh], action="merge")
    added = {_key(row): new_id for (_, row), new_id in zip(fresh, ids, strict=True)}
    mapping.update({copy_id: added[key] for copy_id, key in twins})
    conflicts = []
    for (copy_id, row), new_id in zip(fresh, ids, strict=True):
        mapping[copy_id] = new_id
        others = [(code, who) for code, who in
                  spans.get((row["document_id"], row["start"], row["end"]), [])
                  if who != row["coder"]]
        if (row["status"] != "rejected" and others
                and row["code_id"] not in {code for code, _ in others}):
            conflicts.append({
                "document": names[row["document_id"]], "start": row["start"],
                "end": row["end"], "text": row["quote"],
                "lead_codes": "; ".join(sorted({keys[code] for code, _ in others})),
                "lead_coders": "; ".join(sorted({who for _, who in others})),
                "incoming_code": keys[row["code_id"]], "incoming_coder": row["coder"],
                "coding_id": new_id})
    report.added = len(ids)
    report.conflicts = pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)
    return mapping


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["document_id"], row["start"], row["end"], row["code_id"], row["coder"])


def _complete(w: Writer, mine: dict[str, Any], theirs: dict[str, Any], document: str,
              keys: dict[int, str], report: MergeReport) -> None:
    """Fill a coding both sides have with the copy's review or memo where the lead's
    project has none; warn where both differ (the lead's project wins)."""
    where = (f"codage #{mine['id']} ({document}, {mine['start']}–{mine['end']}, "
             f"{keys[mine['code_id']]})")
    values: dict[str, Any] = {}
    if theirs["status"] != mine["status"]:
        if mine["status"] == "suggested":
            values.update({k: theirs[k] for k in
                           ("status", "reviewed_by", "reviewed_at", "review_comment")})
        elif theirs["status"] != "suggested":
            report.warnings.append(f"{where} : « {mine['status']} » ici, « {theirs['status']} » "
                                   "dans la copie ; le statut de ce projet est gardé.")
    if theirs["memo"] and theirs["memo"] != mine["memo"]:
        if not mine["memo"]:
            values["memo"] = theirs["memo"]
        else:
            report.warnings.append(f"{where} : mémo différent dans la copie "
                                   f"(« {theirs['memo'][:60]} ») ; celui de ce projet est gardé.")
    if values:
        update_coding(w, mine["id"], **values)
        report.updated += 1


def _merge_memos(w: Writer, memos: list[dict[str, Any]], cases: dict[int, str],
                 docs: dict[int, dict[str, Any]], codes: dict[int, int],
                 coding_ids: dict[int, int], report: MergeReport) -> None:
    """Add the copy's memos the lead's project lacks (same target, author and text)."""
    m = s.memos
    seen = {tuple(r) for r in w.conn.execute(select(m.c.target_type, m.c.target_id,
                                                    m.c.author, m.c.text)).all()}
    lead_cases = dict(w.conn.execute(select(s.cases.c.name, s.cases.c.id)).all())
    targets: dict[str, Any] = {
        "document": lambda i: docs[i]["id"] if i in docs else None,
        "code": codes.get, "coding": coding_ids.get,
        "case": lambda i: lead_cases.get(cases.get(i)),
    }
    rows = []
    for memo in memos:
        target = None
        if memo["target_type"] != "project":
            target = targets.get(memo["target_type"], lambda _i: None)(memo["target_id"])
            if target is None:
                report.warnings.append(f"mémo #{memo['id']} de la copie ({memo['target_type']}) "
                                       "sans cible dans ce projet : non fusionné.")
                continue
        key = (memo["target_type"], target, memo["author"], memo["text"])
        if key in seen:
            continue
        seen.add(key)
        rows.append({"target_type": memo["target_type"], "target_id": target,
                     "author": memo["author"], "text": memo["text"],
                     "created_at": memo["created_at"], "updated_at": memo["updated_at"]})
    for row in rows:
        memo_id = w.conn.execute(m.insert().values(**row).returning(m.c.id)).scalar_one()
        w.log("merge", "memos", memo_id, after={"id": memo_id, **row})
    report.memos_added = len(rows)



def _merge_summaries(w: Writer, summaries: list[dict[str, Any]], cases: dict[int, str],
                     docs: dict[int, dict[str, Any]], codes: dict[int, int],
                     report: MergeReport) -> None:
    """Add the copy's framework summaries the lead's project lacks (same case or document
    and code); count and name the cells where both hold another text (the lead's kept)."""
    t = s.summaries
    lead_cases = dict(w.conn.execute(select(s.cases.c.name, s.cases.c.id)).all())
    lead_codes = {int(i): (str(k), str(n)) for i, k, n in w.conn.execute(
        select(s.codes.c.id, s.codes.c.key, s.codes.c.name)).all()}
    for summary in summaries:
        code_id = codes[summary["code_id"]]
        if summary["case_id"] is not None:
            name = cases.get(summary["case_id"], "?")
            row_id = lead_cases.get(name)
            if row_id is None:
                report.warnings.append(f"synthèse #{summary['id']} de la copie : pas de cas "
                                       f"« {name} » dans ce projet ; non fusionnée.")
                continue
            cell = Cell("cases", int(row_id), name, code_id, *lead_codes[code_id])
        else:
            doc = docs[summary["document_id"]]
            cell = Cell("documents", int(doc["id"]), str(doc["name"]), code_id,
                        *lead_codes[code_id])
        mine = find_summary(w.conn, cell)
        if mine is not None:
            if (summary["text"] != mine["text"]
                    and summary["text"] not in _former_texts(w.conn, int(mine["id"]))):
                report.summaries_conflicts += 1
                report.warnings.append(
                    f"synthèse {cell.label} : texte différent dans la copie "
                    f"(« {_excerpt(summary['text'])} », {summary['author']}) ; celle de ce "
                    "projet est gardée, à rapprocher à la main.")
            continue
        values = {name: summary[name] for name in SUMMARY_FIELDS}
        values.update(case_id=cell.row_id if cell.rows == "cases" else None,
                      document_id=cell.row_id if cell.rows == "documents" else None,
                      code_id=code_id)
        if values["status"] == "validated" and (
                not values["validated_by"] or role_of(w.conn, values["validated_by"]) != "lead"):
            report.warnings.append(
                f"synthèse {cell.label} : validée dans la copie par {values['validated_by']}, "
                "qui n'est pas responsable de ce projet ; ajoutée comme brouillon.")
            values.update(status="draft", validated_by=None, validated_at=None)
        new_id = int(w.conn.execute(t.insert().values(**values).returning(t.c.id))
                     .scalar_one())
        w.log("merge", "summaries", new_id, after=row_of(w.conn, t, new_id))
        report.summaries_added += 1


def _former_texts(conn: Connection, summary_id: int) -> set[str]:
    """Every text the lead's summary `summary_id` has had, per the audit log."""
    texts: set[str] = set()
    for before, after in conn.execute(select(s.events.c.before, s.events.c.after).where(
            (s.events.c.entity == "summaries") & (s.events.c.entity_id == summary_id))).all():
        for snapshot in (before, after):
            if snapshot is not None and isinstance(text := json.loads(snapshot).get("text"),
                                                   str):
                texts.add(text)
    return texts


def _excerpt(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1].rstrip() + "…"
