"""One typed configuration object shared by the library API, the command line and the configuration file.

A ``clean`` run takes its options from, in increasing priority: the defaults below, the nearest
configuration file (``cleanpress.toml``, or ``pyproject.toml`` with a ``[tool.cleanpress]`` table,
in the working directory or a parent), and the command line (or the API's keyword arguments).
Keys are the option names, with dashes or underscores (``near-threshold = 0.8``).
``cleanpress check`` reads its own sub-table (``[check]``, ``[tool.cleanpress.check]``) of the
same file, found the same way (:func:`find_config_file`).
"""
from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

OUTPUT_FORMATS = ("jsonl", "jsonl.gz", "parquet", "txt")
HEADLINE_MODES = ("title", "text", "model")  # where the headline above the article goes (boilerplate.strip)
INPUT_TEXTS = ("auto", "pages", "stripped")
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # py3langid's codes (ISO 639-1), and "und" for text it cannot tell  # what the plain texts are: whole scraped pages, or already stripped


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Every option of a ``clean`` run. The CLI flags and configuration keys are these names with dashes.

    >>> CleanConfig(near_threshold=0.8).near_threshold
    0.8
    """

    # Reading
    text_field: str = "text"  #: JSON Lines / Parquet field holding the text
    id_field: str = "id"  #: JSON Lines / Parquet field holding the id (missing: file stem and line or row number)
    source_field: str = "source"  #: field naming the source site (missing: the URL's host, else the input's folder)
    max_document_bytes: int = 64 * 1024 * 1024  #: larger files, JSON lines or WARC records are skipped, never loaded
    # Writing
    output_format: str = "jsonl"  #: the corpus: "jsonl", "jsonl.gz", "parquet" or "txt" (one file per document)
    # Stages that can be switched off
    repair: bool = True  #: run the repair stage (ftfy, scripts, invisible characters)
    strip_boilerplate: bool = True  #: run the boilerplate stage
    min_repeat: int = 3  #: a line repeated this many times in one document is boilerplate
    line_model: bool = True  #: let the trained line model decide (off: the rules alone)
    headline: str = "title"  #: the headline above the article: "title" (moved to the title field), "text" (kept in the text) or "model" (the line model decides)
    line_frequency: bool = True  #: count lines across the corpus first (a second read of the input)
    input_texts: str = "auto"  #: "pages" (whole scraped pages), "stripped" (already stripped: only pattern rules run) or "auto" (stripped for the corpus a clean run wrote)
    min_chars: int = 1  #: documents shorter than this after cleaning are skipped as empty
    languages: str = ""  #: ISO 639-1 codes of the languages to keep, comma-separated ("az,bs,uz"); a document in another is skipped; empty: all
    min_language_score: float = 0.0  #: a document whose language guess is less sure than this (0 to 1) is skipped
    # Near duplicates: MinHash LSH over word n-grams
    num_perm: int = 128  #: MinHash permutations
    ngram: int = 5  #: words per shingle
    near_threshold: float = 0.7  #: Jaccard similarity of word n-gram sets at which two documents are near duplicates
    seed: int = 1  #: MinHash seed; fixed so runs are reproducible
    # Translated duplicates: IDF-weighted overlap of translation anchors
    translated: bool = True  #: look for translated duplicates
    translated_threshold: float = 0.25  #: weighted anchor overlap at which two documents are translations
    candidate_threshold: float = 0.15  #: LSH threshold for translation candidates (recall over precision)
    min_anchors: int = 3  #: documents with fewer anchors are never called translations
    min_shared_anchors: int = 3  #: two documents sharing fewer anchors are never called translations
    max_length_ratio: float = 3.0  #: a translation is at most this many times longer than its twin (script-adjusted; 0: no limit)
    mutual_best: bool = True  #: a translation must be each document's best match in the other's language
    drop_bridges: bool = True  #: drop translated links between two linked documents with no linked document in common
    # Which document of a duplicate cluster is kept
    keep: str = "longest"  #: "longest" (most characters, ties to the first read) or "first"
    # Execution
    strict: bool = False  #: stop at the first input that cannot be used, instead of skipping it
    batch_size: int = 256  #: documents per batch handed to a worker (and Parquet rows read at a time)
    workers: int = 1  #: worker processes for the per-document stages

    def __post_init__(self) -> None:
        for name in ("near_threshold", "translated_threshold", "candidate_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name.replace('_', '-')} must be in (0, 1], got {value}")
        for name in ("num_perm", "ngram", "batch_size", "workers", "min_repeat", "min_shared_anchors"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.max_length_ratio != 0 and self.max_length_ratio < 1:
            raise ValueError(f"max-length-ratio must be 0 (no limit) or at least 1, got {self.max_length_ratio}")
        if self.headline not in HEADLINE_MODES:
            raise ValueError(f"headline must be one of {', '.join(HEADLINE_MODES)}, got {self.headline!r}")
        if self.input_texts not in INPUT_TEXTS:
            raise ValueError(f"input-texts must be one of {', '.join(INPUT_TEXTS)}, got {self.input_texts!r}")
        if not 0.0 <= self.min_language_score <= 1.0:
            raise ValueError(f"min-language-score must be in [0, 1], got {self.min_language_score}")
        for code in self.kept_languages or ():
            if not _LANGUAGE_CODE.fullmatch(code):
                raise ValueError(f"languages must be ISO 639-1 codes separated by commas (e.g. az,bs,uz), got {self.languages!r}")
        if self.keep not in ("longest", "first"):
            raise ValueError(f"keep must be 'longest' or 'first', got {self.keep!r}")
        if self.output_format not in OUTPUT_FORMATS:
            raise ValueError(f"output-format must be one of {', '.join(OUTPUT_FORMATS)}, got {self.output_format!r}")

    @property
    def kept_languages(self) -> frozenset[str] | None:
        """The languages to keep (``--languages``); None: every language.

        >>> sorted(CleanConfig(languages="az, BS,uz").kept_languages), CleanConfig().kept_languages
        (['az', 'bs', 'uz'], None)
        """
        codes = frozenset(code.strip().lower() for code in self.languages.split(",") if code.strip())
        return codes or None

    @property
    def counts_lines(self) -> bool:
        """Whether the run counts lines across the corpus first: only the line model reads the
        counts, and it reads only whole pages."""
        return self.line_frequency and self.strip_boilerplate and self.line_model and self.input_texts != "stripped"

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---------------------------------------------------------------------------- configuration files


class ConfigFileError(ValueError):
    """A configuration file, or a setting in it, that cannot be used."""


def find_config_file(start: Path, section: str | None = None) -> Path | None:
    """The nearest ``cleanpress.toml``, or ``pyproject.toml`` with a ``[tool.cleanpress]`` table
    (holding a ``section`` sub-table, when given), in ``start`` or its parents; a
    ``cleanpress.toml`` wins in its own folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "pyproject.toml").write_text("[tool.cleanpress]\\nnear-threshold = 0.8\\n")
    >>> (folder / "sub").mkdir()
    >>> find_config_file(folder / "sub") == folder / "pyproject.toml", find_config_file(folder, "check")
    (True, None)
    """
    for folder in (start, *start.parents):
        own = folder / "cleanpress.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = read_toml(pyproject).get("tool", {}).get("cleanpress")
            if isinstance(table, dict) and (section is None or section in table):
                return pyproject
    return None


def config_table(path: Path, section: str | None = None) -> dict[str, Any]:
    """The settings of a configuration file: its ``section`` sub-table, or (no section) its
    top-level keys that are not sub-tables; in ``pyproject.toml``, under ``[tool.cleanpress]``."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("cleanpress", {})
    if section is None:
        return {key: value for key, value in data.items() if not isinstance(value, dict)}
    table = data.get(section, {})
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: the {section} settings must be a table")
    return table


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's contents; an unreadable or invalid file is a :class:`ConfigFileError`."""
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigFileError(f"{path}: cannot read configuration: {error}") from error


def load_config(
    options: Mapping[str, Any] | None = None, *, config_file: Path | None = None, start: Path | None = None
) -> tuple[CleanConfig, Path | None]:
    """The ``clean`` configuration: the nearest configuration file's settings (or ``config_file``'s),
    overridden by ``options``; and the file used. Keys may use dashes or underscores.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "cleanpress.toml").write_text("near-threshold = 0.8\\noutput-format = 'parquet'\\n[check]\\nmin-chars = 5\\n")
    >>> config, found = load_config({"near_threshold": 0.9}, start=folder)
    >>> config.near_threshold, config.output_format, found.name
    (0.9, 'parquet', 'cleanpress.toml')
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigFileError(f"{config_file}: no such configuration file")
    path = config_file if config_file is not None else find_config_file((start or Path.cwd()).resolve())
    merged: dict[str, Any] = {}
    if path is not None:
        merged.update(typed_settings(config_table(path), origin=str(path)))
    merged.update(typed_settings(options or {}, origin="options"))
    try:
        return CleanConfig(**merged), path
    except ValueError as error:
        raise ConfigFileError(f"{path or 'options'}: {error}") from error


_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}
_LIST_SETTINGS = frozenset({"languages"})  # comma-separated on the command line, a list or a string in a file


def typed_settings(raw: Mapping[str, Any], origin: str, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``raw`` settings by :class:`CleanConfig` field name, each checked against its field's type.

    >>> typed_settings({"near-threshold": 1, "languages": ["az", "bs"]}, "x")
    {'near_threshold': 1.0, 'languages': 'az,bs'}
    >>> typed_settings({"workers": "2"}, "x")
    Traceback (most recent call last):
    cleanpress.config.ConfigFileError: x: workers: expected int, got '2'
    """
    known = {f.name: f for f in fields(CleanConfig) if names is None or f.name in names}
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigFileError(f"{origin}: unknown setting {key!r} (known: {', '.join(sorted(n.replace('_', '-') for n in known))})")
        kind = str(known[name].type)
        if name in _LIST_SETTINGS and isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = ",".join(value)  # languages = ["az", "bs"] in TOML, as "az,bs" on the command line
        accepted = _TYPES[kind]
        if not isinstance(value, accepted) or (isinstance(value, bool) and kind != "bool"):
            raise ConfigFileError(f"{origin}: {name.replace('_', '-')}: expected {kind}, got {value!r}")
        settings[name] = float(value) if kind == "float" else value
    return settings
