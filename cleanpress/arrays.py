"""Small array helpers shared by the fingerprints and the index structures.

``np.unique`` on integer arrays goes through a hash table first in numpy 2.3 and later; on the
large arrays of candidate-pair codes the index builds (hundreds of thousands of values, most of
them repeated), a plain sort and a comparison of neighbours is 3 to 5 times faster and gives
the same sorted result; on a document's few hundred shingle hashes it also saves np.unique's
set-up.
"""
from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-D array, sorted: ``np.unique(values)``.

    >>> sorted_unique(np.array([5, 1, 5, 3, 1])).tolist()
    [1, 3, 5]
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def sorted_unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a 1-D array, sorted, and how often each occurs:
    ``np.unique(values, return_counts=True)``.

    >>> [a.tolist() for a in sorted_unique_counts(np.array([5, 1, 5, 3, 5]))]
    [[1, 3, 5], [1, 1, 3]]
    """
    ordered = np.sort(values)
    first = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))
