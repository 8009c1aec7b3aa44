"""The pipeline: read, then per document extract, repair, strip, identify the language and
fingerprint (in batches, on any number of worker processes), then deduplicate centrally.

Deduplication needs every fingerprint before it can decide which copy of a cluster to keep, so
the processed documents are spooled to a temporary file while their fingerprints go to the
index; after the last one, the spool is read back once and each document comes out as an
:class:`Outcome`: kept, dropped as a duplicate, or skipped. Memory holds the index (no text) and
a few batches, never the corpus.

>>> outcomes = list(process([Document(id="a", text="Same words here."), Document(id="b", text="same words here")]))
>>> [(o.status, o.document.id) for o in outcomes]
[('kept', 'a'), ('duplicate', 'b')]
"""
from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from .boilerplate import strip
from .config import CleanConfig
from .dedup import Decision, DuplicateIndex
from .document import Document, Skipped
from .executor import batched, map_ordered
from .extract import extract
from .fingerprint import Fingerprint, fingerprint
from .language import identify_language
from .linefreq import BatchedCount, LineFrequencies, batch_line_hashes, corpus_frequencies, counted_text, items_line_hashes, use_corpus_frequencies
from .persistent import PersistentIndex, open_index
from .readers import InputError, Item, document_from_record, is_clean_output, read_documents, replayable_stdin
from .repair import repair_text
from .splits import Admission, Split, Verdicts, admitted_items, admitted_pieces, count_line_breaks, document_origins, numbered, plan_splits, read_split
from .writers import open_output

ProgressCallback = Callable[[int], None]
EXECUTION_SETTINGS = ("workers", "batch_size")
ENGINES = ("local", "dask")
READ_ON = ("workers", "client")  # who reads the input for the Dask engine
LOCAL_SPLIT_BYTES = 256 << 10  # with --workers, a JSON Lines file is read in pieces of about this size (~100 news articles)


@dataclass(slots=True)
class Outcome:
    """What became of one input: ``kept``, ``duplicate`` (with its decision) or ``skipped``."""

    status: str
    document: Document | None = None
    decision: Decision | None = None
    skipped: Skipped | None = None


# ---------------------------------------------------------------------------- per-document stages


def repair(doc: Document) -> Document:
    """The repair stage: fix the text and record what changed."""
    doc.text, repairs = repair_text(doc.text)
    doc.repairs.extend(repairs)
    return doc


def strip_boilerplate(doc: Document, config: CleanConfig) -> Document:
    """The boilerplate stage: drop site chrome and record each removed line with its rule; the
    headline moved out of the text becomes the ``title`` field (one the input gave is kept)."""
    # extracted HTML (trafilatura found the main block) and stripped texts have lost the page
    # edges that the positional rules and the line model read: only pattern rules run on them
    mode = "html" if doc.format == "html" or config.input_texts == "stripped" else "text"
    result = strip(
        doc.text, lang=doc.lang, min_repeat=config.min_repeat, mode=mode,
        use_model=config.line_model, headline=config.headline, line_frequency=corpus_frequencies(),
    )
    doc.text = result.text
    doc.removed.extend(result.removed)
    if result.title is not None:
        doc.metadata.setdefault("title", result.title)
    return doc


def process_document(doc: Document, config: CleanConfig) -> tuple[Document, Fingerprint | None]:
    """Run every per-document stage; no fingerprint when the document ended up empty or is in a
    language the run does not keep (:func:`set_aside_outcome` says which)."""
    extract(doc)
    if config.repair:
        repair(doc)
    if config.strip_boilerplate:
        strip_boilerplate(doc, config)
    if len(doc.text.strip()) < config.min_chars:
        return doc, None
    identify_language(doc)
    if not _language_kept(doc, config):
        return doc, None
    return doc, fingerprint(doc, config)


def _language_kept(doc: Document, config: CleanConfig) -> bool:
    return _language_problem(doc, config) is None


def _language_problem(doc: Document, config: CleanConfig) -> str | None:
    """Why the run does not keep a document's language (``--languages``, ``--min-language-score``), or None."""
    kept = config.kept_languages
    if kept is not None and doc.lang not in kept:
        return f"language {doc.lang} not kept (--languages {','.join(sorted(kept))})"
    if (doc.lang_score or 0.0) < config.min_language_score:
        return f"language unsure: {doc.lang} at {doc.lang_score} (--min-language-score {config.min_language_score})"
    return None


def process_batch(batch: list[Item], config: CleanConfig) -> list[tuple[Item, Fingerprint | None]]:
    """Process one batch; skipped records pass through untouched. Runs in a worker process."""
    return [(item, None) if isinstance(item, Skipped) else process_document(item, config) for item in batch]


@dataclass(slots=True)
class SpooledBatch:
    """A processed batch in the form the parent needs it: the documents to deduplicate already
    pickled, in order, as one spool record (the parent writes the bytes; it never unpickles and
    re-pickles their text), their fingerprints apart, and the items that came out without one."""

    set_aside: list[Item]  # skipped records and documents left empty, in input order
    fingerprints: list[Fingerprint]
    spooled: bytes  # pickle of the list of documents that have the fingerprints, in the same order


def process_batch_for_spool(batch: list[Item], config: CleanConfig) -> SpooledBatch:
    """:func:`process_batch`, packed as a :class:`SpooledBatch`. Runs in a worker process."""
    set_aside: list[Item] = []
    fingerprints: list[Fingerprint] = []
    documents: list[Document] = []
    for item, fp in process_batch(batch, config):
        if fp is None:
            set_aside.append(item)
        else:
            fingerprints.append(fp)
            documents.append(item)  # type: ignore[arg-type]
    return SpooledBatch(set_aside, fingerprints, pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL))


# ---------------------------------------------------------------------------- the whole run


def as_documents(items: Iterable[Any], config: CleanConfig) -> Iterator[Item]:
    """Documents from API input: Document objects, dicts (read like JSON Lines records) or strings."""
    for order, item in enumerate(items):
        if isinstance(item, Document):
            doc: Item = item
        elif isinstance(item, str):
            doc = document_from_record({config.text_field: item}, config, source="<input>", line=None, default_id=str(order))
        elif isinstance(item, dict):
            doc = document_from_record(item, config, source="<input>", line=order + 1, default_id=str(order))
        else:
            raise TypeError(f"cannot clean a {type(item).__name__}: give Documents, dicts or strings")
        yield doc


def process(
    items: Iterable[Item],
    config: CleanConfig | None = None,
    *,
    spool_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    line_frequencies: LineFrequencies | None = None,
    persistent: PersistentIndex | None = None,
) -> Iterator[Outcome]:
    """Every input item's outcome: skipped ones as they come, then kept and duplicate ones in order.

    ``line_frequencies`` (from :func:`count_lines`) lets the boilerplate stage see which lines
    repeat across the corpus. With a ``persistent`` index, documents duplicating one kept by an
    earlier run are dropped, and this run's kept fingerprints are staged in it (the caller
    commits them once the output is safe)."""
    config = config or CleanConfig()
    batches = batched(_numbered(items), config.batch_size)
    yield from _processed(batches, partial(process_batch_for_spool, config=config), config, spool_dir=spool_dir,
                          progress=progress, line_frequencies=line_frequencies, persistent=persistent)


def _processed(
    units: Iterable[Any],
    work: Callable[[Any], SpooledBatch],
    config: CleanConfig,
    *,
    spool_dir: str | os.PathLike[str] | None,
    progress: ProgressCallback | None,
    line_frequencies: LineFrequencies | None,
    persistent: PersistentIndex | None,
) -> Iterator[Outcome]:
    """:func:`process`, from ``units`` of work that ``work`` turns into processed batches, in order."""
    index = DuplicateIndex(config, spool_dir=spool_dir, keep_signatures=persistent is not None)
    try:
        if persistent is not None:
            index.vocabulary.update(persistent.anchor_names())
            for indexed in persistent.fingerprints():
                index.add_indexed(indexed)
        with tempfile.TemporaryFile(dir=spool_dir, prefix="cleanpress-spool-") as spool:
            for batch in map_ordered(work, units, config.workers, initializer=use_corpus_frequencies, initargs=(line_frequencies,)):
                for item in batch.set_aside:
                    yield set_aside_outcome(item, config)
                for fp in batch.fingerprints:
                    index.add(fp)
                spool.write(batch.spooled)  # one pickle record, as _read_spool reads them
                if progress is not None:
                    progress(len(batch.set_aside) + len(batch.fingerprints))
            resolved = index.resolve()
            if persistent is not None:
                persistent.stage(index.kept(resolved), index.vocabulary)
            decisions = {decision.order: decision for decision in resolved}
            spool.seek(0)
            for doc in _read_spool(spool):
                decision = decisions.get(doc.order)
                yield Outcome("duplicate", doc, decision) if decision else Outcome("kept", doc)
    finally:
        index.close()


def set_aside_outcome(item: Item, config: CleanConfig) -> Outcome:
    """The outcome of an item that came out of the stages without a fingerprint: a skipped
    record, a document that was or became empty, or one in a language the run does not keep."""
    if isinstance(item, Skipped):
        return Outcome("skipped", skipped=item)
    problem = _language_problem(item, config) if len(item.text.strip()) >= config.min_chars else None
    if problem is not None:
        reason = problem
    else:
        reason = "empty after cleaning" if item.text.strip() or item.removed else "empty document"
    skipped = Skipped(item.source, reason, item.source_line, item.id, item.order, chosen=problem is not None)
    return Outcome("skipped", document=item, skipped=skipped)


def survey_split(split: Split, config: CleanConfig, hash_lines: bool) -> tuple[list[Any], Any, list[int]]:
    """The first read of a split, on a worker: its items' origins (:func:`cleanpress.splits.document_origins`)
    and, with ``hash_lines``, the distinct line hashes of each plain-text document, one after
    the other, and how many each item has (-1: not a plain-text document, not counted)."""
    items = read_split(split, config)
    hashes, per_item = items_line_hashes(items) if hash_lines else (np.zeros(0, np.uint64), [-1] * len(items))
    return document_origins(items), hashes, per_item


def process_split_for_spool(unit: tuple[Split, int, int, Verdicts, int], config: CleanConfig) -> SpooledBatch:
    """The second read of a split, on a worker: its items ``start`` to ``stop`` as the parent
    admitted them (:func:`cleanpress.splits.admitted_items`), through the stages, packed for the spool."""
    split, start, stop, verdicts, first_order = unit
    return process_batch_for_spool(admitted_items(read_split(split, config), start, stop, verdicts, first_order), config)


def _surveyed(inputs: list[Any], config: CleanConfig) -> tuple[list[tuple[Split, int, int, Verdicts, int]], LineFrequencies | None]:
    """The units of work: every split of the input in pieces of at most ``batch_size`` items,
    with their verdicts and first document numbers; and the corpus line frequencies when the
    configuration asks for them. The first pass, read on the workers: the parent sees origins
    and line hashes, never a record."""
    splits = plan_splits(inputs, split_bytes=LOCAL_SPLIT_BYTES, files_per_split=config.batch_size)
    splits = numbered(splits, list(map_ordered(count_line_breaks, splits, config.workers)))
    hash_lines = config.counts_lines
    count = BatchedCount(LineFrequencies(), config.batch_size)
    admission = Admission()
    units, order = [], 0
    for split, (origins, hashes, sizes) in zip(splits, map_ordered(partial(survey_split, config=config, hash_lines=hash_lines), splits, config.workers)):
        verdicts, admitted = admission.admit(origins)
        units += [(split, *piece) for piece in admitted_pieces(verdicts, admitted, order, config.batch_size)]
        order += sum(admitted)
        if hash_lines:
            per_item = np.asarray(sizes, dtype=np.int64)
            counted = np.asarray(admitted) & (per_item >= 0)  # a repeated id is not a document of the corpus
            count.add(hashes[np.repeat(counted[per_item >= 0], per_item[per_item >= 0])], per_item[counted])
    return units, count.finish() if hash_lines else None


def _numbered(items: Iterable[Item]) -> Iterator[Item]:
    """Number documents in input order: the order every tie is broken by."""
    order = 0
    for item in items:
        if isinstance(item, Document):
            item.order = order
            order += 1
        yield item


def _read_spool(spool: Any) -> Iterator[Document]:
    while True:
        try:
            yield from pickle.load(spool)
        except EOFError:
            return


def count_lines(items: Iterable[Item], *, workers: int = 1, batch_size: int = 256) -> LineFrequencies:
    """The first pass of a run: how many plain-text documents contain each line. The lines are
    hashed on ``workers`` processes, in batches of ``batch_size`` texts; the parent counts."""
    frequencies = LineFrequencies()
    texts = (text for item in items if (text := counted_text(item)) is not None)
    batches = batched(texts, batch_size)
    for size, hashes in map_ordered(_sized_line_hashes, batches, workers):
        frequencies.add_hashes(hashes, size)
    return frequencies


def _sized_line_hashes(texts: list[str]) -> tuple[int, Any]:
    """A batch's size and its line hashes: the parent counts documents without seeing the texts."""
    return len(texts), batch_line_hashes(texts)


def clean(
    documents: Iterable[Any], config: CleanConfig | None = None, *, index: str | os.PathLike[str] | None = None, **options: Any
) -> Iterator[Document]:
    """Clean and deduplicate ``documents`` (Documents, dicts with ``text``/``id``, or strings).

    Yields the kept documents, cleaned. Options are :class:`CleanConfig` fields, e.g.
    ``clean(docs, near_threshold=0.8)``. With ``index`` (a path or ``redis://`` address, see
    :mod:`cleanpress.persistent`), documents duplicating earlier runs' are dropped too, and the
    kept ones are added to the index when the last one has been yielded. Lazy: nothing is
    read until the first document is asked for, and ``documents`` is read once, as a stream.

    >>> [d.id for d in clean(["Gas talks in Moscow.", {"id": "b", "text": "gas talks in moscow"}, "Elections in Tashkent."])]
    ['0', '2']
    """
    config = replace(config or CleanConfig(), **options)
    with _opened_index(index, config) as persistent:
        for outcome in process(as_documents(documents, config), config, persistent=persistent):
            if outcome.status == "kept" and outcome.document is not None:
                yield outcome.document
        if persistent is not None:
            persistent.commit()  # only once every kept document has been handed out


@contextmanager
def _opened_index(location: str | os.PathLike[str] | None, config: CleanConfig) -> Iterator[PersistentIndex | None]:
    if location is None:
        yield None
    else:
        with open_index(location, config) as persistent:
            yield persistent


@dataclass(slots=True)
class RunResult:
    """What a :func:`run` wrote and counted."""

    output: Path
    report: dict[str, Any]


def run(
    inputs: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    config: CleanConfig | None = None,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    index: str | os.PathLike[str] | None = None,
    manifest_dir: str | os.PathLike[str] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    read_on: str = "workers",
    split_bytes: int | None = None,
) -> RunResult:
    """Read ``inputs``, clean them and write the corpus and its manifests into ``output``.

    The folder appears whole when the run succeeds; a failed run leaves the previous one as it was.
    ``on_skip`` is called with each input that could not be used, as soon as it is known.
    With ``index`` (see :mod:`cleanpress.persistent`), documents duplicating earlier runs' are
    dropped, and the kept ones are added to the index after the output folder is in place.
    ``output`` ``-`` streams the kept documents to standard output as JSON Lines; the manifests
    then go to ``manifest_dir``, or are not written. ``inputs`` may hold ``-`` (standard input).
    ``engine="dask"`` runs the stages and the band shuffle on a Dask cluster (:mod:`cleanpress.dask_engine`):
    the one at ``scheduler``, or a given ``client``'s, or a local one of ``config.workers``
    processes; the output is the same as the local engine's. Its workers read the input
    (``read_on="workers"``: they must see the input paths; a JSON Lines file larger than
    ``split_bytes`` is read by several), or the client reads it and sends it (``"client"``).
    """
    config = config or CleanConfig()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if read_on not in READ_ON:
        raise ValueError(f"read_on must be one of {', '.join(READ_ON)}, got {read_on!r}")
    if engine == "dask" and client is None:
        from .dask_engine import dask_client

        with dask_client(scheduler, config.workers) as own:
            return run(inputs, output, config, force=force, progress=progress, on_skip=on_skip, index=index, manifest_dir=manifest_dir,
                       engine=engine, client=own, read_on=read_on, split_bytes=split_bytes)
    started = time.perf_counter()
    engine_options = {"client": client, "read_on": read_on, "split_bytes": split_bytes} if engine == "dask" else {}
    with replayable_stdin(inputs) as inputs, _opened_index(index, config) as persistent:  # "-" is read twice
        if config.input_texts == "auto":
            config = replace(config, input_texts="stripped" if is_clean_output(inputs) else "pages")
        report = _run(inputs, output, config, force=force, progress=progress, on_skip=on_skip, persistent=persistent, manifest_dir=manifest_dir, **engine_options)
        if persistent is not None:
            # after the output is in place: a failed run adds nothing to the index
            report["index"] = {"location": str(index), "added": persistent.commit(), "documents": len(persistent)}
    # timing goes to the caller, not into report.json: the same input gives byte-identical output
    return RunResult(output=Path(output), report={**report, "seconds": round(time.perf_counter() - started, 3)})


def _outcomes(
    inputs: list[str | os.PathLike[str]],
    config: CleanConfig,
    spool_dir: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None,
    persistent: PersistentIndex | None,
    client: Any,
    read_on: str,
    split_bytes: int | None,
) -> Iterator[Outcome]:
    """Every input's outcome, from the engine and the reader the run asks for: the local engine
    reads in this process when it works alone, on its workers otherwise; the Dask engine reads on
    its workers or in the client. The line-frequency first pass reads where the run reads."""
    if client is not None and read_on == "workers":
        from . import dask_engine

        sizing = {"split_bytes": split_bytes} if split_bytes else {}
        yield from dask_engine.process_inputs(inputs, config, client, progress=progress, persistent=persistent, **sizing)
        return
    if client is None and config.workers > 1:  # the parent then parses no record
        units, frequencies = _surveyed(inputs, config)
        yield from _processed(units, partial(process_split_for_spool, config=config), config, spool_dir=spool_dir,
                              progress=progress, line_frequencies=frequencies, persistent=persistent)
        return
    frequencies = count_lines(read_documents(inputs, config), workers=config.workers, batch_size=config.batch_size) if config.counts_lines else None
    documents = read_documents(inputs, config)
    if client is not None:
        from . import dask_engine

        yield from dask_engine.process(documents, config, client, progress=progress, line_frequencies=frequencies, persistent=persistent)
    else:
        yield from process(documents, config, spool_dir=spool_dir, progress=progress, line_frequencies=frequencies, persistent=persistent)


def _run(
    inputs: list[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    config: CleanConfig,
    *,
    force: bool,
    progress: ProgressCallback | None,
    on_skip: Callable[[Skipped], None] | None,
    persistent: PersistentIndex | None,
    manifest_dir: str | os.PathLike[str] | None = None,
    client: Any = None,
    read_on: str = "client",
    split_bytes: int | None = None,
) -> dict[str, Any]:
    with open_output(output, config, force=force, manifest_dir=manifest_dir) as folder:
        outcomes = _outcomes(inputs, config, folder.staging, progress=progress, persistent=persistent,
                             client=client, read_on=read_on, split_bytes=split_bytes)
        for outcome in outcomes:
            if outcome.skipped is not None and outcome.document is None and not outcome.skipped.not_a_document and config.strict:  # an input problem
                raise InputError(f"{outcome.skipped.where}: {outcome.skipped.reason} (--strict)")
            folder.write(outcome)
            if on_skip is not None and outcome.skipped is not None:
                on_skip(outcome.skipped)
        # how the work was spread does not change the result, so it stays out of report.json
        settings = {k: v for k, v in config.to_dict().items() if k not in EXECUTION_SETTINGS}
        return folder.finish(config=settings)
