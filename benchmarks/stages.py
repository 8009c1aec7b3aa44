"""Time each per-document stage alone: repair, strip, language, fingerprint.

Reads a JSON Lines corpus (or generates one), counts its lines across documents as ``clean``
does, then runs each stage over every document, on copies, in this process, and prints the best
of ``--repeat`` runs as microseconds a document and MB/s. Each stage gets the output of the one
before, so it sees what it sees in a run. ``throughput.py`` measures the whole pipeline; this
says which stage to work on.

    python benchmarks/stages.py --docs 2000
    python benchmarks/stages.py --input corpus.jsonl --repeat 5
"""
from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleanpress.config import CleanConfig  # noqa: E402
from cleanpress.document import Document  # noqa: E402
from cleanpress.fingerprint import fingerprint  # noqa: E402
from cleanpress.language import identify_language  # noqa: E402
from cleanpress.linefreq import use_corpus_frequencies  # noqa: E402
from cleanpress.pipeline import count_lines, repair, strip_boilerplate  # noqa: E402
from cleanpress.readers import read_documents  # noqa: E402


def time_stage(stage: Callable[[Document], object], documents: list[Document], repeat: int) -> tuple[float, list[Document]]:
    """The best time of ``repeat`` runs of ``stage`` over copies of ``documents`` (after one call
    that loads what the stage loads lazily), and the copies the last run changed (the next
    stage's input)."""
    stage(copy.deepcopy(documents[0]))  # models load on first use: not part of the stage's time
    best = float("inf")
    work: list[Document] = []
    for _ in range(repeat):
        work = [copy.deepcopy(doc) for doc in documents]
        started = time.perf_counter()
        for doc in work:
            stage(doc)
        best = min(best, time.perf_counter() - started)
    return best, work


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000; ignored with --input)")
    parser.add_argument("--input", type=Path, help="JSON Lines corpus instead of a generated one")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated corpus (default 42)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage; the best counts (default 3)")
    args = parser.parse_args(argv)
    config = CleanConfig()
    with tempfile.TemporaryDirectory(prefix="cleanpress-stages-") as tmp:
        corpus = args.input
        if corpus is None:
            from run import generate_corpus
            from throughput import write_corpus

            corpus = Path(tmp) / "corpus.jsonl"
            write_corpus(corpus, generate_corpus(args.docs, seed=args.seed)[0])
        documents = [doc for doc in read_documents([corpus], config) if isinstance(doc, Document)]
    megabytes = sum(len(doc.text.encode("utf-8")) for doc in documents) / 1e6
    use_corpus_frequencies(count_lines(iter(documents)))
    stages: list[tuple[str, Callable[[Document], object]]] = [
        ("repair", repair),
        ("strip", lambda doc: strip_boilerplate(doc, config)),
        ("language", identify_language),
        ("fingerprint", lambda doc: fingerprint(doc, config)),
    ]
    print(f"{len(documents):,} documents, {megabytes:.2f} MB; best of {args.repeat}\n")
    print("| stage | seconds | us/doc | MB/s |\n| --- | ---: | ---: | ---: |")
    for name, stage in stages:
        seconds, changed = time_stage(stage, documents, args.repeat)
        if name != "fingerprint":  # the fingerprint leaves the document as it was
            documents = changed
        print(f"| {name} | {seconds:.3f} | {seconds / len(documents) * 1e6:.1f} | {megabytes / seconds:.2f} |")


if __name__ == "__main__":
    main()
