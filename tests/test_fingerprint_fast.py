"""Edge cases of the fingerprint stage's fast paths that generated text does not reach."""
from __future__ import annotations

import numpy as np

from cleanpress.fingerprint import shingle_hashes, shingles, word_shingle_hashes


def test_shingle_hashes_of_tokens_with_spaces_or_few_words():
    for tokens in (["a b", "c"], ["6 500", "km", "x", "y", "z", "w"], [], ["x"], ["a", "b", "c", "d", "e"], list("abcdefabcdef")):
        expected = shingle_hashes(shingles(tokens, 5))
        got = word_shingle_hashes(tokens, 5)
        assert np.array_equal(got, expected) and got.dtype == np.uint32, tokens
