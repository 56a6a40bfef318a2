"""Tera's built-in filters and ggen's own, as plain Python functions.

Each filter takes the value and Tera's named arguments (``replace(from=..,
to=..)``). Filters that need a string refuse anything else, as Tera does; a
filter given an undefined variable raises the undefined-variable error, except
``default``, whose whole purpose is to replace it.

ggen overrides three Tera names and so do we: ``title`` is ggen's title case
(``foo_bar`` -> ``Foo Bar``), and ``pluralize`` on a string is English
pluralization (on a number it keeps Tera's meaning: the suffix to use).

Known limitations: ``truncate`` counts code points rather than grapheme
clusters; ``slugify`` folds accents with Unicode decomposition, which is close
to but not the same table as Rust's ``deunicode``; ``filesizeformat`` rounds to
two decimals the way ``humansize`` does for common sizes only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, cast

from jinja2 import Undefined

from ggen.templating import casing, escaping, inflection
from ggen.templating.values import (
    TeraValueError,
    as_float,
    equal,
    is_array,
    is_number,
    is_object,
    kind_of,
    render,
    to_json,
)

Filter = Callable[..., Any]

_STRIPTAGS = re.compile(r"<!--.*?-->|<[^>]*>")
_SPACELESS = re.compile(r">\s+<")


def _string(filter_name: str, value: object) -> str:
    """``value`` as a string, or Tera's error for a filter that needs one."""
    if isinstance(value, str):
        return str(value)
    raise TeraValueError(
        f"filter `{filter_name}` was called on a {kind_of(value)} "
        f"(`{render_or_kind(value)}`) but expects a string"
    )


def _array(filter_name: str, value: object) -> list[Any]:
    """``value`` as a list, or Tera's error for a filter that needs an array."""
    if is_array(value):
        return list(value)
    raise TeraValueError(
        f"filter `{filter_name}` was called on a {kind_of(value)} but expects an array"
    )


def _number(filter_name: str, value: object) -> int | float | Decimal:
    """``value`` as a number, or Tera's error for a filter that needs one."""
    if is_number(value):
        return value
    raise TeraValueError(
        f"filter `{filter_name}` was called on a {kind_of(value)} but expects a number"
    )


def render_or_kind(value: object) -> str:
    """Printable text of a value for messages, never failing."""
    try:
        return render(value)
    except TeraValueError:
        return kind_of(value)


def _unescape_pattern(pattern: str) -> str:
    r"""A written ``\n`` or ``\t`` in a pattern argument means the character."""
    return pattern.replace("\\n", "\n").replace("\\t", "\t")


def _rust_lines(text: str) -> list[str]:
    """Lines as Rust's ``str::lines`` yields them (no final empty line)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def dotted(value: object, path: str) -> tuple[bool, Any]:
    """Follow ``a.b.0`` into objects and arrays; ``(found, value)``."""
    if path == "":
        return True, value
    current = value
    for part in path.split("."):
        if is_object(current) and part in current:
            current = current[part]
        elif is_array(current) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return False, None
    return True, current


# --- string filters -------------------------------------------------------


def upper(value: object) -> str:
    """Upper-case a string."""
    return _string("upper", value).upper()


def lower(value: object) -> str:
    """Lower-case a string."""
    return _string("lower", value).lower()


def trim(value: object) -> str:
    """Strip whitespace at both ends."""
    return _string("trim", value).strip()


def trim_start(value: object) -> str:
    """Strip leading whitespace."""
    return _string("trim_start", value).lstrip()


def trim_end(value: object) -> str:
    """Strip trailing whitespace."""
    return _string("trim_end", value).rstrip()


def trim_start_matches(value: object, *, pat: str) -> str:
    """Strip every leading repetition of ``pat``."""
    text, pattern = _string("trim_start_matches", value), _unescape_pattern(pat)
    while pattern and text.startswith(pattern):
        text = text[len(pattern) :]
    return text


def trim_end_matches(value: object, *, pat: str) -> str:
    """Strip every trailing repetition of ``pat``."""
    text, pattern = _string("trim_end_matches", value), _unescape_pattern(pat)
    while pattern and text.endswith(pattern):
        text = text[: -len(pattern)]
    return text


def truncate(value: object, *, length: int = 255, end: str = "…") -> str:
    """Cut to ``length`` characters and append ``end`` if anything was cut."""
    text = _string("truncate", value)
    if length >= len(text):
        return text
    return text[:length] + end


def wordcount(value: object) -> int:
    """Number of whitespace-separated words."""
    return len(_string("wordcount", value).split())


def replace(value: object, **kwargs: Any) -> str:
    """Replace every ``from`` with ``to`` (``from`` is a Python keyword)."""
    if "from" not in kwargs or "to" not in kwargs:
        raise TeraValueError("filter `replace` expects the arguments `from` and `to`")
    old = _string("replace", kwargs["from"])
    return _string("replace", value).replace(old, _string("replace", kwargs["to"]))


def capitalize(value: object) -> str:
    """First character upper-case, the rest lower-case (Tera's rule)."""
    text = _string("capitalize", value)
    return text[:1].upper() + text[1:].lower()


def linebreaksbr(value: object) -> str:
    """Turn line breaks into ``<br>``."""
    return _string("linebreaksbr", value).replace("\r\n", "<br>").replace("\n", "<br>")


def indent(
    value: object,
    *,
    prefix: str | None = None,
    width: int | None = None,
    first: bool = False,
    blank: bool = False,
) -> str:
    """Indent every line but the first (and blank lines unless ``blank``).

    ``prefix`` is Tera's argument (four spaces by default); ``width=N`` is
    accepted as ``N`` spaces for templates written with Jinja2's spelling.
    """
    if prefix is None:
        prefix = " " * (4 if width is None else width)
    out: list[str] = []
    for number, line in enumerate(_rust_lines(_string("indent", value))):
        if number == 0:
            out.append(prefix + line if first else line)
        elif blank or line.lstrip():
            out.append(prefix + line)
        else:
            out.append(line)
    return "\n".join(out)


def striptags(value: object) -> str:
    """Remove HTML tags and comments."""
    return _STRIPTAGS.sub("", _string("striptags", value))


def spaceless(value: object) -> str:
    """Remove whitespace between HTML tags."""
    return _SPACELESS.sub("><", _string("spaceless", value))


def escape_html(value: object) -> str:
    """HTML-escape ``& < > " ' /`` as Tera does."""
    return escaping.html(_string("escape", value))


def escape_xml(value: object) -> str:
    """XML-escape ``& < > " '``."""
    return escaping.xml(_string("escape_xml", value))


def urlencode(value: object) -> str:
    """Percent-encode like Python's ``quote`` (keeping ``/``)."""
    return escaping.url(_string("urlencode", value), strict=False)


def urlencode_strict(value: object) -> str:
    """Percent-encode every non-alphanumeric character."""
    return escaping.url(_string("urlencode_strict", value), strict=True)


def addslashes(value: object) -> str:
    """Backslash-escape backslashes and quotes."""
    text = _string("addslashes", value)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


def slugify(value: object) -> str:
    """Lower-case ASCII words joined by ``-``."""
    folded = unicodedata.normalize("NFKD", _string("slugify", value))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def split(value: object, *, pat: str) -> list[str]:
    """Split on ``pat``."""
    return _string("split", value).split(_unescape_pattern(pat))


def to_int(value: object, *, default: int = 0, base: int = 10) -> int:
    """Parse or truncate to an integer; ``default`` when that fails."""
    if is_number(value):
        return int(as_float(value))
    text = _string("int", value).strip()
    prefixes = {2: "0b", 8: "0o", 16: "0x"}
    if base in prefixes and text.startswith(prefixes[base]):
        text = text[2:]
    try:
        return int(text, base)
    except ValueError:
        pass
    try:
        return int(float(text)) if "." in text else default
    except ValueError:
        return default


def to_float(value: object, *, default: float = 0.0) -> float:
    """Parse to a float; ``default`` when that fails."""
    if is_number(value):
        return as_float(value)
    try:
        return float(_string("float", value).strip())
    except ValueError:
        return default


# --- array filters --------------------------------------------------------


def first(value: object) -> Any:
    """The first item, or an empty string for an empty array."""
    items = _array("first", value)
    return items[0] if items else ""


def last(value: object) -> Any:
    """The last item, or an empty string for an empty array."""
    items = _array("last", value)
    return items[-1] if items else ""


def nth(value: object, *, n: int) -> Any:
    """The item at index ``n``, or an empty string."""
    items = _array("nth", value)
    return items[n] if 0 <= n < len(items) else ""


def join(value: object, *, sep: str = "") -> str:
    """Print each item and join them with ``sep``."""
    separator = _unescape_pattern(sep)
    return separator.join(render(item) for item in _array("join", value))


def _sort_key(key: object) -> tuple[int, Any]:
    """A key that orders one Tera kind the way Tera's ``sort`` does."""
    if isinstance(key, bool):
        return (0, key)
    if is_number(key):
        return (1, as_float(key))
    if isinstance(key, str):
        return (2, str(key))
    if is_array(key):
        return (3, len(key))
    raise TeraValueError(f"a {kind_of(key)} is not a sortable value")


def sort(value: object, *, attribute: str = "") -> list[Any]:
    """Sort by the value (or ``attribute`` of each item); kinds cannot mix."""
    items = _array("sort", value)
    keyed = [(_attribute("sort", item, attribute), item) for item in items]
    kinds = {_sort_key(key)[0] for key, _ in keyed}
    if len(kinds) > 1:
        raise TeraValueError("filter `sort` cannot compare values of different kinds")
    keyed.sort(key=lambda pair: _sort_key(pair[0]))
    return [item for _, item in keyed]


def _attribute(filter_name: str, item: object, attribute: str) -> Any:
    """``item``'s dotted ``attribute``, or Tera's error when it is missing."""
    found, key = dotted(item, attribute)
    if not found:
        raise TeraValueError(
            f"filter `{filter_name}`: attribute '{attribute}' "
            "does not reference a field"
        )
    return key


def unique(
    value: object, *, case_sensitive: bool = False, attribute: str = ""
) -> list[Any]:
    """Drop repeated items (strings compare case-insensitively by default)."""
    seen: list[Any] = []
    out: list[Any] = []
    for item in _array("unique", value):
        found, key = dotted(item, attribute)
        if not found:
            continue
        if isinstance(key, str) and not case_sensitive:
            key = key.lower()
        if not any(equal(key, other) for other in seen):
            seen.append(key)
            out.append(item)
    return out


def slice_(value: object, *, start: float = 0, end: float | None = None) -> list[Any]:
    """Items from ``start`` up to ``end``; negative indexes count from the end."""
    items = _array("slice", value)
    first_index = _slice_index(start, items)
    last_index = (
        len(items) if end is None else min(_slice_index(end, items), len(items))
    )
    return items[first_index:last_index] if first_index < last_index else []


def _slice_index(index: float, items: list[Any]) -> int:
    """A slice bound, counted from the end when negative."""
    return int(index) if index >= 0 else max(int(len(items) + index), 0)


def group_by(value: object, *, attribute: str) -> dict[str, list[Any]]:
    """Group items by ``attribute``; items without it (or null) are left out."""
    groups: dict[str, list[Any]] = {}
    for item in _array("group_by", value):
        found, key = dotted(item, attribute)
        if not found or key is None:
            continue
        name = str(key) if isinstance(key, str) else to_json(key)
        groups.setdefault(name, []).append(item)
    return groups


def filter_(items: object, /, *, attribute: str, **kwargs: Any) -> list[Any]:
    """Keep items whose ``attribute`` equals ``value`` (or is not null)."""
    wanted = kwargs.get("value")
    kept = []
    for item in _array("filter", items):
        _, key = dotted(item, attribute)
        if (key is not None) if wanted is None else equal(key, wanted):
            kept.append(item)
    return kept


def map_(value: object, *, attribute: str) -> list[Any]:
    """Each item's ``attribute``, leaving out missing and null ones."""
    picked = []
    for item in _array("map", value):
        found, key = dotted(item, attribute)
        if found and key is not None:
            picked.append(key)
    return picked


def concat(value: object, **kwargs: Any) -> list[Any]:
    """Append ``with`` (an item, or each item of an array)."""
    if "with" not in kwargs:
        raise TeraValueError("filter `concat` expects the argument `with`")
    items = _array("concat", value)
    extra = kwargs["with"]
    return items + list(extra) if is_array(extra) else [*items, extra]


# --- number and general filters -------------------------------------------


def abs_(value: object) -> int | float | Decimal:
    """Absolute value."""
    return cast(int | float | Decimal, abs(_number("abs", value)))


def round_(value: object, *, method: str = "common", precision: int = 0) -> float:
    """Round half away from zero (``common``), or ``ceil``/``floor``."""
    number = as_float(_number("round", value))
    scale = 10.0**precision
    scaled = number * scale
    if method == "common":
        rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    elif method == "ceil":
        rounded = math.ceil(scaled)
    elif method == "floor":
        rounded = math.floor(scaled)
    else:
        raise TeraValueError(f"filter `round`: unknown method `{method}`")
    return rounded / scale


def filesizeformat(value: object, *, binary: bool = False) -> str:
    """A byte count as ``1.5 KB`` (or ``1.5 KiB`` with ``binary=true``)."""
    size = _number("filesizeformat", value)
    units = (
        ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        if binary
        else ["KB", "MB", "GB", "TB", "PB", "EB"]
    )
    if size < 1024:
        return f"{int(size)} B"
    amount, step = float(size) / 1024, 0
    while amount >= 1024 and step < len(units) - 1:
        amount, step = amount / 1024, step + 1
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return f"{text} {units[step]}"


def pluralize(value: object, *, singular: str = "", plural: str = "s") -> str:
    """English plural of a string; for a number, Tera's suffix choice."""
    if isinstance(value, str):
        return inflection.pluralize(str(value))
    number = as_float(_number("pluralize", value))
    return singular if abs(abs(number) - 1.0) <= 2.220446049250313e-16 else plural


def length(value: object) -> int:
    """Items in an array or object, or characters in a string."""
    if isinstance(value, str | Mapping) or is_array(value):
        return len(value)
    raise TeraValueError(
        f"filter `length` was used on a {kind_of(value)}, "
        "not an array, object or string"
    )


def reverse(value: object) -> Any:
    """Reverse an array or a string."""
    if isinstance(value, str):
        return str(value)[::-1]
    return list(reversed(_array("reverse", value)))


def json_encode(value: object, *, pretty: bool = False) -> str:
    """The value as JSON, compact or pretty."""
    return to_json(value, pretty=pretty)


def as_str(value: object) -> str:
    """The value as Tera would print it."""
    return render(value)


def get(value: object, *, key: str, **kwargs: Any) -> Any:
    """``value[key]``, or ``default`` when given and the key is absent."""
    if not is_object(value):
        raise TeraValueError("filter `get` was used on a value that isn't an object")
    mapping: Mapping[str, Any] = value
    if key in mapping:
        return mapping[key]
    if "default" in kwargs:
        return kwargs["default"]
    raise TeraValueError(f"filter `get` tried to get key `{key}` but it wasn't found")


def date(
    value: object, *, format: str = "%Y-%m-%d", timezone: str | None = None
) -> str:
    """Format a timestamp or an ISO date/datetime with strftime codes."""
    moment = _parse_moment(value)
    if timezone is not None:
        try:
            moment = moment.astimezone(zoneinfo.ZoneInfo(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise TeraValueError(
                f"filter `date`: unknown timezone `{timezone}`"
            ) from exc
    return moment.strftime(format)


def _parse_moment(value: object) -> dt.datetime:
    """A datetime from a Unix timestamp, an RFC 3339 datetime or a date."""
    if isinstance(value, int) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    text = _string("date", value)
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise TeraValueError(
            f"filter `date` could not parse `{text}` as a date"
        ) from exc
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def safe(value: object) -> Any:
    """Mark as safe: output is never escaped here, so this changes nothing."""
    return value


def default(subject: object, /, **kwargs: Any) -> Any:
    """Tera's ``default``: replaces only an undefined (or null) value."""
    if "value" not in kwargs:
        raise TeraValueError("filter `default` expects the argument `value`")
    if isinstance(subject, Undefined) or subject is None:
        return kwargs["value"]
    return subject


# --- ggen's filters -------------------------------------------------------


def _text_filter(name: str, convert: Callable[[str], str]) -> Filter:
    """A filter that applies ``convert`` to a string value."""

    def apply(value: object) -> str:
        return convert(_string(name, value))

    apply.__name__ = name
    apply.__doc__ = f"ggen's `{name}` filter."
    return apply


def hex_to_u64(value: object) -> int:
    """``"0x1f"`` -> ``31``: a hex string (optional ``0x``) as an integer."""
    text = _string("hex_to_u64", value)
    digits = text[2:] if text[:2] in ("0x", "0X") else text
    try:
        number = int(digits, 16)
    except ValueError as exc:
        raise TeraValueError(f"hex_to_u64: {text!r} is not valid hex") from exc
    if not 0 <= number < 2**64:
        raise TeraValueError(f"hex_to_u64: {text!r} does not fit in 64 bits")
    return number


_TEXT_FILTERS: dict[str, Callable[[str], str]] = {
    "snake_case": casing.snake_case,
    "snake": casing.snake_case,
    "pascal_case": casing.pascal_case,
    "pascal": casing.pascal_case,
    "upper_camel_case": casing.pascal_case,
    "camel_case": casing.camel_case,
    "camel": casing.camel_case,
    "lower_camel_case": casing.camel_case,
    "kebab_case": casing.kebab_case,
    "kebab": casing.kebab_case,
    "param": casing.kebab_case,
    "shouty_snake_case": casing.screaming_snake_case,
    "shouty": casing.screaming_snake_case,
    "screaming_snake_case": casing.screaming_snake_case,
    "shouty_snake": lambda text: casing.heck_shouty(text, "_"),
    "constant": lambda text: casing.heck_shouty(text, "_"),
    "shouty_kebab_case": lambda text: casing.heck_shouty(text, "-"),
    "shouty_kebab": lambda text: casing.heck_shouty(text, "-"),
    "title_case": casing.title_case,
    "title": casing.title_case,
    "titlecase": casing.heck_title,
    "sentence": casing.sentence_case,
    "sentence_case": casing.sentence_case,
    "train": casing.train_case,
    "train_case": casing.train_case,
    "class": inflection.classify,
    "classify": inflection.classify,
    "lcfirst": casing.lcfirst,
    "ucfirst": casing.ucfirst,
    "local_name": casing.local_name,
    "singularize": inflection.singularize,
    "ordinalize": inflection.ordinalize,
    "deordinalize": inflection.deordinalize,
    "demodulize": inflection.demodulize,
    "deconstantize": inflection.deconstantize,
    "foreign_key": inflection.foreign_key,
    "tableize": inflection.tableize,
    "humanize": inflection.humanize,
    "erlang_string": escaping.erlang_string,
    "erlang_atom": escaping.erlang_atom,
    "rust_string": escaping.rust_string,
    "sql_string": escaping.sql_string,
}


def json_string(value: object) -> str:
    """A complete JSON string literal (quotes included) for the printed value."""
    return to_json(value if isinstance(value, str) else render(value))


def ggen_filters() -> dict[str, Filter]:
    """ggen's own filters: case, inflection and per-language escaping."""
    filters = {name: _text_filter(name, fn) for name, fn in _TEXT_FILTERS.items()}
    filters.update(
        pluralize=pluralize,
        hex_to_u64=hex_to_u64,
        json_string=json_string,
        json_encode=json_encode,
    )
    return filters


def tera_filters() -> dict[str, Filter]:
    """Tera's built-in filters, then ggen's (which win where names clash)."""
    filters: dict[str, Filter] = {
        "upper": upper, "lower": lower, "trim": trim, "trim_start": trim_start,
        "trim_end": trim_end, "trim_start_matches": trim_start_matches,
        "trim_end_matches": trim_end_matches, "truncate": truncate,
        "wordcount": wordcount, "replace": replace, "capitalize": capitalize,
        "linebreaksbr": linebreaksbr, "indent": indent, "striptags": striptags,
        "spaceless": spaceless, "urlencode": urlencode,
        "urlencode_strict": urlencode_strict, "escape": escape_html,
        "escape_xml": escape_xml, "slugify": slugify, "addslashes": addslashes,
        "split": split, "int": to_int, "float": to_float, "first": first,
        "last": last, "nth": nth, "join": join, "sort": sort, "unique": unique,
        "slice": slice_, "group_by": group_by, "filter": filter_, "map": map_,
        "concat": concat, "abs": abs_, "round": round_,
        "filesizeformat": filesizeformat, "length": length, "reverse": reverse,
        "date": date, "as_str": as_str, "get": get, "safe": safe,
        "default": default,
    }  # fmt: skip
    filters.update(ggen_filters())
    return filters
