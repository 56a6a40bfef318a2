"""The Tera dialect: Jinja2 parses and compiles, Tera decides what things mean.

Tera and Jinja2 share most syntax but not semantics, so a ``.tera`` template
goes through three layers before Jinja2 compiles it:

1. Lexing: strings are taken literally (Tera has no escape sequences in
   string literals) and may use backticks; ``ns::name`` becomes one name so
   macro calls parse.
2. Checking: every Jinja2 node that has no Tera counterpart (``x if c else
   y``, slices, dict literals, ``{% with %}``, positional filter arguments,
   ...) is refused with the template, line and construct named.
3. Rewriting: variables, assignments, loops, macros and includes are turned
   into calls to :class:`TeraRuntime`, which keeps Tera's own stack of frames.
   That gives Tera's scoping: ``set`` in a loop lasts one iteration,
   ``set_global`` reaches the enclosing template or macro frame, macros see
   only their arguments and the render context. Comparisons, arithmetic and
   ``~`` follow Tera's value rules, and ``{{ }}`` prints values Tera's way.

Known limitations: ``{% extends %}`` and ``{% block %}`` use Jinja2's
inheritance, which matches Tera for ordinary use but has not been checked
against Tera's handling of ``set`` inside blocks. Filters applied to an
undefined variable in an ``if`` make Tera treat the condition as false; here
they report the undefined variable instead.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.parser import Parser
from jinja2.runtime import Context

from ggen.model import Literal, Row
from ggen.templating import values
from ggen.templating.values import TeraValueError

EXTENSION_ID = "ggen.templating.dialect.TeraRuntime"
# Jinja2 globals that are not template variables in Tera.
_PLUMBING = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})
# Frames a variable lookup does not look past.
_SCOPE_EDGES = frozenset({"macro", "origin"})
# What a failed lookup step returns (None is a value a template can hold).
_MISSING: Any = object()
_GLOBAL_MARK = "__tera_set_global__:"
_MACRO_SEPARATOR = "::"


class UnsupportedConstruct(jinja2.TemplateSyntaxError):
    """A Jinja2 construct that Tera does not have."""


class TeraUndefinedError(jinja2.UndefinedError):
    """A variable was used that no frame or context defines."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.variable = name
        self.available = list(available)
        super().__init__(f"variable `{name}` is not defined")


class UnknownFunction(TeraValueError):
    """A template called a function that does not exist."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.function = name
        self.known = list(known)
        super().__init__(f"unknown function `{name}`")


class TeraUndefined(jinja2.StrictUndefined):
    """An undefined Tera variable: false in conditions, an error anywhere else."""

    __slots__ = ("_available",)

    def __init__(self, name: str, available: Sequence[str] = ()) -> None:
        super().__init__(name=name)
        self._available = list(available)

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TeraUndefinedError(self._undefined_name or "?", self._available)

    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail_with_undefined_error()

    __iter__ = __str__ = __len__ = _fail_with_undefined_error
    __eq__ = __ne__ = __hash__ = __contains__ = _fail_with_undefined_error

    def extend(self, part: str) -> TeraUndefined:
        """The undefined value one path step further down."""
        return TeraUndefined(f"{self._undefined_name}{part}", self._available)


def path_text(root: str, keys: Sequence[object]) -> str:
    """``row.name`` or ``row["?name"]``, as a path is written in a template."""
    parts = [root]
    for key in keys:
        is_plain = isinstance(key, str) and key.isidentifier()
        parts.append(f".{key}" if is_plain else f"[{key!r}]")
    return "".join(parts)


# --- runtime --------------------------------------------------------------


@dataclass
class LoopState:
    """One running ``for``: its names, its entries and where it is."""

    loop_id: int
    key_name: str | None
    value_name: str
    entries: list[tuple[Any, Any]]
    index: int = 0

    def info(self) -> dict[str, Any]:
        """What ``loop.*`` gives inside the body."""
        last = len(self.entries) - 1
        return {
            "index": self.index + 1,
            "index0": self.index,
            "first": self.index == 0,
            "last": self.index == last,
        }


@dataclass
class Frame:
    """A Tera stack frame: template origin, include, macro call or loop."""

    kind: str
    names: dict[str, Any] = field(default_factory=dict)
    loop: LoopState | None = None

    def visible(self) -> set[str]:
        """The names this frame defines, for error hints."""
        names = set(self.names)
        if self.loop is not None:
            names.update({"loop", self.loop.value_name})
            if self.loop.key_name:
                names.add(self.loop.key_name)
        return names


class TeraContext(Context):
    """A Jinja2 context carrying Tera's frame stack."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tera_frames: list[Frame] = [Frame("origin")]


def _frames(context: Context) -> list[Frame]:
    """The frame stack of a context (every Tera render uses TeraContext)."""
    # Asking forgiveness: an isinstance check per variable read is measurable.
    try:
        frames: list[Frame] = context.tera_frames  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError(
            "a Tera template was rendered without its context class"
        ) from None
    return frames


def _reachable_frames(frames: list[Frame]) -> Iterator[Frame]:
    """Frames a lookup may see: innermost out, stopping at a macro or origin."""
    for frame in reversed(frames):
        yield frame
        if frame.kind in ("macro", "origin"):
            return


class TeraRuntime(Extension):
    """The Tera layer: tags, token rewriting, AST checks, runtime helpers."""

    tags = {"set_global"}  # noqa: RUF012 - Jinja2 reads this class attribute
    priority = 50

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.functions: dict[str, Callable[..., Any]] = {}
        self._loop_ids = itertools.count(1)

    # -- parsing ----------------------------------------------------------

    def parse(self, parser: Parser) -> nodes.Node:
        """``{% set_global name = expr %}`` (marked for the rewrite pass)."""
        lineno = next(parser.stream).lineno
        target = parser.stream.expect("name")
        parser.stream.expect("assign")
        value = parser.parse_expression()
        marked = nodes.Name(_GLOBAL_MARK + target.value, "store", lineno=lineno)
        return nodes.Assign(marked, value, lineno=lineno)

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Join ``ns :: name`` into a single name token for macro calls."""
        pending: list[Token] = []
        for token in stream:
            pending.append(token)
            if len(pending) < 4:
                continue
            if _is_macro_path(pending):
                first = pending[0]
                joined = f"{first.value}{_MACRO_SEPARATOR}{pending[3].value}"
                pending = [Token(first.lineno, "name", joined)]
                continue
            yield pending.pop(0)
        yield from pending

    def next_loop_id(self) -> int:
        """A fresh number identifying one ``for`` in the compiled code."""
        return next(self._loop_ids)

    # -- runtime helpers called from compiled templates -------------------

    def lookup(self, context: Context, name: str, *keys: object) -> Any:
        """Resolve ``name`` then follow ``keys``; undefined if anything is missing."""
        value = self._find(context, name)
        if value is _MISSING:
            return TeraUndefined(name, self._available(context))
        for depth, key in enumerate(keys):
            value = _step(value, key)
            if value is _MISSING or isinstance(value, TeraUndefined):
                text = path_text(name, keys[: depth + 1])
                return TeraUndefined(text, self._available(context))
        return value

    def show(self, context: Context, name: str, *keys: object) -> str:
        """``{{ name.key }}``: :meth:`lookup` and print in one call."""
        # lookup's walk without its call; any miss goes the long way round so
        # the undefined value is built, and reported, in one place.
        value = self._find(context, name)
        if value is _MISSING:
            return show_value(self.lookup(context, name, *keys))
        for key in keys:
            # _step's first case, inlined: it is nearly every step printed.
            kind = type(value)
            if kind is dict or (kind is Row and type(key) is str and key[:1] != "?"):
                value = dict.get(value, key, _MISSING)
            else:
                value = _step(value, key)
            if value is _MISSING or isinstance(value, TeraUndefined):
                return show_value(self.lookup(context, name, *keys))
        if type(value) is str:
            return value
        return show_value(value)

    def item(self, value: Any, key: object) -> Any:
        """``value[key]`` on something that is not a plain variable path."""
        result = _step(value, key)
        if result is _MISSING or isinstance(result, TeraUndefined):
            return TeraUndefined(path_text("<value>", [key]))
        return result

    def _find(self, context: Context, name: str) -> Any:
        """Frames first, then the render values; ``_MISSING`` if none has it."""
        # The walk of _reachable_frames with each frame's lookup inline: this
        # runs for every variable a template prints, the hottest path here.
        try:
            frames: list[Frame] = context.tera_frames  # type: ignore[attr-defined]
        except AttributeError:
            frames = _frames(context)  # raises the explanatory TypeError
        for frame in reversed(frames):
            names = frame.names
            if name in names:
                return names[name]
            state = frame.loop
            if state is not None:
                if name == "loop":
                    return state.info()
                if name == state.key_name:
                    return state.entries[state.index][0]
                if name == state.value_name:
                    return state.entries[state.index][1]
            if frame.kind in _SCOPE_EDGES:
                break
        parent = context.parent
        if name in parent and name not in _PLUMBING:
            return parent[name]
        return _MISSING

    def _available(self, context: Context) -> list[str]:
        """Every variable name a lookup could have found, sorted."""
        names: set[str] = set()
        for frame in _reachable_frames(_frames(context)):
            names |= frame.visible()
        names |= {k for k, v in context.parent.items() if not _is_plumbing(k, v)}
        return sorted(names)

    def assign(self, context: Context, name: str, value: Any, is_global: bool) -> None:
        """``set`` (current frame) or ``set_global`` (nearest non-loop frame)."""
        if isinstance(value, TeraUndefined):
            value._fail_with_undefined_error()
        frames = _frames(context)
        target = frames[-1]
        if is_global:
            target = next(f for f in reversed(frames) if f.loop is None)
        target.names[name] = value

    def loop(
        self,
        context: Context,
        container: Any,
        key_name: str | None,
        value_name: str,
        loop_id: int,
    ) -> Iterator[None]:
        """Drive one ``for``: push a loop frame, reset it each iteration."""
        entries = _loop_entries(container, key_name is not None)
        if not entries:
            return
        state = LoopState(loop_id, key_name, value_name, entries)
        frame = Frame("loop", loop=state)
        _frames(context).append(frame)
        for index in range(len(entries)):
            frame.names.clear()
            state.index = index
            yield None

    def loop_done(self, context: Context, loop_id: int) -> None:
        """Pop the frame of loop ``loop_id`` (after it ended or broke)."""
        frames = _frames(context)
        top = frames[-1].loop
        if top is not None and top.loop_id == loop_id:
            frames.pop()

    def enter_macro(self, context: Context, name: str, args: dict[str, Any]) -> str:
        """Start a macro call: a fresh frame holding only its arguments."""
        for arg, value in args.items():
            if isinstance(value, jinja2.Undefined):
                raise TeraValueError(f"macro `{name}` is missing the argument `{arg}`")
        _frames(context).append(Frame("macro", names=dict(args)))
        return ""

    def leave_macro(self, context: Context) -> str:
        """End a macro call."""
        _frames(context).pop()
        return ""

    def macro(self, context: Context, namespace: str, name: str) -> Any:
        """The macro ``namespace::name`` (``self`` is the current template)."""
        if namespace == "self":
            found = context.vars.get(name, context.parent.get(name))
        else:
            module = context.vars.get(namespace, context.parent.get(namespace))
            found = getattr(module, name, None) if module is not None else None
        if not isinstance(found, jinja2.runtime.Macro):
            raise TeraValueError(f"macro `{namespace}::{name}` is not defined")
        return found

    def function(self, name: str) -> Callable[..., Any]:
        """The template function ``name``."""
        if name not in self.functions:
            raise UnknownFunction(name, sorted(self.functions))
        return self.functions[name]

    def include(self, context: Context, names: object, ignore_missing: bool) -> str:
        """Render an included template inside the current frames, like Tera."""
        candidates = list(names) if isinstance(names, list | tuple) else [names]
        for candidate in candidates:
            try:
                template = self.environment.get_template(str(candidate))
            except jinja2.TemplateNotFound:
                continue
            frames = _frames(context)
            frames.append(Frame("include"))
            try:
                return "".join(template.root_render_func(context))
            finally:
                frames.pop()
        if ignore_missing:
            return ""
        raise TeraValueError(
            f"included template not found: {', '.join(map(str, candidates))}"
        )

    def truth(self, value: Any) -> bool:
        """Tera truthiness (an undefined variable is false)."""
        if isinstance(value, jinja2.Undefined):
            return False
        return values.truthy(value)

    def compare(self, op: str, left: Any, right: Any) -> bool:
        """``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``."""
        left_kind, right_kind = type(left), type(right)
        # The usual operands, plain numbers or plain strings, compared at once;
        # for them the general rules below come to the same answer (numbers
        # compare as floats there too).
        if left_kind in _PLAIN_NUMBERS and right_kind in _PLAIN_NUMBERS:
            numeric = _NUMBER_COMPARISONS.get(op)
            if numeric is not None:
                return numeric(float(left), float(right))
        elif left_kind is str and right_kind is str and op in ("eq", "ne"):
            same: bool = left == right
            return same == (op == "eq")
        _require_defined(left, right)
        if op in ("eq", "ne"):
            equal = values.equal(left, right)
            return equal if op == "eq" else not equal
        if op in ("in", "notin"):
            found = values.contains(right, left)
            return found if op == "in" else not found
        return _order(op, left, right)

    def math(self, op: str, left: Any, right: Any) -> Any:
        """``+ - * / %`` on numbers, with Tera's integer and float rules."""
        _require_defined(left, right)
        if not (values.is_number(left) and values.is_number(right)):
            raise TeraValueError(
                f"tried to do math with a {values.kind_of(left)} "
                f"and a {values.kind_of(right)}"
            )
        return _arithmetic(op, left, right)

    def negate(self, value: Any) -> Any:
        """Unary minus on a number."""
        return self.math("sub", 0, value)

    def concat(self, *parts: Any) -> str:
        """``a ~ b``: strings and numbers joined into one string."""
        _require_defined(*parts)
        pieces = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(str(part))
            elif values.is_number(part):
                pieces.append(values.json_number(part))
            else:
                raise TeraValueError(f"tried to concatenate a {values.kind_of(part)}")
        return "".join(pieces)


def _is_plumbing(name: str, value: object) -> bool:
    """Jinja2 globals that are not template variables in Tera."""
    return name in _PLUMBING


def show_value(value: Any) -> str:
    """What ``{{ value }}`` writes: Tera's printing, undefined is an error."""
    # Exact str and int are most of what templates print; the checks below
    # would reach the same text for them, only later.
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return values.render(value)


def _is_macro_path(tokens: list[Token]) -> bool:
    """Whether four tokens read ``name : : name``."""
    kinds = [token.type for token in tokens[:4]]
    return kinds == ["name", "colon", "colon", "name"]


def _step(value: Any, key: object) -> Any:
    """One step of a path: object key, array index, or a literal's lang/datatype.

    ``_MISSING`` when the step leads nowhere.
    """
    kind = type(value)
    # Plain dicts and rows (for keys without Row's ``?`` prefix) mean exactly
    # ``value[key] if key in value``; one dict.get is cheaper.
    if kind is dict or (kind is Row and type(key) is str and key[:1] != "?"):
        return dict.get(value, key, _MISSING)
    if isinstance(value, jinja2.Undefined):
        return _MISSING
    if isinstance(value, Mapping):
        # Not .get(): a mapping may define `in` and `[]` alone (as Row does).
        return value[key] if key in value else _MISSING  # noqa: SIM401
    if values.is_array(value) and not isinstance(value, str):
        index = _as_index(key)
        items: Sequence[Any] = value
        return items[index] if index is not None and index < len(items) else _MISSING
    if isinstance(value, Literal) and key in ("lang", "datatype"):
        return getattr(value, str(key))
    return _MISSING


def _as_index(key: object) -> int | None:
    """An array index from an integer or a string of digits."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key if key >= 0 else None
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _loop_entries(container: Any, with_key: bool) -> list[tuple[Any, Any]]:
    """(key, value) pairs a Tera ``for`` walks over, checked as Tera checks."""
    if isinstance(container, jinja2.Undefined):
        container._fail_with_undefined_error()
    if isinstance(container, Mapping):
        if not with_key:
            raise TeraValueError(
                "iterating over an object needs `for key, value in ...`"
            )
        return list(container.items())
    if with_key:
        raise TeraValueError("`for key, value in ...` needs an object")
    if isinstance(container, str):
        return [(None, char) for char in str(container)]
    if values.is_array(container):
        return [(None, item) for item in container]
    raise TeraValueError(f"cannot iterate over a {values.kind_of(container)}")


def _require_defined(*operands: Any) -> None:
    """Raise the undefined-variable error for the first undefined operand."""
    for operand in operands:
        if isinstance(operand, jinja2.Undefined):
            operand._fail_with_undefined_error()


# Built once, not per comparison or sum: these run inside template loops.
_ORDERINGS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt,
    "lteq": operator.le,
    "gt": operator.gt,
    "gteq": operator.ge,
}
_NUMBER_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    **_ORDERINGS,
    "eq": operator.eq,
    "ne": operator.ne,
}
_PLAIN_NUMBERS = frozenset({int, float})
_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
}


def _order(op: str, left: Any, right: Any) -> bool:
    """``<``-style comparisons, which Tera allows on numbers only."""
    if not (values.is_number(left) and values.is_number(right)):
        raise TeraValueError(
            f"cannot compare a {values.kind_of(left)} with a {values.kind_of(right)}"
            " (Tera compares numbers only)"
        )
    result: bool = _ORDERINGS[op](values.as_float(left), values.as_float(right))
    return result


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    """Tera arithmetic: integers stay integers except for ``/``."""
    both_int = isinstance(left, int) and isinstance(right, int)
    if op == "div":
        return _divide(values.as_float(left), values.as_float(right))
    if op == "mod":
        if both_int and right == 0:
            raise TeraValueError("tried to do a modulo by zero")
        if both_int:
            return _rust_remainder(left, right)
        return _float_remainder(values.as_float(left), values.as_float(right))
    if both_int:
        return _OPERATIONS[op](left, right)
    return _OPERATIONS[op](values.as_float(left), values.as_float(right))


def _rust_remainder(left: int, right: int) -> int:
    """Rust's ``%``: the sign follows the dividend (Python's follows the divisor)."""
    magnitude = abs(left) % abs(right)
    return -magnitude if left < 0 else magnitude


def _float_remainder(left: float, right: float) -> float:
    """Rust's float ``%`` (``fmod``)."""
    return math.fmod(left, right) if right else float("nan")


def _divide(left: float, right: float) -> int | float | str:
    """Tera's ``/``: a whole result is an integer; NaN or infinity print ``NaN``."""
    if right == 0:
        return "NaN"
    quotient = left / right
    if not math.isfinite(quotient):
        return "NaN"
    return int(quotient) if quotient == int(quotient) else quotient
