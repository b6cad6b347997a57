"""Team coding on a project: agreement between coders, their disagreements, consensus.

Reads the codings of the coders compared through the project's public API
and hands them to :mod:`workbench.analysis.agreement` and
:mod:`workbench.analysis.disagreements`. Decisions:

- **Documents compared**: by default those every compared coder has coded
  (at least one coding of any code with the status asked for), so a
  colleague's unfinished document does not count as disagreement.
- **Codes**: each code as coded (a parent counts only codings made on the
  parent itself); ``branches=True`` rolls each coding up into every ancestor,
  so a parent also compares its whole branch. Codes may be given as keys,
  names, paths or expressions, as :meth:`Project.extracts` accepts; each is
  one row, labelled as given (an expression is evaluated per coder).
- **Status**: accepted codings only by default (rule suggestions nobody
  reviewed are not a coder's decision); ``status=None`` takes all.
- **Consensus**: codings of coder ``consensus`` (origin ``consensus``, status
  accepted), left out of the coders compared unless named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from workbench.analysis import agreement as agreement_measures
from workbench.analysis.codes import roll_up
from workbench.analysis.disagreements import (
    coder_codes,
    disagreement_spans,
    segment_disagreements,
)
from workbench.coding import edits
from workbench.coding.anchor import find_quote
from workbench.coding.extracts import Atom, CodeSpec, as_expr
from workbench.errors import NotFoundError, WorkbenchError
from workbench.parsed import project_tokens
from workbench.store import schema as s

if TYPE_CHECKING:
    from workbench.project_data import ProjectData

LEVELS = {"character": "caractère", "turn": "tour de parole", "sentence": "phrase"}
CONSENSUS = "consensus"
COLUMNS = ["document", "code", "coder", "start", "end"]


def _level(level: str) -> str:
    if level not in LEVELS:
        raise WorkbenchError(f"niveau « {level} » inconnu ; niveaux possibles : "
                             f"{', '.join(LEVELS)}.")
    return LEVELS[level]


def _as_list(value: str | Iterable[Any] | None) -> list[Any] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str | int) else list(value)


def compared_codings(data: ProjectData, *, coders: Sequence[str] | None = None,
                     codes: CodeSpec = None,
                     documents: Iterable[str | int] | None = None,
                     status: str | Iterable[str] | None = "accepted",
                     branches: bool = False) -> tuple[pd.DataFrame, list[str], list[str],
                                                      pd.DataFrame]:
    """The codings compared (document, code, coder, start, end), the coders, the code
    labels and the documents compared (document, length); see the module's decisions."""
    all_docs = data.documents()
    every = data.extracts(coder=_as_list(coders), status=status)[COLUMNS]
    if coders is None:
        coders = sorted(set(every["coder"]) - {CONSENSUS})
    coders = list(coders)
    if len(coders) < 2:
        raise WorkbenchError(
            f"l'accord demande au moins deux codeur·euses ; les codages de statut {status!r} "
            f"en ont {len(coders)} ({', '.join(coders) or 'aucun·e'}). Nommez-les avec "
            "coders=[…] (--between en ligne de commande).")
    if documents is None:
        coded = every.groupby("document")["coder"].agg(set)
        names = [d for d in all_docs["name"] if d in coded.index and set(coders) <= coded[d]]
        if not names:
            raise WorkbenchError(f"aucun document n'est codé par tou·tes ({', '.join(coders)}) ; "
                                 "donnez documents=[…] pour en comparer quand même.")
    else:
        names = [_document_name(all_docs, d) for d in _as_list(documents) or []]
    docs = all_docs.loc[all_docs["name"].isin(names), ["name", "length"]] \
        .rename(columns={"name": "document"}).reset_index(drop=True)
    refs = _as_list(codes)
    if refs is None:
        frame = every[every["coder"].isin(coders) & every["document"].isin(names)]
        order = list(data.codes()["key"])
        if branches:
            frame = roll_up(frame, data.codes()).assign(code=lambda f: f["tally"])
        present = set(frame["code"])
        labels = [k for k in order if k in present]
        frame = frame[COLUMNS]
    else:
        parts = [_codings_of(data, ref, coders, status, branches)[COLUMNS] for ref in refs]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
        frame = frame[frame["document"].isin(names)]
        labels = [str(r) for r in refs]
    return frame.reset_index(drop=True), coders, labels, docs


def _codings_of(data: ProjectData, ref: str, coders: list[str], status: Any,
                branches: bool) -> pd.DataFrame:
    """One code's (or expression's) codings by the coders, labelled `ref`."""
    codes = data.codes()
    folded = str(ref).casefold()
    named = (codes["key"].eq(ref) | codes["name"].str.casefold().eq(folded)
             | codes["path"].str.casefold().eq(folded)).any()
    expr = Atom(str(ref)) if named else as_expr(ref)  # "Export (meta)data" is a name
    if isinstance(expr, Atom):
        frames = [data.extracts(expr, coder=coders, status=status,
                                   include_children=branches)]
    else:  # `a & b` must hold within one coder's codings, not across coders
        frames = [data.extracts(expr, coder=c, status=status, include_children=branches)
                  for c in coders]
    frame = pd.concat(frames, ignore_index=True)
    return frame.assign(key=frame["code"], code=str(ref))


def _document_name(docs: pd.DataFrame, document: str | int) -> str:
    column = "id" if isinstance(document, int) else "name"
    hit = docs.loc[docs[column] == document, "name"]
    if hit.empty:
        raise NotFoundError(f"aucun document « {document} » dans le projet. Documents connus : "
                            + ", ".join(docs["name"].head(20)))
    return str(hit.iloc[0])


def segments(data: ProjectData, documents: Iterable[str], level: str) -> pd.DataFrame:
    """The units of a segment level: turns (document, idx, speaker, start, end) or
    sentences (document, sent, start, end) from the project's spaCy parse."""
    names = list(documents)
    if level == "turn":  # one query: data.turns() per document costs 20 ms each
        t, d = s.turns, s.documents
        query = (select(d.c.name.label("document"), t.c.idx, t.c.speaker, t.c.start, t.c.end)
                 .join(d, d.c.id == t.c.document_id).where(d.c.name.in_(names))
                 .order_by(d.c.name, t.c.start))
        with data.store.read() as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame([tuple(r) for r in rows],
                            columns=["document", "idx", "speaker", "start", "end"])
    if level == "sentence":
        # Documents whose language has no spaCy model are cut into sentences by spaCy's
        # rules for that language: a sentence needs no lemma.
        tokens = project_tokens(data.store, data.location, progress=False,
                                documents=data.document_ids(names), sentences_only=True)
        # A sentence runs from its first to its last token inside a turn: speaker labels
        # ("Fatima :") and timestamps between turns are no one's words.
        tokens = tokens[~tokens["is_space"] & tokens["idx"].notna()]
        frame = tokens.groupby(["document", "idx", "sent"], sort=False) \
            .agg(start=("start", "min"), end=("end", "max")).reset_index()
        return frame[["document", "sent", "start", "end"]]
    raise WorkbenchError(f"segments : tours de parole (turn) ou phrases (sentence), "
                         f"pas « {level} ».")


def agreement(data: ProjectData, *, coders: Sequence[str] | None = None,
              codes: CodeSpec = None,
              documents: Iterable[str | int] | None = None, level: str = "character",
              status: str | Iterable[str] | None = "accepted",
              branches: bool = False) -> pd.DataFrame:
    """Percent agreement, Cohen's κ and Krippendorff's α per code and overall.

    `level`: "character" (unit: a character), "turn" (a speaker turn) or
    "sentence" (a sentence of the spaCy parse); a coder applies a code to a
    turn or sentence when one of their codings of it overlaps it. The overall
    row pools every code × unit decision; ``attrs`` has the means over codes.
    See :func:`workbench.analysis.agreement.agreement` for the columns.
    """
    label = _level(level)
    frame, coders, labels, docs = compared_codings(
        data, coders=coders, codes=codes, documents=documents, status=status,
        branches=branches)
    units = None if level == "character" else segments(data, docs["document"], level)
    table = agreement_measures.agreement(frame, docs, coders=coders, codes=labels,
                                         segments=units, unit=label)
    table.attrs.update(level=level, documents=list(docs["document"]),
                       n_documents=len(docs), status=status, branches=branches)
    return table


def disagreements(data: ProjectData, *, coders: Sequence[str] | None = None,
                  codes: CodeSpec = None,
                  documents: Iterable[str | int] | None = None, level: str = "character",
                  status: str | Iterable[str] | None = "accepted", branches: bool = False,
                  ignore_trivial: bool = True) -> pd.DataFrame:
    """Where the coders differ, by document and position, for a consensus meeting.

    Character level: the stretches of text over which the coders' codes differ
    (`passage` groups adjacent ones; `ignore_trivial` drops stretches without
    a letter or digit). Turn or sentence level: the units where some code was
    applied by some coders only. Each row has codes_<coder>, disputed, agreed
    and the text; pass a row to :func:`accept_version` to settle it.
    """
    label = _level(level)
    frame, coders, labels, docs = compared_codings(
        data, coders=coders, codes=codes, documents=documents, status=status,
        branches=branches)
    texts = {name: data.text(name) for name in docs["document"]}
    if level == "character":
        out = disagreement_spans(frame, texts, coders=coders, codes=labels,
                                 ignore_trivial=ignore_trivial)
    else:
        out = segment_disagreements(frame, segments(data, texts, level), texts,
                                    coders=coders, codes=labels, unit=label)
    out.attrs.update(level=level, status=status, branches=branches)
    return out


def record_consensus(data: ProjectData, document: str | int, start: int, end: int,
                     code: str, *, memo: str | None = None) -> int:
    """Store the team's decision: a coding by coder "consensus" (origin "consensus",
    status "accepted"), visible in extracts like any other coding."""
    with data.store.write(CONSENSUS) as w:
        return edits.code_span(w, document, start, end, [code], memo=memo, origin=CONSENSUS,
                               status="accepted")[0]


def accept_version(data: ProjectData, row: Mapping[str, Any], coder: str, *,
                   memo: str | None = None, status: str | Iterable[str] | None = "accepted",
                   branches: bool = False) -> list[int]:
    """Settle a disagreement row with one coder's version: that coder's codings of the
    row's codes that overlap the row's span are copied whole as consensus codings.

    `status` and `branches` as given to :func:`disagreements`. A coding the
    consensus already has (same document, code and span) is not copied twice,
    so accepting several rows of one passage is safe. A coder who applied
    nothing there leaves nothing to copy: returns [].
    """
    if f"codes_{coder}" not in row:
        shown = [str(k).removeprefix("codes_") for k in row if str(k).startswith("codes_")]
        raise WorkbenchError(f"« {coder} » n'a pas codé cette ligne (codeur·euses : "
                             f"{', '.join(shown)}).")
    document, start, end = row["document"], int(row["start"]), int(row["end"])
    labels = coder_codes(row, coder)
    if not labels:
        return []
    found = pd.concat([_codings_of(data, label, [coder], status, branches)
                       for label in labels], ignore_index=True)
    found = found[(found["document"] == document) & (found["start"] < end)
                  & (found["end"] > start)]
    done = data.extracts(coder=CONSENSUS, status=None)
    done = set(zip(done["document"], done["code"], done["start"], done["end"], strict=True))
    # The codings themselves, under their own code, not the row's label.
    rows = [{"document": document, "code": key, "start": int(a), "end": int(b),
             "origin": CONSENSUS, "status": "accepted", "memo": memo}
            for key, a, b in found[["key", "start", "end"]].drop_duplicates()
            .itertuples(index=False) if (document, key, a, b) not in done]
    if not rows:
        return []
    with data.store.write(CONSENSUS) as w:
        return edits.code_rows(w, rows)


def import_quoted_codings(data: ProjectData, rows: pd.DataFrame, coder: str, *,
                          origin: str = "import",
                          status: str = "accepted") -> pd.DataFrame:
    """Import a coding round given by quotes (another tool's export: document, code, quote
    and optionally `near`, an approximate offset) under `coder`, in one transaction.

    Each quote is found in its document up to whitespace and apostrophes; of
    several places, the one nearest `near`, else the first after the previous
    row's place in that document (exports list segments in text order).
    Returns the rows with start, end, located and coding_id; quotes not found
    (or documents unknown) are reported, not imported.
    """
    missing = {"document", "code", "quote"} - set(rows.columns)
    if missing:
        raise WorkbenchError(f"il faut les colonnes document, code et quote ; manquantes : "
                             f"{', '.join(sorted(missing))}.")
    known = set(data.documents()["name"])
    texts: dict[str, str] = {}
    cursor: dict[str, int] = {}
    out = rows.reset_index(drop=True).copy()
    starts, ends = [], []
    for row in out.itertuples(index=False):
        doc, quote = str(row.document), str(row.quote)
        hits = []
        if doc in known and quote.strip():
            if doc not in texts:
                texts[doc] = data.text(doc)
            hits = find_quote(texts[doc], quote)
        near = getattr(row, "near", None)
        if not hits:
            starts.append(None)
            ends.append(None)
            continue
        if near is not None and not pd.isna(near):
            start, end = min(hits, key=lambda h: abs(h[0] - int(near)))
        else:
            start, end = next((h for h in hits if h[0] >= cursor.get(doc, 0)), hits[0])
        cursor[doc] = start
        starts.append(start)
        ends.append(end)
    out["start"] = pd.array(starts, dtype="Int64")
    out["end"] = pd.array(ends, dtype="Int64")
    out["located"] = out["start"].notna()
    placed = out[out["located"]]
    with data.store.write(coder) as w:
        ids = edits.code_rows(
            w, [{"document": d, "code": c, "start": int(a), "end": int(b), "origin": origin,
                 "status": status} for d, c, a, b in placed[["document", "code", "start", "end"]]
                .itertuples(index=False)])
    out["coding_id"] = pd.array([None] * len(out), dtype="Int64")
    out.loc[out["located"], "coding_id"] = ids
    out.attrs.update(located=int(out["located"].sum()), not_located=int((~out["located"]).sum()))
    return out
