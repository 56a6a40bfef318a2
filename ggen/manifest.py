"""Stage 0: read ``ggen.toml`` into typed values with every path resolved.

The keys are those of the Rust ggen's v6 manifest. Keys that some version of the
Rust ggen reads but that we do not use are accepted and reported as ignored (shown
under ``-v``); any other key is treated as a typo and named together with the
closest known key. Files the manifest names that do not exist are reported all at
once, before any work starts.

Known limitations: ``[[packs]]`` and template sources of the ``git``/``package``/
``pack`` forms are accepted by the parser but not fetched; a rule that uses one is
an error, because fetching would need network access.
"""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ggen.errors import GgenError, Location, ManifestError, Problem

log = logging.getLogger(__name__)

MANIFEST_NAME = "ggen.toml"


@dataclass(frozen=True)
class TextSource:
    """A query or template given inline or as a file.

    ``file`` may itself contain ``{{ }}``: it is then rendered per row, which lets
    one rule pick a template by the row's values (the job-queue backends do).
    """

    inline: str | None = None
    file: Path | None = None
    raw_file: str | None = None
    line: int | None = None  # where an inline text starts in ggen.toml

    @property
    def is_templated_path(self) -> bool:
        """True when the file path is rendered per row."""
        return self.raw_file is not None and "{{" in self.raw_file

    def describe(self) -> str:
        """A short name for messages: the file path, or ``<inline>``."""
        return str(self.raw_file) if self.raw_file is not None else "<inline>"

    def read(self) -> str:
        """The text, from the inline value or the file."""
        if self.inline is not None:
            return self.inline
        assert self.file is not None
        return read_text(self.file)


@dataclass(frozen=True)
class InferenceRule:
    """A SPARQL CONSTRUCT whose triples are added to the graph."""

    name: str
    construct: TextSource
    order: int = 0
    when: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class GenerationRule:
    """A SELECT, a template and an output path pattern."""

    name: str
    query: TextSource
    template: TextSource
    output_file: str
    mode: str = "Create"
    skip_empty: bool = False
    when: str | None = None

    @property
    def per_row(self) -> bool:
        """True when the output path is rendered once per row."""
        return "{{" in self.output_file or "{%" in self.output_file


@dataclass(frozen=True)
class AskRule:
    """A SPARQL ASK that reports a violation when it is true."""

    name: str
    ask: str
    severity: str = "Error"
    description: str | None = None


@dataclass
class Manifest:
    """A parsed ``ggen.toml``: everything the pipeline needs, paths resolved."""

    path: Path
    root: Path
    name: str
    version: str | None
    description: str | None
    source: Path
    imports: list[Path]
    base_iri: str | None
    prefixes: dict[str, str]
    inference: list[InferenceRule]
    output_dir: Path
    require_audit_trail: bool
    rules: list[GenerationRule]
    shacl: list[Path]
    ask_rules: list[AskRule]
    templates_dir: Path | None = None
    allow_service: bool = False
    final_newline: str = "keep"
    ignored_keys: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def input_files(self) -> list[Path]:
        """Every file the manifest reads, for hashing and the audit."""
        files = [self.path, self.source, *self.imports, *self.shacl]
        for irule in self.inference:
            if irule.construct.file is not None:
                files.append(irule.construct.file)
        for rule in self.rules:
            for src in (rule.query, rule.template):
                if src.file is not None and not src.is_templated_path:
                    files.append(src.file)
        return list(dict.fromkeys(files))


# The schema: for each table, its known keys. ``USED`` keys are read; ``IGNORED``
# keys are those other versions of the Rust ggen read, accepted and reported.
USED: dict[str, set[str]] = {
    "": {"project", "ontology", "inference", "generation", "validation", "templates"},
    "project": {"name", "version", "description"},
    "ontology": {"source", "imports", "base_iri", "prefixes"},
    "inference": {"rules"},
    "inference.rules": {"name", "construct", "order", "when", "description"},
    "generation": {
        "output_dir",
        "require_audit_trail",
        "rules",
        "allow_service",
        "final_newline",
    },
    "generation.rules": {
        "name",
        "query",
        "template",
        "output_file",
        "mode",
        "skip_empty",
        "when",
    },
    "validation": {"shacl", "rules"},
    "validation.rules": {"name", "ask", "severity", "description"},
    "templates": {"dir"},
}
IGNORED: dict[str, set[str]] = {
    "": {
        "packs",
        "law",
        "sync",
        "output",
        "rdf",
        "ai",
        "sparql",
        "lifecycle",
        "security",
        "performance",
        "logging",
        "telemetry",
        "features",
        "env",
        "build",
        "test",
        "package",
        "mcp",
        "marketplace",
        "metadata",
    },
    "project": {"authors", "license", "repository", "homepage", "keywords"},
    "ontology": {"standard_only", "schema", "format", "files", "inline"},
    "inference": {"max_reasoning_timeout_ms", "enabled"},
    "generation": {
        "max_sparql_timeout_ms",
        "determinism_salt",
        "enable_llm",
        "llm_provider",
        "llm_model",
        "templates_dir",
        "incremental",
    },
    "validation": {"gates", "validate_syntax", "no_unsafe", "strict_mode"},
    "templates": {"engine", "extensions", "patterns", "includes", "vars"},
}
# Tables whose contents are free-form (user data), never checked key by key.
FREE_FORM = {"ontology.prefixes"}
MODES = {"create": "Create", "overwrite": "Overwrite", "merge": "Merge"}


def read_text(path: Path, error: type[GgenError] = ManifestError) -> str:
    """Read a UTF-8 text file, turning decoding errors into a clear message."""
    return decode_utf8(path, path.read_bytes(), error)


def decode_utf8(
    path: Path,
    data: bytes,
    error: type[GgenError] = ManifestError,
    hint: str = "save the file as UTF-8",
) -> str:
    """``data`` as text, or ``error`` naming the line and column of a bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            Location(path, line, col),
            hint=hint,
        ) from None


def find_manifest(start: Path) -> Path:
    """The manifest at ``start`` (a file) or in ``start`` (a folder)."""
    path = start / MANIFEST_NAME if start.is_dir() else start
    if not path.is_file():
        raise ManifestError(
            f"no {MANIFEST_NAME} found",
            Location(path),
            hint="run ggen in a project folder, pass --manifest PATH, "
            "or create a project with `ggen init`",
        )
    return path


def load_manifest(path: Path) -> Manifest:
    """Parse and check the manifest at ``path``."""
    path = find_manifest(path).resolve()
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(path, text, exc) from None
    problems: list[Problem] = []
    ignored: list[str] = []
    _check_keys(data, "", path, text, problems, ignored)
    problems.extend(_check_types(data, path, text))
    if problems:
        raise ManifestError(problems)
    if ignored:
        # Said before any later stage can fail, so -v shows it on every run.
        log.info(
            "ignored manifest keys (read by some Rust ggen version, not used here): %s",
            ", ".join(ignored),
        )
    manifest = _build(path, data, text, ignored)
    _check_files(manifest, text)
    return manifest


def _toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ManifestError:
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    line = int(match.group(1)) if match else None
    col = int(match.group(2)) if match else None
    message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
    excerpt = (
        text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else None
    )
    return ManifestError(
        f"not valid TOML: {message}",
        Location(path, line, col),
        hint="fix the TOML syntax at that position",
        excerpt=excerpt,
    )


# The type each key must have; a tuple allows several. Checked before use, so a
# wrong type is one clear message instead of a surprise later.
TYPES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "project": {"name": str, "version": str, "description": str},
    "ontology": {"source": str, "imports": list, "base_iri": str, "prefixes": dict},
    "inference": {"rules": list},
    "inference.rules": {
        "name": str,
        "construct": (str, dict),
        "order": int,
        "when": str,
        "description": str,
    },
    "generation": {
        "output_dir": str,
        "require_audit_trail": bool,
        "rules": list,
        "allow_service": bool,
        "final_newline": str,
    },
    "generation.rules": {
        "name": str,
        "query": (str, dict),
        "template": (str, dict),
        "output_file": str,
        "mode": str,
        "skip_empty": bool,
        "when": str,
    },
    "validation": {"shacl": list, "rules": list},
    "validation.rules": {"name": str, "ask": str, "severity": str, "description": str},
    "templates": {"dir": str},
}
_TYPE_WORDS = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    list: "a list [...]",
    dict: "a table {...}",
}


def _check_types(data: dict[str, Any], path: Path, text: str) -> list[Problem]:
    """Every key whose value has the wrong type, located in its own table."""
    problems: list[Problem] = []

    def visit(table: str, values: dict[str, Any], index: int) -> None:
        for key, expected in TYPES.get(table, {}).items():
            if key not in values:
                continue
            value = values[key]
            kinds = expected if isinstance(expected, tuple) else (expected,)
            ok = isinstance(value, kinds) and not (
                isinstance(value, bool) and bool not in kinds
            )
            if ok and isinstance(value, list) and key in ("imports", "shacl"):
                ok = all(isinstance(item, str) for item in value)
            if not ok:
                words = " or ".join(_TYPE_WORDS[k] for k in kinds)
                problems.append(
                    Problem(
                        f"`{key}` in [{table}] must be {words}, not {value!r}",
                        Location(path, locate(text, table, key, index)),
                        hint=f"write it as {words}",
                    )
                )
        for key, value in values.items():
            child = f"{table}.{key}" if table else key
            if isinstance(value, dict) and child in TYPES:
                visit(child, value, 0)
            elif isinstance(value, list) and child in TYPES:
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        visit(child, item, i)

    visit("", data, 0)
    return problems


def locate(text: str, table: str, key: str, index: int = 0) -> int | None:
    """The line of ``key`` inside the ``index``-th ``[table]``/``[[table]]``.

    Falls back to the first line that names the key anywhere.
    """
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    current, seen = "", -1
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        match = header.match(line)
        if match:
            current = match.group(1)
            if current == table:
                seen += 1
            continue
        if current == table and seen == index and pattern.match(line):
            return number
    return key_line(text, key)


def key_line(text: str, key: str) -> int | None:
    """The first line on which ``key`` appears as a TOML key, for messages."""
    pattern = re.compile(rf"^\s*(\[+\s*)?[\w.\"']*\b{re.escape(key)}\b")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _check_keys(
    data: dict[str, Any],
    table: str,
    path: Path,
    text: str,
    problems: list[Problem],
    ignored: list[str],
    index: int = 0,
) -> None:
    known = USED.get(table, set()) | IGNORED.get(table, set())
    for key, value in data.items():
        dotted = f"{table}.{key}" if table else key
        if key in IGNORED.get(table, set()):
            ignored.append(dotted)
            continue
        if table in USED and key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.5)
            where = f"[{table}]" if table else "the top level"
            if table.endswith(".rules") and "name" in data:
                where += f" (rule `{data['name']}`)"
            hint = (
                f"did you mean `{close[0]}`?"
                if close
                else (f"known keys in {where}: {', '.join(sorted(known))}")
            )
            problems.append(
                Problem(
                    f"unknown key `{key}` in {where}",
                    Location(path, locate(text, table, key, index)),
                    hint=hint,
                )
            )
            continue
        if dotted in FREE_FORM:
            continue
        if isinstance(value, dict) and dotted in USED:
            _check_keys(value, dotted, path, text, problems, ignored)
        elif isinstance(value, list) and dotted in USED:
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    _check_keys(item, dotted, path, text, problems, ignored, i)


def _need(data: dict[str, Any], table: str, key: str, path: Path, text: str) -> Any:
    if key not in data:
        raise ManifestError(
            f"missing required key `{key}` in [{table}]",
            Location(path, key_line(text, table.split(".")[-1])),
            hint=f"add `{key} = ...` to the [{table}] table",
        )
    return data[key]


def _expect(
    value: Any, kind: type | tuple[type, ...], what: str, path: Path, text: str
) -> Any:
    if not isinstance(value, kind):
        names = (
            kind.__name__
            if isinstance(kind, type)
            else " or ".join(k.__name__ for k in kind)
        )
        raise ManifestError(
            f"`{what}` must be a {names}, not {type(value).__name__}",
            Location(path, key_line(text, what.split(".")[-1])),
        )
    return value


def _source(value: Any, what: str, root: Path, path: Path, text: str) -> TextSource:
    if isinstance(value, str):
        return TextSource(inline=value)
    if isinstance(value, dict):
        if "inline" in value and isinstance(value["inline"], str):
            return TextSource(inline=value["inline"])
        if "file" in value and isinstance(value["file"], str):
            raw = value["file"]
            return TextSource(file=(root / raw), raw_file=raw)
        if {"git", "package", "pack"} & set(value):
            raise ManifestError(
                f"`{what}` uses a remote source ({', '.join(sorted(value))})",
                Location(path, key_line(text, what.split(".")[-1])),
                hint="remote template sources need network access, which ggen "
                "does not use; copy the file into the project and use `file =`",
            )
    raise ManifestError(
        f'`{what}` must be {{ file = "..." }} or {{ inline = "..." }}',
        Location(path, key_line(text, what.split(".")[-1])),
    )


def _inline_start(text: str, line: int | None) -> int | None:
    """The line an inline value's text starts on, given its key's line.

    TOML drops a newline right after an opening triple quote, so such text
    starts on the next line.
    """
    if line is None:
        return None
    source = text.splitlines()[line - 1].rstrip()
    return line + 1 if source.endswith(('"""', "'''")) else line


def _mode(value: Any, rule: str, path: Path, line: int | None) -> str:
    if isinstance(value, str) and value.lower() in MODES:
        return MODES[value.lower()]
    raise ManifestError(
        f"rule `{rule}`: mode {value!r} is not one of Create, Overwrite, Merge",
        Location(path, line),
        hint='use mode = "Create" (the default), "Overwrite" or "Merge"',
    )


def _build(path: Path, data: dict[str, Any], text: str, ignored: list[str]) -> Manifest:
    root = path.parent
    project = _expect(
        _need(data, "", "project", path, text), dict, "project", path, text
    )
    onto = _expect(
        _need(data, "", "ontology", path, text), dict, "ontology", path, text
    )
    generation = _expect(data.get("generation", {}), dict, "generation", path, text)
    validation = _expect(data.get("validation", {}), dict, "validation", path, text)
    inference = _expect(data.get("inference", {}), dict, "inference", path, text)
    templates = _expect(data.get("templates", {}), dict, "templates", path, text)

    name = _expect(
        _need(project, "project", "name", path, text), str, "name", path, text
    )
    source = _expect(
        _need(onto, "ontology", "source", path, text), str, "source", path, text
    )
    imports = _expect(onto.get("imports", []), list, "imports", path, text)
    prefixes = _expect(onto.get("prefixes", {}), dict, "prefixes", path, text)

    irules = [
        InferenceRule(
            name=str(_need(r, "inference.rules", "name", path, text)),
            construct=_source(
                _need(r, "inference.rules", "construct", path, text),
                "construct",
                root,
                path,
                text,
            ),
            order=int(r.get("order", 0)),
            when=r.get("when"),
            description=r.get("description"),
        )
        for r in _expect(inference.get("rules", []), list, "rules", path, text)
    ]
    irules.sort(key=lambda r: r.order)  # stable: equal orders keep file order

    rules = [
        _generation_rule(r, index, root, path, text)
        for index, r in enumerate(
            _expect(generation.get("rules", []), list, "rules", path, text)
        )
    ]
    _check_unique(rules, path, text)

    ask_rules = [
        AskRule(
            name=str(_need(r, "validation.rules", "name", path, text)),
            ask=str(_need(r, "validation.rules", "ask", path, text)),
            severity=_severity(r.get("severity", "Error"), path, text),
            description=r.get("description"),
        )
        for r in _expect(validation.get("rules", []), list, "rules", path, text)
    ]
    tdir = templates.get("dir")
    return Manifest(
        path=path,
        root=root,
        name=name,
        version=project.get("version"),
        description=project.get("description"),
        source=root / source,
        imports=[root / str(i) for i in imports],
        base_iri=onto.get("base_iri"),
        prefixes={str(k): str(v) for k, v in prefixes.items()},
        inference=irules,
        output_dir=root / str(generation.get("output_dir", ".")),
        require_audit_trail=bool(generation.get("require_audit_trail", False)),
        rules=rules,
        shacl=[root / str(s) for s in validation.get("shacl", [])],
        ask_rules=ask_rules,
        templates_dir=(root / str(tdir)) if tdir else None,
        allow_service=bool(generation.get("allow_service", False)),
        final_newline=_final_newline(
            generation.get("final_newline", "keep"), path, text
        ),
        ignored_keys=ignored,
        raw=data,
    )


def _final_newline(value: Any, path: Path, text: str) -> str:
    if value in ("single", "keep"):
        return str(value)
    raise ManifestError(
        f'final_newline {value!r} is not "single" or "keep"',
        Location(path, key_line(text, "final_newline")),
        hint='"keep" (the default) writes exactly what the template renders; '
        '"single" drops blank lines at the end of every generated file',
    )


def _generation_rule(
    r: Any, index: int, root: Path, path: Path, text: str
) -> GenerationRule:
    r = _expect(r, dict, "generation.rules", path, text)
    table = "generation.rules"
    missing = [k for k in ("name", "query", "template", "output_file") if k not in r]
    if missing:
        label = f"`{r['name']}`" if "name" in r else f"number {index + 1}"
        raise ManifestError(
            f"generation rule {label} has no `{missing[0]}`",
            Location(path, locate(text, table, "name", index)),
            hint=f"add `{missing[0]} = ...` to that [[generation.rules]] entry",
        )
    name = str(r["name"])
    output = str(r["output_file"])
    if not output.strip():
        raise ManifestError(
            f"rule `{name}`: output_file is empty",
            Location(path, locate(text, table, "output_file", index)),
            hint='give the path to write, e.g. output_file = "src/{{ name }}.rs"',
        )
    query = _source(r["query"], "query", root, path, text)
    if query.inline is not None:
        start = _inline_start(text, locate(text, table, "query", index))
        query = TextSource(inline=query.inline, line=start)
    return GenerationRule(
        name=name,
        query=query,
        template=_source(
            _need(r, "generation.rules", "template", path, text),
            "template",
            root,
            path,
            text,
        ),
        output_file=output,
        mode=_mode(
            r.get("mode", "Create"), name, path, locate(text, table, "mode", index)
        ),
        skip_empty=bool(r.get("skip_empty", False)),
        when=r.get("when"),
    )


def _severity(value: Any, path: Path, text: str) -> str:
    if isinstance(value, str) and value.lower() in {"error", "warning"}:
        return value.capitalize()
    raise ManifestError(
        f"severity {value!r} is not Error or Warning",
        Location(path, key_line(text, "severity")),
    )


def _check_unique(rules: list[GenerationRule], path: Path, text: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise ManifestError(
                f"two generation rules are named `{rule.name}`",
                Location(path, key_line(text, "name")),
                hint="give every [[generation.rules]] entry its own name",
            )
        seen.add(rule.name)


def _check_files(manifest: Manifest, text: str) -> None:
    """Report every missing input file at once."""
    problems = []
    for file in manifest.input_files():
        if not file.is_file():
            rel = _rel(file, manifest.root)
            problems.append(
                Problem(
                    f"file not found: {rel}",
                    Location(manifest.path, key_line(text, _key_for(manifest, file))),
                    hint="fix the path (it is relative to the folder of ggen.toml) "
                    "or create the file",
                )
            )
    if manifest.templates_dir is not None and not manifest.templates_dir.is_dir():
        problems.append(
            Problem(
                "templates folder not found: "
                + _rel(manifest.templates_dir, manifest.root),
                Location(manifest.path, key_line(text, "dir")),
            )
        )
    if problems:
        raise ManifestError(problems)


def _key_for(manifest: Manifest, file: Path) -> str:
    if file == manifest.source:
        return "source"
    if file in manifest.imports:
        return "imports"
    if file in manifest.shacl:
        return "shacl"
    return file.name


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
