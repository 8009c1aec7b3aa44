"""The learned half of boilerplate stripping: a small boosted-tree model over line features.

:mod:`cleanpress.boilerplate` describes each line (length, punctuation, cue words, patterns) and
finds the article's main block with rules. Rules alone miss what only combinations reveal (a
short line between two paragraphs is a subheading, the same line among one-word menu items is
chrome), so this module turns every non-blank line into a numeric vector, adds its neighbours'
context, and scores it with gradient-boosted trees trained on real pages
(``benchmarks/train_boilerplate.py``; the data is not shipped, the trees are, as JSON).

A second, stacked model then reads the first one's probabilities of the lines around each line
(a lone one-word line between two paragraphs is a subheading; the same line in a run of
low-scored lines is a menu item), and the page is decoded as one span: the article is the run
of lines with the best words-weighted score, and nothing outside it is kept. Articles are one
run of text; chrome that looks like prose (comments, teasers, author bios) sits around it.

The trees are evaluated here with numpy, all trees and all lines at once, so no
machine-learning library is needed at run time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable

import numpy as np
import regex

from . import boilerplate as bp
from .linefreq import LineFrequencies

MODEL_PATH = Path(__file__).with_name("models") / "boilerplate-lines.json"

_CUE_CATEGORIES = tuple(sorted(bp.CUE_WORDS))
_RULE_NAMES = (*sorted(bp.RULES - {bp.MODEL_RULE, bp.SPAN_RULE, bp.HEADLINE_RULE}), bp.POSITIONAL)  # what the patterns can say
_WORD = regex.compile(r"\w+")
_BULLET = regex.compile(r"^(?:[*•·\-–—►▸»]|\d{1,3}[.)])\s")
_TIME = regex.compile(r"\b\d{1,2}:\d{2}\b")
PARAGRAPH_WORDS = 15  # a line this long counts as a paragraph for the distance features
DISTANCE_CAP = 20
CONTEXT_WINDOWS = (1, 2, 5)
STACK_NEIGHBOURS = 5  # the stacked model sees the first model's probabilities this many lines either side
STACK_WINDOWS = (2, 5, 10)
STACK_CONFIDENT = 0.5  # a probability at least this reads as article text in the stacked features


@dataclass(slots=True)
class LineTable:
    """Everything the model and the rules know about a page's non-blank lines."""

    features: list[bp.LineFeatures | None]  # one per line, None for blank lines
    rules: list[str | None]  # the pattern rule of each line (None: no pattern)
    decisions: list[str | None]  # the rule-based decision of each line
    indices: list[int]  # positions of the non-blank lines
    matrix: np.ndarray  # one row per non-blank line
    body: tuple[int, int] | None  # the main block the rules found (inclusive line bounds)
    headline: tuple[int, ...] = ()  # the headline lines above the main block (see kept_as_context)
    signature: tuple[int, ...] = ()  # the signature lines below it

    def kept_as_context(self, index: int) -> bool:
        """Whether the line is the headline above the main block or the signature below it
        (:func:`cleanpress.boilerplate.headline_and_signature`): kept, or moved to the title,
        whatever the model says, since the model was trained on gold texts that have neither."""
        return index in self.headline or index in self.signature


def line_table(
    lines: list[str], *, min_repeat: int = 3, line_frequency: Callable[[str], int] | None = None
) -> LineTable:
    """Describe every line of a page, by rules and as numbers for the model.

    ``line_frequency`` tells in how many documents of the corpus a line occurs
    (:class:`cleanpress.linefreq.LineFrequencies`); without it every line counts as unique.
    """
    features, chars = bp.line_features_and_counts(lines)
    page = bp.decide_page(features, min_repeat=min_repeat)
    rules, decisions, body = page.rules, page.decisions, page.body
    indices = [i for i, f in enumerate(features) if f is not None]
    rows = [_line_vector(features[i], rules[i], decisions[i], i, body, chars.letters[i], chars.capitals[i])  # type: ignore[arg-type]
            for i in indices]
    matrix = np.array(rows, dtype=np.float32) if rows else np.zeros((0, len(feature_names())), np.float32)
    if rows:
        matrix = np.hstack([matrix, _context_columns(matrix), _page_columns(features, indices),
                            _structure_columns(features, rules, indices),
                            _corpus_column(lines, indices, line_frequency)])
    headline, signature = bp.headline_and_signature(features, decisions, body)
    return LineTable(features, rules, decisions, indices, matrix, body, tuple(headline), tuple(signature))


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
    f: bp.LineFeatures, rule: str | None, decision: str | None, index: int, body: tuple[int, int] | None,
    letters: int, capitals: int,
) -> list[float]:
    """The line's own columns of the matrix; ``letters`` and ``capitals`` count its letters and
    its capital letters (not symbols like Ⓐ): :class:`~cleanpress.boilerplate.CharCounts`."""
    tokens = f.text.split()
    n_tokens = max(1, len(tokens))
    vector = [
        math.log1p(f.words), math.log1p(f.chars), float(f.sentence_like), math.log1p(f.sentences),
        f.junk_chars / max(1, f.words), f.digits / max(1, f.chars), math.log1p(f.repeats),
        float(f.has_url), float(f.has_email), float(f.has_phone), float(f.label_value), float(f.stamp),
        float(f.site_domain), float(f.foreign_domain), float(f.markup), float(f.is_paragraph), float(f.is_short),
        _short_tokens(tokens) / n_tokens,
        _capitalised_tokens(tokens) / n_tokens,
        float(f.text[:1].islower()),
        float(bool(_BULLET.match(f.text))),
        float(f.text.endswith(":")),
        capitals / max(1, letters),
        float(f.has_digit and ":" in f.text[:200] and bool(_TIME.search(f.text[:200]))),  # a time needs both
    ]
    vector += [f.cue_share.get(c, 0.0) for c in _CUE_CATEGORIES] if f.cue_share else _NO_CUES
    vector += _rule_columns(rule)
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


_NO_CUES = (0.0,) * len(_CUE_CATEGORIES)


@lru_cache(maxsize=None)
def _rule_columns(rule: str | None) -> tuple[float, ...]:
    """The one-hot ``rule_*`` columns of a pattern rule, built once per rule."""
    return tuple(float(rule == r) for r in _RULE_NAMES)


def _short_tokens(tokens: list[str]) -> int:
    """Tokens of at most three characters, counted by C-level maps: this runs for every token."""
    return sum(map(_AT_MOST_THREE, map(len, tokens)))


def _capitalised_tokens(tokens: list[str]) -> int:
    """Tokens whose first character is upper case (``str.split`` tokens are never empty)."""
    return sum(map(str.isupper, map(_FIRST, tokens)))


_AT_MOST_THREE = (4).__gt__
_FIRST = itemgetter(0)


def _context_columns(matrix: np.ndarray) -> np.ndarray:
    """Means of a few columns over windows of neighbouring lines, and the neighbours themselves."""
    at = _column_positions()
    columns = matrix[:, [at[name] for name in _CONTEXT_COLUMNS]].T
    context = [mean for w in CONTEXT_WINDOWS for mean in _window_means(columns, w)]
    words, sentence = matrix[:, at["log_words"]], matrix[:, at["sentence_like"]]
    context += [_roll(words, 1), _roll(words, -1), _roll(sentence, 1), _roll(sentence, -1)]
    return np.array(context, dtype=np.float32).T


@lru_cache(maxsize=1)
def _column_positions() -> dict[str, int]:
    """Where each named column of :func:`feature_names` is, looked up once rather than per page."""
    positions: dict[str, int] = {}
    for k, name in enumerate(feature_names()):
        positions.setdefault(name, k)  # the first, as list.index
    return positions


def _roll(column: np.ndarray, shift: int) -> np.ndarray:
    """``np.roll(column, shift)`` for a 1-D column and a shift of one, without np.roll's generic set-up."""
    return np.concatenate([column[-shift:], column[:-shift]])


def _window_mean(column: np.ndarray, width: int) -> np.ndarray:
    """The mean of each value and the ``width`` values either side, the column's ends repeated."""
    return _window_means(column[None, :], width)[0]


def _window_means(columns: np.ndarray, width: int) -> np.ndarray:
    """:func:`_window_mean` of each row of ``columns``, with one convolution for all: the padded
    rows are laid end to end, and the windows that straddle two rows are dropped."""
    rows, n = columns.shape
    padded = np.concatenate([np.repeat(columns[:, :1], width, axis=1), columns,
                             np.repeat(columns[:, -1:], width, axis=1)], axis=1)  # np.pad "edge", faster
    means = np.empty((rows, n + 2 * width))
    means.ravel()[: means.size - 2 * width] = np.convolve(padded.ravel(), _window_kernel(width), mode="valid")
    return means[:, :n]


@lru_cache(maxsize=None)
def _window_kernel(width: int) -> np.ndarray:
    """The averaging weights of a window, built once per width (read-only: it is shared)."""
    kernel = np.ones(2 * width + 1) / (2 * width + 1)
    kernel.flags.writeable = False
    return kernel


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
    chosen = [lines[i] for i in indices]
    if isinstance(line_frequency, LineFrequencies):  # one search of the table for the whole page
        counts = line_frequency.counts(chosen).astype(np.float32)
    else:
        counts = np.array([line_frequency(line) for line in chosen], dtype=np.float32)
    return np.log1p(np.maximum(counts - 1, 0)).reshape(-1, 1)


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


def stack_names() -> list[str]:
    """Names of the columns :func:`stack_columns` adds for the stacked model."""
    names = ["p"] + [f"p_{offset:+d}" for offset in _neighbour_offsets()]
    names += [f"p_mean{w}" for w in STACK_WINDOWS]
    names += ["p_mean_before", "p_mean_after", "confident_words_before", "confident_words_after",
              "best_run_through", "in_best_run", "lines_to_best_run", "p_page_max", "p_page_mean"]
    return names


def _neighbour_offsets() -> list[int]:
    return [k for k in range(-STACK_NEIGHBOURS, STACK_NEIGHBOURS + 1) if k]


def stack_columns(table: LineTable, probability: np.ndarray) -> np.ndarray:
    """What the first model thinks of the lines around each line, for the stacked model.

    Besides the neighbours' probabilities (-1 beyond the page) and their window means: the mean
    before and after the line, the share of words in confident lines before and after, and the
    best words-weighted run of confident lines through the line (where the article lies).
    """
    p = np.asarray(probability, dtype=np.float64)
    n = len(p)
    if n == 0:
        return np.zeros((0, len(stack_names())), dtype=np.float32)
    words = line_words(table)
    padded = np.concatenate([np.full(STACK_NEIGHBOURS, -1.0), p, np.full(STACK_NEIGHBOURS, -1.0)])
    columns = [p] + [padded[STACK_NEIGHBOURS + k: STACK_NEIGHBOURS + k + n] for k in _neighbour_offsets()]
    columns += [_window_mean(p, w) for w in STACK_WINDOWS]
    position = np.arange(n)
    before, after = np.cumsum(p) - p, p[::-1].cumsum()[::-1] - p
    columns += [before / np.maximum(1, position), after / np.maximum(1, n - 1 - position)]
    total = max(1.0, words.sum())
    confident = words * (p >= STACK_CONFIDENT)
    columns += [(np.cumsum(confident) - confident) / total, (confident[::-1].cumsum()[::-1] - confident) / total]
    gain = words * (p - STACK_CONFIDENT) / total
    columns.append(_best_run_through(gain))
    start, end = best_run(gain)
    inside = (position >= start) & (position <= end)
    distance = np.where(position < start, start - position, np.where(position > end, position - end, 0))
    columns += [inside.astype(np.float64), np.minimum(distance, DISTANCE_CAP) / DISTANCE_CAP]
    columns += [np.full(n, p.max()), np.full(n, float((p * words).sum() / total))]
    return np.array(columns, dtype=np.float32).T


def line_words(table: LineTable) -> np.ndarray:
    """Words of each non-blank line (at least one: a line of symbols still takes room)."""
    return np.array([max(1, table.features[i].words) for i in table.indices], dtype=np.float64)  # type: ignore[union-attr]


def best_run(gain: np.ndarray) -> tuple[int, int]:
    """Inclusive bounds of the contiguous run with the largest sum (one line at least).

    >>> best_run(np.array([-1.0, 2.0, -0.5, 3.0, -4.0, 1.0]))
    (1, 3)
    """
    prefix = np.concatenate([[0.0], np.cumsum(gain)])
    lowest_before = np.minimum.accumulate(prefix[:-1])  # the best start for a run ending at each line
    end = int(np.argmax(prefix[1:] - lowest_before))
    start = int(np.argmin(prefix[: end + 1]))
    return start, end


def _best_run_through(gain: np.ndarray) -> np.ndarray:
    """For each line, the largest sum of a contiguous run that contains it."""
    prefix = np.concatenate([[0.0], np.cumsum(gain)])
    lowest_up_to = np.minimum.accumulate(prefix[:-1])  # best start at or before each line
    highest_from = np.maximum.accumulate(prefix[1:][::-1])[::-1]  # best end at or after each line
    return highest_from - lowest_up_to


# ---------------------------------------------------------------------------------------------
# The model


class BoostedTrees:
    """Binary gradient-boosted trees exported as flat arrays, evaluated with numpy.

    Every tree is stored as node arrays (feature, threshold, left, right, value); a leaf points
    to itself, so walking ``depth`` steps from every root lands every line on a leaf.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec  # kept to be written back as it came
        self.names: list[str] = spec["features"]
        self.baseline = float(spec["baseline"])
        self.depth = int(spec["depth"])
        self.roots = np.array(spec["roots"], dtype=np.int64)
        self.feature = np.array(spec["feature"], dtype=np.int64)
        self.split = np.array(spec["split"], dtype=np.float64)
        self.left = np.array(spec["left"], dtype=np.int64)
        self.right = np.array(spec["right"], dtype=np.int64)
        self.value = np.array(spec["value"], dtype=np.float64)

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """Probability that each row (line) is article text."""
        if len(matrix) == 0:
            return np.zeros(0)
        flat = np.ascontiguousarray(matrix).ravel()  # one 1-D take per step, cheaper than 2-D fancy indexing
        row_starts = np.arange(len(matrix))[:, None] * matrix.shape[1]
        nodes = np.broadcast_to(self.roots, (len(matrix), len(self.roots))).copy()
        for _ in range(self.depth):
            goes_left = flat[row_starts + self.feature[nodes]] <= self.split[nodes]
            nodes = np.where(goes_left, self.left[nodes], self.right[nodes])
        raw = self.baseline + self.value[nodes].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass(slots=True)
class Decoding:
    """How probabilities become keep-or-strip decisions.

    Without a span, a line is kept when its probability reaches ``threshold``. With
    ``span_margin``, the page's article is the run of lines with the largest sum of
    ``words * (probability - span_margin)``, and a line is kept when it lies in that run and its
    probability reaches ``threshold``: chrome that reads like prose outside the run goes.
    """

    threshold: float
    span_margin: float | None = None
    fill_sentences: bool = False

    def verdicts(self, table: LineTable, probability: np.ndarray) -> list[str | None]:
        """Per non-blank line: ``None`` to keep it, or the reason to strip it."""
        verdicts: list[str | None] = [None if p >= self.threshold else bp.MODEL_RULE for p in probability]
        if self.span_margin is not None and verdicts:
            start, end = best_run(line_words(table) * (np.asarray(probability) - self.span_margin))
            for k in (*range(start), *range(end + 1, len(verdicts))):
                verdicts[k] = verdicts[k] or bp.SPAN_RULE
        if self.fill_sentences:
            _fill_sentences(table, verdicts)
        return verdicts


def _fill_sentences(table: LineTable, verdicts: list[str | None]) -> None:
    """Keep a sentence the model doubted when the kept lines on both sides are article text:
    an article's quoted or attributive sentence ("X told Y, commenting on ...") reads less like
    prose to the model than its neighbours, chrome rarely sits as a sentence between two kept
    paragraphs (jusText's context pass, on the model's verdicts)."""
    for k in range(1, len(verdicts) - 1):
        f = table.features[table.indices[k]]
        if (verdicts[k] == bp.MODEL_RULE and f is not None and f.sentence_like
                and verdicts[k - 1] is None and verdicts[k + 1] is None):
            verdicts[k] = None


class LineModel:
    """The shipped stripper model: line trees, optional stacked trees, and the decoding."""

    def __init__(self, lines: BoostedTrees, stack: BoostedTrees | None, decoding: Decoding,
                 info: dict[str, Any] | None = None) -> None:
        self.lines, self.stack, self.decoding = lines, stack, decoding
        self.info: dict[str, Any] = info or {}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> LineModel:
        stack = spec.get("stack")
        return cls(BoostedTrees(spec["lines"]), BoostedTrees(stack) if stack else None,
                   Decoding(**spec["decoding"]), spec.get("info"))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LineModel:
        return cls.from_spec(json.loads(path.read_text(encoding="utf-8")))

    def probability(self, table: LineTable) -> np.ndarray:
        """Probability that each non-blank line is article text, after stacking."""
        first = self.lines.probability(table.matrix)
        if self.stack is None or len(first) == 0:
            return first
        return self.stack.probability(stacked_matrix(table, first))

    def verdicts(self, table: LineTable, probability: np.ndarray) -> list[str | None]:
        return self.decoding.verdicts(table, probability)


def stacked_matrix(table: LineTable, first: np.ndarray) -> np.ndarray:
    """The stacked model's input: the line's own features beside its neighbourhood's probabilities."""
    return np.hstack([table.matrix, stack_columns(table, first)])


@lru_cache(maxsize=1)
def default_model() -> LineModel:
    """The model shipped with the package."""
    model = LineModel.load()
    if model.lines.names != feature_names() + context_names() or (
        model.stack is not None and model.stack.names != feature_names() + context_names() + stack_names()
    ):
        raise RuntimeError(f"{MODEL_PATH} was trained on other features; retrain it (benchmarks/train_boilerplate.py)")
    return model
