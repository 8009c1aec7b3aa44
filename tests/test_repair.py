"""Tests for the repair stage, through its public API."""
from __future__ import annotations

import time
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpress.document import Repair
from cleanpress.repair import (
    FIXERS,
    fix_encoding_and_entities,
    fix_mixed_script_words,
    fold_whitespace,
    normalize_unicode,
    remove_email_placeholders,
    remove_invisible_characters,
    repair_text,
)

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXTS = {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS}
# The only words of the seeds that repair may change: 004's look-alike words.
MIXED_WORDS_OF_SEED_004 = {"МОSKVА": "MOSKVA", "Кazinform": "Kazinform", "Каzinform": "Kazinform"}


def words(text: str) -> list[str]:
    return regex.findall(r"\w+", text)


def mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252, the way browsers and ftfy see it (every byte decodes)."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


# --------------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------------


def test_fixers_run_in_the_documented_order() -> None:
    assert [fixer.__name__ for fixer in FIXERS] == [
        "fix_encoding_and_entities",
        "normalize_unicode",
        "remove_invisible_characters",
        "remove_email_placeholders",
        "fix_mixed_script_words",
        "fold_whitespace",
    ]


def test_every_fixer_is_a_plain_function_of_text() -> None:
    for fixer in FIXERS:
        assert fixer("Kazinform\u00a0 МОSKVА") == fixer("Kazinform\u00a0 МОSKVА")
        assert isinstance(fixer("x"), str)


def test_clean_text_is_returned_unchanged_with_no_repairs() -> None:
    text = "Qazaxıstan Prezidenti Kasım-Jomart Tokayev.\n\n«Қасим-Жомарт» — “Astana”."
    assert repair_text(text) == (text, [])


def test_repairs_name_only_the_fixers_that_changed_something() -> None:
    damaged = mojibake("Ötən həftə\u200b  МОSKVА\n\n\n\nEnd")
    fixed, repairs = repair_text(damaged)
    assert fixed == "Ötən həftə MOSKVA\n\nEnd"
    assert [repair.fixer for repair in repairs] == [
        "fix_encoding_and_entities",
        "remove_invisible_characters",
        "fix_mixed_script_words",
        "fold_whitespace",
    ]
    assert all(isinstance(repair, Repair) and repair.count >= 1 for repair in repairs)


def test_repair_records_show_what_changed() -> None:
    _, repairs = repair_text(mojibake("Ötən həftə Moskva Кazinform Кazinform"))
    by_fixer = {repair.fixer: repair for repair in repairs}
    assert by_fixer["fix_encoding_and_entities"] == Repair(
        "fix_encoding_and_entities", "Ã–tÉ™n", "Ötən", 4
    )
    assert by_fixer["fix_mixed_script_words"] == Repair(
        "fix_mixed_script_words", "Кazinform", "Kazinform", 2
    )


def test_repair_samples_are_short_even_for_long_texts() -> None:
    paragraph = mojibake("Qazaxıstan prezidenti Tokayev Moskvaya səfər edir. ") * 2000
    text = paragraph + "\u00a0\u200b МОSKVА  [email protected]\n\n\n\n" + paragraph
    _, repairs = repair_text(text)
    assert len(repairs) == 5
    for repair in repairs:
        assert len(repair.before) <= 80 and len(repair.after) <= 80, repair


# --------------------------------------------------------------------------------------------
# 1. fix_encoding_and_entities
# --------------------------------------------------------------------------------------------


def test_mojibake_is_decoded() -> None:
    assert fix_encoding_and_entities(mojibake("Ötən həftə Қасим-Жомарт")) == "Ötən həftə Қасим-Жомарт"


def test_html_entities_are_decoded_even_when_double_escaped_or_next_to_a_less_than() -> None:
    assert fix_encoding_and_entities("AT&amp;T &amp;quot;x&amp;quot; &lt; 5") == 'AT&T "x" < 5'
    assert fix_encoding_and_entities("a < b\nAT&amp;T") == "a < b\nAT&T"


def test_ftfy_leaves_the_later_fixers_work_alone() -> None:
    # Curly quotes, fullwidth CJK punctuation, NBSP, CRLF, ZWSP and decomposed accents are
    # either correct or belong to a later fixer, which then names itself in the Repair.
    text = "“Salam” «Ok» 你好，世界\u00a0\r\nx\u200by Cafe\u0301"
    assert fix_encoding_and_entities(text) == text


# --------------------------------------------------------------------------------------------
# 2. normalize_unicode
# --------------------------------------------------------------------------------------------


def test_normalize_unicode_composes_letters() -> None:
    assert normalize_unicode("Cafe\u0301 Й") == "Caf\u00e9 \u0419"
    assert normalize_unicode("Caf\u00e9") == "Caf\u00e9"


# --------------------------------------------------------------------------------------------
# 3. remove_invisible_characters
# --------------------------------------------------------------------------------------------

INVISIBLE = [
    "\u200b", "\u00ad", "\ufeff", "\u2060", "\u2061", "\u2064", "\u200e", "\u200f",
    "\u202a", "\u202e", "\u2066", "\u2069", "\u061c", "\u206a", "\ufffc",
    "\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x80", "\x9f",
]


@pytest.mark.parametrize("character", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_removed(character: str) -> None:
    assert remove_invisible_characters(f"Kaza{character}khstan{character}") == "Kazakhstan"


def test_joiners_between_latin_or_cyrillic_letters_are_removed() -> None:
    assert remove_invisible_characters("Kazin\u200cform Қа\u200dсим \u200cx\u200d") == "Kazinform Қасим x"


def test_joiners_that_are_spelling_are_kept() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # می‌خواهم
    hindi = "\u0915\u094d\u200d\u0937"  # conjunct control in Devanagari
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    flag_of_science = "\U0001f469\U0001f3fd\u200d\U0001f52c"
    text = f"{persian} {hindi} {family} {flag_of_science} ❤\ufe0f"
    assert remove_invisible_characters(text) == text


def test_whitespace_controls_are_left_for_fold_whitespace() -> None:
    assert remove_invisible_characters("a\tb\nc\r\nd\x0ce") == "a\tb\nc\r\nd\x0ce"


# --------------------------------------------------------------------------------------------
# 4. remove_email_placeholders
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "placeholder",
    ["[email protected]", "[email\u00a0protected]", "[email&#160;protected]", "[email&nbsp;protected]"],
)
def test_email_placeholder_is_removed_and_the_label_kept(placeholder: str) -> None:
    text = f"Email: {placeholder}\nYazın: {placeholder} ünvanına.\n{placeholder} bizə"
    assert remove_email_placeholders(text) == "Email:\nYazın: ünvanına.\nbizə"


def test_entity_spelled_placeholder_is_removed_by_the_chain() -> None:
    fixed, _ = repair_text("Reklam üçün [email&#160;protected] ünvanına")
    assert fixed == "Reklam üçün ünvanına"


def test_seed_001_loses_its_email_placeholders_and_keeps_the_label() -> None:
    fixed, repairs = repair_text(SEED_TEXTS["001"])
    assert "protected]" not in fixed and "[email" not in fixed
    assert "\nEmail:\n" in fixed
    assert "Reklam yerləşdirmək üçün ünvanına müraciət" in fixed
    assert any(r.fixer == "remove_email_placeholders" and r.count == 2 for r in repairs)


# --------------------------------------------------------------------------------------------
# 5. fix_mixed_script_words
# --------------------------------------------------------------------------------------------


def test_seed_004_look_alike_words_are_written_in_latin() -> None:
    fixed = fix_mixed_script_words(SEED_TEXTS["004"])
    for mixed, latin in MIXED_WORDS_OF_SEED_004.items():
        assert mixed in SEED_TEXTS["004"]
        assert mixed not in fixed
    assert fixed.count("MOSKVA") == SEED_TEXTS["004"].count("МОSKVА")
    assert "Kazinform" in fixed


@pytest.mark.parametrize(
    ("mixed", "fixed"),
    [
        ("МОSKVА", "MOSKVA"),  # tie 3:3, but V has no Cyrillic twin
        ("Кazinform", "Kazinform"),
        ("Каzinform", "Kazinform"),
        ("Moskvа", "Moskva"),
        ("Kaзaxcтaн", "Казахстан"),  # Latin minority has twins: written in Cyrillic
        ("Київ", "Київ"),  # Latin i in a Ukrainian word becomes і
        ("Рrеsident", "President"),
        ("ЁLKA", "ËLKA"),
    ],
)
def test_mixed_words_are_written_in_one_script(mixed: str, fixed: str) -> None:
    assert fix_mixed_script_words(mixed) == fixed


@pytest.mark.parametrize(
    "word",
    [
        "Қасим-Жомарт",  # Uzbek/Kazakh Cyrillic
        "Qazaxıstan",  # Azerbaijani Latin
        "Oʻzbekiston",
        "Tokaйev",  # й has no Latin twin and T, o, k, a, e, v not all Cyrillic: neither way works
        "Сa",  # all twins and a tie: no evidence either way
        "Αθήνα",  # Greek
        "Aθhνα",  # Greek letters take part: left alone
        "ქართული",  # Georgian
        "موسكو",  # Arabic
        "莫斯科",  # CJK
    ],
)
def test_words_that_cannot_be_decided_or_are_in_one_script_are_unchanged(word: str) -> None:
    assert fix_mixed_script_words(f"{word} {word}") == f"{word} {word}"


def test_apostrophes_hyphens_and_digits_split_words() -> None:
    assert fix_mixed_script_words("Moskvа-Қасим Кazinform'ın 2025Кazinform") == (
        "Moskva-Қасим Kazinform'ın 2025Kazinform"
    )


def test_mixed_word_search_stays_linear_on_long_runs_of_letters() -> None:
    # CJK text has no spaces: a backtracking pattern would take minutes on this.
    text = "莫斯科" * 100_000 + "Moskvа" + "Kazinform" * 10_000 + "к"
    started = time.perf_counter()
    assert fix_mixed_script_words(text) == text  # one word of three scripts: left alone
    assert time.perf_counter() - started < 2.0


# --------------------------------------------------------------------------------------------
# 6. fold_whitespace
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "space", ["\u00a0", "\t", "\u2009", "\u202f", "\u3000", "\u2003", "  ", " \t\u00a0 "]
)
def test_every_space_becomes_one_plain_space(space: str) -> None:
    assert fold_whitespace(f"Orta{space}Asiya") == "Orta Asiya"


def test_line_breaks_become_newlines_and_spaces_at_line_ends_go() -> None:
    assert fold_whitespace("a \r\nb\u00a0\rc\u2028d\u2029e\t") == "a\nb\nc\nd\ne"


def test_blank_lines_fold_to_one_and_leave_the_edges() -> None:
    text = "\n  \n\u00a0\nOne\n\n\n \n\t\n\nTwo\nThree\n\n\n"
    assert fold_whitespace(text) == "One\n\nTwo\nThree"


def test_single_blank_lines_and_leading_indent_survive() -> None:
    assert fold_whitespace(" date 2025\n\nText") == " date 2025\n\nText"


# --------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEED_TEXTS))
def test_seed_repair_is_idempotent(seed: str) -> None:
    fixed, _ = repair_text(SEED_TEXTS[seed])
    assert repair_text(fixed) == (fixed, [])


@pytest.mark.parametrize("seed", sorted(SEED_TEXTS))
def test_seeds_keep_their_words(seed: str) -> None:
    original = SEED_TEXTS[seed]
    for mixed, latin in MIXED_WORDS_OF_SEED_004.items():
        original = original.replace(mixed, latin)
    original = regex.sub(r"\[email\s+protected\]", "", original)
    fixed, _ = repair_text(SEED_TEXTS[seed])
    assert words(fixed) == words(original)


def damage(text: str) -> str:
    """Mojibake plus the whitespace mess of a scraper: doubled spaces, trailing spaces,
    extra blank lines (only where a blank line already was), blank edges."""
    damaged = mojibake(text).replace(" ", "  ").replace("\n\n", "\n \u00a0\n\n\t\n")
    damaged = damaged.replace("\n", "  \n")
    return "\n \n" + damaged + " \n\n\n"


@pytest.mark.parametrize("seed", sorted(SEED_TEXTS))
def test_damaged_seed_repairs_back_to_the_repaired_seed(seed: str) -> None:
    repaired, _ = repair_text(SEED_TEXTS[seed])
    damaged = damage(SEED_TEXTS[seed])
    assert damaged != SEED_TEXTS[seed]
    fixed, repairs = repair_text(damaged)
    assert fixed == repaired
    assert repairs[0].fixer == "fix_encoding_and_entities"
    assert repairs[-1].fixer == "fold_whitespace"


# --------------------------------------------------------------------------------------------
# Idempotence over generated text
# --------------------------------------------------------------------------------------------

WORDS = [
    "Qazaxıstan", "Tokayev", "həftə", "Қасим-Жомарт", "Москва", "Moskva", "МОSKVА",
    "Кazinform", "Каzinform", "Kaзaxcтaн", "Tokaйev", "Сa", "Київ", "Αθήνα", "ქართული",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "莫斯科，你好", "“quoted”", "«Ок»",
    "Cafe\u0301", "AT&amp;T", "&#160;", "[email protected]", "[email\u00a0protected]",
    "e-mail:", "2025", "—", "O'Neil", "\U0001f468\u200d\U0001f469",
]
SEPARATORS = [
    " ", "  ", "\u00a0", "\t", "\n", "\n\n", "\n\n\n\n", " \n ", "\r\n", "\r", "\u2028",
    "\u2029", "\u3000", "\u2009", "\x0c",
]
INVISIBLES = ["\u200b", "\u00ad", "\ufeff", "\u200e", "\u202e", "\u2060", "\x07", "\u200c", "\u200d"]
LOOK_ALIKES = "АВЕКМНОРСТХУаеорсухіјѕABEKMHOPCTXYaeopcyxijsVzZ"

pieces = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(INVISIBLES),
    st.text(alphabet=LOOK_ALIKES, min_size=1, max_size=8),
)
clean_ish_texts = st.lists(pieces, max_size=40).map("".join)


@st.composite
def damaged_texts(draw: st.DrawFn) -> str:
    text = draw(clean_ish_texts)
    how = draw(st.sampled_from(["none", "sloppy", "lossy", "half"]))
    if how == "sloppy":
        return mojibake(text)
    if how == "lossy":  # cp1252 cannot decode five bytes: they are lost, as in real scrapes
        return text.encode("utf-8").decode("cp1252", errors="ignore")
    if how == "half":  # one part damaged, one part not
        cut = draw(st.integers(0, len(text)))
        return mojibake(text[:cut]) + text[cut:]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_texts())
def test_repair_is_idempotent_on_generated_text(text: str) -> None:
    fixed, _ = repair_text(text)
    assert repair_text(fixed) == (fixed, [])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_repair_is_idempotent_on_arbitrary_text(text: str) -> None:
    fixed, _ = repair_text(text)
    assert repair_text(fixed) == (fixed, [])


@settings(max_examples=200, deadline=None)
@given(clean_ish_texts)
def test_each_fixer_is_idempotent(text: str) -> None:
    for fixer in FIXERS:
        once = fixer(text)
        assert fixer(once) == once, fixer.__name__


# ---------------------------------------------------------------------------- ftfy fast path


def _fast_path_texts() -> list[str]:
    """The seeds, the benchmark generator's news pages, and the seeds damaged in the ways ftfy fixes."""
    import random
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from run import generate_corpus

    seeds = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))]
    generated = [record["text"] for record in generate_corpus(300, seed=3)[0]]
    damaged = []
    rng = random.Random(5)
    for text in seeds:
        lines = text.split("\n")
        for bad in ("Ã¶", "&amp;", "&#160;", "\x1b[31m", "\x85", "ﬁ", "\ud83d", "Ã©tÃ©", "â€œ"):
            copy = list(lines)
            position = rng.randrange(len(copy))
            copy[position] = bad + copy[position] if rng.random() < 0.5 else copy[position] + " " + bad
            damaged.append("\n".join(copy))
    return seeds + generated + damaged + [line for text in seeds + damaged for line in text.split("\n")]


def test_ftfy_is_skipped_only_where_it_changes_nothing() -> None:
    from cleanpress.repair import _FTFY_CONFIG, ftfy_could_change

    texts = _fast_path_texts()
    skipped = [t for t in texts if not ftfy_could_change(t)]
    assert len(skipped) > len(texts) // 3  # the fast path is taken on clean text
    assert all(ftfy.fix_text(t, _FTFY_CONFIG) == t for t in skipped)
    changed = [t for t in texts if ftfy.fix_text(t, _FTFY_CONFIG) != t]
    assert changed and all(ftfy_could_change(t) for t in changed)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("aÃ©¶â€œ™ \n&;#1x\x1b[m\x85ﬁЖжÂ\xa0Ğ")), max_size=40))
def test_ftfy_fast_path_on_random_mojibake_alphabet(text: str) -> None:
    from cleanpress.repair import _FTFY_CONFIG, ftfy_could_change

    if not ftfy_could_change(text):
        assert ftfy.fix_text(text, _FTFY_CONFIG) == text


# ------------------------------------------------------------- every shortcut changes nothing

import cleanpress.repair as repair_module  # noqa: E402

# Each fixer skips its work on text that a cheap check (a ``*_could_change`` function) shows
# it would leave alone. Switching every check to "always True" gives the repair stage as it
# was without them; the two must agree on every text, repairs and their samples included.
SHORTCUTS = sorted(name for name in vars(repair_module) if name.endswith("_could_change"))
BENCH_PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "boilerplate-aeb" / "input"
CRAFTED = [
    "", " ", "\n", "a ", "a\t", "a \nb", "a  b", "a\u00a0b", "a\u3000\u3000b", "\r\nx\r", "x\u2028y\x0c",
    "\n\n\nx\n\n\n\n", "[email protected]", "Yazın: [Email Protected]", "[email&#160;protected]", "[ email protected]", "[x]",
    "Kaza\u00adkh\u200bstan\u200e\ufeff\x07", "Kazin\u200cform", "\u0645\u06cc\u200c\u062e", "\U0001f468\u200d\U0001f469",
    "МОSKVА Кazinform", "Kaзaxcтaн", "Ⅻ Ж aЖ", "Ã–tÉ™n hÉ™ftÉ™ &amp; &quot;sammit&quot;", "â€œquotedâ€\x9d",
    "Ã©tÃ©", "AT&amp;T", "Food & Drinks", "AT&amp T", "&nTILDE; &NTILDE;", "&#160;", "ﬁnance", "\x1b[31mred\x1b[0m", "\x85", "\ud83d", "Ã\u00a0la", "voilÃ le",
    "вЂ™", "ГўВЂВ™s", "Ð¡Ð»Ð¾Ð²Ð¾", "Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©", "à²¨", "√©", "×²", "Â©2025 Â ", "€™" * 80,
    "Ünlü İstanbul Şişli Çarşı Ğ", "«Ок» — “Astana” ‘x’ „y“ © ™ ® № 5 ½ µ °C",
]


def _shortcut_texts() -> list[str]:
    """Real and generated text: the seeds, 300 generated pages, damaged seeds, the boilerplate
    bench's scraped pages when the data is there, crafted cases, and every line of them."""
    texts = _fast_path_texts() + [damage(text) for text in SEED_TEXTS.values()] + CRAFTED
    if BENCH_PAGES.is_dir():
        pages = [path.read_text(encoding="utf-8") for path in sorted(BENCH_PAGES.glob("*.txt"))]
        texts += pages + [mojibake(page) for page in pages[:20]] + [damage(page) for page in pages[:20]]
    return texts + sorted({line + end for text in texts[:60] for line in text.split("\n") for end in ("", " ")})


def _without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SHORTCUTS:
        monkeypatch.setattr(repair_module, name, lambda text: True)


def test_the_shortcuts_are_the_ones_this_test_switches_off() -> None:
    assert SHORTCUTS == [
        "email_could_change", "ftfy_could_change", "invisible_could_change",
        "line_breaks_could_change", "mixed_script_could_change", "spaces_could_change",
    ]


def test_repair_with_and_without_shortcuts_is_identical_on_real_text(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _shortcut_texts()
    assert len(texts) > 3000
    skipped = {name: sum(not getattr(repair_module, name)(text) for text in texts) for name in SHORTCUTS}
    assert all(count > len(texts) // 4 for count in skipped.values()), skipped  # the shortcuts are taken

    def results() -> list[tuple[object, ...]]:  # the chain, and each fixer on its own
        return [(repair_text(text), *(fixer(text) for fixer in FIXERS)) for text in texts]

    with_shortcuts = results()
    _without_shortcuts(monkeypatch)
    for text, expected, result in zip(texts, with_shortcuts, results()):
        assert result == expected, text[:200]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(damaged_texts(), st.text(alphabet=st.sampled_from(list("aЖ Ã©¶â€œ™\n&;#1x\x1b[m\x85ﬁÂ\xa0\t\u2028\r\u200bĞİ«»вЂ")), max_size=40)))
def test_repair_with_and_without_shortcuts_is_identical_on_random_text(text: str) -> None:
    expected = repair_text(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _without_shortcuts(monkeypatch)
        assert repair_text(text) == expected
