"""Template error messages: where the fix belongs, in Tera words, with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import manifest, rule

from ggen.errors import TemplateError
from ggen.templating import TemplateEngine


def failure(tmp_path: Path, text: str, name: str = "t.tera") -> TemplateError:
    """The error of rendering ``text`` saved as the template file ``name``."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(TemplateError) as caught:
        TemplateEngine(tmp_path).render_file(path, {"xs": [1], "x": "a"})
    return caught.value


def where(error: TemplateError) -> tuple[str, int | None]:
    """The template and line of the first problem."""
    location = error.problems[0].location
    assert location is not None
    return str(location.path), location.line


# --- unknown names ---------------------------------------------------------


@pytest.mark.parametrize("name", ["t.tera", "t.j2"])
def test_unknown_filter_names_the_file_line_and_closest_filter(
    tmp_path: Path, name: str
) -> None:
    error = failure(tmp_path, "line one\n{{ x | snake_cas }}\n", name)
    assert where(error) == (name, 2)
    assert "unknown filter `snake_cas`" in error.render()
    assert error.problems[0].hint is not None
    assert error.problems[0].hint.startswith("did you mean `snake_case`")


def test_unknown_filter_inside_a_condition_is_reported_the_same_way(
    tmp_path: Path,
) -> None:
    error = failure(tmp_path, "\n{% if xs | lenght > 0 %}y{% endif %}")
    assert where(error) == ("t.tera", 2)
    assert "unknown filter `lenght`" in error.render()
    assert "did you mean `length`?" in error.render()


def test_unknown_test_suggests_the_closest_test(tmp_path: Path) -> None:
    error = failure(tmp_path, "{% if x is strng %}y{% endif %}")
    assert where(error) == ("t.tera", 1)
    assert "unknown test `strng`" in error.render()
    assert "did you mean `string`" in error.render()


def test_unknown_function_suggests_the_closest_function(tmp_path: Path) -> None:
    error = failure(tmp_path, "\n\n{{ rnage(end=2) }}")
    assert where(error) == ("t.tera", 3)
    assert "unknown function `rnage`" in error.render()
    assert "did you mean `range`?" in error.render()


def test_unknown_name_without_a_close_match_lists_what_exists(
    tmp_path: Path,
) -> None:
    error = failure(tmp_path, "{{ zzzzzz() }}")
    hint = error.problems[0].hint or ""
    assert "no function has a similar name" in hint
    assert "sparql" in hint and "range" in hint


def test_unknown_tag_suggests_the_closest_tag(tmp_path: Path) -> None:
    error = failure(tmp_path, "{% fro x in xs %}{% endfor %}")
    assert "unknown tag `fro`" in error.render()
    assert "did you mean `for`" in error.render()


# --- blocks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "opening", "end"),
    [
        ("for", "{% for i in xs %}", "endfor"),
        ("if", "{% if x %}", "endif"),
        ("macro", "{% macro m(a) %}", "endmacro"),
        ("raw", "{% raw %}", "endraw"),
    ],
)
def test_unclosed_block_is_reported_where_it_opens(
    tmp_path: Path, tag: str, opening: str, end: str
) -> None:
    lines = ["text"] * 20 + [opening] + ["body"] * 10
    error = failure(tmp_path, "\n".join(lines) + "\n")
    assert where(error) == ("t.tera", 21)
    message = error.problems[0].message
    assert message == (
        f"`{{% {tag} %}}` opened at line 21 is never closed: add `{{% {end} %}}`"
    )
    assert error.problems[0].hint
    assert "Jinja" not in error.render()


def test_unclosed_outer_block_is_found_past_closed_inner_ones(
    tmp_path: Path,
) -> None:
    text = "{% set n = 1 %}\n{% for a in xs %}\n{% if x %}{% endif %}\n"
    error = failure(tmp_path, text)
    assert where(error) == ("t.tera", 2)
    assert "`{% for %}` opened at line 2 is never closed" in error.render()


def test_nesting_mistake_points_at_the_inner_block(tmp_path: Path) -> None:
    text = "{% if x %}\n{% for a in xs %}\n{{ a }}\n{% endif %}\n"
    error = failure(tmp_path, text)
    assert where(error) == ("t.tera", 2)
    assert "`{% for %}` opened at line 2 is still open" in error.render()
    assert error.problems[0].hint == "add `{% endfor %}` before line 4"


def test_stray_end_tag_says_there_is_nothing_to_close(tmp_path: Path) -> None:
    error = failure(tmp_path, "a\n{% endfor %}\n")
    assert where(error) == ("t.tera", 2)
    assert "`{% endfor %}` has no `{% for %}` to close" in error.render()
    assert error.problems[0].hint


@pytest.mark.parametrize(
    "text",
    [
        "a\n{% for i in xs %}\n",
        "{% for i in xs %}\n{% endif %}\n",
        "{% if x %}{% else %}{% elif x %}{% endif %}",
        "{% block a-b %}{% endblock %}",
        "{{ x + }}",
        "a\n{{ x \ny\n",
        "{# never closed\n",
        '{{ "open }}\n',
        "{% frob %}",
    ],
)
def test_syntax_errors_have_no_jinja_wording_and_a_hint(
    tmp_path: Path, text: str
) -> None:
    error = failure(tmp_path, text)
    assert "Jinja" not in error.render()
    assert "Jinja" not in (error.problems[0].hint or "")
    assert error.problems[0].hint, error.render()
    assert where(error)[0] == "t.tera"


# --- hints on render failures ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{{ 'a' + 1 }}",
        "{{ 'a' < 'b' }}",
        "{% for c in 3 %}{% endfor %}",
        '{% include "absent.tera" %}',
        "{{ m::f() }}",
        "{{ get_env(name='GGEN_TEST_SURELY_UNSET_VARIABLE') }}",
        "{{ 3 | upper }}",
        "{{ nope }}",
    ],
)
def test_render_failures_carry_a_hint(tmp_path: Path, text: str) -> None:
    error = failure(tmp_path, text)
    assert error.problems[0].hint, error.render()


def test_sync_shows_the_unclosed_block_and_hint(make_project, sync) -> None:
    template = "header\n{% for n in results %}\n{{ n.name }}\n"
    data = manifest([rule(output_file="out/all.txt", template={"file": "t.tera"})])
    root = make_project(files={"t.tera": template}, manifest_data=data)
    result = sync(root)
    assert result.code == 4
    assert (
        "t.tera:2: `{% for %}` opened at line 2 is never closed: add `{% endfor %}`"
        in result.err
    )
    assert "hint:" in result.err
    assert "Jinja" not in result.err


def test_unreadable_template_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        TemplateEngine(tmp_path).render_file(tmp_path / "absent.tera", {})
    assert "cannot read template" in caught.value.render()
    assert caught.value.problems[0].hint
