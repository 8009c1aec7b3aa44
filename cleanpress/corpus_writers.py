"""Writers for the corpus in each output format (``--output-format``), and for standard output.

* ``jsonl`` (``corpus.jsonl``), ``jsonl.gz`` (``corpus.jsonl.gz``, gzip with no timestamp so reruns
  are byte-identical): one record a line, as :meth:`cleanpress.document.Document.to_record` gives it;
* ``parquet`` (``corpus.parquet``): the schema in :func:`parquet_schema`;
* ``txt`` (``corpus/``): one UTF-8 file per document, named by its id (:func:`file_name`);
* standard output (``-o -``): JSON Lines, one kept document a line, nothing else.

:func:`read_corpus` reads any of them back (the report uses it), whatever the format.

Each writer gets the records one at a time and holds none of them: Parquet spools them to a
JSON Lines file first, then reads it twice (the metadata columns and their types, then the rows
in batches), so memory holds one batch.
"""
from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import quote, unquote

import xxhash

#: The columns every Parquet corpus has, in this order, all strings (null when unknown);
#: metadata columns follow in the order they first appear.
CORE_COLUMNS = ("id", "text", "lang", "date", "source", "url")
PARQUET_BATCH_ROWS = 1024
MAX_NAME_BYTES = 200  # file names stay well under the 255 bytes file systems allow


class CorpusWriter(Protocol):
    """Where kept documents go."""

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None:
        """Finish the output (flushed and on disk)."""


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


class JsonlWriter:
    """JSON Lines into a text stream (a file, a gzip file, standard output)."""

    def __init__(self, stream: IO[str], *, sync: bool = True) -> None:
        self.stream = stream
        self.sync = sync

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write(_line(record))

    def close(self) -> None:
        self.stream.flush()
        if self.sync:
            self.stream.close()


def jsonl_file(path: Path) -> JsonlWriter:
    """``corpus.jsonl`` in ``path``'s folder."""
    return JsonlWriter(open(path, "w", encoding="utf-8", newline="\n"))


def jsonl_gz_file(path: Path) -> JsonlWriter:
    """gzip-compressed JSON Lines; no name or time in the header, so the same corpus gives the same bytes."""
    raw = gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)
    return JsonlWriter(io.TextIOWrapper(raw, encoding="utf-8", newline="\n"))  # type: ignore[arg-type]


def stdout_writer() -> JsonlWriter:
    """JSON Lines on standard output (UTF-8 whatever the locale)."""
    return JsonlWriter(io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True), sync=False)


class TxtWriter:
    """One ``.txt`` file per document in a folder: the text alone, for tools that want files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()

    def write(self, record: dict[str, Any]) -> None:
        (self.folder / file_name(str(record["id"]))).write_text(record["text"], encoding="utf-8", newline="\n")

    def close(self) -> None:
        pass


def file_name(doc_id: str) -> str:
    """A file name for a document id: the id percent-encoded (so distinct ids give distinct
    names and the id can be read back), cut with a hash when too long.

    >>> file_name("azadliq/2025-11:3"), file_name("x" * 300)[-21:]
    ('azadliq%2F2025-11%3A3.txt', '-8377db93c80fd5bf.txt')
    """
    name = quote(doc_id, safe="-_.,()=+~")  # ASCII
    if name.startswith("."):
        name = "%2E" + name[1:]
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:MAX_NAME_BYTES - 20] + "-" + xxhash.xxh64_hexdigest(doc_id.encode("utf-8"))
    return name + ".txt"


class ParquetWriter:
    """``corpus.parquet``: spooled as JSON Lines, written with a schema from every record."""

    def __init__(self, path: Path) -> None:
        from .read_parquet import import_pyarrow

        import_pyarrow()  # fail before any work when pyarrow is missing
        self.path = path
        self.spool_path = path.with_name(path.name + ".spool.jsonl")
        self.spool = open(self.spool_path, "w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        self.spool.write(_line(record))

    def close(self) -> None:
        self.spool.close()
        schema = parquet_schema(self._records())
        write_parquet(self._records(), schema, self.path)
        self.spool_path.unlink()

    def _records(self) -> Iterator[dict[str, Any]]:
        with open(self.spool_path, encoding="utf-8") as spool:
            for line in spool:
                yield json.loads(line)


def parquet_schema(records: Iterator[dict[str, Any]]) -> Any:
    """The corpus schema: :data:`CORE_COLUMNS` as strings, then one column per metadata field,
    typed by its values: all booleans ``bool``, all whole numbers ``int64``, numbers
    ``double``, all strings ``string``; anything else (lists, objects, mixed) JSON text in a
    ``string`` column. A field a record lacks is null there.

    >>> parquet_schema(iter([{"id": "a", "text": "t", "views": 3, "tags": ["x"]}, {"id": "b", "text": "u", "views": 2.5}]))
    id: string
    text: string
    lang: string
    date: string
    source: string
    url: string
    views: double
    tags: string
    """
    import pyarrow as pa

    kinds: dict[str, set[type]] = {}
    for record in records:
        for key, value in record.items():
            if key not in CORE_COLUMNS:
                seen = kinds.setdefault(key, set())
                if value is not None:
                    seen.add(type(value))
    columns = [pa.field(name, pa.string()) for name in CORE_COLUMNS]
    for key, seen in kinds.items():
        columns.append(pa.field(key, _arrow_type(seen)))
    return pa.schema(columns)


def _arrow_type(seen: set[type]) -> Any:
    import pyarrow as pa

    if seen == {bool}:
        return pa.bool_()
    if seen == {int}:
        return pa.int64()
    if seen and seen <= {int, float}:
        return pa.float64()
    return pa.string()


def write_parquet(records: Iterator[dict[str, Any]], schema: Any, path: Path) -> None:
    """Write ``records`` in ``schema`` (from :func:`parquet_schema`), a batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    as_json = {f.name for f in schema if f.type == pa.string() and f.name not in CORE_COLUMNS}
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append({key: _json_text(value) if key in as_json else value for key, value in record.items()})
            if len(batch) == PARQUET_BATCH_ROWS:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def corpus_writer(folder: Path, output_format: str) -> tuple[str, CorpusWriter]:
    """The corpus writer for ``output_format`` in ``folder``, and the name of what it writes."""
    if output_format == "jsonl":
        return "corpus.jsonl", jsonl_file(folder / "corpus.jsonl")
    if output_format == "jsonl.gz":
        return "corpus.jsonl.gz", jsonl_gz_file(folder / "corpus.jsonl.gz")
    if output_format == "parquet":
        return "corpus.parquet", ParquetWriter(folder / "corpus.parquet")
    if output_format == "txt":
        return "corpus", TxtWriter(folder / "corpus")
    raise ValueError(f"unknown output format {output_format!r}")


def read_corpus(folder: Path, output_format: str, ids: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """The kept records a run wrote into ``folder`` in ``output_format``, in the order written.

    ``txt`` keeps the text alone: a record is then ``{"id", "text"}``, its id found among ``ids``
    (the run's document ids in input order, as ``sources.jsonl`` lists them) by its file name; a
    file whose name matches none of them comes last, under the id its name decodes to.
    """
    if output_format in ("jsonl", "jsonl.gz"):
        path = folder / f"corpus.{output_format}"
        opener = gzip.open if output_format == "jsonl.gz" else open
        if path.exists():
            with opener(path, "rt", encoding="utf-8") as stream:
                yield from (json.loads(line) for line in stream if line.strip())
    elif output_format == "parquet":
        if (folder / "corpus.parquet").exists():
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(folder / "corpus.parquet").iter_batches(batch_size=PARQUET_BATCH_ROWS):
                yield from ({k: v for k, v in row.items() if v is not None} for row in batch.to_pylist())
    elif output_format == "txt":
        corpus = folder / "corpus"
        files = {path.name: path for path in corpus.iterdir()} if corpus.is_dir() else {}
        for doc_id in ids:
            path = files.pop(file_name(doc_id), None)
            if path is not None:
                yield {"id": doc_id, "text": path.read_text(encoding="utf-8")}
        for name in sorted(files):
            yield {"id": unquote(name.removesuffix(".txt")), "text": files[name].read_text(encoding="utf-8")}
    else:
        raise ValueError(f"unknown output format {output_format!r}")
