"""Parsing in chunks (offsets, long texts, processes) and the disk cache of parses."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from workbench.errors import WorkbenchError
from workbench.nlp import parse
from workbench.nlp.cache import DocCache, default_cache_dir, user_cache_dir
from workbench.nlp.parse import CHUNK_CHARS, chunk_text, default_processes, parse_texts
from workbench.nlp.pipeline import load_pipeline, pipeline_signature
from workbench.nlp.tokens import token_frame


def _round_trip(text: str, parsed: parse.ParsedText) -> int:
    """Check every token against the original text; returns how many tokens."""
    count = 0
    for offset, doc in parsed.chunks:
        for token in doc:
            assert text[offset + token.idx:offset + token.idx + len(token)] == token.text
            count += 1
    return count


# -- chunks -------------------------------------------------------------------------------
def test_chunks_cover_the_text_and_end_at_line_ends(long_text: Callable[..., str]) -> None:
    text = long_text(600)
    pieces = chunk_text(text)
    assert "".join(piece for _, piece in pieces) == text
    assert len(pieces) >= 3 and all(len(p) <= CHUNK_CHARS for _, p in pieces)
    assert all(piece.endswith("\n") for _, piece in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i])
                                      for i in range(len(pieces))]


def test_a_line_longer_than_a_chunk_is_cut_after_a_sentence_or_a_space() -> None:
    sentences = "Une phrase assez longue pour remplir la ligne. " * 1000
    pieces = chunk_text(sentences, size=5000)
    assert "".join(p for _, p in pieces) == sentences
    assert all(p.endswith(". ") for _, p in pieces[:-1])
    words = "mot " * 3000
    assert all(p.endswith(" ") for _, p in chunk_text(words, size=5000))
    blob = "x" * 12_000
    assert [len(p) for _, p in chunk_text(blob, size=5000)] == [5000, 5000, 2000]
    assert chunk_text("") == []


# -- parsing ------------------------------------------------------------------------------
def test_offsets_are_code_points_in_the_original_text(interview: str,
                                                      long_text: Callable[..., str]) -> None:
    texts = {"e01": interview, "long": long_text(250) + interview + "mot " * 6000}
    parsed = parse_texts(texts, progress=False)
    assert len(parsed["long"].chunks) >= 3
    for key, text in texts.items():
        assert _round_trip(text, parsed[key]) > 30
    frame = token_frame(parsed)
    arabic = frame[frame["script"] == "arabic"]
    assert list(arabic["text"][:2]) == ["السلام", "عليكم"]
    assert all(texts[d][a:b] == t for d, a, b, t in
               frame[["document", "start", "end", "text"]].itertuples(index=False))


def test_results_keep_the_order_and_keys_of_the_input(interview: str) -> None:
    texts = {3: "Deuxième texte.", "a": interview, (1, 2): "", 0: "   "}
    parsed = parse_texts(texts, progress=False)
    assert list(parsed) == [3, "a", (1, 2), 0]
    assert parsed[(1, 2)].chunks == []
    assert parsed[3].chunks[0][1].text == "Deuxième texte."


def test_a_text_given_twice_is_parsed_once(interview: str, pipe_counter: Any) -> None:
    parsed = parse_texts({"a": interview, "b": "Autre.", "c": interview}, progress=False)
    assert pipe_counter.texts == 2
    assert parsed["a"] is parsed["c"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(WorkbenchError, match="au lieu d'un texte"):
        parse_texts({"a": b"bytes"}, progress=False)  # type: ignore[dict-item]
    with pytest.raises(WorkbenchError, match="n_process"):
        parse_texts({"a": "texte"}, n_process=0, progress=False)


def test_two_processes_give_the_same_tokens_as_one(interview: str,
                                                   long_text: Callable[..., str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[int] = []
    original = Language._multiprocessing_pipe

    def spy(self: Language, texts: Any, pipes: Any, n_process: int, batch_size: int) -> Any:
        workers.append(n_process)
        return original(self, texts, pipes, n_process, batch_size)

    monkeypatch.setattr(Language, "_multiprocessing_pipe", spy)
    texts = {i: long_text(40, seed=str(i)) + interview for i in range(6)}
    one = token_frame(parse_texts(texts, n_process=1, progress=False))
    assert workers == []
    two = token_frame(parse_texts(texts, n_process=2, progress=False))
    assert workers == [2]
    assert len(one) > 3000
    assert one.equals(two)


def test_small_jobs_use_one_process() -> None:
    assert default_processes(5_000) == 1
    assert 1 <= default_processes(1_000_000) <= min(len(os.sched_getaffinity(0)), 4)


# -- cache --------------------------------------------------------------------------------
def test_a_second_parse_comes_from_the_cache(tmp_path: Path, interview: str,
                                             long_text: Callable[..., str],
                                             pipe_counter: Any) -> None:
    cache = DocCache(tmp_path)
    texts = {"a": interview, "b": long_text(250)}
    first = parse_texts(texts, cache=cache, progress=False)
    parsed_once = pipe_counter.texts
    assert parsed_once == 1 + len(first["b"].chunks)
    second = parse_texts(texts, cache=cache, progress=False)
    assert pipe_counter.texts == parsed_once
    assert token_frame(first).equals(token_frame(second))
    for key in texts:
        assert [o for o, _ in first[key].chunks] == [o for o, _ in second[key].chunks]
        for (_, d1), (_, d2) in zip(first[key].chunks, second[key].chunks, strict=True):
            assert d1.to_json() == d2.to_json()  # text, tags, morphs, lemmas, sentences


def test_a_changed_text_or_pipeline_misses(tmp_path: Path, interview: str,
                                           pipe_counter: Any) -> None:
    cache = DocCache(tmp_path)
    parse_texts({"a": interview}, cache=cache, progress=False)
    parse_texts({"a": interview + "Une ligne de plus.\n"}, cache=cache, progress=False)
    assert pipe_counter.texts == 2
    parse_texts({"a": interview}, task="tokenize", cache=cache, progress=False)
    assert pipe_counter.texts == 3
    vocab = load_pipeline().vocab
    assert cache.get(interview, pipeline_signature("lemma"), vocab) is not None
    assert cache.get(interview, "spacy-0/other-model/tok2vec", vocab) is None
    assert len(list(tmp_path.rglob("*.spacy"))) == 3


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path, interview: str,
                                                   damage: str, pipe_counter: Any) -> None:
    cache = DocCache(tmp_path)
    parse_texts({"a": interview}, cache=cache, progress=False)
    [path] = tmp_path.rglob("*.spacy")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "flip":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        path.write_bytes(b"")
    signature, vocab = pipeline_signature("lemma"), load_pipeline().vocab
    assert cache.get(interview, signature, vocab) is None
    assert not path.exists()
    parsed = parse_texts({"a": interview}, cache=cache, progress=False)
    assert pipe_counter.texts == 2
    assert path.read_bytes() == data
    assert _round_trip(interview, parsed["a"]) > 50


def test_a_failed_write_leaves_no_entry_and_no_temporary_file(
        tmp_path: Path, interview: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", fail)
    cache = DocCache(tmp_path)
    with pytest.warns(UserWarning, match="disk full"):
        parsed = parse_texts({"a": interview}, cache=cache, progress=False)
    assert parsed["a"].n_tokens > 50
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_clear_removes_every_entry(tmp_path: Path, interview: str) -> None:
    cache = DocCache(tmp_path / "spacy")
    parse_texts({"a": interview, "b": "Autre texte."}, cache=cache, progress=False)
    assert cache.clear() == 2
    assert cache.clear() == 0


def test_default_cache_dir_follows_the_project(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir(tmp_path / "p") == tmp_path / "p" / "cache" / "spacy"
    assert default_cache_dir(tmp_path / "p" / "project.sqlite") == \
        tmp_path / "p" / "cache" / "spacy"
    assert default_cache_dir(f"sqlite:///{tmp_path}/q/x.db") == tmp_path / "q" / "cache" / "spacy"
    assert default_cache_dir("postgresql://u@host/db") == tmp_path / "xdg" / "workbench" / "spacy"
    assert default_cache_dir(None) == user_cache_dir()


def test_cached_columns_give_what_the_docs_give(tmp_path: Path, interview: str,
                                                long_text: Callable[..., str]) -> None:
    """A cached text serves `to_array` and the token table without rebuilding its Docs."""
    from spacy import attrs

    cache = DocCache(tmp_path)
    texts = {"a": interview, "b": long_text(120), "vide": ""}
    first = parse_texts(texts, cache=cache, progress=False)
    second = parse_texts(texts, cache=cache, progress=False)
    assert second["b"]._stored is not None  # loaded as columns, no Doc yet
    ids = [attrs.IDX, attrs.LENGTH, attrs.ORTH, attrs.LOWER, attrs.NORM, attrs.LEMMA,
           attrs.POS, attrs.TAG, attrs.SENT_START, attrs.IS_STOP, attrs.IS_PUNCT,
           attrs.IS_SPACE, attrs.LIKE_NUM, attrs.IS_DIGIT, attrs.IS_TITLE, attrs.SPACY]
    for key in texts:
        cached, _ = second[key].token_arrays(ids)
        fresh, _ = first[key].token_arrays(ids)
        assert [o for o, _ in cached] == [o for o, _ in fresh]
        for (_, c), (_, f) in zip(cached, fresh, strict=True):
            assert (c == f).all()
        assert second[key].n_tokens == first[key].n_tokens
    frame = token_frame(second)
    assert frame.equals(token_frame(first))
    assert frame["is_markup"].any() and frame["is_word"].any()
    assert second["b"]._stored is not None  # the token table built no Doc either
    assert _round_trip(texts["b"], second["b"]) == first["b"].n_tokens
    assert second["b"]._stored is None
