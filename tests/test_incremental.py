"""Skipping work: the no-op shortcut and the per-row render cache."""

from __future__ import annotations

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
