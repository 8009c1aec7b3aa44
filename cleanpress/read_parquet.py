"""Reading Parquet: one document per row, a batch of rows at a time (never a whole file in memory).

Fields work as for JSON Lines (``text_field``, ``id_field``, ``source_field``, ``date``, ``url``;
every other column is passed through as metadata). A row's id defaults to ``stem:row`` (1-based).
Values JSON cannot hold are converted so that every output format can write them: timestamps
and dates to ISO 8601 strings, decimals to strings, bytes to text (UTF-8) or hexadecimal.
A file that is not Parquet, or that breaks part way, becomes one :class:`Skipped` record naming
the file and the first row not read; the rows before it are kept. Needs ``pyarrow``
(``pip install 'cleanpress[parquet]'``).

>>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
>>> path = Path(tempfile.mkdtemp()) / "news.parquet"
>>> pq.write_table(pa.table({"id": ["a", "b"], "text": ["One.", "Two."], "views": [3, 5]}), path)
>>> [(d.id, d.text, d.metadata) for d in read_parquet(InputFile(str(path), path, "parquet"), CleanConfig())]
[('a', 'One.', {'views': 3}), ('b', 'Two.', {'views': 5})]
"""
from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .config import CleanConfig
from .document import Skipped
from .readers import InputError, InputFile, Item, document_from_record, too_large

INSTALL_HINT = "reading Parquet needs pyarrow: pip install 'cleanpress[parquet]'"


def import_pyarrow() -> Any:
    """``pyarrow.parquet``, or an :class:`InputError` saying how to install it."""
    try:
        import pyarrow.parquet
    except ImportError as error:
        raise InputError(INSTALL_HINT) from error
    return pyarrow.parquet


def read_parquet(source: InputFile, config: CleanConfig) -> Iterator[Item]:
    """The documents of one Parquet file, read ``config.batch_size`` rows at a time."""
    pq = import_pyarrow()
    import pyarrow as pa

    row = 0
    try:
        with pq.ParquetFile(source.path) as parquet:
            for batch in parquet.iter_batches(batch_size=config.batch_size):
                for record in batch.to_pylist():
                    row += 1
                    yield _document(record, source, row, config)
    except (pa.ArrowException, OSError) as error:
        where = "not a readable Parquet file" if row == 0 else f"damaged Parquet file after row {row}"
        yield Skipped(source=source.name, line=row + 1, reason=f"{where}: {error}")


def _document(record: dict[str, Any], source: InputFile, row: int, config: CleanConfig) -> Item:
    text = record.get(config.text_field)
    if isinstance(text, str) and len(text.encode("utf-8")) > config.max_document_bytes:
        return Skipped(source=source.name, line=row, reason=too_large(len(text.encode("utf-8")), config))
    return document_from_record(
        {key: jsonable(value) for key, value in record.items()}, config,
        source=source.name, line=row, default_id=f"{source.stem}:{row}", folder=source.folder,
    )


def jsonable(value: Any) -> Any:
    """A Parquet value as a value JSON can hold.

    >>> jsonable(datetime.date(2025, 11, 12)), jsonable(decimal.Decimal("1.50")), jsonable(b"ok"), jsonable([1, {"a": b"\\xff"}])
    ('2025-11-12', '1.50', 'ok', [1, {'a': 'ff'}])
    """
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value

