"""Reading, checking and filling a fiche template (docxtpl), all or nothing.

A template is checked before any fiche is written: the file exists and is a Word
document, its jinja tags parse, and every variable it names is one the fiche
offers. Each error is a :class:`~workbench.errors.TemplateError` naming the file,
the paragraph and what to fix. Fiches are rendered into a temporary folder and
moved into place only when all of them succeeded.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, meta
from jinja2 import TemplateError as JinjaError
from lxml.etree import XMLSyntaxError

from workbench.errors import TemplateError
from workbench.export.fiche_templates import VARIABLES, default_template, template_kind

_TAG = re.compile(r"{{|{%")
_HINT = ("Les balises s'écrivent {{ nom }} pour une valeur et {%p for e in extraits %} … "
         "{%p endfor %} pour répéter des paragraphes (chaque {%p … %} seul dans son "
         "paragraphe) ; fiche_template() écrit un modèle correct à partir duquel repartir.")


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def _paragraph_near(xml: str, lineno: int | None) -> str:
    """The text of the template paragraph where jinja stopped (tags stripped)."""
    if not lineno:
        return ""
    lines = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[min(lineno, len(lines)) - 1]).strip()
    return f" (paragraphe « {text[:80]} »)" if text else ""


class FicheTemplate:
    """A checked template: `kind` is signaletique or capitalisation; `source` names it;
    `variables`: the study's own variables it may use besides :data:`VARIABLES` (the
    attributes of the cases the fiches are about, by key)."""

    def __init__(self, kind: str, template: str | Path | None = None, *,
                 variables: Sequence[str] = ()) -> None:
        self.kind = template_kind(kind)
        self.variables = tuple(v for v in variables if v not in VARIABLES[self.kind])
        if template is None:
            self.source, self.data = f"modèle par défaut ({self.kind})", default_template(kind)
            return
        path = Path(template)
        self.source = str(path)
        if not path.is_file():
            raise TemplateError(f"{path} : modèle introuvable. Indiquez le chemin d'un .docx, "
                                f"ou écrivez le modèle par défaut avec fiche_template("
                                f"'{self.kind}', '{path.name}') puis modifiez-le.")
        if path.suffix.lower() != ".docx":
            raise TemplateError(f"{path} : un modèle de fiche est un document Word .docx ; "
                                "enregistrez-le au format .docx (Fichier > Enregistrer sous).")
        self.data = path.read_bytes()
        self._check()

    def _document(self) -> DocxTemplate:
        template = DocxTemplate(io.BytesIO(self.data))
        try:
            template.init_docx()
        except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError,
                XMLSyntaxError) as exc:
            raise TemplateError(f"{self.source} : ce n'est pas un document Word lisible "
                                f"({type(exc).__name__}) ; ouvrez-le dans Word et "
                                "réenregistrez-le en .docx, ou repartez de fiche_template()."
                                ) from None
        return template

    def _check(self) -> None:
        template = self._document()
        parts = [template.get_xml()]
        for uri in (template.HEADER_URI, template.FOOTER_URI):
            parts += [template.get_part_xml(part)
                      for _, part in template.get_headers_footers(uri)]
        env = _environment()
        names: set[str] = set()
        for part in parts:
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(part))
            try:
                tree = env.parse(xml)
            except TemplateSyntaxError as exc:
                raise TemplateError(
                    f"{self.source} : balise jinja incorrecte{_paragraph_near(xml, exc.lineno)}"
                    f" : {exc.message}. {_HINT}") from None
            names |= meta.find_undeclared_variables(tree)
        if not any(_TAG.search(re.sub(r"<[^>]+>", "", p)) for p in parts):
            what = "organisations" if self.kind == "signaletique" else "initiatives"
            raise TemplateError(f"{self.source} : ce modèle ne contient aucune balise "
                                f"{{{{ … }}}} : la fiche serait identique pour toutes les {what}. "
                                + _HINT)
        offered = (*VARIABLES[self.kind], *self.variables)
        unknown = sorted(names - set(offered) - set(env.globals))
        if unknown:
            raise TemplateError(
                f"{self.source} : variable(s) inconnue(s) {', '.join(unknown)}. Variables "
                f"d'une fiche {self.kind} : {', '.join(offered)}.")

    def render(self, context: Mapping[str, Any], path: Path, *, label: str) -> None:
        """Fill the template with `context` and save it to `path`."""
        template = self._document()
        try:
            template.render(dict(context), jinja_env=_environment())
            template.save(str(path))
        except JinjaError as exc:
            raise TemplateError(f"{self.source} : la fiche « {label} » ne peut pas être "
                                f"remplie : {exc}. Vérifiez les noms des champs (par "
                                f"exemple e.texte, s.titre, c.valeur). {_HINT}") from None
        except (XMLSyntaxError, ValueError) as exc:
            raise TemplateError(f"{self.source} : la fiche « {label} » produit un document "
                                f"Word invalide ({exc}) ; une balise {{%p …%}} ou {{%tr …%}} "
                                "est sans doute mal placée. " + _HINT) from None


def render_all(template: FicheTemplate, items: Sequence[tuple[str, str, Mapping[str, Any]]],
               folder: Path, *, check: Callable[[Path, str], None] | None = None,
               extra: Mapping[str, Callable[[Path], object]] | None = None) -> list[Path]:
    """Render (file name, label, context) items into `folder`, `check` each rendered file
    (it raises to refuse one), and write the `extra` files (name → writer): everything
    goes to a temporary folder first and is moved in only when all succeeded."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".fiches-{uuid.uuid4().hex[:8]}.tmp"
    staging.mkdir()
    try:
        for name, label, context in items:
            template.render(context, staging / name, label=label)
            if check is not None:
                check(staging / name, label)
        for name, write in (extra or {}).items():
            write(staging / name)
        names = [name for name, _, _ in items] + list(extra or {})
        for name in names:
            os.replace(staging / name, folder / name)
        return [folder / name for name in names]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
