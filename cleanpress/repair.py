"""The repair stage: fix damaged text before anything else looks at it.

Modelled on ftfy's ``fixes.py`` and ``fix_and_explain``: every fixer is a small public function
``str -> str`` that can be used on its own, and :func:`repair_text` runs them in this order and
explains what each one changed:

1. :func:`fix_encoding_and_entities` -- mojibake and HTML entities (ftfy).
2. :func:`normalize_unicode` -- NFC.
3. :func:`remove_invisible_characters` -- zero-width characters, soft hyphens, BOMs, bidi
   controls and control characters (joiners between letters of scripts that need them stay).
4. :func:`remove_email_placeholders` -- Cloudflare's ``[email protected]``.
5. :func:`fix_mixed_script_words` -- words that mix Latin and Cyrillic look-alike letters.
6. :func:`fold_whitespace` -- one plain space between words, ``\\n`` line breaks, at most one
   blank line in a row.

The order matters: whitespace is folded last so that the earlier fixers can see (and remove
the spaces around) what they fix, and NFC runs before the mixed-script check so that letters
such as ``Ё`` are single code points when they are compared with their twins.

Every fixer does its work in a few precompiled regular-expression passes, never in a Python
loop over characters, because the whole pipeline has to run at about 10 MB/s. Most text needs
no repair, so each fixer first asks a ``*_could_change`` function, a scan far cheaper than its
own passes (a character class, a substring test), whether it could change the text at all;
each is sound by construction, and tests/test_repair.py checks that switching them all off
changes no output and no explanation.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Iterable

try:  # the parser behind re.compile, to read what the badness regex needs (see _window_search)
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

import ftfy
import ftfy.badness
import ftfy.chardata
import regex

from cleanpress.document import Repair

__all__ = [
    "FIXERS",
    "ChangeLog",
    "fix_encoding_and_entities",
    "fix_mixed_script_words",
    "fold_whitespace",
    "normalize_unicode",
    "remove_email_placeholders",
    "remove_invisible_characters",
    "repair_text",
]

# How many characters of context a sample shows on each side of a change, and the longest
# changed span it shows, so that a Repair never carries more than a phrase of the text.
_CONTEXT = 12
_MAX_SPAN = 40


# --------------------------------------------------------------------------------------------
# Recording what a fixer changed
# --------------------------------------------------------------------------------------------


class ChangeLog:
    """Counts the changes a fixer makes and keeps a short sample of the first one.

    Fixers accept an optional ``ChangeLog``; :func:`repair_text` passes one to turn what the
    fixer did into a :class:`~cleanpress.document.Repair`. Used on their own, fixers get none
    and do no bookkeeping.
    """

    __slots__ = ("before", "after", "count")

    def __init__(self) -> None:
        self.before = ""
        self.after = ""
        self.count = 0

    def add(self, before: str, after: str, count: int = 1) -> None:
        """Record ``count`` changes; the first sample recorded is the one kept."""
        if count <= 0:
            return
        if not self.count:
            self.before, self.after = before, after
        self.count += count

    def sub(self, pattern: regex.Pattern[str], replacement: str, text: str) -> str:
        """``pattern.sub(replacement, text)``, recording the number of matches.

        The count comes from ``subn`` and the sample from one ``search``, so recording costs
        no Python call per match.
        """
        fixed, count = pattern.subn(replacement, text)
        if count:
            first = pattern.search(text)
            assert first is not None
            sample = _sample_around(text, first.start(), first.end(), first.expand(replacement))
            self.add(*sample, count)
        return fixed

    def sub_words(
        self, pattern: regex.Pattern[str], rewrite: Callable[[str], str], text: str
    ) -> str:
        """Replace every match by ``rewrite(match)``, recording the matches that really changed.

        Meant for patterns whose matches are rare (a Python call per match).
        """

        def replace(match: regex.Match[str]) -> str:
            word = match.group()
            new = rewrite(word)
            if new != word:
                self.add(word, new)
            return new

        return pattern.sub(replace, text)

    def compare(self, before: str, after: str) -> None:
        """Record the difference between a whole text before and after an opaque fix (ftfy, NFC)."""
        if before != after:
            self.add(*_describe_difference(before, after))


def _sample_around(text: str, start: int, end: int, replacement: str) -> tuple[str, str]:
    """A short before/after pair for one replacement of ``text[start:end]``, with context."""
    left = text[max(0, start - _CONTEXT) : start]
    right = text[end : end + _CONTEXT]
    return left + text[start:end][:_MAX_SPAN] + right, left + replacement[:_MAX_SPAN] + right


def _describe_difference(before: str, after: str) -> tuple[str, str, int]:
    """Sample the first change between two versions of a text and count the changed words.

    Fixers that rewrite in place (mojibake, NFC) keep the line structure, so lines are compared
    pairwise, and words within a changed line; anything else falls back to one window around
    the first difference.
    """
    before_lines, after_lines = before.split("\n"), after.split("\n")
    if len(before_lines) != len(after_lines):
        return (*_window_around_difference(before, after), 1)
    changed = [(old, new) for old, new in zip(before_lines, after_lines) if old != new]
    samples: list[tuple[str, str]] = []
    count = 0
    for old_line, new_line in changed:
        old_words, new_words = old_line.split(" "), new_line.split(" ")
        if len(old_words) == len(new_words):
            pairs = [(old, new) for old, new in zip(old_words, new_words) if old != new]
            count += len(pairs)
            samples.extend(pairs[:1])
        else:
            count += 1
            samples.append(_window_around_difference(old_line, new_line))
    old_sample, new_sample = samples[0]
    return old_sample[:_MAX_SPAN], new_sample[:_MAX_SPAN], count


def _window_around_difference(before: str, after: str) -> tuple[str, str]:
    """The first differing stretch of two strings, with a little context either side."""
    prefix = _common_prefix_length(before, after)
    limit = min(len(before), len(after)) - prefix
    suffix = _common_suffix_length(before, after, limit)
    return (
        _sample_around(before, prefix, len(before) - suffix, after[prefix : len(after) - suffix])
    )


def _common_prefix_length(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice comparisons (C speed, no char loop)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix_length(a: str, b: str, limit: int) -> int:
    """Length of the common suffix, at most ``limit`` (so it never overlaps the prefix)."""
    low, high = 0, max(0, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


# --------------------------------------------------------------------------------------------
# 1. Mojibake and HTML entities
# --------------------------------------------------------------------------------------------

# ftfy does only the repairs nobody else in this module does, so that each Repair names the
# fixer that really made the change, and it does not rewrite text that is correct.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Our input is text already extracted from pages: an entity in it is always damage. "auto"
    # would stop decoding entities for the rest of the text after any line containing a "<".
    unescape_html=True,
    # Curly quotes, guillemets and fullwidth CJK punctuation are correct text: keep them.
    uncurl_quotes=False,
    fix_character_width=False,
    # fold_whitespace owns line breaks and remove_invisible_characters owns control characters
    # (it keeps ZWNJ where Persian needs it); normalize_unicode does NFC right after.
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


# What each fixer _FTFY_CONFIG enables needs before it can change a segment of text: an entity
# (as ftfy's unescape_html finds them: a bare "&", as in "Food & Drinks", is left alone), a C1
# control, a Latin ligature, a surrogate, a terminal escape (ESC), or mojibake as
# ftfy's own badness regex sees it. ftfy checks that regex on every line (its segments); with
# MULTILINE, its one "^" matches at each line start, so one search over the whole text finds
# whatever a search of any line would.
_FTFY_TRIGGERS = re.compile(
    "[\x1b\x80-\x9f\ud800-\udfff" + "".join(sorted(re.escape(chr(c)) for c in ftfy.chardata.LIGATURES)) + "]"
)
_FTFY_BADNESS = re.compile(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags | re.MULTILINE)


# The badness regex is a long alternation that re tries at every position of the text, which
# costs more than everything else in the repair stage. But every one of its alternatives needs
# some rare character (a currency sign, a box-drawing piece, an accented capital...) and
# matches at most a few characters, so it is enough to search a small window around each
# occurrence of those characters. Both facts are read from the parsed regex, not written down.
_SAFE_OPS = {
    _sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY, _sre.BRANCH, _sre.SUBPATTERN,
    _sre.MAX_REPEAT, _sre.MIN_REPEAT,
}
# With a start position, these still match only at the real start of the text or of a line.
_SAFE_ANCHORS = {_sre.AT_BEGINNING, _sre.AT_BEGINNING_LINE, _sre.AT_BEGINNING_STRING}


def _needed_characters(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Characters of which every match of a parsed regex sequence contains at least one.

    Of the sets that qualify (one per item that always consumes a character from a set), the
    one with the fewest letters and spaces is chosen, so that its characters are rare in text;
    None when there is no such set. Raises :class:`_WindowSearchUnsafe` when the regex uses
    anything a window search could get wrong (lookarounds, word boundaries, end anchors,
    which look past the window's edges).
    """
    candidates = []
    for op, arg in items:
        needed: frozenset[str] | None = None
        if op not in _SAFE_OPS and not (op is _sre.AT and arg in _SAFE_ANCHORS):
            raise _WindowSearchUnsafe(op)
        if op is _sre.LITERAL:
            needed = frozenset(chr(arg))
        elif op is _sre.IN:
            needed = _class_characters(arg)
        elif op is _sre.BRANCH:
            alternatives = [_needed_characters(alternative) for alternative in arg[1]]
            if all(alternatives):
                needed = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op is _sre.SUBPATTERN:
            needed = _needed_characters(arg[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            inner = _needed_characters(arg[2])  # checked for safety even when optional
            needed = inner if arg[0] >= 1 else None
        if needed:
            candidates.append(needed)
    return min(candidates, key=_commonness, default=None)


class _WindowSearchUnsafe(Exception):
    """The regex uses an operator that might look beyond a search window."""


def _class_characters(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The characters of a parsed ``[...]`` made of literals and ranges only, else None."""
    chars: set[str] = set()
    for op, arg in items:
        if op is _sre.LITERAL:
            chars.add(chr(arg))
        elif op is _sre.RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:  # a negated class or a category (\s, \w) holds too many characters to look for
            return None
    return frozenset(chars)


def _commonness(chars: frozenset[str]) -> tuple[int, int]:
    """How often a set of characters can be expected in text, roughly: spaces most, then
    lower-case letters, capitals, and symbols and uncased marks (ˆ, ª) least. Only the order
    matters, and only for speed: any of the sets is a sound choice."""
    weights = {"Zs": 10, "Ll": 3, "Lu": 2}  # Zs: the spaces (a C1 control such as \x85 is rare)
    return sum(weights.get(unicodedata.category(c), 0) for c in chars), len(chars)


def _window_search(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A function equal to ``bool(pattern.search(text))`` that only searches near the
    characters every match needs; ``pattern.search`` itself when that cannot be done soundly.

    A match that holds a needed character at ``i`` lies within ``width - 1`` characters of
    it, and ``search(text, pos, endpos)`` sees only that stretch (``^`` still matches only at
    real line starts), so it finds a match there exactly when one exists.
    """
    parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    try:
        needed = _needed_characters(parsed)
    except _WindowSearchUnsafe:
        needed = None
    width = parsed.getwidth()[1]
    if not needed or width > 64:
        return lambda text: pattern.search(text) is not None
    needed_somewhere = re.compile("[" + "".join(map(re.escape, sorted(needed))) + "]")

    def search_near_needed_characters(text: str) -> bool:
        for windows, hit in enumerate(needed_somewhere.finditer(text)):
            start = max(0, hit.start() - width + 1)
            if windows == _MAX_WINDOWS:  # text full of them: one search of the rest is cheaper
                return pattern.search(text, start) is not None
            if pattern.search(text, start, hit.start() + width):
                return True
        return False

    return search_near_needed_characters


_MAX_WINDOWS = 100  # a window search costs about 2 µs, the whole of a 3 KB text 600 µs
_has_mojibake = _window_search(_FTFY_BADNESS)


def ftfy_could_change(text: str) -> bool:
    """False when ``ftfy.fix_text(text, _FTFY_CONFIG)`` is sure to return ``text`` unchanged,
    so the common case skips ftfy (tests/test_repair.py checks it on real and generated text).

    >>> ftfy_could_change("Ötən həftə sammit keçirildi."), ftfy_could_change("AT&amp;T"), ftfy_could_change("Ã¶")
    (False, True, True)
    """
    if len(text) > _FTFY_CONFIG.max_decode_length:
        return True
    return bool(_FTFY_TRIGGERS.search(text) or ftfy.chardata.HTML_ENTITY_RE.search(text)) or _has_mojibake(text)


def fix_encoding_and_entities(text: str, changes: ChangeLog | None = None) -> str:
    """Decode mojibake and HTML entities.

    Text that was encoded as UTF-8 and decoded as Windows-1252 shows up as ``Ã¶`` for ``ö``;
    scraped text also carries entities such as ``&amp;`` and ``&#160;``.

    >>> fix_encoding_and_entities("Ã–tÉ™n hÉ™ftÉ™ &amp; &quot;sammit&quot;")
    'Ötən həftə & "sammit"'

    Curly quotes and line breaks are left as they are:

    >>> fix_encoding_and_entities("“Salam”\\r\\n")
    '“Salam”\\r\\n'
    """
    fixed = ftfy.fix_text(text, _FTFY_CONFIG) if ftfy_could_change(text) else text
    if changes is not None:
        changes.compare(text, fixed)
    return fixed


# --------------------------------------------------------------------------------------------
# 2. Unicode normalisation
# --------------------------------------------------------------------------------------------


def normalize_unicode(text: str, changes: ChangeLog | None = None) -> str:
    """Compose letters and their accents into single code points (NFC).

    The same word can arrive as ``e`` + combining acute or as ``é``; NFC makes them equal, so
    that deduplication and the look-alike check see the same letters.

    >>> normalize_unicode("Cafe\\u0301") == "Caf\\u00e9"
    True
    """
    if unicodedata.is_normalized("NFC", text):  # a fast check, far cheaper than normalising
        return text
    fixed = unicodedata.normalize("NFC", text)
    if changes is not None:
        changes.compare(text, fixed)
    return fixed


# --------------------------------------------------------------------------------------------
# 3. Invisible characters
# --------------------------------------------------------------------------------------------

# Scripts in which ZWNJ/ZWJ change how letters join or form conjuncts (Persian "می‌خواهم",
# Hindi, Malayalam chillus...). Between letters or marks of these scripts the joiners are text.
_JOINING_SCRIPTS = (
    r"\p{Arabic}\p{Syriac}\p{Nko}\p{Mongolian}\p{Devanagari}\p{Bengali}\p{Gurmukhi}"
    r"\p{Gujarati}\p{Oriya}\p{Tamil}\p{Telugu}\p{Kannada}\p{Malayalam}\p{Sinhala}"
)
_JOINS_BEFORE = rf"[[{_JOINING_SCRIPTS}\p{{Inherited}}]&&[\p{{L}}\p{{M}}]]"
_JOINS_AFTER = rf"[[{_JOINING_SCRIPTS}]&&\p{{L}}]"
# ZWJ also glues emoji sequences together (family, flags of professions...).
_EMOJI_BEFORE = r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]"
_EMOJI_AFTER = r"\p{Extended_Pictographic}"

_ALWAYS_INVISIBLE = (
    r"\x00-\x08\x0E-\x1F\x7F-\x9F"  # C0/C1 controls; \t \n \r \v \f are whitespace, kept
    r"\u00AD"  # soft hyphen
    r"\u061C"  # Arabic letter mark (a bidi control)
    r"\u200B"  # zero-width space
    r"\u200E\u200F\u202A-\u202E\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    r"\u2060-\u2064\u206A-\u206F"  # word joiner, invisible operators, deprecated format chars
    r"\uFEFF"  # byte order mark / zero-width no-break space
    r"\uFFF9-\uFFFC"  # interlinear annotation marks, object replacement character
)
# A joiner stays only between two characters that need it.
_KEPT_JOINER = (
    rf"(?<={_JOINS_BEFORE})[\u200C\u200D](?={_JOINS_AFTER})"
    rf"|(?<={_EMOJI_BEFORE})\u200D(?={_EMOJI_AFTER})"
)
_INVISIBLE = regex.compile(
    rf"(?V1)[{_ALWAYS_INVISIBLE}]+|(?!{_KEPT_JOINER})[\u200C\u200D]"
)
# Every match is one of these characters: a plain class that re scans for 7x less than the
# lookarounds of _INVISIBLE cost.
_INVISIBLE_CANDIDATE = re.compile(f"[{_ALWAYS_INVISIBLE}\u200C\u200D]")


def invisible_could_change(text: str) -> bool:
    """False when :func:`remove_invisible_characters` is sure to return ``text`` unchanged."""
    return _INVISIBLE_CANDIDATE.search(text) is not None


def remove_invisible_characters(text: str, changes: ChangeLog | None = None) -> str:
    """Remove characters that cannot be seen but break words apart or reorder text.

    Zero-width spaces, soft hyphens, byte order marks, bidi controls and control characters
    make two copies of a word look different to every later stage:

    >>> remove_invisible_characters("Kaza\\u00adkh\\u200bstan\\u200e\\ufeff\\x07")
    'Kazakhstan'

    A zero-width non-joiner between Persian letters is spelling, so it stays:

    >>> persian = "\\u0645\\u06cc\\u200c\\u062e\\u0648\\u0627\\u0647\\u0645"  # I want
    >>> remove_invisible_characters(persian) == persian
    True
    >>> remove_invisible_characters("Kazin\\u200cform")
    'Kazinform'
    """
    if not invisible_could_change(text):
        return text
    return _substitute(_INVISIBLE, "", text, changes)


# --------------------------------------------------------------------------------------------
# 4. Cloudflare e-mail placeholders
# --------------------------------------------------------------------------------------------

# Cloudflare replaces e-mail addresses with "[email protected]"; the space between the words
# may be a no-break space, or still an entity when this fixer is used on its own.
_EMAIL_GAP = r"(?:[^\S\n]|&nbsp;|&#160;|&#[xX][aA]0;)+"
_EMAIL_PLACEHOLDER = rf"\[email{_EMAIL_GAP}protected\]"
# Take the spaces on one side with it, so that no double space is left behind: the following
# ones at the start of a line, the preceding ones elsewhere. A label such as "Email:" stays.
_EMAIL = regex.compile(
    rf"(?im)^[^\S\n]*{_EMAIL_PLACEHOLDER}[^\S\n]*|[^\S\n]*{_EMAIL_PLACEHOLDER}"
)


def remove_email_placeholders(text: str, changes: ChangeLog | None = None) -> str:
    """Remove the ``[email protected]`` that Cloudflare leaves where an address was.

    >>> remove_email_placeholders("Email: [email\\u00a0protected]\\nBizə [email protected] yazın")
    'Email:\\nBizə yazın'
    """
    if not email_could_change(text):
        return text
    return _substitute(_EMAIL, "", text, changes)


def email_could_change(text: str) -> bool:
    """False when :func:`remove_email_placeholders` is sure to return ``text`` unchanged: every
    placeholder starts with a "[", which a substring test finds far faster than _EMAIL."""
    return "[" in text


# --------------------------------------------------------------------------------------------
# 5. Words that mix Latin and Cyrillic look-alikes
# --------------------------------------------------------------------------------------------

# Cyrillic letters and the Latin letters drawn the same way. Lower-case в/н/м/т/к are not
# twins (they are small capitals), nor is у with Y (only the capitals look alike).
_CYRILLIC_LATIN_TWINS = (
    ("АВЕКМНОРСТХУЅІЈԚԜЁЇӒӦ", "ABEKMHOPCTXYSIJQWËÏÄÖ"),
    ("аеорсухіјѕԁԛԝһёїӓӧ", "aeopcyxijsdqwhëïäö"),
)
_CYRILLIC = "".join(cyrillic for cyrillic, _ in _CYRILLIC_LATIN_TWINS)
_LATIN = "".join(latin for _, latin in _CYRILLIC_LATIN_TWINS)
_TO_LATIN = str.maketrans(_CYRILLIC, _LATIN)
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
_CYRILLIC_WITH_TWIN = regex.compile(f"[{_CYRILLIC}]")
_LATIN_WITH_TWIN = regex.compile(f"[{_LATIN}]")
_CYRILLIC_LETTER = regex.compile(r"[\p{Cyrillic}&&\p{L}]", regex.V1)
_LATIN_LETTER = regex.compile(r"[\p{Latin}&&\p{L}]", regex.V1)
# Letters of any third script (Greek, Georgian...): such a word is left alone.
_OTHER_SCRIPT_LETTER = regex.compile(
    r"[\p{L}--[\p{Latin}\p{Cyrillic}\p{Common}\p{Inherited}]]", regex.V1
)

# A word is a run of letters and marks (apostrophes, hyphens and digits end it). The pattern
# only matches words holding both a Latin and a Cyrillic letter, in one linear pass: the
# look-behind allows a match to start only at a word's start, and the possessive quantifiers
# never backtrack, so a long run of letters (e.g. CJK text without spaces) costs O(n).
_WORD_CHAR = r"[\p{L}\p{M}]"
_MIXED_SCRIPT_WORD = regex.compile(
    rf"(?V1)(?<!{_WORD_CHAR})"
    r"[[\p{L}\p{M}]--[\p{Latin}\p{Cyrillic}]]*+"
    r"(?:\p{Latin}[[\p{L}\p{M}]--\p{Cyrillic}]*+\p{Cyrillic}"
    r"|\p{Cyrillic}[[\p{L}\p{M}]--\p{Latin}]*+\p{Latin})"
    rf"{_WORD_CHAR}*+"
)

# Every match holds a character of each script; one-script text (most text) is found out by a
# scan for a Cyrillic character, 20x cheaper than _MIXED_SCRIPT_WORD's word-by-word search.
_ANY_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_ANY_LATIN = regex.compile(r"\p{Latin}")


def mixed_script_could_change(text: str) -> bool:
    """False when :func:`fix_mixed_script_words` is sure to return ``text`` unchanged."""
    return _ANY_CYRILLIC.search(text) is not None and _ANY_LATIN.search(text) is not None


def rewrite_in_one_script(word: str) -> str:
    """Write a Latin/Cyrillic mixed word in one script, or return it unchanged.

    The rule: a script is a possible target when every letter of the other script has a twin
    in it. If only one script is possible, use it (``МОSKVА``: V has no Cyrillic twin, so the
    word is Latin however the letters are counted). If both are possible, every letter is a
    twin and the word could be either, so the minority is written in the majority's script;
    on a tie there is no evidence either way and the word is left alone, as it is when
    neither script is possible or a third script takes part.
    """
    if _OTHER_SCRIPT_LETTER.search(word):
        return word
    cyrillic = len(_CYRILLIC_LETTER.findall(word))
    latin = len(_LATIN_LETTER.findall(word))
    can_be_latin = len(_CYRILLIC_WITH_TWIN.findall(word)) == cyrillic
    can_be_cyrillic = len(_LATIN_WITH_TWIN.findall(word)) == latin
    if can_be_latin and (not can_be_cyrillic or latin > cyrillic):
        return word.translate(_TO_LATIN)
    if can_be_cyrillic and (not can_be_latin or cyrillic > latin):
        return word.translate(_TO_CYRILLIC)
    return word


def fix_mixed_script_words(text: str, changes: ChangeLog | None = None) -> str:
    """Write words that mix Latin and Cyrillic look-alike letters in one script.

    Typed on a keyboard that switches layouts, or faked to fool filters, ``МОSKVА`` starts
    with Cyrillic М and О: no search for MOSKVA finds it, and no deduplication matches it.

    >>> fix_mixed_script_words("МОSKVА. Кazinform, Каzinform")
    'MOSKVA. Kazinform, Kazinform'

    A Cyrillic word with a Latin look-alike becomes all Cyrillic; words in one script, and
    words whose letters have no twins in the other script, are left alone:

    >>> fix_mixed_script_words("Kaзaxcтaн Қасим-Жомарт Qazaxıstan Tokaйev")
    'Казахстан Қасим-Жомарт Qazaxıstan Tokaйev'
    """
    if not mixed_script_could_change(text):
        return text
    return (changes or ChangeLog()).sub_words(_MIXED_SCRIPT_WORD, rewrite_in_one_script, text)


# --------------------------------------------------------------------------------------------
# 6. Whitespace
# --------------------------------------------------------------------------------------------

_LINE_BREAK_CHARACTERS = r"[\r\x0B\x0C\x85\u2028\u2029]"
_LINE_BREAK = regex.compile(rf"\r\n|{_LINE_BREAK_CHARACTERS}")
_SPACE = r"[\t\p{Zs}]"  # tab and every Unicode space separator (NBSP, thin, ideographic...)
_NOT_PLAIN_SPACE = rf"[{_SPACE}--\x20]"
_SPACES_AT_LINE_END = regex.compile(rf"{_SPACE}+(?=\n|\Z)")
# Runs of two or more spaces, or a single space that is not the plain one.
_SPACES_TO_FOLD = regex.compile(rf"(?V1){_SPACE}{{2,}}|{_NOT_PLAIN_SPACE}")
_BLANK_LINES = regex.compile(r"\n{3,}")
_BLANK_LINES_AT_EDGES = regex.compile(r"\A\n+|\n+\Z")
# Cheap scans that find text the space and line-break passes would leave alone (most text).
_ANY_LINE_BREAK_TO_FOLD = re.compile(_LINE_BREAK_CHARACTERS)
_ANY_NOT_PLAIN_SPACE = regex.compile(rf"(?V1){_NOT_PLAIN_SPACE}")


def line_breaks_could_change(text: str) -> bool:
    """False when the line-break pass of :func:`fold_whitespace` would change nothing."""
    return _ANY_LINE_BREAK_TO_FOLD.search(text) is not None


def spaces_could_change(text: str) -> bool:
    """False when neither space pass of :func:`fold_whitespace` would change anything: a run
    of spaces to fold, or spaces at a line end, either hold a space other than " " or are
    made of plain spaces, which the substring tests find."""
    return (
        "  " in text or " \n" in text or text.endswith(" ")
        or _ANY_NOT_PLAIN_SPACE.search(text) is not None
    )


def fold_whitespace(text: str, changes: ChangeLog | None = None) -> str:
    """Make whitespace plain: single spaces, ``\\n`` line breaks, at most one blank line.

    Scraped text spells spaces as NBSP, tabs or thin spaces, leaves spaces at line ends and
    stacks up blank lines; later stages compare words and lines, so those differences
    would only get in their way.

    >>> fold_whitespace("\\n \\nOrta\\u00a0Asiya \\t sammiti \\r\\n\\r\\n \\n\\u2028Moskva\\n")
    'Orta Asiya sammiti\\n\\nMoskva'
    """
    if line_breaks_could_change(text):
        text = _substitute(_LINE_BREAK, "\n", text, changes)
    if spaces_could_change(text):
        text = _substitute(_SPACES_AT_LINE_END, "", text, changes)
        text = _substitute(_SPACES_TO_FOLD, " ", text, changes)
    text = _substitute(_BLANK_LINES, "\n\n", text, changes)
    return _substitute(_BLANK_LINES_AT_EDGES, "", text, changes)


# --------------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------------


def _substitute(
    pattern: regex.Pattern[str], replacement: str, text: str, changes: ChangeLog | None
) -> str:
    """``pattern.sub``, recorded in ``changes`` when there is a log to record in."""
    if changes is None:
        return pattern.sub(replacement, text)
    return changes.sub(pattern, replacement, text)


FIXERS: tuple[Callable[[str], str], ...] = (
    fix_encoding_and_entities,
    normalize_unicode,
    remove_invisible_characters,
    remove_email_placeholders,
    fix_mixed_script_words,
    fold_whitespace,
)


# ftfy's guesses depend on the characters around a sequence, so a later fixer can make ftfy
# see something new: folding "áƒ\u00a0" into "áƒ " or removing a ZWSP inside a mojibake
# sequence. repair_text therefore runs the chain again while a fixer after the first one
# changed something; real text settles in the second round, this only bounds pathologies.
_MAX_ROUNDS = 4


def repair_text(text: str) -> tuple[str, list[Repair]]:
    """Run every fixer in :data:`FIXERS` in order; return the text and what each one changed.

    There is one :class:`~cleanpress.document.Repair` per fixer that changed something, in
    chain order; a fixer that changed nothing records nothing. The chain is repeated until it
    changes nothing more (see ``_MAX_ROUNDS``), so repaired text is a fixed point:
    ``repair_text(repair_text(t)[0])`` changes nothing and records no repairs.

    >>> fixed, repairs = repair_text("МОSKVА\\nÃ–tÉ™n hÉ™ftÉ™  [email protected]")
    >>> fixed
    'MOSKVA\\nÖtən həftə'
    >>> [(repair.fixer, repair.count) for repair in repairs]
    [('fix_encoding_and_entities', 2), ('remove_email_placeholders', 1), ('fix_mixed_script_words', 1)]
    """
    logs = {fixer: ChangeLog() for fixer in FIXERS}
    for _ in range(_MAX_ROUNDS):
        text, changed_by = _run_chain_once(text, logs)
        # When only the first fixer changed the text the others have already seen its
        # result, and ftfy repeats its own fixes until they settle: nothing left to do.
        if not changed_by or changed_by == [FIXERS[0]]:
            break
    return text, [_as_repair(fixer, log) for fixer, log in logs.items() if log.count]


def _run_chain_once(
    text: str, logs: dict[Callable[[str], str], ChangeLog]
) -> tuple[str, list[Callable[[str], str]]]:
    """One pass of every fixer over the text; also returns the fixers that changed it."""
    changed_by = []
    for fixer, log in logs.items():
        fixed = fixer(text, log)  # type: ignore[call-arg]  # every fixer here takes a log
        if fixed != text:
            changed_by.append(fixer)
            if not log.count:  # a fixer whose log missed its change still gets its Repair
                log.compare(text, fixed)
        text = fixed
    return text, changed_by


def _as_repair(fixer: Callable[[str], str], log: ChangeLog) -> Repair:
    return Repair(fixer=fixer.__name__, before=log.before, after=log.after, count=log.count)
