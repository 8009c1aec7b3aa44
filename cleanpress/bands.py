"""A compact LSH band index: datasketch's banding, held in numpy arrays instead of Python sets.

``datasketch.MinHashLSH`` keeps, for every band of every document, a bytes key in a dict and a
set of members: about 7 KB a document at 25 bands, so 1,000,000 documents would need 7 GB for
the index alone. Deduplication here adds every document before it asks anything, so the buckets
can live in flat arrays: one 64-bit hash per band and document (``xxh3`` of the band's hash
values, the bytes datasketch would use as the key), sorted once per band, queried by binary
search: about 12 bytes per band and document (the keys, and each band's sort order in 32-bit
indices), 8 when only :meth:`BandIndex.pairs` is asked. The
number of bands and rows comes from datasketch's own optimiser for the threshold and weights, so a query returns the same
candidates ``MinHashLSH.query`` would (up to 64-bit hash collisions, which only add a
candidate: every candidate is verified).

>>> index = BandIndex(0.5, 16)
>>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
>>> for position, values in enumerate((a, b, c)):
...     index.insert(position, values)
>>> sorted(index.query(a)), sorted(index.query(c))
([0, 1], [2])
"""
from __future__ import annotations

import numpy as np
import xxhash
from datasketch.lsh import _optimal_param

from .arrays import sorted_unique

_INITIAL_CAPACITY = 1024


def band_parameters(threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int]:
    """Bands and rows per band for ``threshold``, as datasketch chooses them; at very high
    thresholds its optimiser picks a single band, which ``MinHashLSH`` refuses, so two are used.

    >>> band_parameters(0.56, 128, (0.2, 0.8)), band_parameters(0.99, 128)
    ((25, 5), (2, 64))
    """
    bands, rows = _optimal_param(threshold, num_perm, *weights)
    return (bands, rows) if bands >= 2 else (2, num_perm // 2)


def band_keys(hashvalues: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per band: the hash of the band's bytes. Every engine groups documents by
    these keys (the Dask engine shuffles them), so all of them find the same candidates.

    >>> a = np.arange(8, dtype=np.uint32); b = a.copy(); b[7] = 0
    >>> (band_keys(a, 2, 4) == band_keys(b, 2, 4)).tolist()
    [True, False]
    """
    data = np.ascontiguousarray(hashvalues).tobytes()  # slicing bytes is cheaper than numpy views
    step = rows * (len(data) // len(hashvalues))
    return np.array([xxhash.xxh3_64_intdigest(data[start : start + step]) for start in range(0, bands * step, step)],
                    dtype=np.uint64)


class BandIndex:
    """Insert every signature, then query: each band's keys are argsorted on the first query
    after an insert, and :meth:`pairs` sorts one band at a time without keeping the order."""

    def __init__(
        self, threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5), *, capacity: int = _INITIAL_CAPACITY
    ) -> None:
        """``capacity``: signatures expected, when known, so the arrays are not grown by doubling."""
        self.bands, self.rows = band_parameters(threshold, num_perm, weights)
        self._keys = np.zeros((self.bands, capacity), dtype=np.uint64)  # a band's keys contiguous
        self._positions = np.zeros(capacity, dtype=np.int64)
        self._size = 0
        self._order: list[np.ndarray] | None = None  # per band: the argsort of its keys

    def __len__(self) -> int:
        return self._size

    def insert(self, position: int, hashvalues: np.ndarray) -> None:
        if self._size == len(self._positions):  # grow by doubling: amortised constant time
            extra = max(self._size, _INITIAL_CAPACITY)
            self._keys = np.concatenate([self._keys, np.zeros((self.bands, extra), dtype=np.uint64)], axis=1)
            self._positions = np.concatenate([self._positions, np.zeros(extra, dtype=np.int64)])
        self._keys[:, self._size] = band_keys(hashvalues, self.bands, self.rows)
        self._positions[self._size] = position
        self._size += 1
        self._order = None

    def query(self, hashvalues: np.ndarray) -> list[int]:
        """Positions of the inserted signatures that share at least one band with ``hashvalues``."""
        order = self._sorted_order()
        found: set[int] = set()
        for band, key in enumerate(band_keys(hashvalues, self.bands, self.rows)):
            keys = self._keys[band]
            start, end = (int(keys.searchsorted(key, side=side, sorter=order[band])) for side in ("left", "right"))
            if end > start:
                found.update(self._positions[order[band][start:end]].tolist())
        return list(found)

    def query_inserted(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`query` for many inserted signatures at once, from their stored band keys: for
        ``rows`` (indices in insertion order), two arrays ``(query, position)``, ``query`` an index
        into ``rows``, sorted by query, then position, each pair once. A signature finds itself.
        Two binary searches per band for the whole batch, not per signature.

        >>> index = BandIndex(0.5, 16)
        >>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
        >>> for position, values in enumerate((a, c, b)):
        ...     index.insert(position, values)
        >>> np.stack(index.query_inserted(np.array([2, 1]))).tolist()
        [[0, 0, 1], [0, 2, 1]]
        """
        order = self._sorted_order()
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows) or not self._size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        size = int(self._positions.max()) + 1
        found: list[np.ndarray] = []
        for band in range(self.bands):
            keys, wanted = self._keys[band], self._keys[band, rows]
            start = keys.searchsorted(wanted, side="left", sorter=order[band])
            counts = keys.searchsorted(wanted, side="right", sorter=order[band]) - start
            # the members of each query's bucket, query by query: start + 0 .. count - 1
            query = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
            offsets = np.repeat(start - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            found.append(query * size + self._positions[order[band][offsets]])
        codes = sorted_unique(np.concatenate(found))
        return codes // size, codes % size

    def pairs(self) -> np.ndarray:
        """Every pair of inserted positions sharing at least one band, as rows ``(earlier, later)``
        sorted by later, then earlier: what querying every inserted signature finds, from runs of
        equal keys in each band's sorted keys, without a binary search per band and query. Bands
        are sorted one at a time and the order is not kept: the index costs its keys alone.

        >>> index = BandIndex(0.5, 16)
        >>> a = np.arange(16, dtype=np.uint32); b = a.copy(); b[0] = 99; c = a + 100
        >>> for position, values in enumerate((a, c, b)):
        ...     index.insert(position, values)
        >>> index.pairs().tolist()
        [[0, 2]]
        """
        self._trim()
        size = int(self._positions.max()) + 1 if self._size else 0
        found: list[np.ndarray] = []
        for band in range(self.bands):
            order = self._order[band] if self._order is not None else _argsort(self._keys[band])
            keys = self._keys[band][order]
            same = keys[1:] == keys[:-1]  # i and i + 1 are in one bucket
            del keys
            if not same.any():
                continue
            # the members of buckets of two or more, bucket by bucket (the keys are sorted)
            members = np.flatnonzero(np.concatenate([same, [False]]) | np.concatenate([[False], same]))
            bucket = np.cumsum(np.concatenate([[True], ~same]))[members]
            member_positions = self._positions[order[members]]
            for step in range(1, len(members)):
                pair = bucket[step:] == bucket[:-step]
                if not pair.any():
                    break  # buckets are contiguous: no pair this far apart, none farther either
                first, second = member_positions[:-step][pair], member_positions[step:][pair]
                found.append(np.maximum(first, second) * size + np.minimum(first, second))
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        codes = sorted_unique(np.concatenate(found))  # by later, then earlier
        return np.stack([codes % size, codes // size], axis=1)

    def _trim(self) -> None:
        """Drop the spare capacity left by doubling (up to half the arrays) once inserting is done."""
        if self._size < len(self._positions):
            self._keys = np.ascontiguousarray(self._keys[:, : self._size])
            self._positions = self._positions[: self._size].copy()

    def _sorted_order(self) -> list[np.ndarray]:
        if self._order is None:
            self._trim()
            self._order = [_argsort(self._keys[band]) for band in range(self.bands)]
        return self._order


def _argsort(keys: np.ndarray) -> np.ndarray:
    """The stable sort order of ``keys``, in 32-bit indices where they fit (half the memory)."""
    order = np.argsort(keys, kind="stable")
    return order.astype(np.int32) if len(keys) < 2**31 else order
