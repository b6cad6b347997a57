"""The tables of a project store, written once for SQLite and PostgreSQL.

Offsets (`start`, `end`) are Unicode code points into `documents.text`, which is
NFC with `\\n` line ends; `end` is exclusive.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("language", String(16)),
    Column("source", Text),
    Column("encoding", String(32)),
    Column("imported_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    # v4: the short, unique, stable reference extracts are cited by (E01, FG02, D07…)
    Column("reference", String(32)),
)
Index("ux_documents_reference", documents.c.reference, unique=True)

document_attributes = Table(
    "document_attributes",
    metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("value", Text),
    Column("type", String(16), nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(255)),
    Column("role", String(32)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("t_start", Float),
    Column("t_end", Float),
    Column("section", Text),
    Column("overlap", Integer),
    Column("script", String(16)),  # latin | arabic | tifinagh | mixed | none (v2)
    UniqueConstraint("document_id", "idx"),
)
Index("ix_turns_doc_start", turns.c.document_id, turns.c.start)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
)

attributes = Table(
    "attributes",
    metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("value", Text),
    Column("type", String(16), nullable=False),
)
Index("ix_attributes_key_value", attributes.c.key, attributes.c.value)

document_cases = Table(
    "document_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("speaker", String(255)),
    UniqueConstraint("document_id", "case_id", "speaker"),
)

codebook_versions = Table(
    "codebook_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", String(32), nullable=False),
    Column("source", Text),
    Column("sha256", String(64), nullable=False),
    Column("name", Text),
    Column("snapshot", Text, nullable=False),
    Column("changes", Text, nullable=False),
)

codes = Table(
    "codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(255), nullable=False, unique=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("parent_id", ForeignKey("codes.id", ondelete="RESTRICT")),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("inclusion", Text),
    Column("exclusion", Text),
    Column("example", Text),
    Column("color", String(9)),
    Column("rules", Text),
    Column("position", Integer, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
)

# The team (v3): who codes and who leads. An integer id like every other table, so
# a coder's registration is audited and undone by the same events machinery.
coders = Table(
    "coders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # coder | lead
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", ForeignKey("codes.id", ondelete="RESTRICT"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("coder", String(128), nullable=False),
    Column("origin", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("memo", Text),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    # The latest review (v3); earlier ones are in the events log.
    Column("reviewed_by", String(128)),
    Column("reviewed_at", String(32)),
    Column("review_comment", Text),
    # v5: "bulk" when the review was given to many suggestions at once (a rule, a code, a
    # document), without a look at each; NULL for a review given to each coding.
    Column("review_mode", String(16)),
    # v7: how sure a learned model was of a suggestion (origin "model:<code>"), from 0 to 1.
    Column("score", Float),
)
Index("ix_codings_code", codings.c.code_id, codings.c.document_id)
Index("ix_codings_doc_start", codings.c.document_id, codings.c.start)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer),
    Column("author", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)
Index("ix_memos_target", memos.c.target_type, memos.c.target_id)

pseudonyms = Table(
    "pseudonyms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("real", Text, nullable=False, unique=True),
    Column("pseudonym", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
)

# Names reviewed (v5): words the researcher has looked at in the list of possible
# person names and judged not to be a person's name (a place, an organisation, a word),
# so that a pseudonymised export no longer stops on them. Names to hide go to `pseudonyms`.
name_reviews = Table(
    "name_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("folded", String(255), nullable=False, unique=True),
    Column("decision", String(16), nullable=False),  # not_a_name
    Column("reviewer", String(128), nullable=False),
    Column("reviewed_at", String(32), nullable=False),
)

# The study profile (v4): each version of what the attributes are (label, type, role),
# kept as a JSON snapshot like the codebook's versions; the newest is in force.
study_profiles = Table(
    "study_profiles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", String(32), nullable=False),
    Column("author", String(128), nullable=False),
    Column("source", Text),
    Column("snapshot", Text, nullable=False),
    Column("changes", Text, nullable=False),
)

# Speaker roles (v4) declared by the attributes sheet or the researcher: they outlive a
# re-import, which rewrites the turns from the file, and are applied to `turns.role`.
speaker_roles = Table(
    "speaker_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("speaker", String(255), nullable=False),
    Column("role", String(32), nullable=False),  # interviewer | respondent
    Column("source", String(16), nullable=False),  # sheet | manual
    UniqueConstraint("document_id", "speaker"),
)

# Framework summaries (v6): the text a researcher writes for one cell of a case × theme
# matrix (NVivo's framework matrices, MAXQDA's Summary Grid): a row is a case or a document
# (exactly one of the two is set), a column a code with its branch. One summary per cell;
# its status is "draft" until the lead validates it (a rewrite makes it a draft again);
# earlier texts are in the audit log.
summaries = Table(
    "summaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE")),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE")),
    Column("code_id", ForeignKey("codes.id", ondelete="RESTRICT"), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),  # draft | validated
    Column("author", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("validated_by", String(128)),
    Column("validated_at", String(32)),
    UniqueConstraint("case_id", "code_id", name="ux_summaries_case_code"),
    UniqueConstraint("document_id", "code_id", name="ux_summaries_document_code"),
    CheckConstraint("(case_id IS NULL) <> (document_id IS NULL)",
                    name="ck_summaries_case_or_document"),
    CheckConstraint("status IN ('draft', 'validated')", name="ck_summaries_status"),
)
Index("ix_summaries_code", summaries.c.code_id)

# Recordings (v8): the sound or video file of a document, one at most. `path` is the
# absolute path of the file referenced where it lies, or, when the workbench copied it into
# the project folder (`copied`), its path relative to that folder (`media/D03.wav`: named
# by the document's reference, never by the original name, which may name a person).
# `size`, `sha256` and `mtime` (the file's modification time when attached) tell a moved or
# changed file; `duration` in seconds (None when it could not be read).
recordings = Table(
    "recordings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("kind", String(8), nullable=False),  # audio | video
    Column("format", String(8), nullable=False),  # wav | mp3 | m4a | ogg | mp4 | webm
    Column("file_name", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("copied", Boolean, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("duration", Float),
    Column("mtime", Float),
    Column("added_at", String(32), nullable=False),
    Column("added_by", String(128), nullable=False),
    CheckConstraint("kind IN ('audio', 'video')", name="ck_recordings_kind"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("txn", String(36), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", Integer),
    Column("before", Text),
    Column("after", Text),
    Column("reverted_by", String(36)),
)
Index("ix_events_txn", events.c.txn)
