"""What the anchors' fast tokenizer (``_anchor_tokens``) rests on, and the cases it must keep.

test_fingerprint_identical.py compares every output with the code before the speed-up; this
file pins the facts the shortcut needs, so that a new Unicode table in Python or ``regex`` that
broke them fails here, with a reason.
"""
from __future__ import annotations

import regex

from cleanpress.anchors import ALL_FEATURES, FEATURES, anchor_sequence

_LETTER = regex.compile(r"\p{L}")
_CAPITAL = regex.compile(r"[\p{Lu}\p{Lt}]")


def test_every_letter_python_calls_upper_case_is_lu_or_lt():
    """_CANDIDATE finds capitalised words by Lu/Lt; anchor_sequence tells names by str.isupper()."""
    missed = [hex(code) for code in range(0x110000) if chr(code).isupper() and _LETTER.match(chr(code)) and not _CAPITAL.match(chr(code))]
    assert missed == []


def test_lower_case_words_next_to_numbers_still_count():
    assert anchor_sequence("Talks on 11 june: paid 6 million 500 to Almaniya in june 2019.") == ["#11", "@m6", "@m6/11", "#6000500", "@de", "@m6", "#2019"]
    assert anchor_sequence("Paid 5 million june 3") == ["#5000000", "@m6", "@m6/3", "#3"]
    assert anchor_sequence("Paid 5 million in 300 days") == ["#5000000", "#300"]  # a plain word keeps 300 no remainder
    assert anchor_sequence("Paid 5 foo Million") == ["#5", "mln"]  # no neighbour: a name, not a scale
    assert anchor_sequence("Paid 5 million") == ["#5000000"]  # at the end of the text


def test_capitals_inside_words_start_no_token():
    assert anchor_sequence("the iPhone of d’Arc and O'Neil met e\u0301Te\u0301 Putin") == ["nl", "ptn"]
    assert anchor_sequence("Ended. In 2019 «Lukoil» paid") == ["#2019", "lkl"]
    assert anchor_sequence("«Lukoil» paid", ALL_FEATURES) == ["lkl"]  # first word of the text, after a quote
    assert anchor_sequence("x «Lukoil» paid", FEATURES) == ["lkl"]
