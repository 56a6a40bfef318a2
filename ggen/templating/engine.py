"""The template engine the render stage calls.

The dialect comes from the file name: ``.j2`` and ``.jinja`` are plain Jinja2,
everything else (``.tera``, ``.tmpl``, inline text, output path patterns) is
Tera. Every failure leaves as a :class:`ggen.errors.TemplateError` naming the
template and line; no Jinja2 exception escapes.

Known limitations: Tera escapes HTML automatically in templates whose name
ends in ``.html``, ``.htm`` or ``.xml``; this engine never escapes, because
ggen's templates are code generators and the suffix here is usually
``.tera``. Undefined names in messages are listed from the render context
and the template's own ``set`` frames, not from macros or imports.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from ggen.errors import GgenError, Location, TemplateError
from ggen.manifest import decode_utf8
from ggen.templating import diagnostics
from ggen.templating.dialect import UnsupportedConstruct
from ggen.templating.environments import TeraEnvironment, jinja_environment
from ggen.templating.functions import QueryFunction, TemplateFunctionError
from ggen.templating.values import TeraValueError

__all__ = ["QueryFunction", "TemplateEngine"]

log = logging.getLogger(__name__)

JINJA_SUFFIXES = frozenset({".j2", ".jinja"})

# Failures a template can cause while rendering (anything else is a bug here).
_RENDER_FAILURES = (
    jinja2.TemplateError,
    TeraValueError,
    TemplateFunctionError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    RecursionError,
)

_UNSUPPORTED_HINT = (
    "Tera templates get Tera's meaning; name the file .j2 to use Jinja2 features"
)


class TemplateEngine:
    """Renders template files and inline template strings.

    ``root`` is the manifest's folder: template names in messages are relative
    to it, and ``include``/``import``/``extends`` look in ``root/templates``
    and then ``root``. ``query`` runs a SELECT against the project graph, for
    template functions such as ``sparql(query=...)``.
    """

    def __init__(self, root: Path, query: QueryFunction | None = None) -> None:
        self.root = root
        self.query = query
        loader = jinja2.FileSystemLoader([str(root / "templates"), str(root)])
        self._tera = TeraEnvironment(loader, query)
        self._jinja = jinja_environment(loader, query)
        self._compiled: dict[tuple[bool, str, str], jinja2.Template] = {}
        # A rule renders the same file once per row: read and name it once.
        self._sources: dict[Path, tuple[str, str]] = {}
        self._resolved_root = root.resolve()

    def render_file(self, path: Path, context: Mapping[str, Any]) -> str:
        """Render the template file at ``path`` (dialect from its extension)."""
        if path not in self._sources:
            self._sources[path] = self._read(path)
        name, text = self._sources[path]
        return self._render(path.suffix not in JINJA_SUFFIXES, text, context, name)

    def _read(self, path: Path) -> tuple[str, str]:
        """The display name and text of a template file."""
        name = self._display_name(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(
                f"cannot read template: {exc.strerror or exc}",
                Location(name),
                hint="check the template path in ggen.toml and the file's permissions",
            ) from None
        return name, decode_utf8(Path(name), data, TemplateError)

    def render_string(
        self, text: str, context: Mapping[str, Any], name: str = "<inline>"
    ) -> str:
        """Render Tera template source ``text``; ``name`` appears in errors."""
        return self._render(True, text, context, name)

    def _display_name(self, path: Path) -> str:
        """``path`` relative to the root when it lies inside it."""
        try:
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return str(path)

    def _render(
        self, tera: bool, text: str, context: Mapping[str, Any], name: str
    ) -> str:
        """Compile (cached) and render, turning every failure into TemplateError."""
        environment = self._tera if tera else self._jinja
        try:
            template = self._template(tera, text, name)
            return template.render(dict(context))
        except GgenError:
            raise
        except UnsupportedConstruct as exc:
            location = Location(exc.filename or name, exc.lineno)
            raise TemplateError(
                exc.message or "unsupported construct", location, hint=_UNSUPPORTED_HINT
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise diagnostics.syntax_error(exc, environment, name) from None
        except _RENDER_FAILURES as exc:
            raise diagnostics.render_error(exc, environment, name) from None

    def _template(self, tera: bool, text: str, name: str) -> jinja2.Template:
        """The compiled template for this source, compiled once."""
        key = (tera, name, text)
        if key not in self._compiled:
            environment = self._tera if tera else self._jinja
            code = environment.compile(text, name, name)
            self._compiled[key] = environment.template_class.from_code(
                environment, code, environment.make_globals(None)
            )
        return self._compiled[key]
