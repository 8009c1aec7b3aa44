"""Scaling of the Dask engine: the local engine, then the Dask engine on 1 and on 2 workers.

    python benchmarks/dask_scaling.py [--docs N] [--batch-size N] [--seed N] [--scheduler tcp://...] [--read-on workers,client]

The corpus is ``benchmarks/throughput.py``'s (``run.generate_corpus``: news-like documents of
about 3 KB, 10% planted near duplicates), written as JSON Lines to a temporary folder. Each run
goes from reading to the written output folder. A local cluster of single-threaded worker
processes is started before its run's clock starts (start-up, about 2 s, is printed apart), and
every engine first cleans a small corpus of its own, untimed, so that no timed run pays for
loading the models on its workers (a cold worker costs about 2 s more). Each run is repeated
``--repeat`` times and the best counts: the per-word caches of the fingerprint stage fill during
a first run, so a second one in the same processes is faster, whichever it is;
``--scheduler`` measures an existing cluster instead of the 1- and 2-worker local ones.
``--read-on`` says who reads the input in the Dask runs: the workers (the default), the client,
or both, one run each.
Printed per run: seconds, docs/s, MB/s, and whether the output folder is byte-identical to the
local engine's.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import generate_corpus, print_table  # noqa: E402  (the generator throughput.py uses)
from throughput import write_corpus  # noqa: E402

from cleanpress.config import CleanConfig  # noqa: E402
from cleanpress.dask_engine import dask_client  # noqa: E402
from cleanpress.pipeline import run  # noqa: E402


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def best_of(repeat: int, job: Callable[[], object]) -> float:
    """The shortest of ``repeat`` runs of ``job``, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=4000, help="generated documents (default 4000)")
    parser.add_argument("--batch-size", type=int, default=256, help="documents per partition (default 256)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scheduler", help="measure the cluster at this address instead of local 1- and 2-worker clusters")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each setup; the best counts (default 2)")
    parser.add_argument("--read-on", default="workers", help="who reads the input in the Dask runs: workers, client, or workers,client (default workers)")
    args = parser.parse_args(argv)
    config = CleanConfig(batch_size=args.batch_size)
    with tempfile.TemporaryDirectory(prefix="cleanpress-dask-") as tmp:
        folder = Path(tmp)
        records, _ = generate_corpus(args.docs, seed=args.seed)
        corpus = folder / "corpus.jsonl"
        write_corpus(corpus, records)
        del records
        megabytes = corpus.stat().st_size / 1e6
        warm = folder / "warm.jsonl"  # loads the models and imports, untimed
        write_corpus(warm, generate_corpus(64, seed=args.seed + 1)[0])
        run([warm], folder / "warm-local", config)
        rows = []
        seconds = best_of(args.repeat, lambda: run([corpus], folder / "local", config, force=True))
        expected = folder_bytes(folder / "local")
        rows.append(("local engine, 1 process", "-", seconds, args.docs / seconds, megabytes / seconds, "reference"))
        setups = [(args.scheduler, 0)] if args.scheduler else [(None, 1), (None, 2)]
        for scheduler, workers in setups:
            begun = time.perf_counter()
            with dask_client(scheduler, workers) as client:
                startup = time.perf_counter() - begun
                workers = workers or len(client.scheduler_info()["workers"])
                run([warm], folder / f"warm-{workers}", config, engine="dask", client=client)
                for read_on in args.read_on.split(","):
                    output = folder / f"dask-{workers}-{read_on}"
                    seconds = best_of(args.repeat, lambda: run([corpus], output, config, engine="dask", client=client, read_on=read_on, force=True))
                    same = "yes" if folder_bytes(output) == expected else "NO"
                    rows.append((f"dask engine, {workers} worker{'s' if workers > 1 else ''}, read on {read_on}", f"{startup:.1f}",
                                 seconds, args.docs / seconds, megabytes / seconds, same))
        print(f"cleanpress Dask scaling; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; batch size {args.batch_size}")
        print_table(f"{args.docs:,} docs, {megabytes:.1f} MB of JSON Lines",
                    ("run", "cluster start s", "seconds", "docs/s", "MB/s", "identical"), rows)


if __name__ == "__main__":
    main()
