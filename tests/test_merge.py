"""Merge mode's markers: the manual section survives regeneration."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggen.errors import TemplateError
from ggen.merge import generated_section, merge


def test_first_merge_adds_markers_with_a_comment_of_the_language() -> None:
    erlang = merge("f() -> ok.\n", "", Path("src/x.erl"))
    assert erlang.splitlines() == [
        "<<<<<<< GENERATED", "f() -> ok.", "=======",
        "% Add your manual code here", ">>>>>>> MANUAL",
    ]
    assert "# Add your manual code here" in merge("x = 1\n", "", Path("a.py"))
    assert "// Add your manual code here" in merge("x\n", "", Path("a.rs"))
    assert "<!-- Add your manual code here -->" in merge("x\n", "", Path("a.md"))


def test_manual_section_and_surroundings_are_kept() -> None:
    existing = "head\n<<<<<<< GENERATED\nold\n=======\nmine()\n>>>>>>> MANUAL\ntail\n"
    merged = merge("new\n", existing, Path("a.rs"))
    assert merged == (
        "head\n<<<<<<< GENERATED\nnew\n=======\nmine()\n>>>>>>> MANUAL\ntail\n"
    )
    assert generated_section(merged) == "new"


def test_markers_out_of_order_are_an_error() -> None:
    existing = "=======\n<<<<<<< GENERATED\nx\n>>>>>>> MANUAL\n"
    with pytest.raises(TemplateError, match="out of order"):
        merge("y\n", existing, Path("a.rs"))
