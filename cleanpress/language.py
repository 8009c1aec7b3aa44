"""Language identification: an ISO 639-1 code per document, from ``py3langid``.

py3langid ships its model inside the package (no download at run time), knows 140 languages
including Azerbaijani, Bosnian, Uzbek, Kazakh, Kyrgyz, Tatar, Turkmen and Tajik, and classifies a
few thousand characters in about a millisecond.

Most of that millisecond is py3langid's feature extraction, a Python loop taking one step of a
byte automaton per byte, and the float16-to-float32 conversion of the model rows it scores.
:class:`_NumpyIdentifier` is py3langid's own identifier with those two steps done by numpy
(all positions of the text step at once; the model held as float32), and returns exactly what
py3langid returns: the same features in the same order, the same floating-point sums
(tests/test_language_and_fingerprints.py compares the two on thousands of texts).

>>> identify("Ötən həftə Vaşinqtonda Orta Asiyanın beş liderinin iştirakı ilə sammit keçirildi.")[0]
'az'
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .document import Document

SAMPLE_CHARS = 2000  # enough for a confident guess: on 3,832 bench texts the guess differs from 4,000 characters' on 4, all Bosnian vs Croatian; py3langid costs per byte
UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"


class _NumpyIdentifier(LanguageIdentifier):
    """py3langid's :class:`LanguageIdentifier` with its feature extraction vectorised.

    py3langid finds its features (byte n-grams) with an automaton: the state after byte ``i``
    is ``next[row[state before] + byte]``, and a state may emit one feature. Here every
    position steps at once: round ``k`` gives the state each position reaches when the walk
    starts ``k`` bytes before it, computed from round ``k - 1``'s state one position back. When
    a round changes nothing, no later round can change anything (each round is a function of
    the one before), so the states are those of py3langid's walk from the first byte; for its
    automaton that takes as many rounds as its longest feature has bytes (6), plus one.
    """

    __slots__ = ("_next_state", "_row_offset", "_emits")

    def __init__(self, nb_ptc: Any, *args: Any, **kwargs: Any) -> None:
        # float32 rows: converting the float16 model once (28 MB more memory) instead of the
        # ~500 rows a text touches on every call; the conversion is exact, the sums identical.
        super().__init__(np.asarray(nb_ptc, dtype=np.float32), *args, **kwargs)
        self._next_state = np.asarray(self.tk_nextmove)
        self._row_offset = np.asarray(self._rowbase, dtype=np.int64)
        self._emits = np.asarray(self.tk_output, dtype=np.int64)

    def _features_in_order_of_appearance(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """The distinct features of ``data`` and their counts, in order of first appearance: the
        keys and values of py3langid's ``visit_counts``."""
        letters = np.frombuffer(data, dtype=np.uint8)
        following = letters[1:].astype(np.intp)  # converted once, not in every round
        states = self._next_state[self._row_offset[0] + letters]  # walks of one byte
        while len(states) > 1:
            # one byte longer: each position continues from its predecessor's state
            moves = self._row_offset[states[:-1]]
            moves += following
            longer = self._next_state[moves]
            if (longer == states[1:]).all():
                break
            states[1:] = longer
        features = self._emits[states]
        return _distinct_in_order_of_appearance(features[features >= 0])

    def _raw_score(self, text: bytes) -> np.ndarray:
        return self.scores(*self._features_in_order_of_appearance(text))

    def scores(self, features: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Every language's log score of a text with these features and counts."""
        if len(features):
            # py3langid's _sparse_score on the arrays it would build from its {feature: count}
            # dict (same values, order and dtypes), without the dict in between
            return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[features] + self.nb_pc
        return super()._raw_score(b"")  # no features: py3langid's own scores for featureless input


def _distinct_in_order_of_appearance(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of an array of small non-negative integers and how often each
    occurs, in order of first appearance: the keys and values of ``collections.Counter(values)``.

    That order matters: py3langid sums the model rows in it, and a float32 sum in another
    order can differ in its last bit.

    >>> [a.tolist() for a in _distinct_in_order_of_appearance(np.array([7, 3, 7, 0, 3, 7]))]
    [[7, 3, 0], [3, 2, 1]]
    """
    n = len(values)
    if not n:
        return values.astype(np.intp), np.zeros(0, dtype=np.int64)
    # value and position in one int64: a plain (fast, unstable) sort then orders each
    # value's occurrences by position, so a group's first key holds its first position
    keys = values * n + np.arange(n)
    keys.sort()
    grouped = keys // n
    starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
    counts = np.diff(np.append(starts, n))
    by_appearance = np.argsort(keys[starts] % n)
    return grouped[starts][by_appearance].astype(np.intp), counts[by_appearance]


@lru_cache(maxsize=1)
def _identifier() -> _NumpyIdentifier:
    return _NumpyIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The most likely language of ``text`` and its probability; ``und`` for text without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    lang, probability = _identifier().classify(sample)
    return str(lang), round(float(probability), 4)


def log_likelihood(text: str, lang: str) -> float:
    """How likely the identifier's model of ``lang`` finds ``text`` (its first
    :data:`SAMPLE_CHARS`): the mean log score of its features, so that a text is not made
    likelier by bytes the model does not know (they add no feature).

    >>> log_likelihood("Başbakan toplantıda konuştu.", "tr") > log_likelihood("Baþbakan toplantýda konuþtu.", "tr")
    True
    """
    identifier = _identifier()
    features, counts = identifier._features_in_order_of_appearance(text[:SAMPLE_CHARS].encode("utf-8"))
    scores = identifier.scores(features, counts)
    return float(scores[list(identifier.nb_classes).index(lang)]) / max(1, int(counts.sum()))


def identify_language(doc: Document) -> Document:
    """Set ``doc.lang`` and ``doc.lang_score``.

    >>> identify_language(Document(id="a", text="Prezident Tokayev bu gün Soçiyə gedəcək və Putinlə görüşəcək.")).lang
    'az'
    """
    doc.lang, doc.lang_score = identify(doc.text)
    return doc
