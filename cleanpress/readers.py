"""Readers: turn input paths into a stream of documents.

Inputs are files, folders (searched recursively, in sorted order, links not followed), globs
(``'crawl/**/*.warc.gz'``), ``@list.txt`` (a file naming one path or glob a line) and ``-``
(JSON Lines on standard input, plain, gzip or zstd):

* ``.txt``: one document, its id the file's stem;
* ``.html`` / ``.htm``: one document marked ``format="html"`` (the extract stage turns it into text);
* ``.jsonl`` / ``.ndjson``, plain, ``.gz`` or ``.zst``: one document per line, a JSON object whose
  ``text_field`` holds the text and ``id_field`` the id (missing: ``stem:line``); every other
  field is passed through as metadata (:mod:`cleanpress.readers`);
* ``.parquet``: one document per row, same fields, read a batch of rows at a time
  (:mod:`cleanpress.read_parquet`, needs ``cleanpress[parquet]``);
* ``.warc`` / ``.warc.gz``: one document per HTML response, its URL and crawl date kept
  (:mod:`cleanpress.read_warc`);
* any other file of a folder: a :class:`Skipped` record ("not an input format"), never an input
  error, so that no file goes unmentioned; hidden files and folders (``.git``) are passed over.

A leading `` date YYYY-MM-DD`` header, as scrapers write it, becomes the ``date`` field. Each
document knows its ``site``: the ``source_field`` of its record, else the host of its ``url``,
else the name of the folder it was read from.

Problems are not exceptions: a malformed line, a record without text or an unreadable file
becomes a :class:`Skipped` record in the same stream, naming the file and line (row, record),
and reading goes on with the next record. Only a path that does not exist, or a format whose
library is not installed, stops the run (:class:`InputError`).
"""
from __future__ import annotations

import codecs
import glob
import io
import gzip
import json
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple, Union
from urllib.parse import urlsplit

import regex

from .config import CleanConfig
from .document import Document, Skipped
from .encoding import decode_legacy, decode_wide

FILE_KINDS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".jsonl.zst": "jsonl",
    ".ndjson.zst": "jsonl",
    ".parquet": "parquet",
    ".warc": "warc",
    ".warc.gz": "warc",
}
UNSUPPORTED = "unsupported"  # the kind of a folder's files in no format cleanpress reads
STDIN = "-"
_DATE_HEADER = regex.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+|\s*\n|\Z)")
_SNIFF_BYTES = 8192
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GLOB_CHARACTERS = frozenset("*?[")

Item = Union[Document, Skipped]


class InputError(Exception):
    """An input that cannot be read at all: a path that does not exist, a glob that matches
    nothing, a format whose library is not installed."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input to read: where its bytes are, how messages name it, and its kind.

    ``path`` is None for standard input read directly (once); a copy of standard input
    (:func:`replayable_stdin`) has a path but keeps the name ``<stdin>``.
    """

    name: str
    path: Path | None
    kind: str

    @property
    def stem(self) -> str:
        return "stdin" if self.is_stdin else Path(self.name).stem

    @property
    def folder(self) -> str | None:
        """The name of the folder the file is in: the site when nothing better is known."""
        return None if self.is_stdin else Path(self.name).parent.name or None

    @property
    def is_stdin(self) -> bool:
        return self.name == "<stdin>"

    def open_raw(self) -> IO[bytes]:
        """The file's bytes as stored."""
        return open(self.path, "rb") if self.path is not None else sys.stdin.buffer



class StdinCopy(os.PathLike):  # type: ignore[type-arg]
    """Standard input saved to a file, so that a run can read it twice; named ``<stdin>``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


@contextmanager
def replayable_stdin(paths: Iterable[str | os.PathLike[str]], folder: str | None = None) -> Iterator[list[Any]]:
    """``paths`` with ``-`` replaced by a copy of standard input (removed on exit), for readers
    that read the input more than once."""
    paths = list(paths)
    if not any(os.fspath(p) == STDIN for p in paths if not isinstance(p, StdinCopy)):
        yield paths
        return
    handle, name = tempfile.mkstemp(prefix="cleanpress-stdin-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy)
        yield [p if isinstance(p, StdinCopy) or os.fspath(p) != STDIN else StdinCopy(name) for p in paths]
    finally:
        os.unlink(name)


def is_compressed(path: Path) -> bool:
    """Whether the file starts with gzip or zstd magic bytes (its name may not say so)."""
    with open(path, "rb") as raw:
        return raw.read(4).startswith((_GZIP_MAGIC, _ZSTD_MAGIC))


def decompressed(raw: IO[bytes]) -> IO[bytes]:
    """``raw`` itself, or a stream that decompresses it when it starts with gzip or zstd magic bytes."""
    head = _peek(raw, 4)
    if head.startswith(_GZIP_MAGIC):
        return gzip.open(raw, "rb")  # type: ignore[return-value]
    if head.startswith(_ZSTD_MAGIC):
        return io.BufferedReader(_ZstdReader(raw))
    return raw


class _ZstdReader(io.RawIOBase):
    """zstd frames decompressed one chunk at a time; a stream that ends inside a frame raises
    an error (zstandard's own stream reader just stops, which would lose the tail silently)."""

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self.raw = raw
        self.error = zstandard.ZstdError
        self.decompressor = zstandard.ZstdDecompressor()
        self.frame = self.decompressor.decompressobj()
        self.fed = False
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            chunk = self.raw.read(1 << 16)
            if not chunk:
                if self.fed and not self.frame.eof:
                    raise self.error("truncated zstd stream: it ends inside a frame")
                return 0
            self.pending = self._decompress(chunk)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            if self.frame.eof:  # the next frame of a multi-frame file
                self.frame = self.decompressor.decompressobj()
            self.fed = True
            out.append(self.frame.decompress(data))
            data = self.frame.unused_data if self.frame.eof else b""
        return b"".join(out)


def _peek(raw: IO[bytes], size: int) -> bytes:
    if hasattr(raw, "peek"):
        return raw.peek(size)[:size]
    head = raw.read(size)
    raw.seek(0)
    return head


def file_kind(path: Path) -> str | None:
    """``text``, ``html``, ``jsonl``, ``parquet`` or ``warc`` from the file name; None for files
    cleanpress does not read.

    >>> file_kind(Path("crawl/2025-11.jsonl.zst")), file_kind(Path("a.TXT")), file_kind(Path("CC.warc.gz")), file_kind(Path("x.png"))
    ('jsonl', 'text', 'warc', None)
    """
    name = path.name.lower()
    for suffix, kind in FILE_KINDS.items():
        if name.endswith(suffix):
            return kind
    return None


def input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[InputFile]:
    """Every input to read under ``paths``: folders searched recursively in sorted order, globs
    expanded in sorted order, ``@list`` files read, ``-`` as standard input."""
    for raw in paths:
        if isinstance(raw, StdinCopy):
            yield InputFile("<stdin>", Path(raw.path), "jsonl")
            continue
        text = os.fspath(raw)
        path = Path(text)
        if text == STDIN:
            yield InputFile("<stdin>", None, "jsonl")
        elif path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders.sort()
                hidden_folder = any(part.startswith(".") for part in Path(folder).relative_to(path).parts)
                for name in sorted(names):
                    candidate = Path(folder) / name
                    kind = file_kind(candidate)
                    if kind is not None:
                        yield InputFile(str(candidate), candidate, kind)
                    elif not (hidden_folder or name.startswith(".")):  # .git, .DS_Store: nobody's documents
                        yield InputFile(str(candidate), candidate, UNSUPPORTED)
        elif path.exists():
            yield InputFile(str(path), path, file_kind(path) or "text")
        elif text.startswith("@") and Path(text[1:]).is_file():
            yield from input_files(listed_paths(Path(text[1:])))
        elif _GLOB_CHARACTERS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"{text}: no file matches")
            yield from input_files(matches)
        else:
            raise InputError(f"{path}: no such file or folder")


def listed_paths(listing: Path) -> list[str]:
    """The paths (or globs) an ``@list`` file names, one a line; blank lines and ``#`` comments are ignored."""
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{listing}: cannot read the list of inputs: {error}") from error
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


CLEAN_CORPUS_NAMES = frozenset({"corpus.jsonl", "corpus.jsonl.gz", "corpus.parquet", "corpus"})  # what clean writes


def is_clean_output(paths: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether every path is the corpus a ``clean`` run wrote: ``corpus.jsonl`` (or its ``.gz``,
    ``.parquet`` or ``corpus/`` form) beside the run's ``report.json``. Its texts are already
    stripped, which ``clean`` and ``check`` take into account."""
    paths = [Path(path) for path in paths]
    for path in paths:
        if path.name not in CLEAN_CORPUS_NAMES:
            return False
        try:
            report = json.loads((path.parent / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(report, dict) or not {"documents", "boilerplate", "config"} <= set(report):
            return False
    return bool(paths)


def read_documents(paths: Iterable[str | os.PathLike[str]], config: CleanConfig | None = None) -> Iterator[Item]:
    """Documents (and :class:`Skipped` records) from every input, in reading order; a repeated
    id is skipped (:func:`unique_ids`).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "kun.uz"
    >>> folder.mkdir()
    >>> _ = (folder / "a.jsonl").write_text('{"id": "1", "text": "Talks.", "views": 3}\\nnot json\\n')
    >>> [(i.id, i.site, i.metadata) if isinstance(i, Document) else i.reason[:14] for i in read_documents([folder / "*.jsonl"])]
    [('1', 'kun.uz', {'views': 3}), 'not valid JSON']
    """
    config = config or CleanConfig()
    yield from unique_ids(item for source in input_files(paths) for item in read_file(source, config))


def _readers() -> dict[str, Callable[[InputFile, CleanConfig], Iterator[Item]]]:
    from .read_parquet import read_parquet
    from .read_warc import read_warc

    return {"jsonl": _read_jsonl, "parquet": read_parquet, "warc": read_warc, UNSUPPORTED: _unsupported}


def _unsupported(source: InputFile, config: CleanConfig) -> Iterator[Item]:
    """A file of a folder that is in no format cleanpress reads: listed and counted, so that no
    file of an input folder goes unmentioned, but no input error (``--strict`` runs on)."""
    suffix = "".join(Path(source.name).suffixes[-1:]) or "no extension"
    yield Skipped(source=source.name, reason=f"not an input format ({suffix})", not_a_document=True)


class LineRange(NamedTuple):
    """Bytes ``start`` to ``end`` of a plain JSON Lines file, cut at line boundaries, whose first
    line is line ``first_line`` of the file (:mod:`cleanpress.splits`)."""

    start: int
    end: int
    first_line: int


def read_file(source: InputFile | Path, config: CleanConfig, lines: LineRange | None = None) -> Iterator[Item]:
    """The documents of one input (of ``lines`` of a plain JSON Lines file only, when given); a
    problem with it becomes a :class:`Skipped` record."""
    if isinstance(source, Path):
        source = InputFile(str(source), source, file_kind(source) or "text")
    try:
        if lines is not None:
            yield from _read_jsonl(source, config, lines)
            return
        streamed = _readers().get(source.kind)
        if streamed is not None:
            yield from streamed(source, config)
            return
        assert source.path is not None
        size = source.path.stat().st_size
        if size > config.max_document_bytes:
            yield Skipped(source=source.name, id=source.stem, reason=too_large(size, config))
        else:
            yield _read_whole_file(source)
    except OSError as error:
        doc_id = source.stem if source.kind in ("text", "html") else None
        yield Skipped(source=source.name, id=doc_id, reason=f"cannot read file: {error.strerror or error or type(error).__name__}")


def _read_whole_file(source: InputFile) -> Item:
    assert source.path is not None
    decoded = decode_with_encoding(source.path.read_bytes())
    if decoded is None:
        return Skipped(source=source.name, id=source.stem, reason="binary or undecodable file")
    text, encoding = decoded
    date, text = split_date_header(text)
    return Document(id=source.stem, text=text, source=source.name, format=source.kind, date=date, encoding=encoding, site=source.folder)


def decode_bytes(data: bytes) -> str | None:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else the detected encoding.

    None for binary data.

    >>> decode_bytes("Qazaxıstan".encode("utf-8"))
    'Qazaxıstan'
    >>> news = "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву, где проведёт переговоры."
    >>> decode_bytes(news.encode("cp1251")) == news
    True
    """
    decoded = decode_with_encoding(data)
    return decoded[0] if decoded is not None else None


def decode_with_encoding(data: bytes) -> tuple[str, str] | None:
    """:func:`decode_bytes`, and the encoding it used (``utf-8`` with or without BOM)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:_SNIFF_BYTES]:  # text has no NUL: binary, or UTF-16/32 without a byte-order mark
        return decode_wide(data)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return decode_legacy(data)


def unique_ids(items: Iterable[Item]) -> Iterator[Item]:
    """Keep ids unique (:class:`IdRegistry`): a document whose id was already read becomes a
    :class:`Skipped` record naming the first one, so the corpus keeps one document per id and the
    user learns why."""
    registry = IdRegistry()
    for item in items:
        if isinstance(item, Document):
            item.id, repeated = registry.admit(item.id, item.source, item.source_line)
            if repeated is not None:
                item = Skipped(source=item.source, line=item.source_line, id=item.id, reason=repeated)
        yield item


class IdRegistry:
    """The ids read so far, and where each was first read.

    A file whose stem was already used (``a/x.txt``, ``b/x.txt``) takes its path as id instead;
    a record whose id was already read is a repeat. Documents must be admitted in reading order.

    >>> ids = IdRegistry()
    >>> ids.admit("x", "a/x.txt", None), ids.admit("x", "b/x.txt", None)
    (('x', None), ('b/x', None))
    >>> ids.admit("7", "feed.jsonl", 1), ids.admit("7", "feed.jsonl", 9)
    (('7', None), ('7', 'duplicate id (first read at feed.jsonl:1)'))
    """

    def __init__(self) -> None:
        self._first_seen: dict[str, str] = {}

    def admit(self, doc_id: str, source: str, source_line: int | None) -> tuple[str, str | None]:
        """The id the document keeps, and why it is skipped (None: it is not)."""
        if source_line is None and doc_id in self._first_seen:
            doc_id = str(Path(source).with_suffix(""))
        where = f"{source}:{source_line}" if source_line else source  # as Document.where
        first = self._first_seen.setdefault(doc_id, where)
        return doc_id, None if first == where else f"duplicate id (first read at {first})"


def split_date_header(text: str) -> tuple[str | None, str]:
    """Split a leading `` date YYYY-MM-DD`` header off the text.

    >>> split_date_header(" date 2025-11-12 Ötən həftə")
    ('2025-11-12', 'Ötən həftə')
    >>> split_date_header("No header here")
    (None, 'No header here')
    """
    match = _DATE_HEADER.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


def too_large(size: int, config: CleanConfig) -> str:
    return f"document too large: {size:,} bytes (--max-document-bytes {config.max_document_bytes:,})"


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[bytes | None, int]]:
    """Lines of at most ``limit`` bytes; a longer line is read through in chunks (never held
    whole) and given as ``(None, its size)``."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
            size += len(line)
        yield None, size


def _read_jsonl(input_file: InputFile, config: CleanConfig, lines: LineRange | None = None) -> Iterator[Item]:
    source = input_file.name
    first_line = lines.first_line if lines is not None else 1
    line_number = first_line - 1
    with input_file.open_raw() as raw, (decompressed(raw) if lines is None else _byte_range(raw, lines)) as stream:
        try:
            for line_number, (raw, size) in enumerate(_bounded_lines(stream, config.max_document_bytes), start=first_line):
                if raw is None:
                    yield Skipped(source=source, line=line_number, reason=too_large(size, config))
                elif raw.strip():
                    yield _parse_record(raw, input_file, line_number, config)
        except (EOFError, gzip.BadGzipFile, zlib.error, _zstd_error()) as error:
            yield Skipped(source=source, line=line_number + 1, reason=f"damaged compressed file: {error or type(error).__name__}")


def _byte_range(raw: IO[bytes], lines: LineRange) -> IO[bytes]:
    """The bytes of ``lines`` of a plain file, read from where they start to where they end."""
    raw.seek(lines.start)
    return io.BufferedReader(_ByteRange(raw, lines.end - lines.start))


class _ByteRange(io.RawIOBase):
    """The next ``size`` bytes of ``raw``, then the end of the stream (closing it leaves ``raw`` open)."""

    def __init__(self, raw: IO[bytes], size: int) -> None:
        self.raw, self.left = raw, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(min(len(buffer), self.left))
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)


def _zstd_error() -> type[Exception]:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - zstandard is a core dependency
        return EOFError
    return zstandard.ZstdError


def _parse_record(raw: bytes, input_file: InputFile, line: int, config: CleanConfig) -> Item:
    source = input_file.name
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # a line written in a legacy encoding: read it in the likeliest one
        decoded = decode_legacy(raw)
        if decoded is None:
            return Skipped(source=source, line=line, reason="not valid UTF-8 and no encoding fits")
        text, encoding = decoded
    try:
        record = json.loads(text.removeprefix("\ufeff"))  # a byte-order mark: Windows tools open files with one
    except json.JSONDecodeError as error:
        return Skipped(source=source, line=line, reason=f"not valid JSON: {error}")
    if not isinstance(record, dict):
        return Skipped(source=source, line=line, reason=f"not a JSON object but {type(record).__name__}")
    item = document_from_record(record, config, source=source, line=line, default_id=f"{input_file.stem}:{line}", folder=input_file.folder)
    if isinstance(item, Document):
        item.encoding = encoding
    return item


def document_from_record(
    record: dict[str, Any], config: CleanConfig, *, source: str, line: int | None, default_id: str, folder: str | None = None
) -> Item:
    """A document from a JSON-like record: text and id from the configured fields, ``date``,
    ``url`` and the source site as their own attributes, every other field metadata.

    >>> doc = document_from_record({"body": "Talks.", "url": "https://www.kun.uz/news/1", "tag": "x"},
    ...                            CleanConfig(text_field="body"), source="a.jsonl", line=1, default_id="a:1")
    >>> doc.text, doc.site, doc.url, doc.metadata
    ('Talks.', 'kun.uz', 'https://www.kun.uz/news/1', {'tag': 'x'})
    """
    record = dict(record)
    text = record.pop(config.text_field, None)
    raw_id = record.pop(config.id_field, None)
    doc_id = str(raw_id) if raw_id is not None else default_id
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string but {type(text).__name__}"
        return Skipped(source=source, line=line, id=doc_id, reason=f"text field {config.text_field!r} {problem}")
    date = record.pop("date", None)
    url = record.pop("url", None)
    url = str(url) if url is not None else None
    site = record.get(config.source_field)  # left in the metadata too: a field of its own stays untouched
    header_date, text = split_date_header(text)
    return Document(
        id=doc_id,
        text=text,
        source=source,
        source_line=line,
        date=str(date) if date is not None else header_date,
        site=str(site) if site is not None else site_of(url) or folder,
        url=url,
        metadata=record,
    )


def site_of(url: str | None) -> str | None:
    """The site of a URL: its host, without ``www.``.

    >>> site_of("https://www.azadliq.org/a/33.html"), site_of("not a url"), site_of(None)
    ('azadliq.org', None, None)
    """
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
