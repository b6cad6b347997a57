"""Codes in the store: resolving references, applying a codebook, rename/move/merge."""

from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from workbench.codebook.model import Code, Codebook
from workbench.coding.codings import clean_text
from workbench.errors import CodebookError, NotFoundError
from workbench.store import Writer, now, row_of
from workbench.store import schema as s

CODE_FIELDS = ("name", "description", "inclusion", "exclusion", "example", "color", "rules")
TEXT_FIELDS = ("name", "description", "inclusion", "exclusion", "example")


RETIRED = "retiré de la grille"


def codes_frame(conn: Connection, *, active_only: bool = True) -> pd.DataFrame:
    """Every code with its key, parent key, path and depth, in tree order.

    `active_only`: the codes of the current codebook, plus any code a codebook load
    retired while codings still point at it (and its retired ancestors), so that those
    codings keep a code to be shown and exported under: such a code has ``active``
    False, « (retiré de la grille) » after its name, and no rules. False: every code
    ever loaded, as stored.
    """
    rows = [dict(r) for r in conn.execute(
        select(s.codes).order_by(s.codes.c.position, s.codes.c.id)).mappings()]
    by_id = {r["id"]: r for r in rows}
    if active_only:
        used = set(conn.execute(select(s.codings.c.code_id).distinct()).scalars())
        keep = {r["id"] for r in rows if r["active"]}
        for code_id in used - keep:
            while code_id in by_id and code_id not in keep:
                keep.add(code_id)
                code_id = by_id[code_id]["parent_id"]
        for row in rows:
            if not row["active"] and row["id"] in keep:
                row.update(name=f"{row['name']} ({RETIRED})", rules=None)
        rows = [r for r in rows if r["id"] in keep]
    for row in rows:
        names, current, depth = [], row["id"], -1
        while current is not None and current in by_id:
            names.append(by_id[current]["name"])
            current = by_id[current]["parent_id"]
            depth += 1
        parent = by_id.get(row["parent_id"]) if row["parent_id"] is not None else None
        row.update(path=" > ".join(reversed(names)), depth=depth,
                   parent=parent["key"] if parent else None)
    columns = [c.name for c in s.codes.columns] + ["path", "depth", "parent"]
    frame = pd.DataFrame.from_records([[r[c] for c in columns] for r in rows], columns=columns)
    frame["parent"] = pd.Series([r["parent"] for r in rows], index=frame.index, dtype=object)
    return frame


def resolve_code(conn: Connection, ref: str | int) -> dict[str, Any]:
    """Find a code of the current codebook by id, key, unique name or path ('Parent >
    Child'); clear error otherwise, also for a code the last codebook load retired (with
    the code that replaced it, when the codebook said so in `replaces`)."""
    table = s.codes
    if isinstance(ref, int):
        row = row_of(conn, table, ref)
        if row:
            return _active(conn, row)
        raise NotFoundError(f"aucun code n'a l'identifiant {ref} ; voyez p.codes() pour la "
                            "liste des codes.")
    text = str(ref).strip()
    row = conn.execute(select(table).where(table.c.key == text)).mappings().first()
    if row:
        return _active(conn, dict(row))
    frame = codes_frame(conn, active_only=False)
    folded = text.casefold()
    hits = frame[(frame["name"].str.casefold() == folded)
                 | (frame["path"].str.casefold() == folded)]
    if len(hits) > 1 and hits["active"].astype(bool).sum() == 1:
        hits = hits[hits["active"].astype(bool)]
    if len(hits) == 1:
        return _active(conn, row_of(conn, table, int(hits.iloc[0]["id"])) or {})
    if len(hits) > 1:
        raise NotFoundError(
            f"le nom de code « {text} » est ambigu : " + " ; ".join(hits["path"])
            + ". Donnez son identifiant (par ex. « " + hits.iloc[0]["key"] + " ») ou son "
            "chemin complet.")
    raise NotFoundError(f"pas de code « {text} » dans la grille du projet."
                        + _did_you_mean(text, frame[frame["active"].astype(bool)]))


def _did_you_mean(text: str, frame: pd.DataFrame) -> str:
    """« Vouliez-vous dire … ? » with the codes closest to a mistyped id or name."""
    keys = list(frame["key"])
    by_name = {str(n).casefold(): k for n, k in zip(frame["name"], frame["key"], strict=True)}
    close = difflib.get_close_matches(text, keys, n=3, cutoff=0.75)
    close += [by_name[n] for n in difflib.get_close_matches(text.casefold(), list(by_name),
                                                            n=3, cutoff=0.75)]
    close = list(dict.fromkeys(close))[:3]
    if not close:
        return " Voyez p.codes() pour la liste des codes."
    return " Vouliez-vous dire : " + ", ".join(f"« {k} »" for k in close) + " ?"


def _active(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """The code row when the current codebook holds it; NotFoundError naming what replaced
    it (or what to do) when a codebook load retired it."""
    if row.get("active", True):
        return row
    replacement = replaced_by(conn, row["key"])
    if replacement is not None:
        todo = f"il est remplacé par « {replacement} » : utilisez ce code"
    else:
        todo = ("choisissez un code de la grille actuelle (p.codes()), ou rechargez une "
                "grille qui le contient")
    raise NotFoundError(f"code « {row['key']} » ({row['name']}) : il a été retiré de la grille "
                        f"au dernier chargement ; {todo}.")


def replaced_by(conn: Connection, key: str) -> str | None:
    """The active code that took over `key` through a codebook's `replaces`, if any."""
    versions = conn.execute(select(s.codebook_versions.c.changes)
                            .order_by(s.codebook_versions.c.id.desc())).scalars()
    merged: dict[str, str] = {}
    for changes in versions:
        for entry in (json.loads(changes) if changes else {}).get("merged", []):
            old, _, new = entry.partition(" → ")
            merged.setdefault(old, new)
    active = set(conn.execute(select(s.codes.c.key).where(s.codes.c.active)).scalars())
    seen = {key}
    current = merged.get(key)
    while current is not None and current not in active and current not in seen:
        seen.add(current)
        current = merged.get(current)
    return current if current in active else None


def descendants(conn: Connection, code_id: int) -> list[int]:
    """The code and all codes below it."""
    rows = conn.execute(select(s.codes.c.id, s.codes.c.parent_id)).all()
    children: dict[int, list[int]] = {}
    for cid, parent in rows:
        children.setdefault(parent, []).append(cid)
    out, todo = [], [code_id]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def _value(value: Any) -> Any:
    """None for the NaN/NA pandas puts in empty cells."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def stored_codebook(conn: Connection) -> Codebook:
    """The project's active codes as a Codebook (to write back to YAML or Excel)."""
    frame = codes_frame(conn)
    frame = frame[frame["active"].astype(bool)]
    codes = [
        Code(id=r.key, name=r.name, parent=_value(r.parent),
             definition=_value(r.description) or "", inclusion=_value(r.inclusion) or "",
             exclusion=_value(r.exclusion) or "", example=_value(r.example) or "",
             color=_value(r.color), rules=json.loads(r.rules) if _value(r.rules) else [],
             guid=r.guid)
        for r in frame.itertuples()
    ]
    head = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "codebook")).scalar()
    info = json.loads(head) if head else {}
    return Codebook(codes, name=info.get("name", ""), description=info.get("description", ""),
                    language=info.get("language", "fr"))


def _snapshot(book: Codebook) -> str:
    return json.dumps([c.as_dict() for c in book.ordered()], ensure_ascii=False, sort_keys=True)


def apply_codebook(w: Writer, book: Codebook, *, source: str) -> dict[str, list[str]]:
    """Bring the store's codes in line with `book`; record a new version if anything changed.

    Codes are matched by id, so renaming or moving a code keeps its codings.
    A code listed in another code's `replaces` is merged into it (its codings
    move). A code that disappears while it still has codings is an error:
    codings are never dropped by a codebook load.
    """
    conn = w.conn
    book.validate()
    table = s.codes
    existing = {r["key"]: dict(r) for r in conn.execute(select(table)).mappings()}
    changes: dict[str, list[str]] = {k: [] for k in
                                     ("added", "renamed", "moved", "edited", "merged", "removed")}
    replaced = {old: code.id for code in book.codes for old in code.replaces}
    wanted = {c.id for c in book.codes}
    counts = dict(conn.execute(select(s.codings.c.code_id, func.count())
                               .group_by(s.codings.c.code_id)).all())
    orphans = [
        f"« {key} » ({existing[key]['name']}) : {counts[existing[key]['id']]} codage(s)"
        for key in existing
        if key not in wanted and key not in replaced and existing[key]["active"]
        and counts.get(existing[key]["id"])
    ]
    if orphans:
        raise CodebookError(
            f"{source} : ces codes manquent dans la nouvelle grille mais ont encore des "
            "codages : " + " ; ".join(orphans) + ". Gardez-les, ou nommez chacun dans la liste "
            "`replaces:` du code qui doit reprendre ses codages ; rien n'a été chargé.")
    ids: dict[str, int] = {k: v["id"] for k, v in existing.items()}
    for position, code in enumerate(book.ordered()):
        values = {
            "name": code.name, "description": code.definition, "inclusion": code.inclusion,
            "exclusion": code.exclusion, "example": code.example, "color": code.color,
            "rules": json.dumps(code.rules, ensure_ascii=False) if code.rules else None,
            "position": position, "active": True,
            "parent_id": ids.get(code.parent) if code.parent else None,
        }
        for name in TEXT_FIELDS:
            if values[name]:
                values[name] = clean_text(values[name], what=f"{source} : code « {code.id} » "
                                                             f"({name})")
        old = existing.get(code.id)
        if old is None:
            values.update(key=code.id, guid=code.guid or str(uuid.uuid4()))
            new_id = conn.execute(table.insert().values(**values)
                                  .returning(table.c.id)).scalar_one()
            ids[code.id] = new_id
            w.log("create", "codes", new_id, after=row_of(conn, table, new_id))
            changes["added"].append(code.id)
            continue
        if code.guid:
            values["guid"] = code.guid
        diff = {k: v for k, v in values.items() if old.get(k) != v}
        if not diff:
            continue
        conn.execute(table.update().where(table.c.id == old["id"]).values(**diff))
        w.log("update", "codes", old["id"], before=old, after=row_of(conn, table, old["id"]))
        if "name" in diff:
            changes["renamed"].append(f"{code.id}: {old['name']} → {code.name}")
        if "parent_id" in diff:
            changes["moved"].append(code.id)
        if set(diff) & {"description", "inclusion", "exclusion", "example", "color", "rules"}:
            changes["edited"].append(code.id)
    for old_key, new_key in replaced.items():
        if old_key in existing and old_key != new_key:
            merge_code(w, existing[old_key]["id"], ids[new_key])
            changes["merged"].append(f"{old_key} → {new_key}")
    for key, old in existing.items():
        if key not in wanted and key not in replaced and old["active"]:
            conn.execute(table.update().where(table.c.id == old["id"]).values(active=False))
            w.log("update", "codes", old["id"], before=old, after=row_of(conn, table, old["id"]))
            changes["removed"].append(key)
    _save_head(conn, book)
    _record_version(w, book, source, changes)
    return changes


def _save_head(conn: Connection, book: Codebook) -> None:
    """Keep the codebook's name, description and language for later exports."""
    head = json.dumps({"name": book.name, "description": book.description,
                       "language": book.language}, ensure_ascii=False)
    conn.execute(s.meta.delete().where(s.meta.c.key == "codebook"))
    conn.execute(s.meta.insert().values(key="codebook", value=head))


def _record_version(w: Writer, book: Codebook, source: str, changes: dict[str, list[str]]) -> None:
    snapshot = _snapshot(book)
    digest = hashlib.sha256(snapshot.encode()).hexdigest()
    last = w.conn.execute(select(s.codebook_versions.c.sha256)
                          .order_by(s.codebook_versions.c.id.desc()).limit(1)).scalar()
    if last == digest:
        return
    vid = w.conn.execute(s.codebook_versions.insert().values(
        created_at=now(), source=source, sha256=digest, name=book.name, snapshot=snapshot,
        changes=json.dumps(changes, ensure_ascii=False),
    ).returning(s.codebook_versions.c.id)).scalar_one()
    w.log("create", "codebook_versions", vid,
          after={"id": vid, "source": source, "changes": changes})


def merge_code(w: Writer, source_id: int, target_id: int) -> int:
    """Move every coding (and child code) of `source_id` to `target_id`; deactivate the source."""
    conn = w.conn
    if source_id == target_id:
        return 0
    if source_id in _ancestors(conn, target_id):
        raise CodebookError("impossible de fusionner un code dans l'un de ses propres "
                            "sous-codes ; choisissez un code cible hors de sa branche.")
    moved = 0
    for row in conn.execute(select(s.codings).where(s.codings.c.code_id == source_id)).mappings():
        before = dict(row)
        conn.execute(s.codings.update().where(s.codings.c.id == row["id"])
                     .values(code_id=target_id, updated_at=w.at))
        w.log("update", "codings", row["id"], before=before,
              after=row_of(conn, s.codings, row["id"]))
        moved += 1
    for child in conn.execute(select(s.codes).where(s.codes.c.parent_id == source_id)).mappings():
        set_parent(w, child["id"], target_id)
    before = row_of(conn, s.codes, source_id)
    conn.execute(s.codes.update().where(s.codes.c.id == source_id).values(active=False))
    w.log("merge", "codes", source_id, before=before, after=row_of(conn, s.codes, source_id))
    return moved


def _ancestors(conn: Connection, code_id: int) -> list[int]:
    out, current = [], code_id
    while current is not None:
        out.append(current)
        current = conn.execute(select(s.codes.c.parent_id).where(s.codes.c.id == current)).scalar()
    return out


def set_parent(w: Writer, code_id: int, parent_id: int | None) -> None:
    """Move a code under another (None: to the top); refuses to create a cycle."""
    if parent_id is not None and code_id in _ancestors(w.conn, parent_id):
        raise CodebookError("impossible de placer un code sous lui-même ou sous l'un de ses "
                            "sous-codes (cela créerait un cycle) ; choisissez un autre parent.")
    update_code(w, code_id, parent_id=parent_id)


def update_code(w: Writer, code_id: int, **values: Any) -> None:
    """Change a code's fields (name, definition, colour…) with an audit event."""
    before = row_of(w.conn, s.codes, code_id)
    if before is None:
        raise NotFoundError(f"aucun code n'a l'identifiant {code_id} ; voyez p.codes() pour "
                            "la liste des codes.")
    for field in TEXT_FIELDS:
        if isinstance(values.get(field), str):
            values[field] = clean_text(values[field], what=f"code « {before['key']} » : {field}")
    w.conn.execute(s.codes.update().where(s.codes.c.id == code_id).values(**values))
    w.log("update", "codes", code_id, before=before, after=row_of(w.conn, s.codes, code_id))
