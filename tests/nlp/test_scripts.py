"""Scripts of texts and runs: Latin, Arabic, Tifinagh, mixed, none."""

from __future__ import annotations

import itertools

import pytest

from workbench.nlp.scripts import letter_counts, script_of, spans_by_script, turn_scripts


@pytest.mark.parametrize(("text", "script"), [
    ("Bonjour, ça va ? Œuvre, naïf, Ḍaḍa, aɣrum", "latin"),
    ("السلام عليكم، كيف حالك؟", "arabic"),
    ("ﻻ ﷲ", "arabic"),  # presentation forms
    ("ⵜⴰⵎⴰⵣⵉⵖⵜ ⴰⵣⵓⵍ", "tifinagh"),
    ("Здравствуйте", "other"),
    ("Bonjour السلام عليكم", "mixed"),
    ("On dit ⴰⵣⵓⵍ à tout le monde", "mixed"),
    ("Il m'a dit inchallah إن شاء الله et on a continué à parler du projet de l'école "
     "du douar pendant une heure entière, avec le président de l'association", "latin"),
    # 9 Arabic letters and 110 Latin ones: under MIXED_MIN_SHARE (10 %)
    ("Le mot ب seul", "latin"),
    ("12:30 — ... ! 2019", "none"),
    ("", "none"),
])
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


def test_spans_cover_the_text_and_split_at_the_first_letter_of_a_new_script() -> None:
    text = "« Bonjour », puis السلام عليكم، ensuite ⴰⵣⵓⵍ ! Fin."
    spans = spans_by_script(text)
    assert [s for _, _, s in spans] == ["latin", "arabic", "latin", "tifinagh", "latin"]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    pieces = [text[a:b] for a, b, _ in spans]
    assert pieces[0] == "« Bonjour », puis "
    assert pieces[1] == "السلام عليكم، "
    assert pieces[3] == "ⴰⵣⵓⵍ ! "


def test_spans_of_texts_without_letters_or_without_text() -> None:
    assert spans_by_script("12, 13 !") == [(0, 8, "none")]
    assert spans_by_script("") == []
    assert spans_by_script("abc") == [(0, 3, "latin")]
    assert spans_by_script("اب") == [(0, 2, "arabic")]


def test_a_word_mixing_scripts_is_split() -> None:
    assert spans_by_script("abcابت") == [(0, 3, "latin"), (3, 6, "arabic")]


def test_turn_scripts() -> None:
    assert turn_scripts(["Oui.", "نعم", "", "ⵢⴰⵀ Oui mais non, vraiment pas"]) == \
        ["latin", "arabic", "none", "mixed"]


def test_turn_scripts_of_latin_only_texts_are_their_scripts() -> None:
    texts = ["Oui.", "", "12:30 !", "Éé", "à ²", "Ça va, naïf ? Ḍaḍa aɣrum", "½ × 2"]
    assert turn_scripts(texts) == [script_of(t) for t in texts] == \
        ["latin", "none", "none", "latin", "latin", "latin", "none"]


def test_letters_are_counted_by_script_in_order_of_appearance() -> None:
    assert letter_counts("Été, ⴰⵣⵓⵍ ! مرحبا 2019") == {"latin": 3, "tifinagh": 4, "arabic": 5}
    assert list(letter_counts("ⴰ é ب")) == ["tifinagh", "latin", "arabic"]
    assert letter_counts("naïve") == {"latin": 5} and letter_counts("12 ²") == {}
    assert script_of("ab اب") == "latin" and script_of("اب ab") == "arabic"  # ties: first
