"""Skipping work: the no-op shortcut and the per-row render cache."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ONTOLOGY, dump_toml, manifest, rule, stat_tree

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
    """The outputs the render cache reads."""
    import ggen.incremental

    opened: list[str] = []
    reading = ggen.incremental.read_with_figures

    def spying(path: str) -> Any:
        opened.append(Path(path).name)
        return reading(path)

    monkeypatch.setattr(ggen.incremental, "read_with_figures", spying)
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


# --- what the render cache must never reuse --------------------------------


def _query(*names: str) -> str:
    fields = " ".join(f"?{n}" for n in names)
    pattern = " ; ".join(f"ex:{n} ?{n}" for n in names if n != "thing")
    return (
        "PREFIX ex: <http://example.org/>\n"
        f"SELECT {fields} WHERE {{ ?thing a ex:Thing ; {pattern} }} ORDER BY ?name\n"
    )


def test_a_changed_final_newline_setting_renders_again(make_project, sync):
    root = _synced(make_project, sync, **{"t.j2": "name={{ name }}\n\n\n"})
    assert (root / "out/alpha.txt").read_bytes() == b"name=alpha\n\n\n"
    data = manifest(generation={"final_newline": "single"})
    (root / "ggen.toml").write_text(dump_toml(data))
    assert sync(root).code == 0
    assert (root / "out/alpha.txt").read_bytes() == b"name=alpha\n"
    assert sync(root, "--check").code == 0


def test_the_same_bytes_in_another_dialect_render_again(make_project, sync):
    ontology = ONTOLOGY.replace("ex:size 1", "ex:size 1 ; ex:flag true")
    ontology = ontology.replace("ex:size 2", "ex:size 2 ; ex:flag false")
    text = "{{ name }} {{ flag }}\n"
    root = make_project(
        files={"onto.ttl": ontology, "q.rq": _query("name", "flag"),
               "t.tera": text, "t.j2": text},
        manifest_data=manifest([rule(template={"file": "t.tera"})]),
    )
    assert sync(root).code == 0
    assert (root / "out/alpha.txt").read_text() == "alpha true\n"  # Tera
    (root / "ggen.toml").write_text(dump_toml(manifest([rule()])))  # t.j2
    assert sync(root).code == 0
    assert (root / "out/alpha.txt").read_text() == "alpha True\n"  # Jinja


LITERAL = "{{ name }} {{ v }} {{ v.datatype }} {{ v.lang }}\n"


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        ('"5"^^ex:Celsius', '"5"^^ex:Fahrenheit', LITERAL),
        ('"5"@en', '"5"@fr', LITERAL),
        # the same text; only the kind of term differs (v.datatype would fail
        # on the IRI, so a reused render would hide that error)
        ('"http://example.org/x"', "<http://example.org/x>", "{{ name }} {{ v }}\n"),
    ],
)
def test_a_value_that_prints_the_same_but_is_another_term_renders_again(
    make_project, sync, monkeypatch, before, after, text
):
    ontology = ONTOLOGY.replace("ex:size 1", f"ex:size 1 ; ex:v {before}")
    ontology = ontology.replace("ex:size 2", f"ex:size 2 ; ex:v {before}")
    root = make_project(
        files={"onto.ttl": ontology, "q.rq": _query("name", "v"), "t.j2": text}
    )
    assert sync(root).code == 0
    calls = _count_renders(monkeypatch)
    (root / "onto.ttl").write_text(ontology.replace(
        f"ex:size 1 ; ex:v {before}", f"ex:size 1 ; ex:v {after}"))
    assert sync(root).code == 0
    assert calls == ["alpha"]
    assert sync(root, "--check").code == 0


def test_an_old_copy_with_old_figures_is_not_trusted(make_project, sync):
    # The file already held the new output when the record changed: its old
    # figures must not vouch for the new record afterwards.
    root = _synced(make_project, sync)
    alpha = root / "out/alpha.txt"
    old = alpha.read_bytes()
    stat = alpha.stat()
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 1", "ex:size 10"))
    alpha.write_text("name=alpha size=10 iri=http://example.org/alpha\n")
    assert sync(root).code == 0  # unchanged: the disk already had it
    alpha.write_bytes(old)  # an old copy, with its old size and time (cp -p)
    os.utime(alpha, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    check = sync(root, "--check")
    assert check.code == 8 and "out/alpha.txt" in check.err
    (root / "onto.ttl").write_text(
        ONTOLOGY.replace("ex:size 1", "ex:size 10") + "\n# touched\n")
    result = sync(root)
    assert result.code == 5  # not ours: the record says otherwise
    assert sync(root, "--force").code == 0
    assert b"size=10" in alpha.read_bytes()
    recorded = json.loads((root / ".ggen/generated.json").read_text())
    digest = hashlib.sha256(alpha.read_bytes()).hexdigest()
    assert recorded["files"]["out/alpha.txt"]["sha256"] == digest


def test_a_crlf_copy_is_never_vouched_for(make_project, sync):
    root = _synced(make_project, sync)
    alpha = root / "out/alpha.txt"
    alpha.write_bytes(alpha.read_bytes().replace(b"\n", b"\r\n"))
    (root / ".ggen/state.json").unlink()
    assert sync(root).code == 0  # unchanged but for line endings
    strict = sync(root, "--check", "--strict-eol")
    assert strict.code == 8 and "eol" in strict.err
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    assert sync(root).code == 0
    assert sync(root, "--check", "--strict-eol").code == 8


def test_an_output_replaced_by_a_link_out_of_the_project_is_refused(
    make_project, sync, tmp_path
):
    root = _synced(make_project, sync)
    alpha = root / "out/alpha.txt"
    outside = tmp_path / "outside.txt"
    outside.write_bytes(alpha.read_bytes())
    stat = alpha.stat()
    os.utime(outside, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as cp -p does
    alpha.unlink()
    alpha.symlink_to(outside)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 2", "ex:size 20"))
    result = sync(root)
    assert result.code == 5 and "leaves the project" in result.err


def test_force_renders_every_row_afresh(make_project, sync, monkeypatch):
    root = _synced(make_project, sync)
    calls = _count_renders(monkeypatch)
    assert sync(root, "--force").code == 0
    assert sorted(calls) == ["alpha", "beta"]
