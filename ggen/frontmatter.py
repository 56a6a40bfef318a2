"""Front-matter templates: rules that live in the template file itself.

Newer ggen projects have no ``[[generation.rules]]``: each template under the
manifest's ``[templates] dir`` starts with a YAML block between ``---`` lines
that says where the output goes (``to``) and what it needs (``sparql``). Files
in that folder without a front matter block are partials (for ``include``).

Keys: ``to``; ``sparql`` (one query, named ``default``; a list, named
``query_0``…; or a map of names to queries; each name holds its rows);
``for_each`` (the query whose rows drive the output: a ``to`` with ``{{``
renders once per row, a fixed ``to`` gets one body per row, concatenated);
``when`` (ASK); ``skip_empty``; ``unless_exists``; ``force``; ``skip_if`` (a
regular expression: no write when the existing target matches it); ``inject``
with ``before`` / ``after`` / ``at_line`` (insert into an existing file, once:
a second sync inserts nothing); ``rdf`` / ``rdf_inline`` / ``prefixes`` /
``base`` (extra triples seen by this template only); ``from`` (the body comes
from another file); ``sh_before`` / ``sh_after`` (shell commands, run only
with ``--allow-hooks``).

Known limitations: ``construct``, ``shape``, ``backup``, ``determinism`` and
the freeze keys of the Rust ggen are accepted and ignored (listed under -v);
``before``/``after`` take a plain substring, not the structured match forms.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ggen.errors import Location, TemplateError
from ggen.extract import rows_from
from ggen.graph import FORMATS, Graph, run_query
from ggen.manifest import Manifest, read_text
from ggen.model import RenderedFile, Row, end_with_one_newline
from ggen.templating import TemplateEngine

log = logging.getLogger(__name__)

USED_KEYS = {
    "to",
    "sparql",
    "for_each",
    "when",
    "skip_empty",
    "unless_exists",
    "force",
    "skip_if",
    "inject",
    "before",
    "after",
    "at_line",
    "rdf",
    "rdf_inline",
    "prefixes",
    "base",
    "from",
    "sh_before",
    "sh",
    "sh_after",
}
IGNORED_KEYS = {
    "construct",
    "shape",
    "backup",
    "determinism",
    "freeze_policy",
    "freeze_slots_dir",
    "unattended_write_eligible",
    "description",
    "vars",
}
_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


@dataclass
class FrontMatter:
    """One template's front matter, parsed and checked."""

    path: Path
    to: str
    body: str
    sparql: dict[str, str] = field(default_factory=dict)
    for_each: str | None = None
    when: str | None = None
    skip_empty: bool = False
    unless_exists: bool = False
    force: bool = False
    skip_if: str | None = None
    inject: bool = False
    before: str | None = None
    after: str | None = None
    at_line: int | None = None
    rdf: list[str] = field(default_factory=list)
    rdf_inline: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    sh_before: str | None = None
    sh_after: str | None = None
    body_line: int = 1


@dataclass
class Hook:
    """A shell command a template asks to run around its write."""

    template: Path
    when: str
    command: str


def discover(manifest: Manifest) -> list[FrontMatter]:
    """Every template with front matter under ``[templates] dir``, sorted."""
    folder = manifest.templates_dir
    if folder is None:
        return []
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parsed = parse(path)
        if parsed is not None:
            found.append(parsed)
    return found


def parse(path: Path) -> FrontMatter | None:
    """The front matter of ``path``, or None when it has none (a partial)."""
    import yaml

    text = read_text(path, TemplateError)
    match = _FENCE.match(text)
    if match is None:
        return None
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise TemplateError(
            f"front matter is not valid YAML: {exc}",
            Location(path, line),
            hint="fix the YAML between the --- lines",
        ) from None
    if not isinstance(data, dict):
        raise TemplateError("front matter must be a YAML mapping", Location(path, 2))
    _check_keys(data, path, match.group(1))
    if not isinstance(data.get("to"), str) or not data["to"].strip():
        raise TemplateError(
            "front matter needs `to:` (the output path)",
            Location(path, 1),
            hint='add a line like: to: "src/{{ name }}.rs"',
        )
    body = text[match.end() :]
    body_line = text[: match.end()].count("\n") + 1
    if isinstance(data.get("from"), str):
        source = path.parent / data["from"]
        if not source.is_file():
            raise TemplateError(
                f"`from:` names a missing file: {data['from']}", Location(path, 1)
            )
        body, body_line = read_text(source, TemplateError), 1
    return FrontMatter(
        path=path,
        to=data["to"],
        body=body,
        body_line=body_line,
        sparql=_queries(data.get("sparql"), path),
        for_each=_opt_str(data, "for_each"),
        when=_opt_str(data, "when"),
        skip_empty=_flag(data, "skip_empty", path),
        unless_exists=_flag(data, "unless_exists", path),
        force=_flag(data, "force", path),
        skip_if=_opt_str(data, "skip_if"),
        inject=_flag(data, "inject", path),
        before=_opt_str(data, "before"),
        after=_opt_str(data, "after"),
        at_line=int(data["at_line"]) if data.get("at_line") is not None else None,
        rdf=_str_list(data.get("rdf")),
        rdf_inline=_str_list(data.get("rdf_inline")),
        prefixes={str(k): str(v) for k, v in (data.get("prefixes") or {}).items()},
        base=_opt_str(data, "base"),
        sh_before=_opt_str(data, "sh_before") or _opt_str(data, "sh"),
        sh_after=_opt_str(data, "sh_after"),
    )


def _check_keys(data: dict[str, Any], path: Path, block: str) -> None:
    for key in data:
        if key in USED_KEYS:
            continue
        if key in IGNORED_KEYS:
            log.info("%s: front matter key `%s` is ignored", path, key)
            continue
        close = difflib.get_close_matches(str(key), sorted(USED_KEYS), n=1)
        line = next(
            (
                n + 2
                for n, text in enumerate(block.splitlines())
                if text.startswith(f"{key}:")
            ),
            None,
        )
        raise TemplateError(
            f"unknown front matter key `{key}`",
            Location(path, line),
            hint=f"did you mean `{close[0]}`?"
            if close
            else "known keys: " + ", ".join(sorted(USED_KEYS)),
        )


def _flag(data: dict[str, Any], key: str, path: Path) -> bool:
    """A true/false key; anything else (``"false"`` in quotes) is an error."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise TemplateError(
            f"front matter `{key}` must be true or false, not {value!r}",
            Location(path, 1),
            hint=f"write `{key}: true` or `{key}: false`, without quotes",
        )
    return value


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _queries(value: Any, path: Path) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"default": value}
    if isinstance(value, list):
        return {f"query_{i}": str(q) for i, q in enumerate(value)}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    raise TemplateError(
        "`sparql:` must be a query, a list of queries, or a map", Location(path, 1)
    )


def render_all(
    manifest: Manifest,
    graph: Graph,
    engine: TemplateEngine,
    templates: list[FrontMatter],
) -> tuple[list[RenderedFile], list[Hook]]:
    """Render every front-matter template; errors of all templates together."""
    files: list[RenderedFile] = []
    hooks: list[Hook] = []
    problems = []
    for fm in templates:
        try:
            rendered = render_one(manifest, graph, engine, fm)
        except TemplateError as exc:
            problems.extend(exc.problems)
            continue
        files.extend(rendered)
        if rendered:
            hooks.extend(
                Hook(fm.path, when, cmd)
                for when, cmd in (("before", fm.sh_before), ("after", fm.sh_after))
                if cmd
            )
    if problems:
        raise TemplateError(problems)
    return files, hooks


def rule_name(manifest: Manifest, fm: FrontMatter) -> str:
    """The name a front-matter template goes by in the record and messages."""
    return "template:" + fm.path.relative_to(manifest.root).as_posix()


def render_one(
    manifest: Manifest, graph: Graph, engine: TemplateEngine, fm: FrontMatter
) -> list[RenderedFile]:
    """The files one front-matter template produces."""
    active = _overlay(graph, fm) if fm.rdf or fm.rdf_inline else graph
    where = Location(fm.path)
    name = rule_name(manifest, fm)
    if fm.when and not bool(run_query(active, fm.when, f"{name} (when)", where, "ASK")):
        return []
    named = {
        key: _run_named(active, query, f"{name} sparql `{key}`", where)
        for key, query in sorted(fm.sparql.items())
    }
    rows = _driver(named, fm)
    base: dict[str, Any] = {**named, "results": rows, "sparql_results": rows}
    if "{{" in fm.to or "{%" in fm.to:
        contexts = [{**base, **row, "row": row} for row in rows]
        if not rows and not fm.skip_empty:
            log.warning("%s: its query returned no rows, so it wrote nothing", name)
    elif fm.for_each:
        contexts = [{**base, **row, "row": row} for row in rows]
        body = "".join(_render_body(engine, fm, c) for c in contexts)
        return _emit(manifest, engine, fm, base, body, name)
    else:
        contexts = [base]
    out: list[RenderedFile] = []
    for context in contexts:
        body = _render_body(engine, fm, context)
        out.extend(_emit(manifest, engine, fm, context, body, name))
    return out


def _run_named(graph: Graph, query: str, what: str, where: Location) -> Any:
    from ggen.graph import query_kind

    kind = query_kind(query)
    if kind == "ASK":
        return bool(run_query(graph, query, what, where, "ASK"))
    if kind == "CONSTRUCT":
        triples = run_query(graph, query, what, where, "CONSTRUCT")
        return [
            Row(
                subject=_term(t.subject),
                predicate=_term(t.predicate),
                object=_term(t.object),
            )
            for t in triples
        ]
    result = run_query(graph, query, what, where, "SELECT")
    return rows_from(result, query, graph.decimals)


def _term(term: Any) -> str:
    return str(getattr(term, "value", term))


def _driver(named: dict[str, Any], fm: FrontMatter) -> list[Row]:
    if fm.for_each is None:
        return next((v for v in named.values() if isinstance(v, list)), [])
    if fm.for_each not in named:
        raise TemplateError(
            f"`for_each: {fm.for_each}` names no query in `sparql:`",
            Location(fm.path, 1),
            hint=f"queries here: {', '.join(sorted(named)) or '(none)'}",
        )
    value = named[fm.for_each]
    if not isinstance(value, list):
        raise TemplateError(
            f"`for_each: {fm.for_each}` must name a SELECT query", Location(fm.path, 1)
        )
    return value


def _render_body(
    engine: TemplateEngine, fm: FrontMatter, context: dict[str, Any]
) -> str:
    from ggen.render import valid_utf8

    try:
        return valid_utf8(
            engine.render_string(fm.body, context, name=str(fm.path)), fm.path
        )
    except TemplateError as exc:
        # The body starts below the front matter: report lines of the file.
        for problem in exc.problems:
            loc = problem.location
            if loc is not None and loc.line is not None and fm.body_line > 1:
                problem.location = Location(
                    loc.path, loc.line + fm.body_line - 1, loc.column
                )
        raise


def _emit(
    manifest: Manifest,
    engine: TemplateEngine,
    fm: FrontMatter,
    context: dict[str, Any],
    body: str,
    name: str,
) -> list[RenderedFile]:
    rel = engine.render_string(fm.to, context, name=f"{fm.path} (to:)").strip()
    if not rel:
        raise TemplateError(
            "`to:` rendered to an empty path",
            Location(fm.path, 1),
            hint="check the variables used in to:",
        )
    if fm.skip_empty and not body.strip():
        return []
    target = manifest.output_dir / rel
    existing = target.read_text("utf-8", "replace") if target.is_file() else None
    mode = "Overwrite"
    if fm.unless_exists or (
        fm.skip_if and existing is not None and re.search(fm.skip_if, existing, re.M)
    ):
        mode = "IfMissing"
    if fm.inject:
        if existing is None:
            log.warning(
                "%s: inject target %s does not exist; nothing injected", name, rel
            )
            return []
        body, mode = inject(existing, body, fm), "Inject"
    return [
        RenderedFile(
            str(target),
            body
            if mode == "Inject" or manifest.final_newline != "single"
            else end_with_one_newline(body),
            name,
            mode=mode,
            template=str(fm.path),
            force=fm.force,
        )
    ]


def inject(existing: str, snippet: str, fm: FrontMatter) -> str:
    """``existing`` with ``snippet`` inserted once where the front matter says."""
    if snippet.strip() and snippet.strip() in existing:
        return existing
    if not snippet.endswith("\n"):
        snippet += "\n"
    lines = existing.splitlines(keepends=True)
    index = len(lines)
    if fm.at_line is not None:
        index = max(0, min(len(lines), fm.at_line - 1))
    elif fm.before is not None or fm.after is not None:
        needle = fm.before if fm.before is not None else fm.after
        hit = next(
            (i for i, line in enumerate(lines) if needle and needle in line), None
        )
        if hit is None:
            raise TemplateError(
                f"inject: no line contains {needle!r}",
                Location(fm.path, 1),
                hint="fix `before:`/`after:` or the target file",
            )
        index = hit if fm.before is not None else hit + 1
    if index == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join([*lines[:index], snippet, *lines[index:]])


def _rdf_path(fm: FrontMatter, graph: Graph, rel: str) -> Path:
    """An ``rdf:`` file: beside the template, else beside the ontology."""
    beside = fm.path.parent / rel
    if beside.is_file() or not graph.files:
        return beside
    return graph.files[0].path.parent / rel


def _overlay(graph: Graph, fm: FrontMatter) -> Graph:
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(graph.store.quads_for_pattern(None, None, None, None))
    overlay = Graph(
        store=store,
        files=graph.files,
        prefixes=dict(graph.prefixes),
        allow_service=graph.allow_service,
    )
    header = "".join(
        f"@prefix {p}: <{iri}> .\n"
        for p, iri in sorted({**graph.prefixes, **fm.prefixes}.items())
    )
    base = fm.base or fm.path.resolve().as_uri()
    sources: list[tuple[Path, str | None]] = [
        (_rdf_path(fm, graph, rel), None) for rel in fm.rdf
    ]
    sources += [(fm.path, text) for text in fm.rdf_inline]
    for path, text in sources:
        fmt = FORMATS.get(path.suffix.lower(), "TURTLE") if text is None else "TURTLE"
        data = (
            header + (text if text is not None else read_text(path, TemplateError))
        ).encode()
        try:
            store.extend(
                ox.parse(data, format=getattr(ox.RdfFormat, fmt), base_iri=base)
            )
        except (SyntaxError, OSError) as exc:
            raise TemplateError(
                f"extra RDF of this template: {exc}", Location(path)
            ) from None
    return overlay
