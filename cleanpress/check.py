"""``cleanpress check``: measure a corpus without rewriting it, and say whether it is clean enough.

The measurements reuse the stages of ``clean``, so that ``check`` and ``clean`` agree:

* **duplicates** -- :func:`cleanpress.pipeline.process` with repair on and stripping off, so the
  exact, near and translated detectors of ``clean`` judge the text as given; the rate is dropped
  documents over documents read, with the pairs;
* **boilerplate** -- :func:`cleanpress.boilerplate.strip` on each (repaired) document: the share
  of non-blank lines it would remove, and the rules that fire most;
* **damaged** -- documents the repair stage would change with a fixer that matters (mojibake and
  entities, mixed-script words, invisible and control characters), documents holding U+FFFD,
  and sources that are not valid UTF-8 (decoded from a guessed legacy encoding, or undecodable);
* **short**, **unreadable**, **languages**, **metadata** -- the shape of the corpus.

:func:`check_corpus` returns a :class:`CheckReport`; :data:`RENDERERS` turn it into a table,
JSON (schema in the README, :data:`SCHEMA_VERSION`), JUnit XML or GitHub Actions annotations.
Thresholds come from :class:`Thresholds`, which :func:`load_settings` fills from a
``[tool.cleanpress.check]`` table in ``pyproject.toml`` or a ``[check]`` table in
``cleanpress.toml`` (the nearest one, from the working directory up) and the command line.
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path
from typing import Any

from .boilerplate import HEADLINE_RULE, strip
from .config import CleanConfig, ConfigFileError, config_table
from .config import find_config_file as find_any_config_file
from .document import Document, reason_kind
from .executor import batched, map_ordered
from .linefreq import corpus_frequencies, use_corpus_frequencies
from .pipeline import Outcome, count_lines, process
from .readers import is_clean_output, read_documents

SCHEMA_VERSION = 1
#: Repair fixers whose changes mean the text was damaged (NFC and whitespace folding do not).
DAMAGE_FIXERS = {
    "fix_encoding_and_entities": "mojibake-or-entities",
    "fix_mixed_script_words": "mixed-script",
    "remove_invisible_characters": "invisible-or-control",
}
REPLACEMENT_CHARACTER = "\ufffd"
NOT_UTF8 = "not-utf8"
#: Skip reasons of the readers that mean the bytes could not be decoded.
UNDECODABLE_REASONS = ("binary or undecodable file", "not valid UTF-8")
#: Encodings of sources that are valid Unicode (what the reader records on each document).
UNICODE_ENCODINGS = frozenset({"utf-8", "utf-16", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"})
#: Documents listed per check in every format (the counts are always complete).
LISTED_DOCUMENTS = 50
EXAMPLE_CHARS = 60  # characters of a removed line quoted as an example
#: Settings a configuration file or the command line may give besides thresholds.
READ_SETTINGS = ("text_field", "id_field", "workers", "batch_size", "line_frequency", "max_document_bytes", "input_texts")


class SettingsError(ConfigFileError):
    """A configuration file or option that cannot be used (exit status 2)."""


# ---------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Thresholds:
    """When ``check`` fails. Rates are shares of the documents read; ``None`` never gates.

    The command-line options and configuration keys are these names with dashes
    (``max_duplicate_rate`` -> ``--max-duplicate-rate``, ``max-duplicate-rate = 0.05``).
    """

    max_duplicate_rate: float = 0.01  #: documents dropped as exact, near or translated duplicates
    max_boilerplate: float = 0.02  #: non-blank lines the stripper would remove, over all non-blank lines
    max_damaged_rate: float = 0.0  #: documents with mojibake, mixed-script words, control characters, U+FFFD, non-UTF-8 source
    max_short_rate: float = 0.01  #: documents shorter than ``min_chars`` (empty ones included)
    min_chars: int = 100  #: a document with fewer characters is short
    max_unreadable_rate: float = 0.0  #: inputs the readers skipped (bad JSON, no text, repeated id, too large)
    languages: tuple[str, ...] = ()  #: expected languages; when given, others may be at most ``max_other_language_rate``
    max_other_language_rate: float = 0.0
    min_language_share: tuple[tuple[str, float], ...] = ()  #: (language, least share of documents)
    require_field: tuple[str, ...] = ()  #: metadata fields every document must have (non-empty)

    def __post_init__(self) -> None:
        for name in ("max_duplicate_rate", "max_boilerplate", "max_damaged_rate", "max_short_rate",
                     "max_unreadable_rate", "max_other_language_rate"):
            _require_share(_dashed(name), getattr(self, name))
        for lang, share in self.min_language_share:
            _require_share(f"min-language-share {lang}", share)
        if self.min_chars < 0:
            raise SettingsError(f"min-chars must be at least 0, got {self.min_chars}")


def _require_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"{name} must be between 0 and 1, got {value}")


def _dashed(name: str) -> str:
    return name.replace("_", "-")


# ---------------------------------------------------------------------------- configuration files


def find_config_file(start: Path) -> Path | None:
    """The nearest configuration file with check settings (see :func:`cleanpress.config.find_config_file`)."""
    try:
        return find_any_config_file(start, "check")
    except ConfigFileError as error:
        raise SettingsError(str(error)) from error


def settings_table(path: Path) -> dict[str, Any]:
    """The check settings of a configuration file: ``[check]`` or ``[tool.cleanpress.check]``."""
    try:
        return config_table(path, "check")
    except ConfigFileError as error:
        raise SettingsError(str(error)) from error


def load_settings(
    options: Mapping[str, Any], *, config_file: Path | None = None, start: Path | None = None
) -> tuple[Thresholds, CleanConfig, Path | None]:
    """Thresholds and reading options from the configuration file, overridden by ``options``.

    ``options`` and file keys are spelled as the command-line options (``max-duplicate-rate``);
    ``config_file`` replaces the search from ``start`` (default: the working directory)."""
    path = config_file if config_file is not None else find_config_file((start or Path.cwd()).resolve())
    if config_file is not None and not config_file.is_file():
        raise SettingsError(f"{config_file}: no such configuration file")
    merged: dict[str, Any] = {}
    if path is not None:
        merged.update(_normalise_settings(settings_table(path), origin=str(path)))
    merged.update(_normalise_settings(options, origin="command line"))
    threshold_names = {f.name for f in fields(Thresholds)}
    thresholds = Thresholds(**{k: v for k, v in merged.items() if k in threshold_names})
    try:
        config = CleanConfig(**{k: v for k, v in merged.items() if k in READ_SETTINGS})
    except ValueError as error:
        raise SettingsError(str(error)) from error
    return thresholds, config, path


def _normalise_settings(raw: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Settings by field name, each value converted to its field's type."""
    known = {f.name: f for f in fields(Thresholds)} | {name: CleanConfig.__dataclass_fields__[name] for name in READ_SETTINGS}
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            raise SettingsError(f"{origin}: unknown setting {key!r} (known: {', '.join(sorted(_dashed(n) for n in known))})")
        try:
            settings[name] = _convert(name, value)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"{origin}: {_dashed(name)}: {error}") from error
    try:  # out-of-range values, named with where they came from
        Thresholds(**{name: value for name, value in settings.items() if name not in READ_SETTINGS})
    except SettingsError as error:
        raise SettingsError(f"{origin}: {error}") from error
    return settings


def _convert(name: str, value: Any) -> Any:
    if name in ("languages", "require_field"):
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(item).strip() for item in items if str(item).strip())
    if name == "min_language_share":
        return _language_shares(value)
    if name in ("text_field", "id_field", "input_texts"):
        return str(value)
    if name == "line_frequency":
        if not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {value!r}")
        return value
    if name in ("min_chars", "workers", "batch_size", "max_document_bytes"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected a whole number, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _language_shares(value: Any) -> tuple[tuple[str, float], ...]:
    """``{az = 0.2}``, ``["az=0.2"]`` or ``"az=0.2,bs=0.1"`` as ``(("az", 0.2), ...)``."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        items = value.split(",") if isinstance(value, str) else list(value)
        pairs = []
        for item in items:
            lang, sep, share = str(item).partition("=")
            if not sep:
                raise ValueError(f"expected LANG=SHARE, got {item!r}")
            pairs.append((lang, share))
    return tuple((str(lang).strip(), float(share)) for lang, share in pairs)


# ---------------------------------------------------------------------------- measuring documents


@dataclass(slots=True)
class Findings:
    """What ``check`` found in one input. ``status``: kept, duplicate, empty or unreadable."""

    id: str | None
    source: str
    line: int | None
    status: str
    reason: str | None = None
    chars: int = 0
    lang: str | None = None
    lines: int = 0  # non-blank lines
    # Counts and one example, not the removed lines themselves: findings are held for the whole
    # corpus, so each must stay small whatever the document's length.
    removed: int = 0  # non-blank lines the stripper would remove
    removed_rules: dict[str, int] = field(default_factory=dict)  # rule -> lines it would remove
    first_removed: tuple[int, str] | None = None  # line number and start of the first removed line
    damage: dict[str, int] = field(default_factory=dict)  # kind -> count
    missing_fields: list[str] = field(default_factory=list)
    duplicate: dict[str, Any] | None = None  # the Decision record of a dropped duplicate


def measure_corpus(
    paths: Iterable[str | os.PathLike[str]], config: CleanConfig, require_field: tuple[str, ...] = (), *, stripped: bool = False
) -> Iterator[Findings]:
    """Findings for every input under ``paths``: documents first (in input order), then the
    inputs the readers skipped. ``stripped``: the texts are already stripped (see :func:`measure_document`)."""
    paths = list(paths)
    config = replace(config, repair=True, strip_boilerplate=False, min_chars=1)
    frequencies = count_lines(read_documents(paths, config), workers=config.workers, batch_size=config.batch_size) if config.line_frequency else None
    skipped: list[Findings] = []
    documents = _documents_only(process(read_documents(paths, config), config), skipped)
    work = partial(_measure_batch, config=config, require_field=require_field, stripped=stripped)
    # Only kept and dropped documents go to the workers, and process() yields them after its own
    # workers have finished: the two process pools never run at the same time.
    for results in map_ordered(work, batched(documents, config.batch_size), config.workers,
                               initializer=use_corpus_frequencies, initargs=(frequencies,)):
        yield from results
    yield from skipped


def _documents_only(outcomes: Iterable[Outcome], skipped: list[Findings]) -> Iterator[Outcome]:
    """Kept and duplicate outcomes; the findings of skipped ones go to ``skipped``."""
    for outcome in outcomes:
        if outcome.status == "skipped":
            if outcome.skipped is None or not outcome.skipped.not_a_document:  # a WARC request is no unreadable input
                skipped.append(skipped_findings(outcome))
        else:
            yield outcome


def skipped_findings(outcome: Outcome) -> Findings:
    """An input the pipeline skipped: empty (a document without text) or unreadable."""
    skip = outcome.skipped
    assert skip is not None
    if outcome.document is not None:
        return Findings(skip.id, skip.source, skip.line, "empty", reason=skip.reason)
    damage = {NOT_UTF8: 1} if any(marker in skip.reason for marker in UNDECODABLE_REASONS) else {}
    return Findings(skip.id, skip.source, skip.line, "unreadable", reason=skip.reason, damage=damage)


def _measure_batch(batch: list[Outcome], config: CleanConfig, require_field: tuple[str, ...], stripped: bool) -> list[Findings]:
    return [measure_document(outcome, config, require_field, stripped=stripped) for outcome in batch]


def measure_document(outcome: Outcome, config: CleanConfig, require_field: tuple[str, ...] = (), *, stripped: bool = False) -> Findings:
    """Boilerplate, damage and shape of one kept or dropped document (its text repaired, not stripped).

    A text that is already stripped (``stripped``: a ``clean`` run's corpus) has lost the page
    around its article, so the rules that judge a line by where it stands, and the line model that
    reads its neighbours, would take the article's first and last lines for a page's edges: it is
    measured as extracted HTML is, by the pattern rules that name chrome on their own (share and
    comment prompts, sidebar headings and their lists, copyright and contact lines, widgets)."""
    doc = outcome.document
    assert doc is not None
    result = strip(doc.text, lang=doc.lang, min_repeat=config.min_repeat, mode="html" if doc.format == "html" or stripped else "text",
                   use_model=config.line_model, headline=config.headline, line_frequency=corpus_frequencies())
    removed = [r for r in result.removed if r.text.strip() and r.rule != HEADLINE_RULE]  # a headline is no chrome
    return Findings(
        id=doc.id, source=doc.source, line=doc.source_line, status=outcome.status,
        chars=len(doc.text.strip()), lang=doc.lang,
        lines=sum(1 for line in doc.text.split("\n") if line.strip()),
        removed=len(removed),
        removed_rules=dict(Counter(r.rule for r in removed)),
        first_removed=(removed[0].line, removed[0].text[:EXAMPLE_CHARS]) if removed else None,
        damage=damage_of(doc),
        missing_fields=[name for name in require_field if _is_missing(doc, name)],
        duplicate=outcome.decision.to_record() if outcome.decision is not None else None,
    )


def damage_of(doc: Document) -> dict[str, int]:
    """Kinds of damage in a repaired document, with counts: the repairs that matter, U+FFFD,
    and a source file that is not valid UTF-8."""
    damage = {DAMAGE_FIXERS[r.fixer]: r.count for r in doc.repairs if r.fixer in DAMAGE_FIXERS}
    replacements = doc.text.count(REPLACEMENT_CHARACTER)
    if replacements:
        damage["replacement-character"] = replacements
    if doc.encoding not in UNICODE_ENCODINGS:  # the reader had to guess a legacy code page
        damage[NOT_UTF8] = 1
    return damage


def _is_missing(doc: Document, name: str) -> bool:
    value = {"id": doc.id, "date": doc.date}.get(name, doc.metadata.get(name))
    return value is None or value == "" or value == [] or value == {}


# ---------------------------------------------------------------------------- the report


@dataclass(slots=True)
class Offender:
    """A document that makes a check fail, and where it was read."""

    id: str | None
    source: str
    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "line": self.line, "message": self.message}


@dataclass(slots=True)
class Check:
    """One measurement against its threshold. ``comparison`` is ``max`` (value must not exceed
    the threshold) or ``min`` (must reach it); a check without a threshold always passes."""

    name: str
    description: str
    value: float | None
    threshold: float | None
    comparison: str = "max"
    details: dict[str, Any] = field(default_factory=dict)
    offenders: list[Offender] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        if self.threshold is None or self.value is None:
            return True
        return self.value <= self.threshold if self.comparison == "max" else self.value >= self.threshold

    @property
    def gating(self) -> bool:
        return self.threshold is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "value": self.value,
            "threshold": self.threshold,
            "comparison": self.comparison,
            "passed": self.passed,
            "details": self.details,
            "documents": [o.to_dict() for o in self.offenders[:LISTED_DOCUMENTS]],
        }


@dataclass(slots=True)
class CheckReport:
    """Every check of one corpus; ``passed`` when all of them pass."""

    paths: list[str]
    documents: int
    checks: list[Check]
    pairs: list[dict[str, Any]]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "paths": self.paths,
            "documents": self.documents,
            "passed": self.passed,
            "checks": [check.to_dict() for check in self.checks],
            "pairs": self.pairs,
        }


def check_corpus(
    paths: Iterable[str | os.PathLike[str]], thresholds: Thresholds | None = None, config: CleanConfig | None = None,
    *, stripped: bool | None = None,
) -> CheckReport:
    """Measure the corpus under ``paths`` and compare it with ``thresholds``.

    ``config`` gives the reading options (text and id fields, workers, line frequencies); the
    stages are run as ``check`` needs them whatever it says. ``stripped`` says whether the texts
    are already stripped (:func:`measure_document`); None: as ``config.input_texts`` says, and
    for ``auto`` when ``paths`` are a ``clean`` run's corpus (:func:`is_clean_output`). Raises
    :class:`cleanpress.readers.InputError` for a path that does not exist."""
    thresholds = thresholds or Thresholds()
    config = config or CleanConfig()
    paths = [str(path) for path in paths]
    if stripped is None:
        stripped = is_clean_output(paths) if config.input_texts == "auto" else config.input_texts == "stripped"
    findings = list(measure_corpus(paths, config, thresholds.require_field, stripped=stripped))
    return build_report(paths, findings, thresholds, stripped=stripped)


def build_report(paths: list[str], findings: list[Findings], thresholds: Thresholds, *, stripped: bool = False) -> CheckReport:
    """The checks of a corpus from the findings of its documents (``stripped``: how boilerplate
    was measured, :func:`measure_document`)."""
    read = len(findings)
    checks = [
        duplicate_check(findings, read, thresholds),
        boilerplate_check(findings, thresholds, stripped=stripped),
        damage_check(findings, read, thresholds),
        short_check(findings, read, thresholds),
        unreadable_check(findings, read, thresholds),
        language_check(findings, thresholds),
        *language_share_checks(findings, thresholds),
    ]
    if thresholds.require_field:
        checks.append(metadata_check(findings, read, thresholds))
    pairs = [{**f.duplicate, "source": f.source, "line": f.line} for f in findings if f.duplicate is not None]
    return CheckReport(paths=paths, documents=read, checks=checks, pairs=pairs)


def _rate(count: int, total: int) -> float:
    return round(count / total, 6) if total else 0.0


def _offender(f: Findings, message: str) -> Offender:
    return Offender(f.id, f.source, f.line, message)


def duplicate_check(findings: list[Findings], read: int, thresholds: Thresholds) -> Check:
    dropped = [f for f in findings if f.duplicate is not None]
    kinds = Counter(f.duplicate["kind"] for f in dropped if f.duplicate)
    return Check(
        "duplicates", "documents that are exact, near or translated duplicates of another, over documents read",
        _rate(len(dropped), read), thresholds.max_duplicate_rate,
        details={"duplicates": len(dropped), "kinds": dict(sorted(kinds.items()))},
        offenders=[_offender(f, f"{f.id} is a {f.duplicate['kind']} duplicate of {f.duplicate['duplicate_of']} "
                                f"(score {f.duplicate['score']})") for f in dropped if f.duplicate],
    )


def boilerplate_check(findings: list[Findings], thresholds: Thresholds, *, stripped: bool = False) -> Check:
    lines = sum(f.lines for f in findings)
    removed = sum(f.removed for f in findings)
    rules: Counter[str] = Counter()
    for f in findings:
        rules.update(f.removed_rules)
    with_chrome = sorted((f for f in findings if f.removed), key=lambda f: -f.removed)
    return Check(
        "boilerplate", "non-blank lines the boilerplate stage would remove, over all non-blank lines",
        _rate(removed, lines), thresholds.max_boilerplate,
        details={"lines": lines, "removed": removed, "documents": len(with_chrome), "rules": dict(rules.most_common(10)),
                 "measured_as": "stripped text" if stripped else "pages"},
        offenders=[_offender(f, f"{f.id}: {f.removed} of {f.lines} lines are boilerplate "
                                f"({_top(Counter(f.removed_rules))}), e.g. line {f.first_removed[0]}: "
                                f"{f.first_removed[1]!r}") for f in with_chrome if f.first_removed],
    )


def damage_check(findings: list[Findings], read: int, thresholds: Thresholds) -> Check:
    damaged = [f for f in findings if f.damage]
    kinds = Counter(kind for f in damaged for kind in f.damage)
    return Check(
        "damaged", "documents with mojibake or entities, mixed-script words, invisible or control characters, "
                   "U+FFFD, or a source that is not valid UTF-8, over documents read",
        _rate(len(damaged), read), thresholds.max_damaged_rate,
        details={"documents": len(damaged), "kinds": dict(sorted(kinds.items())),
                 "replacement_characters": sum(f.damage.get("replacement-character", 0) for f in damaged)},
        offenders=[_offender(f, f"{f.id or f.source}: damaged text ({', '.join(f'{k} {n}' for k, n in sorted(f.damage.items()))})")
                   for f in damaged],
    )


def short_check(findings: list[Findings], read: int, thresholds: Thresholds) -> Check:
    short = [f for f in findings if f.status == "empty" or (f.status in ("kept", "duplicate") and f.chars < thresholds.min_chars)]
    return Check(
        "short", f"documents empty or shorter than {thresholds.min_chars} characters, over documents read",
        _rate(len(short), read), thresholds.max_short_rate,
        details={"documents": len(short), "empty": sum(f.status == "empty" or f.chars == 0 for f in short),
                 "min_chars": thresholds.min_chars},
        offenders=[_offender(f, f"{f.id}: {'empty' if f.status == 'empty' else f'{f.chars} characters'}") for f in short],
    )


def unreadable_check(findings: list[Findings], read: int, thresholds: Thresholds) -> Check:
    unreadable = [f for f in findings if f.status == "unreadable" and not f.damage]
    reasons = Counter(reason_kind(f.reason) for f in unreadable if f.reason)
    return Check(
        "unreadable", "inputs the readers skipped (not JSON, no text field, repeated id, too large), over documents read",
        _rate(len(unreadable), read), thresholds.max_unreadable_rate,
        details={"inputs": len(unreadable), "reasons": dict(reasons.most_common())},
        offenders=[_offender(f, f"{f.id or 'input'} skipped: {f.reason}") for f in unreadable],
    )


def _language_shares_of(findings: list[Findings]) -> dict[str, float]:
    langs = Counter(f.lang for f in findings if f.lang)
    total = sum(langs.values())
    return {lang: _rate(n, total) for lang, n in sorted(langs.items(), key=lambda item: (-item[1], item[0]))}


def language_check(findings: list[Findings], thresholds: Thresholds) -> Check:
    shares = _language_shares_of(findings)
    expected = set(thresholds.languages)
    others = [f for f in findings if f.lang and expected and f.lang not in expected]
    return Check(
        "languages", "share of documents per language; with --languages, the share in other languages",
        round(sum(s for lang, s in shares.items() if lang not in expected), 6) if expected else None,
        thresholds.max_other_language_rate if expected else None,
        details={"shares": shares, "expected": sorted(expected)},
        offenders=[_offender(f, f"{f.id}: language {f.lang}, expected {', '.join(sorted(expected))}") for f in others],
    )


def language_share_checks(findings: list[Findings], thresholds: Thresholds) -> list[Check]:
    shares = _language_shares_of(findings)
    return [
        Check(f"language-share:{lang}", f"share of documents in {lang}", shares.get(lang, 0.0), minimum, comparison="min")
        for lang, minimum in thresholds.min_language_share
    ]


def metadata_check(findings: list[Findings], read: int, thresholds: Thresholds) -> Check:
    missing = [f for f in findings if f.missing_fields]
    per_field = Counter(name for f in missing for name in f.missing_fields)
    return Check(
        "metadata", f"documents missing a required field ({', '.join(thresholds.require_field)}), over documents read",
        _rate(len(missing), read), 0.0,
        details={"documents": len(missing), "fields": {name: per_field.get(name, 0) for name in thresholds.require_field}},
        offenders=[_offender(f, f"{f.id}: missing {', '.join(f.missing_fields)}") for f in missing],
    )


def _top(counter: Counter[str], n: int = 3) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.most_common(n))


# ---------------------------------------------------------------------------- renderers


def _show(value: float | None) -> str:
    """A share as a percentage; ``-`` for no value."""
    return "-" if value is None else f"{value:.2%}"


def render_table(report: CheckReport) -> str:
    """A plain table for a terminal: one row per check, then the first documents of each failure."""
    rows = [("check", "value", "threshold", "result")]
    for check in report.checks:
        bound = "-" if check.threshold is None else ("<= " if check.comparison == "max" else ">= ") + _show(check.threshold)
        result = ("PASS" if check.passed else "FAIL") if check.gating else "info"
        rows.append((check.name, _show(check.value), bound, result))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"cleanpress check: {report.documents} documents in {', '.join(report.paths)}"]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines += [note for check in report.checks for note in _table_summary(check)]
    lines += [note for check in report.checks for note in _table_failures(check)]
    failed = [check.name for check in report.checks if not check.passed]
    lines.append(f"FAILED: {', '.join(failed)}" if failed else "PASSED: all checks")
    return "\n".join(lines) + "\n"


def _table_summary(check: Check) -> list[str]:
    """The language mix and the boilerplate rules that fire most, always shown."""
    if check.name == "languages" and check.details["shares"]:
        return ["languages: " + ", ".join(f"{lang} {share:.0%}" for lang, share in check.details["shares"].items())]
    if check.name == "boilerplate":
        notes = ["boilerplate rules: " + ", ".join(f"{rule} {n}" for rule, n in check.details["rules"].items())] if check.details["rules"] else []
        if check.details["measured_as"] == "stripped text":
            notes.append("boilerplate measured as stripped text (a clean run's corpus): only chrome that pattern rules name on their own; --pages to judge every line")
        return notes
    return []


def _table_failures(check: Check) -> list[str]:
    """The first documents that make a check fail, with where they were read."""
    if check.passed:
        return []
    shown = check.offenders[:10]
    notes = [f"  {check.name}: {o.message}  [{_where(o)}]" for o in shown]
    if len(check.offenders) > len(shown):
        notes.append(f"  {check.name}: ... {len(check.offenders) - len(shown)} more")
    return notes


def _where(offender: Offender) -> str:
    return f"{offender.source}:{offender.line}" if offender.line else offender.source


def render_json(report: CheckReport) -> str:
    """The report as JSON (schema: README, "cleanpress check")."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_junit(report: CheckReport) -> str:
    """JUnit XML: one test suite, one test case per check, a ``failure`` element when it fails."""
    failures = sum(not check.passed for check in report.checks)
    suites = ET.Element("testsuites", name="cleanpress check", tests=str(len(report.checks)), failures=str(failures), errors="0")
    suite = ET.SubElement(suites, "testsuite", name="cleanpress check", tests=str(len(report.checks)),
                          failures=str(failures), errors="0", skipped="0")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="documents", value=str(report.documents))
    for check in report.checks:
        case = ET.SubElement(suite, "testcase", name=check.name, classname="cleanpress.check")
        summary = f"{check.name}: {_show(check.value)} (threshold {_show(check.threshold)}, {check.comparison})"
        if not check.passed:
            failure = ET.SubElement(case, "failure", message=summary, type="ThresholdExceeded")
            failure.text = "\n".join(f"{_where(o)}: {o.message}" for o in check.offenders[:LISTED_DOCUMENTS])
        ET.SubElement(case, "system-out").text = summary + "\n" + json.dumps(check.details, ensure_ascii=False)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: ``::error`` per offending document of a failing check
    (file and line where known), then a ``::notice`` summary of every check."""
    lines: list[str] = []
    for check in report.checks:
        if check.passed:
            continue
        for offender in check.offenders[:LISTED_DOCUMENTS]:
            place = f"file={_escape_property(offender.source)}"
            if offender.line:
                place += f",line={offender.line}"
            lines.append(f"::error {place},title={_escape_property('cleanpress check: ' + check.name)}::{_escape_data(offender.message)}")
        if not check.offenders:
            lines.append(f"::error title={_escape_property('cleanpress check: ' + check.name)}::{_escape_data(_summary_of(check))}")
    summary = "; ".join(_summary_of(check) for check in report.checks if check.gating)
    verdict = "passed" if report.passed else "failed"
    lines.append(f"::notice title=cleanpress check {verdict}::{_escape_data(f'{report.documents} documents: {summary}')}")
    return "\n".join(lines) + "\n"


def _summary_of(check: Check) -> str:
    sign = "<=" if check.comparison == "max" else ">="
    verdict = "PASS" if check.passed else "FAIL"
    return f"{check.name} {_show(check.value)} ({sign} {_show(check.threshold)}) {verdict}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


RENDERERS: dict[str, Callable[[CheckReport], str]] = {
    "table": render_table,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
