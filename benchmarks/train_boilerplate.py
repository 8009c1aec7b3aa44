"""Train the boilerplate line model shipped in ``cleanpress/models/boilerplate-lines.json``.

    pip install -e '.[train]'
    python benchmarks/train_boilerplate.py [../shared/bench/boilerplate-aeb] [--write]

Labels come from the benchmark's gold text: a line is article text when most of its words fall
in runs of at least two words aligned with the gold article (``difflib`` on word sequences;
keeping exactly those lines scores bag-of-words F1 0.99, so the labels carry the answer). Pages
are repaired first, as the pipeline does. The script reports 5-fold cross-validated figures by
page (a page's lines are never both in training and test), against the rule-only stripper, and
with ``--write`` trains on every page and writes the model. The data stays outside the project.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanpress import boilerplate  # noqa: E402
from cleanpress.linemodel import MODEL_PATH, BoostedTrees, context_names, feature_names, line_table  # noqa: E402
from cleanpress.linefreq import LineFrequencies  # noqa: E402
from cleanpress.repair import repair_text  # noqa: E402

TOKEN = re.compile(r"\w+")
FOLDS = 5
THRESHOLD = 0.35  # probability below which a line is stripped; chosen by cross-validation
TREES = dict(max_iter=60, learning_rate=0.15, max_depth=4, random_state=0)


def load_scorer(bench: Path):
    spec = importlib.util.spec_from_file_location("bow_f1", bench.parent / "bow_f1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def aligned_labels(lines: list[str], gold: str) -> list[bool]:
    """Per line: do most of its words belong to runs aligned with the gold text?"""
    gold_tokens = [t.lower() for t in TOKEN.findall(gold)]
    tokens, owner = [], []
    for number, line in enumerate(lines):
        for token in TOKEN.findall(line):
            tokens.append(token.lower())
            owner.append(number)
    aligned = [0] * len(tokens)
    for a, _, size in difflib.SequenceMatcher(None, tokens, gold_tokens, autojunk=False).get_matching_blocks():
        for k in range(a, a + size):
            aligned[k] = size
    total, hits = [0] * len(lines), [0] * len(lines)
    for k, number in enumerate(owner):
        total[number] += 1
        hits[number] += aligned[k] >= 2
    return [bool(total[i]) and hits[i] / total[i] >= 0.5 for i in range(len(lines))]


def load_pages(bench: Path) -> list[dict]:
    """Pages with their line tables and labels. Line frequencies are counted over all pages, as a
    corpus run counts them over its input (no labels involved, so no leak between folds)."""
    names = sorted(os.listdir(bench / "gold"))
    texts = [repair_text((bench / "input" / name).read_text(encoding="utf-8"))[0] for name in names]
    frequencies = LineFrequencies()
    for text in texts:
        frequencies.add_document(text)
    pages = []
    for name, text in zip(names, texts):
        gold = (bench / "gold" / name).read_text(encoding="utf-8")
        lines = text.split("\n")
        table = line_table(lines, line_frequency=frequencies)
        labels = aligned_labels(lines, gold)
        words = np.array([len(TOKEN.findall(lines[i])) + 1 for i in table.indices], dtype=np.float64)
        pages.append({
            "id": name[:-4], "gold": gold, "text": text, "lines": lines, "table": table,
            "y": np.array([labels[i] for i in table.indices], dtype=bool),
            # every page weighs the same, and within a page a line weighs its words: the metric's view
            "weight": words / words.sum() if len(words) else words,
            "frequencies": frequencies,
        })
    return pages


def fit(pages: list[dict]):
    from sklearn.ensemble import HistGradientBoostingClassifier

    usable = [p for p in pages if len(p["y"])]
    X = np.vstack([p["table"].matrix for p in usable])
    y = np.concatenate([p["y"] for p in usable])
    w = np.concatenate([p["weight"] for p in usable])
    return HistGradientBoostingClassifier(**TREES).fit(X, y, sample_weight=w)


def kept_text(page: dict, probability: np.ndarray, threshold: float) -> str:
    keep = {i for i, p in zip(page["table"].indices, probability) if p >= threshold}
    return "\n".join(line for i, line in enumerate(page["lines"]) if i in keep)


def cross_validate(pages: list[dict], scorer, thresholds: tuple[float, ...]) -> dict[float, tuple[float, float, float]]:
    """Figures of the real stripper (rules, model and how they combine), each page scored by a
    model trained on the other folds."""
    scores: dict[float, list] = {t: [] for t in thresholds}
    names = feature_names() + context_names()
    for fold in range(FOLDS):
        spec = export(fit([p for k, p in enumerate(pages) if k % FOLDS != fold]), names, {})
        for threshold in thresholds:
            model = BoostedTrees({**spec, "threshold": threshold})
            for k, page in enumerate(pages):
                if k % FOLDS == fold:
                    scores[threshold].append(scorer.prf(page["gold"], boilerplate.strip(page["text"], model=model, line_frequency=page["frequencies"]).text))
    return {t: tuple(float(np.mean([r[q] for r in rows])) for q in range(3)) for t, rows in scores.items()}


def export(model, names: list[str], info: dict) -> dict:
    """The fitted trees as flat node arrays; leaves point to themselves."""
    feature, split, left, right, value, roots = [], [], [], [], [], []
    depth = 0
    for (predictor,) in model._predictors:
        offset = len(feature)
        roots.append(offset)
        for n, node in enumerate(predictor.nodes):
            leaf = bool(node["is_leaf"])
            feature.append(0 if leaf else int(node["feature_idx"]))
            split.append(0.0 if leaf else float(node["num_threshold"]))
            left.append(offset + n if leaf else offset + int(node["left"]))
            right.append(offset + n if leaf else offset + int(node["right"]))
            value.append(float(node["value"]) if leaf else 0.0)
            depth = max(depth, int(node["depth"]))
    return {
        "features": names, "threshold": THRESHOLD, "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "depth": depth, "roots": roots, "feature": feature, "split": [round(s, 7) for s in split],
        "left": left, "right": right, "value": [round(v, 7) for v in value], "info": info,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", nargs="?", default=str(ROOT.parent / "shared" / "bench" / "boilerplate-aeb"))
    parser.add_argument("--write", action="store_true", help=f"train on every page and write {MODEL_PATH.name}")
    args = parser.parse_args()
    bench = Path(args.bench)
    if not (bench / "gold").is_dir():
        sys.exit(f"no benchmark data at {bench}")
    scorer = load_scorer(bench)
    started = time.perf_counter()
    pages = load_pages(bench)
    oracle = np.mean([scorer.prf(p["gold"], kept_text(p, p["y"].astype(float), 0.5))[2] for p in pages])
    rules = [scorer.prf(p["gold"], boilerplate.strip(p["text"], use_model=False).text) for p in pages]
    print(f"{len(pages)} pages; label oracle F1 {oracle:.3f}")
    print("| method | P | R | F1 |\n| --- | ---: | ---: | ---: |")
    print("| rules only | {:.3f} | {:.3f} | {:.3f} |".format(*(np.mean([r[q] for r in rules]) for q in range(3))))
    results = cross_validate(pages, scorer, (0.25, 0.3, THRESHOLD, 0.4, 0.5))
    for threshold, (P, R, F) in results.items():
        mark = " (shipped)" if threshold == THRESHOLD else ""
        print(f"| rules + line model, {FOLDS}-fold by page, threshold {threshold}{mark} | {P:.3f} | {R:.3f} | {F:.3f} |")
    if args.write:
        names = feature_names() + context_names()
        P, R, F = results[THRESHOLD]
        info = {"trained_on": f"{len(pages)} pages of boilerplate-aeb", "cv_f1": round(F, 4),
                "cv_precision": round(P, 4), "cv_recall": round(R, 4), "trees": TREES}
        spec = export(fit(pages), names, info)
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB)")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
