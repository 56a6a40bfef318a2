"""Tera's built-in filters and ggen's case, inflection and escaping filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ggen.errors import TemplateError
from ggen.templating import TemplateEngine


def render(text: str, **context: Any) -> str:
    return TemplateEngine(Path(".")).render_string(text, context)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'Hello World' | lower", "hello world"),
        ("'hello' | upper", "HELLO"),
        ("'  x  ' | trim", "x"),
        ("'xxabxx' | trim_start_matches(pat='x')", "abxx"),
        ("'hello world' | truncate(length=5)", "hello…"),
        ("'hello' | truncate(length=2, end='..')", "he.."),
        ("'a b  c' | wordcount", "3"),
        ("'a-b' | replace(from='-', to='+')", "a+b"),
        ("'hELLO wORLD' | capitalize", "Hello world"),
        ("'Hello, World!' | slugify", "hello-world"),
        ("'a,b' | split(pat=',') | join(sep=';')", "a;b"),
        ("'<p>x</p>' | striptags", "x"),
        ("'<a/>' | escape", "&lt;a&#x2F;&gt;"),
        ("'a b&c' | urlencode", "a%20b%26c"),
        ("'a\nb' | linebreaksbr", "a<br>b"),
        ("'a\nb' | indent(prefix='> ')", "a\n> b"),
        ("'a\n\nb' | indent(width=2, first=true)", "  a\n\n  b"),
        ("'12' | int + 1", "13"),
        ("'1.5' | float", "1.5"),
        ("-3 | abs", "3"),
        ("2.456 | round(precision=2)", "2.46"),
        ("2.5 | round", "3"),
        ("2.1 | round(method='ceil')", "3"),
        ("1536 | filesizeformat", "1.5 KB"),
        ("1 | pluralize", ""),
        ("2 | pluralize(singular='y', plural='ies')", "ies"),
        ("[3, 1, 2] | sort", "[1, 2, 3]"),
        ("['b', 'B', 'a'] | unique", "[b, a]"),
        ("[1, 2, 3] | reverse", "[3, 2, 1]"),
        ("[1, 2, 3] | slice(start=1)", "[2, 3]"),
        ("[1, 2, 3] | nth(n=1)", "2"),
        ("[1, 2] | first", "1"),
        ("[1, 2] | last", "2"),
        ("[] | first", ""),
        ("[1] | concat(with=[2, 3])", "[1, 2, 3]"),
        ("'héllo' | length", "5"),
        ("'abc' | reverse", "cba"),
        ("1 | as_str ~ 'x'", "1x"),
        ("'2024-03-05' | date(format='%d/%m/%Y')", "05/03/2024"),
        ("0 | date", "1970-01-01"),
    ],
)
def test_tera_filters(expression: str, expected: str) -> None:
    assert render("{{ " + expression + " }}") == expected


def test_filters_over_rows() -> None:
    people = [
        {"name": "b", "team": "x", "age": 3},
        {"name": "a", "team": "y", "age": 1},
        {"name": "c", "team": "x"},
    ]
    text = (
        "{{ people | map(attribute='name') | join(sep=',') }} "
        "{{ people | filter(attribute='team', value='x') | length }} "
        "{{ people | filter(attribute='age') | length }} "
        "{% for team, group in people | group_by(attribute='team') %}"
        "{{ team }}{{ group | length }}{% endfor %} "
        "{{ people | slice(end=2) | sort(attribute='name') | map(attribute='name') }} "
        "{{ people[0] | get(key='name') }}{{ people[2] | get(key='age', default=0) }}"
    )
    assert render(text, people=people) == "b,a,c 2 2 x2y1 [a, b] b0"


def test_json_encode_compact_and_pretty() -> None:
    value = {"a": [1, True, None], "s": 'é"\n'}
    assert (
        render("{{ v | json_encode }}", v=value) == '{"a":[1,true,null],"s":"é\\"\\n"}'
    )
    pretty = render("{{ v | json_encode(pretty=true) }}", v={"a": [1], "b": {}})
    assert pretty == '{\n  "a": [\n    1\n  ],\n  "b": {}\n}'


@pytest.mark.parametrize(
    ("filter_name", "source", "expected"),
    [
        ("snake_case", "HTTPServer", "http_server"),
        ("snake_case", "user2Name", "user_2_name"),
        ("snake", "FooBar baz", "foo_bar_baz"),
        ("pascal_case", "foo_bar-baz qux", "FooBarBazQux"),
        ("pascal", "user_id2", "UserId2"),
        ("camel_case", "Foo_bar", "fooBar"),
        ("camel", "HTTPServer", "httpserver"),
        ("kebab_case", "FooBar", "foo-bar"),
        ("kebab", "foo_bar", "foo-bar"),
        ("shouty_snake_case", "fooBar", "FOO_BAR"),
        ("shouty", "foo-bar", "FOO_BAR"),
        ("shouty_kebab_case", "HTTPServer", "HTTP-SERVER"),
        ("title_case", "foo_bar", "Foo Bar"),
        ("title", "hello_world", "Hello World"),
        ("sentence_case", "FooBar", "Foo bar"),
        ("train_case", "foo_bar", "Foo-Bar"),
        ("class", "line_items", "LineItem"),
        ("lcfirst", "Hello", "hello"),
        ("ucfirst", "hello", "Hello"),
        ("local_name", "http://ex.org/ns#Thing", "Thing"),
        ("local_name", "http://ex.org/ns/Other", "Other"),
        ("pluralize", "city", "cities"),
        ("pluralize", "goose", "geese"),
        ("pluralize", "sheep", "sheep"),
        ("singularize", "buses", "bus"),
        ("singularize", "mice", "mouse"),
        ("ordinalize", "1", "1st"),
        ("ordinalize", "12", "12th"),
        ("ordinalize", "23", "23rd"),
        ("tableize", "RawScaledScorer", "raw_scaled_scorers"),
        ("classify", "raw_scaled_scorers", "RawScaledScorer"),
        ("demodulize", "Foo::Bar::baz_qux", "BazQux"),
        ("deconstantize", "Foo::Bar::Baz", "Bar"),
        ("foreign_key", "Message", "message_id"),
        ("humanize", "employee_salary", "Employee salary"),
        ("hex_to_u64", "0x1f", "31"),
    ],
)
def test_ggen_filters(filter_name: str, source: str, expected: str) -> None:
    assert render("{{ s | " + filter_name + " }}", s=source) == expected


@pytest.mark.parametrize(
    ("filter_name", "source", "expected"),
    [
        ("erlang_string", 'say "hi"\\\n', 'say \\"hi\\"\\\\\\n'),
        ("erlang_atom", "ok", "ok"),
        ("erlang_atom", "Not ok", "'Not ok'"),
        ("erlang_atom", "it's", "'it\\'s'"),
        ("erlang_atom", "receive", "'receive'"),
        ("rust_string", 'a"b\\\t', 'a\\"b\\\\\\t'),
        ("sql_string", "O'Brien", "'O''Brien'"),
        ("json_string", 'a"b', '"a\\"b"'),
    ],
)
def test_escaping_filters(filter_name: str, source: str, expected: str) -> None:
    assert render("{{ s | " + filter_name + " }}", s=source) == expected


def test_ggen_filters_are_available_in_jinja_files(tmp_path: Path) -> None:
    (tmp_path / "x.j2").write_text("{{ 'a_b' | pascal_case }} {{ 'x' | erlang_atom }}")
    engine = TemplateEngine(tmp_path)
    assert engine.render_file(tmp_path / "x.j2", {}) == "AB x"


def test_filter_on_undefined_reports_the_variable() -> None:
    with pytest.raises(TemplateError, match="`gone`"):
        render("{{ gone | upper }}")
