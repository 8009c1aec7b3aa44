"""The `cleanpress clean` command, end to end on the bundled seeds and on generated inputs."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
from cleanpress.readers import split_date_header
from conftest import OTHER_ARTICLE, SEEDS, TRANSLATION_PAIR, read_jsonl, run_cli, seed_text


def clean_seeds(seeds_dir: Path, out: Path, *extra: str) -> dict[str, list[dict]]:
    result = run_cli("clean", seeds_dir, "-o", out, "--quiet", *extra)
    assert result.exit_code == 0, result.output
    return {name: read_jsonl(out / f"{name}.jsonl") for name in ("corpus", "duplicates", "dropped", "removed", "repairs", "skipped", "sources")}


def test_seeds_keep_four_documents_and_drop_one_translation(seeds_dir, tmp_path):
    out = clean_seeds(seeds_dir, tmp_path / "out")
    kept = {doc["id"] for doc in out["corpus"]}
    assert len(kept) == 4
    (dropped,) = out["duplicates"]
    assert {dropped["id"], dropped["duplicate_of"]} == set(TRANSLATION_PAIR)
    assert dropped["kind"] == "translated" and 0 < dropped["score"] <= 1
    assert OTHER_ARTICLE in kept


def test_seed_documents_have_language_and_date(seeds_dir, tmp_path):
    corpus = {d["id"]: d for d in clean_seeds(seeds_dir, tmp_path / "out")["corpus"]}
    assert corpus["001_d9873389c63c602c"]["lang"] == "az"
    assert corpus[OTHER_ARTICLE]["lang"] == "uz"
    assert corpus[OTHER_ARTICLE]["date"] == "2025-11-10"
    assert not corpus[OTHER_ARTICLE]["text"].startswith(" date")
    assert "MOSKVA" in corpus[OTHER_ARTICLE]["text"] and "МОSKVА" not in corpus[OTHER_ARTICLE]["text"]


def test_seed_001_loses_its_chrome_and_keeps_its_body(seeds_dir, tmp_path):
    corpus = {d["id"]: d for d in clean_seeds(seeds_dir, tmp_path / "out")["corpus"]}
    text = corpus["001_d9873389c63c602c"]["text"]
    for chrome in ("Baş yazı", "Digər xəbərlər", "SenzoR.az", "Telefon", "Email", "Bütün hüquqlar", "Reklam"):
        assert chrome not in text
    for body in ("Türk dövlətləri arasında inteqrasiyanın", "Kənan Novruzov"):
        assert body in text
    assert corpus["001_d9873389c63c602c"]["title"] == "Tokayev Soçiyə gedir\nSTRATEJİ ƏHƏMİYYƏTLİ SƏNƏDLƏR İMZALANA BİLƏR"
    assert "Tokayev Soçiyə gedir" not in text


def test_the_headline_goes_to_the_title_stays_in_the_text_or_is_left_to_the_model(seeds_dir, tmp_path):
    def seed_001(mode: str) -> tuple[dict, dict]:
        out = clean_seeds(seeds_dir, tmp_path / mode, *(("--headline", mode) if mode else ()))
        (doc,) = [d for d in out["corpus"] if d["id"] == "001_d9873389c63c602c"]
        (removed,) = [r["lines"] for r in out["removed"] if r["id"] == "001_d9873389c63c602c"]
        return doc, {line["text"]: line for line in removed}

    doc, removed = seed_001("")  # the default: title
    assert doc["title"].startswith("Tokayev Soçiyə gedir") and removed["Tokayev Soçiyə gedir"]["rule"] == "headline"
    doc, removed = seed_001("text")
    assert doc["text"].startswith("Tokayev Soçiyə gedir\n") and "title" not in doc
    doc, removed = seed_001("model")
    assert "Tokayev Soçiyə gedir" not in doc["text"] and "title" not in doc
    assert removed["Tokayev Soçiyə gedir"]["rule"] in ("line-model", "outside-article")
    assert removed["Tokayev Soçiyə gedir"]["score"] is not None
    assert run_cli("clean", seeds_dir, "-o", tmp_path / "bad", "--headline", "top").exit_code == 2


def test_seed_002_loses_its_chrome_and_keeps_the_article(seeds_dir, tmp_path):
    corpus = {d["id"]: d for d in clean_seeds(seeds_dir, tmp_path / "out")["corpus"]}
    text = corpus["002_99356e1c46aaa62b"]["text"]
    lines = text.splitlines()
    for chrome in ("Icma.az", "Baxış sayı", "Mənbə", "arxivləşdirilmişdir", "Şərh", "Günün ən çox oxunanları",
                   "Son xəbərlər", "Qaynarinfo saytından", "Bundesliqa"):
        assert chrome not in text
    for word in ("close", "up", "RU"):
        assert word not in lines
    assert "Tokayevin Ankara səfəri Rusiyanı niyə qıcıqlandırır?" not in text
    assert corpus["002_99356e1c46aaa62b"]["title"] == "Tokayevin Ankara səfəri Rusiyanı niyə qıcıqlandırır? (ŞƏRH)"
    for body in ("Yaxın zamanlarda Kremlin", "Başqırdıstanda, Tatarıstanda", "Rüfət Sultan"):
        assert body in text


def test_every_removed_line_names_a_rule(seeds_dir, tmp_path):
    removed = clean_seeds(seeds_dir, tmp_path / "out")["removed"]
    assert {r["id"] for r in removed} >= {"001_d9873389c63c602c", "002_99356e1c46aaa62b"}
    for record in removed:
        for line in record["lines"]:
            assert line["rule"] and line["text"].strip() and line["line"] >= 1


def test_every_input_document_is_accounted_for(seeds_dir, tmp_path):
    out = clean_seeds(seeds_dir, tmp_path / "out")
    ids = [d["id"] for d in out["corpus"]] + [d["id"] for d in out["duplicates"]] + [d["id"] for d in out["skipped"]]
    assert sorted(ids) == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["documents"] == {"read": 5, "kept": 4, "duplicates": 1, "skipped": 0}


def test_mojibake_copy_with_extra_whitespace_is_a_duplicate(copy_seeds, tmp_path):
    original = seed_text("003_f46eb504ccd924e4")
    damaged = original.encode("utf-8").decode("sloppy-windows-1252")  # UTF-8 read as cp1252: the classic mojibake
    damaged = damaged.replace(" ", "   ").replace("\n", "\n\n\n")
    (copy_seeds / "damaged_copy.txt").write_text(damaged, encoding="utf-8")
    out = clean_seeds(copy_seeds, tmp_path / "out")
    dropped = {d["id"]: d for d in out["duplicates"]}
    assert dropped["damaged_copy"]["duplicate_of"] == "003_f46eb504ccd924e4"  # same length: the first read is kept
    assert dropped["damaged_copy"]["kind"] == "exact"


def test_missing_input_is_an_error_without_traceback(tmp_path):
    result = run_cli("clean", tmp_path / "nowhere", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "nowhere" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_existing_output_needs_force(seeds_dir, tmp_path):
    out = tmp_path / "out"
    clean_seeds(seeds_dir, out)
    again = run_cli("clean", seeds_dir, "-o", out, "--quiet")
    assert again.exit_code == 2 and "--force" in again.output
    assert len(read_jsonl(out / "corpus.jsonl")) == 4  # the earlier result is untouched
    assert len(clean_seeds(seeds_dir, out, "--force")["corpus"]) == 4


def test_jsonl_gz_with_custom_fields_and_a_bad_line(tmp_path):
    path = tmp_path / "crawl.jsonl.gz"
    lines = [
        json.dumps({"url_id": "a1", "body": seed_text("001_d9873389c63c602c"), "site": "example.az"}),
        "{not json",
        json.dumps({"url_id": "a2", "title": "no body here"}),
        json.dumps(["a", "list"]),
        json.dumps({"url_id": "a3", "body": seed_text(OTHER_ARTICLE)}),
    ]
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    result = run_cli("clean", path, "-o", tmp_path / "out", "--quiet", "--text-field", "body", "--id-field", "url_id")
    assert result.exit_code == 0, result.output
    corpus = {d["id"]: d for d in read_jsonl(tmp_path / "out" / "corpus.jsonl")}
    assert set(corpus) == {"a1", "a3"}
    assert corpus["a1"]["site"] == "example.az"  # metadata passes through
    assert corpus["a3"]["date"] == "2025-11-10"
    skipped = read_jsonl(tmp_path / "out" / "skipped.jsonl")
    assert [(s["line"], s["source"]) for s in skipped] == [(2, str(path)), (3, str(path)), (4, str(path))]
    assert "JSON" in skipped[0]["reason"] and "body" in skipped[1]["reason"] and "list" in skipped[2]["reason"]
    assert f"{path}:2: not valid JSON" in " ".join(result.output.split())  # the user is told at once


def test_unreadable_and_binary_files_are_reported_and_the_rest_kept(seeds_dir, copy_seeds, tmp_path):
    (copy_seeds / "gone.txt").symlink_to(tmp_path / "missing-target")
    (copy_seeds / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    result = run_cli("clean", copy_seeds, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "gone.txt: cannot read file" in flat and "photo.txt: binary" in flat
    assert len(read_jsonl(tmp_path / "out" / "corpus.jsonl")) == 4
    assert len(read_jsonl(tmp_path / "out" / "skipped.jsonl")) == 2


def test_html_files_are_extracted_first(tmp_path):
    paragraphs = "".join(f"<p>{line}</p>" for line in seed_text("003_f46eb504ccd924e4").split("\n") if line.strip())
    page = f"<html><body><nav><a href='/'>Početna</a><a href='/v'>Vijesti</a></nav><article>{paragraphs}</article></body></html>"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(page, encoding="utf-8")
    result = run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    (doc,) = read_jsonl(tmp_path / "out" / "corpus.jsonl")
    assert "<p>" not in doc["text"] and "Početna" not in doc["text"]
    assert "Tokajev je stigao 11. novembra" in doc["text"] and doc["lang"] in ("bs", "hr", "sr")


def test_an_html_page_gives_its_title_and_date_from_the_markup(tmp_path):
    def article(stem: str) -> str:  # without the seeds' " date YYYY-MM-DD" header, which a page would show
        _, text = split_date_header(seed_text(stem))
        return "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip())

    head = ("<head><title>Tokajev u Washingtonu\n | Radio Slobodna Evropa</title>"
            "<meta property='og:title' content='Tokajev u Washingtonu'>"
            "<meta property='article:published_time' content='2025-11-12T08:00:00+01:00'></head>")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(f"<html>{head}<body><article>{article('003_f46eb504ccd924e4')}</article></body></html>", encoding="utf-8")
    (tmp_path / "in" / "bare.html").write_text(f"<html><body><article>{article('004_854e4821269078e4')}</article></body></html>", encoding="utf-8")
    result = run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    docs = {doc["id"]: doc for doc in read_jsonl(tmp_path / "out" / "corpus.jsonl")}
    assert docs["page"]["title"] == "Tokajev u Washingtonu" and docs["page"]["date"] == "2025-11-12"
    assert "title" not in docs["bare"] and "date" not in docs["bare"]
    assert "Radio Slobodna Evropa" not in docs["page"]["text"]  # the title is a field, the text the article's


def test_cleaning_a_clean_run_s_corpus_again_changes_no_text(tmp_path):
    """A clean corpus has lost the page edges that the positional rules and the line model read:
    cleaned again as pages, its first lines would read as headlines; as stripped text (what
    clean assumes for its own corpus) only chrome that pattern rules name on their own goes."""
    first = tmp_path / "first"
    assert run_cli("clean", SEEDS, "-o", first, "-q", "--headline", "text").exit_code == 0
    again = tmp_path / "again"
    assert run_cli("clean", first / "corpus.jsonl", "-o", again, "-q").exit_code == 0
    assert read_jsonl(again / "corpus.jsonl") == read_jsonl(first / "corpus.jsonl")
    report = json.loads((again / "report.json").read_text(encoding="utf-8"))
    assert report["config"]["input_texts"] == "stripped" and report["boilerplate"]["lines_removed"] == 0
    as_pages = tmp_path / "pages"
    assert run_cli("clean", first / "corpus.jsonl", "-o", as_pages, "-q", "--pages").exit_code == 0
    moved = [line for doc in read_jsonl(as_pages / "removed.jsonl") for line in doc["lines"]]
    assert moved and {line["rule"] for line in moved} == {"headline"}  # the articles' first lines
    # a folder of texts is pages unless told; --stripped keeps the positional rules off
    chrome = run_cli("clean", SEEDS, "-o", tmp_path / "seeds", "-q", "--stripped")
    assert chrome.exit_code == 0
    stripped_report = json.loads((tmp_path / "seeds" / "report.json").read_text(encoding="utf-8"))
    assert stripped_report["config"]["input_texts"] == "stripped" and "navigation" not in stripped_report["boilerplate"]["rules"]


def test_languages_keeps_only_those_and_skips_the_others_before_deduplication(tmp_path):
    out = tmp_path / "az"
    result = run_cli("clean", SEEDS, "-o", out, "--languages", "az", "-q")
    assert result.exit_code == 0, result.output
    assert "not kept" not in result.output  # the run's own choice: counted, not warned about
    assert [d["id"] for d in read_jsonl(out / "corpus.jsonl")] == ["000_23abae5eefcf2c15", "001_d9873389c63c602c", "002_99356e1c46aaa62b"]
    assert {s["id"]: s["reason"] for s in read_jsonl(out / "skipped.jsonl")} == {
        "003_f46eb504ccd924e4": "language bs not kept (--languages az)",
        "004_854e4821269078e4": "language uz not kept (--languages az)",
    }
    assert read_jsonl(out / "duplicates.jsonl") == []  # 000's Bosnian twin is not in this corpus
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == {"read": 5, "kept": 3, "duplicates": 0, "skipped": 2}
    assert report["skipped"] == {"language bs not kept": 1, "language uz not kept": 1}
    assert run_cli("clean", SEEDS, "-o", tmp_path / "two", "--languages", "az", "-q", "-j", "2").exit_code == 0
    for name in ("corpus.jsonl", "skipped.jsonl", "report.json"):
        assert (tmp_path / "two" / name).read_bytes() == (out / name).read_bytes()
    bad = run_cli("clean", SEEDS, "-o", tmp_path / "bad", "--languages", "az;bs")
    assert bad.exit_code == 2 and "ISO 639-1" in bad.output


def test_min_language_score_skips_documents_in_no_clear_language(tmp_path):
    # the Bosnian seed reads as Bosnian at 0.80 (Croatian and Serbian share most of its words); the others at 1.0
    out = tmp_path / "sure"
    assert run_cli("clean", SEEDS, "-o", out, "--min-language-score", "0.9", "-q").exit_code == 0
    (skipped,) = read_jsonl(out / "skipped.jsonl")
    assert skipped["id"] == "003_f46eb504ccd924e4" and skipped["reason"].startswith("language unsure: bs at 0.")
    assert len(read_jsonl(out / "corpus.jsonl")) == 4 and read_jsonl(out / "duplicates.jsonl") == []
    assert run_cli("clean", SEEDS, "-o", tmp_path / "bad", "--min-language-score", "2").exit_code == 2


def test_version_and_help():
    assert run_cli("--version").output.startswith("cleanpress ")
    help_text = run_cli("clean", "--help").output
    for option in ("--output", "--near-threshold", "--translated-threshold", "--workers", "--text-field"):
        assert option in help_text


def test_strict_stops_at_the_first_bad_input_and_writes_nothing(copy_seeds, tmp_path):
    (copy_seeds / "zz-bad.jsonl").write_text('{"id": "ok", "text": "fine text here"}\n{broken\n', encoding="utf-8")
    result = run_cli("clean", copy_seeds, "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 2
    assert "zz-bad.jsonl:2" in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    assert run_cli("clean", copy_seeds, "-o", tmp_path / "out", "-q").exit_code == 0  # without --strict: skipped
    assert len(read_jsonl(tmp_path / "out" / "skipped.jsonl")) == 1


def test_dropped_and_sources_manifests_let_a_report_rebuild_each_document(seeds_dir, tmp_path):
    out = clean_seeds(seeds_dir, tmp_path / "out")
    (dropped,) = out["dropped"]
    assert dropped["id"] == out["duplicates"][0]["id"] and len(dropped["text"]) > 1000
    assert {s["id"] for s in out["sources"]} == {d["id"] for d in out["corpus"]} | {dropped["id"]}
    assert all(Path(s["source"]).parent == seeds_dir and s["source"].endswith(s["id"] + ".txt") for s in out["sources"])
    texts = {d["id"]: d["text"].split("\n") for d in out["corpus"]}
    for record in out["removed"]:
        lines = texts[record["id"]]
        assert all(0 <= r["kept_before"] <= len(lines) for r in record["lines"])
        positions = [r["kept_before"] for r in record["lines"]]
        assert positions == sorted(positions)
        assert positions[-1] > 0 or {r["rule"] for r in record["lines"]} == {"headline"}  # only a headline atop


def test_report_counts_headlines_moved_to_the_title_apart_from_chrome(seeds_dir, tmp_path):
    out = clean_seeds(seeds_dir, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["boilerplate"]
    titled = [d for d in out["corpus"] + out["dropped"] if "title" in d]
    assert report["headlines_to_title"] == len(titled) > 0 and "headline" not in report["rules"]
    chrome = [line for r in out["removed"] for line in r["lines"] if line["rule"] != "headline"]
    assert report["lines_removed"] == len(chrome) == sum(report["rules"].values())
