"""Plain values passed between stages: rows, rendered files.

Nothing here imports rdflib, pyoxigraph or jinja2, so templates and the plan see
only str, int, bool, Decimal and these small classes.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Literal(str):
    """A literal kept as text, with its language tag or datatype reachable.

    It behaves as the plain string in templates; ``value.lang`` and
    ``value.datatype`` give the tag and the datatype IRI (or None).
    """

    # No per-instance dict: a large ontology yields hundreds of thousands.
    __slots__ = ("datatype", "lang")

    lang: str | None
    datatype: str | None

    def __new__(
        cls, value: str, lang: str | None = None, datatype: str | None = None
    ) -> Literal:
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.datatype = datatype
        return obj


class Row(dict[str, Any]):
    """One solution of a SELECT: variable name -> plain value.

    Keys work with and without the leading ``?`` (``row["?name"]`` and
    ``row.name`` both reach the variable ``name``). Unbound variables are absent.
    """

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key[1:] if key.startswith("?") else key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and key.startswith("?"):
            key = key[1:]
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """Like dict.get, accepting ``?name`` too."""
        return self[key] if key in self else default  # noqa: SIM401


def end_with_one_newline(text: str) -> str:
    """``text`` with the blank lines at its very end dropped.

    Most repositories run an end-of-file fixer on commit; output that already
    ends this way stays byte-identical after the hook, so ``--check`` agrees
    with what is committed. Text without a final newline is left as it is.
    """
    if not text.endswith("\n\n"):
        return text
    stripped = text.rstrip("\r\n")
    return stripped + ("\r\n" if text.endswith("\r\n") else "\n") if stripped else ""


@dataclass
class RenderedFile:
    """One output file as rendering produced it, before anything touches disk.

    ``target`` is the absolute path. ``mode`` is Create, Overwrite or Merge;
    ``force`` lets a front-matter template overwrite a file edited by hand (its
    ``force: true``).
    """

    target: str  # the absolute path, as text: see ``path``
    content: str
    rule: str
    mode: str = "Create"
    row: int | None = None
    template: str | None = None
    force: bool = False
    # The target's bytes when rendering already read them (a render-cache hit),
    # so planning need not read the file again.
    disk: bytes | None = None
    # Set by a render-cache hit that trusted the target's size and modification
    # time instead of reading it: the file holds this render's output, and
    # ``content`` was left empty.
    unread: Unread | None = None
    rel: str | None = None  # the path from the manifest's folder, when known
    # Size and modification time of the target when ``disk`` was read.
    disk_figures: list[int] | None = None

    @functools.cached_property
    def path(self) -> Path:
        """``target`` as a Path, made when first asked for: tens of thousands of
        unchanged files need only the text."""
        return Path(self.target)


@dataclass(frozen=True)
class Unread:
    """A file known to hold certain bytes without reading them: their hash and
    length."""

    sha256: str
    size: int


def file_figures(info: os.stat_result) -> list[int]:
    """The size and modification time that vouch for a file's bytes."""
    return [info.st_size, info.st_mtime_ns]


def read_with_figures(path: str) -> tuple[bytes, list[int]]:
    """A file's bytes and its figures, taken before reading: a change while
    reading leaves figures that match nothing."""
    with open(path, "rb") as handle:
        figures = file_figures(os.fstat(handle.fileno()))
        return handle.read(), figures
