"""The whole of ``ggen sync``: manifest in, plan out, then apply or compare.

:func:`generate` runs every stage up to the plan and touches nothing on disk;
:func:`sync` applies the plan (or, for ``--check`` and ``--dry-run``, reports
it). The CLI is a thin shell over :func:`sync`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from ggen.audit import RunFacts, build_audit, write_audit
from ggen.drift import Drift, failing, find_drift
from ggen.errors import (
    Interrupted,
    Location,
    Problem,
    RefusedWrite,
    TimeoutExpired,
    UsageError,
    ValidationFailed,
    WriteError,
    signal_pending,
)
from ggen.graph import Graph, load_graph
from ggen.incremental import (
    RenderCache,
    State,
    file_stats,
    fingerprint,
    load_cache,
    load_state,
    outputs_intact,
    record_sha,
    relative_templates,
    save_state,
)
from ggen.infer import InferenceResult, infer
from ggen.inputs import (
    audited_changes,
    canonical_manifest_hash,
    input_files,
    input_hashes,
)
from ggen.manifest import GenerationRule, Manifest, load_manifest
from ggen.model import RenderedFile
from ggen.plan import (
    Action,
    Plan,
    PlannedFile,
    check_paths,
    make_plan,
    next_record,
    project_root,
)
from ggen.record import (
    RECORD_PATH,
    Record,
    bytes_sha,
    load_record,
    record_bytes,
    sha256,
)
from ggen.validate import ValidationReport, validate
from ggen.write import (
    WriteOutcome,
    apply_plan,
    atomic_write,
    project_lock,
    signals_deferred,
    unwritable,
)

if TYPE_CHECKING:  # rendering pulls in Jinja2: imported when a run renders
    from ggen.frontmatter import Hook
    from ggen.render import RuleOutcome
    from ggen.templating import TemplateEngine

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class SyncOptions:
    """Everything ``ggen sync`` can be asked to do."""

    manifest: Path = Path(".")
    audit: bool = False
    dry_run: bool = False
    check: bool = False
    force: bool = False
    rules: tuple[str, ...] = ()
    strict_eol: bool = False
    timeout: float | None = None
    allow_hooks: bool = False


class Reporter(Protocol):
    """Receives progress as the pipeline goes; the CLI prints it."""

    def stage(self, number: int, title: str, detail: str) -> None:
        """A stage finished."""

    def file(self, planned: PlannedFile) -> None:
        """A file was planned (dry run, check) or applied."""

    def warning(self, text: str) -> None:
        """Something the user should know that does not stop the run."""

    def violations(self, report: ValidationReport) -> None:
        """The validation report, when it holds violations."""


class SilentReporter:
    """A reporter that logs instead of printing, for library use."""

    def stage(self, number: int, title: str, detail: str) -> None:
        """Log the stage."""
        log.info("[%d] %s %s", number, title, detail)

    def file(self, planned: PlannedFile) -> None:
        """Log the file."""
        log.info("%s %s", planned.action.value, planned.rel)

    def warning(self, text: str) -> None:
        """Log the warning."""
        log.warning("%s", text)

    def violations(self, report: ValidationReport) -> None:
        """Log each violation."""
        for v in report.violations:
            log.warning("%s %s %s %s", v.severity, v.focus, v.path, v.message)


@dataclass
class Generation:
    """Everything :func:`generate` learned, up to the plan."""

    manifest: Manifest
    graph: Graph
    validation: ValidationReport
    inference: list[InferenceResult]
    outcomes: list[RuleOutcome]
    record: Record
    plan: Plan
    facts: RunFacts
    inputs: dict[str, str] = field(default_factory=dict)
    rule_inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    hooks: list[Hook] = field(default_factory=list)
    cache: RenderCache | None = None
    rendered: list[RenderedFile] = field(default_factory=list)
    rules_run: set[str] = field(default_factory=set)
    record_sha: str = ""
    previous: State = field(default_factory=State)


@dataclass
class SyncResult:
    """What a sync did or, under --check / --dry-run, would do."""

    manifest: Manifest
    plan: Plan
    validation: ValidationReport
    drift: list[Drift] = field(default_factory=list)
    failing_drift: list[Drift] = field(default_factory=list)
    written: set[str] = field(default_factory=set)
    audit_path: Path | None = None
    durations_ms: dict[str, int] = field(default_factory=dict)
    triples: int = 0


class _Deadline(BaseException):
    """Raised by the timer; a BaseException so no library swallows it."""


@contextlib.contextmanager
def _timer(facts: RunFacts, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        facts.durations_ms[stage] = round((time.perf_counter() - start) * 1000)
        log.debug("stage %s took %d ms", stage, facts.durations_ms[stage])


class _Watchdog:
    """Stops the run with exit 6 when ``--timeout`` seconds pass."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.current = "loading"
        self._old: Callable[[int, FrameType | None], object] | int | None = None

    def __enter__(self) -> _Watchdog:
        if self.seconds:
            try:
                self._old = signal.signal(signal.SIGALRM, self._fire)
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
            except ValueError:  # not the main thread: no timer
                self.seconds = None
        return self

    def _fire(self, _signum: int, _frame: FrameType | None) -> None:
        raise _Deadline()

    def cancel(self) -> None:
        """Stop the timer (before writing starts: writes are never cut short)."""
        if self.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old or signal.SIG_DFL)
            self.seconds = None

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def generate(
    manifest: Manifest,
    options: SyncOptions,
    reporter: Reporter,
    watchdog: _Watchdog,
    previous: State | None = None,
) -> Generation:
    """Run every stage up to the plan; nothing on disk changes.

    ``previous`` is what the last successful sync left in .ggen/state.json.
    """
    previous = previous or State()
    facts = RunFacts(manifest=manifest.path)
    rules = _selected_rules(manifest, options.rules)

    # Oxigraph parses in a second thread (it lets go of the GIL) while this
    # one reads the record and the render cache's figures.
    loading = _Background(
        lambda: load_graph(
            manifest.source, manifest.imports, manifest.base_iri, manifest.prefixes
        )
    )
    load_cache(previous)
    recorded = record_bytes(manifest.root)  # read once: hashed, then parsed
    planned_against = bytes_sha(recorded)
    record = load_record(manifest.root, recorded)
    graph = loading.result()
    facts.durations_ms["load"] = round(loading.seconds * 1000)
    graph.allow_service = manifest.allow_service
    facts.triples["loaded"] = len(graph)
    for f in graph.files:
        if f.triples == 0:
            reporter.warning(f"{f.path}: no triples (the file is empty)")
    watchdog.current = "inference"
    with _timer(facts, "infer"):
        inferred = infer(graph, manifest.inference, manifest.path)
    facts.triples["inferred"] = sum(r.added for r in inferred)
    facts.triples["total"] = len(graph)
    reporter.stage(1, "Loading ontology...", _load_detail(graph, inferred))

    # Validation runs in a second thread while the rules render: both mostly
    # wait on Oxigraph. Its verdict still comes first: a graph that fails is
    # reported as such, and nothing is planned or written until it is in.
    verdict = _Verdict(
        _Background(
            lambda: validate(graph, manifest.shacl, manifest.ask_rules, manifest.path)
        ),
        facts,
        watchdog,
        reporter,
    )
    from ggen.render import make_engine, render_rules

    engine = make_engine(manifest, graph)

    def on_rule(name: str) -> None:
        verdict.if_ready()  # no point rendering for a graph that fails
        watchdog.current = f"rule `{name}`"

    # The last sync's file figures vouch for its outputs only if the record on
    # disk is still the one that sync wrote.
    trusted = previous.record_sha == planned_against and bool(planned_against)
    try:
        with _timer(facts, "render"):
            # --force renders every file afresh (and remembers the renders).
            cache = RenderCache(
                {} if options.force else previous.renders,
                previous.stats if trusted else None,
                record.files if trusted else None,
                canonical_manifest_hash(manifest),
            )
            outcomes = render_rules(manifest, graph, engine, rules, on_rule, cache)
            hooks = _render_front_matter(manifest, graph, engine, options, outcomes)
    except Exception:
        if not verdict.reported:  # a failing graph comes before a rendering error
            verdict.wait()
        raise
    report = verdict.wait()
    rendered = [f for o in outcomes for f in o.files]
    reporter.stage(
        3,
        "Rendering templates...",
        f"✓ {len(rendered)} files from {len(outcomes)} rule(s)",
    )

    with _timer(facts, "plan"):
        check_paths(rendered, manifest.root, manifest.path)
        rules_run = {o.rule for o in outcomes} | {r.name for r in rules}
        if not options.rules:
            # A whole run owns every recorded file: those of a rule or template
            # that was removed are orphans too. (--rule runs own their rules'.)
            rules_run |= {e.rule for e in record.files.values()}
        plan = make_plan(rendered, record, manifest.root, rules_run, options.force)
    inputs, rule_inputs = input_hashes(manifest, graph, outcomes)
    facts.inputs = input_files(manifest, graph, outcomes)
    return Generation(
        manifest,
        graph,
        report,
        inferred,
        outcomes,
        record,
        plan,
        facts,
        inputs,
        rule_inputs,
        hooks,
        cache,
        rendered,
        rules_run,
        planned_against,
        previous,
    )


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the length of a run.

    A sync builds hundreds of thousands of long-lived objects (rows, files,
    record entries) and makes almost no reference cycles; the collector would
    walk them again and again and find nothing (about a second of a
    one-change sync at 50,000 files, with the same peak memory). It is
    switched back on, if it was on, when the run ends.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def sync(options: SyncOptions, reporter: Reporter | None = None) -> SyncResult:
    """Run ``ggen sync`` as ``options`` say; raise a GgenError on failure."""
    with collector_paused():
        return _sync(options, reporter)


def _sync(options: SyncOptions, reporter: Reporter | None) -> SyncResult:
    reporter = reporter or SilentReporter()
    manifest = load_manifest(options.manifest)
    state = load_state(manifest.root)
    shortcut = _unchanged_since_last_sync(manifest, options, reporter, state)
    if shortcut is not None:
        return shortcut
    with _Watchdog(options.timeout) as watchdog:
        try:
            gen = generate(manifest, options, reporter, watchdog, state)
        except _Deadline:
            in_rule = watchdog.current.startswith(("rule", "template"))
            raise TimeoutExpired(
                f"stopped after {options.timeout:g} s while running "
                f"{watchdog.current}; nothing was written",
                hint="look for a loop that does not end in that rule's template, "
                "or raise --timeout"
                if in_rule
                else "the inputs may be too large for this limit: raise --timeout",
            ) from None
        watchdog.cancel()
    result = SyncResult(
        gen.manifest,
        gen.plan,
        gen.validation,
        durations_ms=gen.facts.durations_ms,
        triples=len(gen.graph),
    )
    if options.check:
        result.drift = find_drift(
            gen.plan,
            gen.record,
            gen.inputs,
            gen.rule_inputs,
            audited_changes(gen.manifest),
        )
        result.failing_drift = failing(result.drift, options.strict_eol)
        return result
    for planned in gen.plan.files:
        if options.dry_run or planned.action.value in ("unchanged", "skip"):
            reporter.file(planned)
    if options.dry_run:
        _refuse_if_needed(gen.plan, dry_run=True)
        return result
    _refuse_if_needed(gen.plan, dry_run=False)
    for planned in gen.plan.by_action(Action.KEEP_EDITED):
        reporter.warning(f"kept {planned.rel}: {planned.reason}")
    return _apply(gen, options, reporter, result)


def _apply(
    gen: Generation, options: SyncOptions, reporter: Reporter, result: SyncResult
) -> SyncResult:
    # From here on SIGINT/SIGTERM are held: they stop the run between two
    # files, and the record, audit and state still describe what was written.
    with signals_deferred() as stop:
        if signal_pending():  # a KeyboardInterrupt that something swallowed
            raise Interrupted(
                "interrupted before anything was written; the disk is as it was",
                hint="run the command again",
            )
        outcome, record, saved_sha = _write_all(gen, options, reporter, stop)
        result.written = outcome.done
        counts = _applied_counts(gen.plan, outcome.done)
        mark = "✓" if outcome.error is None else "✗ stopped early:"
        reporter.stage(4, "Writing files...", _write_detail(counts, mark))
        if options.audit or gen.manifest.require_audit_trail:
            document = build_audit(gen.facts, gen.plan, outcome.done)
            result.audit_path = write_audit(gen.manifest.root, document)
            reporter.stage(5, "Audit:", _display(result.audit_path, gen.manifest.root))
        if outcome.error is not None:
            raise outcome.error
        _run_hooks(gen, options, reporter, "after")
        _remember(gen, options, outcome.figures, record, saved_sha)
        if stop():
            raise Interrupted(
                "interrupted after every file was written; the record is up to date",
                hint="nothing to redo",
            )
    return result


def _write_all(
    gen: Generation,
    options: SyncOptions,
    reporter: Reporter,
    stop: Callable[[], bool],
) -> tuple[WriteOutcome, Record, str]:
    """Replan under the lock, write the files, then the record.

    Returns what was applied, the record now on disk and the hash of its bytes
    ("" when there is no record file).
    """
    root = gen.manifest.root
    with project_lock(root), _timer(gen.facts, "write"):
        # Another sync may have written while this one rendered: then the
        # record changed, and the plan is made again against the disk as it is
        # now that the lock is ours.
        if record_sha(root) != gen.record_sha:
            _read_unread(gen.rendered)
            gen.record = load_record(root)
            gen.plan = make_plan(
                gen.rendered, gen.record, root, gen.rules_run, options.force
            )
        _refuse_if_needed(gen.plan, dry_run=False)
        problems = unwritable(gen.plan)
        if problems:
            raise WriteError(problems)
        _run_hooks(gen, options, reporter, "before")
        outcome = apply_plan(gen.plan, reporter.file, stop, project_root(root))
        record = next_record(gen.plan, gen.record, outcome.done)
        if outcome.error is None:
            record.inputs = gen.inputs
            record.rules = _merged_rule_hashes(gen, options)
        text = record.dumps().encode()
        if _record_changed(root, text, record, gen.plan):
            atomic_write(root / RECORD_PATH, text)
        saved_sha = sha256(text) if (root / RECORD_PATH).is_file() else ""
    return outcome, record, saved_sha


class _Background(Generic[T]):
    """A function run in a daemon thread; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            self._value = self._work()
        except BaseException as exc:  # raised again by result()
            self._error = exc
        self.seconds = time.perf_counter() - start

    def done(self) -> bool:
        """True when the work has finished."""
        return not self._thread.is_alive()

    def result(self) -> T:
        """The work's value, or its exception raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class _Verdict:
    """Validation running in the background, reported once when it is in."""

    def __init__(
        self,
        checking: _Background[ValidationReport],
        facts: RunFacts,
        watchdog: _Watchdog,
        reporter: Reporter,
    ) -> None:
        self._checking = checking
        self._facts, self._watchdog, self._reporter = facts, watchdog, reporter
        self._report: ValidationReport | None = None

    @property
    def reported(self) -> bool:
        """True once the verdict has been reported."""
        return self._report is not None

    def if_ready(self) -> None:
        """Report the verdict if it is in (raising if the graph fails)."""
        if self._report is None and self._checking.done():
            self.wait()

    def wait(self) -> ValidationReport:
        """Wait for the verdict; report it once; raise if the graph fails."""
        if self._report is not None:
            return self._report
        current = self._watchdog.current
        self._watchdog.current = "validation"
        report = self._checking.result()
        self._watchdog.current = current
        self._report = report
        self._facts.durations_ms["validate"] = round(self._checking.seconds * 1000)
        self._facts.validation = report
        for text in report.warnings:
            self._reporter.warning(text)
        _report_validation(report, self._reporter)  # raises if the graph fails
        return report


def _read_unread(rendered: list[RenderedFile]) -> None:
    """Read the outputs that rendering vouched for by their figures alone.

    Called when another sync wrote while this one rendered: the plan is made
    again from the bytes, and a file that changed meanwhile stops the run.
    """
    changed = []
    for f in rendered:
        if f.unread is None:
            continue
        try:
            data = f.path.read_bytes()
        except OSError:
            data = None
        if data is None or sha256(data) != f.unread.sha256:
            changed.append(
                Problem(
                    "changed by another run while this one was rendering",
                    Location(f.path),
                    hint="run ggen sync again",
                )
            )
            continue
        f.content, f.disk, f.unread = data.decode("utf-8"), data, None
    if changed:
        raise WriteError(changed)


def _render_front_matter(
    manifest: Manifest,
    graph: Graph,
    engine: TemplateEngine,
    options: SyncOptions,
    outcomes: list[RuleOutcome],
) -> list[Hook]:
    """Render the templates that carry their own rule; add them as outcomes."""
    from ggen.frontmatter import discover, render_all, rule_name
    from ggen.render import RuleOutcome

    templates = discover(manifest)
    if options.rules:
        templates = [t for t in templates if rule_name(manifest, t) in options.rules]
    files, hooks = render_all(manifest, graph, engine, templates)
    for fm in templates:
        name = rule_name(manifest, fm)
        mine = [f for f in files if f.rule == name]
        outcomes.append(RuleOutcome(name, len(mine), mine, templates=[fm.path]))
    return hooks


def _run_hooks(
    gen: Generation, options: SyncOptions, reporter: Reporter, when: str
) -> None:
    """Run the templates' sh_before / sh_after commands if --allow-hooks."""
    for hook in (h for h in gen.hooks if h.when == when):
        if not options.allow_hooks:
            reporter.warning(
                f"{hook.template}: skipped sh_{when} `{hook.command}` "
                "(template shell hooks run only with --allow-hooks)"
            )
            continue
        done = subprocess.run(
            hook.command, shell=True, cwd=gen.manifest.root, check=False
        )
        if done.returncode != 0:
            raise WriteError(
                f"sh_{when} of {hook.template} exited with "
                f"{done.returncode}: {hook.command}",
                Location(hook.template),
            )


def _options_key(options: SyncOptions) -> str:
    """The options that change what a sync produces."""
    return json.dumps({"rules": sorted(options.rules), "hooks": options.allow_hooks})


def _remember(
    gen: Generation,
    options: SyncOptions,
    written: dict[str, list[int]],
    record: Record,
    record_digest: str,
) -> None:
    """Save the state that lets the next run skip work when nothing changed."""
    root = gen.manifest.root
    used = [t for o in gen.outcomes for t in o.templates]
    templates = relative_templates(gen.manifest, used)
    key = fingerprint(gen.manifest, _options_key(options), templates)
    if gen.plan.by_action(Action.KEEP_EDITED):
        # A kept orphan must be reported by every run until it is resolved;
        # an empty fingerprint never matches, so no run takes the shortcut.
        key = ""
    stats = file_stats(record, gen.previous.stats, gen.plan.files, written)
    renders = gen.cache.current if gen.cache is not None else {}
    save_state(root, State(key, record_digest, templates, stats, renders))


def _unchanged_since_last_sync(
    manifest: Manifest, options: SyncOptions, reporter: Reporter, state: State
) -> SyncResult | None:
    """A no-op result when no input changed and every output is intact."""
    if options.force or options.audit or manifest.require_audit_trail:
        return None
    root = manifest.root
    recorded = record_bytes(root)  # read once: hashed, then parsed
    if not state.fingerprint or bytes_sha(recorded) != state.record_sha:
        return None
    key = fingerprint(manifest, _options_key(options), state.templates)
    if key != state.fingerprint:
        return None
    record = load_record(root, recorded)
    load_cache(state)
    if not outputs_intact(root, record, state):
        return None
    plan = Plan(
        [
            PlannedFile(
                rel,
                os.path.join(root, rel),
                Action.UNCHANGED,
                entry.rule,
                before_sha=entry.sha256,
                recorded_sha=entry.sha256,
            )
            for rel, entry in sorted(record.files.items())
        ]
    )
    reporter.stage(
        1,
        "Inputs unchanged since the last sync...",
        "✓ nothing to load, validate or render",
    )
    if options.dry_run:
        for planned in plan.files:
            reporter.file(planned)
    elif not options.check:
        reporter.stage(4, "Writing files...", _write_detail(plan.counts()))
    return SyncResult(manifest, plan, ValidationReport())


def _record_changed(root: Path, new: bytes, record: Record, plan: Plan) -> bool:
    path = root / RECORD_PATH
    if path.is_file():
        return path.read_bytes() != new
    return bool(record.files) or bool(plan.files)


def _refuse_if_needed(plan: Plan, dry_run: bool) -> None:
    refused = plan.refused
    if not refused:
        return
    names = "\n".join(f"  {p.rel}: {p.reason}" for p in refused)
    verb = "would refuse" if dry_run else "refused"
    raise RefusedWrite(
        f"{verb} to overwrite {len(refused)} file(s) changed outside ggen; "
        f"nothing was written:\n{names}",
        hint="keep your edits elsewhere (or in a Merge-mode manual section), or "
        "pass --force to overwrite them",
        data={
            "files": [
                {
                    "path": p.rel,
                    "rule": p.rule,
                    "action": p.action.value,
                    "reason": p.reason,
                }
                for p in refused
            ]
        },
    )


def _selected_rules(manifest: Manifest, names: tuple[str, ...]) -> list[GenerationRule]:
    if not names:
        return list(manifest.rules)
    known = {r.name for r in manifest.rules}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"no generation rule named {', '.join(f'`{n}`' for n in unknown)}",
            Location(manifest.path),
            hint=f"rules in this manifest: {', '.join(sorted(known)) or '(none)'}",
        )
    return [r for r in manifest.rules if r.name in names]


def _report_validation(report: ValidationReport, reporter: Reporter) -> None:
    if report.violations:
        reporter.violations(report)
    errors = report.errors
    warnings = len(report.violations) - len(errors)
    if errors:
        raise ValidationFailed(
            f"validation failed: {len(errors)} violation(s)"
            + (f", {warnings} warning(s)" if warnings else ""),
            hint="fix the ontology where the table points, then run ggen sync "
            "again; nothing was written",
            data={"validation": [v.__dict__ for v in report.violations]},
        )
    detail = f"✓ {len(report.violations)} violations"
    if warnings:
        detail = f"✓ 0 violations, {warnings} warning(s)"
    reporter.stage(2, "Validating (SHACL)...", detail)


def _load_detail(graph: Graph, inferred: list[InferenceResult]) -> str:
    files = len(graph.files)
    loaded = sum(f.triples for f in graph.files)
    detail = f"✓ {loaded} triples ({files} file{'s' if files != 1 else ''})"
    added = sum(r.added for r in inferred)
    if inferred:
        detail += f", +{added} inferred by {len(inferred)} rule(s)"
    return detail


def _applied_counts(plan: Plan, done: set[str]) -> dict[str, int]:
    """How many files took each action, counting writes that really happened."""
    counts = {a.value: 0 for a in Action}
    for planned in plan.files:
        written = planned.action in (Action.CREATE, Action.UPDATE, Action.DELETE)
        if not written or planned.rel in done:
            counts[planned.action.value] += 1
    return counts


def _merged_rule_hashes(
    gen: Generation, options: SyncOptions
) -> dict[str, dict[str, str]]:
    """Input hashes per rule: this run's, plus those of rules it did not run
    (``--rule``) that still exist."""
    root = gen.manifest.root
    names = {r.name for r in gen.manifest.rules}
    kept = {
        name: hashes
        for name, hashes in gen.record.rules.items()
        if name in names
        or (
            name.startswith("template:")
            and (root / name.removeprefix("template:")).is_file()
        )
    }
    return {**kept, **gen.rule_inputs}


def _write_detail(counts: dict[str, int], mark: str = "✓") -> str:
    parts = [
        f"{counts['create']} created",
        f"{counts['update']} updated",
        f"{counts['unchanged']} unchanged",
    ]
    if counts["delete"]:
        parts.append(f"{counts['delete']} deleted")
    if counts["skip"]:
        parts.append(f"{counts['skip']} skipped")
    if counts["keep (edited)"]:
        parts.append(f"{counts['keep (edited)']} kept (edited)")
    return f"{mark} " + ", ".join(parts)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


__all__ = [
    "RenderedFile",
    "SyncOptions",
    "SyncResult",
    "collector_paused",
    "generate",
    "sync",
]
