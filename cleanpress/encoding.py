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

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from .language import UNDETERMINED, identify

# In order of preference when two decode a sample to the same text.
LEGACY_ENCODINGS = (
    "cp1252", "cp1251", "koi8_r", "cp1254", "cp1250", "iso8859_2", "cp1257", "cp1256", "cp1253", "cp1255",
    "cp866", "koi8_u", "mac_cyrillic", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr",
)  # not single-byte code pages of scripts whose every byte is a letter (Thai cp874): they read anything
SAMPLE_BYTES = 8192
WIDE_ENCODINGS = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """The text of non-UTF-8 bytes in the most plausible encoding, and that encoding; None if
    none decodes them."""
    sample = data[:SAMPLE_BYTES]
    guess = from_bytes(sample).best()
    candidates = list(LEGACY_ENCODINGS)
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    best_encoding, best_score = None, float("-inf")
    for encoding in candidates:
        try:
            text = sample.decode(encoding, errors="strict" if len(data) <= SAMPLE_BYTES else "ignore")
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        if score > best_score:
            best_encoding, best_score = encoding, score
    if best_encoding is None:
        return None
    return data.decode(best_encoding, errors="replace"), best_encoding


def plausibility(text: str) -> float:
    """How much ``text`` reads like a language: identifier confidence times (1 - mess)."""
    lang, probability = identify(text[:2000])
    if lang == UNDETERMINED:
        return -1.0
    return probability * (1.0 - mess_ratio(text[:2000], 1.0))


def decode_wide(data: bytes) -> tuple[str, str] | None:
    """UTF-16 or UTF-32 without a byte-order mark (the bytes hold NULs), and which; None for binary data."""
    best = from_bytes(data, cp_isolation=WIDE_ENCODINGS).best()
    return (str(best), best.encoding) if best is not None else None
