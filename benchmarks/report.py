"""How long `cleanpress report` takes on a large run, and how big the page is.

Writes a synthetic clean output folder (N documents of ~1,500 characters, 10% dropped as near
duplicates, three stripped lines each), then times write_report and, when chromium is installed,
the page load until it has rendered. ``python benchmarks/report.py --docs 100000``
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from cleanpress.report import write_report


def synthetic_run(folder: Path, docs: int) -> None:
    rng = random.Random(1)
    words = ["".join(rng.choice("bdgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(2000)]
    files = {name: (folder / f"{name}.jsonl").open("w", encoding="utf-8") for name in ("corpus", "dropped", "duplicates", "removed", "sources")}
    for i in range(docs):
        doc_id = f"doc{i:06d}"
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(40)) + "." for _ in range(6))
        record = {"id": doc_id, "text": text, "lang": rng.choice(["az", "bs", "uz"])}
        if i % 10 == 9:
            files["dropped"].write(json.dumps(record) + "\n")
            files["duplicates"].write(json.dumps({"id": doc_id, "duplicate_of": f"doc{i - 1:06d}", "kind": "near", "score": round(rng.uniform(0.7, 1), 4)}) + "\n")
        else:
            files["corpus"].write(json.dumps(record) + "\n")
        lines = [{"line": n, "text": f"menu item {n}", "rule": "navigation", "kept_before": 0} for n in (1, 2, 3)]
        files["removed"].write(json.dumps({"id": doc_id, "lines": lines}) + "\n")
        files["sources"].write(json.dumps({"id": doc_id, "source": f"crawl/site{i % 50}/{doc_id}.txt", "line": None}) + "\n")
    for stream in files.values():
        stream.close()
    kept = docs - docs // 10
    (folder / "report.json").write_text(json.dumps({
        "documents": {"read": docs, "kept": kept, "duplicates": docs // 10, "skipped": 0}, "duplicates": {"near": docs // 10},
        "boilerplate": {"lines_removed": 3 * docs, "chars_removed": 33 * docs, "rules": {"navigation": 3 * docs}},
        "repairs": {"documents": 0, "fixers": {}}, "languages": {}, "config": {"near_threshold": 0.7, "translated_threshold": 0.25, "ngram": 5}}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        folder.mkdir()
        synthetic_run(folder, args.docs)
        started = time.perf_counter()
        page = write_report(folder)
        print(f"| documents | write_report s | report.html MB | page rendered in chromium s |")
        built = time.perf_counter() - started
        rendered = "-"
        if Path("/usr/bin/chromium").exists():
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                                                                                        "--disable-background-networking", "--disable-component-update", "--disable-sync"])
                tab = browser.new_page()
                started = time.perf_counter()
                tab.goto(page.as_uri())
                tab.wait_for_selector("body[data-rendered=yes]", timeout=120_000)
                rendered = f"{time.perf_counter() - started:.2f}"
                browser.close()
        print(f"| {args.docs:,} | {built:.2f} | {page.stat().st_size / 1e6:.1f} | {rendered} |")


if __name__ == "__main__":
    main()
