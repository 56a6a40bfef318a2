"""Skipping work: the no-op shortcut and the per-row render cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ONTOLOGY, stat_tree

from ggen.templating.engine import TemplateEngine

NOOP = "Inputs unchanged since the last sync"


def _synced(make_project, sync, **files: str) -> Path:
    root = make_project(files=files or None)
    assert sync(root).code == 0
    return root


def test_second_sync_takes_the_shortcut_and_writes_nothing(make_project, sync):
    root = _synced(make_project, sync)
    before = stat_tree(root)
    result = sync(root)
    assert result.code == 0
    assert NOOP in result.err
    assert "0 created, 0 updated, 2 unchanged" in result.err
    assert stat_tree(root) == before


@pytest.mark.parametrize("name", ["onto.ttl", "q.rq", "t.j2", "ggen.toml"])
def test_any_changed_input_runs_the_whole_pipeline(make_project, sync, name):
    root = _synced(make_project, sync)
    path = root / name
    path.write_text(path.read_text() + "\n# changed\n" if name != "t.j2"
                    else path.read_text() + "more\n")
    result = sync(root)
    assert result.code == 0, result.err
    assert NOOP not in result.err
    assert "Loading ontology" in result.err


def test_an_edited_output_is_not_hidden_by_the_shortcut(make_project, sync):
    root = _synced(make_project, sync)
    (root / "out/alpha.txt").write_text("edited\n")
    result = sync(root)
    assert result.code == 5
    assert "out/alpha.txt: edited by hand" in result.err


def test_a_deleted_output_is_written_again(make_project, sync):
    root = _synced(make_project, sync)
    (root / "out/alpha.txt").unlink()
    result = sync(root)
    assert result.code == 0
    assert "Generated out/alpha.txt (new)" in result.err


def test_check_takes_the_shortcut_only_when_clean(make_project, sync):
    root = _synced(make_project, sync)
    clean = sync(root, "--check")
    assert clean.code == 0 and NOOP in clean.err
    (root / "out/beta.txt").unlink()
    drift = sync(root, "--check")
    assert drift.code == 8
    assert "missing   out/beta.txt" in drift.err


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = TemplateEngine.render_file

    def counting(self: TemplateEngine, path: Path, context: Any) -> str:
        calls.append(str(context.get("name")))
        return original(self, path, context)

    monkeypatch.setattr(TemplateEngine, "render_file", counting)
    return calls


def test_one_changed_row_renders_one_file(make_project, sync, monkeypatch):
    root = _synced(make_project, sync)
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    result = sync(root)
    assert result.code == 0, result.err
    assert calls == ["beta"]  # alpha's row and template are as before
    assert "Updated out/beta.txt" in result.err
    assert "size=20" in (root / "out/beta.txt").read_text()


def test_a_changed_template_renders_every_row(make_project, sync, monkeypatch):
    root = _synced(make_project, sync)
    calls = _count_renders(monkeypatch)
    (root / "t.j2").write_text("v2 {{ name }}\n")
    assert sync(root).code == 0
    assert sorted(calls) == ["alpha", "beta"]


def test_an_edited_file_is_never_taken_from_the_cache(
    make_project, sync, monkeypatch
):
    root = _synced(make_project, sync)
    (root / "out/alpha.txt").write_text("edited\n")
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    calls = _count_renders(monkeypatch)
    result = sync(root, "--force")
    assert result.code == 0, result.err
    assert sorted(calls) == ["alpha", "beta"]
    assert (root / "out/alpha.txt").read_text() != "edited\n"


def test_a_template_that_reads_all_rows_is_not_cached(make_project, sync, monkeypatch):
    root = _synced(make_project, sync,
                   **{"t.j2": "{{ name }} of {{ results | length }}\n"})
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    assert sync(root).code == 0
    assert sorted(calls) == ["alpha", "beta"]


def test_words_outside_tags_do_not_stop_caching(make_project, sync, monkeypatch):
    text = "results from {{ name }}, imported\n"
    root = _synced(make_project, sync, **{"t.j2": text})
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    assert sync(root).code == 0
    assert calls == ["beta"]  # alpha's row is unchanged: taken from the cache


def test_shortcut_after_a_partial_update_and_a_touched_file(make_project, sync):
    root = _synced(make_project, sync)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    assert sync(root).code == 0
    assert NOOP in sync(root).err  # the state kept after a partial update works
    alpha = root / "out/alpha.txt"
    alpha.write_bytes(alpha.read_bytes())  # same bytes, new modification time
    result = sync(root)
    assert result.code == 0
    assert NOOP in result.err  # stale figures only cost a hash of that file
    alpha.write_text("edited\n")
    assert sync(root).code == 5


def _spy_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The outputs the render cache opens (it reads through ``open``)."""
    import builtins

    import ggen.incremental

    opened: list[str] = []

    def spying(path: Any, *args: Any, **kwargs: Any) -> Any:
        if ".ggen" not in Path(path).parts:  # the state file is read this way too
            opened.append(Path(path).name)
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(ggen.incremental, "open", spying, raising=False)
    return opened


def test_an_untouched_output_is_vouched_for_by_size_and_time(
    make_project, sync, monkeypatch
):
    root = _synced(make_project, sync)
    record_before = (root / ".ggen/generated.json").read_text()
    opened = _spy_reads(monkeypatch)
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    result = sync(root)
    assert result.code == 0, result.err
    assert calls == ["beta"] and opened == []  # alpha: neither rendered nor read
    assert "0 created, 1 updated, 1 unchanged" in result.err
    record = (root / ".ggen/generated.json").read_text()
    alpha = [line for line in record.splitlines() if "out/alpha.txt" in line]
    assert alpha and alpha[0] in record_before  # alpha's hash is as recorded


def test_a_touched_output_is_read_and_hashed_before_reuse(
    make_project, sync, monkeypatch
):
    root = _synced(make_project, sync)
    alpha = root / "out/alpha.txt"
    alpha.write_bytes(alpha.read_bytes())  # same bytes, new modification time
    opened = _spy_reads(monkeypatch)
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    result = sync(root)
    assert result.code == 0, result.err
    assert opened == ["alpha.txt"] and calls == ["beta"]


def test_check_and_audit_see_untouched_outputs_as_they_are(make_project, sync):
    root = _synced(make_project, sync)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    check = sync(root, "--check", "--format", "json")
    assert check.code == 8
    assert [d["path"] for d in check.json()["drift"]] == ["out/beta.txt"]
    result = sync(root, "--audit")
    assert result.code == 0, result.err
    audit = json.loads((root / ".ggen/audit/latest.json").read_text())
    outputs = {o["path"]: o for o in audit["outputs"]}
    for rel in ("out/alpha.txt", "out/beta.txt"):
        data = (root / rel).read_bytes()
        assert outputs[rel]["sha256_after"] == hashlib.sha256(data).hexdigest()
        assert outputs[rel]["size"] == len(data)
    assert outputs["out/alpha.txt"]["action"] == "unchanged"


def test_an_output_changed_by_another_run_meanwhile_stops_the_write(
    make_project, tmp_path
):
    from ggen.errors import WriteError
    from ggen.model import RenderedFile, Unread
    from ggen.pipeline import _read_unread
    from ggen.record import sha256

    target = tmp_path / "out.txt"
    target.write_text("as last written\n")
    kept = RenderedFile(
        str(target), "", "r", unread=Unread(sha256(target.read_bytes()), 16)
    )
    _read_unread([kept])
    assert kept.unread is None and kept.content == "as last written\n"
    moved = RenderedFile(str(target), "", "r", unread=Unread(sha256(b"other"), 5))
    with pytest.raises(WriteError, match="changed by another run"):
        _read_unread([moved])


def test_a_damaged_state_costs_only_the_shortcuts(make_project, sync, monkeypatch):
    root = _synced(make_project, sync)
    path = root / ".ggen/state.json"
    head, body = path.read_text().splitlines()  # fingerprint, then the cache
    cache = json.loads(body)
    cache["renders"] = {key: 5 for key in cache["renders"]}
    cache["stats"] = {rel: "x" for rel in cache["stats"]}
    path.write_text(f"{head}\n{json.dumps(cache)}\n")
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    result = sync(root)
    assert result.code == 0, result.err
    assert sorted(calls) == ["alpha", "beta"]
    assert "size=20" in (root / "out/beta.txt").read_text()
    path.write_text("{not json")
    assert sync(root).code == 0


def test_the_cycle_collector_is_paused_only_while_a_sync_runs(make_project):
    import gc

    from ggen.pipeline import SyncOptions, sync

    root = make_project()
    seen: list[bool] = []

    class Spy:
        def stage(self, number: int, title: str, detail: str) -> None:
            seen.append(gc.isenabled())

        def file(self, planned: Any) -> None: ...
        def warning(self, text: str) -> None: ...
        def violations(self, report: Any) -> None: ...

    assert gc.isenabled()
    sync(SyncOptions(manifest=root / "ggen.toml"), Spy())
    assert seen and not any(seen)  # off during the run
    assert gc.isenabled()  # and back on after it
    gc.disable()
    try:
        sync(SyncOptions(manifest=root / "ggen.toml"), Spy())
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
