"""Translation anchors: the parts of a news text that survive translation into another language.

A translator rewrites every common word but keeps names, places, organisations, acronyms and
numbers. Written in another script they change spelling (`Tokayev`, `Tokajev`, `Тоқаев`), so each
name is reduced to a *phonetic key*: transliterated to ASCII, digraphs merged (`sh`, `zh`, `kh`),
letters folded into consonant classes that transliteration systems confuse (`q`/`k`/`g`,
`s`/`z`/`c`/`j`, `v`/`w`/`f`), vowels dropped, and only the first consonants kept so that case
endings (`Tokayevin`, `Putinom`) do not matter. Numbers are written without group separators.

The anchors of two translations overlap far more than those of two different articles on the
same story, once anchors every article shares (`Russia`, `Putin`) are weighted down (see
:mod:`cleanpress.dedup`).

>>> sorted(translation_anchors("Yesterday Tokayev met Putin in Moscow; 6,500 km of road."))
['#6500', 'msk', 'ptn', 'tkv']
>>> phonetic_key("Tokajev") == phonetic_key("Тоқаевнинг") == phonetic_key("Tokayevin")
True
"""
from __future__ import annotations

import regex
from anyascii import anyascii

KEY_LENGTH = 3  # consonant classes kept per name: long enough to be rare, short enough to ignore endings
MIN_KEY_LENGTH = 2  # shorter keys ("Xi" -> "s") match too much to be evidence

# Words: letters with inner apostrophes/hyphens, or numbers with group separators ("6 500", "6.500").
_TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}'’]*|\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?![\d])|\d+")
_SENTENCE_BREAK = regex.compile(r"[.!?…:;—–]")  # between two words: the second starts a sentence
_GROUP_SEPARATOR = regex.compile(r"[ .,\u00a0\u202f]")
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


def _number_anchor(token: str) -> str:
    return "#" + (_GROUP_SEPARATOR.sub("", token).lstrip("0") or "0")


def translation_anchors(text: str) -> set[str]:
    """The set of anchors of ``text``: phonetic keys of names and acronyms, and numbers.

    A name is a capitalised word that does not start a sentence (sentence-initial words are
    capitalised in every language and carry no evidence), or any all-capitals word.
    """
    anchors: set[str] = set()
    for line in text.split("\n"):
        previous_end = 0  # the start of a line starts a sentence
        for match in _TOKEN.finditer(line):
            token = match.group()
            sentence_start = previous_end == 0 or bool(_SENTENCE_BREAK.search(line, previous_end, match.start()))
            previous_end = match.end()
            if token[0].isdigit():
                anchors.add(_number_anchor(token))
            elif token[0].isupper() and (not sentence_start or (len(token) > 1 and token.isupper())):
                key = phonetic_key(token)
                if len(key) >= MIN_KEY_LENGTH:
                    anchors.add(key)
    return anchors
