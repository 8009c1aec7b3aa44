"""A persistent deduplication index: today's crawl deduplicated against everything kept before.

``cleanpress clean --index PATH`` loads the fingerprints of every document earlier runs kept into
the run's :class:`~cleanpress.dedup.DuplicateIndex` as *indexed* documents, which are always the
ones kept in their cluster and never reported (they are not in this run's input). A new document
that duplicates one of them (exact, near or translated) is dropped and its decision says
``"in_index": true``. When the run's output folder is complete, the fingerprints of the documents
it kept are added to the index in one transaction: a run that fails or is killed adds nothing, so
the index stays as it was, and a run of the same input against its own index adds nothing.

Loading every fingerprint (no text: about 1.5 KB a document) means the run's decisions are made by
the same code, with the same corpus-wide anchor weights, as one run over old and new documents
together would make them; the cost is memory and load time in proportion to the index.

Two stores hold the same records:

* :class:`SQLiteIndex` (``PATH``, the default): one file, standard library, WAL mode, one writer;
* :class:`RedisIndex` (``redis://host:port/db``): a Redis server several crawlers can share; a
  run's additions go in one ``MULTI``/``EXEC`` transaction. Needs ``pip install cleanpress[redis]``.

The index records how its fingerprints were made (MinHash engine and permutation scheme, number of
permutations, seed, shingle size, the anchor features, the thresholds) and a *probe*: the
fingerprint of a fixed text. Opening it with other settings, or with a cleanpress whose hashing
has changed, is an :class:`IndexMismatchError` naming the differences, never silent garbage.

>>> import tempfile, os
>>> from cleanpress import CleanConfig
>>> path = os.path.join(tempfile.mkdtemp(), "index.sqlite")
>>> with open_index(path, CleanConfig()) as index:
...     len(index)
0
"""
from __future__ import annotations

import json
import os
import sqlite3
import struct
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
import xxhash

from .config import CleanConfig
from .dedup import SIGNATURE_SCHEME
from .document import Document
from .fingerprint import Fingerprint, fingerprint

FORMAT_VERSION = 1
# settings that change what a fingerprint is or what counts as a duplicate of one
RECORDED_SETTINGS = (
    "num_perm",
    "seed",
    "ngram",
    "near_threshold",
    "translated",
    "translated_threshold",
    "candidate_threshold",
    "min_anchors",
    "min_shared_anchors",
    "max_length_ratio",
    "mutual_best",
)
# Settings recorded only since a later version, and what the versions that did not record them
# did: they had no length limit on translations, and always asked for a mutual best match.
# An index without them was made that way, so a run that differs is told so, not let in.
UNRECORDED_BEHAVIOUR: dict[str, Any] = {"max_length_ratio": 0.0, "mutual_best": True}
_PROBE_TEXT = (
    "Prezident Tokayev met Vladimir Putin in Astana on 12 March 2024; the two leaders signed "
    "14 agreements worth $2.5 billion. Токаев и Путин подписали соглашения."
)


class PersistentIndexError(Exception):
    """A persistent index cannot be used (missing server, unreadable file, bad address)."""


class IndexMismatchError(PersistentIndexError):
    """The index was built with other settings than this run's."""


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """One line of ``cleanpress index list``."""

    serial: int
    id: str
    lang: str | None
    length: int
    added: str


def index_settings(config: CleanConfig) -> dict[str, Any]:
    """What an index records of the settings its fingerprints were made with.

    >>> settings = index_settings(CleanConfig())
    >>> settings["engine"], settings["num_perm"], len(settings["probe"])
    ('datasketch', 128, 16)
    """
    probe = fingerprint(Document(id="probe", text=_PROBE_TEXT, lang="en"), config)
    digest = xxhash.xxh64()
    for part in (probe.exact, probe.near.tobytes(), probe.anchors.tobytes()):
        digest.update(part)
    return {
        "format": FORMAT_VERSION,
        "engine": "datasketch",
        "scheme": SIGNATURE_SCHEME,
        **{name: getattr(config, name) for name in RECORDED_SETTINGS},
        "probe": digest.hexdigest(),
    }


def with_unrecorded_behaviour(stored: dict[str, Any]) -> dict[str, Any]:
    """An index's recorded settings, completed with what versions that recorded fewer did.

    >>> with_unrecorded_behaviour({"ngram": 5})["max_length_ratio"]
    0.0
    >>> with_unrecorded_behaviour({"max_length_ratio": 3.0})["max_length_ratio"]
    3.0
    """
    return {**UNRECORDED_BEHAVIOUR, **stored}


def settings_differences(stored: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Human-readable differences between an index's settings and a run's.

    >>> settings_differences({"ngram": 5, "seed": 1}, {"ngram": 3, "seed": 1})
    ['ngram: index 5, this run 3']
    """
    return [
        f"{key}: index {stored.get(key)!r}, this run {wanted.get(key)!r}"
        for key in sorted(set(stored) | set(wanted))
        if stored.get(key) != wanted.get(key)
    ]


# ----------------------------------------------------------------------------- record encoding

_HEADER = struct.Struct("<I")  # length of the JSON header that precedes the arrays


def pack(fp: Fingerprint) -> bytes:
    """A fingerprint as bytes: a JSON header (scalars, array dtypes and sizes), then the arrays.

    >>> fp = fingerprint(Document(id="a", text="Tokayev met Putin in Astana on Monday."), CleanConfig())
    >>> back = unpack(pack(fp))
    >>> back.id, bool((back.near == fp.near).all()), bool((back.anchors == fp.anchors).all())
    ('a', True, True)
    """
    arrays = [fp.near, fp.anchors]
    header = {
        "id": fp.id,
        "length": fp.length,
        "lang": fp.lang,
        "script": fp.script,
        "exact": fp.exact.hex(),
        "fallback": fp.fallback,
        "translatable": fp.translatable,
        "arrays": [[str(a.dtype), len(a)] for a in arrays],
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([_HEADER.pack(len(head)), head, *(np.ascontiguousarray(a).tobytes() for a in arrays)])


def unpack(data: bytes, order: int = 0) -> Fingerprint:
    """The fingerprint :func:`pack` wrote, with ``order`` as its place in the run."""
    (size,) = _HEADER.unpack_from(data)
    header = json.loads(data[_HEADER.size : _HEADER.size + size])
    offset = _HEADER.size + size
    arrays = []
    for dtype, count in header["arrays"]:
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
        offset += array.nbytes
        arrays.append(array)
    return Fingerprint(
        order=order,
        id=header["id"],
        length=header["length"],
        lang=header["lang"],
        script=header["script"],
        exact=bytes.fromhex(header["exact"]),
        near=arrays[0],
        anchors=arrays[1],
        # indexes written before this field held a third array, the anchors' MinHash, exactly when translatable
        translatable=header.get("translatable", len(arrays) > 2),
        fallback=header["fallback"],
    )


# ----------------------------------------------------------------------------- the stores


class PersistentIndex(ABC):
    """The stored fingerprints of documents kept by earlier runs, and the anchors' names.

    Use :func:`open_index`. :meth:`stage` holds a run's kept fingerprints; :meth:`commit` adds
    them in one transaction, once the run's output is safely written."""

    location: str

    def __init__(self) -> None:
        self._staged: list[tuple[Fingerprint, list[tuple[int, str]]]] = []

    # what a store implements
    @abstractmethod
    def _recorded_settings(self) -> dict[str, Any] | None:
        """The settings as the index records them; None for a new, empty index."""

    @abstractmethod
    def _initialise(self, settings: dict[str, Any]) -> None: ...

    @abstractmethod
    def records(self) -> Iterator[tuple[int, bytes]]:
        """Every indexed fingerprint as ``(serial, packed)``, oldest first."""

    @abstractmethod
    def anchor_names(self) -> Iterator[tuple[int, str]]:
        """The vocabulary: ``(anchor hash, anchor string)``."""

    @abstractmethod
    def _add(self, records: list[tuple[Fingerprint, bytes]], names: list[tuple[int, str]], added: str) -> None: ...

    @abstractmethod
    def listing(self) -> Iterator[IndexedDocument]:
        """Every indexed document, oldest first."""

    @abstractmethod
    def remove(self, ids: Iterable[str]) -> int:
        """Forget the documents with these ids (later runs no longer drop their duplicates)."""

    @abstractmethod
    def compact(self) -> int:
        """Drop anchor names no indexed document uses and reclaim space; the names dropped."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def close(self) -> None: ...

    # shared behaviour
    def stored_settings(self) -> dict[str, Any] | None:
        """The settings the index was created with; None for a new, empty index."""
        recorded = self._recorded_settings()
        return None if recorded is None else with_unrecorded_behaviour(recorded)

    def check_settings(self, config: CleanConfig) -> None:
        """Record the settings in a new index; refuse a run whose settings differ from the index's."""
        wanted = index_settings(config)
        stored = self.stored_settings()
        if stored is None:
            self._initialise(wanted)
        elif stored != wanted:
            differences = "; ".join(settings_differences(stored, wanted))
            raise IndexMismatchError(f"{self.location}: made with other settings ({differences}); use the index's settings or a new index")

    def fingerprints(self) -> Iterator[Fingerprint]:
        """The indexed fingerprints, with negative orders (before anything of the run)."""
        for serial, data in self.records():
            yield unpack(data, order=-serial)

    def stage(self, fingerprints: Iterable[Fingerprint], vocabulary: dict[int, str]) -> None:
        """Hold the kept fingerprints of a run (with their anchors' names) until :meth:`commit`."""
        for fp in fingerprints:
            self._staged.append((fp, [(h, vocabulary[h]) for h in fp.anchors.tolist() if h in vocabulary]))

    def commit(self) -> int:
        """Add the staged fingerprints in one transaction; the number added."""
        staged, self._staged = self._staged, []
        if staged:
            names = sorted({pair for _, pairs in staged for pair in pairs})
            self._add([(fp, pack(fp)) for fp, _ in staged], names, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        return len(staged)

    def __enter__(self) -> PersistentIndex:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _signed(value: int) -> int:
    """A uint64 anchor hash as SQLite's signed 64-bit integer."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


class SQLiteIndex(PersistentIndex):
    """The index in one SQLite file (WAL mode: readers do not block the one writer)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.location = str(path)
        try:
            self._db = sqlite3.connect(self.location, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(
                """
                CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS documents (
                    serial INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, lang TEXT,
                    length INTEGER NOT NULL, added TEXT NOT NULL, fingerprint BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS documents_id ON documents (id);
                CREATE TABLE IF NOT EXISTS anchors (hash INTEGER PRIMARY KEY, name TEXT NOT NULL);
                """
            )
        except sqlite3.DatabaseError as error:
            raise PersistentIndexError(f"{self.location}: not a usable SQLite index ({error})") from error

    def _recorded_settings(self) -> dict[str, Any] | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = 'settings'").fetchone()
        return json.loads(row[0]) if row else None

    def _initialise(self, settings: dict[str, Any]) -> None:
        self._db.execute("INSERT INTO settings VALUES ('settings', ?)", (json.dumps(settings, sort_keys=True),))

    def records(self) -> Iterator[tuple[int, bytes]]:
        yield from self._db.execute("SELECT serial, fingerprint FROM documents ORDER BY serial")

    def anchor_names(self) -> Iterator[tuple[int, str]]:
        for value, name in self._db.execute("SELECT hash, name FROM anchors"):
            yield _unsigned(value), name

    def _add(self, records: list[tuple[Fingerprint, bytes]], names: list[tuple[int, str]], added: str) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO documents (id, lang, length, added, fingerprint) VALUES (?, ?, ?, ?, ?)",
                [(fp.id, fp.lang, fp.length, added, data) for fp, data in records],
            )
            self._db.executemany("INSERT OR IGNORE INTO anchors VALUES (?, ?)", [(_signed(h), n) for h, n in names])

    def listing(self) -> Iterator[IndexedDocument]:
        for row in self._db.execute("SELECT serial, id, lang, length, added FROM documents ORDER BY serial"):
            yield IndexedDocument(*row)

    def remove(self, ids: Iterable[str]) -> int:
        with self._transaction():
            return sum(self._db.execute("DELETE FROM documents WHERE id = ?", (id_,)).rowcount for id_ in ids)

    def compact(self) -> int:
        used: set[int] = set()
        for fp in self.fingerprints():
            used.update(_signed(h) for h in fp.anchors.tolist())
        unused = [(value,) for (value,) in self._db.execute("SELECT hash FROM anchors") if value not in used]
        with self._transaction():
            self._db.executemany("DELETE FROM anchors WHERE hash = ?", unused)
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(unused)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on error: all of a change or none of it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._db.execute("ROLLBACK" if kind else "COMMIT")


class RedisIndex(PersistentIndex):
    """The index on a Redis server, under keys ``cleanpress:<name>:*`` (name: ``?name=`` in the
    address, default ``index``), so one server can hold several indexes."""

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            import redis
        except ImportError as error:  # pragma: no cover - depends on the install
            raise PersistentIndexError("a redis:// index needs the redis package: pip install 'cleanpress[redis]'") from error
        from urllib.parse import parse_qs, urlsplit

        name = parse_qs(urlsplit(url).query).get("name", ["index"])[0]
        self.location = url
        self._prefix = f"cleanpress:{name}:"
        self._redis = redis.Redis.from_url(url.split("?")[0])
        try:
            self._redis.ping()
        except redis.RedisError as error:
            raise PersistentIndexError(f"{url}: cannot reach the Redis server ({error})") from error

    def _key(self, part: str) -> str:
        return self._prefix + part

    def _recorded_settings(self) -> dict[str, Any] | None:
        value = self._redis.get(self._key("settings"))
        return json.loads(value) if value else None

    def _initialise(self, settings: dict[str, Any]) -> None:
        # SETNX: of two crawlers creating the same index at once, the first one's settings win
        self._redis.setnx(self._key("settings"), json.dumps(settings, sort_keys=True))
        stored = self.stored_settings()
        if stored != settings:
            raise IndexMismatchError(f"{self.location}: made with other settings ({'; '.join(settings_differences(stored or {}, settings))})")

    def records(self) -> Iterator[tuple[int, bytes]]:
        serials = sorted(int(s) for s in self._redis.hkeys(self._key("documents")))
        for start in range(0, len(serials), 1000):
            chunk = serials[start : start + 1000]
            for serial, data in zip(chunk, self._redis.hmget(self._key("documents"), chunk)):
                if data is not None:  # removed meanwhile
                    yield serial, data

    def anchor_names(self) -> Iterator[tuple[int, str]]:
        for value, name in self._redis.hscan_iter(self._key("anchors")):
            yield int(value), name.decode("utf-8")

    def _add(self, records: list[tuple[Fingerprint, bytes]], names: list[tuple[int, str]], added: str) -> None:
        # serials are reserved first (INCRBY is atomic), then everything is written in one MULTI/EXEC
        last = self._redis.incrby(self._key("serial"), len(records))
        first = last - len(records) + 1
        with self._redis.pipeline(transaction=True) as pipe:
            for serial, (fp, data) in enumerate(records, start=first):
                pipe.hset(self._key("documents"), serial, data)
                pipe.hset(self._key("listing"), serial, json.dumps([fp.id, fp.lang, fp.length, added], ensure_ascii=False))
            if names:
                pipe.hset(self._key("anchors"), mapping={str(h): n for h, n in names})
            pipe.execute()

    def listing(self) -> Iterator[IndexedDocument]:
        rows = {int(s): json.loads(v) for s, v in self._redis.hgetall(self._key("listing")).items()}
        for serial in sorted(rows):
            yield IndexedDocument(serial, *rows[serial])

    def remove(self, ids: Iterable[str]) -> int:
        wanted = set(ids)
        serials = [doc.serial for doc in self.listing() if doc.id in wanted]
        if serials:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.hdel(self._key("documents"), *serials)
                pipe.hdel(self._key("listing"), *serials)
                pipe.execute()
        return len(serials)

    def compact(self) -> int:
        used: set[int] = set()
        for fp in self.fingerprints():
            used.update(fp.anchors.tolist())
        unused = [h for h, _ in self.anchor_names() if h not in used]
        for start in range(0, len(unused), 1000):
            self._redis.hdel(self._key("anchors"), *[str(h) for h in unused[start : start + 1000]])
        return len(unused)

    def __len__(self) -> int:
        return int(self._redis.hlen(self._key("documents")))

    def close(self) -> None:
        self._redis.close()


def open_index(location: str | os.PathLike[str], config: CleanConfig | None = None) -> PersistentIndex:
    """The index at ``location`` (a file path, or ``redis://host:port/db``), created if new.

    With ``config``, the index's settings are checked against it (and recorded in a new index)."""
    text = str(location)
    index: PersistentIndex = RedisIndex(text) if text.startswith(("redis://", "rediss://", "unix://")) else SQLiteIndex(text)
    if config is not None:
        try:
            index.check_settings(config)
        except Exception:
            index.close()
            raise
    return index
