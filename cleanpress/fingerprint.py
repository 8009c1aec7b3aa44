"""Fingerprints: the compact summaries of a clean document that deduplication compares.

Three fingerprints per document, one per kind of duplicate:

* ``exact``: a 128-bit hash of the text with case, punctuation and spacing normalised away;
* ``near``: a MinHash signature of word n-gram shingles (``datasketch``), for near duplicates;
* ``anchors``: hashed translation anchors (:mod:`cleanpress.anchors`) and their MinHash, for
  translated duplicates; on pages where capitals cannot tell names (no case, or German) the
  anchors are every word's key and ``fallback`` is set.

Fingerprints hold no text, so the deduplication index grows with the number of documents, not
with their size. The anchor strings travel with a fingerprint only until the index has added
them to its vocabulary (``anchor_names``), so that a match can say which anchors made it.

>>> fp = fingerprint(Document(id="a", text="One two three four five six."), CleanConfig())
>>> len(fp.exact), fp.near.shape, fp.script
(16, (128,), 'Latin')
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np
import regex
import xxhash
from datasketch import MinHash

from .anchors import FEATURES, NOUN_CASE_LANGUAGES, all_word_anchors, is_caseless, translation_anchors
from .arrays import sorted_unique
from .boilerplate import MODEL_RULE, SPAN_RULE
from .config import CleanConfig
from .document import Document

_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")
_LETTER_SCRIPT = regex.compile(r"(\p{Latin})|(\p{Cyrillic})|(\p{Greek})|(\p{Arabic})|(\p{Han})|(\p{L})")
_SCRIPT_NAMES = ("Latin", "Cyrillic", "Greek", "Arabic", "Han", "Other")
_xxh32 = xxhash.xxh32_intdigest  # looked up once, not once per shingle
ANCHOR_TEXT_CHARS = 50_000  # translation anchors come from this much of a document at most
_SCRIPT_SAMPLE = 2000  # characters looked at to tell a document's main script


@dataclass(slots=True)
class Fingerprint:
    """What the deduplication index keeps of one document."""

    order: int
    id: str
    length: int  # characters of clean text, for the keep rule
    lang: str | None
    script: str
    exact: bytes
    near: np.ndarray  # MinHash hash values (uint32 or uint64, as datasketch makes them)
    anchors: np.ndarray  # sorted unique uint64 hashes of the translation anchors
    translatable: bool  # enough anchors (``min_anchors``) to be compared with other languages
    fallback: bool = False  # anchors are every word's key: capitals do not tell names here
    anchor_names: tuple[str, ...] = ()  # the anchor strings, dropped once the index has read them
    shingles: np.ndarray | None = None  # sorted unique uint32 shingle hashes, moved to disk by the index


# How many characters of Latin-script text one character of a script stands for, roughly: a Han
# character writes a word or most of one, kana and Hangul a syllable (their scripts fall under
# "Other" here, with the alphabets of India and South-East Asia, which sit near 1).
_SCRIPT_DENSITY = {"Han": 3.0, "Other": 2.0}


def translation_size(fp: Fingerprint) -> float:
    """The document's length in Latin-script characters, roughly, as far as translation anchors
    read: comparable between a text and its translation in another script.

    >>> fp = Fingerprint(order=0, id="a", length=900, lang="zh", script="Han", exact=b"", near=np.zeros(0), anchors=np.zeros(0), translatable=False)
    >>> translation_size(fp)
    2700.0
    """
    return min(fp.length, ANCHOR_TEXT_CHARS) * _SCRIPT_DENSITY.get(fp.script, 1.0)


def words(text: str) -> list[str]:
    """Lower-cased words: letters, digits and combining marks; punctuation is dropped.

    >>> words("Tokayev, Putin: 6.500 km!")
    ['tokayev', 'putin', '6', '500', 'km']
    """
    return _WORD.findall(text.casefold())


def exact_hash(text: str) -> bytes:
    """128-bit hash of the text's words: equal for texts that differ only in case, spacing, punctuation.

    >>> exact_hash("Hello,   World!") == exact_hash("hello world")
    True
    """
    return _hash_words(words(text))


def _hash_words(tokens: list[str]) -> bytes:
    return _hash_joined(_joined(tokens))


def _joined(tokens: list[str]) -> bytes:
    """The words with one space between them, as UTF-8: what the exact hash and the shingles read."""
    return " ".join(tokens).encode("utf-8")


def _hash_joined(data: bytes) -> bytes:
    return xxhash.xxh3_128_digest(data)


def shingles(tokens: list[str], n: int) -> list[bytes]:
    """Word n-grams as bytes; a text shorter than n words is one shingle.

    >>> shingles(["a", "b", "c"], 2)
    [b'a b', b'b c']
    """
    if len(tokens) <= n:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    return [" ".join(tokens[i : i + n]).encode("utf-8") for i in range(len(tokens) - n + 1)]


def shingle_hashes(items: list[bytes]) -> np.ndarray:
    """Sorted unique 32-bit hashes of shingles, the hashes :func:`minhash` applies its permutations to.

    >>> shingle_hashes([b"a b", b"b c", b"a b"]).tolist() == sorted({xxhash.xxh32_intdigest(b"a b"), xxhash.xxh32_intdigest(b"b c")})
    True
    """
    return np.unique(np.fromiter(map(xxhash.xxh32_intdigest, items), dtype=np.uint32, count=len(items)))


def word_shingle_hashes(tokens: list[str], n: int) -> np.ndarray:
    """``shingle_hashes(shingles(tokens, n))``, faster: the words are joined and encoded once and
    every shingle is hashed as a slice of that, instead of being joined and encoded on its own.

    >>> tokens = "на 6 500 км дороги".split()
    >>> np.array_equal(word_shingle_hashes(tokens, 2), shingle_hashes(shingles(tokens, 2)))
    True
    """
    return _joined_shingle_hashes(_joined(tokens), tokens, n)


def _joined_shingle_hashes(data: bytes, tokens: list[str], n: int) -> np.ndarray:
    """:func:`word_shingle_hashes` of ``tokens``, given ``data``, their :func:`_joined` bytes."""
    # The spaces tell where words start: no byte of a multibyte UTF-8 character is one, and
    # words() splits at every space (a caller's token with a space in it takes the plain way).
    spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(" "))
    if len(spaces) != max(len(tokens) - 1, 0):
        return shingle_hashes(shingles(tokens, n))
    # starts[k]: the byte where word k starts; starts[k + 1] - 1: where it ends
    starts = [0, *(spaces + 1).tolist(), len(data) + 1] if tokens else [0]
    count = max(len(tokens) - n + 1, 1) if tokens else 0  # fewer than n words make one shingle
    ends = starts[min(n, len(tokens)) :]  # one past the last word's space
    hashes = np.array([_xxh32(data[start : end - 1]) for start, end in zip(starts[:count], ends)], dtype=np.uint32)
    return sorted_unique(hashes)


@lru_cache(maxsize=8)
def _template(num_perm: int, seed: int) -> MinHash:
    # Permutations are drawn once per setting and shared by every signature.
    return MinHash(num_perm=num_perm, seed=seed, hashfunc=xxhash.xxh32_intdigest)


def minhash(items: list[bytes], num_perm: int, seed: int) -> MinHash:
    """A datasketch MinHash of ``items`` with a fast hash function and shared permutations."""
    template = _template(num_perm, seed)
    signature = MinHash(
        num_perm=num_perm,
        seed=seed,
        hashfunc=xxhash.xxh32_intdigest,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    if items:
        signature.update_batch(items)
    return signature


def hash_minhash(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray | None:
    """The MinHash hash values of already hashed items (32-bit shingle hashes, or 64-bit anchor
    hashes whose low 32 bits are the items' hashes), with the permutations :func:`minhash` uses;
    None when there are none.

    >>> a = hash_minhash(np.array([1, 2, 3], dtype=np.uint64), 128, 1)
    >>> b = hash_minhash(np.array([1, 2, 4], dtype=np.uint64), 128, 1)
    >>> a.shape, 0.2 < float((a == b).mean()) < 0.8, hash_minhash(np.zeros(0, np.uint64), 128, 1)
    ((128,), True, None)
    >>> signature = MinHash(num_perm=128, seed=1, hashfunc=int)
    >>> signature.update_batch([1, 2, 3])
    >>> np.array_equal(a, signature.hashvalues)
    True
    """
    if not len(hashes):
        return None
    template = _template(num_perm, seed)
    low_bits = hashes.astype(np.uint32)  # drops the high 32 bits, as datasketch's uint32 conversion does
    if template.scheme != _AFFINE32:
        signature = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
        signature.update_batch(low_bits.tolist())
        return signature.hashvalues
    # datasketch's update_batch for its "affine32" scheme, without a list of Python ints and a
    # MinHash object per call: each hash mixed once, then min over items of a * h + b (mod 2**32)
    a, b = template.permutations
    permuted = np.multiply.outer(_fmix32(low_bits), a)
    permuted += b
    return permuted.min(axis=0)


_AFFINE32 = "affine32"  # datasketch's default permutation scheme since 2.0
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    """The MurmurHash3 finalizer on uint32 values, as datasketch mixes each hash before permuting
    it (uint32 arithmetic wraps around, which is the intended mod 2**32)."""
    shift1, multiplier1, shift2, multiplier2, shift3 = _FMIX32
    mixed = hashes ^ (hashes >> shift1)
    mixed *= multiplier1
    mixed ^= mixed >> shift2
    mixed *= multiplier2
    mixed ^= mixed >> shift3
    return mixed


def main_script(text: str) -> str:
    """The script most letters of the text are written in.

    >>> main_script("Қозоғистон ва Россия"), main_script("Tokajev je stigao"), main_script("12 + 🙂")
    ('Cyrillic', 'Latin', 'None')
    """
    # lone surrogates are counted as they are
    code_points = np.frombuffer(text[:_SCRIPT_SAMPLE].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    groups = _script_groups(code_points)
    counts = np.bincount(groups[groups != _NO_LETTER], minlength=len(_SCRIPT_NAMES))
    return _SCRIPT_NAMES[int(counts.argmax())] if counts.any() else "None"  # argmax: the first of equal counts


_NO_LETTER, _NOT_YET_KNOWN = -1, -2
# The script group of every code point met so far (index in _SCRIPT_NAMES, or _NO_LETTER): one
# numpy lookup per character instead of a regex match per distinct character of each document.
_GROUP_OF_CODE_POINT = np.full(0x110000, _NOT_YET_KNOWN, dtype=np.int8)


def _script_groups(code_points: np.ndarray) -> np.ndarray:
    """The script group of each code point, the ones not met before looked up first."""
    groups = _GROUP_OF_CODE_POINT[code_points]
    unknown = groups == _NOT_YET_KNOWN
    if unknown.any():
        for code_point in np.unique(code_points[unknown]).tolist():
            _GROUP_OF_CODE_POINT[code_point] = _script_group(chr(code_point))
        groups = _GROUP_OF_CODE_POINT[code_points]
    return groups


def _script_group(char: str) -> int:
    """The index in ``_SCRIPT_NAMES`` of one character's script; ``_NO_LETTER`` when it is no letter."""
    match = _LETTER_SCRIPT.match(char)
    return match.lastindex - 1 if match else _NO_LETTER


def anchor_hash(anchor: str) -> int:
    """The 64-bit hash of one anchor string."""
    return xxhash.xxh3_64_intdigest(anchor.encode("utf-8"))


def anchor_hashes(anchors: Iterable[str]) -> np.ndarray:
    """Sorted unique 64-bit hashes of anchor strings."""
    return np.unique(np.fromiter((anchor_hash(a) for a in anchors), dtype=np.uint64))


def document_anchors(text: str, lang: str | None, features: frozenset[str] = FEATURES) -> tuple[set[str], bool]:
    """The translation anchors of ``text`` and whether they are a fallback set (see
    :mod:`cleanpress.anchors`): every word's key for caseless text, every capitalised word for
    languages that capitalise nouns.

    >>> anchors, fallback = document_anchors("Yesterday Tokayev met Putin in Astana.", "en")
    >>> sorted(anchors), fallback
    (['ptn', 'stn', 'tkv'], False)
    >>> document_anchors("Tokajew traf Putin in Astana.", "de")[1], document_anchors("токаев встретил путина", "ru")[1]
    (True, True)
    """
    if is_caseless(text):
        return all_word_anchors(text, features), True
    return translation_anchors(text, features), lang in NOUN_CASE_LANGUAGES


# Lines the line model or the article span removed, where no rule names them as chrome. The
# model's contextual call on a borderline paragraph can differ between two near copies (a
# few changed words move its probability across the threshold), so near-duplicate shingles read
# them too: what the rules call chrome stays out, what is article-shaped stays in.
DOUBTED_RULES = frozenset({MODEL_RULE, SPAN_RULE})


def near_duplicate_text(doc: Document) -> str:
    """The text near-duplicate shingles are read from: the kept text with the lines only the model
    removed (:data:`DOUBTED_RULES`) put back where they stood.

    >>> from cleanpress.document import Removal
    >>> doc = Document(id="a", text="kept one\\nkept two")
    >>> doc.removed = [Removal(1, "Home", "navigation", kept_before=0), Removal(3, "doubted", "line-model", 0.2, kept_before=1)]
    >>> near_duplicate_text(doc)
    'kept one\\ndoubted\\nkept two'
    """
    doubted = [r for r in doc.removed if r.rule in DOUBTED_RULES and r.kept_before is not None]
    if not doubted:
        return doc.text
    kept = doc.text.split("\n")
    lines: list[str] = []
    doubted.sort(key=lambda r: r.line)
    at = 0
    for removal in doubted:
        # kept_before counts lines of the kept text, blank ones included
        lines.extend(kept[at:removal.kept_before])
        at = max(at, removal.kept_before)
        lines.append(removal.text)
    lines.extend(kept[at:])
    return "\n".join(lines)


def fingerprint(doc: Document, config: CleanConfig, features: frozenset[str] = FEATURES) -> Fingerprint:
    """All fingerprints of a clean document (``features``: see :func:`cleanpress.anchors.anchor_sequence`).

    >>> a, b = (fingerprint(Document(id=i, text=t), CleanConfig()) for i, t in (("a", "Gas talks, Moscow."), ("b", "gas TALKS moscow")))
    >>> a.exact == b.exact
    True
    """
    tokens = words(doc.text)
    joined = _joined(tokens)
    near_text = near_duplicate_text(doc)
    # the same text most of the time: tokenise and join it once on this hot path
    if near_text is doc.text:
        hashed = _joined_shingle_hashes(joined, tokens, config.ngram)
    else:
        hashed = word_shingle_hashes(words(near_text), config.ngram)
    # the same values minhash() gives for the shingles themselves, without hashing them twice
    near = hash_minhash(hashed, config.num_perm, config.seed)
    if near is None:
        near = minhash([], config.num_perm, config.seed).hashvalues
    # a translation's names and numbers show in its first pages; a book-length text costs no more.
    # The headline (moved to the title by the stripper, or given) names them first of all.
    title = doc.metadata.get("title")
    head = (f"{title}\n{doc.text}" if isinstance(title, str) and title else doc.text)[:ANCHOR_TEXT_CHARS]
    anchors, fallback = document_anchors(head, doc.lang, features) if config.translated else (set(), False)
    return Fingerprint(
        order=doc.order,
        id=doc.id,
        length=len(doc.text),
        lang=doc.lang,
        script=main_script(doc.text),
        exact=_hash_joined(joined),
        near=near,
        anchors=anchor_hashes(anchors),
        translatable=len(anchors) >= config.min_anchors,
        fallback=fallback,
        anchor_names=tuple(sorted(anchors)),
        shingles=hashed,
    )
