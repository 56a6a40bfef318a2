"""Stage 7: apply a plan to the disk, one file at a time, each atomically.

Each file is written to a sibling temporary file (a fixed name opened with
O_EXCL, far cheaper than ``tempfile.mkstemp`` at tens of thousands of files) and
renamed over the target, so a reader sees the old file or the new one, never a
half-written one. A failure or a signal part-way stops between two files; the
caller then writes the record for what was really written, so the next sync
converges.

Known limitations: files are not fsync'ed one by one (that costs seconds per
thousand files); after a power loss the rename may be durable while the data
is not, which the next sync detects as an edited file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import signal
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from ggen.errors import Interrupted, Location, Problem, WriteError
from ggen.model import file_figures
from ggen.plan import Action, Plan, PlannedFile

log = logging.getLogger(__name__)

LOCK_PATH = Path(".ggen") / "lock"
TMP_SUFFIX = ".ggen-tmp"


@dataclass
class WriteOutcome:
    """Which planned paths were applied, and the error that stopped the rest."""

    done: set[str] = field(default_factory=set)
    error: Exception | None = None
    # Size and modification time of each file written, right after writing.
    figures: dict[str, list[int]] = field(default_factory=dict)


def atomic_write(
    path: Path | str, data: bytes, new: bool = False
) -> os.stat_result:
    """Write ``data`` to ``path`` through a sibling temporary file and a rename.

    ``new`` says the plan found nothing at ``path``, so there is no mode to
    keep (one look less per file). Returns the written file's figures, taken
    before the rename (which changes neither size nor modification time).
    Plain strings: at tens of thousands of files, pathlib costs more than the
    system calls.
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    mode = None if new else _existing_mode(target)
    tmp = os.path.join(folder, f".{name}{TMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileNotFoundError:  # a new folder: made here, not tried for every file
        os.makedirs(folder or ".", exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    except FileExistsError:  # left over from a process that was killed
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            info = os.fstat(fd)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return info


def _existing_mode(path: str) -> int | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    if not info.st_mode & stat.S_IWUSR:
        raise PermissionError(errno.EACCES, "the file is read-only", path)
    return stat.S_IMODE(info.st_mode)


def unwritable(plan: Plan) -> list[Problem]:
    """Targets that writing would fail on, found before anything is written."""
    problems = []
    for planned in plan.files:
        if planned.action not in (Action.CREATE, Action.UPDATE):
            continue
        path = planned.target
        try:
            mode = os.stat(path).st_mode  # one look answers both questions
        except OSError:
            continue  # nothing there yet: the write creates it
        if stat.S_ISDIR(mode):
            problems.append(
                Problem(
                    "cannot write it: a folder is in the way",
                    Location(path),
                    hint="rename the folder, or change the rule's output_file",
                )
            )
        elif not mode & stat.S_IWUSR:
            problems.append(
                Problem(
                    "cannot write it: the file is read-only",
                    Location(path),
                    hint=f"make it writable (chmod u+w {planned.rel}) if ggen should "
                    "update it",
                )
            )
    return problems


def apply_plan(
    plan: Plan,
    on_file: Callable[[PlannedFile], None] | None = None,
    stop: Callable[[], bool] | None = None,
    root: Path | None = None,
) -> WriteOutcome:
    """Write and delete what the plan says; stop at the first failure or signal.

    ``stop`` says whether a signal arrived (see :func:`signals_deferred`);
    ``root`` bounds the empty folders removed after a delete.
    """
    if stop is None:
        with signals_deferred() as own_stop:
            return apply_plan(plan, on_file, own_stop, root)
    outcome = WriteOutcome()
    for planned in plan.files:
        if stop():
            outcome.error = Interrupted(
                "interrupted: stopped between two files; every file on disk is whole",
                hint="run `ggen sync` again to finish",
            )
            break
        try:
            if _apply_one(planned, root, outcome.figures) and on_file is not None:
                on_file(planned)
        except OSError as exc:
            outcome.error = _os_error(planned, exc)
            break
        if planned.action in (Action.CREATE, Action.UPDATE, Action.DELETE):
            outcome.done.add(planned.rel)
    return outcome


def _apply_one(
    planned: PlannedFile, root: Path | None, figures: dict[str, list[int]]
) -> bool:
    """Apply one planned file (True when it wrote or deleted); a written
    file's figures go into ``figures``."""
    if planned.action in (Action.CREATE, Action.UPDATE):
        new = planned.action is Action.CREATE and planned.before is None
        info = atomic_write(planned.target, planned.content or b"", new=new)
        figures[planned.rel] = file_figures(info)
        return True
    if planned.action is Action.DELETE:
        with contextlib.suppress(FileNotFoundError):
            planned.path.unlink()
        if root is not None:
            _remove_empty_parents(planned.path.parent, root)
        return True
    return False


def _remove_empty_parents(folder: Path, root: Path) -> None:
    """Remove folders left empty by a delete, up to (not including) ``root``."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()  # fails, as it should, on a folder that is not empty
        except OSError:
            return
        folder = folder.parent


def _os_error(planned: PlannedFile, exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc)
    hint = "check the permissions of the file and its folder"
    if exc.errno == errno.ENOTDIR:
        hint = "a file stands where the path needs a folder: move it, or change "
        hint += "the rule's output_file"
    elif exc.errno == errno.ENOSPC:
        hint = "free disk space, then run `ggen sync` again"
    elif exc.errno in (errno.EROFS,):
        hint = "the file system is read-only: write elsewhere or remount"
    return WriteError(f"cannot write it: {reason}", Location(planned.path), hint=hint)


@contextlib.contextmanager
def signals_deferred() -> Iterator[Callable[[], bool]]:
    """Hold SIGINT/SIGTERM until the current file is whole; report if one came."""
    received: list[int] = []

    def handler(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread: signals stay as they are
        previous = {}
    try:
        yield lambda: bool(received)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def project_lock(root: Path, wait: float = 30.0) -> Iterator[None]:
    """Hold ``.ggen/lock`` so two syncs of one project never interleave writes."""
    path = root / LOCK_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteError(
                        "another `ggen sync` is running on this project",
                        Location(path),
                        hint="wait for it to finish; if none is running, the "
                        "lock is released automatically: just retry",
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)
