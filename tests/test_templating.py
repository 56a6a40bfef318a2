"""The Tera dialect: tags, scoping, printing, tests, errors, and the .j2 path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ggen.errors import TemplateError
from ggen.model import Literal, Row
from ggen.templating import TemplateEngine


def _rows(query: str) -> list[dict[str, Any]]:
    """A fake project graph: every query answers the same two rows."""
    return [Row(name="ada", n=1), Row(name="bob", n=2)]


@pytest.fixture
def engine(tmp_path: Path) -> TemplateEngine:
    return TemplateEngine(tmp_path, query=_rows)


def render(engine: TemplateEngine, text: str, **context: Any) -> str:
    return engine.render_string(text, context, name="t.tera")


def fails(engine: TemplateEngine, text: str, **context: Any) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(engine, text, **context)
    return caught.value


# --- printing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (True, "true"),
        (False, "false"),
        ([1, "a", True], "[1, a, true]"),
        ([[1, 2], []], "[[1, 2], []]"),
        (None, ""),
        ({"k": 1}, "[object]"),
        (2.0, "2"),
        (2.5, "2.5"),
        (Decimal("1.50"), "1.5"),
        (Literal("hi", lang="en"), "hi"),
    ],
)
def test_values_print_as_tera_prints_them(
    engine: TemplateEngine, value: object, printed: str
) -> None:
    assert render(engine, "{{ v }}", v=value) == printed


def test_arithmetic_follows_tera(engine: TemplateEngine) -> None:
    text = "{{ 1 + 2 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 * 1.5 }}"
    assert render(engine, text) == "3 3.5 2 1 -1 3"


def test_tilde_joins_strings_and_numbers(engine: TemplateEngine) -> None:
    assert render(engine, "{{ 'v' ~ n ~ '-' ~ s }}", n=3, s="x") == "v3-x"


def test_strings_have_no_escape_sequences(engine: TemplateEngine) -> None:
    assert render(engine, r"{{ 'a\nb' }}|{{ `tick` }}") == r"a\nb|tick"


def test_whitespace_control_and_trailing_newline(engine: TemplateEngine) -> None:
    text = "a\n{%- if true -%}\n  b  \n{%- endif %}\nc\n"
    assert render(engine, text) == "ab\nc\n"


def test_newline_after_a_tag_is_kept(engine: TemplateEngine) -> None:
    assert render(engine, "{% if true %}\nx\n{% endif %}\n") == "\nx\n\n"


# --- variables, scoping ---------------------------------------------------


def test_set_inside_a_loop_lasts_one_iteration(engine: TemplateEngine) -> None:
    text = (
        "{% set x = 'top' %}{% for i in [1, 2] %}{{ x }},{% set x = i %}{{ x }};"
        "{% endfor %}{{ x }}"
    )
    assert render(engine, text) == "top,1;top,2;top"


def test_set_global_survives_the_loop(engine: TemplateEngine) -> None:
    text = (
        "{% set seen = [] %}{% for t in ['a', 'b', 'a'] %}"
        "{% if seen is not containing(t) %}"
        "{% set_global seen = seen | concat(with=t) %}{% endif %}"
        "{% endfor %}{{ seen | join(sep='|') }}"
    )
    assert render(engine, text) == "a|b"


def test_loop_variables(engine: TemplateEngine) -> None:
    text = (
        "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}"
        "{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}"
    )
    assert render(engine, text, xs=["a", "b"]) == "10F 21L "


def test_nested_loops_see_outer_names(engine: TemplateEngine) -> None:
    text = (
        "{% for a in [1, 2] %}{% for b in [3] %}"
        "{{ a }}{{ b }}{{ loop.index }} {% endfor %}{% endfor %}"
    )
    assert render(engine, text) == "131 231 "


def test_loop_over_a_map_in_insertion_order(engine: TemplateEngine) -> None:
    text = "{% for k, v in m %}{{ k }}={{ v }};{% endfor %}"
    assert render(engine, text, m={"z": 1, "a": 2}) == "z=1;a=2;"


def test_for_else_on_empty(engine: TemplateEngine) -> None:
    assert render(engine, "{% for x in [] %}x{% else %}none{% endfor %}") == "none"


def test_break_and_continue(engine: TemplateEngine) -> None:
    text = (
        "{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}"
        "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"
    )
    assert render(engine, text, xs=[1, 2, 3, 4, 5]) == "13"


def test_row_keys_with_and_without_question_mark(engine: TemplateEngine) -> None:
    text = "{{ r.name }} {{ r['?name'] }} {{ r['name'] }}"
    assert render(engine, text, r=Row(name="ada")) == "ada ada ada"


def test_index_and_literal_attributes(engine: TemplateEngine) -> None:
    text = "{{ xs[1] }} {{ xs.0 }} {{ label.lang }}"
    assert (
        render(engine, text, xs=["a", "b"], label=Literal("x", lang="fr")) == "b a fr"
    )


def test_default_only_replaces_undefined(engine: TemplateEngine) -> None:
    text = "{{ r.gone | default(value='D') }} {{ e | default(value='D') }}"
    assert render(engine, text, r=Row(), e="") == "D "


def test_undefined_in_if_is_false(engine: TemplateEngine) -> None:
    assert render(engine, "{% if nope %}y{% elif not nope %}n{% endif %}") == "n"


def test_raw_block(engine: TemplateEngine) -> None:
    assert render(engine, "{% raw %}{{ x }}{% endraw %}") == "{{ x }}"


def test_filter_block(engine: TemplateEngine) -> None:
    assert render(engine, "{% filter upper %}ab{{ 'c' }}{% endfilter %}") == "ABC"


# --- operators and tests --------------------------------------------------


def test_comparisons_do_not_mix_kinds(engine: TemplateEngine) -> None:
    text = "{{ 1 == 1.0 }} {{ true == 1 }} {{ 1 == [1] }} {{ 'a' != 'b' }} {{ 2 > 1 }}"
    assert render(engine, text) == "true false false true true"


def test_typed_values_equal_their_lexical_form(engine: TemplateEngine) -> None:
    # Templates written for ggen 5 compare SPARQL values with string literals.
    text = (
        "{{ flag == 'true' }} {{ off == 'false' }} {{ code == '201' }} "
        "{{ code != '200' }} {{ flag == 'yes' }} {{ '201' == code }}"
    )
    out = render(engine, text, flag=True, off=False, code=201)
    assert out == "true true true true false true"


def test_in_and_not_in(engine: TemplateEngine) -> None:
    text = "{{ 2 in xs }} {{ 'b' in 'abc' }} {{ 'k' in m }} {{ 5 not in xs }}"
    assert render(engine, text, xs=[1, 2], m={"k": 0}) == "true true true true"


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ("s is containing('ell')", "true"),
        ("s is starting_with('he')", "true"),
        ("s is ending_with('lo')", "true"),
        ("s is matching('^h.l+o$')", "true"),
        ("s is string", "true"),
        ("n is number", "true"),
        ("n is odd", "true"),
        ("n is even", "false"),
        ("n is divisibleby(3)", "true"),
        ("xs is iterable", "true"),
        ("m is object", "true"),
        ("s is defined", "true"),
        ("gone is undefined", "true"),
        ("gone is not defined", "true"),
    ],
)
def test_tera_tests(engine: TemplateEngine, test: str, expected: str) -> None:
    context = {"s": "hello", "n": 3, "xs": [1], "m": {"a": 1}}
    assert render(engine, "{{ " + test + " }}", **context) == expected


# --- macros and includes --------------------------------------------------


def test_macro_with_self_namespace_and_default(engine: TemplateEngine) -> None:
    text = (
        "{{ self::pair(a=1) }}{{ self::pair(a=2, b='z') }}"
        "{% macro pair(a, b='y') %}<{{ a }}{{ b }}>{% endmacro %}"
    )
    assert render(engine, text) == "<1y><2z>"


def test_macro_does_not_see_callers_set(engine: TemplateEngine) -> None:
    text = "{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}{{ self::m() }}"
    error = fails(engine, text)
    assert "`x`" in error.render()


def test_imported_macros_and_include(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "lib.tera").write_text("{% macro hi(who) %}hi {{ who }}{% endmacro %}")
    (folder / "part.tera").write_text("[{{ item }}]")
    engine = TemplateEngine(tmp_path)
    text = (
        '{% import "lib.tera" as lib %}{{ lib::hi(who=name) }} '
        '{% for item in [1] %}{% include "part.tera" %}{% endfor %}'
    )
    assert engine.render_string(text, {"name": "ann"}) == "hi ann [1]"


# --- functions ------------------------------------------------------------


def test_sparql_and_helpers(engine: TemplateEngine) -> None:
    text = (
        "{% set rows = sparql(query='SELECT ...') %}"
        "{% for r in rows %}{{ r.name }};{% endfor %}"
        "{{ sparql_first(rows=rows, column='name') }} "
        "{{ sparql_values(results=rows, column='n') }} "
        "{{ sparql_column(results=rows, column='?name') }} "
        "{{ sparql_count(rows=rows) }} {{ sparql_empty(rows=rows) }} "
        "{{ local(iri='http://x.org/a#B') }} {{ local(iri='http://x.org/a/C') }}"
    )
    expected = "ada;bob;ada [1, 2] [ada, bob] 2 false B C"
    assert render(engine, text) == expected


def test_sparql_helpers_refuse_both_argument_names(engine: TemplateEngine) -> None:
    error = fails(engine, "{{ sparql_count(rows=[], results=[]) }}")
    assert "not both" in error.render()


def test_sparql_without_a_graph(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no project graph"):
        TemplateEngine(tmp_path).render_string("{{ sparql(query='x') }}", {})


# --- errors ---------------------------------------------------------------


def test_undefined_name_error_names_file_line_and_known_names(
    engine: TemplateEngine,
) -> None:
    error = fails(engine, "line one\n{{ missing }}", alpha=1, beta=2)
    problem = error.problems[0]
    assert problem.location is not None
    assert (str(problem.location.path), problem.location.line) == ("t.tera", 2)
    assert "`missing`" in problem.message
    assert problem.hint is not None and "alpha, beta" in problem.hint


def test_undefined_attribute_names_the_path(engine: TemplateEngine) -> None:
    error = fails(engine, "{{ row.nope }}", row=Row(a=1))
    assert "`row.nope`" in error.problems[0].message


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("{{ a if b else c }}", "inline `x if cond else y`"),
        ("{{ xs[1:2] }}", "slice"),
        ("{% set d = {'a': 1} %}", "dict literal"),
        ("{% with x = 1 %}{% endwith %}", "`{% with %}`"),
        ("{{ 'a' | replace('a', 'b') }}", "positional argument to filter `replace`"),
        ("{{ s.upper() }}", "calling a method"),
        ("{{ 2 ** 3 }}", "`**` operator"),
        ("{% for x in xs if x %}{% endfor %}", "loop filter"),
        ("{{ none }}", "`none` literal"),
    ],
)
def test_jinja_only_constructs_are_refused_with_line(
    engine: TemplateEngine, text: str, construct: str
) -> None:
    error = fails(engine, "ok\n" + text, a=1, b=1, c=1, xs=[1], s="s")
    problem = error.problems[0]
    assert construct in problem.message
    assert problem.location is not None and problem.location.line == 2


def test_syntax_error_has_a_location(engine: TemplateEngine) -> None:
    error = fails(engine, "{% if %}")
    assert error.problems[0].location is not None
    assert error.problems[0].location.line == 1


def test_unknown_filter_is_a_template_error(engine: TemplateEngine) -> None:
    assert "nonesuch" in fails(engine, "{{ 'a' | nonesuch }}").render()


def test_type_errors_are_template_errors(engine: TemplateEngine) -> None:
    assert "math" in fails(engine, "{{ 'a' + 1 }}").render()
    assert "string" in fails(engine, "{{ 3 | upper }}").render()
    assert "compare" in fails(engine, "{{ 'a' < 'b' }}").render()


def test_error_inside_an_included_template_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "bad.tera").write_text("fine\n{{ nope }}\n")
    engine = TemplateEngine(tmp_path)
    with pytest.raises(TemplateError) as caught:
        engine.render_string('{% include "bad.tera" %}', {})
    location = caught.value.problems[0].location
    assert location is not None and location.line == 2
    assert str(location.path).endswith("bad.tera")


# --- files and dialects ---------------------------------------------------


def test_render_file_picks_dialect_by_extension(tmp_path: Path) -> None:
    engine = TemplateEngine(tmp_path)
    (tmp_path / "a.tera").write_text("{{ flag }} {{ name | pascal_case }}\n")
    (tmp_path / "a.j2").write_text("{{ flag }} {{ name | pascal_case }}\n")
    (tmp_path / "a.tmpl").write_text("{{ flag }}\n")
    context = {"flag": True, "name": "a_b"}
    assert engine.render_file(tmp_path / "a.tera", context) == "true AB\n"
    assert engine.render_file(tmp_path / "a.j2", context) == "True AB\n"
    assert engine.render_file(tmp_path / "a.tmpl", context) == "true\n"


def test_jinja_dialect_keeps_jinja_features(tmp_path: Path) -> None:
    engine = TemplateEngine(tmp_path)
    (tmp_path / "x.jinja").write_text("{{ 'y' if on else 'n' }}{{ xs[0:1] }}")
    assert (
        engine.render_file(tmp_path / "x.jinja", {"on": True, "xs": [1, 2]}) == "y[1]"
    )


def test_jinja_dialect_undefined_is_a_template_error(tmp_path: Path) -> None:
    (tmp_path / "x.j2").write_text("{{ nope }}")
    with pytest.raises(TemplateError) as caught:
        TemplateEngine(tmp_path).render_file(tmp_path / "x.j2", {})
    location = caught.value.problems[0].location
    assert location is not None and location.path == "x.j2"


def test_missing_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read"):
        TemplateEngine(tmp_path).render_file(tmp_path / "absent.tera", {})


# --- the fast print path --------------------------------------------------


def test_printed_paths_call_the_runtime_directly(engine: TemplateEngine) -> None:
    source = engine._tera.compile("{{ r.name }}{{ n + 1 }}", "t", "t", raw=True)
    assert ".show(context, 'r', 'name')" in source
    assert "context.call(" not in source


def test_fast_paths_print_what_the_general_path_prints(
    engine: TemplateEngine,
) -> None:
    row = Row(name="ada", n=3, flag=True, tags=["x", 2], lit=Literal("hi", "en"))
    text = (
        "{{ r.name }}|{{ r['?name'] }}|{{ r.n }}|{{ r.flag }}|{{ r.tags }}|"
        "{{ r.tags.1 }}|{{ r.lit }}|{{ r.lit.lang }}|{{ d.k }}|{{ d.n }}"
    )
    out = render(engine, text, r=row, d={"k": "v", "n": 1.5})
    assert out == "ada|ada|3|true|[x, 2]|2|hi|en|v|1.5"


def test_a_miss_on_the_fast_path_names_the_whole_path(
    engine: TemplateEngine,
) -> None:
    error = fails(engine, "{{ r.name.first }}", r=Row(name="ada"))
    assert "r.name.first" in str(error)
    error = fails(engine, "{{ d.missing }}", d={"k": 1})
    assert "d.missing" in str(error)


def test_loop_names_shadow_in_tera_order(engine: TemplateEngine) -> None:
    text = (
        "{% for k, v in m %}{{ k }}={{ v }};{% set v = 'set' %}{{ v }};"
        "{{ loop.index }}{% endfor %}"
    )
    assert render(engine, text, m={"a": 1, "b": 2}) == "a=1;set;1b=2;set;2"


def test_quick_comparisons_keep_tera_rules(engine: TemplateEngine) -> None:
    # Tera compares numbers as f64: these two integers are equal there.
    big = {"a": 2**53 + 1, "b": 2**53, "s": "x", "f": 1.0, "i": 1}
    text = "{{ a == b }} {{ s != 'x' }} {{ f == i }} {{ i < f }} {{ s == 'x' }}"
    assert render(engine, text, **big) == "true false true false true"
    assert "compares numbers only" in str(fails(engine, "{{ s < 'y' }}", s="x"))
