"""Splits: reading the input in pieces gives what reading it whole gives, and the local engine
with workers, which read their own splits, writes what one process writes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanpress import pipeline
from cleanpress.config import CleanConfig
from cleanpress.document import Document
from cleanpress.pipeline import run
from cleanpress.readers import read_documents, unique_ids
from cleanpress.splits import Admission, admitted_items, count_line_breaks, document_origins, numbered, plan_splits, read_split

from conftest import assert_identical


def described(items) -> list[tuple]:
    """What a reader said of each item: id, where, order, text or reason."""
    return [(item.id, item.where, getattr(item, "order", None), item.text if isinstance(item, Document) else item.reason) for item in items]


def read_in_splits(paths, config: CleanConfig, split_bytes: int) -> list:
    """Every split read on its own, then admitted in reading order, as the engines do."""
    splits = plan_splits(paths, split_bytes=split_bytes, files_per_split=3)
    splits = numbered(splits, [count_line_breaks(split) for split in splits])
    admission, order, items = Admission(), 0, []
    for split in splits:
        read = read_split(split, config)
        verdicts, admitted = admission.admit(document_origins(read))
        items += admitted_items(read, 0, len(read), verdicts, order)
        order += sum(admitted)
    return items


@pytest.fixture
def awkward_jsonl(tmp_path) -> Path:
    """Blank lines, a line longer than any split, a broken line, a repeated id, a legacy-encoded
    line, Windows line ends, and no line break at the end."""
    lines = [json.dumps({"id": f"r{i}", "text": f"Story number {i}, told at length."}) for i in range(40)]
    lines[7] = ""
    lines[12] = json.dumps({"id": "long", "text": "word " * 2000})
    lines[20] = '{"id": "broken", "text": '
    lines[25] = json.dumps({"id": "r3", "text": "The same id again."})
    path = tmp_path / "feed.jsonl"
    data = "\n".join(lines[:30]).encode("utf-8") + b"\n" + '{"id": "cp", "text": "Привет"}'.encode("cp1251") + b"\r\n"
    path.write_bytes(data + "\r\n".join(lines[31:]).encode("utf-8"))
    return path


@pytest.mark.parametrize("split_bytes", [1, 50, 333, 4096, 1 << 20])
def test_splits_read_what_the_whole_file_reads(awkward_jsonl, split_bytes):
    config = CleanConfig()
    expected = described(pipeline._numbered(read_documents([awkward_jsonl], config)))
    assert described(read_in_splits([awkward_jsonl], config, split_bytes)) == expected
    assert any("duplicate id" in str(item[3]) for item in expected) and any("not valid JSON" in str(item[3]) for item in expected)


def test_every_kind_of_input_read_in_splits(mixed_inputs):
    config = CleanConfig()
    expected = described(pipeline._numbered(read_documents([mixed_inputs], config)))
    assert described(read_in_splits([mixed_inputs], config, 20_000)) == expected
    splits = plan_splits([mixed_inputs], split_bytes=20_000, files_per_split=3)
    assert sum(split.lines is not None for split in splits) > 20  # the two JSON Lines files, in ranges
    assert all(len(split.files) <= 3 for split in splits)


def test_large_pages_are_grouped_by_size_so_that_every_worker_gets_some(tmp_path):
    for n in range(6):
        (tmp_path / f"page{n}.html").write_text("<p>" + "Gas talks went on. " * 2000 + "</p>", encoding="utf-8")  # ~40 KB
    splits = plan_splits([tmp_path], split_bytes=100_000, files_per_split=256)
    assert [len(split.files) for split in splits] == [3, 3]  # not one group of six for one worker
    assert [f.name for split in splits for f in split.files] == sorted(str(p) for p in tmp_path.glob("*.html"))


def test_ranges_cut_just_after_line_breaks(awkward_jsonl):
    data = awkward_jsonl.read_bytes()
    splits = plan_splits([awkward_jsonl], split_bytes=100)
    assert splits[0].lines.start == 0 and splits[-1].lines.end == len(data)
    for before, after in zip(splits, splits[1:]):
        assert before.lines.end == after.lines.start and data[after.lines.start - 1:after.lines.start] == b"\n"


def test_unique_ids_is_admission_in_one_piece(mixed_inputs):
    config = CleanConfig()
    plain = list(unique_ids(item for split in plan_splits([mixed_inputs]) for item in read_split(split, config)))
    assert described(plain) == described(read_documents([mixed_inputs], config))


@pytest.mark.parametrize("options", [{"batch_size": 37}, {"batch_size": 16, "line_frequency": False}])
def test_workers_reading_their_own_splits_write_what_one_process_writes(mixed_inputs, tmp_path, monkeypatch, options):
    monkeypatch.setattr(pipeline, "LOCAL_SPLIT_BYTES", 20_000)  # dozens of splits, each starting mid-file
    run([mixed_inputs], tmp_path / "one", CleanConfig(**options))
    result = run([mixed_inputs], tmp_path / "two", CleanConfig(workers=2, **options))
    files = assert_identical(tmp_path / "one", tmp_path / "two")
    assert b"duplicate id" in files["skipped.jsonl"] and result.report["documents"]["duplicates"] > 20
