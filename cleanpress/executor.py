"""Executors: how batches of documents are spread over processes. Kept apart from the stages.

A stage never knows where it runs; an executor maps a picklable batch function over a stream of
batches and yields the results in input order, so every run gives the same output whatever the
number of workers. At most a few batches per worker are in flight, so memory stays bounded
however long the input is.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

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
