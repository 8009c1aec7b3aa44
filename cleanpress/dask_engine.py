"""The Dask engine: the same pipeline as :func:`cleanpress.pipeline.process`, on a Dask cluster.

Where the work happens:

* **client**: reads the input (as the local engine does, so document numbering, skipped records
  and the line-frequency first pass are the same) and cuts it into partitions of ``batch_size``
  documents;
* **workers**: extract, repair, strip, identify the language and fingerprint each partition
  (:func:`cleanpress.pipeline.process_batch`, unchanged). The processed partition stays on the
  worker that made it (Dask spills it to disk under memory pressure); only its fingerprints go on;
* **workers, shuffled**: every document's near-duplicate band keys (:func:`cleanpress.bands.band_keys`,
  the same bands as the local LSH) are shuffled so that each band key is grouped on one worker;
  a group of several documents gives candidate pairs, made unique across bands;
* **client, deterministic reduce**: the :class:`~cleanpress.dedup.DuplicateIndex` holds the
  fingerprints (no text) and, with a persistent index (``--index``), the earlier runs' ones,
  whose band keys join the shuffle as one more partition; verifies the near candidates, finds translated candidates (they need
  the corpus-wide anchor document frequencies and per-query caps, i.e. global state), applies
  mutual best and drop-bridges, joins links into clusters (union-find over the pair list) and
  applies the keep rule: the very code the local engine runs, so the decisions are the same;
* **client**: fetches the processed partitions back one at a time, in order, and writes them.

The result is byte-identical to the local engine's on the same input and settings.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .config import CleanConfig
from .bands import band_keys
from .dedup import DuplicateIndex, near_band_parameters
from .document import Document, Skipped
from .executor import batched
from .fingerprint import Fingerprint
from .linefreq import LineFrequencies, use_corpus_frequencies
from .persistent import PersistentIndex
from .readers import Item

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
    with distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


# ------------------------------------------------------------------------------ on the workers


def process_partition(batch: list[Item], config: CleanConfig, frequencies: LineFrequencies | None) -> list[tuple[Item, Fingerprint | None]]:
    """One partition through the per-document stages, on a worker (the corpus line frequencies
    arrive once per worker as a broadcast future, not with every partition's bytes)."""
    from .pipeline import process_batch

    use_corpus_frequencies(frequencies)
    return process_batch(batch, config)


def partition_summary(results: list[tuple[Item, Fingerprint | None]]) -> list[tuple[Item | None, Fingerprint | None]]:
    """What the client needs of a processed partition before deciding: the skipped items (and
    documents empty after cleaning) whole, the others' fingerprints only."""
    return [(None, fp) if fp is not None else (item, None) for item, fp in results]


def partition_band_records(results: list[tuple[Item, Fingerprint | None]], bands: tuple[int, int]) -> list[tuple[tuple[int, int], int]]:
    """``(band key, document order)`` for every fingerprinted document of a partition."""
    return [((band, key), fp.order) for _, fp in results if fp is not None
            for band, key in enumerate(band_keys(fp.near, *bands).tolist())]


def band_pairs(group: tuple[bytes, list[int]]) -> list[tuple[int, int]]:
    """The candidate pairs ``(earlier, later)`` of one band key's documents."""
    orders = sorted(set(group[1]))
    return [(a, b) for i, b in enumerate(orders) for a in orders[:i]]


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
    cluster. With ``persistent``, documents duplicating one an earlier run kept are dropped, and
    this run's kept fingerprints are staged in it (the caller commits them once the output is
    in place), as the local engine does."""
    import dask
    import dask.bag as db

    from .pipeline import Outcome, _numbered

    _distributed()
    frequencies = client.scatter(line_frequencies, broadcast=True) if line_frequencies is not None else None
    partitions, sizes = [], []
    for batch in batched(_numbered(items), config.batch_size):
        partitions.append(client.submit(process_partition, batch, config, frequencies, pure=False))
        sizes.append(len(batch))
    summaries = [client.submit(partition_summary, partition, pure=False) for partition in partitions]

    index = DuplicateIndex(config, near_lsh=False, keep_signatures=persistent is not None)
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

    for summary, size in zip(summaries, sizes):
        for item, fp in summary.result():
            if fp is not None:
                index.add(fp)
            elif isinstance(item, Skipped):
                yield Outcome("skipped", skipped=item)
            else:
                assert isinstance(item, Document)
                reason = "empty after cleaning" if item.text.strip() or item.removed else "empty document"
                yield Outcome("skipped", document=item, skipped=Skipped(item.source, reason, item.source_line, item.id, item.order))
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
