"""Template functions (``sparql(query=...)`` and friends) and Tera's tests.

The SPARQL helpers follow ggen: ``sparql_first``, ``sparql_values``,
``sparql_empty`` and ``sparql_count`` take the rows as ``rows=`` or
``results=`` (never both); ``sparql_column`` and ``sparql_row`` are ggen's
older helpers and take ``results=``.

Known limitations: Tera's ``now()`` and ``get_random()`` are refused, because
generated files must be byte-stable between runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Undefined

from ggen.templating.casing import local_name
from ggen.templating.values import (
    TeraValueError,
    as_float,
    contains,
    is_array,
    is_number,
    is_object,
    kind_of,
)

QueryFunction = Callable[[str], list[dict[str, Any]]]
Function = Callable[..., Any]


class TemplateFunctionError(Exception):
    """A template function was called wrongly; the message says how."""


def _rows(name: str, kwargs: Mapping[str, Any]) -> list[Any]:
    """The rows passed as ``rows=`` or ``results=``."""
    if "rows" in kwargs and "results" in kwargs:
        raise TemplateFunctionError(
            f"{name}() accepts either `rows` or `results`, not both"
        )
    if "rows" not in kwargs and "results" not in kwargs:
        raise TemplateFunctionError(f"{name}() requires a `rows` or `results` array")
    rows = kwargs.get("rows", kwargs.get("results"))
    if not is_array(rows):
        raise TemplateFunctionError(
            f"{name}() requires an array of rows, got {kind_of(rows)}"
        )
    return list(rows)


def _cell(row: object, column: str) -> Any:
    """``row[column]`` (``?column`` accepted), or None when absent."""
    if not is_object(row):
        return None
    mapping: Mapping[str, Any] = row
    if column in mapping:
        return mapping[column]
    bare = column[1:] if column.startswith("?") else "?" + column
    return mapping.get(bare)


def _column(name: str, kwargs: Mapping[str, Any]) -> str:
    """The ``column=`` argument, which must be a string."""
    column = kwargs.get("column")
    if not isinstance(column, str):
        raise TemplateFunctionError(f"{name}() requires a string `column` argument")
    return column


def make_sparql(query: QueryFunction | None) -> Function:
    """``sparql(query=...)``: run a SELECT on the project graph, rows as dicts."""

    def sparql(**kwargs: Any) -> list[dict[str, Any]]:
        text = kwargs.get("query")
        if not isinstance(text, str):
            raise TemplateFunctionError("sparql() requires a string `query` argument")
        if query is None:
            raise TemplateFunctionError("sparql() is not available: no project graph")
        return query(text)

    return sparql


def sparql_first(**kwargs: Any) -> Any:
    """The first row (or its ``column``), or null when there are no rows."""
    rows = _rows("sparql_first", kwargs)
    if not rows:
        return None
    column = kwargs.get("column")
    return _cell(rows[0], column) if isinstance(column, str) else rows[0]


def sparql_values(**kwargs: Any) -> list[Any]:
    """One column across all rows (null where a row lacks it)."""
    column = _column("sparql_values", kwargs)
    return [_cell(row, column) for row in _rows("sparql_values", kwargs)]


def sparql_column(**kwargs: Any) -> list[Any]:
    """One column across the rows that have it."""
    column = _column("sparql_column", kwargs)
    cells = (_cell(row, column) for row in _rows("sparql_column", kwargs))
    return [cell for cell in cells if cell is not None]


def sparql_row(**kwargs: Any) -> Any:
    """The row at ``index``, or null."""
    rows = _rows("sparql_row", kwargs)
    index = kwargs.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise TemplateFunctionError("sparql_row() requires a non-negative `index`")
    return rows[index] if index < len(rows) else None


def sparql_empty(**kwargs: Any) -> bool:
    """Whether there are no rows."""
    return not _rows("sparql_empty", kwargs)


def sparql_count(**kwargs: Any) -> int:
    """The number of rows."""
    return len(_rows("sparql_count", kwargs))


def local(**kwargs: Any) -> str:
    """``local(iri=...)``: the part after the last ``#`` or ``/``."""
    iri = kwargs.get("iri")
    if not isinstance(iri, str):
        raise TemplateFunctionError("local() requires a string `iri` argument")
    return local_name(iri)


def _int_argument(kwargs: Mapping[str, Any], name: str, default: int | None) -> int:
    """An integer named argument of ``range``."""
    value = kwargs.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TemplateFunctionError(f"range() requires an integer `{name}`")
    return value


def range_(**kwargs: Any) -> list[int]:
    """Tera's ``range(end=, start=0, step_by=1)``."""
    end = _int_argument(kwargs, "end", None)
    start = _int_argument(kwargs, "start", 0)
    step = _int_argument(kwargs, "step_by", 1)
    if step <= 0 or start > end:
        raise TemplateFunctionError("range() needs `step_by` > 0 and `start` <= `end`")
    return list(range(start, end, step))


def get_env(**kwargs: Any) -> Any:
    """Tera's ``get_env(name=, default=)``."""
    name = kwargs.get("name")
    if not isinstance(name, str):
        raise TemplateFunctionError("get_env() requires a string `name` argument")
    if name in os.environ:
        return os.environ[name]
    if "default" in kwargs:
        return kwargs["default"]
    raise TemplateFunctionError(f"environment variable `{name}` is not set")


def throw(**kwargs: Any) -> Any:
    """Tera's ``throw(message=)``: fail the render with that message."""
    raise TemplateFunctionError(str(kwargs.get("message", "throw() was called")))


def _refused(name: str) -> Function:
    """A function that exists in Tera but would make output unstable."""

    def refuse(**_: Any) -> Any:
        raise TemplateFunctionError(
            f"{name}() is not supported: generated files must not change between runs"
        )

    return refuse


def template_functions(query: QueryFunction | None) -> dict[str, Function]:
    """Every function a template can call, bound to ``query``."""
    return {
        "sparql": make_sparql(query),
        "sparql_first": sparql_first,
        "sparql_values": sparql_values,
        "sparql_column": sparql_column,
        "sparql_row": sparql_row,
        "sparql_empty": sparql_empty,
        "sparql_count": sparql_count,
        "local": local,
        "range": range_,
        "get_env": get_env,
        "throw": throw,
        "now": _refused("now"),
        "get_random": _refused("get_random"),
    }


# --- Tera's tests ---------------------------------------------------------


def _defined_value(test: str, value: object) -> object:
    """Refuse an undefined value, as Tera's tests other than defined do."""
    if isinstance(value, Undefined):
        raise TeraValueError(f"test `{test}` was called on an undefined variable")
    return value


def _test_string(test: str, value: object, what: str) -> str:
    """A string argument of a test, or Tera's error."""
    if not isinstance(value, str):
        raise TeraValueError(f"test `{test}` was called {what} that isn't a string")
    return str(value)


def _number_of(test: str, value: object) -> float:
    """A number for odd/even/divisibleby."""
    subject = _defined_value(test, value)
    if not is_number(subject):
        raise TeraValueError(f"test `{test}` was called on a value that isn't a number")
    return as_float(subject)


def containing_test(value: object, needle: object) -> bool:
    """``x is containing(y)``: substring, array member or object key."""
    subject = _defined_value("containing", value)
    if not (isinstance(subject, str) or is_array(subject) or is_object(subject)):
        raise TeraValueError("test `containing` only works on strings, arrays and maps")
    return contains(subject, needle)


def matching_test(value: object, pattern: object) -> bool:
    """``x is matching("re")``: the regular expression matches somewhere."""
    text = _test_string("matching", _defined_value("matching", value), "on a variable")
    regex = _test_string("matching", pattern, "with a parameter")
    try:
        return re.search(regex, text) is not None
    except re.error as exc:
        raise TeraValueError(
            f"test `matching`: invalid regular expression: {exc}"
        ) from exc


def tera_tests() -> dict[str, Callable[..., bool]]:
    """Tera's built-in tests, named as Tera names them."""
    return {
        "defined": lambda v: not isinstance(v, Undefined),
        "undefined": lambda v: isinstance(v, Undefined),
        "string": lambda v: isinstance(_defined_value("string", v), str),
        "number": lambda v: is_number(_defined_value("number", v)),
        "odd": lambda v: _number_of("odd", v) % 2 != 0,
        "even": lambda v: _number_of("even", v) % 2 == 0,
        "divisibleby": lambda v, n: (
            _number_of("divisibleby", v) % _number_of("divisibleby", n) == 0
        ),
        "iterable": lambda v: is_array(_defined_value("iterable", v)) or is_object(v),
        "object": lambda v: is_object(_defined_value("object", v)),
        "starting_with": lambda v, s: _test_string(
            "starting_with", _defined_value("starting_with", v), "on a variable"
        ).startswith(_test_string("starting_with", s, "with a parameter")),
        "ending_with": lambda v, s: _test_string(
            "ending_with", _defined_value("ending_with", v), "on a variable"
        ).endswith(_test_string("ending_with", s, "with a parameter")),
        "containing": containing_test,
        "matching": matching_test,
    }
