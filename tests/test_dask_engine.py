"""The Dask engine against the local one: byte-identical output folders, on a local cluster of two
worker processes (shared by the module's tests), on the seeds and on a generated corpus with
planted exact, near and translated duplicates."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cleanpress.config import CleanConfig
from cleanpress import dedup
from cleanpress.dask_components import dask_components
from cleanpress.dedup import DuplicateIndex, connected_components
from cleanpress.pipeline import run
from cleanpress.shingle_store import ShingleStore

from conftest import SEEDS, assert_identical, read_jsonl, run_cli

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def test_seeds_identical(cluster, tmp_path):
    config = CleanConfig(batch_size=2)  # several partitions on both workers
    run([SEEDS], tmp_path / "local", config)
    run([SEEDS], tmp_path / "dask", config, engine="dask", client=cluster)
    files = assert_identical(tmp_path / "local", tmp_path / "dask")
    assert b'"translated"' in files["duplicates.jsonl"]  # the seeds' translation pair was found


def test_planted_duplicates_identical(cluster, planted, tmp_path):
    config = CleanConfig(batch_size=32)
    local = run([planted], tmp_path / "local", config)
    run([planted], tmp_path / "dask", config, engine="dask", client=cluster)
    assert_identical(tmp_path / "local", tmp_path / "dask")
    kinds = {d["kind"] for d in read_jsonl(tmp_path / "dask" / "duplicates.jsonl")}
    assert kinds == {"exact", "near", "translated"}
    assert local.report["documents"]["duplicates"] >= 40  # the planted near and exact copies, mostly
    assert read_jsonl(tmp_path / "dask" / "skipped.jsonl")  # the broken line


def test_other_settings_identical(cluster, planted, tmp_path):
    """keep=first, no line frequencies, a lower near threshold: still the same decisions."""
    config = CleanConfig(batch_size=50, keep="first", line_frequency=False, near_threshold=0.6)
    run([planted], tmp_path / "local", config)
    run([planted], tmp_path / "dask", config, engine="dask", client=cluster)
    assert_identical(tmp_path / "local", tmp_path / "dask")


def test_cli_engine_dask_with_scheduler(cluster, planted, tmp_path):
    address = cluster.scheduler.address
    assert run_cli("clean", planted, "-o", tmp_path / "local", "-q", "--batch-size", "64").exit_code == 0
    result = run_cli("clean", planted, "-o", tmp_path / "dask", "-q", "--batch-size", "64", "--engine", "dask", "--scheduler", address)
    assert result.exit_code == 0, result.output
    assert_identical(tmp_path / "local", tmp_path / "dask")


def test_incremental_runs_with_an_index_identical(cluster, planted, tmp_path):
    """Two days of a crawl against a persistent index: the second day's duplicates of the first
    day's documents are dropped the same way, and both indexes end up holding the same documents."""
    lines = planted.read_text(encoding="utf-8").splitlines(keepends=True)
    days = [tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"]
    days[0].write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    days[1].write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    config = CleanConfig(batch_size=40)
    for day in days:
        local = run([day], tmp_path / f"local-{day.stem}", config, index=tmp_path / "local.sqlite")
        dask = run([day], tmp_path / f"dask-{day.stem}", config, index=tmp_path / "dask.sqlite", engine="dask", client=cluster)
        assert_identical(tmp_path / f"local-{day.stem}", tmp_path / f"dask-{day.stem}")
        assert dask.report["index"]["added"] == local.report["index"]["added"] > 0
    first_day = {r["id"] for r in read_jsonl(tmp_path / "local-day1" / "corpus.jsonl")}
    earlier = [d for d in read_jsonl(tmp_path / "dask-day2" / "duplicates.jsonl") if d["duplicate_of"] in first_day]
    assert len(earlier) >= 10 and {d["kind"] for d in earlier} >= {"near"}  # copies of day one's articles
    from cleanpress.persistent import open_index

    with open_index(tmp_path / "local.sqlite", config) as a, open_index(tmp_path / "dask.sqlite", config) as b:
        assert sorted(fp.id for fp in a.fingerprints()) == sorted(fp.id for fp in b.fingerprints())


@pytest.mark.parametrize("split_bytes", [20_000, None])
def test_workers_read_splits_as_the_local_reader(cluster, mixed_inputs, tmp_path, split_bytes):
    """Workers read byte ranges of the JSON Lines files (20 KB: dozens of splits, each starting
    mid-file) and the other files whole: line numbers, skipped lines, ids made unique across
    files and splits, the first pass's line counts and every decision are the local engine's."""
    config = CleanConfig(batch_size=37)
    local = run([mixed_inputs], tmp_path / "local", config)
    run([mixed_inputs], tmp_path / "dask", config, engine="dask", client=cluster, split_bytes=split_bytes)
    files = assert_identical(tmp_path / "local", tmp_path / "dask")
    skipped = [json.loads(line) for line in files["skipped.jsonl"].splitlines()]
    reasons = " ".join(record["reason"] for record in skipped)
    assert "duplicate id" in reasons and "not valid JSON" in reasons
    assert any(record["source"].endswith("b.jsonl") and record["line"] == 51 for record in skipped)  # the repeated id, mid-file
    assert local.report["documents"]["read"] > 450


def test_client_reads_when_asked(cluster, mixed_inputs, tmp_path):
    config = CleanConfig(batch_size=64)
    run([mixed_inputs], tmp_path / "local", config)
    run([mixed_inputs], tmp_path / "dask", config, engine="dask", client=cluster, read_on="client")
    assert_identical(tmp_path / "local", tmp_path / "dask")


def test_cli_read_on(cluster, planted, tmp_path):
    address = cluster.scheduler.address
    for read_on in ("workers", "client"):
        result = run_cli("clean", planted, "-o", tmp_path / read_on, "-q", "--engine", "dask", "--scheduler", address, "--read-on", read_on)
        assert result.exit_code == 0, result.output
    assert_identical(tmp_path / "workers", tmp_path / "client")
    result = run_cli("clean", planted, "-o", tmp_path / "bad", "--read-on", "client")
    assert result.exit_code == 2 and "--engine dask" in result.output


def test_near_pairs_are_scored_where_the_shingles_are(cluster, planted, tmp_path, monkeypatch):
    """The client never holds a shingle set nor scores a pair: the workers do, and decide the same."""
    config = CleanConfig(batch_size=32)
    run([planted], tmp_path / "local", config)
    original_add = DuplicateIndex.add

    def add_without_shingles(index, fp):
        assert fp.shingles is None, "a shingle set reached the client"
        original_add(index, fp)

    monkeypatch.setattr(DuplicateIndex, "add", add_without_shingles)
    monkeypatch.setattr(ShingleStore, "jaccard", lambda *args: pytest.fail("the client scored a pair"))
    run([planted], tmp_path / "dask", config, engine="dask", client=cluster)
    files = assert_identical(tmp_path / "local", tmp_path / "dask")
    assert b'"near"' in files["duplicates.jsonl"]


def test_components_on_the_cluster_are_union_find_s(cluster):
    """Random graphs with long chains, stars, repeated and self links: the same components,
    named by their smallest node, whatever the number of parts."""
    rng = random.Random(11)
    for trial in range(4):
        nodes = rng.sample(range(10_000), 300)
        edges = [tuple(rng.sample(nodes, 2)) for _ in range(150)]
        chain = rng.sample(nodes, 25)
        edges += list(zip(chain, chain[1:]))  # a path 24 links long: 24 rounds of propagation
        edges += [(nodes[0], n) for n in nodes[1:6]] + [(nodes[7], nodes[7]), edges[0]]
        rng.shuffle(edges)
        assert dask_components(edges, cluster, parts=1 + trial) == connected_components(edges)
    assert dask_components([], cluster) == {}


def test_clusters_are_formed_on_the_workers(cluster, planted, tmp_path, monkeypatch):
    config = CleanConfig(batch_size=50)
    run([planted], tmp_path / "local", config)
    monkeypatch.setattr(dedup, "connected_components", lambda edges: pytest.fail("the client formed the clusters"))
    run([planted], tmp_path / "dask", config, engine="dask", client=cluster)
    assert_identical(tmp_path / "local", tmp_path / "dask")


def test_a_worker_that_cannot_see_the_input_stops_the_run_clearly(cluster, tmp_path):
    """Workers without the client's storage: a clear error naming the file and the way out, not a
    corpus of "cannot read file" records."""
    from cleanpress.dask_engine import worker_read
    from cleanpress.readers import InputError, InputFile
    from cleanpress.splits import Split

    gone = InputFile(str(tmp_path / "crawl.jsonl"), tmp_path / "crawl.jsonl", "jsonl")
    with pytest.raises(InputError, match="crawl.jsonl: not found on the Dask worker.*--read-on client"):
        cluster.submit(worker_read, Split((gone,)), CleanConfig()).result()


def test_cli_rejects_bad_combinations(tmp_path):
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--engine", "spark")
    assert result.exit_code == 2 and "--engine" in result.output
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and "--engine dask" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_engine_dask_with_index_reruns_as_a_no_op(cluster, tmp_path):
    address = cluster.scheduler.address
    common = ("-q", "--engine", "dask", "--scheduler", address, "--index", tmp_path / "i.sqlite")
    assert run_cli("clean", SEEDS, "-o", tmp_path / "first", *common).exit_code == 0
    result = run_cli("clean", SEEDS, "-o", tmp_path / "again", *common)
    assert result.exit_code == 0, result.output
    kept_first = read_jsonl(tmp_path / "first" / "corpus.jsonl")
    assert len(kept_first) == 4 and not read_jsonl(tmp_path / "again" / "corpus.jsonl")
    again = read_jsonl(tmp_path / "again" / "duplicates.jsonl")
    assert {d["duplicate_of"] for d in again} <= {r["id"] for r in kept_first} and len(again) == 5
