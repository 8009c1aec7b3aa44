"""Connected components of the duplicate links on a Dask cluster, by min-label propagation.

The links' ends are cut by node into parts (each link stored at both its ends), one part per
task. Every node starts labelled by itself; each round, every part tells each neighbour of its
nodes the node's label (a message to the part that holds the neighbour), and every part lowers
each of its nodes' labels to the smallest it was told. When a round changes nothing, every node
holds the smallest node of its component: the name :func:`cleanpress.dedup.connected_components`
gives, so both engines form the same clusters. Rounds: the longest shortest path in a component,
plus one (a cluster of near copies of one story is a few links across).
"""
from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

Adjacency = list[tuple[int, int]]  # (node of this part, a neighbour)


def initial_labels(adjacency: Adjacency) -> dict[int, int]:
    """Every node of the part labelled by itself."""
    return {node: node for node, _ in adjacency}


def outbox(adjacency: Adjacency, labels: dict[int, int], parts: int) -> list[list[tuple[int, int]]]:
    """Per part, ``(neighbour, label)`` for each neighbour it holds: the node's label, offered."""
    messages: list[list[tuple[int, int]]] = [[] for _ in range(parts)]
    for node, neighbour in adjacency:
        label = labels[node]
        if label < neighbour:  # a neighbour's own label is never above itself: others are no news
            messages[neighbour % parts].append((neighbour, label))
    return messages


def absorb(labels: dict[int, int], *inboxes: list[tuple[int, int]]) -> tuple[dict[int, int], int]:
    """The part's labels lowered to the smallest offered, and how many changed."""
    lowered = dict(labels)
    changed = 0
    for inbox in inboxes:
        for node, label in inbox:
            if label < lowered[node]:
                changed += lowered[node] == labels[node]  # count each node once
                lowered[node] = label
    return lowered, changed


def dask_components(edges: Sequence[tuple[int, int]], client: Any, parts: int | None = None) -> dict[int, int]:
    """:func:`cleanpress.dedup.connected_components` computed on ``client``'s cluster, in
    ``parts`` parts (default: two per worker)."""
    if not edges:
        return {}
    parts = parts or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    adjacency: list[Adjacency] = [[] for _ in range(parts)]
    for a, b in edges:
        adjacency[a % parts].append((a, b))
        adjacency[b % parts].append((b, a))
    held = client.scatter(adjacency)
    labels = [client.submit(initial_labels, part, pure=False) for part in held]
    while True:
        sent = [client.submit(outbox, held[k], labels[k], parts, pure=False) for k in range(parts)]
        inboxes = [[client.submit(itemgetter(j), sent[k], pure=False) for k in range(parts)] for j in range(parts)]
        absorbed = [client.submit(absorb, labels[j], *inboxes[j], pure=False) for j in range(parts)]
        labels = [client.submit(itemgetter(0), result, pure=False) for result in absorbed]
        changed = sum(client.gather([client.submit(itemgetter(1), result, pure=False) for result in absorbed]))
        if not changed:
            break
    component: dict[int, int] = {}
    for part in client.gather(labels):
        component.update(part)
    return component
