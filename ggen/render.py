"""Stage 5: run each generation rule's query and render its template.

A rule whose ``output_file`` contains ``{{`` renders once per row, with ``row``
and that row's columns as top-level names; any other rule renders once, with
the first row as ``row`` and its columns as top-level names. Every render sees
all rows as ``results`` (aliases ``sparql_results`` and ``entities``).

The template file path may contain ``{{ }}`` too: it is rendered with the same
context, which lets one rule choose a template per row (for example one per
backend kind).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ggen.errors import GgenError, Location, Problem, TemplateError
from ggen.extract import rows_from
from ggen.graph import Graph, run_query
from ggen.incremental import RenderCache
from ggen.manifest import GenerationRule, Manifest
from ggen.model import RenderedFile, Row, Unread, end_with_one_newline
from ggen.plan import relative
from ggen.templating import TemplateEngine

log = logging.getLogger(__name__)


@dataclass
class RuleOutcome:
    """What one rule produced: its rows, its files, or why it produced none."""

    rule: str
    rows: int = 0
    files: list[RenderedFile] = field(default_factory=list)
    skipped: str | None = None
    templates: list[Path] = field(default_factory=list)


def make_engine(manifest: Manifest, graph: Graph) -> TemplateEngine:
    """A template engine whose ``sparql()`` functions query ``graph``."""

    def query(text: str) -> list[dict[str, Any]]:
        result = run_query(graph, text, "template sparql()", Location(None), "SELECT")
        return list(rows_from(result, text, graph.decimals))

    return TemplateEngine(manifest.root, query)


def select_rows(
    graph: Graph,
    rule: GenerationRule,
    manifest: Manifest,
    shared: dict[str, list[Row]] | None = None,
) -> list[Row]:
    """The rule's SELECT, as plain rows in a deterministic order.

    Rules with the same query text share one run of it through ``shared``.
    """
    text = rule.query.read()
    if shared is not None and text in shared:
        return shared[text]
    where = Location(rule.query.file or manifest.path, rule.query.line)
    result = run_query(graph, text, f"rule `{rule.name}`", where, "SELECT")
    rows = rows_from(result, text, graph.decimals)
    if shared is not None:
        shared[text] = rows
    return rows


def render_rules(
    manifest: Manifest,
    graph: Graph,
    engine: TemplateEngine,
    rules: list[GenerationRule],
    on_rule: Callable[[str], None] | None = None,
    cache: RenderCache | None = None,
) -> list[RuleOutcome]:
    """Render every rule; template errors of all rules are reported together."""
    shared: dict[str, list[Row]] = {}
    outcomes: list[RuleOutcome] = []
    problems: list[Problem] = []
    for rule in rules:
        if on_rule is not None:
            on_rule(rule.name)
        try:
            outcomes.append(render_rule(manifest, graph, engine, rule, cache, shared))
        except TemplateError as exc:
            problems.extend(exc.problems)
    if problems:
        raise TemplateError(problems)
    return outcomes


def render_rule(
    manifest: Manifest,
    graph: Graph,
    engine: TemplateEngine,
    rule: GenerationRule,
    cache: RenderCache | None = None,
    shared: dict[str, list[Row]] | None = None,
) -> RuleOutcome:
    """Render one rule into files (none when ``when`` is false or no rows)."""
    outcome = RuleOutcome(rule.name)
    if rule.when and not bool(
        run_query(
            graph,
            rule.when,
            f"rule `{rule.name}` (when)",
            Location(manifest.path),
            "ASK",
        )
    ):
        outcome.skipped = "its `when` query is false"
        return outcome
    rows = select_rows(graph, rule, manifest, shared)
    outcome.rows = len(rows)
    if not rows and (rule.skip_empty or rule.per_row):
        outcome.skipped = "its query returned no rows"
        if not rule.skip_empty:
            log.warning(
                "rule `%s`: its query returned no rows, so it wrote "
                "nothing (set skip_empty = true to silence this)",
                rule.name,
            )
        return outcome
    if not rows:
        log.warning("rule `%s`: its query returned no rows", rule.name)
    for index, context in _contexts(rows, rule.per_row):
        try:
            rendered = _render_one(manifest, engine, rule, context, index, cache)
        except TemplateError as exc:
            raise _with_known_names(exc, context.full) from None
        except GgenError:
            raise
        except Exception as exc:
            # A template is user input: whatever it makes the engine raise
            # (e.g. Python's own nesting limit) is a template error, not a bug.
            raise _engine_failure(rule, index, exc) from exc
        outcome.files.append(rendered)
    used = {f.template for f in outcome.files}  # few distinct names: Paths last
    outcome.templates = sorted(Path(t) for t in used if t and not t.startswith("<"))
    return outcome


_UNDEFINED = re.compile(r"is undefined|is not defined|has no attribute")


def _with_known_names(error: TemplateError, context: dict[str, Any]) -> TemplateError:
    """Give an undefined-name error without a hint the names that do exist."""
    names = ", ".join(sorted(context)) or "(none)"
    for problem in error.problems:
        if problem.hint is None and _UNDEFINED.search(problem.message):
            problem.hint = f"names defined here: {names}"
    return error


_PLAIN_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> tuple[list[str], list[str]] | None:
    """Literal parts and variable names of ``text`` if it only uses
    ``{{ name }}``; None when it needs the template engine."""
    literals = _PLAIN_VARIABLE.split(text)[::2]
    if any(mark in part for part in literals for mark in ("{{", "{%", "{#")):
        return None
    return literals, _PLAIN_VARIABLE.findall(text)


def _substitute(text: str, row: dict[str, Any]) -> str | None:
    """``text`` rendered without the engine when it is plain ``{{ name }}``
    substitution of the row's strings and integers (printed the same way by
    Tera and Jinja); None means "ask the engine", which also reports any
    error."""
    pattern = _pattern(text)
    if pattern is None:
        return None
    literals, names = pattern
    out = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        if name in _BASE_NAMES:  # names the rows, not a column
            return None
        value = dict.get(row, name)  # a bare name: Row's "?name" lookup not needed
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None
        out.append(str(value))
        out.append(literal)
    return "".join(out)


def _render_text(
    engine: TemplateEngine,
    manifest: Manifest,
    rule: GenerationRule,
    text: str,
    what: str,
    context: dict[str, Any],
    index: int | None,
) -> str:
    """Render one of a rule's inline texts (output path, template, template path).

    The name carries no row, so each text compiles once per rule; the row goes
    into the message of any error instead.
    """
    name = f"{manifest.path.name}: {what} of rule `{rule.name}`"
    try:
        return engine.render_string(text, context, name=name)
    except TemplateError as exc:
        raise _at_row(exc, index) from None


def _at_row(error: TemplateError, index: int | None) -> TemplateError:
    """The error with the row it happened on added to each message."""
    if index is not None:
        for problem in error.problems:
            problem.message += f" (row {index + 1})"
    return error


def _engine_failure(
    rule: GenerationRule, index: int | None, exc: Exception
) -> TemplateError:
    label = _label(rule, index)
    where = rule.template.raw_file or "<inline>"
    return TemplateError(
        f"{label}: the template failed: {type(exc).__name__}: {exc}",
        Location(where),
        hint="simplify the template (run with --traceback to see where it failed)",
    )


_ROWS_NAMES = ("results", "sparql_results", "entities")  # every row, three names
_BASE_NAMES = (*_ROWS_NAMES, "row")


class _Context:
    """One render's template names: the row's columns, ``row`` itself, and
    every row as ``results`` (aliases ``sparql_results``, ``entities``).

    The full dict is made only when a template needs it: a render-cache hit
    needs only the row.
    """

    __slots__ = ("_full", "base", "row")

    def __init__(self, row: Row, base: dict[str, Any]) -> None:
        self.row, self.base = row, base
        self._full: dict[str, Any] | None = None

    @property
    def full(self) -> dict[str, Any]:
        """Every name, as the template engine sees them."""
        if self._full is None:
            self._full = {**self.row, **self.base, "row": self.row}
        return self._full


def _contexts(rows: list[Row], per_row: bool) -> list[tuple[int | None, _Context]]:
    base: dict[str, Any] = dict.fromkeys(_ROWS_NAMES, rows)
    if not per_row:
        return [(None, _Context(rows[0] if rows else Row(), base))]
    return [(i, _Context(row, base)) for i, row in enumerate(rows)]


def _render_one(
    manifest: Manifest,
    engine: TemplateEngine,
    rule: GenerationRule,
    context: _Context,
    index: int | None,
    cache: RenderCache | None = None,
) -> RenderedFile:
    rel = _substitute(rule.output_file, context.row)
    if rel is None:
        rel = _render_text(
            engine, manifest, rule, rule.output_file, "output_file", context.full, index
        )
    rel = rel.strip()
    if not rel:
        raise TemplateError(
            f"{_label(rule, index)}: output_file rendered to an empty path",
            Location(manifest.path),
            hint="check the variables used in output_file",
        )
    target = os.path.join(manifest.output_dir, rel)
    from_root: str | None = None
    disk: bytes | None = None
    figures: list[int] | None = None
    unread: Unread | None = None
    if rule.template.inline is not None:
        inline = rule.template.inline
        content = _render_text(
            engine, manifest, rule, inline, "template", context.full, index
        )
        content = _finished(manifest, valid_utf8(content, manifest.path))
        template_name = "<inline>"
    else:
        path = _template_path(manifest, engine, rule, context, index)
        template_name = str(path)
        hit = None
        key = None
        if cache is not None and index is not None and rule.mode != "Merge":
            key = cache.key(rule.name, rel, path, context.row)
        if key is not None and cache is not None:
            from_root = relative(target, manifest.root)
            hit = cache.lookup(key, target, from_root)
        if hit is None:
            content = engine.render_file(path, context.full)
            content = _finished(manifest, valid_utf8(content, path))
            if key is not None and cache is not None:
                cache.store(key, rel, content)
        elif isinstance(hit, Unread):
            content, unread = "", hit
        else:
            disk, figures = hit
            content = disk.decode("utf-8")
    return RenderedFile(
        target=target,
        content=content,
        rule=rule.name,
        mode=rule.mode,
        row=index,
        template=template_name,
        disk=disk,
        unread=unread,
        rel=from_root,
        disk_figures=figures,
    )


def _label(rule: GenerationRule, index: int | None) -> str:
    return f"rule `{rule.name}`" + (f", row {index + 1}" if index is not None else "")


def _finished(manifest: Manifest, content: str) -> str:
    """Rendered text as it is written: the manifest's final-newline rule applied."""
    if manifest.final_newline == "single":
        return end_with_one_newline(content)
    return content


def valid_utf8(content: str, template: Path | str) -> str:
    """``content``, or a template error when it cannot be written as UTF-8.

    Python text can hold lone surrogates (``"\\ud800"`` in a template string),
    which have no UTF-8 form.
    """
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = content.count("\n", 0, exc.start) + 1
        char = f"U+{ord(content[exc.start]):04X}"
        raise TemplateError(
            f"the output is not valid UTF-8: {char} (a lone surrogate) on line "
            f"{line} of the output",
            Location(template),
            hint="look for a \\u escape of half a surrogate pair in the template "
            "or in the ontology's strings",
        ) from None
    return content


def _template_path(
    manifest: Manifest,
    engine: TemplateEngine,
    rule: GenerationRule,
    context: _Context,
    index: int | None,
) -> Path:
    assert rule.template.file is not None and rule.template.raw_file is not None
    if not rule.template.is_templated_path:
        return rule.template.file
    raw = _render_text(
        engine,
        manifest,
        rule,
        rule.template.raw_file,
        "template path",
        context.full,
        index,
    )
    path = manifest.root / raw
    if not path.is_file():
        raise TemplateError(
            f"{_label(rule, index)}: template not found: {raw}",
            Location(manifest.path),
            hint=f"create {raw}, or change the data so that the rule's template "
            f"path `{rule.template.raw_file}` names an existing file",
        )
    return path
