"""The codebook: a hierarchy of codes with definitions, criteria and rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from workbench.codebook.rules import rule_problems
from workbench.errors import CodebookError
from workbench.text import ascii_slug

COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass
class Code:
    """One code. `id` is the stable key codings refer to; `name` may change freely."""

    id: str
    name: str
    parent: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str | None = None
    rules: list[dict[str, Any]] = field(default_factory=list)
    guid: str | None = None
    replaces: list[str] = field(default_factory=list)
    where: str = ""  # "grille.yaml, ligne 12": for error messages only

    def as_dict(self) -> dict[str, Any]:
        """The code's content, without its location (for snapshots and comparison)."""
        return {
            "id": self.id, "name": self.name, "parent": self.parent,
            **{f: getattr(self, f) for f in FIELDS},
            "color": self.color, "rules": self.rules, "guid": self.guid,
            "replaces": self.replaces,
        }


@dataclass
class Codebook:
    """Codes in reading order (a parent before its children)."""

    codes: list[Code]
    name: str = ""
    description: str = ""
    language: str = "fr"
    source: str = ""

    def by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent == code_id]

    def path(self, code_id: str) -> str:
        """Names from the root down, joined by ' > '."""
        index = self.by_id()
        names: list[str] = []
        current: str | None = code_id
        while current is not None:
            names.append(index[current].name)
            current = index[current].parent
        return " > ".join(reversed(names))

    def depth(self, code_id: str) -> int:
        index = self.by_id()
        depth, current = 0, index[code_id].parent
        while current is not None:
            depth, current = depth + 1, index[current].parent
        return depth

    def ordered(self) -> list[Code]:
        """Depth-first order, siblings in their given order."""
        out: list[Code] = []

        def visit(parent: str | None) -> None:
            for child in self.children(parent):
                out.append(child)
                visit(child.id)

        visit(None)
        return out

    def validate(self) -> Codebook:
        """Raise one CodebookError listing every problem, each with its place."""
        problems: list[str] = []
        seen: dict[str, Code] = {}
        for code in self.codes:
            at = _at(code)
            if not code.id.strip():
                problems.append(f"{at}code sans identifiant ; donnez-lui un identifiant unique")
            if not code.name.strip():
                problems.append(f"{at}le code « {code.id} » n'a pas de nom ; donnez-lui un nom")
            if code.id in seen:
                first = _other("le premier", seen[code.id])
                problems.append(
                    f"{at}identifiant de code « {code.id} » en double{first} ; donnez à chaque "
                    "code un identifiant unique")
            else:
                seen[code.id] = code
            if code.color and not COLOUR.match(code.color):
                problems.append(
                    f"{at}couleur « {code.color} » invalide pour le code « {code.id} » ; "
                    "écrivez-la sous la forme #rrggbb (par exemple #c0392b) ou laissez-la vide")
        for code in self.codes:
            if code.parent is not None and code.parent not in seen:
                problems.append(
                    f"{_at(code)}le parent « {code.parent} » du code « {code.id} » n'est pas "
                    "un code de la grille ; corrigez l'identifiant du parent ou ajoutez ce code")
        siblings: dict[tuple[str | None, str], Code] = {}
        for code in self.codes:
            key = (code.parent, _fold(code.name))
            if key in siblings and siblings[key] is not code:
                other = _other("l'autre", siblings[key])
                problems.append(
                    f"{_at(code)}nom de code « {code.name} » en double sous le même "
                    f"parent{other} ; renommez l'un des deux codes")
            siblings.setdefault(key, code)
        problems.extend(_cycles(seen))
        rule_ids: dict[str, str] = {}
        for code in self.codes:
            for rule in code.rules:
                problems.extend(f"{_at(code)}{p}" for p in rule_problems(rule, code.id))
                rid = rule.get("id") if isinstance(rule, dict) else None
                if rid and rid in rule_ids:
                    problems.append(f"{_at(code)}l'identifiant de règle « {rid} » est déjà "
                                    f"utilisé par le code « {rule_ids[rid]} » ; donnez à "
                                    "chaque règle un identifiant unique")
                elif rid:
                    rule_ids[rid] = code.id
        if problems:
            raise CodebookError(problem_list(self.source, problems))
        return self


def problem_list(source: str, problems: list[str]) -> str:
    """One error message listing every problem found in the codebook read from `source`."""
    head = f"{source} : " if source else ""
    return (f"{head}{len(problems)} problème(s) dans la grille de codage, rien n'a été "
            "chargé ; corrigez-les et chargez la grille à nouveau :\n  - "
            + "\n  - ".join(problems))


def _at(code: Code) -> str:
    """The code's place as the start of a problem ("grille.yaml, ligne 12 : "), or ""."""
    return f"{code.where} : " if code.where else ""


def _other(label: str, code: Code) -> str:
    """Where the other code of a clash is, if known: ' (le premier : grille.yaml, ligne 4)'."""
    return f" ({label} : {code.where})" if code.where else ""


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def _cycles(index: dict[str, Code]) -> list[str]:
    problems = []
    reported: set[str] = set()
    for start in index:
        chain, current = [start], index[start].parent
        while current is not None and current in index:
            if current in chain:
                loop = [*chain[chain.index(current):], current]
                if not reported & set(loop):
                    problems.append(
                        f"{_at(index[current])}cycle dans la hiérarchie ("
                        + " → ".join(loop) + "), un code ne peut pas être son propre ancêtre ; "
                        "corrigez le parent de l'un de ces codes")
                    reported.update(loop)
                break
            chain.append(current)
            current = index[current].parent
    return problems


def slug(text: str) -> str:
    """An ASCII identifier from a French name ('Place des femmes' → 'place_des_femmes')."""
    return ascii_slug(text) or "code"
