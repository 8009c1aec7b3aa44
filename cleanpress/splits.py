"""Splits: the input cut into pieces that workers read on their own (the Dask engine's reading).

A :class:`Split` is a whole input file, a group of small text or HTML files, or a byte range of
a plain JSON Lines file cut at line boundaries. Reading every split in order
(:func:`read_split`) gives the items :func:`~cleanpress.readers.read_documents` gives, record
for record and line number for line number, once the ids are made unique across splits
(:class:`~cleanpress.readers.IdRegistry`, which needs only each document's id and origin).

The client plans the splits from file sizes and a few seeks (:func:`plan_splits`); it never
reads the records. A range's first line number is the count of line breaks before it, counted
by the workers (:func:`count_line_breaks`) and summed by the client (:func:`numbered`).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "feed.jsonl").write_text("".join(f'{{"id": "{i}", "text": "Story {i}."}}\\n' for i in range(6)))
>>> splits = plan_splits([folder], split_bytes=64)
>>> [(s.lines.start, s.lines.end) for s in splits]
[(0, 64), (64, 128), (128, 192)]
>>> splits = numbered(splits, [count_line_breaks(s) for s in splits])
>>> [[(d.id, d.source_line) for d in read_split(s, CleanConfig())] for s in splits]
[[('0', 1), ('1', 2)], [('2', 3), ('3', 4)], [('4', 5), ('5', 6)]]

Who reads where, the client (or parent) decides what each document becomes from its origin
alone: :func:`document_origins` on the worker, :class:`Admission` in the client, then
:func:`admitted_items` on the worker again.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .config import CleanConfig
from .document import Document, Skipped
from .readers import IdRegistry, InputFile, Item, LineRange, input_files, is_compressed, read_file

DEFAULT_SPLIT_BYTES = 32 << 20  # a JSON Lines file larger than this is read by several workers
_BREAK_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Split:
    """Some input for one worker to read: ``files`` whole, or ``lines`` of the one file."""

    files: tuple[InputFile, ...]
    lines: LineRange | None = None

    @property
    def in_client(self) -> bool:
        """Standard input (or the client's copy of it): only the client can read it."""
        return any(f.is_stdin for f in self.files)

    @property
    def name(self) -> str:
        where = self.files[0].name if len(self.files) == 1 else f"{self.files[0].name} (+{len(self.files) - 1} files)"
        return where if self.lines is None else f"{where} bytes {self.lines.start}-{self.lines.end}"


def plan_splits(
    paths: Iterable[str | os.PathLike[str]], *, split_bytes: int = DEFAULT_SPLIT_BYTES, files_per_split: int = 256
) -> list[Split]:
    """The splits of every input, in reading order: consecutive text and HTML files in groups of
    at most ``files_per_split`` files and about ``split_bytes`` (a folder of large HTML pages
    is spread over the workers too), plain JSON Lines files over ``split_bytes`` in ranges of
    about that size, every other file (compressed, Parquet, WARC, standard input) whole. Ranges
    still need their first line numbers (:func:`numbered`)."""
    splits: list[Split] = []
    group: list[InputFile] = []
    group_bytes = 0
    for source in input_files(paths):
        if source.kind in ("text", "html") and not source.is_stdin:
            group.append(source)
            group_bytes += _size(source)
            if len(group) >= files_per_split or group_bytes >= split_bytes:
                splits.append(Split(tuple(group)))
                group, group_bytes = [], 0
            continue
        if group:
            splits.append(Split(tuple(group)))
            group, group_bytes = [], 0
        splits.extend(_file_splits(source, split_bytes))
    if group:
        splits.append(Split(tuple(group)))
    return splits


def _size(source: InputFile) -> int:
    try:
        return source.path.stat().st_size if source.path is not None else 0
    except OSError:
        return 0  # reading it says what is wrong, as a skipped record


def _file_splits(source: InputFile, split_bytes: int) -> list[Split]:
    if source.kind != "jsonl" or source.path is None or source.is_stdin:
        return [Split((source,))]
    try:
        size = source.path.stat().st_size
        if size <= split_bytes or is_compressed(source.path):  # a compressed stream reads from its start
            return [Split((source,))]
        cuts = line_cuts(source.path, size, split_bytes)
    except OSError:
        return [Split((source,))]  # reading it says what is wrong, as a skipped record
    return [Split((source,), LineRange(start, end, 0)) for start, end in zip(cuts, cuts[1:])]


def line_cuts(path: Path, size: int, split_bytes: int) -> list[int]:
    """Offsets that cut the file into pieces of about ``split_bytes``, each just after a line break.

    A line longer than a piece stays whole: the cut moves to its end."""
    cuts = [0]
    with open(path, "rb") as raw:
        while cuts[-1] + split_bytes < size:
            raw.seek(cuts[-1] + split_bytes - 1)
            raw.readline()  # to the end of the line that the byte before the cut belongs to
            if raw.tell() >= size:
                break
            cuts.append(raw.tell())
    cuts.append(size)
    return cuts


def count_line_breaks(split: Split) -> int:
    """The line breaks in a range split's bytes (0 for whole files). Runs on a worker."""
    if split.lines is None:
        return 0
    assert split.files[0].path is not None
    breaks, left = 0, split.lines.end - split.lines.start
    with open(split.files[0].path, "rb") as raw:
        raw.seek(split.lines.start)
        while left > 0:
            chunk = raw.read(min(_BREAK_CHUNK, left))
            if not chunk:
                break
            breaks += chunk.count(b"\n")
            left -= len(chunk)
    return breaks


def numbered(splits: Sequence[Split], line_breaks: Sequence[int]) -> list[Split]:
    """The splits with each range's first line number: one past the line breaks of the file's
    earlier ranges (``line_breaks``: :func:`count_line_breaks` of each split)."""
    result: list[Split] = []
    before: dict[str, int] = {}
    for split, breaks in zip(splits, line_breaks):
        if split.lines is not None:
            name = split.files[0].name
            split = replace(split, lines=split.lines._replace(first_line=before.get(name, 0) + 1))
            before[name] = before.get(name, 0) + breaks
        result.append(split)
    return result


def read_split(split: Split, config: CleanConfig) -> list[Item]:
    """The items of one split, in reading order, ids not yet made unique. Runs on a worker."""
    if split.lines is not None:
        if split.lines.first_line < 1:
            raise ValueError(f"{split.name}: the range has no line numbers yet (numbered())")
        return list(read_file(split.files[0], config, split.lines))
    return [item for source in split.files for item in read_file(source, config)]


Origin = tuple[str, str, "int | None"]  # a document's id, source and line
Verdicts = dict[int, tuple[str, "str | None"]]  # item position -> (its unique id, why it is skipped or None)


def document_origins(items: Sequence[Item]) -> list[Origin | None]:
    """Each item's ``(id, source, line)`` if it is a document (None for a skipped record): what
    the client needs to make ids unique, without the text."""
    return [(item.id, item.source, item.source_line) if isinstance(item, Document) else None for item in items]


class Admission:
    """Ids made unique and documents numbered across splits, in reading order, from their
    origins alone (:class:`~cleanpress.readers.IdRegistry`, as the local reader does).

    >>> admission = Admission()
    >>> admission.admit([("a", "f.jsonl", 1), None, ("a", "f.jsonl", 3), ("b", "f.jsonl", 4)])
    ({2: ('a', 'duplicate id (first read at f.jsonl:1)')}, [True, False, False, True])
    """

    def __init__(self) -> None:
        self.registry = IdRegistry()

    def admit(self, origins: Sequence[Origin | None]) -> tuple[Verdicts, list[bool]]:
        """The verdicts of the items whose id changes or that are skipped, and which items are
        admitted documents (those get the next orders, in reading order)."""
        verdicts: Verdicts = {}
        admitted: list[bool] = []
        for position, origin in enumerate(origins):
            if origin is None:
                admitted.append(False)
                continue
            doc_id, repeated = self.registry.admit(*origin)
            if doc_id != origin[0] or repeated is not None:
                verdicts[position] = (doc_id, repeated)
            admitted.append(repeated is None)
        return verdicts, admitted


def admitted_items(items: Sequence[Item], start: int, stop: int, verdicts: Verdicts, first_order: int) -> list[Item]:
    """Items ``start`` to ``stop`` of a split as the client admitted them: ``verdicts`` maps an
    item's position to its unique id and, for a repeat, the reason it is skipped; the documents
    left are numbered from ``first_order`` in reading order."""
    result: list[Item] = []
    order = first_order
    for position in range(start, stop):
        item = items[position]
        if isinstance(item, Document):
            doc_id, repeated = verdicts.get(position, (item.id, None))
            item.id = doc_id
            if repeated is not None:
                item = Skipped(source=item.source, line=item.source_line, id=doc_id, reason=repeated)
            else:
                item.order = order
                order += 1
        result.append(item)
    return result


def admitted_pieces(verdicts: Verdicts, admitted: Sequence[bool], first_order: int, size: int) -> list[tuple[int, int, Verdicts, int]]:
    """A split's items cut in pieces of at most ``size``: ``(start, stop, their verdicts, their
    first document number)``, for :func:`admitted_items` (:meth:`Admission.admit` gave
    ``verdicts`` and ``admitted``; ``first_order`` is the split's first document number).

    >>> admitted_pieces({1: ("x", "duplicate id (first read at f:1)")}, [True, False, True], 10, 2)
    [(0, 2, {1: ('x', 'duplicate id (first read at f:1)')}, 10), (2, 3, {}, 11)]
    """
    pieces = []
    order = first_order
    for start in range(0, len(admitted), size):
        stop = min(start + size, len(admitted))
        pieces.append((start, stop, {k: v for k, v in verdicts.items() if start <= k < stop}, order))
        order += sum(admitted[start:stop])
    return pieces
