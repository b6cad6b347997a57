"""Undoing a transaction from the audit log, itself recorded as a new transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select

from workbench.errors import StoreError
from workbench.store import schema as s
from workbench.store.store import Writer, row_of

TABLES: dict[str, Table] = {t.name: t for t in s.metadata.sorted_tables}


def _load(value: str | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(value)


def _comparable(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return json.loads(json.dumps(row, ensure_ascii=False, default=str))


def _refuse_lost_texts(events: Sequence[Any]) -> None:
    """Refuse to undo a change whose documents' former texts were not kept: a re-import
    that changed a text, or a removed document (the log keeps a document's row without
    its text, and its turns not at all; undoing would put codings back on a text they
    were not made on)."""
    for event in events:
        if event["entity"] != "documents":
            continue
        before, after = _load(event["before"]), _load(event["after"])
        if before is None:
            continue
        name = before.get("name", f"#{event['entity_id']}")
        if after is None:
            raise StoreError(f"« {event['action']} » a supprimé le document « {name} » : son "
                             "texte n'est pas conservé, cette modification ne peut pas être "
                             "annulée. Réimportez le fichier pour le retrouver ; rien n'a "
                             "été changé.")
        if before.get("sha256") != after.get("sha256"):
            raise StoreError(f"« {event['action']} » a remplacé le texte de « {name} » "
                             "(nouvelle version du fichier) : l'ancien texte et ses tours de "
                             "parole ne sont pas conservés, cette modification ne peut pas "
                             "être annulée. Réimportez l'ancienne version du fichier pour "
                             "revenir en arrière ; rien n'a été changé.")


def revert_txn(w: Writer, txn: str) -> int:
    """Undo every change of transaction `txn`, newest first; returns how many.

    Refuses (and changes nothing) when a later change touched the same rows,
    because undoing then would silently drop that later work.
    """
    conn = w.conn
    events = conn.execute(select(s.events).where(s.events.c.txn == txn)
                          .order_by(s.events.c.id.desc())).mappings().all()
    if not events:
        raise StoreError(f"aucune modification n'a l'identifiant de transaction {txn} ; "
                         "voyez p.history() pour les identifiants.")
    if events[0]["reverted_by"]:
        raise StoreError(f"la modification {txn} a déjà été annulée.")
    _refuse_lost_texts(events)
    undone = 0
    for event in events:
        table = TABLES.get(event["entity"])
        if table is None or event["entity"] == "codebook_versions":
            continue
        before, after = _load(event["before"]), _load(event["after"])
        current = _comparable(row_of(conn, table, event["entity_id"]))
        if current is not None and after is not None:
            # Compare what the event recorded: a column added by a later migration is absent
            # from older snapshots, and document events leave the (large) text out.
            current = {k: v for k, v in current.items() if k in after}
            after = {k: v for k, v in after.items() if k in current}
        if current != after:
            raise StoreError(
                f"impossible d'annuler « {event['action']} » sur {event['entity']} "
                f"#{event['entity_id']} : cet élément a été modifié depuis. Annulez d'abord "
                "les modifications plus récentes.")
        if before is not None and after is not None:
            conn.execute(table.update().where(table.c.id == event["entity_id"]).values(**before))
        elif after is not None:
            conn.execute(table.delete().where(table.c.id == event["entity_id"]))
        elif before is not None:
            conn.execute(table.insert().values(**before))
        w.log(f"undo-{event['action']}", event["entity"], event["entity_id"],
              before=after, after=before)
        undone += 1
    conn.execute(s.events.update().where(s.events.c.txn == txn).values(reverted_by=w.txn))
    return undone
