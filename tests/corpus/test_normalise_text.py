from __future__ import annotations

from workbench.corpus.normalise import collapse_spaces, normalise_text


def test_line_endings_crlf_cr_and_mixed_become_lf() -> None:
    assert normalise_text("a\r\nb\rc\nd\r\n\r\ne") == "a\nb\nc\nd\n\ne"


def test_page_breaks_and_unicode_separators_become_lf() -> None:
    assert normalise_text("fin\x0cdébut\x0bligne\u2028suite\u2029para") == (
        "fin\ndébut\nligne\nsuite\npara"
    )


def test_bom_is_removed_everywhere() -> None:
    assert normalise_text("\ufeffBonjour\ufeff !") == "Bonjour !"


def test_nfd_accents_are_composed() -> None:
    decomposed = "Enque\u0302teur : e\u0301te\u0301"
    assert normalise_text(decomposed) == "Enquêteur : été"
    assert len(normalise_text(decomposed)) == len("Enquêteur : été")


def test_control_characters_dropped_but_tab_and_newline_kept() -> None:
    assert normalise_text("a\x00b\x07c\x1bd\x7fe\x9cf\tg\nh") == "abcdef\tg\nh"


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_text("E\u0301\r\nx\x00\ufeff")
    assert normalise_text(once) == once == "É\nx"


def test_collapse_spaces_folds_newlines_and_runs() -> None:
    assert collapse_spaces("  vous\n savez \t euh  ") == "vous savez euh"
