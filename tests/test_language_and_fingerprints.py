"""The language stage and the fingerprint stage, each alone."""
from __future__ import annotations

from conftest import OTHER_ARTICLE, TRANSLATION_PAIR, seed_text

from cleanpress.anchors import phonetic_key, translation_anchors
from cleanpress.config import CleanConfig
from cleanpress.document import Document
from cleanpress.fingerprint import exact_hash, fingerprint, main_script
from cleanpress.language import identify
from cleanpress.readers import split_date_header


def body(stem: str) -> str:
    return split_date_header(seed_text(stem))[1]


def test_seed_languages():
    assert identify(body("000_23abae5eefcf2c15"))[0] == "az"
    assert identify(body("003_f46eb504ccd924e4"))[0] in ("bs", "hr", "sr")
    assert identify(body(OTHER_ARTICLE))[0] == "uz"


def test_language_of_text_without_letters_is_undetermined():
    assert identify("12 345 — 67,8 %") == ("und", 0.0)


def test_language_probability_is_a_probability():
    lang, probability = identify("The minister said the talks would continue next week in Brussels.")
    assert lang == "en" and 0.5 < probability <= 1.0


def test_phonetic_keys_agree_across_scripts_and_spellings():
    groups = [
        ("Tokayev", "Tokajev", "Тоқаев", "Токаев", "Tokayevin"),
        ("Washington", "Vaşinqton", "Вашингтон"),
        ("Peskov", "Песков", "Peskovun"),
        ("Kazakhstan", "Qazaxıstan", "Kazahstan", "Казахстан"),
    ]
    for group in groups:
        assert len({phonetic_key(name) for name in group}) == 1, group
    assert phonetic_key("Tokayev") != phonetic_key("Putin")


def test_anchors_of_translations_overlap_more_than_those_of_other_articles():
    az, bs = (translation_anchors(body(stem)) for stem in TRANSLATION_PAIR)
    uz = translation_anchors(body(OTHER_ARTICLE))
    jaccard = lambda a, b: len(a & b) / len(a | b)
    assert jaccard(az, bs) > 2 * max(jaccard(az, uz), jaccard(bs, uz))
    assert {"#11", "#12"} <= az & bs  # the dates survive translation


def test_sentence_initial_words_are_not_anchors_but_acronyms_are():
    anchors = translation_anchors("Yesterday the talks ended. Nobody came. The NATO summit met in Paris.")
    assert phonetic_key("Yesterday") not in anchors and phonetic_key("Nobody") not in anchors
    assert {phonetic_key("NATO"), "@par"} <= anchors  # Paris is in the exonym table


def test_number_anchors_ignore_group_separators():
    assert "#6500" in translation_anchors("a route of 6 500 km") & translation_anchors("a route of 6.500 km")


def test_exact_hash_ignores_case_spacing_and_punctuation_only():
    assert exact_hash("Hello,  World!\n") == exact_hash("hello world")
    assert exact_hash("hello world") != exact_hash("hello word")


def test_fingerprint_holds_no_text_and_is_deterministic():
    doc = Document(id="x", text=body("003_f46eb504ccd924e4"), lang="bs")
    first, second = fingerprint(doc, CleanConfig()), fingerprint(doc, CleanConfig())
    assert (first.near == second.near).all() and (first.anchors == second.anchors).all()
    assert first.script == "Latin" and first.translatable and len(first.near) == 128
    assert not any(isinstance(value, str) and len(value) > 100 for value in vars_of(first))


def vars_of(fp) -> list:
    return [getattr(fp, name) for name in fp.__slots__]


def test_main_script():
    assert main_script(body(OTHER_ARTICLE)) == "Cyrillic"
    assert main_script(body("000_23abae5eefcf2c15")) == "Latin"
    assert main_script("12345") == "None"


# ---------------------------------------------------------------- translation anchors: the ideas


def test_exonyms_make_country_acronyms_agree_across_languages():
    sentences = ["Talks with the USA ended.", "Danışıqlar ABŞ ilə bitdi.", "Razgovori sa SAD su završeni.",
                 "АҚШ пен келіссөздер аяқталды.", "Переговоры с США завершились."]
    for sentence in sentences:
        assert "@us" in translation_anchors(sentence), sentence
    assert "@de" in translation_anchors("Putin met officials in Almaniya") & translation_anchors("Putin traf in Njemačkoj")
    assert "@us" not in translation_anchors("It was a sad day. Us too.")  # words, not the acronym


def test_numbers_in_every_notation_agree():
    for text in ("6 500 km", "6.500 km", "6,500 km", "6 min 500 km", "6 500 километров", "6,5 тыс. км", "6.5 thousand km"):
        assert "#6500" in translation_anchors(text), text
    for text in ("2.5 million", "2,5 млн", "2,5 milyon", "2,5 milijuna"):
        assert "#2500000" in translation_anchors(text), text
    assert "#2.5" in translation_anchors("a rise of 2,5 percent")


def test_dates_in_every_notation_agree():
    dates = ("on 11 June 2019", "11 июня 2019 года", "11.06.2019", "June 11, 2019", "11 haziran 2019", "11. lipnja 2019.")
    for text in dates:
        assert {"@m6", "@m6/11", "#2019"} <= translation_anchors(text), text
    assert "@m5" not in translation_anchors("They may come. May be.")  # a month only beside a number


def test_caseless_text_falls_back_to_every_word():
    georgian = "ტოკაევი შეხვდა პუტინს ასტანაში 2019 წელს"
    fp = fingerprint(Document(id="ka", text=georgian, lang="ka"), CleanConfig())
    assert fp.fallback and len(fp.anchors) == 6  # every word's key and the number
    lowered = fingerprint(Document(id="az", text=body("000_23abae5eefcf2c15").lower(), lang="az"), CleanConfig())
    normal = fingerprint(Document(id="az", text=body("000_23abae5eefcf2c15"), lang="az"), CleanConfig())
    assert lowered.fallback and not normal.fallback and len(lowered.anchors) > 2 * len(normal.anchors)


def test_german_capitalised_nouns_make_a_fallback_set():
    text = "Gestern traf Tokajew den Präsidenten Putin in Astana. Die Regierung sprach über Handel."
    fp = fingerprint(Document(id="de", text=text, lang="de"), CleanConfig())
    same_text_as_english = fingerprint(Document(id="en", text=text, lang="en"), CleanConfig())
    assert fp.fallback and not same_text_as_english.fallback
    assert {"tkv", "ptn", "stn", phonetic_key("Regierung")} <= set(fp.anchor_names)


def _generated_documents(n: int, seed: int) -> list[str]:
    """News-like documents from the benchmarks' generator (en, de, ru, tr, with site chrome)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import generate_corpus

    return [record["text"] for record in generate_corpus(n, seed=seed)[0]]


def test_language_is_exactly_what_py3langid_says_on_thousands_of_texts():
    """cleanpress computes py3langid's features with numpy; the guesses must not move a bit."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

    from cleanpress.language import SAMPLE_CHARS, _identifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    documents = [body(stem) for stem in (*TRANSLATION_PAIR, OTHER_ARTICLE)] + _generated_documents(1000, seed=11)
    lines = [line for text in documents[:150] for line in text.split("\n") if line.strip()]
    odd = ["a", "Я", "ok", "x" * 5000, "Ã¶tÉ™n â€œsammitâ€", "北京时间 新闻", "🙂 привет 🙂", "ﬁnance Ǆ ǅ", "\ud83d lone surrogate"]
    texts = documents + lines + odd
    assert len(texts) > 3000
    for text in texts:
        sample = text[:SAMPLE_CHARS]
        data = plain._encode(sample)
        expected_features = visit_counts(plain.tk_nextmove, plain._rowbase, plain.tk_output, data) or {}
        features, counts = _identifier()._features_in_order_of_appearance(data)
        assert list(zip(features.tolist(), counts.tolist())) == list(expected_features.items())
        assert _identifier().classify(sample) == plain.classify(sample), sample[:80]
        assert _identifier().rank(sample)[:5] == plain.rank(sample)[:5], sample[:80]
        lang, probability = plain.classify(sample)
        expected = (lang, round(float(probability), 4)) if any(c.isalpha() for c in sample) else ("und", 0.0)
        assert identify(text) == expected


def test_the_title_lends_its_names_to_the_translation_anchors_but_not_to_the_near_signature():
    """The stripper moves the headline into the title; its names still make anchors."""
    from cleanpress import CleanConfig
    from cleanpress.document import Document
    from cleanpress.fingerprint import fingerprint

    body = "The talks lasted three hours. They ended without a statement from either side on the main questions."
    plain = fingerprint(Document(id="a", text=body, lang="en"), CleanConfig())
    titled = fingerprint(Document(id="b", text=body, lang="en", metadata={"title": "Tokayev meets Erdogan in Ankara"}),
                         CleanConfig())
    assert "nkr" in titled.anchor_names and "nkr" not in plain.anchor_names  # Ankara
    assert (titled.near == plain.near).all() and titled.exact == plain.exact


def test_near_signature_reads_the_lines_only_the_model_removed_but_not_the_chrome():
    """Two copies of one article: the line model doubted the lead paragraph of one of them only.
    Their near-duplicate shingles are still the same; a line a rule named as chrome stays out."""
    from cleanpress import CleanConfig
    from cleanpress.document import Document, Removal
    from cleanpress.fingerprint import fingerprint, near_duplicate_text

    lead = "The council met on Tuesday evening and voted to build the new bridge over the river."
    rest = "Work starts in spring.\n\nIt will last three years and cost the city about forty million."
    whole = Document(id="a", text=f"{lead}\n\n{rest}", lang="en")
    doubted = Document(id="b", text=rest, lang="en",
                       removed=[Removal(1, "Home | World", "navigation", kept_before=0),
                                Removal(2, lead, "line-model", 0.31, kept_before=0)])
    assert near_duplicate_text(doubted) == f"{lead}\n{rest}"
    a, b = fingerprint(whole, CleanConfig()), fingerprint(doubted, CleanConfig())
    assert (a.near == b.near).all() and set(a.shingles.tolist()) == set(b.shingles.tolist())
    assert a.exact != b.exact  # exact duplicates still compare the kept text
    chrome = Document(id="c", text=rest, lang="en", removed=[Removal(1, lead, "sidebar", kept_before=0)])
    assert near_duplicate_text(chrome) == rest
