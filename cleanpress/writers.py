"""Writers: the output folder, written atomically.

Files (JSON Lines, UTF-8, one record a line):

* ``corpus.jsonl``: kept documents: ``id``, ``text``, ``lang``, ``date``, ``source``, ``url`` where
  known, metadata; or ``corpus.jsonl.gz``, ``corpus.parquet``, ``corpus/`` (one ``.txt`` per
  document) with ``--output-format`` (:mod:`cleanpress.corpus_writers`), or standard output;
* ``duplicates.jsonl``: dropped documents: ``id``, ``duplicate_of``, ``kind``, ``score`` (and
  ``via`` when the match to the kept document went through a third one);
* ``removed.jsonl``: per document with stripped lines: ``id`` and ``lines`` (``line``, ``rule``, ``text``,
  ``kept_before``: how many lines of the cleaned text preceded it);
* ``repairs.jsonl``: per document with repairs: ``id`` and ``repairs`` (``fixer``, ``before``, ``after``, ``count``);
* ``skipped.jsonl``: inputs that are neither kept nor dropped: ``source``, ``line``, ``id``, ``reason``;
* ``dropped.jsonl``: the dropped documents' cleaned text, as ``corpus.jsonl`` would have held it
  (for reports that show a duplicate beside its kept twin);
* ``sources.jsonl``: ``id``, ``source`` (the input file) and ``line`` (JSON Lines) of every kept or
  dropped document;
* ``report.json``: counts per stage.

Every input document is in exactly one of ``corpus.jsonl``, ``duplicates.jsonl`` and
``skipped.jsonl``. Everything is written into a hidden staging folder beside the target and
renamed into place at the end, so a run that fails or is killed leaves no half-written output.
:func:`open_output` chooses where each part goes (``-o -``: the corpus to standard output, the
manifests to ``manifest_dir`` or nowhere).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from .boilerplate import HEADLINE_RULE
from .config import CleanConfig
from .corpus_writers import CorpusWriter, corpus_writer, stdout_writer
from .document import reason_kind

if TYPE_CHECKING:
    from .pipeline import Outcome

MANIFESTS = ("duplicates", "dropped", "removed", "repairs", "skipped", "sources")
STDOUT = "-"


class OutputExistsError(Exception):
    """The output folder exists and ``force`` was not given."""


class OutputChoiceError(ValueError):
    """Output options that do not go together (``--manifest-dir`` without ``-o -``, ...)."""


def _remove_stale_staging(path: Path) -> None:
    """Staging folders left by runs that were killed (their process is gone) are removed."""
    for candidate in path.parent.glob(f".{path.name}.*.partial"):
        pid = candidate.name[len(path.name) + 2 :].split(".")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(candidate, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def open_output(
    output: str | os.PathLike[str], config: CleanConfig, *, force: bool = False, manifest_dir: str | os.PathLike[str] | None = None
) -> OutputFolder:
    """The output of a run: a folder ``output`` with the corpus in ``config.output_format`` and
    the manifests; or, for ``output`` ``-``, JSON Lines on standard output and the manifests in
    ``manifest_dir`` (not written when None)."""
    if os.fspath(output) != STDOUT:
        if manifest_dir is not None:
            raise OutputChoiceError("--manifest-dir goes with -o - (an output folder holds its manifests)")
        return OutputFolder(output, force=force, output_format=config.output_format)
    if config.output_format != "jsonl":
        raise OutputChoiceError(f"-o - writes JSON Lines; --output-format {config.output_format} needs an output folder")
    return OutputFolder(manifest_dir, force=force, corpus=stdout_writer())


def _folder_mode() -> int:
    """The mode ``mkdir`` gives a new folder under this process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


class OutputFolder:
    """A staging folder that becomes ``path`` on :meth:`finish`, or disappears on failure.

    ``corpus`` replaces the corpus file (e.g. standard output); with no ``path`` the staging
    folder only holds the run's spool and is removed at the end, no manifests kept."""

    def __init__(
        self, path: str | os.PathLike[str] | None, *, force: bool = False, output_format: str = "jsonl", corpus: CorpusWriter | None = None
    ) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            if self.path.exists() and not force and (not self.path.is_dir() or any(self.path.iterdir())):
                raise OutputExistsError(f"{self.path}: already exists (use --force to replace it)")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(self.path)
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.{os.getpid()}.", suffix=".partial", dir=self.path.parent))
            self.staging.chmod(_folder_mode())  # mkdtemp's private 0700 would lock out the corpus's other readers
        else:
            self.staging = Path(tempfile.mkdtemp(prefix="cleanpress-run-"))
        self.corpus_name, self.corpus = ("-", corpus) if corpus is not None else corpus_writer(self.staging, output_format)
        self._files: dict[str, IO[str]] = {
            name: open(self.staging / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") for name in MANIFESTS
        }
        self.counts: Counter[str] = Counter()
        self.duplicate_kinds: Counter[str] = Counter()
        self.skip_reasons: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.fixers: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.chars: Counter[str] = Counter()

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        for stream in self._files.values():
            stream.close()
        if self.staging.exists():  # finish() was not reached: drop the partial output
            shutil.rmtree(self.staging, ignore_errors=True)

    def _line(self, name: str, record: dict[str, Any]) -> None:
        self._files[name].write(json.dumps(record, ensure_ascii=False) + "\n")

    def write(self, outcome: Outcome) -> None:
        """Record one outcome in its manifest, with its removals and repairs."""
        self.counts[outcome.status] += 1
        doc = outcome.document
        if doc is not None:
            self._explain(doc.id, doc)
        if outcome.status in ("kept", "duplicate") and doc is not None:
            self._line("sources", {"id": doc.id, "source": doc.source, "line": doc.source_line})
        if outcome.status == "kept" and doc is not None:
            self.corpus.write(doc.to_record())
            self.languages[doc.lang or "und"] += 1
            self.chars["kept"] += len(doc.text)
        elif outcome.status == "duplicate" and outcome.decision is not None:
            self._line("duplicates", outcome.decision.to_record())
            if doc is not None:
                self._line("dropped", doc.to_record())
            self.duplicate_kinds[outcome.decision.kind] += 1
        elif outcome.skipped is not None:
            self._line("skipped", outcome.skipped.to_record())
            self.skip_reasons[reason_kind(outcome.skipped.reason)] += 1

    def _explain(self, doc_id: str, doc: Any) -> None:
        if doc.removed:
            self._line("removed", {"id": doc_id, "lines": [r.to_dict() for r in doc.removed]})
            chrome = [r for r in doc.removed if r.rule != HEADLINE_RULE]  # a headline moved to the title is no chrome
            self.rules.update(r.rule for r in chrome)
            self.chars["stripped"] += sum(len(r.text) for r in chrome)
            self.counts["titled"] += len(chrome) < len(doc.removed)
        if doc.repairs:
            self._line("repairs", {"id": doc_id, "repairs": [r.to_dict() for r in doc.repairs]})
            self.fixers.update(r.fixer for r in doc.repairs)
            self.counts["repaired"] += 1

    def report(self, **extra: Any) -> dict[str, Any]:
        """The counts of this run, as written to ``report.json``."""
        read = self.counts["kept"] + self.counts["duplicate"] + self.counts["skipped"]
        return {
            "documents": {
                "read": read,
                "kept": self.counts["kept"],
                "duplicates": self.counts["duplicate"],
                "skipped": self.counts["skipped"],
            },
            "duplicates": dict(sorted(self.duplicate_kinds.items())),
            "skipped": dict(sorted(self.skip_reasons.items())),
            "boilerplate": {
                "lines_removed": sum(self.rules.values()),
                "chars_removed": self.chars["stripped"],
                "rules": dict(self.rules.most_common()),
                "headlines_to_title": self.counts["titled"],  # documents whose headline became the title field
            },
            "repairs": {"documents": self.counts["repaired"], "fixers": dict(self.fixers.most_common())},
            "languages": dict(self.languages.most_common()),
            "chars_kept": self.chars["kept"],
            **extra,
        }

    def finish(self, **extra: Any) -> dict[str, Any]:
        """Write ``report.json`` and move the folder into place; returns the report."""
        report = self.report(**extra)
        self.corpus.close()
        for stream in self._files.values():
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        if self.path is None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return report
        (self.staging / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self._replace_target()
        return report

    def _replace_target(self) -> None:
        assert self.path is not None
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
            os.replace(self.path, old)
        os.replace(self.staging, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
