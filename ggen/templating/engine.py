"""The template engine the render stage calls (minimal first version)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from ggen.errors import Location, TemplateError

# A function that runs a SPARQL SELECT against the project graph and returns rows.
QueryFunction = Callable[[str], list[dict[str, Any]]]


class TemplateEngine:
    """Renders template files and inline template strings.

    ``root`` is the manifest's folder: template names in messages are relative to
    it. ``query`` runs a SELECT against the project graph, for template functions
    such as ``sparql(query=...)``.
    """

    def __init__(self, root: Path, query: QueryFunction | None = None) -> None:
        self.root = root
        self.query = query
        self._env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )

    def render_file(self, path: Path, context: Mapping[str, Any]) -> str:
        """Render the template file at ``path`` (dialect from its extension)."""
        text = path.read_text(encoding="utf-8")
        return self.render_string(text, context, name=str(path))

    def render_string(
        self, text: str, context: Mapping[str, Any], name: str = "<inline>"
    ) -> str:
        """Render template source ``text``; ``name`` appears in error messages."""
        try:
            return self._env.from_string(text).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(exc.message or "syntax error",
                                Location(name, exc.lineno)) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(str(exc), Location(name)) from None
