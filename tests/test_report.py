"""The HTML report (`cleanpress report`, `clean --report`): its content, parsed without a browser,
then the page itself in headless Chromium (Debian's package, driven by Playwright)."""
from __future__ import annotations

import json
import os
import random
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, TRANSLATION_PAIR, read_jsonl, run_cli

from cleanpress.anchors import anchor_sequence

HOSTILE_ID = "<img src=x onerror=window.pwned=3>"
HOSTILE_MARKUP = "<script>window.pwned=1</script> <img src=x onerror=window.pwned=2> </script><!--"
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def prose(rng: random.Random, paragraphs: int = 6) -> list[str]:
    """Paragraphs of generated sentences (made-up words: nothing any other document shares)."""
    vocabulary = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(400)]
    out = []
    for _ in range(paragraphs):
        sentences = [" ".join(rng.choice(vocabulary) for _ in range(14)).capitalize() + "." for _ in range(4)]
        out.append(" ".join(sentences))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seeds run, and a run over the seeds plus a hostile document and its near duplicate."""
    root = tmp_path_factory.mktemp("report")
    seeds_out = root / "seeds-out"
    assert run_cli("clean", SEEDS, "-o", seeds_out, "-q", "--report").exit_code == 0
    inputs = root / "input"
    shutil.copytree(SEEDS, inputs / "seeds")
    paragraphs = prose(random.Random(7))
    paragraphs[2] = paragraphs[2].replace(".", f". Quoted {HOSTILE_MARKUP} here.", 1)
    copy = [p for p in paragraphs]
    copy[5] = copy[5].split(" ", 3)[3]  # three words fewer: a near duplicate
    records = [{"id": HOSTILE_ID, "text": "\n\n".join(paragraphs), "url": "https://hostile.example/a"},
               {"id": "near-copy", "text": "\n\n".join(copy), "url": "https://mirror.example/b"}]
    (inputs / "feed").mkdir()
    (inputs / "feed" / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    mixed_out = root / "mixed-out"
    assert run_cli("clean", inputs, "-o", mixed_out, "-q").exit_code == 0
    assert run_cli("report", mixed_out, "-o", root / "mixed.html").exit_code == 0
    return {"seeds": seeds_out, "seeds_html": seeds_out / "report.html", "mixed": mixed_out, "mixed_html": root / "mixed.html"}


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of the embedded data block."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, Any]]] = []
        self.data_block = ""
        self._in_data = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_data = dict(attrs).get("id") == "report-data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_block += data


def parsed(path: Path) -> tuple[Elements, dict[str, Any]]:
    elements = Elements(path.read_text(encoding="utf-8"))
    return elements, json.loads(elements.data_block)


def test_report_lists_every_document_and_explains_the_seeds_cluster(runs):
    _, data = parsed(runs["seeds_html"])
    out = runs["seeds"]
    listed = {doc[0]: doc[1] for doc in data["docs"]}
    assert listed == {**{d["id"]: "kept" for d in read_jsonl(out / "corpus.jsonl")}, TRANSLATION_PAIR[0]: "dropped"}
    assert {doc[2] for doc in data["docs"]} == {"seeds"}  # no url field: the input file's folder
    (cluster,) = data["clusters"]
    assert cluster["kept"] == TRANSLATION_PAIR[1]
    (pair,) = cluster["dropped"]
    assert pair["id"] == TRANSLATION_PAIR[0] and pair["kind"] == "translated"
    for doc_id, spans in ((cluster["kept"], pair["kept_spans"]), (pair["id"], pair["spans"])):
        text = data["texts"][doc_id]["text"]
        assert len(spans) >= 5
        for start, end in spans:  # every highlighted word gives one of the shared anchors
            assert set(anchor_sequence("a " + text[start:end])) & set(pair["anchors"]), text[start:end]


@pytest.mark.parametrize("output_format", ["jsonl.gz", "parquet", "txt"])
def test_the_report_reads_the_kept_texts_in_every_output_format(runs, tmp_path, output_format):
    out = tmp_path / "out"
    assert run_cli("clean", SEEDS, "-o", out, "-q", "--output-format", output_format, "--report").exit_code == 0
    _, data = parsed(out / "report.html")
    _, as_jsonl = parsed(runs["seeds_html"])
    if output_format == "txt":  # text files keep the text alone: the language is not known
        assert {doc[3] for doc in data["docs"] if doc[1] == "kept"} == {"und"}
        data["docs"] = [doc[:3] + doc[4:] for doc in data["docs"]]
        as_jsonl["docs"] = [doc[:3] + doc[4:] for doc in as_jsonl["docs"]]
    assert data["docs"] == as_jsonl["docs"]  # every document, with its length, lines stripped and repairs
    assert {i: t["text"] for i, t in data["texts"].items()} == {i: t["text"] for i, t in as_jsonl["texts"].items()}
    assert data["clusters"] == as_jsonl["clusters"]  # the shared passages are found in the kept text too


def test_stripped_lines_go_back_where_they_stood(runs):
    _, data = parsed(runs["seeds_html"])
    removed = {r["id"]: r["lines"] for r in read_jsonl(runs["seeds"] / "removed.jsonl")}
    for doc_id, lines in removed.items():
        embedded = data["texts"][doc_id]["removed"]
        assert [(line["line"], line["text"], line["rule"]) for line in lines] == [tuple(r[1:]) for r in embedded]
    # seed 001: the sidebar comes after the article's twenty kept lines
    sidebar = next(r for r in data["texts"]["001_d9873389c63c602c"]["removed"] if r[3] == "sidebar")
    kept_lines = data["texts"]["001_d9873389c63c602c"]["text"].split("\n")
    assert sidebar[0] == len(kept_lines[: sidebar[0]]) and 0 < sidebar[0] <= len(kept_lines)


def test_near_duplicates_highlight_their_shared_passages_and_sites_come_from_urls(runs):
    _, data = parsed(runs["mixed_html"])
    near = [(c, p) for c in data["clusters"] for p in c["dropped"] if p["kind"] == "near"]
    ((cluster, pair),) = near
    assert {cluster["kept"], pair["id"]} == {HOSTILE_ID, "near-copy"}
    text = data["texts"][pair["id"]]["text"]
    assert sum(end - start for start, end in pair["spans"]) > 0.95 * len(text.replace("\n", ""))
    sites = {doc[0]: doc[2] for doc in data["docs"]}
    assert sites[HOSTILE_ID] == "hostile.example" and sites["near-copy"] == "mirror.example"
    assert sites[TRANSLATION_PAIR[1]] == "seeds"


def test_hostile_markup_is_only_ever_data(runs):
    page = runs["mixed_html"].read_text(encoding="utf-8")
    elements, data = parsed(runs["mixed_html"])
    # it is there, as data (the stripper removes the paragraph as markup: the report shows it struck)
    assert any(HOSTILE_MARKUP in line[2] for line in data["texts"][HOSTILE_ID]["removed"])
    assert "pwned" in page and "<script>window" not in page and "<img" not in page and "</script><!--" not in page
    assert [tag for tag, _ in elements.tags if tag == "script"] == ["script", "script"]  # the data block and ours
    assert not [attrs for _, attrs in elements.tags if any(name.startswith("on") for name in attrs)]


def test_the_histogram_draws_both_thresholds_and_every_score(runs):
    elements, data = parsed(runs["mixed_html"])
    config = data["summary"]["config"]
    lines = [attrs for tag, attrs in elements.tags if tag == "line" and "threshold" in attrs.get("class", "")]
    assert {attrs["class"] for attrs in lines} == {"threshold near", "threshold translated"}
    x = {attrs["class"].split()[1]: float(attrs["x1"]) for attrs in lines}
    assert x["translated"] < x["near"]  # 0.25 left of 0.7, on one scale
    assert (x["near"] - 36) / (x["translated"] - 36) == pytest.approx(config["near_threshold"] / config["translated_threshold"], rel=0.01)
    bars = [attrs for tag, attrs in elements.tags if tag == "rect" and attrs.get("class") in ("bar near", "bar translated") and "y" in attrs and attrs.get("width") != "12"]
    assert len(bars) == 2  # one near and one translated score, each in its bin


def test_report_command_errors_and_reruns(runs, tmp_path):
    result = run_cli("report", tmp_path)
    assert result.exit_code == 2 and "no report.json" in result.output
    again = tmp_path / "seeds-out"  # the title names the folder
    assert run_cli("clean", SEEDS, "-o", again, "-q", "--report").exit_code == 0
    assert (again / "report.html").read_bytes() == runs["seeds_html"].read_bytes()
    assert run_cli("report", again, "--max-texts", "0").exit_code == 0
    _, data = parsed(again / "report.html")
    assert data["texts"] == {} and len(data["docs"]) == 5


# ---------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium: skipped only where it is truly absent on a user's machine, never in CI."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Any, path: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: problems.append(request.url) if not request.url.startswith("file:") else None)
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-rendered=yes]")
    return page, problems


def test_the_seeds_report_renders_clusters_struck_lines_and_the_chart(browser, runs, tmp_path):
    page, problems = open_page(browser, runs["seeds_html"])
    assert page.locator(".cluster").count() == 1
    assert page.locator(".cluster .side.dropped mark").count() >= 5 and page.locator(".cluster .side.kept mark").count() >= 5
    assert page.locator("#score-histogram rect.bar.translated").first.bounding_box()["height"] > 10
    assert page.locator("#score-histogram line.threshold").count() == 2
    assert page.locator("#doc-table tbody tr").count() == 5
    page.get_by_role("button", name="001_d9873389c63c602c").first.click()
    removed = read_jsonl(runs["seeds"] / "removed.jsonl")
    expected = next(len(r["lines"]) for r in removed if r["id"] == "001_d9873389c63c602c")
    struck = page.locator("#doc-view del")
    assert struck.count() == expected
    assert struck.first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert "sidebar" in page.locator("#doc-view del .rule").all_inner_texts()
    page.select_option("#status-filter", "dropped")
    assert page.locator("#doc-table tbody tr").count() == 1
    assert problems == []
    page.screenshot(path=str(tmp_path / "report-seeds.png"), full_page=True)
    assert (tmp_path / "report-seeds.png").stat().st_size > 10_000
    if os.environ.get("CLEANPRESS_SCREENSHOT"):  # how docs/report-seeds.png is made
        page.select_option("#status-filter", "")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=os.environ["CLEANPRESS_SCREENSHOT"], full_page=True)


def test_a_hostile_document_shows_as_text_and_runs_nothing(browser, runs, tmp_path):
    page, problems = open_page(browser, runs["mixed_html"])
    page.get_by_role("button", name=HOSTILE_ID).first.click()
    page.fill("#search", "pwned")
    assert page.locator("#doc-table tbody tr").count() == 1  # its id says pwned; the text with it was stripped
    assert page.evaluate("window.pwned") is None
    assert page.locator("img").count() == 0 and page.locator("body script").count() == 2
    assert HOSTILE_MARKUP in page.locator("#doc-view").inner_text()
    assert HOSTILE_ID in page.locator("#doc-table").inner_text()
    assert HOSTILE_ID in page.locator("#cluster-list").inner_text()
    assert "markup" in page.locator("#doc-view del .rule").all_inner_texts()
    assert problems == []
    page.screenshot(path=str(tmp_path / "report-hostile.png"), full_page=True)
