"""Boilerplate benchmark alone: ``python benchmarks/boilerplate.py [../shared/bench | ../shared/bench/boilerplate-aeb]``.

The same section as ``python benchmarks/run.py --only boilerplate``: keep everything, the rules,
the line model, the stacked model and the shipped decoding (each 5-fold cross-validated by page, nested), plain trafilatura on the
HTML, and cleanpress on the HTML, scored with the benchmark's own bow_f1.
"""
from __future__ import annotations

import sys
from pathlib import Path

from run import main

if __name__ == "__main__":
    bench = []
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
        if (folder / "gold").is_dir():  # the boilerplate-aeb folder itself: the bench folder is its parent
            folder = folder.parent
        bench = [f"--bench-dir={folder}"]
    main(["--only", "boilerplate", *bench])
