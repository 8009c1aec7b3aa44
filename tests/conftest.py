"""Shared fixtures: the bundled seed corpus, a helper that runs the CLI in-process, and generated
corpora with planted duplicates (the benchmarks' generator) for comparing engines and settings."""
from __future__ import annotations

import gzip
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cleanpress.cli import app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TRANSLATION_PAIR = ("000_23abae5eefcf2c15", "003_f46eb504ccd924e4")
OTHER_ARTICLE = "004_854e4821269078e4"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed_text(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def copy_seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from run import generate_corpus  # noqa: E402  (the benchmarks' generator of planted near duplicates)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_identical(reference: Path, other: Path) -> dict[str, bytes]:
    """Two output folders hold the same files, byte for byte; the reference's files."""
    expected, got = folder_bytes(reference), folder_bytes(other)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs"
    return expected


@pytest.fixture(scope="session")
def planted(tmp_path_factory) -> Path:
    """400 generated articles (10% near copies), exact copies in other case and spacing, the seeds'
    translation pair far apart, and a record the reader skips."""
    records, _ = generate_corpus(400, seed=7)
    rng = random.Random(3)
    for i in rng.sample(range(len(records)), 20):
        records.append({"id": f"exact-{i}", "text": records[i]["text"].upper().replace(" ", "  ")})
    records.insert(5, {"id": "en-half", "text": seed_text(TRANSLATION_PAIR[0])})
    records.append({"id": "translated-half", "text": seed_text(TRANSLATION_PAIR[1])})
    path = tmp_path_factory.mktemp("planted") / "corpus.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(50, '{"id": "broken", "text": ')  # a line the reader skips
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def mixed_inputs(tmp_path_factory, planted) -> Path:
    """A folder of every kind a split can be: two JSON Lines files larger than a split (one
    without a final line break, a record that repeats an id of the other, a broken line), a
    gzip file read whole, and the seeds' text files, one of them under the same stem twice."""
    folder = tmp_path_factory.mktemp("mixed")
    lines = planted.read_text(encoding="utf-8").splitlines()
    (folder / "a.jsonl").write_text("\n".join(lines[:250]) + "\n", encoding="utf-8")
    repeated = json.dumps({"id": json.loads(lines[3])["id"], "text": "A record whose id the first file used."})
    (folder / "b.jsonl").write_text("\n".join([*lines[250:300], repeated, *lines[300:]]), encoding="utf-8")
    with gzip.open(folder / "c.jsonl.gz", "wt", encoding="utf-8") as packed:
        packed.write("\n".join(lines[:40]) + "\n")
    for name in ("seeds", "more"):
        shutil.copytree(SEEDS, folder / name, ignore=shutil.ignore_patterns("*.md") if name == "more" else None)
    return folder


