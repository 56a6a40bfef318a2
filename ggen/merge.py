"""Merge mode: regenerate one section of a file and keep the hand-written one.

A merged file holds three marker lines, each alone on its line (leading
whitespace allowed). They are the Rust ggen's markers, so files merged by either
tool keep working with the other:

    <<<<<<< GENERATED
    ...regenerated on every sync...
    =======
    ...written by hand, kept byte for byte...
    >>>>>>> MANUAL

Text before the first marker and after the last is kept as well. A file with no
markers yet gets them on its first sync, with a placeholder manual section.
"""

from __future__ import annotations

from pathlib import Path

from ggen.errors import Location, TemplateError

GENERATED = "<<<<<<< GENERATED"
SEPARATOR = "======="
MANUAL = ">>>>>>> MANUAL"
PLACEHOLDER = "Add your manual code here"
# How a line comment starts, by file extension; C-style when unknown.
_COMMENT = {
    ".erl": "%",
    ".hrl": "%",
    ".py": "#",
    ".sh": "#",
    ".rb": "#",
    ".toml": "#",
    ".yaml": "#",
    ".yml": "#",
    ".sql": "--",
    ".lua": "--",
    ".hs": "--",
    ".ex": "#",
    ".exs": "#",
    ".r": "#",
    ".pl": "#",
    ".tex": "%",
    ".el": ";",
    ".lisp": ";",
    ".clj": ";",
}


def placeholder(path: Path) -> str:
    """The manual section of a new Merge file, as a comment of its language."""
    if path.suffix.lower() in (".md", ".html", ".xml", ".svg"):
        return f"<!-- {PLACEHOLDER} -->"
    return f"{_COMMENT.get(path.suffix.lower(), '//')} {PLACEHOLDER}"


def _markers(lines: list[str]) -> tuple[int, int, int] | None:
    found: dict[str, int] = {}
    for index, line in enumerate(lines):
        text = line.strip()
        if text.startswith(GENERATED):
            found.setdefault("g", index)
        elif text == SEPARATOR:
            found.setdefault("s", index)
        elif text.startswith(MANUAL):
            found.setdefault("m", index)
    if len(found) < 3:
        return None
    return found["g"], found["s"], found["m"]


def generated_section(existing: str) -> str | None:
    """The text between the GENERATED and ======= markers, or None."""
    lines = existing.splitlines()
    marks = _markers(lines)
    if marks is None or not marks[0] < marks[1] < marks[2]:
        return None
    return "\n".join(lines[marks[0] + 1 : marks[1]])


def merge(generated: str, existing: str, path: Path) -> str:
    """``existing`` with its generated section replaced by ``generated``."""
    body = generated[:-1] if generated.endswith("\n") else generated
    lines = existing.splitlines()
    marks = _markers(lines)
    if marks is None:
        return f"{GENERATED}\n{body}\n{SEPARATOR}\n{placeholder(path)}\n{MANUAL}\n"
    start, sep, end = marks
    if not start < sep < end:
        raise TemplateError(
            "Merge markers are out of order",
            Location(path, min(marks) + 1),
            hint=f"the markers must appear as `{GENERATED}`, then `{SEPARATOR}`, "
            f"then `{MANUAL}`, each on its own line",
        )
    head = lines[:start]
    manual = lines[sep + 1 : end]
    tail = lines[end + 1 :]
    out = [*head, GENERATED, body, SEPARATOR, *manual, MANUAL, *tail]
    return "\n".join(out) + "\n"
