"""Scaling of the Dask engine: the local engine, then the Dask engine on 1 and on 2 workers.

    python benchmarks/dask_scaling.py [--docs N] [--batch-size N] [--seed N] [--scheduler tcp://...]

The corpus is ``benchmarks/throughput.py``'s (``run.generate_corpus``: news-like documents of
about 3 KB, 10% planted near duplicates), written as JSON Lines to a temporary folder. Each run
goes from reading to the written output folder. A local cluster of single-threaded worker
processes is started before its run's clock starts (start-up, about 2 s, is printed apart);
``--scheduler`` measures an existing cluster instead of the 1- and 2-worker local ones.
Printed per run: seconds, docs/s, MB/s, and whether the output folder is byte-identical to the
local engine's.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import generate_corpus, print_table  # noqa: E402  (the generator throughput.py uses)
from throughput import write_corpus  # noqa: E402

from cleanpress.config import CleanConfig  # noqa: E402
from cleanpress.dask_engine import dask_client  # noqa: E402
from cleanpress.pipeline import run  # noqa: E402


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=4000, help="generated documents (default 4000)")
    parser.add_argument("--batch-size", type=int, default=256, help="documents per partition (default 256)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scheduler", help="measure the cluster at this address instead of local 1- and 2-worker clusters")
    args = parser.parse_args(argv)
    config = CleanConfig(batch_size=args.batch_size)
    with tempfile.TemporaryDirectory(prefix="cleanpress-dask-") as tmp:
        folder = Path(tmp)
        records, _ = generate_corpus(args.docs, seed=args.seed)
        corpus = folder / "corpus.jsonl"
        write_corpus(corpus, records)
        del records
        megabytes = corpus.stat().st_size / 1e6
        rows = []
        started = time.perf_counter()
        run([corpus], folder / "local", config)
        seconds = time.perf_counter() - started
        expected = folder_bytes(folder / "local")
        rows.append(("local engine, 1 process", "-", seconds, args.docs / seconds, megabytes / seconds, "reference"))
        setups = [(args.scheduler, 0)] if args.scheduler else [(None, 1), (None, 2)]
        for scheduler, workers in setups:
            begun = time.perf_counter()
            with dask_client(scheduler, workers) as client:
                startup = time.perf_counter() - begun
                workers = workers or len(client.scheduler_info()["workers"])
                output = folder / f"dask-{workers}"
                started = time.perf_counter()
                run([corpus], output, config, engine="dask", client=client)
                seconds = time.perf_counter() - started
            same = "yes" if folder_bytes(output) == expected else "NO"
            rows.append((f"dask engine, {workers} worker{'s' if workers > 1 else ''}", f"{startup:.1f}", seconds,
                         args.docs / seconds, megabytes / seconds, same))
        print(f"cleanpress Dask scaling; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; batch size {args.batch_size}")
        print_table(f"{args.docs:,} docs, {megabytes:.1f} MB of JSON Lines",
                    ("run", "cluster start s", "seconds", "docs/s", "MB/s", "identical"), rows)


if __name__ == "__main__":
    main()
