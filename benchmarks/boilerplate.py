"""Boilerplate benchmark alone: ``python benchmarks/boilerplate.py [../shared/bench]``.

The same section as ``python benchmarks/run.py --only boilerplate``: keep everything, the rules,
the shipped line model (in-sample and 5-fold cross-validated by page), plain trafilatura on the
HTML, and cleanpress on the HTML, scored with the benchmark's own bow_f1.
"""
from __future__ import annotations

import sys

from run import main

if __name__ == "__main__":
    bench = [f"--bench-dir={sys.argv[1]}"] if len(sys.argv) > 1 else []
    main(["--only", "boilerplate", *bench])
