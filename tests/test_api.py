"""The library API: clean() over plain Python objects, run() into a folder, workers and determinism."""
from __future__ import annotations

import filecmp
import os
import stat

import pytest
from conftest import OTHER_ARTICLE, read_jsonl, seed_text

import cleanpress
from cleanpress import CleanConfig


def test_clean_takes_dicts_and_strings_and_yields_clean_documents():
    docs = [
        {"id": "x", "text": seed_text("001_d9873389c63c602c"), "site": "senzor"},
        seed_text(OTHER_ARTICLE),
        {"id": "copy", "text": seed_text("001_d9873389c63c602c").replace(",", "").replace(" ", "  ")},
    ]
    kept = list(cleanpress.clean(docs))
    assert [d.id for d in kept] == ["x", "1"]
    assert kept[0].metadata == {"site": "senzor", "title": "Tokayev Soçiyə gedir\nSTRATEJİ ƏHƏMİYYƏTLİ SƏNƏDLƏR İMZALANA BİLƏR"}
    assert kept[0].lang == "az"
    assert "Baş yazı" not in kept[0].text and any(r.rule for r in kept[0].removed)
    assert kept[1].date == "2025-11-10" and kept[1].lang == "uz"


def test_clean_options_are_config_fields():
    docs = [seed_text("000_23abae5eefcf2c15"), seed_text("003_f46eb504ccd924e4")]
    assert len(list(cleanpress.clean(docs))) == 1
    assert len(list(cleanpress.clean(docs, translated=False))) == 2
    with pytest.raises(TypeError):
        list(cleanpress.clean(docs, no_such_option=1))


def test_invalid_config_is_refused():
    with pytest.raises(ValueError, match="near-threshold"):
        CleanConfig(near_threshold=1.5)
    with pytest.raises(ValueError, match="keep"):
        CleanConfig(keep="random")
    with pytest.raises(ValueError, match="input-texts"):
        CleanConfig(input_texts="html")
    with pytest.raises(ValueError, match="ISO 639-1"):
        CleanConfig(languages="Azerbaijani")


def test_languages_filters_what_the_library_yields():
    docs = [seed_text(stem) for stem in ("000_23abae5eefcf2c15", "003_f46eb504ccd924e4", "004_854e4821269078e4")]
    assert [(d.id, d.lang) for d in cleanpress.clean(docs, languages="bs,uz")] == [("1", "bs"), ("2", "uz")]


def test_stripped_input_keeps_what_only_a_page_s_layout_would_remove():
    page = seed_text("001_d9873389c63c602c")
    (as_page,) = cleanpress.clean([page])
    (as_stripped,) = cleanpress.clean([page], input_texts="stripped")
    assert "title" in as_page.metadata and "title" not in as_stripped.metadata
    assert as_stripped.text.startswith("Tokayev Soçiyə gedir")
    assert len(as_stripped.removed) < len(as_page.removed)


def test_workers_and_batch_size_do_not_change_the_output(seeds_dir, tmp_path):
    one = cleanpress.run([seeds_dir], tmp_path / "one", CleanConfig(workers=1, batch_size=256))
    two = cleanpress.run([seeds_dir], tmp_path / "two", CleanConfig(workers=2, batch_size=1))
    for name in ("corpus", "duplicates", "removed", "repairs", "skipped"):
        assert filecmp.cmp(one.output / f"{name}.jsonl", two.output / f"{name}.jsonl", shallow=False), name
    assert one.report["documents"] == two.report["documents"]


def test_the_output_folder_is_readable_as_the_umask_allows(seeds_dir, tmp_path):
    previous = os.umask(0o022)
    try:
        result = cleanpress.run([seeds_dir], tmp_path / "out")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(result.output.stat().st_mode) == 0o755  # not mkdtemp's private 0700
    assert stat.S_IMODE((result.output / "corpus.jsonl").stat().st_mode) == 0o644


def test_a_failed_run_leaves_no_output(tmp_path, monkeypatch):
    import cleanpress.pipeline as pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline.DuplicateIndex, "resolve", explode)
    with pytest.raises(RuntimeError):
        cleanpress.run([tmp_path], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_run_writes_a_report_with_counts_per_stage(seeds_dir, tmp_path):
    report = cleanpress.run([seeds_dir], tmp_path / "out").report
    assert report["documents"]["read"] == 5
    assert report["duplicates"] == {"translated": 1}
    assert report["boilerplate"]["lines_removed"] > 50
    assert report["boilerplate"]["rules"]
    assert report["repairs"]["fixers"]["fix_mixed_script_words"] == 1
    assert report["repairs"]["documents"] == 3
    assert set(report["languages"]) == {"az", "bs", "uz"} or set(report["languages"]) == {"az", "uz"}
    kept = read_jsonl(tmp_path / "out" / "corpus.jsonl")
    assert sum(report["languages"].values()) == len(kept) == 4
