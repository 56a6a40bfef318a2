"""Escaping text for the places generated code puts it.

Which filters return a whole literal and which only its body:

* ``erlang_string``: the body of an Erlang ``"..."`` string (no quotes).
* ``erlang_atom``: a complete atom, single-quoted only when it must be.
* ``rust_string``: the body of a Rust ``"..."`` string (no quotes).
* ``sql_string``: a complete SQL literal, ``'O''Brien'``.
* ``html``/``xml``/``url``: Tera's ``escape``, ``escape_xml`` and ``urlencode``.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a block of text."""
    return text.split()


_ERLANG_NAMED = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
    "\x1b": "\\e",
    "\x7f": "\\d",
}

# Reserved words cannot be bare atoms.
_ERLANG_RESERVED = frozenset(
    _words(
        """
        after and andalso band begin bnot bor bsl bsr bxor case catch cond div else
        end fun if let maybe not of or orelse receive rem try when xor
        """
    )
)
_BARE_ATOM = re.compile(r"[a-z][A-Za-z0-9_@]*\Z")


def _erlang_char(char: str, quote: str) -> str:
    """One character inside an Erlang quoted string or atom."""
    if char == quote:
        return "\\" + char
    if char in _ERLANG_NAMED and char != '"':
        return _ERLANG_NAMED[char]
    if ord(char) < 0x20:
        return f"\\x{{{ord(char):X}}}"
    return char


def erlang_string(text: str) -> str:
    """Escape ``text`` for use between double quotes in Erlang source."""
    return "".join(_erlang_char(c, '"') for c in text)


def erlang_atom(text: str) -> str:
    """``text`` as an Erlang atom: bare when allowed, else single-quoted."""
    if _BARE_ATOM.match(text) and text not in _ERLANG_RESERVED:
        return text
    return "'" + "".join(_erlang_char(c, "'") for c in text) + "'"


def rust_string(text: str) -> str:
    """Escape ``text`` for use between double quotes in Rust source."""
    out: list[str] = []
    for char in text:
        named = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
        if char in named:
            out.append(named[char])
        elif char == "\0":
            out.append("\\0")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return "".join(out)


def sql_string(text: str) -> str:
    """A standard SQL string literal: single quotes, inner quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def html(text: str) -> str:
    """Tera's HTML escape, which also escapes ``'`` and ``/``."""
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
    table["/"] = "&#x2F;"
    return "".join(table.get(c, c) for c in text)


def xml(text: str) -> str:
    """Tera's XML escape of the five XML special characters."""
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
    return "".join(table.get(c, c) for c in text)


# Characters ``urlencode`` leaves alone besides letters and digits.
_URL_KEEP = frozenset("-._~%/")


def url(text: str, strict: bool) -> str:
    """Percent-encode UTF-8 bytes; ``strict`` keeps only letters and digits."""
    out: list[str] = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        keep = byte < 0x80 and (char.isalnum() or (not strict and char in _URL_KEEP))
        out.append(char if keep else f"%{byte:02X}")
    return "".join(out)
