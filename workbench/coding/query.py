"""Code expressions for extracts: `a | b`, `a & b`, `a & ~b`, `(a | b) & c`.

Words `AND`, `OR`, `NOT` (or `ET`, `OU`, `SAUF`) work too. An atom is a code id,
or a name or path in quotes. `a & b` keeps the codings of `a` or `b` whose unit
(the overlapping span, the same turn or the same document) also holds the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from workbench.errors import WorkbenchError

_TOKEN = re.compile(r"\s*(?:(\()|(\))|(&|\bAND\b|\bET\b)|(\||\bOR\b|\bOU\b)|(~|!|\bNOT\b|\bSAUF\b)"
                    r"|\"([^\"]+)\"|'([^']+)'|([\w.\-:/]+))", re.UNICODE)


@dataclass(frozen=True)
class Atom:
    ref: str


@dataclass(frozen=True)
class Not:
    term: Expr


@dataclass(frozen=True)
class And:
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Or:
    left: Expr
    right: Expr


Expr = Atom | Not | And | Or


def parse(text: str) -> Expr:
    """Parse a code expression; `&` binds tighter than `|`."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise WorkbenchError(f"expression de codes « {text} » : illisible à partir de "
                                 f"« {text[pos:]} » ; mettez entre guillemets un nom de code "
                                 "qui contient des espaces ou des signes.")
        pos = m.end()
        kinds = ("(", ")", "&", "|", "~", "atom", "atom", "atom")
        for kind, value in zip(kinds, m.groups(), strict=True):
            if value is not None:
                tokens.append((kind, value))
                break
    expr, rest = _or(tokens, text)
    if rest:
        raise WorkbenchError(f"expression de codes « {text} » : « {rest[0][1]} » inattendu ; "
                             "reliez les codes par &, | ou ~ (ET, OU, SAUF) et vérifiez les "
                             "parenthèses.")
    return expr


Tokens = list[tuple[str, str]]


def _chain(tokens: Tokens, text: str, op: str, node: type[And] | type[Or],
           operand: Callable[[Tokens, str], tuple[Expr, Tokens]]) -> tuple[Expr, Tokens]:
    """`operand (op operand)*`, folded left into `node`s."""
    left, tokens = operand(tokens, text)
    while tokens and tokens[0][0] == op:
        right, tokens = operand(tokens[1:], text)
        left = node(left, right)
    return left, tokens


def _or(tokens: Tokens, text: str) -> tuple[Expr, Tokens]:
    return _chain(tokens, text, "|", Or, _and)


def _and(tokens: Tokens, text: str) -> tuple[Expr, Tokens]:
    return _chain(tokens, text, "&", And, _unary)


def _unary(tokens: list[tuple[str, str]], text: str) -> tuple[Expr, list[tuple[str, str]]]:
    if not tokens:
        raise WorkbenchError(f"expression de codes « {text} » : incomplète, un code manque "
                             "à la fin.")
    kind, value = tokens[0]
    if kind == "~":
        term, rest = _unary(tokens[1:], text)
        return Not(term), rest
    if kind == "(":
        inner, rest = _or(tokens[1:], text)
        if not rest or rest[0][0] != ")":
            raise WorkbenchError(f"expression de codes « {text} » : une « ( » n'est pas "
                                 "fermée ; ajoutez la « ) » qui manque.")
        return inner, rest[1:]
    if kind == "atom":
        return Atom(value), tokens[1:]
    raise WorkbenchError(f"expression de codes « {text} » : « {value} » inattendu, un code "
                         "était attendu à cet endroit.")


def atoms(expr: Expr) -> list[str]:
    """Every code reference in the expression, in order."""
    if isinstance(expr, Atom):
        return [expr.ref]
    if isinstance(expr, Not):
        return atoms(expr.term)
    return atoms(expr.left) + atoms(expr.right)


def positive_atoms(expr: Expr, negated: bool = False) -> list[str]:
    """Atoms not under a NOT: the codes whose codings an expression returns."""
    if isinstance(expr, Atom):
        return [] if negated else [expr.ref]
    if isinstance(expr, Not):
        return positive_atoms(expr.term, not negated)
    return positive_atoms(expr.left, negated) + positive_atoms(expr.right, negated)
