"""The fingerprint stage's speed-ups change no output (issue 5).

Two checks on ~3,800 texts (the seeds, documents of the benchmarks' generator, the same
lower- and upper-cased and cut at odd places, and random strings of crafted pieces: empty text,
only digits, mixed scripts, dates, numbers with group separators like ``6 500``, quotes, months
and scale words, combining marks):

* the fast paths against their readable definitions: shingle hashes and the near signature
  against hashing every shingle with datasketch, the caseless test against counting every
  character, the main script against a plain count;
* every output of the stage (fingerprints, anchor sequences with all features, each one off
  and none, the fallback anchors, the tokens) against a digest recorded from the code before the
  speed-ups (commit 9a47408). A deliberate change of behaviour, or of the benchmarks' generator,
  must record a new digest, and say so.

The code of 9a47408 raised on some of the crafted texts (see :func:`_formerly_raised`): a date
token read as one number when "dates" is off and "numbers" on (ValueError), and a month name
next to a number too long for a float, ``"9" * 400`` (OverflowError). Those calls no longer
raise, and are the only outputs meant to change, so the digest records a marker in their place
instead of their new output (test_anchors_never_raise.py pins that). The digest was
re-recorded once for this (branch fixnum): the code before the fix was run with every raised
error replaced by the marker, checking there that :func:`_formerly_raised` is true exactly
where it raised (1,111 ValueError, 624 OverflowError), and gave the digest the fixed code gives.
So every other output is still the one of 9a47408. Any call that raises now fails the test.
"""
from __future__ import annotations

import hashlib
import math
import random
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import regex
from conftest import SEEDS

from cleanpress.anchors import ALL_FEATURES, FEATURES, all_word_anchors, anchor_sequence, is_caseless, number_value, tokens
from cleanpress.config import CleanConfig
from cleanpress.document import Document
from cleanpress.exonyms import exonym, is_month
from cleanpress.fingerprint import ANCHOR_TEXT_CHARS, exact_hash, fingerprint, main_script, minhash, shingle_hashes, shingles, words

# The digest of every output below, from the code before the speed-ups, with FORMER_ERROR where it raised.
# Re-recorded once when the anchors' unused MinHash became the flag ``translatable``: the code
# before that change, hashing ``anchor_signature is not None`` in its place, gives this digest too.
RECORDED_DIGEST = "083e63e297daf8fd43a45f8eeae5791fd90880adc6099a1ac6a23545861c8a5b"
FORMER_ERROR = "raised before the fix"  # in the digest in place of an output that changed on purpose

PIECES = (
    "Tokayev", "putin", "ПУТИН", "Тоқаев", "Токаевнинг", "ტოკაევი", "北京市", "Ǆemal", "ǅemal", "straße", "İstanbul",
    "Almaniya", "USA", "Us", "SAD", "АҚШ", "Moskva", "NATO", "e\u0301te\u0301", "O'Neil", "d’Arc", "Ⅻ", "x²",
    "June", "june", "июня", "haziran", "Mart", "may", "million", "млн", "тыс.", "min", "mlrd", "thousand",
    "6 500", "6.500", "6,500", "2,5", "1.234,5", "11.06.2019", "1/2/99", "31.12.20", "32.13.2020", "2019", "0",
    "007", "12345678901234567890123456789", "9" * 400, "٣٤", "३", "6\u00a0500", "6\u202f500", "1 234 567,89",
    " ", " ", " ", "  ", "\n", "\n\n", ". ", "! ", "? ", ": ", "; ", " — ", " – ", "…", ", ", "«", "»", "„", "“",
    "\"", "'", "‘", "‚", "‹", "(", ")", "-", "/", ".", "🙂", "\t",
)


def crafted_texts(count: int, seed: int = 5) -> list[str]:
    """Random strings of ``PIECES``, glued without a rule, so that tokens touch in every way."""
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 40))) for _ in range(count)]


def generated_texts(count: int) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import generate_corpus  # noqa: E402  (the benchmarks' generator)

    return [record["text"] for record in generate_corpus(count, seed=11)[0]]


def corpus() -> list[str]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    generated = generated_texts(600)
    rng = random.Random(3)
    variants = [text.lower() for text in generated[:100]] + [text.upper() for text in generated[100:200]]
    cuts = [text[rng.randrange(len(text)) :][: rng.randrange(1, 400)] for text in generated[200:600] if text]
    edges = ["", " ", "\n", "12345", "6 500", "1.2.3", "«Lukoil»", "Ended. In 2019 «Lukoil» paid 6 500", "a b c d e",
             "\ud800", "Tokayev \udc00 Putin 6 500 км"]  # lone surrogates, as a bad decode leaves them
    return seeds + generated + variants + cuts + edges + crafted_texts(2600)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus()


LANGS = ("en", "de", "ru", None, "ka")


def documents(texts: list[str]) -> list[Document]:
    return [Document(id=str(i), text=text, lang=LANGS[i % len(LANGS)], order=i) for i, text in enumerate(texts)]


def test_near_signature_and_shingles_are_those_of_hashing_every_shingle(texts):
    config = CleanConfig(translated=False)  # anchors are not what this compares, and cost time
    for doc in documents(texts):
        fp = fingerprint(doc, config)
        items = shingles(words(doc.text), config.ngram)
        near = minhash(items, config.num_perm, config.seed).hashvalues
        assert np.array_equal(fp.near, near) and fp.near.dtype == near.dtype, doc.text
        assert np.array_equal(fp.shingles, shingle_hashes(items)) and fp.shingles.dtype == np.uint32, doc.text
        assert fp.exact == exact_hash(doc.text)


def test_caseless_test_and_main_script_are_plain_counts(texts):
    for text in texts:
        letters, capitals = sum(map(str.isalpha, text)), sum(map(str.isupper, text))
        assert is_caseless(text) == (letters > 0 and capitals <= 0.002 * letters), text
        counts = Counter(_script(char) for char in text[:2000])
        counts.pop(None, None)
        expected = max(SCRIPTS, key=lambda name: (counts[name], -SCRIPTS.index(name))) if counts else "None"
        assert main_script(text) == expected, text


SCRIPTS = ("Latin", "Cyrillic", "Greek", "Arabic", "Han", "Other")
SCRIPT_PATTERNS = [regex.compile(p) for p in (r"\p{Latin}", r"\p{Cyrillic}", r"\p{Greek}", r"\p{Arabic}", r"\p{Han}", r"\p{L}")]


@lru_cache(maxsize=None)
def _script(char: str) -> str | None:
    """The first of ``SCRIPTS`` whose pattern the character matches; None for no letter."""
    return next((name for name, pattern in zip(SCRIPTS, SCRIPT_PATTERNS) if pattern.match(char)), None)


def _feature_sets() -> list[frozenset[str]]:
    """Every feature, each one switched off, and none."""
    return [ALL_FEATURES] + [ALL_FEATURES - {name} for name in sorted(ALL_FEATURES)] + [frozenset()]


def _formerly_raised(text: str, features: frozenset[str]) -> bool:
    """Whether ``anchor_sequence(text, features)`` raised before the fix: with "numbers" on and
    "dates" off, a date token (ValueError in number_value); with "dates" on, a month name next
    to a number that reads as infinity (OverflowError in the day test). Checked against the
    code before the fix on this corpus (module docstring)."""
    items = list(tokens(text))
    if "dates" not in features:
        return "numbers" in features and any(token.kind == "date" for token in items)
    for i, token in enumerate(items):
        if token.kind == "word" and is_month(exonym(token.text) or ""):
            neighbours = items[max(i - 1, 0) : i] + items[i + 1 : i + 2]
            if any(other.kind == "number" and math.isinf(number_value(other.text)) for other in neighbours):
                return True
    return False


def _outcome(formerly_raised: bool, function: Callable[..., object], *args: object) -> object:
    """The result, or FORMER_ERROR where the code before the fix raised (the call still has to
    return: nothing may raise now)."""
    result = function(*args)
    return FORMER_ERROR if formerly_raised else result


def outputs_digest(texts: list[str]) -> str:
    """SHA-256 of every output of the stage for ``texts``, in a fixed order."""
    digest = hashlib.sha256()
    config = CleanConfig()

    def add(value: object) -> None:
        if isinstance(value, np.ndarray):
            value = (str(value.dtype), value.shape, value.tobytes())
        digest.update(repr(value).encode("utf-8", "surrogatepass") + b"\x00")

    for doc in documents(texts):
        fp = _outcome(_formerly_raised(doc.text[:ANCHOR_TEXT_CHARS], FEATURES), fingerprint, doc, config)
        if isinstance(fp, str):
            add(fp)
        else:
            for value in (fp.length, fp.lang, fp.script, fp.exact, fp.near, fp.anchors, fp.translatable, fp.fallback, fp.anchor_names, fp.shingles):
                add(value)
        add(is_caseless(doc.text))
        for features in _feature_sets():
            add(_outcome(_formerly_raised(doc.text, features), anchor_sequence, doc.text, features))
        add(_outcome(_formerly_raised(doc.text, FEATURES), lambda text: sorted(all_word_anchors(text)), doc.text))
        for names_only in (False, True):
            add([(t.kind, t.text, t.sentence_start, t.after_quote) for t in tokens(doc.text, names_only=names_only)])
    return digest.hexdigest()


def test_every_output_is_the_recorded_one(texts):
    assert outputs_digest(texts) == RECORDED_DIGEST
