"""Template failures turned into messages that say what went wrong and what to do.

Jinja2 words its errors for Jinja2 users ("Jinja was looking for the following
tags: ...") and reports an unclosed block where the file ends, far from the
mistake. ggen users write Tera, so every failure is explained again here: an
unclosed block at the line that opens it, an unknown filter, test, function or
tag with the closest known names, and a hint wherever there is one to give.

Known limitations: the block scan follows tags only, so a tag that Jinja2
skips (inside ``{% raw %}``) is skipped here too, but a block opened by an
extension this module does not know about is not tracked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType

import jinja2

from ggen.errors import Location, TemplateError
from ggen.templating.dialect import TeraUndefinedError, UnknownFunction

# Tags that need an end tag, and those that only split a block in two.
_BLOCK_TAGS = frozenset(
    {"for", "if", "macro", "call", "filter", "block", "with", "autoescape", "set"}
)
_TERA_TAGS = frozenset(
    {"for", "if", "elif", "else", "set", "set_global", "macro", "include"}
    | {"import", "extends", "block", "filter", "raw", "break", "continue"}
    | {"endfor", "endif", "endmacro", "endblock", "endfilter", "endraw"}
)
_JINJA_TAGS = (
    _TERA_TAGS - {"set_global"}
    | {"call", "from", "with", "autoescape", "print"}
    | {"endcall", "endwith", "endautoescape", "endset"}
)

# Jinja2's names for delimiters, and the delimiters a template author writes.
_TOKEN_WORDS = {
    "end of print statement": "`}}`",
    "begin of print statement": "`{{`",
    "end of statement block": "`%}`",
    "begin of statement block": "`{%`",
    "end of template": "the end of the template",
}

_UNKNOWN_NAME = re.compile(r"No (filter|test) named '([^']*)'")
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '([^']*)'")
_LIST_LIMIT = 30


@dataclass(frozen=True)
class _Tag:
    """One ``{% name ... %}`` in the source."""

    name: str
    line: int
    assigns: bool


@dataclass(frozen=True)
class _Open:
    """A block opened and not yet closed."""

    tag: str
    line: int


def suggest(word: str, known: Iterable[str], kind: str) -> str:
    """A hint naming the known names closest to ``word``."""
    names = sorted(set(known))
    close = difflib.get_close_matches(word, names, n=3, cutoff=0.6)
    if close:
        return f"did you mean {_either(close)}?"
    if len(names) <= _LIST_LIMIT:
        return f"no {kind} has a similar name; known {kind}s: {', '.join(names)}"
    return (
        f"no {kind} has a similar name; check the spelling (ggen's README"
        f" lists the {kind}s)"
    )


def _either(names: Sequence[str]) -> str:
    """```a```, ```a`` or ``b```, ```a``, ``b`` or ``c```."""
    quoted = [f"`{name}`" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"


# --- syntax errors ----------------------------------------------------------


def syntax_error(
    exc: jinja2.TemplateSyntaxError, environment: jinja2.Environment, name: str
) -> TemplateError:
    """A parse failure in our words, at the line where the fix belongs."""
    location = Location(exc.filename or name, exc.lineno)
    message = exc.message or "syntax error"
    unknown = _UNKNOWN_NAME.search(message)
    if unknown:
        return _unknown_name(unknown[1], unknown[2], environment, location)
    structural = _block_error(exc, environment, location)
    if structural is not None:
        return structural
    return _reworded(exc, environment, location)


def _unknown_name(
    kind: str, word: str, environment: jinja2.Environment, location: Location
) -> TemplateError:
    """An unknown filter or test, with the closest names that exist."""
    known = environment.filters if kind == "filter" else environment.tests
    return TemplateError(
        f"unknown {kind} `{word}`", location, hint=suggest(word, known, kind)
    )


def _block_error(
    exc: jinja2.TemplateSyntaxError,
    environment: jinja2.Environment,
    location: Location,
) -> TemplateError | None:
    """Unclosed, mismatched, stray and unknown tags, explained from a tag scan."""
    message = exc.message or ""
    at_end = message.startswith("Unexpected end of template.")
    unknown = _UNKNOWN_TAG.match(message)
    if not (at_end or unknown) or exc.source is None:
        return None
    try:
        tags = list(_tags(environment, exc.source))
    except jinja2.TemplateSyntaxError:
        return None
    if at_end:
        return _unclosed(_walk(tags, None, 0)[0], location)
    assert unknown is not None
    line = exc.lineno or 0
    stack, found = _walk(tags, unknown[1], line)
    if found is None:
        return None
    return _misplaced(found, stack, environment, location)


def _tags(environment: jinja2.Environment, source: str) -> Iterator[_Tag]:
    """Every tag of ``source`` with its line and whether it assigns (``=``)."""
    tokens = [
        (line, kind, value)
        for line, kind, value in environment.lexer.tokeniter(source, None)
        if kind != "whitespace"
    ]
    for index, (line, kind, _) in enumerate(tokens):
        if kind != "block_begin" or index + 1 >= len(tokens):
            continue
        _, next_kind, word = tokens[index + 1]
        if next_kind != "name":
            continue
        assigns = False
        for _, inner_kind, value in tokens[index + 2 :]:
            if inner_kind == "block_end":
                break
            assigns = assigns or (inner_kind == "operator" and value == "=")
        yield _Tag(word, line, assigns)


def _walk(
    tags: list[_Tag], stop: str | None, stop_line: int
) -> tuple[list[_Open], _Tag | None]:
    """The open blocks just before tag ``stop`` on ``stop_line`` (or at the end)."""
    stack: list[_Open] = []
    for tag in tags:
        if tag.name == stop and tag.line == stop_line:
            return stack, tag
        if tag.name in _BLOCK_TAGS and not (tag.name == "set" and tag.assigns):
            stack.append(_Open(tag.name, tag.line))
        elif stack and tag.name == f"end{stack[-1].tag}":
            stack.pop()
    return stack, None


def _unclosed(stack: list[_Open], location: Location) -> TemplateError | None:
    """The innermost block still open when the template ends."""
    if not stack:
        return None
    inner = stack[-1]
    end = f"`{{% end{inner.tag} %}}`"
    hint = f"put {end} where the block's body should stop"
    if len(stack) > 1:
        outer = ", ".join(f"`{{% {o.tag} %}}` (line {o.line})" for o in stack[:-1])
        hint += f"; also still open: {outer}"
    return TemplateError(
        f"`{{% {inner.tag} %}}` opened at line {inner.line} is never closed: add {end}",
        Location(location.path, inner.line),
        hint=hint,
    )


def _misplaced(
    tag: _Tag,
    stack: list[_Open],
    environment: jinja2.Environment,
    location: Location,
) -> TemplateError:
    """A tag that is not allowed where it stands."""
    shown = f"`{{% {tag.name} %}}`"
    opened = tag.name.removeprefix("end") if tag.name.startswith("end") else None
    if opened and any(o.tag == opened for o in stack):
        inner = stack[-1]
        return TemplateError(
            f"{shown} at line {tag.line} closes `{{% {opened} %}}`, but"
            f" `{{% {inner.tag} %}}` opened at line {inner.line} is still open",
            Location(location.path, inner.line),
            hint=f"add `{{% end{inner.tag} %}}` before line {tag.line}",
        )
    if opened in _BLOCK_TAGS:
        return TemplateError(
            f"{shown} has no `{{% {opened} %}}` to close",
            location,
            hint=_stray_hint(stack, f"`{{% {opened} %}}`"),
        )
    if tag.name in ("elif", "else"):
        return TemplateError(
            f"{shown} is not allowed here",
            location,
            hint="`{% elif %}` goes inside `{% if %}` before its `{% else %}`;"
            " `{% else %}` comes once, just before `{% endif %}` or `{% endfor %}`",
        )
    return TemplateError(
        f"unknown tag `{tag.name}`",
        location,
        hint=suggest(tag.name, _known_tags(environment), "tag"),
    )


def _stray_hint(stack: list[_Open], wanted: str) -> str:
    """What to do about an end tag that matches no open block."""
    if stack:
        inner = stack[-1]
        return (
            f"the block open here is `{{% {inner.tag} %}}` from line"
            f" {inner.line}, closed by `{{% end{inner.tag} %}}`"
        )
    return f"remove it, or add the {wanted} it should close"


def _known_tags(environment: jinja2.Environment) -> frozenset[str]:
    """The tag names of this environment's dialect."""
    from ggen.templating.environments import TeraEnvironment

    return _TERA_TAGS if isinstance(environment, TeraEnvironment) else _JINJA_TAGS


def _reworded(
    exc: jinja2.TemplateSyntaxError,
    environment: jinja2.Environment,
    location: Location,
) -> TemplateError:
    """Any other syntax error, in plain words and with a hint where one helps."""
    message = exc.message or "syntax error"
    if message.startswith("Missing end of raw directive"):
        return TemplateError(
            f"`{{% raw %}}` opened at line {exc.lineno} is never closed:"
            " add `{% endraw %}`",
            location,
            hint="everything after `{% raw %}` is copied as text until `{% endraw %}`",
        )
    if message.startswith("Missing end of comment tag"):
        return TemplateError(
            f"`{{#` opened at line {exc.lineno} is never closed: add `#}}`",
            location,
            hint="a comment runs from `{#` to the next `#}`",
        )
    return TemplateError(
        f"syntax error: {plain_words(message)}",
        location,
        hint=_syntax_hint(message, exc, environment),
    )


def plain_words(message: str) -> str:
    """Jinja2's wording of a parse error, in the words a Tera author uses."""
    text = message.replace(
        "Block names in Jinja have to be valid Python identifiers and may not"
        " contain hyphens, use an underscore instead.",
        "a block name may not contain hyphens; use an underscore instead",
    )
    for jinja_word, ours in _TOKEN_WORDS.items():
        text = text.replace(f"'{jinja_word}'", ours)
    text = re.sub(
        r"expected token (\S+), got '([^']*)'", r"expected \1, found `\2`", text
    )
    text = re.sub(r"Jinja was looking for the following tags: ", "expected ", text)
    text = re.sub(
        r"You probably made a nesting mistake\. Jinja is expecting this tag,"
        r" but currently looking for ",
        "this tag closes an outer block, but the inner one needs ",
        text,
    )
    text = re.sub(r"\bunexpected char '(.)' at \d+", r"unexpected character `\1`", text)
    return re.sub(r"\bJinja2?\b", "the template engine", text).rstrip(".")


def _syntax_hint(
    message: str, exc: jinja2.TemplateSyntaxError, environment: jinja2.Environment
) -> str | None:
    """What to do about a syntax error we only reword."""
    if "hyphens" in message:
        return "rename the block, e.g. `my_block` instead of `my-block`"
    if re.search(r"unexpected char '[\"'`]'", message):
        return "a string starts here and is never closed: add the closing quote"
    opener = _last_opener(exc, environment)
    if "end of print statement" in message and opener:
        return f"close the `{{{{` of line {opener} with `}}}}`"
    if "end of statement block" in message and opener:
        return f"close the `{{%` of line {opener} with `%}}`"
    if message.startswith("unexpected"):
        return "an expression is incomplete or has an extra symbol here"
    return None


def _last_opener(
    exc: jinja2.TemplateSyntaxError, environment: jinja2.Environment
) -> int | None:
    """The line of the last ``{{`` or ``{%`` at or before the error line."""
    if exc.source is None or exc.lineno is None:
        return None
    found: int | None = None
    try:
        for line, kind, _ in environment.lexer.tokeniter(exc.source, None):
            if line > exc.lineno:
                break
            if kind in ("variable_begin", "block_begin"):
                found = line
    except jinja2.TemplateSyntaxError:
        return None
    return found


# --- render errors ----------------------------------------------------------

# Render failures whose cause suggests a fix: (pattern, hint).
_RENDER_HINTS = (
    (
        r"tried to do math with",
        "convert the value first, e.g. `x | int` or `x | float`",
    ),
    (
        r"cannot compare a",
        "`<` and `>` compare numbers; convert with `| int` or `| float`, or use `==`",
    ),
    (
        r"tried to concatenate a",
        "`~` joins strings and numbers; turn the value into a string first,"
        ' e.g. `| join(sep=", ")` for an array',
    ),
    (
        r"cannot iterate over",
        "`for` walks arrays and strings, and objects with `for key, value in`",
    ),
    (r"modulo by zero", "check the divisor; it is zero for this data"),
    (
        r"macro `[^`]*` is not defined",
        'import the file that defines it, `{% import "macros.tera" as m %}`,'
        " and call it as `m::name(...)`",
    ),
    (
        r"macro `[^`]*` is missing the argument",
        "pass the argument by name, or give it a default in the macro's definition",
    ),
    (
        r"included template not found",
        "include looks in the project's templates/ folder, then the project folder",
    ),
    (
        r"environment variable `[^`]*` is not set",
        "set it before running ggen, or call `get_env(name=..., default=...)`",
    ),
    (
        r"sparql\(\) is not available",
        "sparql() runs against the project graph; render through `ggen sync`",
    ),
    (
        r"but expects (a string|an array|a number)",
        "check the value's type: `{{ x | json_encode }}` shows what it holds",
    ),
    (
        r"requires|accepts|expects the argument",
        "functions and filters take named arguments, e.g. `f(name=value)`",
    ),
)


def render_error(
    exc: BaseException, environment: jinja2.Environment, name: str
) -> TemplateError:
    """A failure while rendering, at the template line it happened on."""
    location = where(exc, name)
    if isinstance(exc, TeraUndefinedError):
        names = ", ".join(exc.available) if exc.available else "(none)"
        hint = f"names defined here: {names}"
        close = difflib.get_close_matches(exc.variable, exc.available, n=3)
        if close:
            hint = f"did you mean {_either(close)}? {hint}"
        return TemplateError(
            f"variable `{exc.variable}` is not defined", location, hint=hint
        )
    if isinstance(exc, UnknownFunction):
        return TemplateError(
            f"unknown function `{exc.function}`",
            location,
            hint=suggest(exc.function, exc.known, "function"),
        )
    message = describe(exc)
    unknown = _UNKNOWN_NAME.search(message)
    if unknown:
        return _unknown_name(unknown[1], unknown[2], environment, location)
    return TemplateError(message, location, hint=_render_hint(message))


def _render_hint(message: str) -> str | None:
    """The first hint whose pattern matches ``message``."""
    for pattern, hint in _RENDER_HINTS:
        if re.search(pattern, message):
            return hint
    return None


def describe(exc: BaseException) -> str:
    """A one-line message for a render failure."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.splitlines()[0] if message else type(exc).__name__


def where(exc: BaseException, name: str) -> Location:
    """The template file and line the failure happened on, from the traceback.

    Jinja2 rewrites tracebacks so template code shows as frames of the template
    file at the template line; the innermost such frame is where it failed.
    """
    found: Location | None = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = Location(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found or Location(name)
