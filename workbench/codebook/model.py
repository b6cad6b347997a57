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
    where: str = ""  # "line 12" or "row 5": for error messages only

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
            at = f"{code.where}: " if code.where else ""
            if not code.id.strip():
                problems.append(f"{at}code with an empty id")
            if not code.name.strip():
                problems.append(f"{at}code '{code.id}' has an empty name")
            if code.id in seen:
                problems.append(
                    f"{at}duplicate code id '{code.id}' (first at {seen[code.id].where or '?'})")
            else:
                seen[code.id] = code
            if code.color and not COLOUR.match(code.color):
                problems.append(
                    f"{at}code '{code.id}' has a bad colour '{code.color}' (use #rrggbb)")
        for code in self.codes:
            if code.parent is not None and code.parent not in seen:
                problems.append(
                    f"{code.where}: code '{code.id}' has an unknown parent '{code.parent}'")
        siblings: dict[tuple[str | None, str], Code] = {}
        for code in self.codes:
            key = (code.parent, _fold(code.name))
            if key in siblings and siblings[key] is not code:
                problems.append(
                    f"{code.where}: duplicate code name '{code.name}' under the same parent "
                    f"(also at {siblings[key].where or '?'})")
            siblings.setdefault(key, code)
        problems.extend(_cycles(seen))
        rule_ids: dict[str, str] = {}
        for code in self.codes:
            for rule in code.rules:
                problems.extend(f"{code.where}: {p}" for p in rule_problems(rule, code.id))
                rid = rule.get("id") if isinstance(rule, dict) else None
                if rid and rid in rule_ids:
                    problems.append(f"{code.where}: rule id '{rid}' is also used by code "
                                    f"'{rule_ids[rid]}'; rule ids must be unique")
                elif rid:
                    rule_ids[rid] = code.id
        if problems:
            where = self.source or "codebook"
            raise CodebookError(
                f"{where}: {len(problems)} problem(s) in the codebook; fix them and load it "
                "again:\n  - " + "\n  - ".join(problems))
        return self


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
                        f"{index[current].where}: cycle in the hierarchy: "
                        + " → ".join(loop) + " (a code cannot be its own ancestor)")
                    reported.update(loop)
                break
            chain.append(current)
            current = index[current].parent
    return problems


def slug(text: str) -> str:
    """An ASCII identifier from a French name ('Place des femmes' → 'place_des_femmes')."""
    return ascii_slug(text) or "code"
