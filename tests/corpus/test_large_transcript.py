from __future__ import annotations

from pathlib import Path

from workbench.corpus import read_document

BLOCK = (
    "[00:12:03] Enquêtrice : Pouvez-vous me dire d'où vous venez et quand vous êtes arrivée ?\n"
    "Fatima Aït Lahcen : Je suis née en 1975 à Tafraout, dans la province de Tiznit, et je suis\n"
    "arrivée en France en 1998 pour rejoindre mon mari à Gennevilliers.\n"
)


def test_fifty_megabyte_transcript_is_parsed(tmp_path: Path) -> None:
    copies = 50_000_000 // len(BLOCK.encode("utf-8"))
    path = tmp_path / "long.txt"
    path.write_text(BLOCK * copies, encoding="utf-8")
    doc = read_document(path)
    assert len(doc.turns) == 2 * copies
    assert (doc.matched_lines, doc.total_lines) == (2 * copies, 3 * copies)
    last = doc.turns[-1]
    assert doc.text[last.start : last.end] == (
        "Je suis née en 1975 à Tafraout, dans la province de Tiznit, et je suis\n"
        "arrivée en France en 1998 pour rejoindre mon mari à Gennevilliers."
    )
    assert doc.turns[-2].t_start == 723.0
