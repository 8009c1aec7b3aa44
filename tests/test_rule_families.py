"""One small hand-made page per rule family: the chrome line goes, named by its rule; the article stays."""
from __future__ import annotations

import pytest

from cleanpress.boilerplate import strip

ARTICLE = [
    "The regional parliament approved the new water law on Thursday after three days of debate.",
    "Farmers had asked for lower tariffs during the drought, and the law gives them a two-year discount.",
    "The opposition said the discount would be paid by households in the cities, and voted against it.",
    "The law takes effect in March, once the president signs it, officials said on Friday evening.",
]

# (rule, lines before the article, lines after it, the chrome lines that must go)
CASES = [
    ("repeated-line", [], ["Editorial"] * 4, ["Editorial"]),
    ("navigation", ["Home", "Politics", "Economy", "Sport"], [], ["Politics", "Economy"]),
    ("link-list", [], ["Farm prices rise again", "12 March 2024 10:15 · 312", "Drought hits the south", "11 March 2024 09:02 · 207"],
     ["12 March 2024 10:15 · 312"]),
    ("sidebar", [], ["Most read", "Farm prices rise again", "Drought hits the south"], ["Most read", "Drought hits the south"]),
    ("widget", [], ["Leave a comment", "Share on Facebook"], ["Leave a comment", "Share on Facebook"]),
    ("footer", [], ["© 2024 Valley Herald. All rights reserved.", "Phone: +44 20 7946 0958"],
     ["© 2024 Valley Herald. All rights reserved.", "Phone: +44 20 7946 0958"]),
    ("attribution", ["According to valleynews.com, Herald reports."], [], ["According to valleynews.com, Herald reports."]),
    ("metadata-line", [], ["Views: 1520", "Source: https://valleynews.com/water-law"], ["Views: 1520", "Source: https://valleynews.com/water-law"]),
    ("markup", [], ['<div class="ad-slot"><span>ad</span></div>'], ['<div class="ad-slot"><span>ad</span></div>']),
]


@pytest.mark.parametrize(("rule", "before", "after", "chrome"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
def test_rule_family(rule, before, after, chrome, use_model):
    page = "\n".join(["Water law passes", *before, *ARTICLE, *after]) if before else "\n".join([*ARTICLE, *after])
    result = strip(page, use_model=use_model)
    kept = result.text.splitlines()
    for line in ARTICLE:
        assert line in kept
    for line in chrome:
        assert line not in kept
    if not use_model:  # the rules alone name each removal after its family
        assert rule in {r.rule for r in result.removed}


def test_duplicate_line_keeps_the_first_copy_of_the_headline():
    page = "\n".join(["Water law passes", "Water law passes", *ARTICLE])
    result = strip(page, headline="text")
    assert result.text.splitlines().count("Water law passes") == 1
    assert [r.rule for r in result.removed] == ["duplicate-line"]
    titled = strip(page)  # the first copy goes to the title, the second is still a duplicate
    assert titled.title == "Water law passes" and "Water law passes" not in titled.text
    assert [r.rule for r in titled.removed] == ["headline", "duplicate-line"]
