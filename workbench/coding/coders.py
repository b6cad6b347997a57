"""The team of a project: coders and their role (coder or lead), and who may review.

A project knows its coders: the person who creates it is its lead, and anyone who
codes is registered as a coder in the same transaction as their first coding.
Roles matter for one thing: changing the status of another coder's work (a review)
is the lead's job.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from workbench.errors import WorkbenchError
from workbench.store import Writer, row_of
from workbench.store import schema as s

# Origins of the machine's proposals (codebook rules, learned models), not of a person.
SUGGESTION_ORIGINS = ("rule:", "model:")

ROLES = ("coder", "lead")


class RoleError(WorkbenchError):
    """Someone tried what their role does not allow (reviewing others' work, naming a lead)."""


def check_name(name: object) -> str:
    """A coder's name, stripped; an error for an empty or over-long one."""
    text = str(name).strip() if name is not None else ""
    if not text:
        raise WorkbenchError("il faut un nom de codeur·euse (par ex. "
                             "Project.open(path, coder='amina')).")
    if len(text) > 128:
        raise WorkbenchError(f"le nom de codeur·euse « {text[:40]}… » dépasse 128 caractères ; "
                             "choisissez un nom plus court.")
    return text


def role_of(conn: Connection, name: str) -> str | None:
    """The registered role of `name`, or None for someone the project does not know."""
    return conn.execute(select(s.coders.c.role).where(s.coders.c.name == name)).scalar()


def leads(conn: Connection) -> list[str]:
    return list(conn.execute(select(s.coders.c.name).where(s.coders.c.role == "lead")
                             .order_by(s.coders.c.name)).scalars())


def ensure_coders(w: Writer, names: Iterable[str]) -> list[str]:
    """Register, as coders, the names the project does not know yet; returns them.

    Called in the transaction that inserts codings, so a coding never exists
    without its coder being known (and undoing it removes the registration too).
    """
    wanted = sorted({check_name(n) for n in names})
    if not wanted:
        return []
    known = set(w.conn.execute(select(s.coders.c.name).where(s.coders.c.name.in_(wanted)))
                .scalars())
    added = [n for n in wanted if n not in known]
    for name in added:
        _insert(w, name, "coder")
    return added


def set_coder(w: Writer, name: str, role: str = "coder") -> dict[str, Any]:
    """Add a coder or change their role; the actor (`w.actor`) must be allowed to.

    Anyone may register a new coder. Making someone lead, or changing an existing
    coder's role, is for a lead — except on a project without any lead (made
    before roles existed), where the first person to claim the role gets it.
    A project keeps at least one lead once it has one.
    """
    name = check_name(name)
    if role not in ROLES:
        raise WorkbenchError(f"rôle « {role} » inconnu ; choisissez parmi : {', '.join(ROLES)}.")
    current = w.conn.execute(select(s.coders).where(s.coders.c.name == name)).mappings().first()
    if current is not None and current["role"] == role:
        return dict(current)
    heads = leads(w.conn)
    if (role == "lead" or current is not None) and heads and w.actor not in heads:
        raise RoleError(
            f"{w.actor} n'est pas responsable de ce projet : seul·e un·e responsable "
            f"({', '.join(heads)}) peut donner à {name} le rôle « {role} ». Demandez-le-lui, ou "
            "ouvrez le projet en tant que responsable (Project.open(path, coder=<responsable>)).")
    if current is not None and current["role"] == "lead" and heads == [name]:
        raise RoleError(f"{name} est la seule personne responsable du projet ; nommez d'abord "
                        "un·e autre responsable (add_coder(<nom>, role='lead')).")
    if current is None:
        return _insert(w, name, role)
    w.conn.execute(s.coders.update().where(s.coders.c.id == current["id"]).values(role=role))
    after = row_of(w.conn, s.coders, current["id"])
    w.log("update", "coders", current["id"], before=dict(current), after=after)
    return after or {}


def _insert(w: Writer, name: str, role: str) -> dict[str, Any]:
    row = {"name": name, "role": role}
    coder_id = w.conn.execute(s.coders.insert().values(**row)
                              .returning(s.coders.c.id)).scalar_one()
    w.log("create", "coders", coder_id, after={"id": coder_id, **row})
    return {"id": coder_id, **row}


def coders_frame(conn: Connection) -> pd.DataFrame:
    """One row per coder: name, role, codings made, codings reviewed.

    A name found on codings but not registered (a project edited by hand, or an
    undone registration) is listed as a coder, so nobody's work goes unseen.
    """
    c = s.codings
    made = dict(conn.execute(select(c.c.coder, func.count()).group_by(c.c.coder)).all())
    reviewed = dict(conn.execute(select(c.c.reviewed_by, func.count())
                                 .where(c.c.reviewed_by.is_not(None))
                                 .group_by(c.c.reviewed_by)).all())
    roles = dict(conn.execute(select(s.coders.c.name, s.coders.c.role)).all())
    for name in made:
        roles.setdefault(name, "coder")
    rows = [(name, role, int(made.get(name, 0)), int(reviewed.get(name, 0)))
            for name, role in roles.items()]
    rows.sort(key=lambda r: (r[1] != "lead", r[0].casefold()))
    return pd.DataFrame(rows, columns=["coder", "role", "codings", "reviewed"])


def check_may_review(conn: Connection, actor: str, rows: Iterable[dict[str, Any]]) -> None:
    """Refuse (RoleError) if `actor` would change the status of work that is not theirs.

    A lead reviews anything. Anyone else may decide on their own codings and on
    pending suggestions of the rules and models (proposals of the machine, not of a
    colleague).
    """
    if role_of(conn, actor) == "lead":
        return
    others = [r for r in rows if r["coder"] != actor
              and not (r["status"] == "suggested"
                       and str(r["origin"]).startswith(SUGGESTION_ORIGINS))]
    if others:
        heads = leads(conn)
        who = (f"un·e responsable ({', '.join(heads)})" if heads
               else "un·e responsable (ce projet n'en a pas encore : "
                    "add_coder(<nom>, role='lead'))")
        ids = ", ".join(f"#{r['id']} ({r['coder']})" for r in others[:10])
        raise RoleError(
            f"{actor} ne peut pas relire les codages d'autres codeur·euses : {ids}. Seul·e "
            f"{who} peut accepter ou rejeter les codages d'un·e collègue ; rien n'a été "
            "modifié.")


def default_coder() -> str:
    """Who is coding: $WORKBENCH_CODER, else the login name."""
    return os.environ.get("WORKBENCH_CODER") or getpass.getuser()
