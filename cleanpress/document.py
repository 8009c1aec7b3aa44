"""The records that flow through the pipeline.

A :class:`Document` is created by a reader and then enriched by each stage: the repair stage
appends :class:`Repair` records, the boilerplate stage appends :class:`Removal` records, the
language stage sets ``lang``. Every stage explains itself through these records, so the
manifests can say what happened to each document and why.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Repair:
    """One change the repair stage made: which fixer, and what it changed.

    ``before``/``after`` are short samples (a word or a phrase), not the whole text.
    """

    fixer: str
    before: str = ""
    after: str = ""
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Removal:
    """One line the boilerplate stage removed, with the rule that removed it.

    ``line`` is 1-based and counts lines of the repaired text, the text the stripper saw.
    """

    line: int
    text: str
    rule: str
    score: float | None = None  # the line model's probability that the line is article text
    kept_before: int | None = None  # lines of the cleaned text before it: where a report puts it back

    def __reduce__(self) -> tuple[type[Removal], tuple[Any, ...]]:
        # pickled with every document sent to or from a worker and spooled, about 7 a page:
        # the fields as one tuple pickle 3 times faster than a slots dataclass's default state
        return Removal, (self.line, self.text, self.rule, self.score, self.kept_before)

    def to_dict(self) -> dict[str, Any]:
        """The manifest record, without the optional fields that are unset. Built by hand:
        ``dataclasses.asdict`` deep-copies field by field, and this runs for every removed line.

        >>> Removal(line=3, text="Home", rule="navigation").to_dict()
        {'line': 3, 'text': 'Home', 'rule': 'navigation'}
        """
        record: dict[str, Any] = {"line": self.line, "text": self.text, "rule": self.rule}
        if self.score is not None:
            record["score"] = self.score
        if self.kept_before is not None:
            record["kept_before"] = self.kept_before
        return record


@dataclass(slots=True)
class Document:
    """A document on its way through the pipeline.

    ``source`` and ``source_line`` say where it was read (a file, and the line for JSON Lines,
    the row for Parquet, the record for WARC), so that every message about it can point at its
    origin. ``site`` is the site it comes from (a ``source`` field, else the URL's host, else the
    input's folder) and ``url`` its address when known; the corpus writes them as ``source`` and
    ``url``. ``order`` is its position in the input stream; it makes every decision that depends
    on order deterministic.

    >>> Document(id="a", text="Gas talks.", site="kun.uz", url="https://kun.uz/1", metadata={"n": 1}).to_record()
    {'id': 'a', 'text': 'Gas talks.', 'lang': None, 'source': 'kun.uz', 'url': 'https://kun.uz/1', 'n': 1}
    """

    id: str
    text: str
    source: str = ""
    source_line: int | None = None
    order: int = 0
    format: str = "text"  # "text" or "html": how the reader found it
    encoding: str = "utf-8"  # how the source bytes were decoded (a legacy code page when not UTF-8)
    date: str | None = None
    lang: str | None = None
    lang_score: float | None = None
    site: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)

    @property
    def where(self) -> str:
        """``file`` or ``file:line``, for messages."""
        return f"{self.source}:{self.source_line}" if self.source_line else self.source

    def to_record(self) -> dict[str, Any]:
        """The document as written to ``corpus.jsonl``: id, text, lang, date, source, url (when
        known), then metadata."""
        record: dict[str, Any] = {"id": self.id, "text": self.text, "lang": self.lang}
        for key, value in (("date", self.date), ("source", self.site), ("url", self.url)):
            if value is not None:
                record[key] = value
        for key, value in self.metadata.items():
            record.setdefault(key, value)
        return record


def reason_kind(reason: str) -> str:
    """The kind of problem a skip reason names, for counting: the reason up to its first
    ``": "`` (the detail) or ``" ("`` (where, or what came first).

    >>> reason_kind("not valid JSON: Expecting value: line 1 column 1 (char 0)")
    'not valid JSON'
    >>> reason_kind("duplicate id (first read at in.jsonl:1)")
    'duplicate id'
    >>> reason_kind("WARC warcinfo record, not a document (WARC-Record-ID <urn:uuid:1>)")
    'WARC warcinfo record, not a document'
    >>> reason_kind("binary or undecodable file")
    'binary or undecodable file'
    """
    ends = [at for at in (reason.find(": "), reason.find(" (")) if at > 0]
    return reason[: min(ends)] if ends else reason


@dataclass(slots=True)
class Skipped:
    """An input that did not become a kept or dropped document, and why.

    Written to ``skipped.jsonl``: a line that is not JSON, a record without text, an unreadable
    file, a document left empty by cleaning, one in a language the run does not keep. ``id`` is
    known when the problem came after reading.
    """

    source: str
    reason: str
    line: int | None = None
    id: str | None = None
    order: int | None = None
    not_a_document: bool = False  # a WARC request or image record: listed and counted, never an input error
    chosen: bool = False  # left out by the run's own choice (--languages, --min-language-score): nothing to warn about

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "source": self.source, "line": self.line, "reason": self.reason}
        return {key: value for key, value in record.items() if value is not None}
