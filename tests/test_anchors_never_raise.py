"""No text makes the anchors or the fingerprint stage raise.

Scraped pages hold long digit runs (IDs, hashes, phone lists glued together). A run of more
than about 308 digits is too long for a float and reads as infinity; next to a month name its
day test used to raise OverflowError, which stopped a whole `cleanpress clean` run. With the
"dates" feature off, a numeric date used to be read as one number and raised ValueError.
"""
from __future__ import annotations

import json
from pathlib import Path

from conftest import OTHER_ARTICLE, read_jsonl, run_cli, seed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpress.anchors import ALL_FEATURES, anchor_sequence
from cleanpress.config import CleanConfig
from cleanpress.document import Document
from cleanpress.fingerprint import fingerprint

LONG_DIGITS = "7" * 400  # float("7" * 400) is inf


def test_a_huge_number_next_to_a_month_is_no_day():
    assert anchor_sequence(f"Paid {LONG_DIGITS} June 2019") == ["#inf", "@m6", "#2019"]
    assert anchor_sequence(f"Ref June {LONG_DIGITS}") == ["@m6", "#inf"]
    assert anchor_sequence("Paid 11 June 2019") == ["#11", "@m6", "@m6/11", "#2019"]  # unchanged
    fp = fingerprint(Document(id="a", text=f"Yesterday Tokayev met Putin on {LONG_DIGITS} June."), CleanConfig())
    assert {"#inf", "@m6", "tkv", "ptn"} <= set(fp.anchor_names)


def test_a_date_with_dates_off_is_its_digits():
    text = "On 11.06.2019 Tokayev paid 6 million"
    assert anchor_sequence(text, ALL_FEATURES - {"dates"}) == ["#11062019", "tkv", "#6000000"]
    assert anchor_sequence(text, frozenset()) == ["#11062019", "tkv", "#6"]  # as with numbers off too
    assert anchor_sequence(text) == ["#11", "@m6", "@m6/11", "#2019", "tkv", "#6000000"]  # unchanged


# Pieces that make anchors: months, scale words, dates, grouped and decimal numbers, and digit
# runs around the length where a float overflows, in ASCII and other scripts' digits.
PIECES = st.sampled_from(
    ["June", "июня", "Haziran", "may", "million", "млн", "min", "11.06.2019", "1/2/99", "32.13.2020",
     "6 500", "2,5", "1.234,5", "Tokayev", "USA", "«", " ", "\n", ". ", ", "]
)
DIGIT_RUNS = st.integers(300, 700).map(lambda length: "9" * length) | st.text(
    st.characters(categories=["Nd"]), min_size=1, max_size=700
)
TEXTS = st.lists(PIECES | DIGIT_RUNS | st.text(max_size=30), max_size=20).map("".join)
FEATURE_SETS = st.sets(st.sampled_from(sorted(ALL_FEATURES))).map(frozenset)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, features=FEATURE_SETS, lang=st.sampled_from([None, "en", "de", "ru", "ka"]))
def test_anchors_and_fingerprints_never_raise(text: str, features: frozenset[str], lang: str | None):
    assert all(isinstance(anchor, str) for anchor in anchor_sequence(text, features))
    fingerprint(Document(id="x", text=text, lang=lang), CleanConfig(), features)


def test_clean_keeps_a_document_with_a_huge_number_next_to_a_month(tmp_path: Path):
    lines = seed_text(OTHER_ARTICLE).split("\n")
    sentence = f"The tender, filed as {LONG_DIGITS} June and signed by the council, was published in full."
    path = tmp_path / "crawl.jsonl"
    path.write_text(json.dumps({"id": "long", "text": "\n".join(lines[:6] + [sentence] + lines[6:])}) + "\n", encoding="utf-8")
    result = run_cli("clean", path, "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    (doc,) = read_jsonl(tmp_path / "out" / "corpus.jsonl")
    assert doc["id"] == "long" and LONG_DIGITS in doc["text"]  # the digit run reached the fingerprint stage
