"""The command line: a thin layer over :func:`cleanpress.pipeline.run` and :func:`cleanpress.check.check_corpus`.

Exit status: 0 success, 1 (``check`` only) a threshold exceeded, 2 a usage or input error (a
missing path, an existing output folder, a bad configuration file).
A user's mistake gets a one-line message, never a traceback.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .config import CleanConfig, ConfigFileError, load_config
from .document import Skipped
from .readers import InputError
from .writers import OutputChoiceError, OutputExistsError

app = typer.Typer(
    name="cleanpress",
    help="Turn scraped multilingual news text into a clean, deduplicated corpus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: option names are never cut short on narrow terminals or CI logs
)
errors = Console(stderr=True)

USAGE_ERROR = 2
BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away
_DEFAULTS = CleanConfig()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleanpress {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Turn scraped multilingual news text into a clean, deduplicated corpus."""


@app.command()
def clean(
    ctx: typer.Context,
    inputs: list[str] = typer.Argument(..., help="Files, folders (searched recursively), globs, @LIST (a file of paths) or - (JSON Lines on standard input): .txt, .html, .jsonl[.gz|.zst], .parquet, .warc[.gz]."),
    output: str = typer.Option(..., "--output", "-o", help="Output folder (created; must not exist unless --force), or - : the kept documents as JSON Lines on standard output."),
    output_format: str = typer.Option(_DEFAULTS.output_format, help="The corpus in the output folder: jsonl, jsonl.gz, parquet or txt (one file per document)."),
    manifest_dir: Optional[Path] = typer.Option(None, help="With -o -: write the manifests and report.json into this folder (otherwise they are not written)."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Read options from this cleanpress.toml or pyproject.toml instead of searching for one."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output folder."),
    text_field: str = typer.Option(_DEFAULTS.text_field, help="JSON Lines / Parquet field holding the text."),
    id_field: str = typer.Option(_DEFAULTS.id_field, help="JSON Lines / Parquet field holding the id."),
    source_field: str = typer.Option(_DEFAULTS.source_field, help="Field naming the source site (missing: the URL's host, else the folder)."),
    max_document_bytes: int = typer.Option(_DEFAULTS.max_document_bytes, help="Files or JSON lines larger than this are skipped, never loaded."),
    repair: bool = typer.Option(_DEFAULTS.repair, "--repair/--no-repair", help="Repair mojibake, scripts, invisible characters."),
    strip_boilerplate: bool = typer.Option(_DEFAULTS.strip_boilerplate, "--strip/--no-strip", help="Strip boilerplate lines."),
    min_repeat: int = typer.Option(_DEFAULTS.min_repeat, help="A line repeated this often in a document is boilerplate."),
    line_model: bool = typer.Option(_DEFAULTS.line_model, "--model/--no-model", help="Let the trained line model decide what is boilerplate (off: rules only)."),
    headline: str = typer.Option(_DEFAULTS.headline, "--headline", help="The headline above the article: title (moved out of the text into the title field), text (kept atop the text) or model (the line model decides, as for any line)."),
    line_frequency: bool = typer.Option(_DEFAULTS.line_frequency, "--line-frequency/--no-line-frequency", help="Count lines across the corpus first, so lines repeated across pages count as chrome (reads the input twice)."),
    stripped: Optional[bool] = typer.Option(None, "--stripped/--pages", help="The plain texts are already stripped (only pattern rules that name chrome on their own run, as on extracted HTML) or whole scraped pages [stripped for the corpus a clean run wrote, pages otherwise; config key input-texts]."),
    min_chars: int = typer.Option(_DEFAULTS.min_chars, help="Documents shorter than this after cleaning are skipped."),
    min_language_score: float = typer.Option(_DEFAULTS.min_language_score, help="Skip documents whose language guess is less sure than this (0 to 1; py3langid's probability): text in no clear language, or in several."),
    languages: str = typer.Option(_DEFAULTS.languages, "--languages", help="Keep only these languages, ISO 639-1 codes comma-separated (e.g. az,bs,uz; und: undetermined); the others are skipped, before deduplication [all]."),
    num_perm: int = typer.Option(_DEFAULTS.num_perm, help="MinHash permutations."),
    ngram: int = typer.Option(_DEFAULTS.ngram, help="Words per shingle for near duplicates."),
    near_threshold: float = typer.Option(_DEFAULTS.near_threshold, help="Jaccard similarity for near duplicates."),
    translated: bool = typer.Option(_DEFAULTS.translated, "--translated/--no-translated", help="Look for translated duplicates."),
    translated_threshold: float = typer.Option(_DEFAULTS.translated_threshold, help="Weighted anchor overlap for translated duplicates."),
    candidate_threshold: float = typer.Option(_DEFAULTS.candidate_threshold, help="LSH threshold for translation candidates."),
    min_anchors: int = typer.Option(_DEFAULTS.min_anchors, help="Fewer anchors than this: never a translated duplicate."),
    min_shared_anchors: int = typer.Option(_DEFAULTS.min_shared_anchors, help="Sharing fewer anchors than this: never translations."),
    max_length_ratio: float = typer.Option(_DEFAULTS.max_length_ratio, help="A translation is at most this many times longer than its twin (CJK characters count more; 0: no limit)."),
    mutual_best: bool = typer.Option(_DEFAULTS.mutual_best, "--mutual-best/--no-mutual-best", help="A translation must be each one's best match in the other's language."),
    drop_bridges: bool = typer.Option(_DEFAULTS.drop_bridges, "--drop-bridges/--no-drop-bridges", help="Drop translated links joining two clusters with no member linked to both."),
    keep: str = typer.Option(_DEFAULTS.keep, help="Which document of a cluster is kept: longest or first."),
    seed: int = typer.Option(_DEFAULTS.seed, help="MinHash seed."),
    batch_size: int = typer.Option(_DEFAULTS.batch_size, help="Documents per batch."),
    workers: int = typer.Option(_DEFAULTS.workers, "--workers", "-j", help="Worker processes for the per-document stages."),
    strict: bool = typer.Option(_DEFAULTS.strict, "--strict", help="Stop at the first input that cannot be read (a bad file or line: exit 2, no output) instead of skipping it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    index: Optional[str] = typer.Option(None, "--index", help="Persistent index (a SQLite file, created if new, or redis://host:port/db): drop duplicates of documents earlier runs kept, then add this run's kept documents."),
    html_report: bool = typer.Option(False, "--report", help="Also write OUTPUT/report.html (see cleanpress report)."),
    engine: str = typer.Option("local", "--engine", help="local (this machine's processes) or dask (a Dask cluster; pip install 'cleanpress[dask]'): the same output."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the scheduler address (tcp://host:8786); none: a local cluster of --workers processes."),
    read_on: str = typer.Option("workers", "--read-on", help="With --engine dask: workers (they read the input files themselves, so they must see the paths) or client (this process reads and sends them)."),
) -> None:
    """Clean INPUTS and write the corpus and its manifests into the output folder (or the corpus to standard output).

    Options not given on the command line come from the nearest cleanpress.toml or
    pyproject.toml [tool.cleanpress] (see --config), else their defaults.
    """
    from .persistent import PersistentIndexError
    from .pipeline import run  # imported here so that --help and --version stay fast

    options = {name: value for name, value in locals().items() if name in CleanConfig.__dataclass_fields__ and _given(ctx, name)}
    if stripped is not None:
        options["input_texts"] = "stripped" if stripped else "pages"
    try:
        config, _ = load_config(options, config_file=config_file)
    except ConfigFileError as error:
        _fail(str(error))
    manifests = output if output != "-" else manifest_dir
    if engine not in ("local", "dask"):
        _fail(f"--engine must be local or dask, got {engine!r}")
    if scheduler is not None and engine != "dask":
        _fail("--scheduler needs --engine dask")
    if read_on not in ("workers", "client"):
        _fail(f"--read-on must be workers or client, got {read_on!r}")
    if read_on != "workers" and engine != "dask":
        _fail("--read-on needs --engine dask")
    try:
        warn = _SkipWarnings()
        with _progress(quiet) as advance:
            result = run(inputs, output, config, force=force, progress=advance, on_skip=warn, index=index, manifest_dir=manifest_dir,
                         engine=engine, scheduler=scheduler, read_on=read_on)
    except ImportError as error:  # the dask extra is missing
        _fail(str(error))
    except (InputError, OutputExistsError, OutputChoiceError, PersistentIndexError) as error:
        _fail(str(error))
    except BrokenPipeError:  # -o - into `head` and the like: the reader stopped; end as SIGPIPE would, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(BROKEN_PIPE)
    warn.close(manifests)
    if html_report and manifests is not None:
        from .report import write_report

        write_report(manifests)
    if not quiet:
        _summary(result.report, output if output != "-" else "standard output")


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option was given on the command line (not left at its default), so that a
    configuration file can supply the ones that were not."""
    source = ctx.get_parameter_source(name)  # by name: typer may bring its own copy of click's enum
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


@app.command()
def report(
    folder: Path = typer.Argument(..., help="The output folder of a clean run."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The HTML file to write [FOLDER/report.html]."),
    max_texts: int = typer.Option(2000, "--max-texts", min=0, help="Documents whose text the page embeds (cluster members first, then those that lost most lines); every document is listed."),
) -> None:
    """Write one self-contained HTML page showing what a clean run cut, merged, and why (no re-run, no network)."""
    from .report import ReportError, write_report

    try:
        written = write_report(folder, output, max_texts=max_texts)
    except (ReportError, OSError) as error:
        _fail(str(error))
    errors.print(f"wrote {escape(str(written))}", highlight=False)


CHECK_FORMATS = ("table", "json", "junit", "github")
THRESHOLD_EXCEEDED = 1


@app.command()
def check(
    inputs: list[Path] = typer.Argument(..., help="Files or folders, as for clean (also the corpus.jsonl that clean wrote)."),
    output_format: str = typer.Option("table", "--format", help="table, json, junit or github."),
    max_duplicate_rate: Optional[float] = typer.Option(None, help="Most documents dropped as duplicates, over documents read [0.01]."),
    max_boilerplate: Optional[float] = typer.Option(None, help="Most non-blank lines the stripper would remove, over all non-blank lines [0.02]."),
    max_damaged_rate: Optional[float] = typer.Option(None, help="Most documents with damaged text or a source that is not UTF-8 [0]."),
    max_short_rate: Optional[float] = typer.Option(None, help="Most documents shorter than --min-chars [0.01]."),
    min_chars: Optional[int] = typer.Option(None, help="A document with fewer characters is short [100]."),
    max_unreadable_rate: Optional[float] = typer.Option(None, help="Most inputs the readers skip (bad JSON, no text, repeated id) [0]."),
    languages: Optional[str] = typer.Option(None, help="Expected languages, comma-separated (e.g. az,bs,uz); gates the share of others."),
    max_other_language_rate: Optional[float] = typer.Option(None, help="With --languages: most documents in other languages [0]."),
    min_language_share: Optional[list[str]] = typer.Option(None, help="LANG=SHARE: least share of documents in LANG (repeatable)."),
    require_field: Optional[list[str]] = typer.Option(None, help="A metadata field every document must have (repeatable)."),
    text_field: Optional[str] = typer.Option(None, help="JSON Lines field holding the text [text]."),
    id_field: Optional[str] = typer.Option(None, help="JSON Lines field holding the id [id]."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Worker processes [1]."),
    line_frequency: Optional[bool] = typer.Option(None, "--line-frequency/--no-line-frequency", help="Count lines across the corpus first, as clean does [on]."),
    config_file: Optional[Path] = typer.Option(None, "--config", help="Read settings from this cleanpress.toml or pyproject.toml instead of searching for one."),
    stripped: Optional[bool] = typer.Option(None, "--stripped/--pages", help="Boilerplate: the texts are already stripped (count only chrome that pattern rules name on their own) or whole pages (judge every line by where it stands too) [stripped for the corpus a clean run wrote, pages otherwise]."),
) -> None:
    """Measure a corpus (duplicates, boilerplate, damaged text, shape) and fail when a threshold is exceeded.

    Exit status: 0 all checks pass, 1 a threshold is exceeded, 2 usage or input error.
    """
    from .check import RENDERERS, SettingsError, check_corpus, load_settings  # keeps --help fast

    if output_format not in CHECK_FORMATS:
        _fail(f"--format must be one of {', '.join(CHECK_FORMATS)}, got {output_format!r}")
    names = ("max_duplicate_rate", "max_boilerplate", "max_damaged_rate", "max_short_rate", "min_chars", "max_unreadable_rate",
             "languages", "max_other_language_rate", "min_language_share", "require_field", "text_field", "id_field",
             "workers", "line_frequency")
    given = {name: value for name, value in locals().items() if name in names and value not in (None, [])}
    try:
        thresholds, config, _ = load_settings(given, config_file=config_file)
        report = check_corpus(inputs, thresholds, config, stripped=stripped)
    except (SettingsError, InputError) as error:
        _fail(str(error))
    typer.echo(RENDERERS[output_format](report), nl=False)
    if not report.passed:
        raise typer.Exit(THRESHOLD_EXCEEDED)


index_app = typer.Typer(help="List, prune and compact a persistent index (see clean --index).", no_args_is_help=True)
app.add_typer(index_app, name="index")


def _open_existing(location: str) -> Any:
    from .persistent import PersistentIndexError, open_index

    if "://" not in location and not Path(location).is_file():
        _fail(f"{location}: no such index")
    try:
        return open_index(location)
    except PersistentIndexError as error:
        _fail(str(error))


@index_app.command("list")
def index_list(
    location: str = typer.Argument(..., help="The index: a SQLite file or redis://host:port/db."),
    output_format: str = typer.Option("table", "--format", help="table or jsonl."),
) -> None:
    """List the documents in an index, oldest first."""
    import json

    with _open_existing(location) as stored:
        for doc in stored.listing():
            if output_format == "jsonl":
                typer.echo(json.dumps({"serial": doc.serial, "id": doc.id, "lang": doc.lang, "length": doc.length, "added": doc.added}, ensure_ascii=False))
            else:
                typer.echo(f"{doc.serial}\t{doc.id}\t{doc.lang or '-'}\t{doc.length}\t{doc.added}")


@index_app.command("info")
def index_info(location: str = typer.Argument(..., help="The index: a SQLite file or redis://host:port/db.")) -> None:
    """Print how many documents an index holds and the settings it was made with (JSON)."""
    import json

    with _open_existing(location) as stored:
        typer.echo(json.dumps({"documents": len(stored), "settings": stored.stored_settings()}, indent=2, sort_keys=True))


@index_app.command("remove")
def index_remove(
    location: str = typer.Argument(..., help="The index: a SQLite file or redis://host:port/db."),
    ids: list[str] = typer.Argument(..., help="Ids of the documents to forget."),
) -> None:
    """Forget documents, so that later runs keep their duplicates again."""
    with _open_existing(location) as stored:
        removed = stored.remove(ids)
    errors.print(f"removed {removed} document(s) from {escape(location)}", highlight=False)


@index_app.command("compact")
def index_compact(location: str = typer.Argument(..., help="The index: a SQLite file or redis://host:port/db.")) -> None:
    """Drop anchor names no document uses any more and reclaim the space."""
    with _open_existing(location) as stored:
        dropped = stored.compact()
    errors.print(f"compacted {escape(location)}: {dropped} unused anchor name(s) dropped", highlight=False)


def _fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(USAGE_ERROR)


class _SkipWarnings:
    """One warning line per skipped input (file:line: reason), up to a limit; the rest are counted.
    Documents the run's own filters left out (``--languages``) are no warning: the summary counts them."""

    LIMIT = 20

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, skipped: Skipped) -> None:
        if skipped.chosen:
            return
        self.count += 1
        if self.count <= self.LIMIT:
            errors.print(f"[yellow]warning:[/] {escape(skipped.where)}: {escape(skipped.reason)}", highlight=False, soft_wrap=True)

    def close(self, manifests: str | Path | None) -> None:
        if self.count > self.LIMIT:
            where = f"see {Path(manifests) / 'skipped.jsonl'}" if manifests is not None else "give --manifest-dir to keep skipped.jsonl"
            errors.print(f"[yellow]warning:[/] {self.count - self.LIMIT} more skipped inputs: {escape(where)}")


class _progress:
    """A progress bar on standard error (only on a terminal), advanced per batch."""

    def __init__(self, quiet: bool) -> None:
        self.bar: Optional[Progress] = None
        if not quiet and errors.is_terminal:
            self.bar = Progress(
                SpinnerColumn(), TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=errors, transient=True,
            )

    def __enter__(self) -> Any:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("cleaning", total=None)
        return lambda n: self.bar.advance(task, n)  # type: ignore[union-attr]

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(report: dict[str, Any], output: str | Path) -> None:
    docs = report["documents"]
    table = Table(title=f"cleanpress: {output}", show_header=False, title_justify="left")
    table.add_row("documents read", str(docs["read"]))
    table.add_row("kept", str(docs["kept"]))
    kinds = ", ".join(f"{n} {k}" for k, n in report["duplicates"].items()) or "none"
    table.add_row("duplicates dropped", f"{docs['duplicates']} ({kinds})")
    reasons = ", ".join(f"{n} {k}" for k, n in report["skipped"].items()) or "none"
    table.add_row("skipped", f"{docs['skipped']} ({reasons})")
    strip = report["boilerplate"]
    table.add_row("boilerplate lines removed", f"{strip['lines_removed']} ({strip['chars_removed']} characters)")
    table.add_row("headlines moved to title", str(strip["headlines_to_title"]))
    fixers = ", ".join(f"{n} {k}" for k, n in report["repairs"]["fixers"].items()) or "none"
    table.add_row("documents repaired", f"{report['repairs']['documents']} ({fixers})")
    table.add_row("languages", ", ".join(f"{k} {n}" for k, n in report["languages"].items()) or "none")
    if "index" in report:
        stored = report["index"]
        table.add_row("index", f"{stored['added']} added, {stored['documents']} in {stored['location']}")
    table.add_row("seconds", str(report.get("seconds", "")))
    errors.print(table)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    sys.exit(main())
