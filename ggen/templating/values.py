"""How Tera sees a value: its kind, how it prints, compares and counts.

Tera works on JSON values (string, number, bool, null, array, object). Template
contexts here hold plain Python values, so this module maps one onto the other:
``str`` (and :class:`ggen.model.Literal`) is a string, ``int``/``float``/
``Decimal`` a number, ``bool`` a bool (never a number), ``None`` null, lists and
tuples arrays, mappings objects.

Known limitations: numbers follow Python, not ``serde_json``: integers beyond
64 bits do not overflow, and a ``Decimal`` becomes a binary float only where Tera
itself would work in floats (printing and arithmetic).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeGuard

Number = int | float | Decimal


class TeraValueError(Exception):
    """A value had the wrong kind for what a template did with it."""


def is_number(value: object) -> TypeGuard[Number]:
    """True for Tera numbers: ints, floats and decimals, but never bools."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_string(value: object) -> bool:
    """True for Tera strings."""
    return isinstance(value, str)


def is_array(value: object) -> TypeGuard[Sequence[Any]]:
    """True for Tera arrays (lists and tuples, not strings)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    """True for Tera objects (any mapping)."""
    return isinstance(value, Mapping)


def kind_of(value: object) -> str:
    """The Tera kind name of ``value``, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if is_string(value):
        return "string"
    if is_array(value):
        return "array"
    if is_object(value):
        return "object"
    return type(value).__name__


def as_float(value: Number) -> float:
    """A number as a binary float, as Tera does for all mixed arithmetic."""
    return float(value)


def format_float(value: float) -> str:
    """A float the way Rust's ``Display`` prints an ``f64``.

    Rust prints the shortest text that reads back to the same float, never in
    exponent form, and drops a zero fraction (``2.0`` prints ``2``).
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" and value == 0 else text


def format_number(value: Number) -> str:
    """A number as Tera prints it in ``{{ }}``."""
    if isinstance(value, int):
        return str(value)
    return format_float(as_float(value))


def json_number(value: Number) -> str:
    """A number as ``serde_json`` writes it (floats keep a ``.0``)."""
    if isinstance(value, int):
        return str(value)
    number = as_float(value)
    if math.isnan(number) or math.isinf(number):
        return "null"
    return repr(number).replace("e+", "e")


def render(value: object) -> str:
    """The text Tera prints for ``value`` in a ``{{ }}`` block.

    Booleans print ``true``/``false``, null prints nothing, arrays print as
    ``[a, b]`` with each item printed the same way, objects as ``[object]``.
    """
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if is_number(value):
        return format_number(value)
    if is_object(value):
        return "[object]"
    if is_array(value):
        items = value
        return "[" + ", ".join(render(item) for item in items) + "]"
    raise TeraValueError(f"cannot print a value of type {type(value).__name__}")


def truthy(value: object) -> bool:
    """Tera truthiness: empty strings, arrays, objects, 0 and null are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if is_number(value):
        number = as_float(value)
        return number != 0 and not math.isnan(number)
    if isinstance(value, str | Sequence | Mapping):
        return len(value) > 0
    return bool(value)


def equal(left: object, right: object) -> bool:
    """Tera's ``==``: numbers compare by value, other kinds never match a number.

    One deliberate difference: a number or boolean equals a string holding its
    lexical form (``true == "true"``, ``201 == "201"``). Templates written for
    ggen 5, where every SPARQL value reached the template as a string, compare
    typed RDF values with string literals; this keeps them working, and a
    template written for typed values has no reason to compare with strings.
    """
    if isinstance(left, str) != isinstance(right, str):
        text, other = (left, right) if isinstance(left, str) else (right, left)
        if isinstance(other, bool) or is_number(other):
            return str(text) in _lexical_forms(other)
    if is_number(left) or is_number(right):
        if not (is_number(left) and is_number(right)):
            return False
        return as_float(left) == as_float(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_array(left) and is_array(right):
        return len(left) == len(right) and all(
            equal(a, b) for a, b in zip(left, right, strict=False)
        )
    if is_object(left) and is_object(right):
        return _objects_equal(left, right)
    if isinstance(left, str) and isinstance(right, str):
        return str(left) == str(right)
    return left is None and right is None


def _lexical_forms(value: object) -> set[str]:
    """The strings a typed value was, or prints as."""
    if isinstance(value, bool):
        return {"true" if value else "false"}
    return {str(value), format_number(value)}  # type: ignore[arg-type]


def _objects_equal(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """Key-by-key equality of two objects."""
    if set(left.keys()) != set(right.keys()):
        return False
    return all(equal(left[key], right[key]) for key in left)


def contains(container: object, item: object) -> bool:
    """Whether ``item`` is in ``container``, for arrays, strings and objects."""
    if is_array(container):
        return any(equal(item, element) for element in container)
    if isinstance(container, str):
        if not isinstance(item, str):
            raise TeraValueError(f"tried to look for a {kind_of(item)} in a string")
        return str(item) in str(container)
    if is_object(container):
        if not isinstance(item, str):
            raise TeraValueError(f"tried to look for a {kind_of(item)} in an object")
        return str(item) in container
    raise TeraValueError("`in` only works on strings, arrays and objects")


def to_json(value: object, pretty: bool = False) -> str:
    """``value`` as ``serde_json`` would write it (compact or pretty)."""
    if pretty:
        return _pretty_json(value, "")
    return _compact_json(value)


def _compact_json(value: object) -> str:
    """Compact JSON with ``serde_json``'s spacing and number format."""
    if is_object(value):
        items = value.items()
        body = ",".join(f"{_json_string(str(k))}:{_compact_json(v)}" for k, v in items)
        return "{" + body + "}"
    if is_array(value):
        return "[" + ",".join(_compact_json(v) for v in value) + "]"
    return _json_scalar(value)


def _pretty_json(value: object, indent: str) -> str:
    """Pretty JSON indented by two spaces, as ``serde_json::to_string_pretty``."""
    inner = indent + "  "
    if is_object(value) and value:
        items = value.items()
        lines = [
            f"{inner}{_json_string(str(k))}: {_pretty_json(v, inner)}" for k, v in items
        ]
        return "{\n" + ",\n".join(lines) + "\n" + indent + "}"
    if is_array(value) and value:
        lines = [inner + _pretty_json(v, inner) for v in value]
        return "[\n" + ",\n".join(lines) + "\n" + indent + "]"
    if is_object(value):
        return "{}"
    if is_array(value):
        return "[]"
    return _json_scalar(value)


def _json_scalar(value: object) -> str:
    """A string, number, bool or null in JSON."""
    if isinstance(value, str):
        return _json_string(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if is_number(value):
        return json_number(value)
    raise TeraValueError(f"cannot encode a {type(value).__name__} as JSON")


def _json_string(text: str) -> str:
    """A JSON string literal; non-ASCII text is kept as it is, like serde_json."""
    return json.dumps(text, ensure_ascii=False)
