"""Readers: turn input paths into a stream of documents.

Inputs are files or folders (searched recursively, in sorted order, links not followed):

* ``.txt``: one document, its id the file's stem;
* ``.html`` / ``.htm``: one document marked ``format="html"`` (the extract stage turns it into text);
* ``.jsonl`` / ``.ndjson``, plain or ``.gz``: one document per line, a JSON object whose
  ``text_field`` holds the text and ``id_field`` the id (missing: ``stem:line``); every other
  field is passed through as metadata.

A leading `` date YYYY-MM-DD`` header, as scrapers write it, becomes the ``date`` field.

Problems are not exceptions: a malformed line, a record without text or an unreadable file
becomes a :class:`Skipped` record in the same stream, naming the file and line, and reading goes
on with the next record. Only a path that does not exist stops the run (:class:`InputError`).
"""
from __future__ import annotations

import codecs
import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Union

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
}
_DATE_HEADER = regex.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+|\s*\n|\Z)")
_SNIFF_BYTES = 8192

Item = Union[Document, Skipped]


class InputError(Exception):
    """An input path that cannot be read at all (it does not exist)."""


def file_kind(path: Path) -> str | None:
    """``text``, ``html`` or ``jsonl`` from the file name; None for files cleanpress does not read.

    >>> file_kind(Path("crawl/2025-11.jsonl.gz")), file_kind(Path("a.TXT")), file_kind(Path("x.png"))
    ('jsonl', 'text', None)
    """
    name = path.name.lower()
    for suffix, kind in FILE_KINDS.items():
        if name.endswith(suffix):
            return kind
    return None


def input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every readable file under ``paths``, folders searched recursively in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders.sort()
                for name in sorted(names):
                    candidate = Path(folder) / name
                    if file_kind(candidate) is not None:
                        yield candidate
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder")


def read_documents(paths: Iterable[str | os.PathLike[str]], config: CleanConfig | None = None) -> Iterator[Item]:
    """Documents (and :class:`Skipped` records) from every input file, in reading order; a
    repeated id is skipped (:func:`unique_ids`)."""
    config = config or CleanConfig()
    yield from unique_ids(item for path in input_files(paths) for item in read_file(path, config))


def read_file(path: Path, config: CleanConfig) -> Iterator[Item]:
    """The documents of one file; a problem with the file becomes a :class:`Skipped` record."""
    kind = file_kind(path) or "text"
    try:
        if kind == "jsonl":
            yield from _read_jsonl(path, config)
        elif path.stat().st_size > config.max_document_bytes:
            yield Skipped(source=str(path), id=path.stem, reason=_too_large(path.stat().st_size, config))
        else:
            yield _read_whole_file(path, kind)
    except OSError as error:
        doc_id = None if kind == "jsonl" else path.stem
        yield Skipped(source=str(path), id=doc_id, reason=f"cannot read file: {error.strerror or error}")


def _read_whole_file(path: Path, kind: str) -> Item:
    decoded = decode_with_encoding(path.read_bytes())
    if decoded is None:
        return Skipped(source=str(path), id=path.stem, reason="binary or undecodable file")
    text, encoding = decoded
    date, text = split_date_header(text)
    return Document(id=path.stem, text=text, source=str(path), format=kind, date=date, encoding=encoding)


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
    """Keep ids unique. A file whose stem was already used (``a/x.txt``, ``b/x.txt``) takes its
    path as id instead; a record whose id was already read becomes a :class:`Skipped` record
    naming the first one, so the corpus keeps one document per id and the user learns why."""
    first_seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Document):
            if item.source_line is None and item.id in first_seen:
                item.id = str(Path(item.source).with_suffix(""))
            first = first_seen.setdefault(item.id, item.where)
            if first != item.where:
                item = Skipped(source=item.source, line=item.source_line, id=item.id, reason=f"duplicate id (first read at {first})")
        yield item


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


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _too_large(size: int, config: CleanConfig) -> str:
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


def _read_jsonl(path: Path, config: CleanConfig) -> Iterator[Item]:
    source = str(path)
    line_number = 0
    with _open_binary(path) as stream:
        try:
            for line_number, (raw, size) in enumerate(_bounded_lines(stream, config.max_document_bytes), start=1):
                if raw is None:
                    yield Skipped(source=source, line=line_number, reason=_too_large(size, config))
                elif raw.strip():
                    yield _parse_record(raw, source, line_number, path.stem, config)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            yield Skipped(source=source, line=line_number + 1, reason=f"damaged compressed file: {error}")


def _parse_record(raw: bytes, source: str, line: int, stem: str, config: CleanConfig) -> Item:
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # a line written in a legacy encoding: read it in the likeliest one
        decoded = decode_legacy(raw)
        if decoded is None:
            return Skipped(source=source, line=line, reason="not valid UTF-8 and no encoding fits")
        text, encoding = decoded
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Skipped(source=source, line=line, reason=f"not valid JSON: {error}")
    if not isinstance(record, dict):
        return Skipped(source=source, line=line, reason=f"not a JSON object but {type(record).__name__}")
    item = document_from_record(record, config, source=source, line=line, default_id=f"{stem}:{line}")
    if isinstance(item, Document):
        item.encoding = encoding
    return item


def document_from_record(
    record: dict[str, Any], config: CleanConfig, *, source: str, line: int | None, default_id: str
) -> Item:
    """A document from a JSON-like record: text and id from the configured fields, the rest metadata."""
    record = dict(record)
    text = record.pop(config.text_field, None)
    raw_id = record.pop(config.id_field, None)
    doc_id = str(raw_id) if raw_id is not None else default_id
    if not isinstance(text, str):
        problem = "missing" if text is None else f"not a string but {type(text).__name__}"
        return Skipped(source=source, line=line, id=doc_id, reason=f"text field {config.text_field!r} {problem}")
    date = record.pop("date", None)
    header_date, text = split_date_header(text)
    return Document(
        id=doc_id,
        text=text,
        source=source,
        source_line=line,
        date=str(date) if date is not None else header_date,
        metadata=record,
    )
