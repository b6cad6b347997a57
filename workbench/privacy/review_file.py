"""A reviewed list of possible names, kept as a file beside the study (YAML): who gets a
pseudonym, and which words were read and are not a person's name.

    pseudonymes:            # or pseudonyms
      Yasmine: Proche 1
    pas_des_noms:           # or not_names
      - Aït Melloul
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.codebook.yaml_io import load_bounded
from workbench.errors import WorkbenchError

MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class NameReview:
    pseudonyms: dict[str, str]
    not_names: list[str]


def read_name_review(path: str | Path) -> NameReview:
    """Read a review file; a French WorkbenchError names the file and what is wrong."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise WorkbenchError(f"{path.name} : fichier de relecture trop gros (plus de 5 Mo).")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path.name} : lecture impossible ({exc}).") from exc
    data = load_bounded(text, source=path.name) or {}
    if not isinstance(data, dict):
        raise WorkbenchError(f"{path.name} : attendu deux rubriques, « pseudonymes » "
                             "(nom : pseudonyme) et « pas_des_noms » (une liste).")
    unknown = sorted(set(map(str, data)) - {"pseudonymes", "pseudonyms", "pas_des_noms",
                                            "not_names"})
    if unknown:
        raise WorkbenchError(f"{path.name} : rubrique inconnue {', '.join(unknown)} ; "
                             "utilisez « pseudonymes » et « pas_des_noms ».")
    pseudonyms = data.get("pseudonymes", data.get("pseudonyms")) or {}
    not_names = data.get("pas_des_noms", data.get("not_names")) or []
    if not isinstance(pseudonyms, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in pseudonyms.items()):
        raise WorkbenchError(f"{path.name} : « pseudonymes » doit associer chaque nom à un "
                             "pseudonyme non vide (Yasmine: Proche 1).")
    if not isinstance(not_names, list) or not all(isinstance(n, str) and n.strip()
                                                  for n in not_names):
        raise WorkbenchError(f"{path.name} : « pas_des_noms » doit être une liste de mots.")
    return NameReview({k.strip(): v.strip() for k, v in pseudonyms.items()},
                      [n.strip() for n in not_names])
