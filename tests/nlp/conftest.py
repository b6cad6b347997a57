"""Fixtures for the NLP tests: French texts with markup and other scripts, a pipe counter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from spacy.language import Language

# Accents, typographic apostrophes, Arabic and Tifinagh passages, markup and fillers.
INTERVIEW = """\
Enquêtrice : Bonjour, pouvez-vous vous présenter ?
Fatima : Bon, euh, je suis née à Tiznit. Je vou- je voulais dire que l’école du douar [pause] \
c’est grâce à la diaspora, voilà.
Enquêtrice : Et les diasporas d'Europe ? C'est quoi, le lien ?
Fatima : (inaudible) On dit السلام عليكم au village, et ⵜⴰⵎⴰⵣⵉⵖⵜ sur le panneau. xxx /// \
Les femmes de l'association, quoi.
"""


@dataclass
class PipeCounter:
    """How many texts went through spaCy's `Language.pipe` since the fixture started."""

    calls: int = 0
    texts: int = 0


@pytest.fixture
def pipe_counter(monkeypatch: pytest.MonkeyPatch) -> PipeCounter:
    counter = PipeCounter()
    original = Language.pipe

    def counting_pipe(self: Language, texts: object, *args: object,
                      **kwargs: object) -> Iterator[object]:
        counter.calls += 1

        def counted() -> Iterator[object]:
            for text in texts:  # type: ignore[attr-defined]
                counter.texts += 1
                yield text
        return original(self, counted(), *args, **kwargs)

    monkeypatch.setattr(Language, "pipe", counting_pipe)
    return counter


@pytest.fixture
def interview() -> str:
    return INTERVIEW


def make_long_text(lines: int, seed: str = "") -> str:
    """A French text of `lines` lines of ~100 characters (with accents)."""
    return "".join(
        f"Ligne {i}{seed} : l'élève a écrit « déjà vu » à la coopérative d'Aït Baha, "
        f"près du puits n° {i % 7}.\n" for i in range(lines))


@pytest.fixture
def long_text() -> Callable[..., str]:
    """Make a text of n lines (250 lines: more than one 20,000-character chunk)."""
    return make_long_text
