"""The folding helpers of workbench.text: what each keeps and what it drops."""

from __future__ import annotations

import pytest

from workbench.text import ascii_fold, ascii_slug, fold, fold_words, strip_accents

ARABIC = "مدرسة"
ARABIC_VOWELLED = "مَدْرَسَة"
TIFINAGH = "ⵜⴰⵎⴰⵣⵉⵖⵜ"


@pytest.mark.parametrize(("text", "folded"), [
    ("", ""),
    ("Élève ÇA", "eleve ca"),
    ("cœur Æther", "cœur æther"),  # œ and æ have no decomposition: kept
    ("Straße ẞ", "strasse ss"),  # casefold, not lower
    ("İstanbul", "istanbul"),  # the dot above is a combining mark
    (ARABIC, ARABIC),
    (ARABIC_VOWELLED, ARABIC),  # short vowels are combining marks
    (TIFINAGH, TIFINAGH),
    ("d’Origine l'X", "d’origine l'x"),  # apostrophes untouched
    ("a\u00a0b\u202fc", "a b c"),  # NFKD: no-break spaces become spaces
    ("ﬁn ² Ⅻ", "fin 2 xii"),  # compatibility forms
    ("Ωμέγα 42", "ωμεγα 42"),
    ("  a  -  b  ", "  a  -  b  "),  # spaces and punctuation kept, not squashed
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "words"), [
    ("", ""),
    ("Province_d’Origine", "province d origine"),
    ("  ARR./VILLE  ", "arr ville"),
    ("Straße", "strasse"),
    ("cœur", "c ur"),  # œ is not a-z
    (f"nom {ARABIC} {TIFINAGH} 12", "nom 12"),
    ("a\u00a0b", "a b"),
    ("İl", "il"),
])
def test_fold_words(text: str, words: str) -> None:
    assert fold_words(text) == words


def test_fold_words_takes_any_value() -> None:
    assert fold_words(12) == "12"
    assert fold_words(None) == "none"


@pytest.mark.parametrize(("text", "folded"), [
    ("", ""),
    ("Rôle: CŒUR", "role: cur"),  # œ dropped, not folded
    ("Straße", "strae"),  # ß dropped
    (f"a {ARABIC} b", "a  b"),  # other scripts dropped, spaces kept
    (TIFINAGH, ""),
    ("d’Origine l'x", "dorigine l'x"),  # a curly apostrophe is dropped, a straight one kept
    ("a\u00a0b", "a b"),
    ("İstanbul", "istanbul"),
    ("ﬁn ²", "fin 2"),
])
def test_ascii_fold(text: str, folded: str) -> None:
    assert ascii_fold(text) == folded


@pytest.mark.parametrize(("text", "slug"), [
    ("", ""),
    ("Place des femmes", "place_des_femmes"),
    ("  L’Été -- 2024 !", "lete_2024"),
    (f"a{ARABIC}b", "ab"),  # dropped letters leave no separator
    (f"a {ARABIC} b", "a_b"),
    (TIFINAGH, ""),
    ("Straße", "strae"),
])
def test_ascii_slug(text: str, slug: str) -> None:
    assert ascii_slug(text) == slug


@pytest.mark.parametrize(("text", "plain"), [
    ("", ""),
    ("Élodie Müller", "Elodie Muller"),  # case kept
    ("Straße cœur ﬁn", "Straße cœur ﬁn"),  # no casefold, no compatibility folding
    ("İstanbul", "Istanbul"),
    (ARABIC_VOWELLED, ARABIC),
    (TIFINAGH, TIFINAGH),
    ("d’Origine", "d’Origine"),  # apostrophes untouched
    ("a\u00a0b", "a\u00a0b"),
    ("e\u0301", "e"),
    ("한국", "한국"),  # NFC again: Hangul recomposed
])
def test_strip_accents(text: str, plain: str) -> None:
    assert strip_accents(text) == plain
