"""English inflection with the rules of the Rust ``Inflector`` crate ggen uses.

The point is byte-identical output with ggen, quirks included, so the rule
tables below follow Inflector's: the last matching rule wins, a rule keeps only
the word it matched (``pluralize("big cat")`` is ``cats``, as in ggen), and a
fixed list of uncountable words is returned unchanged.

Known limitations (inherited on purpose, because ggen has them too):
``person`` pluralizes to ``personople`` and ``people``/``children`` do not
singularize.
"""

from __future__ import annotations

import re

from ggen.templating.casing import pascal_case, sentence_case, snake_case


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a block of text."""
    return text.split()


UNCOUNTABLE = frozenset(
    _words(
        """
        accommodation adulthood advertising advice aggression aid air aircraft
        alcohol anger applause arithmetic assistance athletics bacon baggage beef
        biology blood botany bread butter carbon cardboard cash chalk chaos chess
        crossroads countryside dancing deer dignity dirt dust economics education
        electricity engineering enjoyment envy equipment ethics evidence evolution
        fame fiction flour flu food fuel fun furniture gallows garbage garlic
        genetics gold golf gossip grammar gratitude grief guilt gymnastics happiness
        hardware harm hate hatred health heat help homework honesty honey
        hospitality housework humour hunger hydrogen ice importance inflation
        information innocence iron irony jam jewelry judo karate knowledge lack
        laughter lava leather leisure lightning linguine linguini linguistics
        literature litter livestock logic loneliness luck luggage macaroni machinery
        magic management mankind marble mathematics mayonnaise measles methane milk
        money mud music mumps nature news nitrogen nonsense nurture nutrition
        obedience obesity oxygen pasta patience physics poetry pollution poverty
        pride psychology publicity punctuation quartz racism relaxation reliability
        research respect revenge rice rubbish rum safety scenery seafood seaside
        series shame sheep shopping sleep smoke smoking snow soap software soil
        spaghetti species steam stuff stupidity sunshine symmetry tennis thirst
        thunder timber traffic transportation trust underwear unemployment unity
        validity veal vegetation vegetarianism vengeance violence vitality warmth
        wealth weather welfare wheat wildlife wisdom yoga zinc zoology
        """
    )
)

_IRREGULAR = {
    "ox": "oxen",
    "man": "men",
    "woman": "women",
    "die": "dice",
    "yes": "yeses",
    "foot": "feet",
    "eave": "eaves",
    "goose": "geese",
    "tooth": "teeth",
    "quiz": "quizzes",
}
_IRREGULAR_SINGULAR = {plural: single for single, plural in _IRREGULAR.items()}
_IRREGULAR_SINGULAR["boxes"] = "box"

# (pattern, suffix): group 1 is kept and the suffix appended. Listed from the
# lowest to the highest priority; the engine tries them from the bottom up.
_PLURAL_RULES: list[tuple[str, str]] = [
    (r"(\w*)s\Z", "s"),
    (r"(\w*([^aeiou]ese))\Z", ""),
    (r"(\w*(ax|test))is\Z", "es"),
    (r"(\w*(alias|[^aou]us|tlas|gas|ris))\Z", "es"),
    (r"(\w*(e[mn]u))s?\Z", "s"),
    (r"(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))\Z", ""),
    (
        r"(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill"
        r"|foc|uter|loc|strat))(?:us|i)\Z",
        "i",
    ),
    (r"(\w*(alumn|alg|vertebr))(?:a|ae)\Z", "ae"),
    (r"(\w*(seraph|cherub))(?:im)?\Z", "im"),
    (r"(\w*(her|at|gr))o\Z", "oes"),
    (
        r"(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr"
        r"|errat|ov|symposi|curricul|automat|quor))(?:a|um)\Z",
        "a",
    ),
    (
        r"(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ"
        r"|prolegomen|hedr|automat))(?:a|on)\Z",
        "a",
    ),
    (r"(\w*)sis\Z", "ses"),
    (r"(\w*(kni|wi|li))fe\Z", "ves"),
    (r"(\w*(ar|l|ea|eo|oa|hoo))f\Z", "ves"),
    (r"(\w*([^aeiouy]|qu))y\Z", "ies"),
    (r"(\w*([^ch][ieo][ln]))ey\Z", "ies"),
    (r"(\w*(x|ch|ss|sh|zz)es)\Z", ""),
    (r"(\w*(x|ch|ss|sh|zz))\Z", "es"),
    (r"(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)\Z", "ices"),
    (r"(\w*(m|l)(?:ice|ouse))\Z", "ice"),
    (r"(\w*(pe)(?:rson|ople))\Z", "ople"),
    (r"(\w*(child))(?:ren)?\Z", "ren"),
    (r"(\w*eaux)\Z", ""),
]

# (pattern, replacement): group 1 is kept, then the replacement with ``\N``
# standing for group N. Lowest priority first, as above.
_SINGULAR_RULES: list[tuple[str, str]] = [
    (r"(\w*)s\Z", ""),
    (r"(\w*)(ss)\Z", r"\2"),
    (r"(n)ews\Z", "ews"),
    (r"(\w*)(o)es\Z", ""),
    (r"(\w*)([ti])a\Z", "um"),
    (
        r"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)\Z",
        "sis",
    ),
    (r"(\Aanaly)(sis|ses)\Z", "sis"),
    (r"(\w*)([^f])ves\Z", "fe"),
    (r"(\w*)(hive)s\Z", ""),
    (r"(\w*)(tive)s\Z", ""),
    (r"(\w*)([lr])ves\Z", "f"),
    (r"(\w*([^aeiouy]|qu))ies\Z", "y"),
    (r"(s)eries\Z", "eries"),
    (r"(m)ovies\Z", "ovie"),
    (r"(\w*)(x|ch|ss|sh)es\Z", r"\2"),
    (r"(m|l)ice\Z", "ouse"),
    (r"(bus)(es)?\Z", ""),
    (r"(shoe)s\Z", ""),
    (r"(cris|test)(is|es)\Z", "is"),
    (r"\A(a)x[ie]s\Z", "xis"),
    (r"(octop|vir)(us|i)\Z", "us"),
    (r"(alias|status)(es)?\Z", ""),
    (r"\A(ox)en", ""),
    (r"(vert|ind)ices\Z", "ex"),
    (r"(matr)ices\Z", "ix"),
    (r"(quiz)zes\Z", ""),
    (r"(database)s\Z", ""),
]

_PLURAL = [(re.compile(p), s) for p, s in reversed(_PLURAL_RULES)]
_SINGULAR = [(re.compile(p), s) for p, s in reversed(_SINGULAR_RULES)]


def pluralize(word: str) -> str:
    """The plural of ``word`` (``city`` -> ``cities``)."""
    if word in UNCOUNTABLE:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for pattern, suffix in _PLURAL:
        match = pattern.search(word)
        if match and match.group(1) is not None:
            return match.group(1) + suffix
    return word + "s"


def singularize(word: str) -> str:
    """The singular of ``word`` (``cities`` -> ``city``)."""
    if word in UNCOUNTABLE:
        return word
    if word in _IRREGULAR_SINGULAR:
        return _IRREGULAR_SINGULAR[word]
    for pattern, replacement in _SINGULAR:
        match = pattern.search(word)
        if match and match.group(1) is not None:
            return match.group(1) + match.expand(replacement)
    return word


def ordinalize(text: str) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``; text not ending in a digit is kept."""
    if not text or not text[-1].isnumeric():
        return text
    if len(text) > 1 and text[-2] == "1":
        return text + "th"
    if len(text) > 1 and "." in text:
        return text
    return text + {"1": "st", "2": "nd", "3": "rd"}.get(text[-1], "th")


def deordinalize(text: str) -> str:
    """``1st`` -> ``1``: strips st/nd/rd/th unless the text has a ``.``."""
    if "." in text:
        return text
    for suffix in ("st", "nd", "rd", "th"):
        while text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def classify(text: str) -> str:
    """``line_items`` -> ``LineItem``: PascalCase with the last word singular."""
    camel = pascal_case(text)
    cut = max((i for i, c in enumerate(camel) if c.isupper()), default=0)
    return camel[:cut] + singularize(camel[cut:])


def tableize(text: str) -> str:
    """``LineItem`` -> ``line_items``: snake_case with the last word plural."""
    snake = snake_case(text)
    cut = snake.rfind("_")
    cut = max(cut, 0)
    return snake[:cut] + pluralize(snake[cut:])


def demodulize(text: str) -> str:
    """``Foo::Bar`` -> ``Bar`` (classified); text without ``::`` is kept."""
    if "::" not in text:
        return text
    return classify(text.split("::")[-1])


def deconstantize(text: str) -> str:
    """``Foo::Bar::Baz`` -> ``Bar`` (classified); empty without ``::``."""
    if "::" not in text:
        return ""
    return classify(text.split("::")[-2])


def foreign_key(text: str) -> str:
    """``Message`` -> ``message_id``; ``Admin::Post`` -> ``post_id``."""
    snake = snake_case(text.split("::")[-1])
    return snake if snake.endswith("_id") else snake + "_id"


def humanize(text: str) -> str:
    """``employee_salary`` -> ``Employee salary`` (sentence case)."""
    return sentence_case(text)
