"""Case conversion with the word-splitting rules of the Rust crates ggen uses.

ggen's own filters (``snake_case``, ``pascal_case``, ...) come from the Rust
``Inflector`` crate; a few older aliases (``shouty_kebab``, ``titlecase``,
``constant``) come from ``heck``. The two split words differently, so both are
reproduced here:

* Inflector, snake-like cases: any non-alphanumeric character separates words;
  an "uppercase" character (which, in Inflector, includes digits) starts a new
  word when the character before or after it is lowercase. So ``HTTPServer``
  gives ``http_server`` and ``user2Name`` gives ``user_2_name``.
* Inflector, camel-like cases: a digit always ends a word, a lowercase letter
  followed by an uppercase one starts a new word; leading separators are
  dropped; letters after the first of a word are lowercased (ASCII only).
* heck: words split at non-alphanumerics, before an uppercase letter that
  follows a lowercase one, and before the last capital of an acronym
  (``HTTPServer`` gives ``HTTP`` + ``Server``); digits never split.
"""

from __future__ import annotations

from dataclasses import dataclass


def _ascii_upper(char: str) -> str:
    """Upper-case ASCII letters only, as Rust's ``to_ascii_uppercase``."""
    return char.upper() if char.isascii() else char


def _ascii_lower(char: str) -> str:
    """Lower-case ASCII letters only, as Rust's ``to_ascii_lowercase``."""
    return char.lower() if char.isascii() else char


def _strip_trailing_separators(text: str) -> str:
    """Drop non-alphanumeric characters at the end."""
    end = len(text)
    while end > 0 and not text[end - 1].isalnum():
        end -= 1
    return text[:end]


def _upper_like(char: str) -> bool:
    """Inflector's "is uppercase" test: unchanged by ASCII upper-casing."""
    return char == _ascii_upper(char)


def _neighbour_is_lower(text: str, index: int) -> bool:
    """Whether the character after or before ``index`` is lowercase.

    Outside the string counts as uppercase, as in Inflector. Inflector counts
    ``index`` in UTF-8 bytes but looks neighbours up by character; that quirk
    is kept so non-ASCII names split exactly as ggen splits them.
    """
    offset = len(text[:index].encode("utf-8"))
    after = text[offset + 1] if offset + 1 < len(text) else "A"
    before = text[offset - 1] if 0 <= offset - 1 < len(text) else "A"
    return after.islower() or before.islower()


def snake_like(text: str, separator: str, upper: bool) -> str:
    """Inflector's snake-like conversion (snake, kebab, screaming snake)."""
    convert = _ascii_upper if upper else _ascii_lower
    out: list[str] = []
    at_word_start = True
    for index, char in enumerate(_strip_trailing_separators(text)):
        if not char.isalnum():
            if not at_word_start:
                at_word_start = True
                out.append(separator)
            continue
        needs_break = (
            not at_word_start and _upper_like(char) and _neighbour_is_lower(text, index)
        )
        if needs_break:
            out.append(separator)
        at_word_start = False
        out.append(convert(char))
    return "".join(out)


@dataclass(frozen=True)
class CamelStyle:
    """How a camel-like case joins words (mirrors Inflector's options)."""

    new_word: bool
    first_word: bool
    joiner: str
    lower_later_words: bool


def camel_like(text: str, style: CamelStyle) -> str:
    """Inflector's camel-like conversion (camel, pascal, title, train, ...)."""
    new_word, first_word = style.new_word, style.first_word
    last_char = " "
    seen_real = False
    out: list[str] = []
    for char in _strip_trailing_separators(text):
        if not char.isalnum():
            if seen_real:
                new_word = True
            continue
        seen_real = True
        if char.isnumeric():
            new_word = True
            out.append(char)
        elif new_word or (last_char.islower() and char.isupper()):
            new_word = False
            out.append(_word_start(char, first_word, style))
            first_word = False
        else:
            last_char = char
            out.append(_ascii_lower(char))
    return "".join(out)


def _word_start(char: str, first_word: bool, style: CamelStyle) -> str:
    """The first character of a word, with the joiner before it if any."""
    joiner = style.joiner if style.joiner and not first_word else ""
    if style.lower_later_words and not first_word:
        return joiner + _ascii_lower(char)
    return joiner + _ascii_upper(char)


_CAMEL = CamelStyle(
    new_word=False, first_word=False, joiner="", lower_later_words=False
)
_PASCAL = CamelStyle(
    new_word=True, first_word=False, joiner="", lower_later_words=False
)
_TITLE = CamelStyle(new_word=True, first_word=True, joiner=" ", lower_later_words=False)
_SENTENCE = CamelStyle(
    new_word=True, first_word=True, joiner=" ", lower_later_words=True
)
_TRAIN = CamelStyle(new_word=True, first_word=True, joiner="-", lower_later_words=False)


def snake_case(text: str) -> str:
    """``FooBar`` -> ``foo_bar``."""
    return snake_like(text, "_", upper=False)


def kebab_case(text: str) -> str:
    """``FooBar`` -> ``foo-bar``."""
    return snake_like(text, "-", upper=False)


def screaming_snake_case(text: str) -> str:
    """``fooBar`` -> ``FOO_BAR``."""
    return snake_like(text, "_", upper=True)


def camel_case(text: str) -> str:
    """``foo_bar`` -> ``fooBar``."""
    return camel_like(text, _CAMEL)


def pascal_case(text: str) -> str:
    """``foo_bar`` -> ``FooBar``."""
    return camel_like(text, _PASCAL)


def title_case(text: str) -> str:
    """``foo_bar`` -> ``Foo Bar``."""
    return camel_like(text, _TITLE)


def sentence_case(text: str) -> str:
    """``foo_bar`` -> ``Foo bar``."""
    return camel_like(text, _SENTENCE)


def train_case(text: str) -> str:
    """``foo_bar`` -> ``Foo-Bar``."""
    return camel_like(text, _TRAIN)


def heck_words(text: str) -> list[str]:
    """Split ``text`` into words the way the ``heck`` crate does."""
    words: list[str] = []
    for chunk in "".join(c if c.isalnum() else " " for c in text).split():
        words.extend(_split_chunk(chunk))
    return words


def _split_chunk(chunk: str) -> list[str]:
    """Split one alphanumeric run at case changes (heck's rule)."""
    words: list[str] = []
    start = 0
    mode = "boundary"
    for index, char in enumerate(chunk[:-1]):
        following = chunk[index + 1]
        next_mode = "lower" if char.islower() else "upper" if char.isupper() else mode
        if next_mode == "lower" and following.isupper():
            words.append(chunk[start : index + 1])
            start, mode = index + 1, "boundary"
        elif mode == "upper" and char.isupper() and following.islower():
            if index > start:
                words.append(chunk[start:index])
            start, mode = index, "boundary"
        else:
            mode = next_mode
    words.append(chunk[start:])
    return [word for word in words if word]


def heck_shouty(text: str, separator: str) -> str:
    """heck's SHOUTY_SNAKE / SHOUTY-KEBAB case."""
    return separator.join(word.upper() for word in heck_words(text))


def heck_title(text: str) -> str:
    """heck's Title Case: each word capitalised, joined by spaces."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in heck_words(text))


def lcfirst(text: str) -> str:
    """Lower-case the first character only."""
    return text[:1].lower() + text[1:]


def ucfirst(text: str) -> str:
    """Upper-case the first character only."""
    return text[:1].upper() + text[1:]


def local_name(iri: str) -> str:
    """The part of an IRI after the last ``#``, else after the last ``/``."""
    for separator in ("#", "/"):
        if separator in iri:
            return iri.rsplit(separator, 1)[1]
    return iri
