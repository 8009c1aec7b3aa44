"""Translated duplicates on translated-ntrex: cleanpress against two baselines, with ablations.

    python benchmarks/translated.py [BENCH/translated-ntrex]

Prints, in one run:

* pairwise P/R/F1 of duplicate clusters (``dedup_score``'s own functions) on whole articles
  (``docs.jsonl``) and halves (``halfdocs.jsonl``) for cleanpress through the real pipeline,
  the issue's prototype (anyascii, consonant skeletons of capitalised words plus numbers, MinHash
  128, one global threshold) and plain datasketch MinHash LSH on word 5-grams;
* the monolingual near-duplicate check (``benchmarks/run.py``'s: 3% of words deleted);
* an ablation table: each idea switched off alone, F1 and its gain;
* threshold stability (F1 at the default threshold +-0.05 and +-0.1);
* the caseless fallback on lower-cased Russian and Ukrainian articles;
* seconds and candidate pairs per document.

The data folder defaults to ``<repo>/../shared/bench/translated-ntrex`` and is never copied.
"""
from __future__ import annotations

import copy
import re
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from anyascii import anyascii
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402  (benchmarks/run.py: shared helpers, imported as they are)
    load_scorer, monolingual_check, print_table, read_jsonl, run_cleanpress, run_plain_minhash, score_links,
)

from cleanpress.anchors import ALL_FEATURES, FEATURES  # noqa: E402
from cleanpress.config import CleanConfig  # noqa: E402
from cleanpress.dedup import DuplicateIndex  # noqa: E402
from cleanpress.document import Document  # noqa: E402
from cleanpress.fingerprint import fingerprint  # noqa: E402
from cleanpress.pipeline import as_documents, process_document  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO / ".." / "shared" / "bench" / "translated-ntrex").resolve()
FILES = ("docs.jsonl", "halfdocs.jsonl")


# ------------------------------------------------------------------------------- the prototype


def prototype_anchors(text: str) -> set[str]:
    """The issue's prototype: consonant skeletons (first 4 consonants of the ASCII fold) of
    capitalised words that do not start a sentence, and numbers (digits only)."""
    anchors: set[str] = set()
    for sentence in re.split(r"[.!?\n]+", text):
        for position, word in enumerate(re.findall(r"\w+", sentence)):
            if word.isdigit():
                anchors.add("#" + word)
            elif word[0].isupper() and position > 0:
                skeleton = re.sub(r"[^a-z]|[aeiouy]", "", anyascii(word).lower())[:4]
                if len(skeleton) >= 2:
                    anchors.add(skeleton)
    return anchors


def run_prototype(records: list[dict[str, Any]], threshold: float) -> dict[str, str]:
    """MinHash 128 of the prototype anchors in a MinHashLSH; every candidate whose estimated
    Jaccard reaches the one global threshold is linked (clusters by union-find)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    signatures: dict[str, MinHash] = {}
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.get(x, x) != x:
            x = root[x]
        return x

    for record in records:
        m = MinHash(num_perm=128)
        for anchor in prototype_anchors(record["text"]):
            m.update(anchor.encode())
        for hit in lsh.query(m):
            if m.jaccard(signatures[hit]) >= threshold:
                a, b = find(hit), find(record["id"])
                if a != b:
                    root[b] = a
        lsh.insert(record["id"], m)
        signatures[record["id"]] = m
    return {x: find(x) for x in root}


# -------------------------------------------------------------------- dedup stage alone, cached


class UniformWeights(DuplicateIndex):
    """The index without document-frequency weighting (every anchor weighs 1)."""

    def _count_anchor_weights(self) -> None:
        pass  # no weight table: every anchor weighs the default, 1


class Stage:
    """Documents cleaned once by the pipeline's own stages; then fingerprints and the duplicate
    index alone, so that each variant costs only the deduplication."""

    def __init__(self, records: list[dict[str, Any]], gold: dict[str, str], dedup_score: Any) -> None:
        config = CleanConfig()
        self.docs: list[Document] = []
        for order, doc in enumerate(as_documents(records, config)):
            assert isinstance(doc, Document)
            doc.order = order
            self.docs.append(process_document(doc, config)[0])
        self.gold, self.dedup_score = gold, dedup_score
        self._fingerprints: dict[tuple[Any, ...], list[Any]] = {}

    def run(self, config: CleanConfig, features: frozenset[str] = FEATURES, index: type[DuplicateIndex] = DuplicateIndex,
            docs: list[Document] | None = None) -> tuple[Any, DuplicateIndex, float]:
        key = (features, config.min_anchors)
        if docs is not None:  # other texts: not cached
            fingerprints = [fingerprint(d, config, features) for d in docs]
        else:
            if key not in self._fingerprints:
                self._fingerprints[key] = [fingerprint(d, config, features) for d in self.docs]
            fingerprints = self._fingerprints[key]
        started = time.perf_counter()
        dedup = index(config)
        for fp in fingerprints:
            dedup.add(copy.copy(fp))
        links = {d.id: d.duplicate_of for d in dedup.resolve()}
        return score_links(self.dedup_score, self.gold, links), dedup, time.perf_counter() - started


ABLATIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("exonym table (countries, capitals, acronyms)", {"features": FEATURES - {"exonyms"}}),
    ("numbers: decimals and scale words", {"features": FEATURES - {"numbers"}}),
    ("dates: month names and numeric dates", {"features": FEATURES - {"dates"}}),
    ("quoted titles (off by default: row switches it ON)", {"features": ALL_FEATURES}),
    ("document-frequency weights", {"index": UniformWeights}),
    ("mutual best match per language pair", {"config": {"mutual_best": False}}),
    ("bridge check (no shared linked document)", {"config": {"drop_bridges": False}}),
    ("min_shared_anchors 3 (vs 1)", {"config": {"min_shared_anchors": 1}}),
    ("min_anchors 3 (vs the former 5)", {"config": {"min_anchors": 5}}),
    ("mutual best + bridges (vs neither)", {"config": {"mutual_best": False, "drop_bridges": False}}),
)


def ablation(stages: dict[str, Stage]) -> None:
    base = CleanConfig()
    full = {name: stage.run(base)[0].f1 for name, stage in stages.items()}
    rows: list[list[Any]] = [["all ideas on (default)", full[FILES[0]], "", full[FILES[1]], ""]]
    for idea, change in ABLATIONS:
        config = replace(base, **change.get("config", {}))
        row: list[Any] = [idea]
        for name, stage in stages.items():
            f1 = stage.run(config, change.get("features", FEATURES), change.get("index", DuplicateIndex))[0].f1
            row += [f1, f"{full[name] - f1:+.3f}"]
        rows.append(row)
    print_table("ablation: F1 with one idea switched off (gain = F1 with it - F1 without it)",
                ("idea switched off", "docs F1", "docs gain", "halves F1", "halves gain"), rows)


def stability(stages: dict[str, Stage]) -> None:
    base = CleanConfig()
    rows = []
    for delta in (-0.1, -0.05, 0.0, 0.05, 0.1):
        threshold = round(base.translated_threshold + delta, 3)
        row: list[Any] = [f"{threshold:.2f}" + (" (default)" if delta == 0 else "")]
        for stage in stages.values():
            score = stage.run(replace(base, translated_threshold=threshold))[0]
            row += [score.precision, score.recall, score.f1]
        rows.append(row)
    print_table("threshold stability: --translated-threshold around the default",
                ("threshold", "docs P", "docs R", "docs F1", "halves P", "halves R", "halves F1"), rows)


def caseless(stage: Stage) -> None:
    """Lower-case the Russian and Ukrainian articles: their names lose their capitals, as in a
    caseless script. Recall of the pairs they belong to, with the fallback and without it."""
    lowered = [replace(d, text=d.text.lower()) if d.id.endswith((":rus", ":ukr")) else d for d in stage.docs]
    touched = {d.id for d in lowered if d.id.endswith((":rus", ":ukr"))}
    rows = []
    for label, docs in (("original text", stage.docs), ("rus, ukr lower-cased (fallback: every word's key)", lowered)):
        score = stage.run(CleanConfig(), docs=docs)[0]
        theirs = {p for p in score.true if p[0] in touched or p[1] in touched}
        found = len(theirs & score.predicted) / len(theirs)
        rows.append([label, found, score.precision, score.recall, score.f1])
    print_table("caseless fallback: docs.jsonl with Russian and Ukrainian lower-cased",
                ("input", "recall of rus/ukr pairs", "P", "R", "F1"), rows)


# ----------------------------------------------------------------------------------------- main


def main(data: Path) -> None:
    if not (data / "docs.jsonl").is_file():
        print(f"skipped: no translated-ntrex benchmark data at {data} (give its folder as the argument)")
        return
    dedup_score = load_scorer(data.parent, "dedup_score")
    rows: list[list[Any]] = []
    stages: dict[str, Stage] = {}
    costs: list[list[Any]] = []
    for name in FILES:
        gold_records = read_jsonl(data / name)
        gold = {r["id"]: r["group"] for r in gold_records}
        records = [{"id": r["id"], "text": r["text"]} for r in gold_records]  # cleanpress identifies the language itself
        result = run_cleanpress(records, CleanConfig())
        score = score_links(dedup_score, gold, result.links)
        rows.append(["cleanpress (pipeline, defaults)", name, score.precision, score.recall, score.f1, result.seconds])
        for threshold in (0.2, 0.3, 0.4):
            started = time.perf_counter()
            score = score_links(dedup_score, gold, run_prototype(records, threshold))
            rows.append([f"prototype, threshold {threshold}", name, score.precision, score.recall, score.f1, time.perf_counter() - started])
        plain = run_plain_minhash(records, 0.5)
        score = score_links(dedup_score, gold, plain.links)
        rows.append(["plain MinHash LSH 0.5, word 5-grams", name, score.precision, score.recall, score.f1, plain.seconds])
        stages[name] = Stage(records, gold, dedup_score)
        _, index, seconds = stages[name].run(CleanConfig())
        n = len(records)
        costs.append([name, n, result.seconds, result.seconds / n * 1000, seconds, seconds / n * 1000,
                      index.candidates["translated"] / n, n * (n - 1) / 2 / n, len(index.vocabulary)])
    print_table(f"translated duplicates: {data}, pairwise P/R/F1 of clusters (dedup_score)",
                ("method", "file", "P", "R", "F1", "seconds"), rows)
    monolingual_check(data / "docs.jsonl", dedup_score)
    ablation(stages)
    stability(stages)
    caseless(stages["docs.jsonl"])
    print_table("cost: whole pipeline, and the deduplication stage alone (fingerprints in, decisions out)",
                ("file", "docs", "pipeline s", "ms/doc", "dedup s", "dedup ms/doc", "translated candidates/doc",
                 "all pairs/doc", "anchor vocabulary"), costs)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DEFAULT_DATA)
