"""Formats and pipes: compressed JSON Lines, standard input and output, Parquet, WARC, globs,
lists of paths, every output format, the configuration file. Every file is written here by the
library that owns the format (zstandard, pyarrow, warcio)."""
from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import cleanpress
from cleanpress.config import CleanConfig
from cleanpress.document import Document, Skipped
from cleanpress.readers import read_documents

from conftest import SEEDS, TRANSLATION_PAIR, read_jsonl, run_cli

SEED_STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
KEPT_SEEDS = set(SEED_STEMS) - {TRANSLATION_PAIR[0]}  # the translated pair's shorter half is dropped


def seed_records() -> list[dict]:
    """The seeds as records with metadata of several types (the translated pair included)."""
    return [
        {"id": stem, "body": (SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), "url": f"https://www.site{i % 2}.org/a/{i}",
         "views": i, "tags": ["news", str(i)], "score": 0.5 + i}
        for i, stem in enumerate(SEED_STEMS)
    ]


def jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def read(*paths, **options):
    return list(read_documents([str(p) for p in paths], CleanConfig(**options)))


# ---------------------------------------------------------------------------- JSON Lines, zstd, stdin


def test_zstd_jsonl_is_read_with_fields_and_metadata_untouched(tmp_path):
    path = tmp_path / "crawl.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(jsonl_bytes(seed_records())))
    docs = read(path, text_field="body")
    assert [d.id for d in docs] == SEED_STEMS
    first = docs[1]
    assert first.metadata == {"views": 1, "tags": ["news", "1"], "score": 1.5}
    assert (first.url, first.site) == ("https://www.site1.org/a/1", "site1.org")


def test_truncated_zstd_keeps_the_lines_before_and_names_the_file_and_line(tmp_path):
    compressed = io.BytesIO()
    with zstandard.ZstdCompressor().stream_writer(compressed, closefd=False) as writer:
        for record in seed_records():  # a block per line, as a streaming crawler writes them
            writer.write(jsonl_bytes([record]))
            writer.flush(zstandard.FLUSH_BLOCK)
    whole = compressed.getvalue()
    (tmp_path / "cut.jsonl.zst").write_bytes(whole[: len(whole) * 2 // 3])
    (tmp_path / "ok.jsonl").write_bytes(jsonl_bytes([{"id": "other", "body": "Another article entirely."}]))
    items = read(tmp_path, text_field="body")
    docs = [i for i in items if isinstance(i, Document)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [d.id for d in docs] == [*SEED_STEMS[: len(docs) - 1], "other"] and len(docs) >= 3
    assert len(skipped) == 1 and skipped[0].source.endswith("cut.jsonl.zst") and skipped[0].line == len(docs)
    assert "damaged compressed file" in skipped[0].reason


def test_pipe_through_a_real_subprocess(tmp_path):
    """cat x.jsonl | cleanpress clean - -o - | (a JSON reader): stdout holds JSON Lines only."""
    source = tmp_path / "x.jsonl"
    source.write_bytes(jsonl_bytes(seed_records()))
    cleanpress_cli = Path(sys.executable).with_name("cleanpress")
    reader = f"{sys.executable} -c 'import sys, json; print(json.dumps([json.loads(l) for l in sys.stdin]))'"
    command = f"cat {source} | {cleanpress_cli} clean - -o - --text-field body --manifest-dir {tmp_path / 'm'} | {reader}"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, check=True)
    kept = json.loads(result.stdout)
    assert {r["id"] for r in kept} == KEPT_SEEDS
    assert all(r["source"] in ("site0.org", "site1.org") and "views" in r for r in kept)
    report = json.loads((tmp_path / "m" / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == {"read": 5, "kept": 4, "duplicates": 1, "skipped": 0}
    assert not (tmp_path / "m" / "corpus.jsonl").exists()
    assert [r["id"] for r in read_jsonl(tmp_path / "m" / "duplicates.jsonl")] == ["000_23abae5eefcf2c15"]


def test_stdout_without_manifest_dir_writes_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "x.jsonl.gz").write_bytes(gzip.compress(jsonl_bytes(seed_records())))
    monkeypatch.chdir(tmp_path)
    result = subprocess.run([str(Path(sys.executable).with_name("cleanpress")), "clean", "-", "-o", "-", "--text-field", "body"],
                            input=(tmp_path / "x.jsonl.gz").read_bytes(), capture_output=True, check=True)
    assert {json.loads(line)["id"] for line in result.stdout.decode("utf-8").splitlines()} == KEPT_SEEDS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.jsonl.gz"]
    assert b"documents read" in result.stderr  # the summary goes to standard error


# ---------------------------------------------------------------------------- Parquet


def test_parquet_is_read_in_batches_with_the_same_field_options(tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    records = seed_records()
    pq.write_table(pa.Table.from_pylist(records[:3]), folder / "a.parquet", row_group_size=2)
    pq.write_table(pa.Table.from_pylist([{**r, "source": "kun.uz"} for r in records[3:]]), folder / "b.parquet")
    docs = read(folder, text_field="body", batch_size=2)
    assert [d.id for d in docs] == SEED_STEMS
    assert [d.source_line for d in docs] == [1, 2, 3, 1, 2]
    assert [d.site for d in docs] == ["site0.org", "site1.org", "site0.org", "kun.uz", "kun.uz"]
    assert docs[2].metadata == {"views": 2, "tags": ["news", "2"], "score": 2.5}


def test_corrupt_parquet_is_skipped_with_its_name_and_other_files_are_kept(tmp_path):
    pq.write_table(pa.Table.from_pylist(seed_records()), tmp_path / "good.parquet")
    whole = (tmp_path / "good.parquet").read_bytes()
    (tmp_path / "broken.parquet").write_bytes(whole[: len(whole) // 2])
    items = read(tmp_path, text_field="body")
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].source.endswith("broken.parquet") and "Parquet" in skipped[0].reason
    assert [i.id for i in items if isinstance(i, Document)] == SEED_STEMS


# ---------------------------------------------------------------------------- WARC


def write_warc(path: Path, pages: list[dict]) -> None:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for page in pages:
            html = (f"<html><head><title>News</title></head><body><nav><a href='/'>Home</a></nav><article><h1>News</h1>"
                    + "".join(f"<p>{p}</p>" for p in page["body"].split("\n\n")) + "</article></body></html>").encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(page["url"], "response", payload=io.BytesIO(html), http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://site0.org/logo.png", "response", payload=io.BytesIO(b"\x89PNG\r\n"), http_headers=image))


def test_warc_html_responses_become_documents_and_other_records_are_counted(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz", seed_records())
    out = tmp_path / "out"
    result = run_cli("clean", tmp_path / "crawl.warc.gz", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    kept = read_jsonl(out / "corpus.jsonl")
    assert len(kept) == 4 and all(r["url"].startswith("https://www.site") and r["source"].startswith("site") for r in kept)
    assert all(r["crawl_date"] and r["id"].startswith("urn:uuid:") for r in kept)
    assert any("Vladimir Putin" in r["text"] for r in kept) and not any("Home" in r["text"].splitlines() for r in kept)
    skipped = read_jsonl(out / "skipped.jsonl")
    assert sorted(s["reason"].split(" (")[0] for s in skipped) == ["WARC warcinfo record, not a document", "not HTML: WARC response of image/png"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"]["read"] == 7 and report["documents"]["skipped"] == 2
    assert report["skipped"] == {"WARC warcinfo record, not a document": 1, "not HTML": 1}  # counted by kind
    # records that are not documents are no input error: --strict runs and check does not count them
    assert run_cli("clean", tmp_path / "crawl.warc.gz", "-o", tmp_path / "strict", "-q", "--strict").exit_code == 0
    checked = run_cli("check", tmp_path / "crawl.warc.gz", "--format", "json", "--max-duplicate-rate", "1",
                      "--max-boilerplate", "1", "--max-short-rate", "1", "--max-damaged-rate", "1")
    unreadable = next(c for c in json.loads(checked.output)["checks"] if c["name"] == "unreadable")
    assert unreadable["details"]["inputs"] == 0 and unreadable["passed"]


def test_damaged_warc_keeps_the_records_before_and_names_the_record(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz", seed_records())
    whole = (tmp_path / "crawl.warc.gz").read_bytes()
    (tmp_path / "crawl.warc.gz").write_bytes(whole[: len(whole) * 2 // 3])  # a crawl cut short
    write_warc(tmp_path / "garbled.warc", seed_records()[:1])
    garbled = (tmp_path / "garbled.warc").read_bytes().replace(b"WARC-Type: response", b"WARC-Tpye: response")
    (tmp_path / "garbled.warc").write_bytes(garbled)
    items = read(tmp_path)
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) >= 2 and [d.url for d in docs] == [f"https://www.site{i % 2}.org/a/{i}" for i in range(len(docs))]
    damaged = [i for i in items if isinstance(i, Skipped) and "damaged WARC" in i.reason]
    assert [(Path(i.source).name, i.line) for i in damaged] == [("crawl.warc.gz", len(docs) + 2), ("garbled.warc", 2), ("garbled.warc", 3)]  # the page and the image
    assert "truncated" in damaged[0].reason and "at byte" in damaged[0].reason


# ---------------------------------------------------------------------------- paths: globs, lists, sites


def test_globs_and_lists_of_paths_and_the_folder_as_site(tmp_path, monkeypatch):
    for site in ("azadliq", "kun"):
        (tmp_path / site).mkdir()
    (tmp_path / "azadliq" / "a.txt").write_text("Gas talks in Moscow.", encoding="utf-8")
    (tmp_path / "kun" / "b.txt").write_text("Elections in Tashkent.", encoding="utf-8")
    (tmp_path / "kun" / "c.md").write_text("not read", encoding="utf-8")
    (tmp_path / "paths.txt").write_text("# inputs\nkun/b.txt\n\nazadliq/*.txt\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [(d.id, d.site) for d in read("*/*.txt")] == [("a", "azadliq"), ("b", "kun")]
    assert [d.id for d in read("@paths.txt")] == ["b", "a"]
    assert run_cli("clean", "nothing/*.jsonl", "-o", "out").exit_code == 2


def test_source_field_names_the_site_and_other_fields_pass_through(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(jsonl_bytes([{"id": "a", "text": "Gas talks in Moscow on Tuesday.", "outlet": "Kun.uz",
                                                      "url": "https://www.other.org/x", "nested": {"k": [1, None]}}]))
    out = tmp_path / "out"
    assert run_cli("clean", tmp_path / "in.jsonl", "-o", out, "--source-field", "outlet", "-q").exit_code == 0
    [record] = read_jsonl(out / "corpus.jsonl")
    assert (record["source"], record["url"], record["nested"]) == ("Kun.uz", "https://www.other.org/x", {"k": [1, None]})
    assert record["outlet"] == "Kun.uz"  # the field itself passes through untouched


# ---------------------------------------------------------------------------- output formats


@pytest.fixture
def jsonl_input(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(jsonl_bytes(seed_records()))
    return path


def test_jsonl_gz_output(tmp_path, jsonl_input):
    out = tmp_path / "out"
    assert run_cli("clean", jsonl_input, "-o", out, "--text-field", "body", "--output-format", "jsonl.gz", "-q").exit_code == 0
    lines = gzip.decompress((out / "corpus.jsonl.gz").read_bytes()).decode("utf-8").splitlines()
    assert {json.loads(line)["id"] for line in lines} == KEPT_SEEDS and not (out / "corpus.jsonl").exists()
    first = (out / "corpus.jsonl.gz").read_bytes()
    assert run_cli("clean", jsonl_input, "-o", out, "--text-field", "body", "--output-format", "jsonl.gz", "-q", "--force").exit_code == 0
    assert (out / "corpus.jsonl.gz").read_bytes() == first  # no timestamp in the gzip header


def test_txt_output_one_file_per_document(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(jsonl_bytes([{"id": "kun/2025:1", "text": "Elections in Tashkent on Sunday."},
                                                     {"id": "b", "text": "Gas talks in Moscow on Tuesday."}]))
    out = tmp_path / "out"
    assert run_cli("clean", tmp_path / "in.jsonl", "-o", out, "--output-format", "txt", "-q").exit_code == 0
    assert sorted(p.name for p in (out / "corpus").iterdir()) == ["b.txt", "kun%2F2025%3A1.txt"]
    assert (out / "corpus" / "b.txt").read_text(encoding="utf-8") == "Gas talks in Moscow on Tuesday."


def test_parquet_output_schema_is_read_by_pandas_polars_duckdb_and_datasets(tmp_path, jsonl_input, monkeypatch):
    out = tmp_path / "out"
    assert run_cli("clean", jsonl_input, "-o", out, "--text-field", "body", "--output-format", "parquet", "-q").exit_code == 0
    path = out / "corpus.parquet"
    schema = pq.read_schema(path)
    assert schema.names == ["id", "text", "lang", "date", "source", "url", "views", "tags", "score", "title"]
    assert [str(t) for t in schema.types] == ["string"] * 6 + ["int64", "string", "double", "string"]
    table = pq.read_table(path)
    assert set(table.column("id").to_pylist()) == KEPT_SEEDS
    assert json.loads(table.column("tags").to_pylist()[0])[0] == "news"

    import duckdb
    import pandas
    import polars

    assert set(pandas.read_parquet(path)["id"]) == KEPT_SEEDS
    assert polars.read_parquet(path)["views"].dtype == polars.Int64
    assert duckdb.sql(f"SELECT count(*), count(DISTINCT source) FROM '{path}'").fetchall()[0] == (4, 2)

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    loaded = datasets.load_dataset("parquet", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == 4 and set(loaded["id"]) == KEPT_SEEDS and loaded.features["views"].dtype == "int64"


def test_output_options_that_do_not_go_together_are_usage_errors(tmp_path, jsonl_input):
    assert run_cli("clean", jsonl_input, "-o", "-", "--output-format", "parquet").exit_code == 2
    assert run_cli("clean", jsonl_input, "-o", tmp_path / "o", "--manifest-dir", tmp_path / "m").exit_code == 2
    assert run_cli("clean", jsonl_input, "-o", tmp_path / "o", "--output-format", "xml").exit_code == 2


# ---------------------------------------------------------------------------- configuration file and API


def test_config_file_options_apply_to_clean_and_the_command_line_wins(tmp_path, jsonl_input, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.cleanpress]\ntext-field = 'body'\noutput-format = 'parquet'\n[tool.cleanpress.check]\nmin-chars = 5\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert run_cli("clean", jsonl_input, "-o", tmp_path / "a", "-q").exit_code == 0
    assert pq.read_table(tmp_path / "a" / "corpus.parquet").num_rows == 4
    assert run_cli("clean", jsonl_input, "-o", tmp_path / "b", "-q", "--output-format", "jsonl").exit_code == 0
    assert len(read_jsonl(tmp_path / "b" / "corpus.jsonl")) == 4
    (tmp_path / "sub" / "cleanpress.toml").write_text("near-threshold = 'high'\n", encoding="utf-8")
    result = run_cli("clean", jsonl_input, "-o", tmp_path / "c")
    assert result.exit_code == 2 and "cleanpress.toml: near-threshold: expected float" in result.output


def test_api_clean_is_lazy_and_takes_strings_and_dicts():
    consumed = []

    def documents():
        for record in seed_records():
            consumed.append(record["id"])
            yield {"id": record["id"], "text": record["body"], "views": record["views"]}
        yield "A short separate note about the weather in Baku today."

    cleaned = cleanpress.clean(documents(), output_format="parquet")  # options are CleanConfig fields
    assert consumed == []  # nothing read until the first document is asked for
    kept = list(cleaned)
    assert {d.id for d in kept} == KEPT_SEEDS | {"5"} and consumed == SEED_STEMS
    assert kept[0].metadata == {"views": 1, "title": "Tokayev Soçiyə gedir\nSTRATEJİ ƏHƏMİYYƏTLİ SƏNƏDLƏR İMZALANA BİLƏR"}
