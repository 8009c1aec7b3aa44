"""Readers: files, folders, JSON Lines, encodings and the problems they report."""
from __future__ import annotations

import gzip
import json

import pytest

from cleanpress.config import CleanConfig
from cleanpress.document import Document, Skipped
from cleanpress.readers import InputError, read_documents


def read(*paths, **options):
    return list(read_documents(paths, CleanConfig(**options)))


def test_folder_is_read_recursively_in_sorted_order_with_stems_as_ids(seeds_dir, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zed", encoding="utf-8")
    (tmp_path / "a.txt").write_text("ay", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not read", encoding="utf-8")
    items = read(tmp_path)
    assert [(d.id, d.text) for d in items if isinstance(d, Document)] == [("a", "ay"), ("z", "zed")]
    seeds = read(seeds_dir)
    assert [d.id for d in seeds] == sorted(p.stem for p in seeds_dir.glob("*.txt"))


def test_a_folder_s_other_files_are_listed_not_read_and_hidden_ones_passed_over(tmp_path):
    (tmp_path / "a.txt").write_text("ay", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "README").write_text("about this crawl", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "ab").write_bytes(b"x")
    (tmp_path / ".git" / "notes.txt").write_text("a supported file is read wherever it is", encoding="utf-8")
    items = read(tmp_path)
    assert [d.id for d in items if isinstance(d, Document)] == ["a", "notes"]
    listed = [(s.source, s.reason, s.not_a_document) for s in items if isinstance(s, Skipped)]
    assert listed == [(str(tmp_path / "README"), "not an input format (no extension)", True),
                      (str(tmp_path / "scan.pdf"), "not an input format (.pdf)", True)]


def test_date_header_becomes_a_field(seeds_dir):
    docs = {d.id: d for d in read(seeds_dir)}
    assert docs["000_23abae5eefcf2c15"].date == "2025-11-12"
    assert docs["000_23abae5eefcf2c15"].text.startswith("Ötən həftə")
    assert docs["001_d9873389c63c602c"].date is None


def test_legacy_encodings_and_boms_are_decoded(tmp_path):
    russian = "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву, где проведёт переговоры о газе."
    (tmp_path / "cp1251.txt").write_bytes(russian.encode("cp1251"))
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode("utf-8") + russian.encode("utf-8"))
    (tmp_path / "utf16.txt").write_bytes(russian.encode("utf-16"))
    docs = read(tmp_path)
    assert [d.text for d in docs] == [russian, russian, russian]


def test_binary_file_is_skipped_not_fatal(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    items = read(tmp_path)
    assert isinstance(items[0], Skipped) and "binary" in items[0].reason and items[0].source.endswith("image.txt")
    assert isinstance(items[1], Document) and items[1].text == "fine"


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path):
    path = tmp_path / "part.jsonl.gz"
    payload = "".join(json.dumps({"id": i, "text": f"document number {i} " * 50}) + "\n" for i in range(200))
    path.write_bytes(gzip.compress(payload.encode())[:-200])
    items = read(path)
    docs = [i for i in items if isinstance(i, Document)]
    assert 0 < len(docs) < 200 and [d.id for d in docs] == [str(i) for i in range(len(docs))]
    assert isinstance(items[-1], Skipped) and "compressed" in items[-1].reason and items[-1].line == len(docs) + 1


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="nowhere"):
        read(tmp_path / "nowhere")


def test_jsonl_without_id_gets_stem_and_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": "one"}) + "\n\n" + json.dumps({"text": "two", "date": "2024-01-02"}) + "\n")
    docs = read(path)
    assert [(d.id, d.source_line, d.date) for d in docs] == [("feed:1", 1, None), ("feed:3", 3, "2024-01-02")]


def test_utf16_without_bom_is_decoded(tmp_path):
    text = "Президент Казахстана прибыл в Москву, где проведёт переговоры о газовых проектах. " * 3
    (tmp_path / "le.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(text.encode("utf-16-be"))
    assert [d.text for d in read(tmp_path)] == [text, text]


def test_repeated_ids_are_skipped_with_the_first_place_named(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps({"id": "a", "text": t}) for t in ("one", "two", "three")) + "\n")
    items = read(path)
    assert isinstance(items[0], Document) and items[0].text == "one"
    assert all(isinstance(i, Skipped) and f"{path}:1" in i.reason and "duplicate id" in i.reason for i in items[1:])
    assert [i.line for i in items[1:]] == [2, 3]


def test_files_with_the_same_stem_in_different_folders_keep_both(tmp_path):
    for folder in ("site-a", "site-b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "001.txt").write_text(f"text from {folder}", encoding="utf-8")
    docs = read(tmp_path)
    assert [d.id for d in docs] == ["001", str(tmp_path / "site-b" / "001")]
    assert all(isinstance(d, Document) for d in docs)


def test_a_legacy_encoded_json_line_is_read_and_its_encoding_recorded(tmp_path):
    russian = "Президент Казахстана Касым-Жомарт Токаев прибыл в Москву, где проведёт переговоры о газе."
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(json.dumps({"id": "u", "text": "plain UTF-8 text"}, ensure_ascii=False).encode() + b"\n"
                     + json.dumps({"id": "w", "text": russian}, ensure_ascii=False).encode("cp1251") + b"\n")
    docs = read(path)
    assert [(d.id, d.encoding) for d in docs] == [("u", "utf-8"), ("w", "cp1251")]
    assert docs[1].text == russian


@pytest.mark.parametrize(("text", "encoding"), [
    ("café au lait in the morning news", "cp1252"),  # cp1255 read it as "cafי" (Hebrew yod): a likelier language guess
    ("Cumhurbaşkanı Tokayev, Soçi'de Rusya Devlet Başkanı Putin ile görüştü. İki lider, doğal gaz projeleri ve "
     "bölgesel güvenlik konularını değerlendirdi.", "cp1254"),  # cp1257 read ı as ż: Turkish either way to the identifier
    ("Premijer je u Sarajevu rekao da će se pregovori o šumarstvu nastaviti sljedeće sedmice.", "cp1250"),  # not ISO 8859-2's U+009A
])
def test_a_legacy_line_is_read_in_the_code_page_of_its_language(tmp_path, text, encoding):
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(json.dumps({"id": "x", "text": text}, ensure_ascii=False).encode(encoding) + b"\n")
    (doc,) = read(path)
    assert doc.text == text


def test_a_json_lines_file_opening_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "first"}\r\n{"id": "b", "text": "second"}\r\n')
    assert [(d.id, d.text) for d in read(path)] == [("a", "first"), ("b", "second")]
