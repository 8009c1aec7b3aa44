"""The learned half of boilerplate stripping: a small boosted-tree model over line features.

:mod:`cleanpress.boilerplate` describes each line (length, punctuation, cue words, patterns) and
finds the article's main block with rules. Rules alone miss what only combinations reveal (a
short line between two paragraphs is a subheading, the same line among one-word menu items is
chrome), so this module turns every non-blank line into a numeric vector, adds its neighbours'
context, and scores it with gradient-boosted trees trained on real pages
(``benchmarks/train_boilerplate.py``; the data is not shipped, the trees are, as JSON).

The trees are evaluated here with numpy, all trees and all lines at once, so no
machine-learning library is needed at run time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
import regex

from . import boilerplate as bp

MODEL_PATH = Path(__file__).with_name("models") / "boilerplate-lines.json"

_CUE_CATEGORIES = tuple(sorted(bp.CUE_WORDS))
_RULE_NAMES = (*sorted(bp.RULES), bp.POSITIONAL)
_WORD = regex.compile(r"\w+")
_BULLET = regex.compile(r"^(?:[*•·\-–—►▸»]|\d{1,3}[.)])\s")
_TIME = regex.compile(r"\b\d{1,2}:\d{2}\b")
PARAGRAPH_WORDS = 15  # a line this long counts as a paragraph for the distance features
DISTANCE_CAP = 20
CONTEXT_WINDOWS = (1, 2, 5)


@dataclass(slots=True)
class LineTable:
    """Everything the model and the rules know about a page's non-blank lines."""

    features: list[bp.LineFeatures | None]  # one per line, None for blank lines
    rules: list[str | None]  # the pattern rule of each line (None: no pattern)
    decisions: list[str | None]  # the rule-based decision of each line
    indices: list[int]  # positions of the non-blank lines
    matrix: np.ndarray  # one row per non-blank line
    body: tuple[int, int] | None  # the main block the rules found (inclusive line bounds)

    def kept_as_context(self, index: int) -> bool:
        """A line the rules keep outside the main block: the headline above it, the signature below."""
        inside = self.body is not None and self.body[0] <= index <= self.body[1]
        return self.body is not None and not inside and self.decisions[index] is None


def line_table(
    lines: list[str], *, min_repeat: int = 3, line_frequency: Callable[[str], int] | None = None
) -> LineTable:
    """Describe every line of a page, by rules and as numbers for the model.

    ``line_frequency`` tells in how many documents of the corpus a line occurs
    (:class:`cleanpress.linefreq.LineFrequencies`); without it every line counts as unique.
    """
    features = bp.line_features(lines)
    rules = [bp.pattern_rule(f, min_repeat=min_repeat) if f else None for f in features]
    decisions = bp.decide(features, min_repeat=min_repeat)
    body = bp.find_body([bp.line_score(f, rule) if f else 0.0 for f, rule in zip(features, rules)])
    indices = [i for i, f in enumerate(features) if f is not None]
    rows = [_line_vector(features[i], rules[i], decisions[i], i, body) for i in indices]  # type: ignore[arg-type]
    matrix = np.array(rows, dtype=np.float32) if rows else np.zeros((0, len(feature_names())), np.float32)
    if rows:
        matrix = np.hstack([matrix, _context_columns(matrix), _page_columns(features, indices),
                            _structure_columns(features, rules, indices),
                            _corpus_column(lines, indices, line_frequency)])
    return LineTable(features, rules, decisions, indices, matrix, body)


def feature_names() -> list[str]:
    """Names of the columns of :attr:`LineTable.matrix`, in order (stored with the model)."""
    names = [
        "log_words", "log_chars", "sentence_like", "log_sentences", "junk_per_word", "digit_share",
        "log_repeats", "url", "email", "phone", "label_value", "stamp", "site_domain", "foreign_domain",
        "markup", "paragraph", "short", "short_word_share", "capitalised_share", "lower_start",
        "bullet", "ends_with_colon", "upper_share", "time_of_day",
    ]
    names += [f"cue_{c}" for c in _CUE_CATEGORIES]
    names += [f"rule_{r}" for r in _RULE_NAMES]
    names += ["rules_keep", "in_body", "before_body", "after_body"]
    return names


def context_names() -> list[str]:
    names = [f"mean{w}_{col}" for w in CONTEXT_WINDOWS for col in _CONTEXT_COLUMNS]
    names += ["prev_words", "next_words", "prev_sentence", "next_sentence"]
    names += ["words_of_longest", "token_position", "lines_since_paragraph", "lines_to_paragraph", "log_page_words"]
    names += ["comment_header", "after_comment_header", "after_sidebar_heading", "after_widget", "after_footer",
              "log_paragraphs_before", "log_paragraphs_after", "log_other_documents_with_line"]
    return names


_CONTEXT_COLUMNS = ("log_words", "paragraph", "sentence_like", "rules_keep")


def _line_vector(
    f: bp.LineFeatures, rule: str | None, decision: str | None, index: int, body: tuple[int, int] | None
) -> list[float]:
    tokens = f.text.split()
    n_tokens = max(1, len(tokens))
    letters = sum(map(str.isalpha, f.text))
    capitals = sum(map(str.isalpha, filter(str.isupper, f.text)))  # capital letters, not symbols like Ⓐ
    vector = [
        math.log1p(f.words), math.log1p(f.chars), float(f.sentence_like), math.log1p(f.sentences),
        f.junk_chars / max(1, f.words), f.digits / max(1, f.chars), math.log1p(f.repeats),
        float(f.has_url), float(f.has_email), float(f.has_phone), float(f.label_value), float(f.stamp),
        float(f.site_domain), float(f.foreign_domain), float(f.markup), float(f.is_paragraph), float(f.is_short),
        sum(len(t) <= 3 for t in tokens) / n_tokens,
        sum(t[:1].isupper() for t in tokens) / n_tokens,
        float(f.text[:1].islower()),
        float(bool(_BULLET.match(f.text))),
        float(f.text.endswith(":")),
        capitals / max(1, letters),
        float(bool(_TIME.search(f.text[:200]))),
    ]
    vector += [f.cue_share.get(c, 0.0) for c in _CUE_CATEGORIES]
    vector += [float(rule == r) for r in _RULE_NAMES]
    vector.append(float(decision is None))
    if body is None:
        vector += [0.0, 0.0, 0.0]
    else:
        start, end = body
        vector += [
            float(start <= index <= end),
            min(start - index, DISTANCE_CAP) / DISTANCE_CAP if index < start else 0.0,
            min(index - end, DISTANCE_CAP) / DISTANCE_CAP if index > end else 0.0,
        ]
    return vector


def _context_columns(matrix: np.ndarray) -> np.ndarray:
    """Means of a few columns over windows of neighbouring lines, and the neighbours themselves."""
    names = feature_names()
    columns = [matrix[:, names.index(name)] for name in _CONTEXT_COLUMNS]
    context = [_window_mean(col, w) for w in CONTEXT_WINDOWS for col in columns]
    words, sentence = matrix[:, names.index("log_words")], matrix[:, names.index("sentence_like")]
    context += [np.roll(words, 1), np.roll(words, -1), np.roll(sentence, 1), np.roll(sentence, -1)]
    return np.array(context, dtype=np.float32).T


def _window_mean(column: np.ndarray, width: int) -> np.ndarray:
    padded = np.concatenate([np.repeat(column[:1], width), column, np.repeat(column[-1:], width)])  # np.pad "edge", faster
    return np.convolve(padded, np.ones(2 * width + 1) / (2 * width + 1), mode="valid")


def _page_columns(features: list[bp.LineFeatures | None], indices: list[int]) -> np.ndarray:
    """Where a line stands in the page: share of words before it, distance to paragraphs."""
    words = np.array([features[i].words for i in indices], dtype=np.float64)  # type: ignore[union-attr]
    total = max(1.0, words.sum())
    position = (np.cumsum(words) - words) / total
    is_paragraph = words >= PARAGRAPH_WORDS
    since = _lines_since(is_paragraph)
    until = _lines_since(is_paragraph[::-1])[::-1]
    columns = [
        words / max(1.0, words.max()),
        position,
        since / DISTANCE_CAP,
        until / DISTANCE_CAP,
        np.full(len(words), math.log1p(total)),
    ]
    return np.array(columns, dtype=np.float32).T


def _structure_columns(
    features: list[bp.LineFeatures | None], rules: list[str | None], indices: list[int]
) -> np.ndarray:
    """What came before a line: once comments, a sidebar or the footer begin, the article rarely resumes."""
    rows = []
    for i in indices:
        f = features[i]
        rows.append((
            float(_is_comment_header(f)),  # type: ignore[arg-type]
            float(rules[i] == "sidebar"),
            float(f.is_short and "widget" in f.cue_share),  # type: ignore[union-attr]
            float(rules[i] == "footer"),
            float(f.is_paragraph),  # type: ignore[union-attr]
        ))
    marks = np.array(rows, dtype=np.float64)
    seen_before = np.maximum.accumulate(marks[:, :4], axis=0)
    seen_before = np.vstack([np.zeros((1, 4)), seen_before[:-1]])  # strictly before the line
    paragraphs = marks[:, 4]
    before = np.cumsum(paragraphs) - paragraphs
    after = paragraphs[::-1].cumsum()[::-1] - paragraphs
    columns = [marks[:, 0], *seen_before.T, np.log1p(before), np.log1p(after)]
    return np.array(columns, dtype=np.float32).T


def _corpus_column(lines: list[str], indices: list[int], line_frequency: Callable[[str], int] | None) -> np.ndarray:
    """In how many other documents of the corpus the line occurs: chrome repeats across a site."""
    if line_frequency is None:
        return np.zeros((len(indices), 1), dtype=np.float32)
    others = [max(0, line_frequency(lines[i]) - 1) for i in indices]
    return np.log1p(np.array(others, dtype=np.float32)).reshape(-1, 1)


_COMMENT_VERB = regex.compile(
    r"\b(?:said|says|wrote|writes|replied|commented|написал|написала|пишет|ответил|yazdı|dedi|yazıb|"
    r"napisao|napisala|kaže|yozdi|schrieb|sagt|a écrit|escribió|escreveu|ha scritto)\b\s*:?$",
    regex.IGNORECASE,
)


def _is_comment_header(f: bp.LineFeatures) -> bool:
    """A reader comment's header: a short line naming its author and time ("Alex on May 2 at 6:34 said:")."""
    return f.words <= 15 and (bool(_COMMENT_VERB.search(f.text[-40:])) or (f.text.endswith(":") and bool(_TIME.search(f.text))))


def _lines_since(flags: np.ndarray) -> np.ndarray:
    """For each position, lines since the last earlier flagged one (capped)."""
    result = np.full(len(flags), DISTANCE_CAP, dtype=np.float64)
    last = None
    for k, flag in enumerate(flags):
        if last is not None:
            result[k] = min(k - last, DISTANCE_CAP)
        if flag:
            last = k
    return result


# ---------------------------------------------------------------------------------------------
# The model


class BoostedTrees:
    """Binary gradient-boosted trees exported as flat arrays, evaluated with numpy.

    Every tree is stored as node arrays (feature, threshold, left, right, value); a leaf points
    to itself, so walking ``depth`` steps from every root lands every line on a leaf.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.names: list[str] = spec["features"]
        self.threshold: float = spec["threshold"]
        self.baseline = float(spec["baseline"])
        self.depth = int(spec["depth"])
        self.roots = np.array(spec["roots"], dtype=np.int64)
        self.feature = np.array(spec["feature"], dtype=np.int64)
        self.split = np.array(spec["split"], dtype=np.float64)
        self.left = np.array(spec["left"], dtype=np.int64)
        self.right = np.array(spec["right"], dtype=np.int64)
        self.value = np.array(spec["value"], dtype=np.float64)
        self.info: dict[str, Any] = spec.get("info", {})

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> BoostedTrees:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """Probability that each row (line) is article text."""
        if len(matrix) == 0:
            return np.zeros(0)
        rows = np.arange(len(matrix))[:, None]
        nodes = np.broadcast_to(self.roots, (len(matrix), len(self.roots))).copy()
        for _ in range(self.depth):
            goes_left = matrix[rows, self.feature[nodes]] <= self.split[nodes]
            nodes = np.where(goes_left, self.left[nodes], self.right[nodes])
        raw = self.baseline + self.value[nodes].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@lru_cache(maxsize=1)
def default_model() -> BoostedTrees:
    """The model shipped with the package."""
    model = BoostedTrees.load()
    expected = feature_names() + context_names()
    if model.names != expected:
        raise RuntimeError(f"{MODEL_PATH} was trained on other features; retrain it (benchmarks/train_boilerplate.py)")
    return model
