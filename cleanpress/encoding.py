"""Decoding bytes whose encoding nobody stated: UTF-8 first, then the legacy code pages crawls
still meet (cp1251, KOI8-R, cp1254, GB18030, Shift-JIS, ...).

charset-normalizer proposes encodings, but on short news texts its first guess is often a
neighbour (KOI8-R read as Shift-JIS, cp1254 as cp1250). So every plausible candidate decodes a
sample, and the candidate whose text reads most like a language wins: the language identifier's
confidence, discounted by charset-normalizer's own "mess" measure (symbols and case changes in
the middle of words are what a wrong code page produces).

>>> news = "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву, где проведёт переговоры."
>>> decode_legacy(news.encode("koi8-r")) == (news, "koi8_r"), decode_legacy(news.encode("cp1251")) == (news, "cp1251")
(True, True)
"""
from __future__ import annotations

import unicodedata

import regex
from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from .language import UNDETERMINED, identify, log_likelihood
from .repair import rewrite_in_one_script

# In order of preference when two decode a sample to the same text.
LEGACY_ENCODINGS = (
    "cp1252", "cp1251", "koi8_r", "cp1254", "cp1250", "iso8859_2", "cp1257", "cp1256", "cp1253", "cp1255",
    "cp866", "koi8_u", "mac_cyrillic", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr",
)  # not single-byte code pages of scripts whose every byte is a letter (Thai cp874): they read anything
SAMPLE_BYTES = 8192
ALPHABETS = frozenset({"LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "ARMENIAN", "GEORGIAN"})
MIXED_WORD_PENALTY = 4.0  # a tenth of the words mixing alphabets costs 40% of the score
NEAR_TIE = 0.05  # plausibilities this close are a tie, which the language model's likelihood breaks
LIKELIHOOD_MARGIN = 0.03  # mean log score a feature: ı for ý in Turkish gains about 0.15, ½ for ˝ in English 0.006
_WORD = regex.compile(r"\w+")
_C1_CONTROL = regex.compile(r"[\x80-\x9f]")  # no text holds these; a code page that has no letter at a byte gives one
WIDE_ENCODINGS = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """The text of non-UTF-8 bytes in the most plausible encoding, and that encoding; None if
    none decodes them.

    Code pages of one script differ in a few letters only (cp1254 has Turkish ``ı ş ğ`` where
    cp1252 has Icelandic ``ý þ ð``), and on a longer text the identifier is sure of the language
    either way: its confidence saturates. Among the candidates within :data:`NEAR_TIE` of the
    best that read as the same language, the one that language's model finds likeliest wins.

    >>> turkish = "Başbakan Ankara'da düzenlenen toplantıda, yıl sonuna kadar ihracatın artacağını söyledi. " * 4
    >>> decode_legacy(turkish.encode("cp1254"))[1]
    'cp1254'
    """
    sample = data[:SAMPLE_BYTES]
    guess = from_bytes(sample).best()
    candidates = list(LEGACY_ENCODINGS)
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    scored: list[tuple[float, str, str, str]] = []  # (plausibility, language, encoding, text), in order of preference
    for encoding in candidates:
        try:
            text = sample.decode(encoding, errors="strict" if len(data) <= SAMPLE_BYTES else "ignore")
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((*_plausibility_and_language(text), encoding, text))
    if not scored:
        return None
    best_score, best_language, best_encoding, _ = max(scored, key=lambda candidate: candidate[0])  # ties: the first
    close = [(encoding, text) for score, language, encoding, text in scored
             if language == best_language != UNDETERMINED and score >= best_score - NEAR_TIE]
    if len(close) > 1:
        best_encoding = _likeliest(close, best_language, best_encoding)
    return data.decode(best_encoding, errors="replace"), best_encoding


def _likeliest(close: list[tuple[str, str]], language: str, preferred: str) -> str:
    """Of near-tied decodings (encoding, text) in one language: those writing the fewest
    scripts (an accented letter and the byte after it read as one Chinese character is
    plausible English to the identifier), then the one the language's model finds likelier by
    more than :data:`LIKELIHOOD_MARGIN` than the preferred (or first) one."""
    script_counts = [len(scripts(text)) for _, text in close]
    fewest = [candidate for candidate, count in zip(close, script_counts) if count == min(script_counts)]
    default = next((c for c in fewest if c[0] == preferred), fewest[0])
    likelihood = {encoding: log_likelihood(text, language) for encoding, text in fewest}
    likeliest = max(fewest, key=lambda candidate: likelihood[candidate[0]])[0]
    return likeliest if likelihood[likeliest] - likelihood[default[0]] > LIKELIHOOD_MARGIN else default[0]


def scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text``, by the first word of their Unicode names.

    >>> sorted(scripts("Tokayev Токаев 閠"))
    ['CJK', 'CYRILLIC', 'LATIN']
    """
    return {_script(ch) for ch in set(text) if ch.isalpha()}


def _script(letter: str) -> str:
    return unicodedata.name(letter, "?").split(" ", 1)[0]


def plausibility(text: str) -> float:
    """How much ``text`` reads like a language: identifier confidence times (1 - mess), less
    for words that mix alphabets (:func:`mixed_alphabet_share`).

    >>> line = b'{"text": "caf\\xe9 au lait in the morning news"}'
    >>> plausibility(line.decode("cp1252")) > plausibility(line.decode("cp1255"))  # café, not cafי
    True
    """
    return _plausibility_and_language(text)[0]


def _plausibility_and_language(text: str) -> tuple[float, str]:
    sample = text[:2000]
    lang, probability = identify(sample)
    if lang == UNDETERMINED:
        return -1.0, lang
    mixed = min(1.0, MIXED_WORD_PENALTY * mixed_alphabet_share(sample))
    return probability * (1.0 - mess_ratio(sample, 1.0)) * (1.0 - mixed), lang


def mixed_alphabet_share(text: str) -> float:
    """The share of words whose letters come from two alphabets, or that a C1 control character
    cuts: what a wrong code page makes of a word with one accented letter (``café`` read as
    cp1255 is ``cafי``; ``š`` written in cp1250 and read as ISO 8859-2 is U+009A). Scripts whose
    words mix legitimately (kanji and kana) are not alphabets here, and a word of Latin and
    Cyrillic look-alikes is how the text was written.

    >>> mixed_alphabet_share("cafי au lait"), mixed_alphabet_share("МОSKVА and Astana"), mixed_alphabet_share("Tu\x9aanj i Mostar")
    (0.3333333333333333, 0.0, 0.25)
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    mixed = sum(1 for word in words if len({_alphabet(ch) for ch in word} - {None}) > 1 and not _look_alike_mix(word))
    return min(1.0, (mixed + len(_C1_CONTROL.findall(text))) / len(words))


def _look_alike_mix(word: str) -> bool:
    """A Latin/Cyrillic word spelled with the other script's look-alikes (``МОSKVА``): written
    so in the text, not made by a wrong code page."""
    return rewrite_in_one_script(word) != word


def _alphabet(char: str) -> str | None:
    script = _script(char) if char.isalpha() else None
    return script if script in ALPHABETS else None


def decode_wide(data: bytes) -> tuple[str, str] | None:
    """UTF-16 or UTF-32 without a byte-order mark (the bytes hold NULs), and which; None for binary data."""
    best = from_bytes(data, cp_isolation=WIDE_ENCODINGS).best()
    return (str(best), best.encoding) if best is not None else None
