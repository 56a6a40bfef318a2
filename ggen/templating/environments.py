"""The two Jinja2 environments: Tera dialect and plain Jinja2.

Both get ggen's filters and functions. The Tera one also gets Tera's filters
and tests (and nothing of Jinja2's own), Tera's lexing of strings, the
check-and-rewrite pass and Tera's way of printing values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import lexer as jinja_lexer
from jinja2 import nodes

from ggen.templating.dialect import (
    EXTENSION_ID,
    TeraContext,
    TeraRuntime,
    show_value,
)
from ggen.templating.filters import ggen_filters, tera_filters
from ggen.templating.functions import QueryFunction, template_functions, tera_tests
from ggen.templating.rewrite import TeraCodeGenerator, check, rewrite
from ggen.templating.values import TeraValueError

# Tera string literals: three quote styles, no escape sequences at all.
_TERA_STRING = re.compile(r"\"[^\"]*\"|'[^']*'|`[^`]*`", re.S)


class TeraLexer(jinja_lexer.Lexer):
    """Jinja2's lexer with Tera's string literals."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        for state, rules in self.rules.items():
            self.rules[state] = [self._tera_rule(rule) for rule in rules]

    @staticmethod
    def _tera_rule(rule: Any) -> Any:
        """Swap Jinja2's string rule for Tera's."""
        if rule.pattern is jinja_lexer.string_re:
            return rule._replace(pattern=_TERA_STRING)
        return rule

    def wrap(
        self,
        stream: Iterable[tuple[int, str, str]],
        name: str | None = None,
        filename: str | None = None,
    ) -> Iterator[jinja_lexer.Token]:
        """Keep string literals exactly as written; everything else as Jinja2."""
        for lineno, token, value in stream:
            if token == jinja_lexer.TOKEN_STRING:
                yield jinja_lexer.Token(lineno, token, value[1:-1])
            else:
                yield from super().wrap([(lineno, token, value)], name, filename)


def tera_print(value: Any) -> str:
    """What ``{{ value }}`` writes: Tera's printing, undefined is an error."""
    return show_value(value)


def _strict_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse undefined input (except in ``default``); name the filter in errors."""

    def apply(value: Any, /, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, jinja2.Undefined) and name != "default":
            value._fail_with_undefined_error()
        try:
            return function(value, *args, **kwargs)
        except TypeError as exc:
            raise TeraValueError(f"filter `{name}`: {exc}") from None

    apply.__name__ = name
    apply.__doc__ = function.__doc__
    return apply


class TeraEnvironment(jinja2.Environment):
    """Renders the Tera dialect through Jinja2."""

    context_class = TeraContext
    code_generator_class = TeraCodeGenerator

    def __init__(self, loader: jinja2.BaseLoader, query: QueryFunction | None) -> None:
        super().__init__(
            loader=loader,
            extensions=[TeraRuntime, "jinja2.ext.loopcontrols"],
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
            finalize=tera_print,
        )
        self._tera_lexer: TeraLexer | None = None
        self.globals.clear()
        self.filters = {n: _strict_filter(n, f) for n, f in tera_filters().items()}
        self.tests = dict(tera_tests())
        self.runtime.functions = template_functions(query)

    @property
    def runtime(self) -> TeraRuntime:
        """The Tera runtime extension of this environment."""
        extension = self.extensions[EXTENSION_ID]
        assert isinstance(extension, TeraRuntime)
        return extension

    @property
    def lexer(self) -> jinja_lexer.Lexer:
        """Jinja2's lexer with Tera's string literals."""
        if getattr(self, "_tera_lexer", None) is None:
            self._tera_lexer = TeraLexer(self)
        assert self._tera_lexer is not None
        return self._tera_lexer

    def _parse(
        self, source: str, name: str | None, filename: str | None
    ) -> nodes.Template:
        """Parse, refuse non-Tera constructs, then rewrite onto the runtime."""
        tree = super()._parse(source, name, filename)
        check(tree, name)
        return rewrite(tree, self.runtime.next_loop_id)


def jinja_environment(
    loader: jinja2.BaseLoader, query: QueryFunction | None
) -> jinja2.Environment:
    """Plain Jinja2 for ``.j2``/``.jinja`` templates, with ggen's filters."""
    environment = jinja2.Environment(
        loader=loader,
        extensions=["jinja2.ext.loopcontrols"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(ggen_filters())
    # Jinja2's own globals (range, dict, ...) keep their Jinja2 meaning here.
    for name, function in template_functions(query).items():
        environment.globals.setdefault(name, function)
    return environment
