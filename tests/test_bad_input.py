"""Inputs real crawls produce, generated here: each becomes a document or a recorded skip, and
the rest of the corpus comes through untouched."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

import cleanpress
from cleanpress import CleanConfig

RUSSIAN = "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву, где проведёт переговоры о газовых проектах и транзите."
TURKISH = "Kazakistan Cumhurbaşkanı Tokayev, doğalgaz projeleri ve transit ticaret hakkında görüşmek için Ankara'ya gitti."
GEORGIAN = "საქართველოს პრემიერ-მინისტრმა განაცხადა, რომ ახალი გზა თბილისსა და ბათუმს შორის მომავალ წელს გაიხსნება."
ARABIC = "قال رئيس الوزراء إن الطريق الجديد بين المدينتين سيفتح في العام المقبل بعد سنوات من التأخير والنقاش."
CHINESE = "总理表示，连接两座城市的新公路将于明年开通，此前该项目经历了多年的延误和争论。"
ARTICLE = "\n".join([
    "The regional parliament approved the new water law on Thursday after three days of debate.",
    "Farmers had asked for lower tariffs during the drought, and the law gives them a two-year discount.",
    "The opposition said the discount would be paid by households in the cities, and voted against it.",
])


def build_corpus(root: Path) -> dict[str, str]:
    """Write one file per hostile case; return the expected outcome per id: kept or a skip reason."""
    root.mkdir()
    expected: dict[str, str] = {}

    def text_file(name: str, data: bytes, outcome: str) -> None:
        (root / name).write_bytes(data)
        expected[Path(name).stem] = outcome

    text_file("good.txt", ARTICLE.encode(), "kept")
    text_file("empty.txt", b"", "empty document")
    text_file("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(3000), "binary")
    text_file("cp1251.txt", (RUSSIAN * 3).encode("cp1251"), "kept")
    text_file("koi8r.txt", (RUSSIAN.replace("Москву", "Астану") + " Переговоры продлятся два дня.").encode("koi8-r"), "kept")
    text_file("cp1254.txt", (TURKISH * 3).encode("cp1254"), "kept")
    text_file("bom.txt", b"\xef\xbb\xbf" + (RUSSIAN + " Второй раз.").encode(), "kept")
    text_file("utf16.txt", (TURKISH + " İkinci kez.").encode("utf-16"), "kept")
    text_file("georgian.txt", GEORGIAN.encode(), "kept")
    text_file("arabic.txt", ARABIC.encode(), "kept")
    text_file("chinese.txt", CHINESE.encode(), "kept")
    text_file("only-chrome.txt", "Home\nNews\nSport\n© 2024 Example. All rights reserved.\nShare\nLog in".encode(), "empty after cleaning")
    text_file("long-line.txt", (" ".join(["water"] * 250_000)).encode(), "any")  # 1.5 MB, no newline
    text_file("too-large.txt", b"x" * (3 * 1024 * 1024), "document too large")
    text_file("nested.html", ("<div>" * 5000 + "<p>" + ARTICLE.replace("\n", "</p><p>") + "</p>" + "</div>" * 10).encode(), "any")
    text_file("bomb.html", b"<html><body>" + b"<b></b>" * 300_000 + b"</body></html>", "any")
    text_file("broken.html", b"<html><body><p>Unclosed <div><span>" + ARTICLE.encode() + b"<p><<<>>>&&&", "any")
    (root / "gone.txt").symlink_to(root / "nowhere")
    expected["gone"] = "cannot read file"
    (root / "loop").mkdir()
    (root / "loop" / "again").symlink_to(root, target_is_directory=True)  # a symlink loop: not followed
    feed = [json.dumps({"id": "j1", "text": ARTICLE.replace("water", "gas")}), "{broken", json.dumps("a string"),
            json.dumps({"id": "j2"}), json.dumps({"id": "j1", "text": "same id again"})]
    (root / "feed.jsonl").write_text("\n".join(feed) + "\n", encoding="utf-8")
    expected.update({"j1": "kept", "feed:2": "not valid JSON", "feed:3": "not a JSON object", "j2": "missing", "j1#2": "duplicate id"})
    good = gzip.compress("\n".join(json.dumps({"id": f"z{i}", "text": f"{ARTICLE} Number {i}."}) for i in range(50)).encode())
    (root / "cut.jsonl.gz").write_bytes(good[: len(good) // 2])
    return expected


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = build_corpus(root / "in")
    result = cleanpress.run([root / "in"], root / "out", CleanConfig(max_document_bytes=2 * 1024 * 1024))
    manifests = {name: [json.loads(line) for line in (root / "out" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
                 for name in ("corpus", "duplicates", "skipped")}
    return expected, manifests, result.report


def test_each_hostile_file_has_its_expected_outcome(hostile_run):
    expected, manifests, _ = hostile_run
    kept = {d["id"]: d for d in manifests["corpus"]}
    dropped = {d["id"] for d in manifests["duplicates"]}
    reasons: dict[str, list[str]] = {}
    for record in manifests["skipped"]:
        key = record.get("id") or f"{Path(record['source']).stem.split('.')[0]}:{record.get('line')}"
        reasons.setdefault(key, []).append(record["reason"])
    for doc_id, outcome in expected.items():
        if outcome == "any":
            assert doc_id in kept or doc_id in dropped or doc_id in reasons, doc_id
        elif outcome == "kept":
            assert doc_id in kept or doc_id in dropped, doc_id
        elif doc_id.endswith("#2"):
            assert any(outcome in r for r in reasons[doc_id[:-2]]), doc_id
        else:
            assert any(outcome in r for r in reasons[doc_id]), (doc_id, reasons.get(doc_id))


def test_legacy_encodings_and_new_scripts_are_read_right(hostile_run):
    _, manifests, _ = hostile_run
    kept = {d["id"]: d for d in manifests["corpus"]}
    for doc_id in ("cp1251", "koi8r"):
        assert "Касым-Жомарт Токаев" in kept[doc_id]["text"] and kept[doc_id]["lang"] == "ru"
    assert "Cumhurbaşkanı" in kept["cp1254"]["text"] and kept["cp1254"]["lang"] == "tr"
    assert not kept["bom"]["text"].startswith("\ufeff")
    assert "İkinci kez" in kept["utf16"]["text"]
    assert kept["georgian"]["lang"] == "ka" and kept["arabic"]["lang"] == "ar" and kept["chinese"]["lang"] == "zh"


def test_the_truncated_archive_keeps_what_came_before_the_damage(hostile_run):
    _, manifests, _ = hostile_run
    kept = [d["id"] for d in manifests["corpus"] + manifests["duplicates"] if d["id"].startswith("z")]
    assert kept and all(f"z{i}" in kept for i in range(len(kept)))
    assert any("damaged compressed file" in r["reason"] for r in manifests["skipped"])


def test_the_counts_add_up(hostile_run):
    _, manifests, report = hostile_run
    counts = report["documents"]
    assert counts["read"] == counts["kept"] + counts["duplicates"] + counts["skipped"]
    assert (counts["kept"], counts["duplicates"], counts["skipped"]) == tuple(len(manifests[n]) for n in ("corpus", "duplicates", "skipped"))


def test_an_oversized_json_line_is_skipped_without_being_loaded(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "small", "text": ARTICLE}) + "\n")
        stream.write('{"id": "huge", "text": "' + "a" * 3_000_000 + '"}\n')
        stream.write(json.dumps({"id": "after", "text": ARTICLE.replace("water", "grain")}) + "\n")
    items = list(cleanpress.readers.read_documents([path], CleanConfig(max_document_bytes=1_000_000)))
    assert [getattr(i, "id", None) for i in items if isinstance(i, cleanpress.Document)] == ["small", "after"]
    (skip,) = [i for i in items if isinstance(i, cleanpress.readers.Skipped)]
    assert skip.line == 2 and "too large" in skip.reason


def test_check_on_the_hostile_corpus_names_what_is_wrong_and_fails(tmp_path):
    from typer.testing import CliRunner

    from cleanpress.cli import app

    build_corpus(tmp_path / "in")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "in"), "--format", "json", "--no-line-frequency"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{"):])
    failed = {c["name"] for c in report["checks"] if not c["passed"]}
    assert {"unreadable", "damaged"} <= failed
