"""Read and write codebooks as YAML (nested `children:` or flat `parent:`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workbench.codebook.model import FIELDS, Code, Codebook, problem_list, slug
from workbench.errors import CodebookError

_KNOWN = {"id", "name", "parent", "color", "rules", "guid", "replaces", "children", *FIELDS}


MAX_BYTES = 10 * 1024**2  # a codebook of a thousand codes with definitions is under 1 MB
MAX_NODES = 200_000  # values in a document once every alias is expanded
MAX_DEPTH = 100  # nesting of lists and mappings


class BoundedLoader(yaml.SafeLoader):
    """A safe loader that refuses documents whose aliases would expand too far.

    YAML aliases (``&a`` … ``*a``) share one node; a few lines of them nest into
    billions of values once something walks the data (a "billion laughs"). The
    composed document is measured first, each node once (aliases counted as many
    times as they are used), before anything is built from it; recursive
    aliases and very deep nesting are refused too.
    """

    source = "YAML"

    def construct_document(self, node):  # type: ignore[no-untyped-def]
        _measure(node, self.source)
        return super().construct_document(node)


def _measure(root: yaml.Node, source: str) -> int:
    memo: dict[int, int] = {}
    active: set[int] = set()
    todo = ("écrivez chaque valeur en clair au lieu de la répéter par des alias (&nom / *nom), "
            "puis chargez la grille à nouveau")

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise CodebookError(f"{source} : refusé, un alias YAML s'inclut lui-même "
                                f"(structure sans fin) ; {todo}.")
        if depth > MAX_DEPTH:
            raise CodebookError(f"{source} : refusé, listes ou sections imbriquées sur plus de "
                                f"{MAX_DEPTH} niveaux ; {todo}.")
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        active.discard(key)
        if total > MAX_NODES:
            raise CodebookError(
                f"{source} : refusé, ses alias YAML se déploieraient en plus de {MAX_NODES} "
                f"valeurs (une « bombe » d'alias qui saturerait la mémoire) ; {todo}.")
        memo[key] = total
        return total

    return size(root, 0)


def load_bounded(text: str, *, source: str, loader: type[BoundedLoader] = BoundedLoader) -> Any:
    """`text` parsed as YAML with the bounds of `BoundedLoader`; errors name `source`."""
    reader = loader(text)
    reader.source = source
    try:
        return reader.get_single_data()
    except RecursionError:
        raise CodebookError(f"{source} : refusé, imbrication YAML trop profonde ; simplifiez "
                            "la structure du fichier.") from None
    finally:
        reader.dispose()


def yaml_syntax(exc: yaml.YAMLError, *, within: str = "") -> str:
    """Where a YAML text breaks, in French: "ligne 3, colonne 4 (l'analyseur YAML : « … »)".

    `within` follows the place ("du texte de la cellule"); the parser's own words,
    which PyYAML only has in English, are quoted as they are.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    place = (f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark is not None
             else "position inconnue")
    detail = getattr(exc, "problem", None) or type(exc).__name__
    return f"{place}{' ' + within if within else ''} (l'analyseur YAML : « {detail} »)"


class _LineLoader(BoundedLoader):
    """A bounded safe loader that remembers the line each mapping starts on."""

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_yaml(path: str | Path) -> Codebook:
    """Parse and validate a YAML codebook; errors name the file and line."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CodebookError(
                f"{path.name} : fichier de {size / 1024**2:.0f} Mo, trop grand pour une grille "
                f"de codage (au plus {MAX_BYTES // 1024**2} Mo ; une grille de mille codes "
                "tient en moins d'1 Mo) ; vérifiez que c'est bien la grille.")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(
            f"{path} : la grille n'est pas enregistrée en UTF-8 (octet illisible à la position "
            f"{exc.start}) ; enregistrez-la en UTF-8 dans votre éditeur et chargez-la à "
            "nouveau.") from exc
    except OSError as exc:
        raise CodebookError(
            f"{path} : impossible de lire la grille ({exc.strerror or exc}) ; vérifiez qu'elle "
            "n'est pas ouverte ailleurs ni protégée, puis réessayez.") from exc
    try:
        data = load_bounded(text, source=path.name, loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise CodebookError(
            f"{path} : YAML invalide, {yaml_syntax(exc)} ; vérifiez l'indentation à cet endroit "
            "et chargez la grille à nouveau.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise CodebookError(
            f"{path} : une grille doit contenir une liste `codes:` au premier niveau (en début "
            "de ligne, sans retrait), suivie de ses codes (« - name: … ») ; ajoutez-la ou "
            "corrigez-la.")
    head = data.get("codebook") or {}
    codes: list[Code] = []
    problems: list[str] = []
    _collect(data["codes"], None, codes, problems, path.name)
    if problems:
        raise CodebookError(problem_list(str(path), problems))
    book = Codebook(codes, name=str(head.get("name", "")),
                    description=str(head.get("description", "") or ""),
                    language=str(head.get("language", "fr")), source=str(path))
    return book.validate()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _without_lines(value: Any) -> Any:
    """The loaded value without the `__line__` markers our loader adds to mappings."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def _collect(items: list[Any], parent: str | None, out: list[Code],
             problems: list[str], fname: str) -> None:
    for item in items:
        if not isinstance(item, dict):
            under = f"un sous-code de « {parent} »" if parent else "un code de premier niveau"
            written = ("est vide" if item is None else
                       f"est écrit « {item} »" if isinstance(item, str) else f"vaut {item!r}")
            problems.append(f"{fname} : {under} {written} au lieu de ses champs ; un code "
                            "s'écrit avec au moins `name:` (« - name: … »)")
            continue
        line = item.pop("__line__", "?")
        where = f"{fname}, ligne {line}"
        unknown = set(map(str, item)) - _KNOWN
        if unknown:
            problems.append(f"{where} : champ(s) inconnu(s) "
                            f"{', '.join(f'« {u} »' for u in sorted(unknown))} ; corrigez "
                            f"l'orthographe (champs reconnus : {', '.join(sorted(_KNOWN))})")
        name = _text(item.get("name"))
        code_id = _text(item.get("id")) or (f"{parent}.{slug(name)}" if parent else slug(name))
        rules = _without_lines(item.get("rules") or [])
        if not isinstance(rules, list):
            problems.append(f"{where} : `rules` doit être une liste de règles, chacune "
                            "commençant par « - »")
            rules = []
        code = Code(
            id=code_id, name=name,
            parent=_text(item.get("parent")) or parent,
            **{f: _text(item.get(f)) for f in FIELDS},
            color=_text(item.get("color")) or None,
            rules=rules, guid=_text(item.get("guid")) or None,
            replaces=[str(r) for r in item.get("replaces") or []],
            where=where,
        )
        out.append(code)
        children = item.get("children") or []
        if not isinstance(children, list):
            problems.append(f"{where} : `children` doit être une liste de codes, chacun "
                            "commençant par « - »")
            continue
        _collect(children, code.id, out, problems, fname)


def codebook_to_data(book: Codebook) -> dict[str, Any]:
    """The nested structure written to YAML (empty fields left out)."""

    def node(code: Code) -> dict[str, Any]:
        out: dict[str, Any] = {"id": code.id, "name": code.name}
        for f in FIELDS:
            if getattr(code, f):
                out[f] = getattr(code, f)
        if code.color:
            out["color"] = code.color
        if code.guid:
            out["guid"] = code.guid
        if code.rules:
            out["rules"] = code.rules
        if code.replaces:
            out["replaces"] = code.replaces
        children = book.children(code.id)
        if children:
            out["children"] = [node(c) for c in children]
        return out

    head = {"name": book.name, "description": book.description, "language": book.language}
    return {"codebook": head, "codes": [node(c) for c in book.children(None)]}


def write_yaml(book: Codebook, path: str | Path) -> Path:
    """Write a human-editable, diff-friendly YAML codebook."""
    path = Path(path)
    text = yaml.safe_dump(codebook_to_data(book), allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=False)
    path.write_text(text, encoding="utf-8")
    return path
