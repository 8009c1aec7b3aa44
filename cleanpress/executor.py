"""Executors: how batches of documents are spread over processes. Kept apart from the stages.

A stage never knows where it runs; an executor maps a picklable batch function over a stream of
batches and yields the results in input order, so every run gives the same output whatever the
number of workers. At most a few batches per worker are in flight, so memory stays bounded
however long the input is.
"""
from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

BATCHES_IN_FLIGHT_PER_WORKER = 2


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def forks() -> bool:
    """Whether workers are forked, and so start with a copy-on-write view of this process's
    memory (Linux): state handed to ``initializer`` is then shared, not pickled."""
    return "fork" in multiprocessing.get_all_start_methods()


def map_ordered(
    function: Callable[[T], R],
    batches: Iterable[T],
    workers: int = 1,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """``map(function, batches)``, on ``workers`` processes when more than one, results in order.

    ``initializer(*initargs)`` runs once in every process that will call ``function`` (this one
    too, when there are no workers): the way to hand large read-only state to the workers once
    rather than with every batch.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(function, batches)
        return
    # fork shares the loaded models with the workers; spawn is the safe default elsewhere
    method = "fork" if forks() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future[R]] = deque()
        for batch in batches:
            pending.append(pool.submit(function, batch))
            if len(pending) >= workers * BATCHES_IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def map_shared(function: Callable[[S, T], R], items: Iterable[T], workers: int, shared: S) -> Iterator[R]:
    """``function(shared, item)`` for every item, results in order; with ``workers`` forked
    processes when there are more than one and this platform forks.

    ``shared`` is large read-only state, such as the deduplication index: forked workers read
    it where it lies (copy-on-write), so only the items and the results are pickled. Where
    workers would be spawned, ``shared`` would have to be pickled whole: this process does the
    work then. ``function`` must be picklable by name (a module-level function or a method).
    The garbage collector leaves the objects that exist now alone while workers run: a
    collection in a worker writes to every tracked object's header, so copying into that worker
    the pages of the whole state.
    """
    if workers <= 1 or not forks():
        yield from (function(shared, item) for item in items)
        return
    with _frozen_objects():
        try:
            yield from map_ordered(partial(_call_with_shared, function), items, workers, initializer=_share, initargs=(shared,))
        finally:
            _share(None)


_shared: Any = None  # this process's state for map_shared, set in each forked worker


def _share(state: Any) -> None:
    global _shared
    _shared = state


def _call_with_shared(function: Callable[[Any, T], R], item: T) -> R:
    return function(_shared, item)


@contextmanager
def _frozen_objects() -> Iterator[None]:
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
