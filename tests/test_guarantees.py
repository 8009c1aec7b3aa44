"""What cleanpress guarantees: every input accounted for, byte-identical reruns, atomic output,
and no stage that crashes on random input."""
from __future__ import annotations

import filecmp
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanpress
from cleanpress import CleanConfig
from cleanpress.anchors import translation_anchors
from cleanpress.boilerplate import strip
from cleanpress.document import Document
from cleanpress.fingerprint import fingerprint
from cleanpress.language import identify
from cleanpress.readers import decode_bytes
from cleanpress.repair import repair_text

WORDS = "river bridge council vote budget harvest museum strike railway court tariff grain border".split()
MANIFESTS = ("corpus", "duplicates", "dropped", "removed", "repairs", "skipped", "sources")


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."


def write_corpus(folder: Path, seed: int, documents: int) -> int:
    """A folder of text files and a JSON Lines file with planted copies and junk; returns the
    number of documents a reader will find (every file and every line)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    texts = ["\n".join(paragraph(rng) for _ in range(rng.randint(1, 6))) for _ in range(documents)]
    count = 0
    for n, text in enumerate(texts):
        kind = rng.random()
        if kind < 0.15 and n:
            text = texts[rng.randrange(n)]  # an exact copy
        elif kind < 0.2:
            text = ""  # empty
        (folder / f"doc{n:03d}.txt").write_text(text, encoding="utf-8")
        count += 1
    lines = [json.dumps({"id": f"j{n}", "text": rng.choice(texts)}) for n in range(documents // 2)]
    lines += ["{not json", json.dumps({"id": "no-text"}), json.dumps([1, 2]), json.dumps({"id": "j0", "text": "repeated id"})]
    rng.shuffle(lines)
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    return count + len(lines) + 1


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), documents=st.integers(1, 25))
def test_every_input_ends_in_exactly_one_manifest(tmp_path_factory, seed, documents):
    folder = tmp_path_factory.mktemp("corpus")
    expected = write_corpus(folder / "in", seed, documents)
    report = cleanpress.run([folder / "in"], folder / "out").report
    ids = {name: [r.get("id") for r in read_jsonl(folder / "out" / f"{name}.jsonl")] for name in ("corpus", "duplicates", "skipped")}
    assert sum(len(v) for v in ids.values()) == expected == report["documents"]["read"]
    counts = report["documents"]
    assert (counts["kept"], counts["duplicates"], counts["skipped"]) == tuple(len(ids[n]) for n in ("corpus", "duplicates", "skipped"))
    kept = set(ids["corpus"])
    assert len(kept) == len(ids["corpus"])  # ids are unique in the corpus
    assert all(d["duplicate_of"] in kept for d in read_jsonl(folder / "out" / "duplicates.jsonl"))


def test_reruns_are_byte_identical(tmp_path):
    write_corpus(tmp_path / "in", seed=3, documents=30)
    first = cleanpress.run([tmp_path / "in"], tmp_path / "a")
    again = cleanpress.run([tmp_path / "in"], tmp_path / "b")
    other_workers = cleanpress.run([tmp_path / "in"], tmp_path / "c", CleanConfig(workers=2, batch_size=7))
    for name in (*(f"{m}.jsonl" for m in MANIFESTS), "report.json"):
        assert filecmp.cmp(first.output / name, again.output / name, shallow=False), name
    for name in (*(f"{m}.jsonl" for m in MANIFESTS), "report.json"):
        assert filecmp.cmp(first.output / name, other_workers.output / name, shallow=False), name


def test_input_files_are_never_modified(tmp_path):
    write_corpus(tmp_path / "in", seed=5, documents=10)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "in").iterdir()}
    cleanpress.run([tmp_path / "in"], tmp_path / "out")
    assert before == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "in").iterdir()}


def test_a_killed_run_leaves_the_previous_result_whole(tmp_path):
    write_corpus(tmp_path / "in", seed=9, documents=400)
    out = tmp_path / "out"
    cleanpress.run([tmp_path / "in"], out, CleanConfig(translated=False))
    previous = {p.name: p.read_bytes() for p in out.iterdir()}
    command = [sys.executable, "-m", "cleanpress.cli", "clean", str(tmp_path / "in"), "-o", str(out), "--force", "-q"]
    for delay in (0.3, 0.8, 1.5):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = {p.name: p.read_bytes() for p in out.iterdir()}
        assert now == previous or _is_complete(out), f"torn output after {delay} s"
    cleanpress.run([tmp_path / "in"], out, CleanConfig(translated=False), force=True)
    assert not list(tmp_path.glob(".out.*.partial"))  # the killed runs' staging folders are cleared


def _is_complete(out: Path) -> bool:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return sum(len((out / f"{m}.jsonl").read_text(encoding="utf-8").splitlines()) for m in ("corpus", "duplicates", "skipped")) == report["documents"]["read"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=600))
def test_no_stage_crashes_on_random_unicode(text):
    repaired, _ = repair_text(text)
    stripped = strip(repaired).text
    strip(repaired, mode="html")
    translation_anchors(stripped)
    identify(stripped)
    fingerprint(Document(id="x", text=stripped), CleanConfig())


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000))
def test_decoding_random_bytes_gives_text_or_none(data):
    text = decode_bytes(data)
    assert text is None or isinstance(text, str)
    if text is not None:
        strip(repair_text(text)[0])


def test_pathological_lines_finish(tmp_path):
    hostile = [
        "a" * 200_000,
        "1" * 100_000,
        "@" * 50_000 + "x",
        ("ab. " * 50_000),
        "<" * 100_000,
        "http://" + "a." * 50_000,
        ("Word " * 40_000).strip(),
        "[email protected]" * 5000,
    ]
    for line in hostile:
        started = time.perf_counter()
        repaired, _ = repair_text(line)
        strip(repaired)
        translation_anchors(repaired)
        assert time.perf_counter() - started < 60  # a guard against a hang, not a speed test
