"""Translation anchors: the parts of a news text that survive translation into another language.

A translator rewrites every common word but keeps names, places, organisations, acronyms,
numbers and dates. Written in another script they change spelling (`Tokayev`, `Tokajev`,
`Тоқаев`), so each name is reduced to a *phonetic key*: transliterated to ASCII, digraphs merged
(`sh`, `zh`, `kh`), letters folded into consonant classes that transliteration systems confuse
(`q`/`k`/`g`, `s`/`z`/`c`/`j`, `v`/`w`/`f`), vowels dropped, and only the first consonants kept so
that case endings (`Tokayevin`, `Putinom`) do not matter.

Other anchors:

* **exonyms** (:mod:`cleanpress.exonyms`): countries, capitals and their acronyms whose names
  differ by language get one canonical anchor (``Germany``, ``Almaniya``, ``Njemačka`` -> ``@de``;
  ``USA``, ``ABŞ``, ``SAD``, ``АҚШ`` -> ``@us``);
* **numbers** in any notation: group separators dropped (``6 500``, ``6.500``, ``6,500``),
  decimal commas read as points (``2,5`` = ``2.5``), scale words applied in the 14 benchmark
  languages (``2.5 million``, ``2,5 млн``, ``6 min 500`` = 6500);
* **dates**: a month name next to a number (``11 June``, ``11 июня``, ``June 2019``) or a
  numeric date (``11.06.2019``) adds the month (``@m6``) and the day (``@m6/11``);
* **quoted titles** (measured, off by default): a capitalised word right after an opening quote
  counts as a name even at the start of a sentence (``«Lukoil»``).

Pages whose script has no case (Georgian, Arabic, CJK: :func:`is_caseless`) cannot tell names by
their capital letter: their anchors are every word's key (:func:`all_word_anchors`). Languages
that capitalise every noun (German, :data:`NOUN_CASE_LANGUAGES`) keep their capitalised words,
nouns included. Both are *fallback* anchor sets, larger than the names of the other side, and
:mod:`cleanpress.dedup` compares them by containment instead of Jaccard similarity.

>>> sorted(translation_anchors("Yesterday Tokayev met Putin in Moscow; 6,500 km of road."))
['#6500', '@mos', 'ptn', 'tkv']
>>> phonetic_key("Tokajev") == phonetic_key("Тоқаевнинг") == phonetic_key("Tokayevin")
True
"""
from __future__ import annotations

import math

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import regex
from anyascii import anyascii

from .exonyms import exonym, is_month, scale

KEY_LENGTH = 3  # consonant classes kept per name: long enough to be rare, short enough to ignore endings
MIN_KEY_LENGTH = 2  # shorter keys ("Xi" -> "s") match too much to be evidence
ALL_FEATURES = frozenset({"exonyms", "numbers", "dates", "quotes"})  # every optional kind of anchor
# Quoted titles are off: in news most quotes are speech, and their first words only added noise
# (benchmarks/translated.py: F1 -0.005 on whole articles, -0.006 on halves).
FEATURES = ALL_FEATURES - {"quotes"}

# One token: a word, a numeric date, or a number (group separators, decimal part). Words come
# first because most tokens are words; no date or number starts with a letter, so the order
# changes no match.
_WORD_CHAR = r"[\p{L}\p{M}'’]"  # what a word goes on with after its first letter
_DATE = r"(?<!\d)\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d])"
_NUMBER = r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?![\d])(?:[.,]\d+(?![\d]))?|\d+(?:[.,]\d+(?![\d]))?"
_TOKEN = regex.compile(rf"(?P<word>\p{{L}}{_WORD_CHAR}*)|(?P<date>{_DATE})|(?P<number>{_NUMBER})")
# A token with the gap before it, so that one findall yields the whole sequence; every letter
# or digit starts a token, everything else is gap.
_GAP = r"[^\p{L}\d]*+"  # possessive: linear on text without tokens
_GAPPED_TOKEN = regex.compile(rf"\G({_GAP})(?:{_TOKEN.pattern})")
# The tokens anchor_sequence looks for (see _anchor_tokens), found by one search that jumps
# from capital to digit: a word that starts with a capital or titlecase letter, with the gap
# before it, a date, a number; split() returns the text between them too. Every letter
# str.isupper() is true of is Lu or Lt (tests check each code point), so no capitalised word
# is missed. A letter right after a letter (and the marks or apostrophes that may follow one)
# is inside a word and starts none: no capital in iPhone or d’Arc starts a token. The gap is
# read backwards from the word, so it may take the marks or apostrophes that end the word
# before it, which tell neither a sentence start nor a quote.
_CAPITAL = r"[\p{Lu}\p{Lt}]"
_CANDIDATE = regex.compile(rf"(?<!\p{{L}}[\p{{M}}'’]*+)(?<=({_GAP}))({_CAPITAL}{_WORD_CHAR}*)|({_DATE})|({_NUMBER})")
# The first and the last word of the text between two of those: the neighbours of a number.
# The last is read backwards (REVERSE) with the gap after it, which cannot start with a mark or
# apostrophe (the word would have taken it).
_FIRST_WORD = regex.compile(rf"{_GAP}(\p{{L}}{_WORD_CHAR}*)")
_LAST_WORD = regex.compile(rf"(\p{{L}}{_WORD_CHAR}*)(?:[^\p{{L}}\p{{M}}\d'’][^\p{{L}}\d]*)?", regex.REVERSE)
_SENTENCE_BREAK = regex.compile(r"[.!?…:;—–]")  # between two words: the second starts a sentence
_OPENING_QUOTE = regex.compile(r"[«„“\"‘‚‹]\s*$")
_GROUPED = regex.compile(r"^\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+")
_NOT_ASCII_LETTER = regex.compile(r"[^a-z]")

# Digraphs that transliteration systems write differently, merged before letters are classed.
_DIGRAPHS = (
    ("dzh", "s"), ("sch", "s"), ("sh", "s"), ("ch", "s"), ("zh", "s"), ("dj", "s"),
    ("ts", "s"), ("tz", "s"), ("kh", "h"), ("gh", "k"), ("ph", "v"), ("th", "t"), ("ck", "k"),
)
# Letters whose ASCII fold would lose a sound that matters (ç and c both fold to "c").
_BEFORE_ANYASCII = str.maketrans({"ç": "ch", "ş": "sh", "ș": "sh", "ţ": "ts", "ț": "ts"})
# c before a back vowel or a consonant is hard in English and Romance spelling (Moscow, Caracas).
_HARD_C = regex.compile(r"c(?![eiy])")
# Consonant classes; letters missing here (vowels, h, x, y, and j after the first letter) are dropped.
_CONSONANT_CLASS = {
    **dict.fromkeys("bp", "p"),
    **dict.fromkeys("fvw", "v"),
    **dict.fromkeys("kqg", "k"),
    **dict.fromkeys("sczj", "s"),
    **dict.fromkeys("dt", "t"),
    "l": "l", "m": "m", "n": "n", "r": "r",
}


@lru_cache(maxsize=65536)
def phonetic_key(word: str, length: int = KEY_LENGTH) -> str:
    """The consonant skeleton of a name, the same across scripts and transliterations.

    >>> phonetic_key("Washington"), phonetic_key("Vaşinqton")
    ('vsn', 'vsn')
    >>> phonetic_key("Qazaxıstan"), phonetic_key("Kazakhstan")
    ('kst', 'kst')
    """
    ascii_word = _NOT_ASCII_LETTER.sub("", anyascii(word.lower().translate(_BEFORE_ANYASCII)))
    for digraph, replacement in _DIGRAPHS:
        ascii_word = ascii_word.replace(digraph, replacement)
    ascii_word = _HARD_C.sub("k", ascii_word)
    classes: list[str] = []
    for position, letter in enumerate(ascii_word):
        if letter == "j" and position > 0:
            continue  # inside a word j is mostly the glide y (Tokajev), not dzh
        code = _CONSONANT_CLASS.get(letter)
        if code and (not classes or classes[-1] != code):
            classes.append(code)
            if len(classes) == length:
                break
    return "".join(classes)


@dataclass(slots=True)
class Token:
    kind: str  # "date", "number" or "word"
    text: str
    sentence_start: bool  # capitalised because a sentence starts here, not because it is a name
    after_quote: bool  # right after an opening quote


PLAIN_WORD = Token("word", "", False, False)  # a lower-case word that can make no anchor (tokens(names_only=True))


def tokens(text: str, *, names_only: bool = False) -> Iterator[Token]:
    """Dates, numbers and words of ``text``, each knowing whether it starts a sentence.

    >>> [(t.kind, t.text, t.sentence_start) for t in tokens("Ended. In 2019 «Lukoil» paid 6 500")]
    [('word', 'Ended', True), ('word', 'In', True), ('number', '2019', False), ('word', 'Lukoil', False), ('word', 'paid', False), ('number', '6 500', False)]

    With ``names_only``, a lower-case word that is neither a month nor a scale word (it can be
    no anchor, nor the neighbour that makes one) comes as :data:`PLAIN_WORD`, which keeps the
    positions right at a fraction of the cost:

    >>> [t.text or "-" for t in tokens("paid 6 million to Almaniya", names_only=True)]
    ['-', '6', 'million', '-', 'Almaniya']
    """
    first = True  # the start of a line starts a sentence
    for gap, word, date, number in _GAPPED_TOKEN.findall(text):
        if names_only and _is_plain(word):
            yield PLAIN_WORD
        else:
            yield _token(gap, word, date, number, first)
        first = False


def _token(gap: str, word: str, date: str, number: str, first: bool) -> Token:
    """The token of one match of ``_GAPPED_TOKEN``, told by the gap before it (and ``first``,
    the first token of the text) whether it starts a sentence or follows an opening quote."""
    sentence_start, after_quote = _gap_flags(gap, first)
    if word:
        return Token("word", word, sentence_start, after_quote)
    return Token("date" if date else "number", date or number, sentence_start, after_quote)


def _gap_flags(gap: str, first: bool) -> tuple[bool, bool]:
    """Whether the token after ``gap`` starts a sentence, and whether it follows an opening quote."""
    if first or "\n" in gap:
        return True, bool(_OPENING_QUOTE.search(gap[gap.rfind("\n") + 1 :]))
    if gap == " ":  # the usual gap: neither a sentence break nor a quote
        return False, False
    return bool(_SENTENCE_BREAK.search(gap)), bool(_OPENING_QUOTE.search(gap))


@lru_cache(maxsize=65536)
def _is_plain(word: str) -> bool:
    """A lower-case word that is neither a month nor a scale word: it can make no anchor; False
    for a date or number (``word`` empty). Cached: asked of most words, and words repeat."""
    return bool(word) and not word[0].isupper() and not _may_neighbour_a_number(word)


def _anchor_tokens(text: str) -> list[Token]:
    """The tokens :func:`anchor_sequence` reads, in order: the capitalised words, dates and
    numbers, and the lower-case words next to a number (as :data:`PLAIN_WORD` unless they are
    months or scale words).

    Other lower-case words can make no anchor, and only numbers ask for their neighbours (the
    scale word and remainder after one; a month asks whether one is next to it), so those are
    left out: ``tokens(text)`` gives the same anchors, at several times the cost. Numbers and
    the lower-case words kept here do not say whether they start a sentence (no anchor asks).

    >>> [t.text or "-" for t in _anchor_tokens("Paid 6 million to Almaniya in june, in 2019 and 2 in 2020")]
    ['Paid', '6', 'million', 'Almaniya', '-', '2019', '-', '2', '-', '2020']
    """
    parts = _CANDIDATE.split(text)  # for each match: the text before it, then its groups
    items: list[Token] = []
    after_number = False  # the last token read is a number
    for run, gap, word, date, number in zip(parts[0::5], parts[1::5], parts[2::5], parts[3::5], parts[4::5]):
        if (after_number or number) and run != " ":  # " ", the usual run between two tokens, has no word
            items.extend(_number_neighbours(run, after_number, bool(number)))
        if word:
            if _is_plain(word):  # a titlecase letter (ǅ) is no capital
                items.append(PLAIN_WORD)
            elif gap == " " and items:  # the usual gap: neither a sentence break nor a quote
                items.append(Token("word", word, False, False))
            else:  # the first token of the text when nothing but the gap stands before it
                items.append(Token("word", word, *_gap_flags(gap, not items and run == gap)))
        else:
            items.append(Token("date" if date else "number", date or number, False, False))
        after_number = bool(number)
    if after_number:
        items.extend(_number_neighbours(parts[-1], True, False))
    return items


def _number_neighbours(run: str, after_number: bool, before_number: bool) -> list[Token]:
    """The tokens of the text between two of ``_CANDIDATE``'s tokens that ``anchor_sequence``
    reads: its first word if a number comes before the text, its last if one comes after."""
    first = _FIRST_WORD.match(run) if after_number else None
    last = _LAST_WORD.match(run) if before_number else None
    if first and last and first.span(1) == last.span(1):
        last = None  # one word between two numbers
    return [_neighbour_word(match[1]) for match in (first, last) if match]


def _neighbour_word(word: str) -> Token:
    """The token of a lower-case word next to a number."""
    return PLAIN_WORD if _is_plain(word) else Token("word", word, False, False)


@lru_cache(maxsize=65536)
def _may_neighbour_a_number(word: str) -> bool:
    """A month name or a scale word: the words that turn a nearby number into an anchor."""
    canonical = exonym(word)
    return (canonical is not None and is_month(canonical)) or scale(word) is not None


def number_value(token: str) -> float:
    """The value of a number token: group separators dropped, a decimal comma read as a point.

    >>> number_value("6 500"), number_value("6.500"), number_value("6,500"), number_value("2,5"), number_value("1.234,5")
    (6500.0, 6500.0, 6500.0, 2.5, 1234.5)
    """
    grouped = _GROUPED.match(token)
    if grouped:
        whole, rest = grouped.group(), token[grouped.end() :]
        digits = regex.sub(r"\D", "", whole)
        return float(digits + ("." + rest[1:] if rest else ""))
    return float(token.replace(",", "."))


def number_anchor(value: float) -> str:
    """``#`` and the number, without a decimal part when it is whole.

    >>> number_anchor(6500.0), number_anchor(2.5), number_anchor(2500000.0), number_anchor(float("inf"))
    ('#6500', '#2.5', '#2500000', '#inf')
    """
    if not math.isfinite(value):  # a run of hundreds of digits: no real number, still one token
        return "#inf"
    return f"#{int(value)}" if value == int(value) else f"#{value:g}"


def _digits_anchor(token: str) -> str:
    """``#`` and the digits of a number or date token, leading zeros dropped: the anchor when
    the feature that would read its value is off.

    >>> _digits_anchor("6 500"), _digits_anchor("11.06.2019"), _digits_anchor("007")
    ('#6500', '#11062019', '#7')
    """
    return "#" + (regex.sub(r"\D", "", token).lstrip("0") or "0")


def _numbers(items: list[Token], i: int) -> tuple[list[str], int]:
    """The anchor of the number at ``items[i]`` with its scale word and remainder; tokens used."""
    value = number_value(items[i].text)
    used = 1
    if i + 1 < len(items) and items[i + 1].kind == "word":
        multiplier = scale(items[i + 1].text)
        if multiplier:
            value *= multiplier
            used = 2
            rest = items[i + 2] if i + 2 < len(items) else None
            if rest is not None and rest.kind == "number" and number_value(rest.text) < multiplier:
                value += number_value(rest.text)  # "6 min 500", "2 million 300 thousand" is left alone
                used = 3
    return [number_anchor(value)], used


def _date(token: str) -> list[str]:
    day, month, year = regex.split(r"[./]", token)
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return [number_anchor(float(x)) for x in (day, month, year)]
    year_value = int(year) + (2000 if len(year) == 2 else 0)
    return [f"#{int(day)}", f"@m{int(month)}", f"@m{int(month)}/{int(day)}", f"#{year_value}"]


def _month(items: list[Token], i: int, month: str) -> list[str]:
    """A month anchor when a number stands next to the month name, and the day when it is one.

    A run of more than about 308 digits reads as infinity (:func:`number_value`), which is no
    day; ``float.is_integer`` says so where ``int(value)`` would raise OverflowError.
    """
    anchors: list[str] = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(items) and items[j].kind == "number":
            if not anchors:
                anchors.append(month)
            value = number_value(items[j].text)
            if value.is_integer() and 1 <= value <= 31:
                anchors.append(f"{month}/{int(value)}")
    return anchors


def _name(word: str, exonyms: bool) -> str | None:
    if exonyms:
        canonical = exonym(word)
        if canonical is not None and not is_month(canonical):
            if len(word) > 3 or word.isupper():  # "US", "SAD" as acronyms, not "Us", "Sad"
                return canonical
    key = phonetic_key(word)
    return key if len(key) >= MIN_KEY_LENGTH else None


def anchor_sequence(text: str, features: frozenset[str] = FEATURES) -> list[str]:
    """The anchors of ``text`` in reading order, repeats included.

    ``features`` switches the optional kinds off for measurement: ``exonyms``, ``numbers``
    (scale words and decimals; plain integers are always anchors), ``dates`` (off, a numeric
    date is one digit anchor: ``11.06.2019`` -> ``#11062019``), ``quotes``. No text makes it
    raise: a number too long for a float is ``#inf``, and next to a month no day.

    >>> anchor_sequence("On 11 June Tokayev paid 2,5 million to Almaniya.")
    ['#11', '@m6', '@m6/11', 'tkv', '#2500000', '@de']
    """
    items = _anchor_tokens(text)
    exonyms, numbers, dates, quotes = (name in features for name in ("exonyms", "numbers", "dates", "quotes"))
    anchors: list[str] = []
    i = 0
    while i < len(items):
        token = items[i]
        used = 1
        if token is PLAIN_WORD:
            pass
        elif token.kind == "date" and dates:
            anchors.extend(_date(token.text))
        elif token.kind == "number" and numbers:
            found, used = _numbers(items, i)
            anchors.extend(found)
        elif token.kind in ("date", "number"):
            # a number with "numbers" off, or a date with "dates" off: no number_value can read
            # "11.06.2019", so it is its digits like any number without the feature
            anchors.append(_digits_anchor(token.text))
        else:
            month, as_name, at_sentence_start = _word_readings(token.text, exonyms, dates)
            if month:
                anchors.extend(_month(items, i, month))
            else:
                at_name = not token.sentence_start or (quotes and token.after_quote)
                anchor = as_name if at_name else at_sentence_start
                if anchor:
                    anchors.append(anchor)
        i += used
    return anchors


@lru_cache(maxsize=65536)
def _word_readings(word: str, exonyms: bool, dates: bool) -> tuple[str | None, str | None, str | None]:
    """What a word token makes: the month it names (with ``dates``), else its anchor where a name
    stands and its anchor at the start of a sentence, where only acronyms and countries count
    (sentence-initial words are capitalised in every language). Cached: names repeat.

    >>> _word_readings("June", True, True), _word_readings("Tokayev", True, True), _word_readings("NATO", True, True)
    (('@m6', None, None), (None, 'tkv', None), (None, 'nt', 'nt'))
    >>> _word_readings("Almaniya", True, True), _word_readings("Almaniya", False, True), _word_readings("paid", True, True)
    ((None, '@de', '@de'), (None, 'lmn', None), (None, None, None))
    """
    canonical = exonym(word)
    if dates and canonical is not None and is_month(canonical):
        return canonical, None, None
    if not word[0].isupper():
        return None, None, None
    name = _name(word, exonyms)
    if len(word) > 1 and word.isupper():  # an acronym is a name anywhere
        return None, name, name
    country = exonyms and len(word) > 3 and canonical is not None and not is_month(canonical)
    return None, name, canonical if country else None


def translation_anchors(text: str, features: frozenset[str] = FEATURES) -> set[str]:
    """The set of anchors of ``text``: phonetic keys of names and acronyms, exonyms, numbers, dates.

    A name is a capitalised word that does not start a sentence (sentence-initial words are
    capitalised in every language and carry no evidence), or any all-capitals word.
    """
    return set(anchor_sequence(text, features))


NOUN_CASE_LANGUAGES = frozenset({"de", "lb"})  # capitalise every noun: capitals do not tell names
_CASELESS_SHARE = 0.002  # capital letters per letter below which a text is taken as caseless


def is_caseless(text: str) -> bool:
    """True when (almost) no letter is a capital: Georgian, Arabic, CJK, or lower-cased text.

    >>> is_caseless("მთავრობამ ორშაბათს ბერლინში ახალი გადასახადი დაამტკიცა"), is_caseless("Tokayev met Putin.")
    (True, False)
    """
    if _capitals_exceed(text, _CASELESS_SHARE * len(text)):
        return False  # above the share of all characters, so of the letters too: most texts say so in 256 characters
    letters = sum(map(str.isalpha, text))
    capitals = sum(map(str.isupper, text))
    return letters > 0 and capitals <= _CASELESS_SHARE * letters


_CAPITALS_CHUNK = 256  # characters counted at a time by _capitals_exceed


def _capitals_exceed(text: str, limit: float) -> bool:
    """Whether ``text`` has more than ``limit`` capitals, counted a chunk at a time so that a cased
    text stops after its first chunk instead of testing every character."""
    capitals = 0
    for start in range(0, len(text), _CAPITALS_CHUNK):
        capitals += sum(map(str.isupper, text[start : start + _CAPITALS_CHUNK]))
        if capitals > limit:
            return True
    return False


def all_word_anchors(text: str, features: frozenset[str] = FEATURES) -> set[str]:
    """The fallback where capitals tell nothing: every word's key (rare ones weigh, see
    :mod:`cleanpress.dedup`), with the usual numbers, dates and exonyms.

    >>> sorted(all_word_anchors("ტოკაევი შეხვდა პუტინს 2019 წელს"))
    ['#2019', 'ptn', 'sls', 'svt', 'tkv']
    """
    anchors = set(anchor_sequence(text, features))
    for token in tokens(text):
        if token.kind == "word":
            name = _name(token.text, "exonyms" in features)
            if name and not is_month(name):
                anchors.add(name)
    return anchors
