"""The line model and how strip() combines it with the rules, on the seeds and small pages."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleanpress.boilerplate import MODEL_RULE, RULES, SPAN_RULE, strip
from cleanpress.linemodel import (
    BoostedTrees, Decoding, LineModel, best_run, context_names, default_model, feature_names, line_table, stack_names,
)
from cleanpress.readers import split_date_header

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE = [
    "The city council voted on Tuesday to build a new bridge over the river, ending a decade of debate.",
    "Construction is expected to start next spring and to last about three years, officials said.",
    "Opponents argued that the money would be better spent on repairing the roads that already exist.",
    "The mayor said the bridge would cut the commute from the northern suburbs by twenty minutes.",
]


def seed(stem: str) -> str:
    return split_date_header(next(SEEDS.glob(f"{stem}_*.txt")).read_text(encoding="utf-8"))[1]


def test_shipped_model_matches_the_features_and_scores_lines():
    model = default_model()
    assert model.lines.names == feature_names() + context_names()
    assert model.stack is not None and model.stack.names == feature_names() + context_names() + stack_names()
    table = line_table(seed("002").split("\n"))
    probability = model.probability(table)
    assert probability.shape == (len(table.indices),)
    assert ((0 <= probability) & (probability <= 1)).all()
    text_lines = [p for i, p in zip(table.indices, probability) if table.features[i].is_paragraph]
    assert np.median(text_lines) > 0.8  # paragraphs read as article text


def test_model_removals_carry_a_score_and_rule_removals_do_not_need_one():
    page = "\n".join(["Home", "News", "Sport", "Weather", "Login", *ARTICLE, "Share", "Tweet", "© 2024 Daily Example"])
    result = strip(page)
    assert result.text.splitlines() == ARTICLE
    for removal in result.removed:
        assert removal.rule in RULES
        if removal.rule == MODEL_RULE:
            assert removal.score is not None and removal.score < default_model().decoding.threshold


def test_rules_only_mode_gives_the_rules_decisions():
    page = "\n".join(["Menu", *ARTICLE, "All rights reserved."])
    rules = strip(page, use_model=False)
    assert all(r.score is None for r in rules.removed)
    assert rules.text.splitlines() == ARTICLE


def test_a_short_note_is_never_stripped_to_nothing_by_the_model():
    assert strip("Same words here.").text == "Same words here."


def test_a_page_of_menu_words_alone_is_stripped_to_nothing():
    assert strip("Home\nNews\nSport\nShare\nLog in").text == ""


def test_headline_and_signature_are_kept_although_the_model_was_trained_without_them():
    kept = strip(seed("001"), headline="text").text
    assert kept.startswith("Tokayev Soçiyə gedir") and "Kənan Novruzov" in kept
    assert "Kənan Novruzov" in strip(seed("001")).text
    assert [r.rule for r in strip(seed("004")).removed] == ["headline"]
    # the repeated headline and the attribution between it and the article do not push it out
    assert strip(seed("002"), headline="text").text.startswith("Tokayevin Ankara səfəri Rusiyanı niyə qıcıqlandırır? (ŞƏRH)\n")


def test_with_headline_model_the_model_decides_on_headline_and_signature():
    headless = strip(seed("001"), headline="model")
    assert not headless.text.startswith("Tokayev Soçiyə gedir") and headless.title is None
    rules = {r.text.strip(): r.rule for r in headless.removed}
    assert rules.get("Tokayev Soçiyə gedir") in (MODEL_RULE, SPAN_RULE)
    with pytest.raises(ValueError, match="headline"):
        strip(seed("001"), headline="top")


def test_a_headline_is_a_few_plain_words_a_signature_a_name_and_no_sentence():
    page = [
        "Home", "World",
        "Council approves the new bridge",
        "Officials met on Monday.",  # ends like a sentence: a dateline or a teaser, not a headline
        *ARTICLE,
        "Jane Smith, Reuters",
        "Updated on 12 May 2024 at 10:30",  # digits and a stamp: no signature
    ]
    table = line_table(page)
    assert all(table.decisions[i] is None for i in (2, 3, 8))  # the rules keep all three
    kept_as_context = [line for i, line in enumerate(page) if table.kept_as_context(i)]
    assert kept_as_context == ["Council approves the new bridge", "Jane Smith, Reuters"]


def test_html_mode_keeps_repeated_list_items_and_ends_a_sidebar_at_the_next_paragraph():
    extracted = "\n".join([
        ARTICLE[0], "Ingredients:", "1 cup of flour", "1 cup of flour", "1 cup of flour", ARTICLE[1],
        "Related articles", "Bridge plans approved elsewhere", ARTICLE[2],
        "Share this article", "Most read", "Ten bridges to see before you die", "Why rivers flood",
    ])
    result = strip(extracted, mode="html")
    kept = result.text.splitlines()
    assert kept.count("1 cup of flour") == 1  # later copies are duplicates, the item itself stays
    assert ARTICLE[2] in kept and "Bridge plans approved elsewhere" not in kept
    assert "Why rivers flood" not in kept and "Share this article" not in kept
    assert {r.rule for r in result.removed} <= {"sidebar", "widget", "duplicate-line"}


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        strip("text", mode="pdf")


def test_a_model_that_keeps_nothing_falls_back_to_the_rules():
    trees = BoostedTrees({
        "features": default_model().lines.names, "baseline": -10.0, "depth": 1, "roots": [0],
        "feature": [0], "split": [0.0], "left": [0], "right": [0], "value": [0.0],
    })
    pessimist = LineModel(trees, None, Decoding(0.5))
    page = "\n".join(["Menu", *ARTICLE])
    assert strip(page, model=pessimist).text == strip(page, use_model=False).text


def test_fast_feature_code_gives_the_same_matrix_on_the_seeds() -> None:
    """The upper-case share and the window means are computed faster than they were written at
    first; the model must see exactly the values it was trained on."""
    import numpy as np

    from cleanpress import linemodel
    from conftest import SEEDS

    names = linemodel.feature_names()
    for path in sorted(SEEDS.glob("*.txt")):
        table = linemodel.line_table(path.read_text(encoding="utf-8").split("\n"))
        for row, index in zip(table.matrix, table.indices):
            letters = [c for c in table.features[index].text if c.isalpha()]
            expected = sum(c.isupper() for c in letters) / max(1, len(letters))
            assert row[names.index("upper_share")] == np.float32(expected)
        column = table.matrix[:, names.index("log_words")]
        for width in linemodel.CONTEXT_WINDOWS:
            reference = np.convolve(np.pad(column, width, mode="edge"), np.ones(2 * width + 1) / (2 * width + 1), mode="valid")
            assert np.array_equal(linemodel._window_mean(column, width), reference)


def test_best_run_finds_the_largest_sum_and_a_single_line_when_all_are_negative() -> None:
    assert best_run(np.array([1.0, -3.0, 2.0, 2.0, -1.0, 0.5])) == (2, 3)
    assert best_run(np.array([-2.0, -0.5, -1.0])) == (1, 1)


def test_span_decoding_strips_text_like_lines_outside_the_article_run_and_names_the_reason() -> None:
    """A comment after the article reads like prose; with one span it goes, marked outside-article."""
    comment = "I have lived next to that river for forty years and I can tell you the bridge will never be built."
    sections = ["World", "Europe", "Asia", "Business", "Markets", "Sport", "Football", "Tennis", "Culture", "Music",
                "Film", "Books", "Science", "Health", "Travel", "Weather", "Opinion", "Video", "Podcasts", "Jobs"]
    menu = [f"{name} news today" for name in sections]  # the run's words outweigh the comment's
    lines = [*ARTICLE, *menu, comment]
    table = line_table(lines)
    probability = np.array([0.9 if table.features[i].is_paragraph else 0.05 for i in table.indices])
    by_threshold = Decoding(0.3).verdicts(table, probability)
    by_span = Decoding(0.3, span_margin=0.3).verdicts(table, probability)
    assert by_threshold[-1] is None  # the threshold alone keeps the comment
    assert by_span[-1] == SPAN_RULE and by_span[:4] == [None] * 4
    assert by_span[4:-1] == [MODEL_RULE] * len(menu)  # low scores keep their own reason


def test_the_stacked_model_changes_what_the_line_model_alone_says() -> None:
    model = default_model()
    table = line_table(seed("002").split("\n"))
    first = model.lines.probability(table.matrix)
    assert not np.allclose(first, model.probability(table))


def test_fill_decoding_keeps_a_doubted_sentence_between_two_kept_lines_but_not_a_menu_word() -> None:
    """The model doubts an attributive sentence between two paragraphs; filling keeps it. A
    one-word line in the same place is no sentence and stays stripped."""
    lines = [ARTICLE[1], "He said so, speaking to reporters after the vote.", ARTICLE[2], "Weather", ARTICLE[3]]
    table = line_table(lines)
    probability = np.array([0.9, 0.2, 0.9, 0.2, 0.9])
    assert Decoding(0.3).verdicts(table, probability) == [None, MODEL_RULE, None, MODEL_RULE, None]
    assert Decoding(0.3, fill_sentences=True).verdicts(table, probability) == [None, None, None, MODEL_RULE, None]
