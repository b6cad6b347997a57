"""The study profile and the declared speaker roles in the project store.

Each change of the profile is a new row of `study_profiles` (a JSON snapshot, the
author, the source, what changed), so the profile is versioned like the
codebook and a change is undone by the audit log. The profile in force is the
newest version, completed by a guess for attributes imported since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from workbench.corpus.roles import INTERVIEWER, RESPONDENT, speaker_role_word
from workbench.errors import ProfileError
from workbench.profile.infer import infer_profile
from workbench.profile.model import StudyProfile
from workbench.profile.tables import attribute_types, document_attribute_table, raw_case_table
from workbench.store import Writer, row_of
from workbench.store import schema as s

SPEAKER_ROLES = (INTERVIEWER, RESPONDENT)


def stored_profile(conn: Connection) -> StudyProfile | None:
    """The newest saved version of the profile, or None when none was saved."""
    snapshot = conn.execute(select(s.study_profiles.c.snapshot)
                            .order_by(s.study_profiles.c.id.desc()).limit(1)).scalar()
    return None if snapshot is None else StudyProfile.from_dict(json.loads(snapshot))


def current_profile(conn: Connection, *, order: Iterable[str] = ()) -> StudyProfile:
    """The profile in force: the saved one, with a guess for attributes it does not
    describe yet (attributes it describes but the project no longer has are kept).
    `order`: the attributes sheet's columns, for the attributes it brings."""
    saved = stored_profile(conn)
    order = [*(saved.keys() if saved else ()), *order]
    guessed = infer_profile(raw_case_table(conn), _documents_frame(conn),
                            types=attribute_types(conn), keep=saved, order=order)
    if saved is None:
        return guessed
    present = set(guessed.keys())
    extra = tuple(a for a in saved.attributes if a.key not in present)
    return StudyProfile(guessed.attributes + extra)


def _documents_frame(conn: Connection) -> pd.DataFrame:
    return document_attribute_table(conn).reset_index(drop=True)


def save_profile(w: Writer, profile: StudyProfile, *, source: str) -> bool:
    """Save `profile` as a new version when it differs from the saved one; returns
    whether a version was written (audited, so `undo` brings the previous one back)."""
    previous = stored_profile(w.conn)
    if previous == profile:
        return False
    changes = _changes(previous, profile)
    version_id = w.conn.execute(s.study_profiles.insert().values(
        created_at=w.at, author=w.actor, source=source,
        snapshot=json.dumps(profile.to_dict(), ensure_ascii=False),
        changes=json.dumps(changes, ensure_ascii=False)).returning(s.study_profiles.c.id)
    ).scalar_one()
    w.log("profile", "study_profiles", version_id,
          after=row_of(w.conn, s.study_profiles, version_id))
    return True


def _changes(before: StudyProfile | None, after: StudyProfile) -> dict[str, list[str]]:
    old = {a.key: a for a in (before.attributes if before else ())}
    new = {a.key: a for a in after.attributes}
    return {"ajoutés": [k for k in new if k not in old],
            "modifiés": [k for k in new if k in old and old[k] != new[k]],
            "retirés": [k for k in old if k not in new]}


def profile_versions(conn: Connection) -> pd.DataFrame:
    """Every saved version: id, date, author, source, what changed."""
    v = s.study_profiles
    result = conn.execute(select(v.c.id, v.c.created_at, v.c.author, v.c.source, v.c.changes)
                          .order_by(v.c.id))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


# -- speaker roles -----------------------------------------------------------------------
def declare_speaker_role(w: Writer, document_id: int, speaker: str, role: str, *,
                         source: str) -> None:
    """Declare that `speaker` of a document is the interviewer or a respondent; kept
    across re-imports and applied over the role the transcript's reader guessed."""
    role = speaker_role_word(role) or role
    if role not in SPEAKER_ROLES:
        raise ProfileError(f"rôle de locuteur « {role} » inconnu : écrivez interviewer "
                           "(enquêteur·rice) ou respondent (personne interrogée).")
    sr = s.speaker_roles
    row = w.conn.execute(select(sr).where(and_(sr.c.document_id == document_id,
                                               sr.c.speaker == speaker))).mappings().first()
    if row is None:
        new_id = w.conn.execute(sr.insert().values(document_id=document_id, speaker=speaker,
                                                   role=role, source=source)
                                .returning(sr.c.id)).scalar_one()
        w.log("speaker-role", "speaker_roles", new_id, after=row_of(w.conn, sr, new_id))
        return
    if row["role"] == role and (row["source"] == source or source == "sheet"):
        return
    if source == "sheet" and row["source"] == "manual":
        return  # what the researcher said by hand wins over the sheet
    before = dict(row)
    w.conn.execute(sr.update().where(sr.c.id == row["id"]).values(role=role, source=source))
    w.log("speaker-role", "speaker_roles", row["id"], before=before,
          after=row_of(w.conn, sr, row["id"]))


def role_column() -> Any:
    """The SQL expression of a turn's role: the declared one, else the reader's guess
    (use with :func:`join_declared_roles`)."""
    return func.coalesce(s.speaker_roles.c.role, s.turns.c.role)


def join_declared_roles(select_from: Any) -> Any:
    """`select_from` (a join holding `turns`) outer-joined to the declared roles."""
    sr, t = s.speaker_roles, s.turns
    return select_from.outerjoin(sr, and_(sr.c.document_id == t.c.document_id,
                                          sr.c.speaker == t.c.speaker))


def unroled_documents(conn: Connection, document_ids: list[int] | None = None) -> list[str]:
    """Documents with several speakers of which none has a role: auto-coding by role
    and the count of respondents cannot see who speaks."""
    t = s.turns
    query = join_declared_roles(t.join(s.documents, s.documents.c.id == t.c.document_id))
    rows = conn.execute(select(s.documents.c.name, t.c.speaker, role_column())
                        .select_from(query).where(t.c.speaker.is_not(None)).distinct()).all()
    if document_ids is not None:
        names = set(conn.execute(select(s.documents.c.name)
                                 .where(s.documents.c.id.in_(document_ids))).scalars())
        rows = [r for r in rows if r[0] in names]
    speakers: dict[str, set[str]] = {}
    roled: set[str] = set()
    for name, speaker, role in rows:
        speakers.setdefault(name, set()).add(speaker)
        if role:
            roled.add(name)
    return sorted(n for n, who in speakers.items() if len(who) > 1 and n not in roled)
