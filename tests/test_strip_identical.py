"""The boilerplate stage's speed-ups change no output (issue 5).

Every output of stripping on the seeds, 300 documents of the benchmarks' generator and crafted
edge cases (empty text, one line, 5,000 short lines, a huge single line, mixed scripts, odd
whitespace, lone surrogates) is hashed into one digest, recorded from the code before the
speed-ups (branch perf3, on top of dff02ea): the line table (every line's features, the rules,
the decisions, the main block, the headline and signature, and the model's matrix bit for bit as
float32), and :func:`~cleanpress.boilerplate.strip` in text mode (with and without corpus line
frequencies, with each headline mode, without the model) and in html mode: text, every removal
and the title. A deliberate change of behaviour, or of the generator, must record a new digest,
and say so.
"""
from __future__ import annotations

import hashlib
import random
import sys
import zlib
from pathlib import Path

import numpy as np
from conftest import SEEDS

from cleanpress.boilerplate import StripResult, strip
from cleanpress.linemodel import line_table

RECORDED_DIGEST = "73a21ba0c7ba6caeb1f4bf94c5a3b605c98a6c66e07f3a7f11d30e3a5984ae41"

SCRIPTS = ("Council approves the new bridge.", "Совет одобрил новый мост.", "Şura yeni körpünü təsdiqlədi:",
           "北京市政府", "ტოკაევი", "مجلس المدينة", "Home", "© 2024 Example.com", "12:05 279", "Read also: more",
           "e\u0301te\u0301", "<div class='x'>", "www.example.com", "tel +7 (495) 123-45-67", "a@b.cc", "🙂")


def edge_cases() -> list[str]:
    """Texts at the edges of what the per-line and per-page code handles."""
    rng = random.Random(7)
    mixed = ["\n".join(" ".join(rng.choice(SCRIPTS) for _ in range(rng.randrange(0, 12)))
                       for _ in range(rng.randrange(1, 40))) for _ in range(60)]
    return [
        "", " ", "\n", "\n\n\n", "one line", "One line that reads like a sentence of an article, really.",
        "\n".join(f"item {k}" for k in range(5000)),
        "\n".join(rng.choice(("Home", "News", "", "Sport", "12:05")) for _ in range(5000)),
        " ".join(rng.choice(SCRIPTS) for _ in range(20000)),  # one huge line
        "x" * 100_000,
        "\t\u00a0line with odd spaces\u2003\r\n\u3000\n\x0b\x0c\nABC DEF GHI\r",
        "Tokayev \udc00 Putin 6 500 км\n\ud800",  # lone surrogates, as a bad decode leaves them
        *mixed,
    ]


def generated_texts(count: int) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import generate_corpus  # noqa: E402  (the benchmarks' generator)

    return [record["text"] for record in generate_corpus(count, seed=42)[0]]


def corpus() -> list[str]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    return seeds + generated_texts(300) + edge_cases()


def frequency(line: str) -> int:
    """A stand-in for the corpus line frequencies: deterministic, varied."""
    return zlib.crc32(line.encode("utf-8", "surrogatepass")) % 5


def _result(result: StripResult) -> str:
    removed = [(r.line, r.text, r.rule, r.score, r.kept_before) for r in result.removed]
    return repr((result.text, removed, result.title))


def outputs(text: str) -> list[str | bytes]:
    """Everything stripping says about one text, as strings and bytes to hash."""
    lines = text.split("\n")
    table = line_table(lines, line_frequency=frequency)
    matrix = table.matrix
    assert matrix.dtype == np.float32
    parts: list[str | bytes] = [
        repr((table.features, table.rules, table.decisions, table.indices, table.body, table.headline,
              table.signature, matrix.shape)),
        np.ascontiguousarray(matrix).tobytes(),
        _result(strip(text)),
        _result(strip(text, line_frequency=frequency)),
        _result(strip(text, headline="text")),
        _result(strip(text, headline="model")),
        _result(strip(text, use_model=False)),
        _result(strip(text, mode="html")),
    ]
    return parts


def digest(texts: list[str]) -> str:
    hasher = hashlib.sha256()
    for text in texts:
        for part in outputs(text):
            hasher.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
            hasher.update(b"\x00")
    return hasher.hexdigest()


def test_strip_outputs_are_those_recorded_before_the_speed_ups():
    assert digest(corpus()) == RECORDED_DIGEST
