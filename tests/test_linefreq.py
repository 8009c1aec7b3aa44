"""Corpus line frequencies: counting, bounded memory, and their way into the boilerplate stage."""
from __future__ import annotations

import cleanpress
import cleanpress.pipeline as pipeline
from cleanpress import CleanConfig
from cleanpress.linefreq import LineFrequencies, line_hash


def test_a_line_counts_once_per_document_whatever_its_numbers_and_case():
    freq = LineFrequencies()
    freq.add_document("Views: 120\nViews: 120\nA paragraph.")
    freq.add_document("VIEWS: 7\nAnother paragraph.")
    assert freq("views: 999") == 2 and freq("A paragraph.") == 1 and freq.documents == 2
    assert line_hash("12:30") is None and line_hash("x" * 1000) is None


def test_memory_is_bounded_and_repeated_lines_survive():
    freq = LineFrequencies(capacity=100)
    for n in range(1000):
        freq.add_document(f"Subscribe to our newsletter\nunique line number {'x' * (n % 50)} {chr(0x4E00 + n)}")
    assert len(freq) <= 101
    assert freq("Subscribe to our newsletter") == 1000


def test_run_counts_lines_first_and_hands_them_to_the_stripper(seeds_dir, tmp_path, monkeypatch):
    seen = []
    real_strip = pipeline.strip

    def spy(text, **options):
        seen.append(options.get("line_frequency"))
        return real_strip(text, **options)

    monkeypatch.setattr(pipeline, "strip", spy)
    cleanpress.run([seeds_dir], tmp_path / "with")
    assert seen and all(isinstance(f, LineFrequencies) and f.documents == 5 for f in seen)
    seen.clear()
    cleanpress.run([seeds_dir], tmp_path / "without", CleanConfig(line_frequency=False))
    assert seen and all(f is None for f in seen)


def test_hash_counts_merged_in_batches_equal_a_plain_count(monkeypatch):
    import random
    from collections import Counter

    import numpy as np

    import cleanpress.hashcount as hashcount

    monkeypatch.setattr(hashcount, "MERGE_EVERY", 97)  # many merges, some in the middle of a document
    counter, expected = hashcount.HashCounter(), Counter()
    rng = random.Random(7)
    for _ in range(500):
        document = {rng.choice([2**64 - 1, 0, 5]) if rng.random() < 0.2 else rng.randrange(2**64) for _ in range(rng.randrange(1, 30))}
        counter.add(document)
        expected.update(document)
    keys, counts = counter.table()
    assert dict(zip(keys.tolist(), counts.tolist())) == dict(expected)
    assert list(keys) == sorted(expected)
    probe = np.array([5, 2**64 - 1, 12345], dtype=np.uint64)
    assert counter.counts(probe).tolist() == [expected[5], expected[2**64 - 1], expected[12345]]
