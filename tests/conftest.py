"""Shared fixtures: the bundled seed corpus and a helper that runs the CLI in-process."""
from __future__ import annotations

import json
import shutil
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
