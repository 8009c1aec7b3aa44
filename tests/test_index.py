"""The persistent index (``clean --index``): incremental runs against SQLite and a real Redis."""
from __future__ import annotations

import json
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cleanpress
from cleanpress import CleanConfig
from cleanpress.persistent import IndexMismatchError, PersistentIndexError, open_index

from conftest import OTHER_ARTICLE, SEEDS, TRANSLATION_PAIR, read_jsonl, run_cli

AZERBAIJANI, BOSNIAN = TRANSLATION_PAIR


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real redis-server of our own on a free port (CI installs Debian's redis-server)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    pytest.importorskip("redis")
    import redis

    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def index_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty index in each store; each Redis test gets its own key prefix."""
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return f"{request.getfixturevalue('redis_url')}?name={request.node.name}"


def _day(folder: Path, *stems: str) -> Path:
    folder.mkdir(parents=True)
    for stem in stems:
        shutil.copy(SEEDS / f"{stem}.txt", folder / f"{stem}.txt")
    return folder


def test_a_translation_of_an_indexed_article_is_dropped_the_next_day(tmp_path, index_location):
    monday = _day(tmp_path / "monday", BOSNIAN, "001_d9873389c63c602c")
    tuesday = _day(tmp_path / "tuesday", AZERBAIJANI, OTHER_ARTICLE)
    first = cleanpress.run([monday], tmp_path / "out1", index=index_location)
    assert first.report["index"]["added"] == 2
    second = cleanpress.run([tuesday], tmp_path / "out2", index=index_location)
    dropped = read_jsonl(tmp_path / "out2" / "duplicates.jsonl")
    assert [(d["id"], d["duplicate_of"], d["kind"], d.get("in_index")) for d in dropped] == [(AZERBAIJANI, BOSNIAN, "translated", True)]
    assert [d["id"] for d in read_jsonl(tmp_path / "out2" / "corpus.jsonl")] == [OTHER_ARTICLE]  # another article on the same visit
    assert second.report["index"] == {"location": index_location, "added": 1, "documents": 3}


def test_rerunning_the_same_input_against_its_own_index_changes_nothing(tmp_path, index_location):
    cleanpress.run([SEEDS], tmp_path / "out1", index=index_location)
    with open_index(index_location) as stored:
        before = [(d.serial, d.id) for d in stored.listing()]
    result = cleanpress.run([SEEDS], tmp_path / "out2", index=index_location)
    assert result.report["index"]["added"] == 0
    assert read_jsonl(tmp_path / "out2" / "corpus.jsonl") == []
    assert all(d["in_index"] for d in read_jsonl(tmp_path / "out2" / "duplicates.jsonl"))
    with open_index(index_location) as stored:
        assert [(d.serial, d.id) for d in stored.listing()] == before


def _articles(rng: random.Random, count: int) -> list[str]:
    vocabulary = [f"w{n}" for n in range(3000)]
    return [" ".join(rng.choice(vocabulary) for _ in range(150)) + "." for _ in range(count)]


def test_near_duplicates_of_earlier_runs_are_dropped_and_new_documents_kept(tmp_path, index_location):
    rng = random.Random(5)
    old = _articles(rng, 40)
    edited = [text.replace(text.split()[3], "changed", 1) for text in old[:10]]  # one word edited
    fresh = _articles(rng, 10)
    config = CleanConfig(translated=False)
    kept_first = list(cleanpress.clean([{"id": f"old{n}", "text": t} for n, t in enumerate(old)], config, index=index_location))
    assert len(kept_first) == 40
    today = [{"id": f"edit{n}", "text": t} for n, t in enumerate(edited)] + [{"id": f"new{n}", "text": t} for n, t in enumerate(fresh)]
    kept = [doc.id for doc in cleanpress.clean(today, config, index=index_location)]
    assert kept == [f"new{n}" for n in range(10)]
    with open_index(index_location) as stored:
        assert len(stored) == 50


def test_an_index_refuses_a_run_with_other_settings(tmp_path, index_location):
    cleanpress.run([SEEDS], tmp_path / "out1", index=index_location)
    with pytest.raises(IndexMismatchError, match="ngram: index 5, this run 3"):
        cleanpress.run([SEEDS], tmp_path / "out2", CleanConfig(ngram=3), index=index_location)
    assert not (tmp_path / "out2").exists()
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out3", "--near-threshold", "0.9", "--index", index_location, "-q")
    assert result.exit_code == 2
    assert "near_threshold: index 0.7, this run 0.9" in result.output


def test_an_index_refuses_a_run_with_other_translated_duplicate_rules(tmp_path, index_location):
    cleanpress.run([SEEDS], tmp_path / "out1", index=index_location)
    with pytest.raises(IndexMismatchError, match="max_length_ratio: index 3.0, this run 2.0"):
        cleanpress.run([SEEDS], tmp_path / "out2", CleanConfig(max_length_ratio=2.0), index=index_location)
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out3", "--no-mutual-best", "--index", index_location, "-q")
    assert result.exit_code == 2
    assert "mutual_best: index True, this run False" in result.output
    assert not (tmp_path / "out2").exists() and not (tmp_path / "out3").exists()


def test_an_index_that_does_not_record_the_length_limit_counts_as_made_without_one(tmp_path):
    """Versions before the length limit recorded neither it nor mutual-best, and had no limit."""
    location = tmp_path / "index.sqlite"
    cleanpress.run([SEEDS], tmp_path / "out1", index=str(location))
    with sqlite3.connect(location) as db:  # the index as such a version left it
        (recorded,) = db.execute("SELECT value FROM settings WHERE key = 'settings'").fetchone()
        older = {k: v for k, v in json.loads(recorded).items() if k not in ("max_length_ratio", "mutual_best")}
        db.execute("UPDATE settings SET value = ? WHERE key = 'settings'", (json.dumps(older),))
    with open_index(str(location)) as stored:
        assert stored.stored_settings()["max_length_ratio"] == 0.0
    with pytest.raises(IndexMismatchError, match="max_length_ratio: index 0.0, this run 3.0"):
        cleanpress.run([SEEDS], tmp_path / "out2", index=str(location))
    again = cleanpress.run([SEEDS], tmp_path / "out3", CleanConfig(max_length_ratio=0), index=str(location))
    assert again.report["documents"]["kept"] == 0  # the same seeds again: all already in the index


def test_a_failed_run_adds_nothing_to_the_index(tmp_path, index_location):
    def documents():
        yield {"id": "a", "text": "A first document that would be kept by this run."}
        raise RuntimeError("the crawler's feed broke")

    with pytest.raises(RuntimeError):
        list(cleanpress.clean(documents(), index=index_location))
    with open_index(index_location, CleanConfig()) as stored:
        assert len(stored) == 0


def test_a_killed_run_leaves_the_index_usable(tmp_path):
    location = tmp_path / "index.sqlite"
    corpus = tmp_path / "in"
    corpus.mkdir()
    rng = random.Random(11)
    for n, text in enumerate(_articles(rng, 600)):
        (corpus / f"doc{n:04d}.txt").write_text(text, encoding="utf-8")
    cleanpress.run([_day(tmp_path / "monday", BOSNIAN)], tmp_path / "out0", index=location)
    command = [sys.executable, "-m", "cleanpress.cli", "clean", str(corpus), "-o", str(tmp_path / "out"), "--force", "-q", "--index", str(location)]
    for delay in (0.5, 1.5):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with open_index(location, CleanConfig()) as stored:
            assert len(stored) in (1, 601), "a killed run added part of its documents"
    result = cleanpress.run([corpus], tmp_path / "out", index=location, force=True)
    assert result.report["index"]["documents"] == 601 and result.report["documents"]["read"] == 600


def test_index_list_remove_and_compact_from_the_command_line(tmp_path, index_location):
    cleanpress.run([SEEDS], tmp_path / "out1", index=index_location)
    listed = run_cli("index", "list", index_location, "--format", "jsonl")
    assert listed.exit_code == 0
    ids = [line.split('"id": "')[1].split('"')[0] for line in listed.output.splitlines()]
    assert sorted(ids) == sorted({p.stem for p in SEEDS.glob("*.txt")} - {AZERBAIJANI})
    assert run_cli("index", "remove", index_location, BOSNIAN).exit_code == 0
    # with the Bosnian report forgotten, its Azerbaijani translation is new again
    cleanpress.run([_day(tmp_path / "again", AZERBAIJANI)], tmp_path / "out2", index=index_location)
    assert [d["id"] for d in read_jsonl(tmp_path / "out2" / "corpus.jsonl")] == [AZERBAIJANI]
    compacted = run_cli("index", "compact", index_location)
    assert compacted.exit_code == 0 and "unused anchor name" in compacted.output
    info = run_cli("index", "info", index_location)
    assert '"documents": 4' in info.output and '"ngram": 5' in info.output


def test_anchors_of_indexed_documents_are_named_in_decisions(tmp_path, index_location):
    cleanpress.run([_day(tmp_path / "monday", BOSNIAN)], tmp_path / "out1", index=index_location)
    cleanpress.run([_day(tmp_path / "tuesday", AZERBAIJANI)], tmp_path / "out2", index=index_location)
    (decision,) = read_jsonl(tmp_path / "out2" / "duplicates.jsonl")
    assert decision["anchors"] and not any(len(a) == 16 and a.isalnum() and not a.isalpha() for a in decision["anchors"][:3])
    assert "tmt" in decision["anchors"] or "ntl" in decision["anchors"]  # names, read back from the index


def test_a_file_that_is_not_an_index_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not an index\n" * 100, encoding="utf-8")
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--index", bogus, "-q")
    assert result.exit_code == 2 and "notes.sqlite" in result.output and "not a usable SQLite index" in result.output
    assert bogus.read_text(encoding="utf-8").startswith("these are my notes")
    with pytest.raises(PersistentIndexError):
        open_index(bogus)
    assert run_cli("index", "list", tmp_path / "missing.sqlite").exit_code == 2
