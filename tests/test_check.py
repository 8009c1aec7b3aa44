"""`cleanpress check`: each check firing and not firing, the configuration files, every format, every exit status."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import TRANSLATION_PAIR, run_cli, seed_text

import cleanpress
from cleanpress.check import SCHEMA_VERSION, SettingsError, Thresholds, check_corpus, load_settings

ARTICLE = "003_f46eb504ccd924e4"  # a whole article the stripper leaves alone


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cleaned_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    cleanpress.run([Path(__file__).resolve().parent.parent / "seeds"], out)
    return out / "corpus.jsonl"


@pytest.fixture(scope="module")
def seeds_report() -> dict:
    result = run_cli("check", Path(__file__).resolve().parent.parent / "seeds", "--format", "json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


@pytest.fixture
def copies(tmp_path) -> Path:
    """Two exact copies of one clean article: duplicates fail, everything else passes."""
    text = seed_text(ARTICLE)
    return write_jsonl(tmp_path / "copies.jsonl", [{"id": "a", "text": text}, {"id": "b", "text": text}])


def checks_by_name(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


# ---------------------------------------------------------------------------- the seeds


def test_the_corpus_that_clean_wrote_passes_with_defaults(cleaned_corpus):
    result = run_cli("check", cleaned_corpus)
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.stdout and "FAIL" not in result.stdout


def test_a_clean_run_s_corpus_is_measured_as_stripped_text(cleaned_corpus, tmp_path):
    """Beside its report.json, clean's corpus is taken for stripped text; a copy elsewhere, or
    --pages, is measured as pages; --stripped forces the other way."""
    def measured(*args: object) -> str:
        result = run_cli("check", *args, "--format", "json")
        return checks_by_name(json.loads(result.stdout))["boilerplate"]["details"]["measured_as"]

    elsewhere = tmp_path / "corpus.jsonl"
    elsewhere.write_bytes(cleaned_corpus.read_bytes())
    assert measured(cleaned_corpus) == "stripped text"
    assert measured(elsewhere) == "pages"
    assert measured(cleaned_corpus, "--pages") == "pages"
    assert measured(elsewhere, "--stripped") == "stripped text"
    assert "measured as stripped text" in run_cli("check", cleaned_corpus).stdout
    config = tmp_path / "cleanpress.toml"  # the configuration file says it as clean's input-texts does
    config.write_text('[check]\ninput-texts = "stripped"\n', encoding="utf-8")
    assert measured(elsewhere, "--config", config) == "stripped text"
    assert measured(elsewhere, "--config", config, "--pages") == "pages"
    config.write_text('[check]\ninput-texts = "html"\n', encoding="utf-8")
    assert run_cli("check", elsewhere, "--config", config).exit_code == 2


def test_stripped_text_counts_chrome_named_by_patterns_not_by_position(tmp_path):
    """A run of menu words above an article is chrome by where it stands: a page's, not a stripped
    text's. A copyright line and a share prompt are chrome wherever they stand."""
    article = seed_text(ARTICLE)
    menu = write_jsonl(tmp_path / "menu.jsonl", [{"id": "m", "text": "Home\nSport\nWorld\nCulture\n" + article}])
    as_pages = checks_by_name(check_corpus([menu], stripped=False).to_dict())["boilerplate"]
    as_text = checks_by_name(check_corpus([menu], stripped=True).to_dict())["boilerplate"]
    assert as_pages["details"]["removed"] >= 4 and as_text["details"]["removed"] == 0
    chrome = write_jsonl(tmp_path / "chrome.jsonl", [{"id": "c", "text": article + "\nShare on Facebook\n© 2024 Example News. All rights reserved."}])
    report = check_corpus([chrome], stripped=True)
    assert not report.check("boilerplate").passed and report.check("boilerplate").details["removed"] == 2


def test_raw_seeds_fail_on_the_translated_duplicate_and_the_chrome(seeds_report):
    checks = checks_by_name(seeds_report)
    assert not seeds_report["passed"] and seeds_report["documents"] == 5
    assert not checks["duplicates"]["passed"] and checks["duplicates"]["value"] == pytest.approx(0.2)
    assert checks["duplicates"]["details"]["kinds"] == {"translated": 1}
    (pair,) = seeds_report["pairs"]
    assert {pair["id"], pair["duplicate_of"]} == set(TRANSLATION_PAIR) and pair["kind"] == "translated"
    boilerplate = checks["boilerplate"]
    assert not boilerplate["passed"] and boilerplate["value"] > 0.3
    assert {"sidebar", "footer"} <= set(boilerplate["details"]["rules"])
    assert {d["id"] for d in boilerplate["documents"]} == {"001_d9873389c63c602c", "002_99356e1c46aaa62b"}
    assert checks["short"]["passed"] and checks["unreadable"]["passed"]


def test_the_mixed_script_seed_is_damaged(seeds_report):
    damaged = checks_by_name(seeds_report)["damaged"]
    assert not damaged["passed"]
    assert [d["id"] for d in damaged["documents"]] == ["004_854e4821269078e4"]
    assert damaged["details"]["kinds"] == {"mixed-script": 1}


def test_the_table_names_each_failing_check_and_its_documents(seeds_dir):
    result = run_cli("check", seeds_dir)
    assert result.exit_code == 1
    rows = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[2:8]}
    assert rows["duplicates"] == rows["boilerplate"] == rows["damaged"] == "FAIL"
    assert rows["short"] == "PASS" and rows["languages"] == "info"
    assert TRANSLATION_PAIR[0] in result.stdout and "002_99356e1c46aaa62b" in result.stdout


# ---------------------------------------------------------------------------- each check, firing and not


def test_mojibake_replacement_characters_and_legacy_sources_are_damage(tmp_path):
    article = seed_text(ARTICLE)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "docs.jsonl", [
        {"id": "clean", "text": article},
        {"id": "mojibake", "text": article.replace("č", "Ä\u008d").replace("ć", "Ä‡")},
        {"id": "fffd", "text": article.replace("č", "\ufffd")},
        {"id": "control", "text": article.replace(" ", "\u200b ", 5)},
    ])
    (corpus / "legacy.txt").write_bytes("Президент Казахстана Касым-Жомарт Токаев прибыл в Москву. ".encode("cp1251") * 5)
    report = check_corpus([corpus], Thresholds(max_duplicate_rate=1.0))
    damaged = report.check("damaged")
    flagged = {o.id: o.message for o in damaged.offenders}
    assert set(flagged) == {"mojibake", "fffd", "control", "legacy"}
    assert "mojibake-or-entities" in flagged["mojibake"] and "replacement-character" in flagged["fffd"]
    assert "invisible-or-control" in flagged["control"] and "not-utf8" in flagged["legacy"]
    assert damaged.value == pytest.approx(4 / 5) and not damaged.passed


def test_short_empty_and_unreadable_inputs(tmp_path):
    article = seed_text(ARTICLE)
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"id": "long", "text": article}) + "\n"
        + json.dumps({"id": "stub", "text": "Kratka vijest iz Sarajeva."}) + "\n"
        + json.dumps({"id": "empty", "text": "   "}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "notext", "body": article}) + "\n",
        encoding="utf-8",
    )
    report = check_corpus([path])
    short, unreadable = report.check("short"), report.check("unreadable")
    assert {o.id for o in short.offenders} == {"stub", "empty"} and not short.passed
    assert len(unreadable.offenders) == 2 and not unreadable.passed
    assert {o.line for o in unreadable.offenders} == {4, 5}
    relaxed = check_corpus([path], Thresholds(min_chars=10, max_short_rate=0.2, max_unreadable_rate=0.4))
    assert [o.id for o in relaxed.check("short").offenders] == ["empty"]
    assert relaxed.passed


def test_languages_gate_only_when_set(cleaned_corpus):
    assert check_corpus([cleaned_corpus]).check("languages").threshold is None
    assert check_corpus([cleaned_corpus], Thresholds(languages=("az", "bs", "uz"))).passed
    narrow = check_corpus([cleaned_corpus], Thresholds(languages=("az",), min_language_share=(("bs", 0.5),)))
    assert narrow.check("languages").value == pytest.approx(0.5) and not narrow.check("languages").passed
    assert not narrow.check("language-share:bs").passed
    assert check_corpus([cleaned_corpus], Thresholds(min_language_share=(("az", 0.5),))).passed


def test_required_fields(cleaned_corpus):
    assert "metadata" not in {c.name for c in check_corpus([cleaned_corpus]).checks}
    with_date = check_corpus([cleaned_corpus], Thresholds(require_field=("lang",)))
    assert with_date.check("metadata").passed
    missing = check_corpus([cleaned_corpus], Thresholds(require_field=("lang", "url")))
    metadata = missing.check("metadata")
    assert not metadata.passed and metadata.details["fields"] == {"lang": 0, "url": 4}
    assert all(o.line for o in metadata.offenders)  # JSON Lines: the line is known


# ---------------------------------------------------------------------------- configuration


def test_thresholds_from_pyproject_in_a_parent_folder_and_options_override(copies, tmp_path, monkeypatch):
    assert run_cli("check", copies).exit_code == 1  # duplicate rate 0.5 > 0.01
    (tmp_path / "pyproject.toml").write_text("[tool.cleanpress.check]\nmax-duplicate-rate = 0.6\n", encoding="utf-8")
    child = tmp_path / "a" / "b"
    child.mkdir(parents=True)
    monkeypatch.chdir(child)
    assert run_cli("check", copies).exit_code == 0
    assert run_cli("check", copies, "--max-duplicate-rate", "0.1").exit_code == 1


def test_cleanpress_toml_wins_over_pyproject_in_its_folder(copies, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.cleanpress.check]\nmax-duplicate-rate = 0.1\n", encoding="utf-8")
    (tmp_path / "cleanpress.toml").write_text("[check]\nmax-duplicate-rate = 0.6\nmin-chars = 50\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    thresholds, _, found = load_settings({"max-boilerplate": 0.5})
    assert found == tmp_path / "cleanpress.toml"
    assert (thresholds.max_duplicate_rate, thresholds.min_chars, thresholds.max_boilerplate) == (0.6, 50, 0.5)
    assert thresholds.max_damaged_rate == Thresholds().max_damaged_rate
    assert run_cli("check", copies).exit_code == 0


def test_a_pyproject_without_our_table_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cleanpress.check]\nmax-short-rate = 0.5\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    thresholds, _, found = load_settings({}, start=tmp_path / "sub")
    assert found == tmp_path / "pyproject.toml" and thresholds.max_short_rate == 0.5


@pytest.mark.parametrize("content", ["[check\nmax-duplicate-rate = 0.6\n", "[check]\nmax-dupes = 0.6\n",
                                     "[check]\nmax-duplicate-rate = 'high'\n", "[check]\nmax-duplicate-rate = 2\n"])
def test_a_bad_configuration_file_is_a_usage_error(copies, tmp_path, monkeypatch, content):
    (tmp_path / "cleanpress.toml").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError):
        load_settings({})
    result = run_cli("check", copies)
    assert result.exit_code == 2 and "cleanpress.toml" in result.output


# ---------------------------------------------------------------------------- formats


def test_json_follows_the_documented_schema(copies):
    result = run_cli("check", copies, "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) == {"version", "paths", "documents", "passed", "checks", "pairs"}
    assert report["version"] == SCHEMA_VERSION and report["documents"] == 2 and report["passed"] is False
    for check in report["checks"]:
        assert set(check) == {"name", "description", "value", "threshold", "comparison", "passed", "details", "documents"}
    assert report["pairs"] == [{"id": "b", "duplicate_of": "a", "kind": "exact", "score": 1.0, "source": str(copies), "line": 2}]


def test_junit_has_one_test_case_per_check_and_failures_for_failing_ones(copies):
    result = run_cli("check", copies, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout.encode("utf-8"))
    suite = root.find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"duplicates", "boilerplate", "damaged", "short", "unreadable", "languages"}
    assert suite.get("tests") == "6" and suite.get("failures") == "1"
    assert cases["duplicates"].find("failure") is not None and cases["boilerplate"].find("failure") is None


def test_github_annotations_name_the_file_and_line(copies):
    result = run_cli("check", copies, "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines)
    assert lines[0].startswith(f"::error file={copies},line=2,")
    assert lines[-1].startswith("::notice title=cleanpress check failed::")


# ---------------------------------------------------------------------------- exit status


def test_exit_status(copies, tmp_path):
    assert run_cli("check", copies, "--max-duplicate-rate", "0.5").exit_code == 0
    assert run_cli("check", copies).exit_code == 1
    assert run_cli("check", tmp_path / "missing").exit_code == 2
    assert run_cli("check", copies, "--format", "xml").exit_code == 2
    assert run_cli("check", copies, "--max-boilerplate", "1.5").exit_code == 2
    assert run_cli("check", copies, "--config", tmp_path / "nope.toml").exit_code == 2
