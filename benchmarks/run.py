"""Benchmarks for cleanpress, each against the plain way a user would otherwise write it.

Sections (one table each):

* ``boilerplate``: bag-of-words P/R/F1 of the article body on the 131 pages of
  ``boilerplate-aeb``: keep everything, cleanpress ``strip`` on plain text, plain
  ``trafilatura.extract()`` on HTML, and cleanpress on HTML (extract, repair, strip).
* ``translated``: pairwise P/R/F1 of duplicate clusters on ``translated-ntrex`` (whole articles
  and halves in 14 languages): plain datasketch MinHash LSH, cleanpress near duplicates only, and
  cleanpress with translated duplicates; plus a monolingual check with planted near duplicates.
* ``throughput``: docs/s and MB/s on a generated multilingual corpus with planted near duplicates:
  the plain way (ftfy, py3langid, datasketch) against cleanpress on 1 and N worker processes.

Data comes from ``<repo>/../shared/bench`` (``--bench-dir``) and is never copied; the scores come
from that folder's own scorers (``bow_f1.py``, ``dedup_score.py``), imported as they are. All
outputs go to a temporary folder. Run from anywhere::

    python benchmarks/run.py [--only boilerplate|translated|throughput|check] [--docs N]
                             [--bench-dir PATH] [--workers N]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import ftfy
import py3langid
import trafilatura
from datasketch import MinHash, MinHashLSH

from cleanpress.boilerplate import strip
from cleanpress.config import CleanConfig
from cleanpress.extract import html_to_text
from cleanpress.pipeline import as_documents, process
from cleanpress.readers import decode_bytes
from cleanpress.repair import repair_text

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH_DIR = (REPO / ".." / "shared" / "bench").resolve()
SECTIONS = ("boilerplate", "translated", "throughput", "check")

Row = Sequence[Any]
Links = dict[str, str]  # dropped id -> id of the document it duplicates


# ------------------------------------------------------------------------------------ helpers


def load_scorer(bench_dir: Path, name: str) -> ModuleType:
    """Import one of the benchmark folder's scorers (``bow_f1``, ``dedup_score``) from its file."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", bench_dir / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Iterable[Row]) -> None:
    """A markdown-style table with padded columns (text left, numbers right)."""
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    right = [bool(cells) and all(re.fullmatch(r"[-\d.,x]+", r[i] or "-") for r in cells) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)) + " |"

    print(f"\n## {title}\n")
    print(line(headers))
    print("| " + " | ".join(("-" * (w - 1) + ":") if r else "-" * w for w, r in zip(widths, right)) + " |")
    for row in cells:
        print(line(row))


def note(text: str) -> None:
    print(f"  note: {text}")


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def mutate_words(text: str, rng: random.Random, share: float, vocabulary: Sequence[str] | None = None) -> str:
    """``text`` with ``share`` of its words deleted (no vocabulary) or replaced by vocabulary words;
    line breaks and paragraph structure are kept."""
    tokens = re.split(r"(\s+)", text)  # words at even positions, whitespace at odd ones
    words = [i for i in range(0, len(tokens), 2) if tokens[i]]
    for i in rng.sample(words, max(1, round(share * len(words)))):
        if vocabulary is not None:
            tokens[i] = rng.choice(vocabulary)
        else:
            tokens[i] = ""
            if i + 1 < len(tokens) and "\n" not in tokens[i + 1]:
                tokens[i + 1] = ""
    return "".join(tokens)


# ------------------------------------------------------------------------- deduplication runs


@dataclass(slots=True)
class DedupRun:
    """The duplicate links one method found, and what it cost."""

    links: Links
    seconds: float
    langs: dict[str, str | None]  # identified language per id (cleanpress only)
    skipped: int = 0


def run_cleanpress(records: list[dict[str, Any]], config: CleanConfig) -> DedupRun:
    """``process(as_documents(records))``; the duplicate decisions as ``{id: duplicate_of}``."""
    links: Links = {}
    langs: dict[str, str | None] = {}
    skipped = 0
    started = time.perf_counter()
    for outcome in process(as_documents(records, config), config):
        if outcome.status == "skipped":
            skipped += 1
            continue
        assert outcome.document is not None
        langs[outcome.document.id] = outcome.document.lang
        if outcome.decision is not None:
            links[outcome.decision.id] = outcome.decision.duplicate_of
    return DedupRun(links, time.perf_counter() - started, langs, skipped)


def plain_shingles(text: str, n: int = 5) -> list[str]:
    """Word n-grams of the lower-cased ``\\w+`` words, the way one would write it by hand."""
    words = re.findall(r"\w+", text.lower())
    return [" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))]


def jaccard_summary(pairs: Iterable[tuple[str, str]]) -> str:
    """Mean and range of the true word 5-gram Jaccard similarity of text pairs."""
    values = [len(a & b) / len(a | b) for a, b in ((set(plain_shingles(x)), set(plain_shingles(y))) for x, y in pairs)]
    return f"true word 5-gram Jaccard of the planted pairs: mean {sum(values) / len(values):.2f}, min {min(values):.2f}, max {max(values):.2f}"


def run_plain_minhash(records: list[dict[str, Any]], threshold: float, *, fix_and_identify: bool = False) -> DedupRun:
    """What a user writes by hand: (optionally ftfy + py3langid, then) a datasketch MinHash of word
    5-gram shingles per document, queried against a MinHashLSH; the first one seen is kept."""
    links: Links = {}
    langs: dict[str, str | None] = {}
    position = {record["id"]: i for i, record in enumerate(records)}
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for record in records:
        text = record["text"]
        if fix_and_identify:
            text = ftfy.fix_text(text)
            langs[record["id"]] = py3langid.classify(text)[0]
        m = MinHash(num_perm=128)
        for shingle in plain_shingles(text):
            m.update(shingle.encode())
        hits = lsh.query(m)
        if hits:
            links[record["id"]] = min(hits, key=position.__getitem__)
        else:
            lsh.insert(record["id"], m)
    return DedupRun(links, time.perf_counter() - started, langs)


@dataclass(slots=True)
class PairScore:
    predicted: set[tuple[str, str]]
    true: set[tuple[str, str]]

    @property
    def tp(self) -> int:
        return len(self.true & self.predicted)

    @property
    def precision(self) -> float:
        return self.tp / len(self.predicted) if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / len(self.true) if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_links(dedup_score: ModuleType, gold: dict[str, str], links: Links) -> PairScore:
    """Pairwise scores of the clusters of ``links`` against ``gold`` groups, by dedup_score's
    ``clusters``/``pairs`` and the P/R/F1 of its main."""
    unknown = (set(links) | set(links.values())) - set(gold)
    if unknown:
        raise ValueError(f"ids not in the gold file: {sorted(unknown)[:5]}")
    return PairScore(dedup_score.pairs(dedup_score.clusters(links, list(gold))), dedup_score.pairs(gold))


# ------------------------------------------------------------------------- section: boilerplate


def cleanpress_strip(text: str, mode: str = "text", use_model: bool = True) -> str:
    """Repair, then strip, as the pipeline does for one document."""
    return strip(repair_text(text)[0], mode=mode, use_model=use_model).text


# py3langid codes -> jusText stoplist names, for the languages of the benchmark and the seeds
JUSTEXT_STOPLISTS = {
    "en": "English", "pt": "Portuguese", "ru": "Russian", "de": "German", "it": "Italian", "ko": "Korean",
    "id": "Indonesian", "es": "Spanish", "fr": "French", "az": "Azerbaijani", "bs": "Bosnian",
    "hr": "Croatian", "sr": "Serbian", "uz": "Uzbek", "tr": "Turkish", "kk": "Kazakh", "uk": "Ukrainian",
}


def justext_baseline(text: str) -> str:
    """jusText as a user would run it on plain text: each line a paragraph, the page's stoplist."""
    import html as html_module

    import justext

    from cleanpress.language import identify

    stoplist = justext.get_stoplist(JUSTEXT_STOPLISTS.get(identify(text)[0], "English"))
    page = "<html><body>" + "".join(f"<p>{html_module.escape(line)}</p>" for line in text.split("\n") if line.strip()) + "</body></html>"
    return "\n".join(p.text for p in justext.justext(page, stoplist) if not p.is_boilerplate)


def bench_boilerplate(bench_dir: Path) -> None:
    """Bag-of-words P/R/F1 (bow_f1) of four ways to get the article body out of a page."""
    data = bench_dir / "boilerplate-aeb"
    if not data.is_dir():
        print(f"\n## boilerplate\n\nskipped: no benchmark data at {data}")
        return
    bow_f1 = load_scorer(bench_dir, "bow_f1")
    ids = sorted(p.stem for p in (data / "gold").glob("*.txt"))
    texts = {i: (data / "input" / f"{i}.txt").read_text(encoding="utf-8") for i in ids}
    htmls = {i: decode_bytes(gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes())) or "" for i in ids}
    methods: list[tuple[str, str, dict[str, str], Callable[[str], str] | None]] = [
        ("keep everything", "text", texts, None),
        ("jusText 3 (each line a paragraph, page's stoplist)", "text", texts, justext_baseline),
        ("cleanpress rules only (--no-model)", "text", texts, lambda text: cleanpress_strip(text, use_model=False)),
        ("trafilatura extract()", "html", htmls, lambda html: trafilatura.extract(html) or ""),
        ("cleanpress", "html", htmls, lambda html: cleanpress_strip(html_to_text(html), mode="html")),
    ]
    rows: list[Row] = []
    per_page: dict[str, list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="cleanpress-bench-") as tmp:
        for name, kind, inputs, method in methods:
            out = Path(tmp) / re.sub(r"\W+", "-", f"{name} {kind}")
            out.mkdir()
            started = time.perf_counter()
            predictions = {i: method(inputs[i]) if method else inputs[i] for i in ids}
            seconds = time.perf_counter() - started
            for i, prediction in predictions.items():
                (out / f"{i}.txt").write_text(prediction, encoding="utf-8")
            scores = score_pages(bow_f1, data / "gold", out, ids)
            per_page[f"{name} ({kind})"] = scores
            P, R, F = (sum(s[k] for s in scores) / len(scores) for k in range(3))
            rows.append((f"{name} ({kind})", kind, P, R, F, len(ids) / seconds if method else "-"))
    rows[2:2] = cross_validated_rows(data)
    print_table(f"boilerplate: {len(ids)} pages of boilerplate-aeb, bag-of-words (bow_f1.prf, mean per page)",
                ("method", "input", "P", "R", "F1", "pages/s"), rows)
    urls = {r["id"]: r["url"] for r in read_jsonl(data / "pages.jsonl")}
    for ours, theirs in (("cleanpress (html)", "trafilatura extract() (html)"),):
        gaps = sorted(((t[2] - o[2], i) for i, o, t in zip(ids, per_page[ours], per_page[theirs])), reverse=True)
        worse = [(gap, i) for gap, i in gaps if gap > 0.2]
        note(f"{ours}: F1 more than 0.2 below trafilatura on {len(worse)} pages"
             + (": " + ", ".join(f"{urls.get(i, i)[:60]} ({-gap:+.2f})" for gap, i in worse[:3]) if worse else ""))


def cross_validated_rows(data: Path) -> list[Row]:
    """cleanpress on plain text, each page stripped by a line model trained on the other four
    folds (the shipped model was trained on all these pages, so scoring it here would flatter it),
    with line frequencies counted over the pages as a corpus run counts them."""
    try:
        import sklearn  # noqa: F401  (only the training extra has it)
    except ImportError:
        note("cleanpress strip (text) needs scikit-learn to be cross-validated: pip install -e '.[train]'")
        return []
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import train_boilerplate

    pages = train_boilerplate.load_pages(data)
    results = train_boilerplate.cross_validate(pages, train_boilerplate.load_scorer(data))
    # speed is not comparable (it includes training); the rules-only row times the stripper
    return [(f"cleanpress strip, {name}, {train_boilerplate.FOLDS}-fold cross-validated by page (text)", "text", P, R, F, "-")
            for name, (P, R, F) in results.items()]


def score_pages(bow_f1: ModuleType, gold_dir: Path, pred_dir: Path, ids: list[str]) -> list[tuple[float, float, float]]:
    """Per-page (P, R, F1) exactly as bow_f1.py reads them: a missing prediction is empty."""
    scores = []
    for i in ids:
        gold = (gold_dir / f"{i}.txt").read_text(encoding="utf-8")
        path = pred_dir / f"{i}.txt"
        pred = path.read_text(encoding="utf-8") if path.exists() else ""
        scores.append(bow_f1.prf(gold, pred))
    return scores


# -------------------------------------------------------------------------- section: translated

# The benchmark's ISO 639-3 codes and the ISO 639-1 codes py3langid answers with.
ISO639_1 = {"eng": "en", "aze": "az", "bos": "bs", "hrv": "hr", "srp_Cyrl": "sr", "uzb": "uz", "kaz": "kk",
            "kir": "ky", "rus": "ru", "tur": "tr", "tuk": "tk", "tat": "tt", "ukr": "uk", "tgk": "tg"}
DEDUP_METHODS: tuple[tuple[str, Callable[[list[dict[str, Any]]], DedupRun]], ...] = (
    ("plain MinHash LSH (0.5, word 5-grams)", lambda records: run_plain_minhash(records, 0.5)),
    ("cleanpress near only (--no-translated)", lambda records: run_cleanpress(records, CleanConfig(translated=False))),
    ("cleanpress", lambda records: run_cleanpress(records, CleanConfig())),
)


def bench_translated(bench_dir: Path) -> None:
    """Pairwise P/R/F1 (dedup_score) of translated-duplicate clusters, and a monolingual check."""
    data = bench_dir / "translated-ntrex"
    if not data.is_dir():
        print(f"\n## translated\n\nskipped: no benchmark data at {data}")
        return
    dedup_score = load_scorer(bench_dir, "dedup_score")
    rows: list[Row] = []
    language_notes: list[str] = []
    for name in ("docs.jsonl", "halfdocs.jsonl"):
        gold_records = read_jsonl(data / name)
        gold = {r["id"]: r["group"] for r in gold_records}
        records = [{"id": r["id"], "text": r["text"], "lang": r["lang"]} for r in gold_records]
        for method, run in DEDUP_METHODS:
            result = run(records)
            score = score_links(dedup_score, gold, result.links)
            rows.append((method, name, len(records), len(score.predicted), score.precision, score.recall, score.f1, result.seconds))
            if result.langs and method == "cleanpress":
                language_notes.append(language_confusions(name, gold_records, result.langs))
    print_table("translated: translated-ntrex, pairwise scores of duplicate clusters (dedup_score)",
                ("method", "file", "docs", "predicted pairs", "P", "R", "F1", "seconds"), rows)
    for text in language_notes:
        note(text)
    monolingual_check(data / "docs.jsonl", dedup_score)


def language_confusions(name: str, records: list[dict[str, Any]], identified: dict[str, str | None]) -> str:
    """How often cleanpress's language differs from the one the benchmark gives."""
    confusions = Counter((r["lang"], identified.get(r["id"])) for r in records if ISO639_1.get(r["lang"]) != identified.get(r["id"]))
    top = ", ".join(f"{given}->{got} x{n}" for (given, got), n in confusions.most_common(6))
    return f"{name}: cleanpress identified another language than given for {sum(confusions.values())}/{len(records)} records" + (f" ({top})" if top else "")


def monolingual_check(path: Path, dedup_score: ModuleType, share: float = 0.03, seed: int = 7) -> None:
    """Plant one near duplicate per English article (``share`` of its words deleted) among the
    translations; report how many planted pairs end up in one cluster, and precision."""
    rng = random.Random(seed)
    gold_records = read_jsonl(path)
    records = [{"id": r["id"], "text": r["text"], "lang": r["lang"]} for r in gold_records]
    gold = {r["id"]: r["group"] for r in gold_records}
    given_lang = {r["id"]: r["lang"] for r in gold_records}
    planted: set[tuple[str, str]] = set()
    planted_texts: list[tuple[str, str]] = []
    for r in gold_records:
        if r["lang"] == "eng":
            copy_id = f"{r['id']}~near"
            planted_texts.append((r["text"], mutate_words(r["text"], rng, share)))
            records.append({"id": copy_id, "text": planted_texts[-1][1], "lang": r["lang"]})
            gold[copy_id], given_lang[copy_id] = r["group"], r["lang"]
            planted.add(tuple(sorted((r["id"], copy_id))))  # type: ignore[arg-type]
    rows: list[Row] = []
    for method, run in DEDUP_METHODS:
        result = run(records)
        score = score_links(dedup_score, gold, result.links)
        same_lang = {p for p in score.predicted if given_lang[p[0]] == given_lang[p[1]]}
        same_lang_tp = len(same_lang & score.true)
        rows.append((method, len(records), len(planted), len(planted & score.predicted) / len(planted),
                     len(same_lang), same_lang_tp / len(same_lang) if same_lang else 1.0,
                     score.precision, score.recall, score.f1, result.seconds))
    print_table(f"translated, monolingual check: docs.jsonl + {len(planted)} English near duplicates ({share:.0%} of words deleted, seed {seed})",
                ("method", "docs", "planted pairs", "near recall", "same-language pairs", "same-language P", "P", "R", "F1", "seconds"), rows)
    note("near recall: planted (original, copy) pairs in one cluster; same-language P: precision of predicted pairs "
         "whose two documents have the same given language (near duplicates); P/R/F1: all pairs, copies in their original's group")
    note(jaccard_summary(planted_texts))


# -------------------------------------------------------------------------- section: throughput

VOCABULARY = {
    "en": ("the council said on with new government minister report city people after year week plan water "
           "school road bridge police court market prices workers company energy talks border election "
           "officials announced would could more than about against during between local national support "
           "expected record budget health project river train airport village").split(),
    "de": ("der die das und mit nach einer neuen Regierung Minister sagte Stadt Menschen Jahr Woche Plan "
           "Wasser Schule Straße Brücke Polizei Gericht Markt Preise Arbeiter Unternehmen Energie Gespräche "
           "Grenze Wahl Behörden kündigte würde könnte mehr als über gegen während zwischen lokalen Haushalt "
           "Gesundheit Projekt Fluss Zug Flughafen Dorf").split(),
    "ru": ("и в на с после новый правительство министр заявил город люди год неделя план вода школа дорога "
           "мост полиция суд рынок цены рабочие компания энергия переговоры граница выборы власти объявили "
           "будет может более чем около против во время между местные поддержка ожидается бюджет здоровье "
           "проект река поезд аэропорт село").split(),
    "tr": ("ve ile için sonra yeni hükümet bakan açıkladı şehir insanlar yıl hafta plan su okul yol köprü "
           "polis mahkeme piyasa fiyatlar işçiler şirket enerji görüşmeler sınır seçim yetkililer duyurdu "
           "daha fazla hakkında karşı sırasında arasında yerel ulusal destek bekleniyor bütçe sağlık proje "
           "nehir tren havalimanı köy").split(),
}
SYLLABLES = "ka mar len to vi an sel dor ri bo nu ta gel mi ros fa han li zer ov ek pa tur si".split()
# Latin syllables in Cyrillic, so Russian documents write their names the way Russian would
CYRILLIC = str.maketrans(dict(zip("abdefghiklmnoprstuvz", "абдефгхиклмнопрстувз")))
CHROME = {
    "en": ("Share", "Most read", "© {year} {site} News. All rights reserved."),
    "de": ("Teilen", "Meistgelesen", "© {year} {site} Nachrichten. Alle Rechte vorbehalten."),
    "ru": ("Поделиться", "Самое читаемое", "© {year} {site} Новости. Все права защищены."),
    "tr": ("Paylaş", "En çok okunanlar", "© {year} {site} Haber. Tüm hakları saklıdır."),
}


def cast(rng: random.Random, lang: str, size: int = 4) -> list[str]:
    """The people and places of one article: capitalised names of 2 or 3 syllables."""
    names = []
    for _ in range(size):
        parts = ("".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) for _ in range(2))
        names.append(" ".join((p.translate(CYRILLIC) if lang == "ru" else p).capitalize() for p in parts))
    return names


def sentence(rng: random.Random, lang: str, names: Sequence[str]) -> str:
    """8 to 18 words with one of the article's names and a number somewhere in them."""
    words = rng.choices(VOCABULARY[lang], k=rng.randint(8, 18))
    words.insert(rng.randrange(len(words)), rng.choice(names))
    words.insert(rng.randrange(len(words)), str(rng.choice((rng.randint(2, 99), rng.randint(100, 99999), rng.randint(1990, 2025)))))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....!?")


def news_document(rng: random.Random, lang: str, size: int = 3000) -> str:
    """A news-like page of about ``size`` bytes: title, paragraphs, share line, most-read list, footer."""
    share, most_read, footer = CHROME[lang]
    title = " ".join(rng.choices(VOCABULARY[lang], k=rng.randint(5, 9)))
    parts = [share, title[0].upper() + title[1:]]
    names = cast(rng, lang)
    while sum(len(p.encode()) for p in parts) < size - 400:
        parts.append(" ".join(sentence(rng, lang, names) for _ in range(rng.randint(2, 4))))
    parts.append(most_read + "\n" + "\n".join(" ".join(rng.choices(VOCABULARY[lang], k=5)).capitalize() for _ in range(3)))
    parts.append(footer.format(year=rng.randint(2015, 2025), site=rng.choice(("Daily", "Morning", "Evening", "City"))))
    return "\n\n".join(parts)


def generate_corpus(n: int, seed: int = 42, near_share: float = 0.1, changed: float = 0.03) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``n`` documents; ``near_share`` of them are copies of an earlier original with ``changed`` of
    their words replaced. Returns the records and the gold groups (a copy is in its original's)."""
    rng = random.Random(seed)
    copies = set(rng.sample(range(1, n), int(near_share * n))) if n > 1 else set()
    records: list[dict[str, Any]] = []
    gold: dict[str, str] = {}
    originals: list[int] = []
    for i in range(n):
        doc_id = f"doc{i:06d}"
        if i in copies and originals:
            source = records[rng.choice(originals)]
            text = mutate_words(source["text"], rng, changed, VOCABULARY[source["lang"]])
            records.append({"id": doc_id, "text": text, "lang": source["lang"]})
            gold[doc_id] = gold[source["id"]]
        else:
            lang = rng.choice(tuple(VOCABULARY))
            records.append({"id": doc_id, "text": news_document(rng, lang), "lang": lang})
            gold[doc_id] = doc_id
            originals.append(i)
    return records, gold


def bench_throughput(n_docs: int, workers: int, bench_dir: Path) -> None:
    """Speed of the plain way against cleanpress on a generated corpus, and what each found."""
    records, gold = generate_corpus(n_docs)
    megabytes = sum(len(r["text"].encode("utf-8")) for r in records) / 1e6
    # the generator's own lang field is metadata for cleanpress and unused by the plain way
    inputs = [{"id": r["id"], "text": r["text"]} for r in records]
    runs = [
        ("plain way (ftfy, py3langid, MinHash LSH 0.7)", lambda: run_plain_minhash(inputs, 0.7, fix_and_identify=True)),
        ("cleanpress process (1 worker)", lambda: run_cleanpress(inputs, CleanConfig(workers=1))),
        (f"cleanpress process (--workers {workers})", lambda: run_cleanpress(inputs, CleanConfig(workers=workers))),
    ]
    dedup_score = load_scorer(bench_dir, "dedup_score") if (bench_dir / "dedup_score.py").exists() else None
    rows: list[Row] = []
    baseline: float | None = None
    confusions: list[str] = []
    previous_langs: dict[str, str | None] = {}
    for method, run in runs:
        result = run()
        baseline = baseline or result.seconds
        row: list[Any] = [method, len(records), megabytes, result.seconds, len(records) / result.seconds,
                          megabytes / result.seconds, f"{baseline / result.seconds:.2f}x", len(result.links)]
        if dedup_score is not None:
            score = score_links(dedup_score, gold, result.links)
            row += [score.precision, score.recall]
        rows.append(row)
        wrong = Counter((r["lang"], result.langs.get(r["id"])) for r in records if result.langs.get(r["id"], r["lang"]) != r["lang"])
        if wrong and result.langs != previous_langs:
            confusions.append(f"{method}: language differs from the generator's on {sum(wrong.values())} docs "
                              + ", ".join(f"{a}->{b} x{k}" for (a, b), k in wrong.most_common(4)))
        previous_langs = result.langs
    headers = ["method", "docs", "MB", "seconds", "docs/s", "MB/s", "speed-up", "near-dups found"]
    if dedup_score is not None:
        headers += ["P", "R"]
    planted = sum(1 for i, g in gold.items() if i != g)
    print_table(f"throughput: {len(records):,} generated docs (en, de, ru, tr; {planted} planted near duplicates, 3% of words changed)",
                headers, rows)
    if dedup_score is not None:
        note("P, R: pairwise, by dedup_score, against the planted copy -> original groups")
    text_of = {r["id"]: r["text"] for r in records}
    note(jaccard_summary((text_of[g], text_of[i]) for i, g in gold.items() if i != g))
    for text in confusions:
        note(text)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    note(f"peak RSS of this whole process so far {usage[0] / 1024:.0f} MB, largest worker {usage[1] / 1024:.0f} MB (Linux KiB units)")


def bench_check(n_docs: int, workers: int) -> None:
    """How long ``cleanpress check`` (the real command line) takes on a generated corpus."""
    records, _ = generate_corpus(n_docs)
    with tempfile.TemporaryDirectory(prefix="cleanpress-check-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as stream:
            for record in records:
                stream.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
        megabytes = corpus.stat().st_size / 1e6
        rows: list[Row] = []
        for jobs in sorted({1, workers}):
            command = [sys.executable, "-m", "cleanpress.cli", "check", str(corpus), "--format", "json", "-j", str(jobs)]
            started = time.perf_counter()
            finished = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            verdict = "passed" if finished.returncode == 0 else "failed" if finished.returncode == 1 else f"error {finished.returncode}"
            rows.append((f"cleanpress check -j {jobs}", len(records), megabytes, seconds, len(records) / seconds, megabytes / seconds, verdict))
    print_table(f"check: {len(records):,} generated docs ({megabytes:.0f} MB of JSON Lines)",
                ("method", "docs", "MB", "seconds", "docs/s", "MB/s", "verdict"), rows)
    note("the generated corpus plants 10% near duplicates and chrome lines, so the verdict is 'failed' by design")


# ----------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=SECTIONS, help="run one section only")
    parser.add_argument("--docs", type=int, default=5000, help="documents in the generated throughput corpus (default 5000)")
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH_DIR, help=f"benchmark data (default {DEFAULT_BENCH_DIR})")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the multi-worker throughput row (default 2)")
    args = parser.parse_args(argv)
    bench_dir = args.bench_dir.resolve()
    print(f"cleanpress benchmarks; python {sys.version.split()[0]}; bench data {bench_dir}"
          + ("" if bench_dir.is_dir() else " (missing)"))
    sections: dict[str, Callable[[], None]] = {
        "boilerplate": lambda: bench_boilerplate(bench_dir),
        "translated": lambda: bench_translated(bench_dir),
        "throughput": lambda: bench_throughput(args.docs, args.workers, bench_dir),
        "check": lambda: bench_check(args.docs, args.workers),
    }
    for name, section in sections.items():
        if args.only in (None, name):
            _, seconds = timed(section)
            print(f"\n({name}: {seconds:.1f} s)")


if __name__ == "__main__":
    main()
