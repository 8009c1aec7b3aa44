"""Deduplication through the library API: exact, near and translated duplicates, and the keep rule."""
from __future__ import annotations

import random

from conftest import OTHER_ARTICLE, TRANSLATION_PAIR, seed_text

from cleanpress import CleanConfig, Document
from cleanpress.pipeline import as_documents, process

WORDS = ("gas pipeline minister talks border trade grain tariff election court ruling railway harbour "
         "reform inflation budget drought harvest festival museum bridge protest strike vaccine").split()


def article(rng: random.Random, sentences: int = 30) -> str:
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(sentences))


def mutate(text: str, rng: random.Random, share: float) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = rng.choice(WORDS)
    return " ".join(words)


def outcomes(docs: list[Document], **options) -> dict[str, tuple[str, object]]:
    config = CleanConfig(**options)
    return {o.document.id if o.document else o.skipped.id: (o.status, o.decision) for o in process(docs, config)}


def test_near_duplicates_are_found_and_unrelated_texts_kept():
    rng = random.Random(7)
    base = article(rng)
    docs = [
        Document(id="base", text=base, order=0),
        Document(id="light-edit", text=mutate(base, rng, 0.02), order=1),
        Document(id="rewrite", text=article(rng), order=2),
    ]
    result = outcomes(docs, keep="first")
    assert result["base"][0] == "kept" and result["rewrite"][0] == "kept"
    status, decision = result["light-edit"]
    assert status == "duplicate" and decision.kind == "near" and decision.duplicate_of == "base"
    assert 0.7 <= decision.score < 1.0


def test_heavy_edit_is_not_a_near_duplicate():
    rng = random.Random(11)
    base = article(rng)
    docs = [Document(id="base", text=base, order=0), Document(id="heavy", text=mutate(base, rng, 0.5), order=1)]
    assert outcomes(docs)["heavy"][0] == "kept"


def test_threshold_option_changes_the_decision():
    rng = random.Random(3)
    base = article(rng)
    docs = lambda: [Document(id="a", text=base, order=0), Document(id="b", text=mutate(base, rng, 0.06), order=1)]
    assert outcomes(docs(), near_threshold=0.5)["b"][0] == "duplicate"
    assert outcomes(docs(), near_threshold=0.99)["b"][0] == "kept"


def test_keep_rule_longest_or_first():
    rng = random.Random(5)
    base = article(rng)
    longer = base + "\nBridge museum festival harvest drought budget inflation reform harbour railway."
    docs = lambda: [Document(id="short", text=base, order=0), Document(id="long", text=longer, order=1)]
    assert outcomes(docs(), keep="longest")["short"][1].duplicate_of == "long"
    assert outcomes(docs(), keep="first")["long"][1].duplicate_of == "short"


def test_seed_translation_is_found_with_a_margin(seeds_dir):
    def dropped(threshold: float) -> list[tuple[str, str, str]]:
        docs = [{"id": p.stem[:3], "text": p.read_text(encoding="utf-8")} for p in sorted(seeds_dir.glob("*.txt"))]
        config = CleanConfig(translated_threshold=threshold)
        return [(o.document.id, o.decision.duplicate_of, o.decision.kind)
                for o in process(as_documents(docs, config), config) if o.status == "duplicate"]

    # the same single decision from well below the default threshold (0.3) to well above it
    for threshold in (0.2, 0.3, 0.45):
        assert dropped(threshold) == [("000", "003", "translated")]


def test_translations_need_different_languages():
    text = seed_text(TRANSLATION_PAIR[1])
    rng = random.Random(1)
    # same language, same names, different words: not a translation, and far from a near duplicate
    other = "\n".join(line if i % 2 else mutate(line, rng, 0.9) for i, line in enumerate(text.split("\n")))
    docs = list(as_documents([{"id": "a", "text": text}, {"id": "b", "text": other}], CleanConfig()))
    assert all(status == "kept" for status, _ in outcomes(docs, near_threshold=0.95).values())


def test_transitive_members_name_the_document_they_matched():
    rng = random.Random(9)
    a = article(rng, 40)
    b = mutate(a, rng, 0.012)
    c = mutate(b, rng, 0.012)
    docs = [Document(id=i, text=t, order=n) for n, (i, t) in enumerate((("a", a), ("b", b), ("c", c)))]
    result = outcomes(docs, near_threshold=0.75, keep="first")
    assert result["a"][0] == "kept"
    for member in ("b", "c"):
        status, decision = result[member]
        assert status == "duplicate" and decision.duplicate_of == "a"
        assert decision.via in (None, "b")
