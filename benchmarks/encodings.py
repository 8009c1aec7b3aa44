"""Legacy encodings: how often the reader recovers a text written in its language's code page.

    python benchmarks/encodings.py [BENCH/translated-ntrex]

Takes the first 60, 200 and 1,000 characters of every translated-ntrex article, encodes each
in the code pages its language was written in before UTF-8 (Turkish cp1254, Russian cp1251,
KOI8-R and cp866, Bosnian cp1250 and ISO 8859-2, ...), and decodes the bytes back with
``cleanpress.encoding.decode_legacy`` and, in the same run, with charset-normalizer's best guess
(``from_bytes(data).best()``, the way one writes it by hand). A text counts as recovered when
the decoded text is the original, character for character. Snippets that are plain ASCII, or
that a code page cannot write, are left out. Prints recovery per language and code page, and
in all. The data folder defaults to ``<repo>/../shared/bench/translated-ntrex``, never copied.

The Serbian articles of translated-ntrex write Latin look-alike letters inside Cyrillic words
(``Грejeм``), so some of their "originals" are themselves mixed-script text.
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import print_table, read_jsonl  # noqa: E402

from charset_normalizer import from_bytes  # noqa: E402

from cleanpress.encoding import decode_legacy  # noqa: E402

CODE_PAGES = {  # translated-ntrex language -> the code pages its texts were written in
    "eng": ("cp1252",), "tur": ("cp1254",), "aze": ("cp1254",), "uzb": ("cp1254",),
    "bos": ("cp1250", "iso8859_2"), "hrv": ("cp1250", "iso8859_2"),
    "rus": ("cp1251", "koi8_r", "cp866"), "ukr": ("cp1251", "koi8_u"), "srp_Cyrl": ("cp1251",),
    "kaz": ("cp1251",), "kir": ("cp1251",), "tgk": ("cp1251",), "tat": ("cp1251",),
}
LENGTHS = (60, 200, 1000)


def snippets(bench: Path) -> list[tuple[str, str, bytes, str]]:
    """(language, code page, bytes, original text) for every snippet that is not plain ASCII."""
    found = []
    for record in read_jsonl(bench / "docs.jsonl"):
        for code_page in CODE_PAGES.get(record["lang"], ()):
            for length in LENGTHS:
                text = record["text"][:length]
                try:
                    data = text.encode(code_page)
                except UnicodeEncodeError:
                    continue
                if not data.isascii():
                    found.append((record["lang"], code_page, data, text))
    return found


def charset_normalizer_text(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def main(argv: list[str]) -> None:
    bench = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "shared" / "bench" / "translated-ntrex"
    if not (bench / "docs.jsonl").exists():
        print(f"skipped: no translated-ntrex benchmark data at {bench} (give its folder as the argument)")
        return
    cases = snippets(bench)
    methods = {
        "cleanpress": lambda data: (decoded[0] if (decoded := decode_legacy(data)) else None),
        "charset-normalizer": charset_normalizer_text,
    }
    recovered: dict[str, dict[tuple[str, str], int]] = {name: defaultdict(int) for name in methods}
    seconds = dict.fromkeys(methods, 0.0)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for lang, code_page, data, text in cases:
        totals[lang, code_page] += 1
        for name, decode in methods.items():
            started = time.perf_counter()
            result = decode(data)
            seconds[name] += time.perf_counter() - started
            recovered[name][lang, code_page] += result == text
    rows = [(lang, code_page, total, *(recovered[name][lang, code_page] / total for name in methods))
            for (lang, code_page), total in sorted(totals.items())]
    all_cases = sum(totals.values())
    rows.append(("all", "", all_cases, *(sum(recovered[name].values()) / all_cases for name in methods)))
    print_table("legacy encodings: share of snippets recovered exactly", ["language", "code page", "snippets", *methods], rows)
    print_table("cost", ["method", "ms per snippet"], [(name, 1000 * seconds[name] / all_cases) for name in methods])


if __name__ == "__main__":
    main(sys.argv[1:])
