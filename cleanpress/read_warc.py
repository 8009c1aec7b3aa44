"""Reading WARC and WARC.gz files as crawlers write them (``warcio``).

Each ``response`` (or ``resource``) record whose content is HTML becomes one document marked
``format="html"`` (the extract stage runs trafilatura on it): its id the ``WARC-Record-ID``, its
``url`` the ``WARC-Target-URI``, its site the URL's host, and ``crawl_date`` (``WARC-Date``) in
its metadata. Every other record (a request, warcinfo or metadata record, an image or PDF
response) becomes a :class:`Skipped` record saying what it was, so the accounting lists it.
A record whose content cannot be decoded, is cut short or fails its digest is skipped with its
number and byte offset; a file that breaks part way is skipped from the record where it broke,
the records before it kept.

>>> import io, tempfile
>>> from pathlib import Path
>>> from warcio.statusandheaders import StatusAndHeaders
>>> from warcio.warcwriter import WARCWriter
>>> path = Path(tempfile.mkdtemp()) / "crawl.warc.gz"
>>> with open(path, "wb") as stream:
...     writer = WARCWriter(stream, gzip=True)
...     for url, kind in (("https://www.kun.uz/1", "text/html"), ("https://kun.uz/logo.png", "image/png")):
...         http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
...         writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(b"<p>Talks.</p>"), http_headers=http))
>>> [(type(i).__name__, i.site if isinstance(i, Document) else i.reason[:12])
...  for i in read_warc(InputFile(str(path), path, "warc"), CleanConfig())]
[('Document', 'kun.uz'), ('Skipped', 'not HTML: WA')]
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .config import CleanConfig
from .document import Document, Skipped
from .readers import InputFile, Item, decode_with_encoding, site_of, too_large

DOCUMENT_RECORDS = ("response", "resource")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(source: InputFile, config: CleanConfig) -> Iterator[Item]:
    """The HTML documents of one WARC file (plain or gzip), and a :class:`Skipped` record for
    every other record."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    offset = 0
    with source.open_raw() as stream:
        records = ArchiveIterator(stream, check_digests=True)
        try:
            for record in records:
                number += 1
                body = _body(record, config)  # before asking the offset: warcio reads on to find it
                offset = records.get_record_offset()
                yield _item(record, body, source, number, offset, config)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            yield Skipped(source=source.name, line=number + 1, reason=f"damaged WARC file: record {number + 1} (after byte {offset}) cannot be read: {error}")


def _is_html_document(record: Any) -> bool:
    return record.rec_type in DOCUMENT_RECORDS and _content_type(record).startswith(HTML_TYPES)


def _body(record: Any, config: CleanConfig) -> bytes | Exception | None:
    """The decoded content of an HTML document record (at most one byte over the limit); the
    error when it cannot be decoded; None for other records."""
    if not _is_html_document(record):
        return None
    try:
        body = record.content_stream().read(config.max_document_bytes + 1)
    except Exception as error:  # a broken chunked or compressed body: this record only
        return error
    missing = getattr(record.raw_stream, "limit", 0)
    if len(body) <= config.max_document_bytes and missing:  # warcio stops quietly where a file was cut
        return EOFError(f"truncated, {missing} bytes of the record missing")
    if record.digest_checker.passed is False:
        return ValueError(f"digest mismatch ({'; '.join(map(str, record.digest_checker.problems))})")
    return body


def _item(record: Any, body: bytes | Exception | None, source: InputFile, number: int, offset: int, config: CleanConfig) -> Item:
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>") or None
    url = headers.get_header("WARC-Target-URI")
    where = f"record {number} at byte {offset}"
    kind = record.rec_type
    if kind is None:
        return Skipped(source=source.name, line=number, id=record_id, reason=f"damaged WARC record: no WARC-Type header ({where})")
    if kind not in DOCUMENT_RECORDS:
        return Skipped(source=source.name, line=number, id=record_id, reason=f"WARC {kind} record, not a document ({where})", not_a_document=True)
    content_type = _content_type(record)
    if not content_type.startswith(HTML_TYPES):
        return Skipped(source=source.name, line=number, id=record_id, reason=f"not HTML: WARC {kind} of {content_type or 'unknown type'} ({where})", not_a_document=True)
    if not isinstance(body, bytes):
        return Skipped(source=source.name, line=number, id=record_id, reason=f"damaged WARC record: {body} ({where})")
    if len(body) > config.max_document_bytes:
        return Skipped(source=source.name, line=number, id=record_id, reason=too_large(len(body), config))
    decoded = decode_with_encoding(body)
    if decoded is None:
        return Skipped(source=source.name, line=number, id=record_id, reason=f"binary or undecodable WARC record ({where})")
    text, encoding = decoded
    metadata = {"crawl_date": headers.get_header("WARC-Date")}
    return Document(
        id=record_id or f"{source.stem}:{number}", text=text, source=source.name, source_line=number,
        format="html", encoding=encoding, site=site_of(url) or source.folder, url=url,
        metadata={key: value for key, value in metadata.items() if value is not None},
    )


def _content_type(record: Any) -> str:
    """The media type of a record's content: the HTTP header of a response, else the WARC header."""
    header = record.http_headers.get_header("Content-Type") if record.http_headers is not None else None
    header = header or record.rec_headers.get_header("Content-Type") or ""
    return header.split(";")[0].strip().lower()


__all__ = ["read_warc"]
