"""The Dask engine: the same pipeline as :func:`cleanpress.pipeline.process`, on a Dask cluster.

Where the work happens:

* **workers read** (:func:`process_inputs`, the default): the client plans splits of the input
  from file names, sizes and a few seeks (:mod:`cleanpress.splits`: groups of small files,
  byte ranges of large JSON Lines files, other files whole) and never reads a record. Workers
  count each range's line breaks (so line numbers are the file's), read and parse their splits
  and send back each document's id and origin only; the client makes the ids unique in reading
  order (:class:`~cleanpress.readers.IdRegistry`, as the local reader does) and numbers the
  documents, and workers apply that to their splits, cut in partitions of ``batch_size``
  items. The line-frequency first pass hashes lines on the workers; the client counts the
  hashes, batch by batch as the local engine does, and broadcasts the table once. Standard
  input is read by the client. With ``read_on="client"`` (:func:`process`), the client reads
  and sends the partitions itself, for clusters whose workers cannot see the input files;
* **workers**: extract, repair, strip, identify the language and fingerprint each partition
  (:func:`cleanpress.pipeline.process_batch`, unchanged). The processed partition stays on the
  worker that made it (Dask spills it to disk under memory pressure); only its fingerprints go on;
* **workers, shuffled**: every document's near-duplicate band keys (:func:`cleanpress.bands.band_keys`,
  the same bands as the local LSH) are shuffled so that each band key is grouped on one worker;
  a group of several documents gives candidate pairs, made unique across bands;
* **workers, near verification**: the shingle sets never leave the partitions; the candidate
  pairs are grouped by the partition of their first document, and one task per group scores
  its pairs exactly, from the shingle sets picked for it from the partitions that hold them
  (:func:`score_pairs`); so are the dropped documents' direct matches to their keepers;
* **client, deterministic reduce**: the :class:`~cleanpress.dedup.DuplicateIndex` holds the
  fingerprints (no text, no shingles) and, with a persistent index (``--index``), the earlier runs' ones,
  whose band keys join the shuffle as one more partition; keeps the near candidates the workers scored over the threshold, finds translated candidates (they need
  the corpus-wide anchor document frequencies and per-query caps, i.e. global state), applies
  mutual best and drop-bridges, and applies the keep rule to each cluster: the very code the
  local engine runs, so the decisions are the same;
* **workers, clusters**: the links become clusters by a distributed connected-components pass
  (:mod:`cleanpress.dask_components`: min-label propagation over the links cut by node), which
  names each cluster by its smallest member, as the local union-find does;
* **client**: fetches the processed partitions back one at a time, in order, and writes them.

The result is byte-identical to the local engine's on the same input and settings.
"""
from __future__ import annotations

from array import array
import socket
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from .bands import band_keys
from .config import CleanConfig
from .dask_components import dask_components
from .dedup import NO_SIGNATURE, DuplicateIndex, near_band_parameters
from .executor import batched
from .fingerprint import Fingerprint
from .linefreq import BatchedCount, LineFrequencies, items_line_hashes, use_corpus_frequencies
from .persistent import PersistentIndex
from .readers import InputError, Item
from .shingle_store import jaccard
from .splits import DEFAULT_SPLIT_BYTES, Admission, Split, admitted_items, admitted_pieces, count_line_breaks, document_origins, numbered, plan_splits, read_split

T = TypeVar("T")
INSTALL_HINT = "the Dask engine needs dask and distributed: pip install 'cleanpress[dask]'"


class DaskMissingError(ImportError):
    """The ``dask`` extra is not installed."""


def _distributed() -> Any:
    try:
        import dask.bag  # noqa: F401
        import distributed
    except ImportError as error:  # pragma: no cover - the test extra installs it
        raise DaskMissingError(f"{INSTALL_HINT} ({error})") from error
    return distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 1) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or, without one, of a
    local cluster of ``workers`` single-threaded worker processes, closed on exit."""
    distributed = _distributed()
    if scheduler:
        with distributed.Client(scheduler) as client:
            yield client
        return
    import dask

    # no dashboard, so no use for the workers' statistical profiler, whose stack sampling every
    # 10 ms takes the GIL from the stages
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        yield client


# ------------------------------------------------------------------------------ on the workers


def visible(split: Split) -> Split:
    """The split, once this worker is known to see its files: a file the client found but a
    worker does not is a cluster without shared storage, which must stop the run rather than
    turn every document into a skipped "cannot read file" record."""
    for source in split.files:
        if source.path is not None and not source.path.exists():
            raise InputError(
                f"{source.name}: not found on the Dask worker on {socket.gethostname()}: the workers read the input "
                "themselves, so it must be on storage they all mount under the same path; or use --read-on client"
            )
    return split


def worker_line_breaks(split: Split) -> int:
    """:func:`~cleanpress.splits.count_line_breaks`, on a worker that sees the file."""
    return count_line_breaks(visible(split))


def worker_read(split: Split, config: CleanConfig) -> list[Item]:
    """:func:`~cleanpress.splits.read_split`, on a worker that sees the files."""
    return read_split(visible(split), config)


def partition_line_hashes(items: list[Item]) -> tuple[Any, list[int]]:
    """The distinct line hashes of a partition's plain-text documents, one document after the
    other, and how many each document has: what the first pass counts."""
    hashes, sizes = items_line_hashes(items)
    return hashes, [size for size in sizes if size >= 0]


def process_partition(batch: list[Item], config: CleanConfig, frequencies: LineFrequencies | None) -> list[tuple[Item, Fingerprint | None]]:
    """One partition through the per-document stages, on a worker (the corpus line frequencies
    arrive once per worker as a broadcast future, not with every partition's bytes)."""
    from .pipeline import process_batch

    use_corpus_frequencies(frequencies)
    return process_batch(batch, config)


def partition_summary(results: list[tuple[Item, Fingerprint | None]], signatures: bool) -> list[tuple[Item | None, Fingerprint | None]]:
    """What the client needs of a processed partition before deciding: the skipped items (and
    documents empty after cleaning) whole, the others' fingerprints only, without their shingle
    sets (they stay here, for :func:`score_pairs`) and, unless ``signatures`` (a persistent index
    stores them), without their near signatures (their band keys went into the shuffle)."""
    return [(None, replace(fp, shingles=None, near=fp.near if signatures else NO_SIGNATURE)) if fp is not None else (item, None)
            for item, fp in results]


def picked_shingles(results: list[tuple[Item, Fingerprint | None]], orders: list[int]) -> dict[int, Any]:
    """The shingle sets of the partition's documents numbered ``orders``."""
    wanted = set(orders)
    return {fp.order: fp.shingles for _, fp in results if fp is not None and fp.order in wanted}


def score_pairs(pairs: list[tuple[int, int]], *picked: dict[int, Any]) -> list[float]:
    """The exact Jaccard similarity of each pair of documents (by order), from the shingle sets
    ``picked`` from their partitions: near candidates are verified where the shingles are."""
    shingles: dict[int, Any] = {}
    for some in picked:
        shingles.update(some)
    return [jaccard(shingles[a], shingles[b]) for a, b in pairs]


def partition_band_records(results: list[tuple[Item, Fingerprint | None]], bands: tuple[int, int]) -> list[tuple[tuple[int, int], int]]:
    """``(band key, document order)`` for every fingerprinted document of a partition."""
    return [((band, key), fp.order) for _, fp in results if fp is not None
            for band, key in enumerate(band_keys(fp.near, *bands).tolist())]


def band_pairs(group: tuple[bytes, list[int]]) -> list[tuple[int, int]]:
    """The candidate pairs ``(earlier, later)`` of one band key's documents."""
    orders = sorted(set(group[1]))
    return [(a, b) for i, b in enumerate(orders) for a in orders[:i]]


def _scored_on_workers(pairs: Sequence[tuple[int, int]], index: DuplicateIndex, placement: array, partitions: list[Any], client: Any) -> list[float]:
    """:data:`~cleanpress.dedup.ExactJaccard` on the cluster: the pairs (index positions) are
    grouped by the partition of their first document; each group is scored by one task, which
    receives only the shingle sets its pairs need, picked from the partitions that hold them."""
    orders = [(index.order_of(a), index.order_of(b)) for a, b in pairs]
    groups: dict[int, list[int]] = {}
    for k, (a, _) in enumerate(orders):
        groups.setdefault(placement[a], []).append(k)
    tasks = []
    for members in groups.values():
        needed: dict[int, set[int]] = {}
        for k in members:
            for order in orders[k]:
                needed.setdefault(placement[order], set()).add(order)
        picks = [client.submit(picked_shingles, partitions[number], sorted(wanted), pure=False) for number, wanted in needed.items()]
        tasks.append((members, client.submit(score_pairs, [orders[k] for k in members], *picks, pure=False)))
    scores = [0.0] * len(pairs)
    for members, task in tasks:
        for k, score in zip(members, task.result()):
            scores[k] = score
    return scores


# ------------------------------------------------------------------------------ the run


def process(
    items: Iterable[Item],
    config: CleanConfig,
    client: Any,
    *,
    progress: Any = None,
    line_frequencies: LineFrequencies | None = None,
    persistent: PersistentIndex | None = None,
) -> Iterator[Any]:
    """Every input item's :class:`~cleanpress.pipeline.Outcome`, in the local engine's order
    (skipped ones first, then kept and duplicate ones in input order), computed on ``client``'s
    cluster from ``items`` the client read. With ``persistent``, documents duplicating one an
    earlier run kept are dropped, and this run's kept fingerprints are staged in it (the caller
    commits them once the output is in place), as the local engine does."""
    from .pipeline import _numbered

    _distributed()
    batches = ((batch, len(batch)) for batch in batched(_numbered(items), config.batch_size))
    yield from _outcomes(batches, config, client, progress=progress, line_frequencies=line_frequencies, persistent=persistent)


def process_inputs(
    inputs: Iterable[Any],
    config: CleanConfig,
    client: Any,
    *,
    progress: Any = None,
    persistent: PersistentIndex | None = None,
    split_bytes: int = DEFAULT_SPLIT_BYTES,
) -> Iterator[Any]:
    """:func:`process` with the input read on the workers: ``inputs`` are paths, as for
    :func:`~cleanpress.readers.read_documents`, cut in splits (:mod:`cleanpress.splits`) that
    the workers read. The line-frequency first pass, when the configuration asks for it, runs
    on the workers too. The outcomes are the same as reading in the client."""
    _distributed()
    splits = plan_splits(inputs, split_bytes=split_bytes, files_per_split=config.batch_size)
    breaks = [client.submit(worker_line_breaks, split, pure=False) if split.lines is not None else 0 for split in splits]
    splits = numbered(splits, [b if isinstance(b, int) else b.result() for b in breaks])
    read = [_read(split, config, client) for split in splits]
    admitted = _admitted_partitions(read, config, client)
    del read  # each split's items now live in its partitions only
    frequencies = _line_frequencies([future for future, _ in admitted], config, client) if config.counts_lines else None
    yield from _outcomes(_handed_over(admitted), config, client, progress=progress, line_frequencies=frequencies, persistent=persistent)


def _handed_over(items: deque[T]) -> Iterator[T]:
    """The items, each let go of once taken (a future the client no longer holds can be freed)."""
    while items:
        yield items.popleft()


def _read(split: Split, config: CleanConfig, client: Any) -> Any:
    """A future of the split's items: read by a worker, or by the client for standard input."""
    if split.in_client:
        return client.scatter(read_split(split, config))
    return client.submit(worker_read, split, config, pure=False)


def _admitted_partitions(read: list[Any], config: CleanConfig, client: Any) -> deque[tuple[Any, int]]:
    """Partitions of at most ``batch_size`` items, their ids unique and their documents numbered
    in reading order, as the local reader would give them; the client sees ids and origins only."""
    origins = [client.submit(document_origins, items, pure=False) for items in read]
    admission = Admission()
    order = 0
    partitions: deque[tuple[Any, int]] = deque()  # (future of the items, how many)
    for items, origin in zip(read, origins):
        found = origin.result()
        origin.release()
        verdicts, admitted = admission.admit(found)
        for start, stop, chunk, first in admitted_pieces(verdicts, admitted, order, config.batch_size):
            partitions.append((client.submit(admitted_items, items, start, stop, chunk, first, pure=False), stop - start))
        order += sum(admitted)
    return partitions


def _line_frequencies(partitions: list[Any], config: CleanConfig, client: Any) -> LineFrequencies:
    """The first pass: lines hashed on the workers, counted in the client in the batches of
    ``batch_size`` texts the local engine counts (:func:`cleanpress.pipeline.count_lines`), so
    that even a table past its capacity forgets the same lines."""
    count = BatchedCount(LineFrequencies(), config.batch_size)
    for future in [client.submit(partition_line_hashes, partition, pure=False) for partition in partitions]:
        count.add(*future.result())
        future.release()
    return count.finish()


def _outcomes(
    batches: Iterable[tuple[Any, int]],
    config: CleanConfig,
    client: Any,
    *,
    progress: Any,
    line_frequencies: LineFrequencies | None,
    persistent: PersistentIndex | None,
) -> Iterator[Any]:
    """The outcomes of processing ``batches``: lists of numbered items, or futures of them, and
    how many items each holds."""
    import dask
    import dask.bag as db

    from .pipeline import Outcome, set_aside_outcome

    frequencies = client.scatter(line_frequencies, broadcast=True) if line_frequencies is not None else None
    partitions, sizes = [], []
    for batch, size in batches:
        partitions.append(client.submit(process_partition, batch, config, frequencies, pure=False))
        sizes.append(size)
    summaries = [client.submit(partition_summary, partition, persistent is not None, pure=False) for partition in partitions]

    placement = array("i")  # document order -> its partition (-1: no fingerprint)
    index = DuplicateIndex(config, near_lsh=False, keep_signatures=persistent is not None,
                           shingles_elsewhere=lambda pairs: _scored_on_workers(pairs, index, placement, partitions, client),
                           components=lambda edges: dask_components(edges, client))
    bands = near_band_parameters(config)
    earlier: list[tuple[tuple[int, int], int]] = []  # the band keys of the documents earlier runs kept
    if persistent is not None:  # added first, as the local engine adds them: same positions, same decisions
        index.vocabulary.update(persistent.anchor_names())
        for indexed in persistent.fingerprints():
            index.add_indexed(indexed)
            earlier.extend(partition_band_records([(None, indexed)], bands))

    # the band shuffle runs on the workers while the client collects the fingerprints
    bags = [dask.delayed(partition_band_records)(partition, bands) for partition in partitions]
    if earlier and partitions:
        bags.append(dask.delayed(list)(client.scatter([earlier])[0]))  # one future: the client sends them once
    records = db.from_delayed(bags) if partitions else None
    pairs = None
    if records is not None:
        grouped = records.groupby(lambda record: record[0], npartitions=max(1, len(partitions)), shuffle="tasks")
        pairs = client.compute(grouped.map(lambda group: band_pairs((group[0], [order for _, order in group[1]]))).flatten().distinct())

    for number, (summary, size) in enumerate(zip(summaries, sizes)):
        for item, fp in summary.result():
            if fp is not None:
                index.add(fp)
                placement.extend([-1] * (fp.order - len(placement)))
                placement.append(number)
            else:
                yield set_aside_outcome(item, config)
        summary.release()
        if progress is not None:
            progress(size)

    position = index.position_of_order()
    candidates = []
    for a, b in pairs.result() if pairs is not None else ():
        pa, pb = position[a], position[b]
        if index.is_representative(pa) and index.is_representative(pb):
            candidates.append((pa, pb))
    candidates.sort(key=lambda pair: (pair[1], pair[0]))  # the local engine's order: by later, then earlier
    resolved = index.resolve(near_candidates=candidates)
    if persistent is not None:
        persistent.stage(index.kept(resolved), index.vocabulary)
    decisions = {decision.order: decision for decision in resolved}
    index.close()  # its shingle store; the decisions are all that is needed now

    for partition in partitions:  # one partition at a time in the client
        for item, fp in partition.result():
            if fp is not None:
                decision = decisions.get(item.order)
                yield Outcome("duplicate", item, decision) if decision else Outcome("kept", item)
        partition.release()
