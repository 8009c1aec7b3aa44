"""Tests for the boilerplate stage, through the public API ``cleanpress.boilerplate.strip``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleanpress import boilerplate
from cleanpress.boilerplate import RULES, StripResult, strip

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DATE_HEADER = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s*")


def read_seed(number: str) -> str:
    """A seed as the stage sees it: the reader drops the date header, repair folds whitespace."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    text = DATE_HEADER.sub("", path.read_text(encoding="utf-8"))
    return "\n".join(line.strip() for line in text.split("\n"))


def kept_lines(result: StripResult) -> list[str]:
    return [line for line in result.text.split("\n") if line]


def nonblank(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def assert_well_formed(text: str, result: StripResult) -> None:
    """Every removal names a known rule and a real input line; kept + removed = all lines."""
    lines = text.split("\n")
    numbers = [removal.line for removal in result.removed]
    assert numbers == sorted(set(numbers))
    for removal in result.removed:
        assert removal.rule in RULES
        assert lines[removal.line - 1] == removal.text
        assert removal.text.strip()
    assert len(kept_lines(result)) + len(result.removed) == len(nonblank(text))


# --- seeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_removals_are_well_formed(number: str) -> None:
    text = read_seed(number)
    assert_well_formed(text, strip(text))


@pytest.mark.parametrize("number", ["000", "003", "004"])
def test_clean_seeds_lose_nothing(number: str) -> None:
    text = read_seed(number)
    result = strip(text, headline="text")
    assert result.removed == []
    assert kept_lines(result) == nonblank(text)
    titled = strip(text)  # by default the headline moves to the title, nothing else goes
    assert all(r.rule == "headline" for r in titled.removed)
    assert [*(titled.title.split("\n") if titled.title else []), *kept_lines(titled)] == nonblank(text)


def test_seed_001_loses_its_site_chrome_and_keeps_the_article() -> None:
    text = read_seed("001")
    result = strip(text)
    for chrome in ("Baş yazı", "Digər xəbərlər", "SenzoR.az", "Telefon", "Email", "Bütün hüquqlar", "Reklam"):
        assert chrome not in result.text
    body = nonblank(text.split("Digər xəbərlər")[0])
    assert body[:2] == ["Tokayev Soçiyə gedir", "STRATEJİ ƏHƏMİYYƏTLİ SƏNƏDLƏR İMZALANA BİLƏR"]  # headline, kicker
    assert "Kənan Novruzov," in body
    assert result.title == "\n".join(body[:2])  # moved out of the text into the title
    assert kept_lines(result) == body[2:]
    assert kept_lines(strip(text, headline="text")) == body
    assert {r.rule for r in result.removed if r.text == "Baş yazı"} == {"repeated-line"}
    assert {r.rule for r in result.removed if "hüquqlar" in r.text} == {"footer"}


def test_seed_002_loses_its_site_chrome_and_keeps_the_article() -> None:
    text = read_seed("002")
    lines = text.split("\n")
    result = strip(text)
    kept = kept_lines(result)
    headline = lines[4]
    assert result.title == headline and headline not in kept  # its second copy is a duplicate
    for chrome in ("Icma.az", "Qaynarinfo saytından", "Baxış sayı", "Mənbə", "arxivləşdirilmişdir",
                   "Şərh", "Daxil olun", "İlk cavab", "oxunanları", "Son xəbərlər"):
        assert chrome not in result.text
    for nav in ("close", "up", "RU"):
        assert nav not in kept
    signature = lines.index("Rüfət Sultan")
    article = nonblank("\n".join(lines[10 : signature + 1]))
    assert kept == article
    assert kept_lines(strip(text, headline="text")) == [headline, *article]
    # the sidebar: every headline and date/counter line after "most read" is gone
    sidebar = nonblank("\n".join(lines[lines.index("topGünün ən çox oxunanları") :]))
    assert len(sidebar) > 40 and not set(sidebar) & set(kept)
    rules = {r.text: r.rule for r in result.removed}
    assert rules[lines[6]] == "duplicate-line"
    assert rules[lines[8]] == "attribution"
    assert rules["seeBaxış sayı:106"] == "metadata-line"
    assert rules["0 Şərh"] == "widget"
    assert rules["26 Yanvar 2026 12:05see279"] == "link-list"


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_strip_is_idempotent_on_seeds(number: str) -> None:
    once = strip(read_seed(number))
    twice = strip(once.text)
    assert twice.text == once.text
    assert twice.removed == []


def test_rules_use_no_seed_strings() -> None:
    source = Path(boilerplate.__file__).read_text(encoding="utf-8").casefold()
    for seed_string in ("baş yazı", "senzor", "icma", "qaynarinfo", "rüfət", "novruzov"):
        assert seed_string not in source


# --- synthetic pages in other languages -------------------------------------------------------

PAGES = {
    "en": {
        "nav": ["Home", "World", "Politics", "Business", "Sport", "Search"],
        "headline": "City council approves the new river bridge",
        "paragraphs": [
            "The city council voted on Tuesday to build a new bridge over the river, ending a debate that has divided residents for more than a decade.",
            "Supporters say the bridge will cut commuting times in half, while opponents worry about the cost and the noise it will bring to the old town.",
            "Construction is expected to start next spring and to last about three years, according to the planning department, which will publish the tender in January.",
        ],
        "related": ["Related articles", "Mayor promises new parks", "Tram line delayed again", "Budget talks stall"],
        "widget": ["Leave a comment", "Share this"],
        "footer": ["© 2024 Example Media Group. All rights reserved.", "Contact us: news@example.org"],
    },
    "ru": {
        "nav": ["Главная", "Новости", "Политика", "Экономика", "Спорт", "Поиск"],
        "headline": "Городской совет одобрил строительство нового моста",
        "paragraphs": [
            "Городской совет во вторник проголосовал за строительство нового моста через реку, завершив спор, который разделял жителей больше десяти лет.",
            "Сторонники проекта говорят, что мост вдвое сократит время в пути, а противники опасаются расходов и шума в старом городе.",
            "Строительство должно начаться следующей весной и продлится около трёх лет, сообщили в департаменте планирования города.",
        ],
        "related": ["Читайте также", "Мэр пообещал новые парки", "Запуск трамвая снова отложен", "Переговоры о бюджете зашли в тупик"],
        "widget": ["Оставить комментарий", "Поделиться"],
        "footer": ["© 2024 Пример Медиа. Все права защищены.", "Телефон: +7 495 123 45 67"],
    },
    "de": {
        "nav": ["Startseite", "Politik", "Wirtschaft", "Kultur", "Sport", "Suche"],
        "headline": "Stadtrat stimmt für die neue Flussbrücke",
        "paragraphs": [
            "Der Stadtrat hat am Dienstag für den Bau einer neuen Brücke über den Fluss gestimmt und damit einen jahrelangen Streit unter den Anwohnern beendet.",
            "Befürworter sagen, die Brücke werde die Fahrzeiten halbieren, Gegner fürchten dagegen die Kosten und den Lärm in der Altstadt.",
            "Der Bau soll im nächsten Frühjahr beginnen und etwa drei Jahre dauern, teilte das Planungsamt mit, das die Ausschreibung im Januar veröffentlicht.",
        ],
        "related": ["Mehr zum Thema", "Bürgermeister verspricht neue Parks", "Straßenbahn erneut verschoben", "Haushaltsgespräche stocken"],
        "widget": ["Kommentare (12)", "Jetzt teilen"],
        "footer": ["Alle Rechte vorbehalten.", "Impressum"],
    },
}


def synthetic_page(parts: dict[str, list[str] | str]) -> str:
    lines = [*parts["nav"], parts["headline"], ""]
    for paragraph in parts["paragraphs"]:
        lines += [paragraph, ""]
    return "\n".join([*lines, *parts["related"], *parts["widget"], *parts["footer"]])


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_synthetic_pages_lose_chrome_and_keep_paragraphs(lang: str) -> None:
    parts = PAGES[lang]
    text = synthetic_page(parts)
    result = strip(text, lang=lang)
    assert_well_formed(text, result)
    assert kept_lines(result) == parts["paragraphs"] and result.title == parts["headline"]
    rules = {r.text: r.rule for r in result.removed}
    assert {rules[line] for line in parts["nav"]} == {"navigation"}
    assert rules[parts["related"][0]] == "sidebar"
    assert {rules[line] for line in parts["related"][1:]} == {"sidebar"}
    assert rules[parts["footer"][0]] == "footer"


@pytest.mark.parametrize("use_model", [True, False])
def test_cue_words_inside_article_sentences_do_not_cut_them(use_model: bool) -> None:
    """"comments", "subscribe" and "share" are widget cues; inside the article's sentences they are text."""
    parts = dict(PAGES["en"])
    cued = [
        "Share prices of the builder rose after the vote",
        "A source close to the council said the comments of residents would be published online, and readers could subscribe to updates.",
    ]
    parts["paragraphs"] = [*parts["paragraphs"][:-1], *cued, parts["paragraphs"][-1]]
    result = strip(synthetic_page(parts), use_model=use_model)
    for line in parts["paragraphs"]:
        assert line in kept_lines(result)
    if not use_model:  # the rules keep them even as the article's last lines, before the sidebar
        parts["paragraphs"] = [*parts["paragraphs"][:-3], parts["paragraphs"][-1], *cued]
        assert set(parts["paragraphs"]) <= set(kept_lines(strip(synthetic_page(parts), use_model=False)))


def test_dialogue_lines_and_subheadings_inside_the_body_are_kept() -> None:
    paragraph = "The minister answered questions from reporters for almost an hour, and most of them were about the budget for the coming year."
    text = "\n".join([
        "Menu", "News",
        "Interview with the minister",
        paragraph,
        "— What will change for families next year?",
        "— Child benefits will rise, and the tax on small savings will be cut to the level it had five years ago.",
        "What comes next",
        paragraph.replace("budget", "plan"),
    ])
    result = strip(text)
    assert result.title == "Interview with the minister" and kept_lines(result) == nonblank(text)[3:]


def test_footer_rules_do_not_depend_on_language_of_site() -> None:
    paragraph = "Bu il şəhərdə yeni körpünün tikintisinə başlanacaq, layihənin dəyəri isə iki dəfə artıb, bələdiyyə bildirib."
    text = "\n".join([paragraph, paragraph.replace("körpünün", "yolun"), "Bütün hüquqlar qorunur.", "Telefon: 012 555 12 34"])
    result = strip(text)
    assert [r.rule for r in result.removed] == ["footer", "footer"]


# --- edge cases and pathological input --------------------------------------------------------


def test_empty_and_blank_text() -> None:
    assert strip("") == StripResult(text="", removed=[])
    assert strip("\n \n\n") == StripResult(text="", removed=[])


def test_single_line_without_newline_is_kept() -> None:
    line = "The council approved the bridge on Tuesday after a long debate among its members."
    assert strip(line) == StripResult(text=line, removed=[])


def test_blank_runs_fold_to_one_and_ends_are_stripped() -> None:
    paragraph = "The council approved the bridge on Tuesday after a long debate among its members, officials said."
    other = paragraph.replace("Tuesday", "Friday")
    result = strip(f"\n\n{paragraph}\n\n\n\n{other}\n\n")
    assert result.text == f"{paragraph}\n\n{other}"


def test_is_deterministic() -> None:
    text = read_seed("002")
    assert strip(text) == strip(text)


def test_one_huge_line_returns_and_is_kept() -> None:
    sentence = "The river rose again after a week of heavy rain in the hills above the town. "
    huge = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    result = strip(huge)
    assert result.text == huge.strip()
    assert result.removed == []


@pytest.mark.parametrize("filler", ["a" * 200_000, "/" * 200_000, "1 2 " * 50_000, "<" * 200_000, ". " * 100_000])
def test_one_huge_line_of_junk_returns(filler: str) -> None:
    result = strip(filler)
    assert_well_formed(filler, result)


def test_fifty_thousand_short_lines_return_and_add_up() -> None:
    menu = [f"Section {i % 50}" for i in range(50_000)]
    paragraph = "The council approved the bridge on Tuesday after a long debate among its members, officials said."
    other = paragraph.replace("Tuesday", "Friday")
    text = "\n".join([*menu[:25_000], paragraph, other, *menu[25_000:]])
    result = strip(text)
    assert_well_formed(text, result)
    assert kept_lines(result) == [paragraph, other]
    assert {r.rule for r in result.removed} == {"repeated-line"}
