"""Corpus line frequencies: how many documents of a run contain a given line.

Site chrome repeats across pages ("Share this article", a newsletter prompt, a footer), article
text does not; CCNet removes paragraphs whose hash recurs across a shard for that reason. A
``clean`` run over files reads its input once beforehand to count, per line, the documents that
contain it; the boilerplate line model takes the count as one of its features.

Memory is bounded: lines are kept as 64-bit hashes in a :class:`~cleanpress.hashcount.HashCounter`
(two sorted arrays, 12 bytes a line), and when the table grows past ``capacity`` the lines seen
only once are forgotten (lossy counting), so what survives is what repeats.

>>> freq = LineFrequencies()
>>> for page in ("Share this\\nA story about bridges.", "Share  THIS\\nA story about rivers.", "Other"):
...     freq.add_document(page)
>>> freq("share this"), freq("A story about bridges."), freq("never seen")
(2, 1, 0)
"""
from __future__ import annotations

from array import array

import numpy as np
import regex
import xxhash

from .boilerplate import letters_only
from .document import Document
from .hashcount import HashCounter

MAX_LINE_CHARS = 600  # longer lines are paragraphs: counting them costs memory and finds little
DEFAULT_CAPACITY = 2_000_000  # hashes held before the singletons are dropped (24 MB)

_NOT_LETTER = regex.compile(r"[^\p{L}]+")


def line_hash(line: str) -> int | None:
    """The line's letters, case-folded, hashed: numbers, spacing and punctuation do not matter
    (a view counter or a date does not make a chrome line unique). None for lines without letters."""
    if len(line) > MAX_LINE_CHARS:
        return None
    return _letters_hash(_NOT_LETTER.sub("", line).casefold())


def line_hashes(lines: list[str]) -> list[int | None]:
    """``[line_hash(line) for line in lines]``, the letters picked from the whole page at once.

    >>> lines = ["Share  THIS", "", "12:30", "x" * 601, "Ünïcode"]
    >>> line_hashes(lines) == [line_hash(line) for line in lines]
    True
    """
    return [None if len(line) > MAX_LINE_CHARS else _letters_hash(letters.casefold())
            for line, letters in zip(lines, letters_only(lines))]


def _letters_hash(letters: str) -> int | None:
    return xxhash.xxh3_64_intdigest(letters.encode("utf-8")) if letters else None


def distinct_line_hashes(text: str) -> set[int]:
    """The :func:`line_hash` of each line of ``text``, each once (a document counts a line once)."""
    return set(line_hashes(text.split("\n"))) - {None}  # type: ignore[return-value]


def batch_line_hashes(texts: list[str], sizes: list[int] | None = None) -> np.ndarray:
    """The distinct line hashes of each text, one after the other: what
    :meth:`LineFrequencies.add_hashes` counts; ``sizes``, when given, gets how many each text
    has. Runs in a worker process."""
    hashes = array("Q")
    for text in texts:
        distinct = distinct_line_hashes(text)
        hashes.extend(distinct)
        if sizes is not None:
            sizes.append(len(distinct))
    return np.frombuffer(hashes, dtype=np.uint64)


class LineFrequencies:
    """Counts, per line, the documents that contain it."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self.documents = 0
        self._counter = HashCounter(capacity)

    def __len__(self) -> int:
        return len(self._counter)

    def add_document(self, text: str) -> None:
        """Count each distinct line of one document once."""
        self.documents += 1
        self._counter.add(distinct_line_hashes(text))

    def add_hashes(self, hashes: np.ndarray, documents: int) -> None:
        """Count the :func:`batch_line_hashes` of ``documents`` documents."""
        self.documents += documents
        self._counter.add(hashes)

    def __call__(self, line: str) -> int:
        """Documents counted that contain ``line`` (0 for lines never seen or forgotten)."""
        return int(self.counts([line])[0])

    def counts(self, lines: list[str]) -> np.ndarray:
        """:meth:`__call__` for many lines at once, with one search of the table.

        >>> freq = LineFrequencies()
        >>> freq.add_document("Share this\\nA story")
        >>> freq.counts(["share this", "12:30", "unseen"]).tolist()
        [1, 0, 0]
        """
        hashes = line_hashes(lines)
        found = self._counter.counts(np.array([0 if h is None else h for h in hashes], dtype=np.uint64))
        return np.where([h is not None for h in hashes], found, 0).astype(np.uint32)


def counted_text(item: object) -> str | None:
    """The text the first pass counts the lines of: a plain-text document's (an HTML page's lines
    are markup until extraction), else None."""
    return item.text if isinstance(item, Document) and item.format == "text" else None


def items_line_hashes(items: list[object]) -> tuple[np.ndarray, list[int]]:
    """:func:`batch_line_hashes` of the items' :func:`counted_text`, and how many hashes each
    counted item has (-1 for an item that is not counted)."""
    texts = [counted_text(item) for item in items]
    sizes: list[int] = []
    hashes = batch_line_hashes([text for text in texts if text is not None], sizes)
    counted = iter(sizes)
    return hashes, [-1 if text is None else next(counted) for text in texts]


class BatchedCount:
    """Adds documents' line hashes to ``frequencies`` in batches of ``batch_size`` documents, as
    :func:`cleanpress.pipeline.count_lines` adds them, in whatever pieces they arrive: the table
    merges (and, past its capacity, forgets) at the same points, so the counts are the same.

    >>> count = BatchedCount(LineFrequencies(), batch_size=2)
    >>> count.add(np.array([7, 8, 7], np.uint64), [2, 1])  # two documents: {7, 8} and {7}
    >>> count.add(np.array([9], np.uint64), [1])
    >>> frequencies = count.finish()
    >>> frequencies.documents, frequencies._counter.counts(np.array([7, 9], np.uint64)).tolist()
    (3, [2, 1])
    """

    def __init__(self, frequencies: LineFrequencies, batch_size: int) -> None:
        self.frequencies, self.batch_size = frequencies, batch_size
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._sizes = np.zeros(0, dtype=np.int64)

    def add(self, hashes: np.ndarray, sizes: list[int] | np.ndarray) -> None:
        """The hashes of consecutive documents, one after the other, and how many each has."""
        self._hashes = np.concatenate([self._hashes, hashes])
        self._sizes = np.concatenate([self._sizes, np.asarray(sizes, dtype=np.int64)])
        while len(self._sizes) >= self.batch_size:
            self._count(self.batch_size)

    def finish(self) -> LineFrequencies:
        """The frequencies, with the last, smaller batch counted."""
        if len(self._sizes):
            self._count(len(self._sizes))
        return self.frequencies

    def _count(self, documents: int) -> None:
        used = int(self._sizes[:documents].sum())
        self.frequencies.add_hashes(self._hashes[:used], documents)
        self._hashes, self._sizes = self._hashes[used:], self._sizes[documents:]


# The frequencies of the corpus this process is working on. Set once per process (as an
# executor initializer) rather than sent with every batch: the table can be large.
_corpus: LineFrequencies | None = None


def use_corpus_frequencies(frequencies: LineFrequencies | None) -> None:
    """Make ``frequencies`` the ones :func:`corpus_frequencies` returns in this process."""
    global _corpus
    _corpus = frequencies


def corpus_frequencies() -> LineFrequencies | None:
    """The line frequencies set by :func:`use_corpus_frequencies`, if any."""
    return _corpus
