"""Throughput and memory: cleanpress end to end against the plain way, in one run.

    python benchmarks/throughput.py [--docs N] [--workers N] [--input FILE.jsonl] [--seed N] [--changed SHARE]
                                    [--methods plain,cleanpress,cleanpress-workers,check]
                                    [--profile] [--keep DIR]

The corpus is generated (``--docs`` news-like documents of about 3 KB in English, German,
Russian and Turkish, with chrome lines, 10% of them near duplicates of an earlier one with 3% of
their words replaced (``--changed``): ``benchmarks/run.py``'s ``generate_corpus``) and written as JSON Lines to a
temporary folder; or read from ``--input`` (JSON Lines with ``id`` and ``text``; a ``group``
field, when there, is the gold duplicate group). Every method then runs in its own process on
that file, from reading to the written output, so each one's peak RSS is its own:

* ``plain``: what a user would otherwise write: read the file, ``ftfy.fix_text``,
  ``py3langid.classify``, a datasketch ``MinHash`` updated per word 5-gram shingle, queried
  against a ``MinHashLSH`` at 0.7 (the first document seen is kept), kept documents written;
* ``cleanpress``: ``cleanpress.run`` (read, repair, strip, language, fingerprints, exact, near
  and translated dedup, output folder with manifests) on 1 worker;
* ``cleanpress-workers``: the same with ``--workers N``;
* ``check``: the ``cleanpress check FILE -j N --format json`` command line.

Printed per method: seconds, docs/s, MB/s, peak RSS (the process and its largest worker),
near-duplicate pairwise precision and recall against the planted groups, and the speed ratio to
the plain way. ``--profile`` then runs cleanpress on 1 worker in this process under cProfile and
prints the time per stage and the functions with the most own time.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import generate_corpus, plain_shingles, print_table  # noqa: E402  (shared generator and table)

METHODS = ("plain", "cleanpress", "cleanpress-workers", "check")
# the functions whose cumulative time is one stage's cost (--profile)
STAGES = (
    ("read", "readers.py", "read_documents"),
    ("line frequencies (first pass)", "pipeline.py", "count_lines"),
    ("repair", "pipeline.py", "repair"),
    ("strip boilerplate", "pipeline.py", "strip_boilerplate"),
    ("language", "language.py", "identify_language"),
    ("fingerprint", "fingerprint.py", "fingerprint"),
    ("dedup index add", "dedup.py", "add"),
    ("dedup resolve", "dedup.py", "resolve"),
    ("write output", "writers.py", "write"),
)


# ------------------------------------------------------------------------------ the methods


def run_plain(corpus: Path, output: Path) -> dict[str, str]:
    """ftfy, py3langid, per-shingle MinHash and MinHashLSH, as one writes it by hand."""
    import ftfy
    import py3langid
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    links: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    with open(corpus, encoding="utf-8") as lines, open(output, "w", encoding="utf-8") as out:
        for number, line in enumerate(lines):
            record = json.loads(line)
            text = ftfy.fix_text(record["text"])
            lang = py3langid.classify(text)[0]
            signature = MinHash(num_perm=128)
            for shingle in plain_shingles(text):
                signature.update(shingle.encode("utf-8"))
            hits = lsh.query(signature)
            if hits:
                links[record["id"]] = min(hits, key=first_seen.__getitem__)
                continue
            first_seen[record["id"]] = number
            lsh.insert(record["id"], signature)
            out.write(json.dumps({"id": record["id"], "text": text, "lang": lang}, ensure_ascii=False) + "\n")
    return links


def run_cleanpress(corpus: Path, output: Path, workers: int) -> dict[str, str]:
    """``cleanpress.run`` end to end; the near duplicates' links from ``duplicates.jsonl``."""
    from cleanpress import CleanConfig, run

    run([corpus], output, CleanConfig(workers=workers), force=True)
    return _links(output / "duplicates.jsonl")


def run_check(corpus: Path, output: Path, workers: int) -> dict[str, str]:
    """The ``cleanpress check`` command line; its JSON report is kept in ``output``."""
    command = [sys.executable, "-m", "cleanpress.cli", "check", str(corpus), "--format", "json", "-j", str(workers)]
    with open(output, "w", encoding="utf-8") as report:
        code = subprocess.run(command, stdout=report).returncode
    if code not in (0, 1):
        raise SystemExit(f"cleanpress check failed with exit status {code}")
    return {}


def _links(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as lines:
        return {r["id"]: r["duplicate_of"] for r in map(json.loads, lines) if r["kind"] in ("exact", "near")}


def child(method: str, corpus: Path, output: Path, workers: int) -> None:
    """Run one method in this process and print its figures as one JSON line (imports untimed)."""
    if method == "plain":
        import datasketch, ftfy, py3langid  # noqa: E401, F401
    else:
        import cleanpress.pipeline  # noqa: F401
    started = time.perf_counter()
    if method == "plain":
        links = run_plain(corpus, output / "plain.jsonl")
    elif method == "check":
        links = run_check(corpus, output / "check.json", workers)
    else:
        links = run_cleanpress(corpus, output / method, 1 if method == "cleanpress" else workers)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "links": links, "rss_kib": own_peak_rss_kib(), "children_rss_kib": children}))


def own_peak_rss_kib() -> int:
    """This process's peak resident memory. On Linux ``ru_maxrss`` survives ``exec``: a child
    started by a benchmark holding a large corpus would report the benchmark's own peak, so the
    high-water mark of the process's own address space (``VmHWM``) is read instead."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(method: str, corpus: Path, output: Path, workers: int) -> dict[str, Any]:
    """:func:`child` in a fresh process, so that its peak RSS is its own."""
    command = [sys.executable, __file__, "--child", method, "--input", str(corpus), "--keep", str(output), "--workers", str(workers)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"{method} failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------- scoring


def cluster_pairs(links: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair of documents in one cluster, the clusters being the components of ``links``.

    >>> sorted(cluster_pairs({"b": "a", "c": "b"}))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in links.items():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in set(parent) | set(parent.values()):
        groups.setdefault(find(x), []).append(x)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def gold_pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for doc_id, group in groups.items():
        members.setdefault(group, []).append(doc_id)
    return {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}


def precision_recall(predicted: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float]:
    hit = len(predicted & true)
    return (hit / len(predicted) if predicted else 1.0), (hit / len(true) if true else 1.0)


# ------------------------------------------------------------------------------------ corpus


def write_corpus(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")


def read_groups(path: Path) -> dict[str, str] | None:
    groups: dict[str, str] = {}
    with open(path, encoding="utf-8") as lines:
        for record in map(json.loads, lines):
            if "group" not in record:
                return None
            groups[record["id"]] = record["group"]
    return groups


def true_jaccard(records: list[dict[str, Any]], groups: dict[str, str]) -> list[float]:
    text = {r["id"]: r["text"] for r in records}
    values = []
    for doc_id, group in groups.items():
        if doc_id != group:
            a, b = set(plain_shingles(text[doc_id])), set(plain_shingles(text[group]))
            values.append(len(a & b) / len(a | b))
    return values


# ----------------------------------------------------------------------------------- profile


def profile(corpus: Path, output: Path, top: int = 20) -> None:
    """cleanpress on 1 worker under cProfile: seconds per stage, then the most own time."""
    from cleanpress import CleanConfig, run

    profiler = cProfile.Profile()
    profiler.enable()
    started = time.perf_counter()
    run([corpus], output / "profiled", CleanConfig(workers=1), force=True)
    total = time.perf_counter() - started
    profiler.disable()
    stats = pstats.Stats(profiler)
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _, name), (_, _, _, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "cleanpress" in filename:
            key = (os.path.basename(filename), name)
            cumulative[key] = max(cumulative.get(key, 0.0), cum)
    rows = [(stage, f"{file}:{name}", cumulative.get((file, name), 0.0), cumulative.get((file, name), 0.0) / total)
            for stage, file, name in STAGES]
    print_table(f"profile: cleanpress on 1 worker, {total:.1f} s under cProfile (cumulative time of each stage's function)",
                ("stage", "function", "seconds", "share"), rows)
    print(f"\n## profile: the {top} functions with the most own time\n")
    stats.sort_stats("tottime").print_stats(top)


# -------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000; ignored with --input)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for cleanpress-workers and check (default 2)")
    parser.add_argument("--input", type=Path, help="JSON Lines corpus (id, text, optional group) instead of a generated one")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated corpus (default 42)")
    parser.add_argument("--changed", type=float, default=0.03,
                        help="share of words replaced in a planted near duplicate (default 0.03: true Jaccard about 0.75)")
    parser.add_argument("--methods", default="plain,cleanpress,cleanpress-workers",
                        help=f"comma-separated, from {', '.join(METHODS)} (default plain,cleanpress,cleanpress-workers)")
    parser.add_argument("--profile", action="store_true", help="also profile cleanpress on 1 worker (cProfile): time per stage")
    parser.add_argument("--keep", type=Path, help="write the corpus and the outputs here instead of a temporary folder")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.input, args.keep, args.workers)
        return
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="cleanpress-throughput-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.input:
            corpus, groups, jaccard = args.input, read_groups(args.input), []
        else:
            records, groups = generate_corpus(args.docs, seed=args.seed, changed=args.changed)
            corpus = folder / "corpus.jsonl"
            write_corpus(corpus, records)
            jaccard = true_jaccard(records, groups)
            del records
        with open(corpus, encoding="utf-8") as lines:
            documents = sum(1 for line in lines if line.strip())
        megabytes = corpus.stat().st_size / 1e6
        true = gold_pairs(groups) if groups else set()
        rows, base = [], None
        for method in methods:
            result = measure(method, corpus, folder, args.workers)
            seconds = result["seconds"]
            base = base or (seconds if method == "plain" else None)
            p, r = precision_recall(cluster_pairs(result["links"]), true) if groups and method != "check" else ("-", "-")
            rows.append((method if method in ("plain", "cleanpress", "check") else f"cleanpress --workers {args.workers}",
                         documents, megabytes, seconds, documents / seconds, megabytes / seconds,
                         f"{result['rss_kib'] / 1024:,.0f}", f"{result['children_rss_kib'] / 1024:,.0f}", p, r,
                         f"{base / seconds:.2f}x" if base else "-"))
        print(f"cleanpress throughput; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; corpus {corpus.name}")
        print_table(f"throughput: {documents:,} docs, {megabytes:.1f} MB of JSON Lines",
                    ("method", "docs", "MB", "seconds", "docs/s", "MB/s", "peak RSS MB", "largest child RSS MB",
                     "near P", "near R", "speed vs plain"), rows)
        print("  note: plain = ftfy + py3langid + per-shingle datasketch MinHash + MinHashLSH(0.7); cleanpress = cleanpress.run, "
              "end to end with the output folder; near P/R: pairwise, exact and near duplicate clusters against the planted groups")
        if jaccard:
            jaccard.sort()
            print(f"  note: true word 5-gram Jaccard of the {len(jaccard)} planted pairs: min {jaccard[0]:.2f}, "
                  f"median {jaccard[len(jaccard) // 2]:.2f}, max {jaccard[-1]:.2f}")
        if args.profile:
            profile(corpus, folder)


if __name__ == "__main__":
    main()
