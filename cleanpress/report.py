"""The HTML report: what a run cut, what it merged, and why, in one self-contained file.

Built from the manifests a ``clean`` run wrote (no re-run): ``report.json`` for the counts,
``duplicates.jsonl`` and ``dropped.jsonl`` for the clusters, ``removed.jsonl`` (with each line's
``kept_before``) and ``repairs.jsonl`` for what changed in each document, ``sources.jsonl`` for
each document's site. The page has inline CSS, SVG charts drawn here, and a little plain
JavaScript (``report_assets/report.js``) that renders pages of rows on demand from JSON embedded
in a ``<script type="application/json">`` block; it never loads anything from the network and
never passes document text through ``innerHTML``.

Only ``max_texts`` documents carry their text (cluster members first, then the documents that
lost the most lines), so that a report of 100,000 documents stays a few megabytes; every
document is still listed.

>>> site_of({"url": "https://www.rferl.org/a/1.html"}, "crawl/x.txt"), site_of({}, "crawl/azadliq/x.txt")
('www.rferl.org', 'azadliq')
>>> safe_json({"text": "</script><!--"})
'{"text": "\\\\u003c/script>\\\\u003c!--"}'
"""
from __future__ import annotations

import html
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit

import regex

from .anchors import anchor_sequence
from .corpus_writers import read_corpus

MAX_TEXTS = 2000
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+")  # the words near-duplicate shingles are made of
_ANCHOR_TOKEN = regex.compile(r"\d[\d ,.]*\d|\d|\p{L}[\p{L}\p{M}'’]*")


class ReportError(Exception):
    """The folder is not the output of a ``clean`` run."""


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReportError(f"{path}:{number}: not JSON ({error.msg})") from None


def site_of(record: dict[str, Any], source: str | None) -> str:
    """A document's site: its ``source`` or ``url`` field (the host of a URL), else its input file's folder."""
    for key in ("source", "url"):
        value = record.get(key)
        if isinstance(value, str) and value:
            if "://" in value:
                return urlsplit(value).hostname or value
            return Path(value).parent.name or value if "/" in value else value
    return Path(source).parent.name or "." if source else "-"


def safe_json(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: every ``<`` is escaped, so no ``</script>`` or ``<!--``."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def shared_spans(text: str, other: str, n: int) -> list[list[int]]:
    """Character ranges of ``text`` covered by word ``n``-grams that ``other`` also has.

    >>> shared_spans("one two three four", "zero one two three", 2)
    [[0, 13]]
    """
    mine = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
    theirs = [w.casefold() for w in _WORD.findall(other)]
    n = max(1, min(n, len(mine), len(theirs)))
    grams = {tuple(theirs[i : i + n]) for i in range(len(theirs) - n + 1)}
    covered = [False] * len(mine)
    for i in range(len(mine) - n + 1):
        if tuple(w for _, _, w in mine[i : i + n]) in grams:
            covered[i : i + n] = [True] * n
    return _ranges([(s, e) for (s, e, _), hit in zip(mine, covered) if hit])


def anchor_spans(text: str, anchors: set[str]) -> list[list[int]]:
    """Character ranges of the words and numbers of ``text`` that give one of ``anchors``.

    >>> anchor_spans("Yesterday Tokayev paid 6 500 tenge.", {"tkv", "#6500"})
    [[10, 17], [23, 28]]
    """
    hits = []
    for match in _ANCHOR_TOKEN.finditer(text):
        if anchors.intersection(anchor_sequence("a " + match.group())):  # "a ": not a sentence start
            hits.append((match.start(), match.end()))
    return [[s, e] for s, e in hits]


def _ranges(spans: list[tuple[int, int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] <= 1:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged


def collect(folder: str | os.PathLike[str], max_texts: int = MAX_TEXTS) -> dict[str, Any]:
    """Everything the page shows, read from a ``clean`` output folder."""
    folder = Path(folder)
    if not (folder / "report.json").is_file():
        raise ReportError(f"{folder}: no report.json (is it the output folder of cleanpress clean?)")
    summary = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    config = summary.get("config", {})
    duplicates = list(_jsonl(folder / "duplicates.jsonl"))
    removed = {r["id"]: r["lines"] for r in _jsonl(folder / "removed.jsonl")}
    repairs = {r["id"]: r["repairs"] for r in _jsonl(folder / "repairs.jsonl")}
    sources = {r["id"]: r.get("source") for r in _jsonl(folder / "sources.jsonl")}
    members = {d["duplicate_of"] for d in duplicates} | {d["id"] for d in duplicates}
    by_loss = sorted(removed, key=lambda i: (-len(removed[i]), i))
    wanted = set(sorted(members)[:max_texts])
    wanted.update(by_loss[: max(0, max_texts - len(wanted))])

    docs: list[list[Any]] = []  # id, status, site, lang, characters, lines stripped, repairs
    texts: dict[str, dict[str, Any]] = {}
    site_lines: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    kept = read_corpus(folder, config.get("output_format", "jsonl"), sources)
    for status, records in (("kept", kept), ("dropped", _jsonl(folder / "dropped.jsonl"))):
        for record in records:
            doc_id, text = record["id"], record.get("text", "")
            site = site_of(record, sources.get(doc_id))
            lines = removed.get(doc_id, [])
            docs.append([doc_id, status, site, record.get("lang") or "und", len(text), len(lines), len(repairs.get(doc_id, []))])
            site_lines[site].update({(line["text"].strip(), line["rule"]) for line in lines if line["text"].strip()})  # pages, not lines
            if doc_id in wanted:
                texts[doc_id] = {"text": text, "removed": [[l.get("kept_before", 0), l["line"], l["text"], l["rule"]] for l in lines],
                                 "repairs": repairs.get(doc_id, [])}
    for record in _jsonl(folder / "skipped.jsonl"):
        docs.append([record.get("id") or record.get("source", ""), "skipped", site_of({}, record.get("source")), "-", 0,
                     len(removed.get(record.get("id") or "", [])), 0, record.get("reason", "")])
    return {
        "summary": summary,
        "docs": docs,
        "texts": texts,
        "clusters": _clusters(duplicates, texts, int(config.get("ngram", 5))),
        "sites": _sites(site_lines),
        "max_texts": max_texts,
    }


def _clusters(duplicates: list[dict[str, Any]], texts: dict[str, dict[str, Any]], ngram: int) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for dup in duplicates:
        grouped[dup["duplicate_of"]].append(dup)
    clusters = []
    for kept, dropped in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])):
        pairs = []
        for dup in dropped:
            pair = {key: dup.get(key) for key in ("id", "kind", "score", "via", "anchors", "in_index")}
            twin = texts.get(kept, {}).get("text")
            mine = texts.get(dup["id"], {}).get("text")
            if twin is not None and mine is not None:
                if dup["kind"] == "translated":
                    shared = set(dup.get("anchors") or [])
                    pair["kept_spans"], pair["spans"] = anchor_spans(twin, shared), anchor_spans(mine, shared)
                else:
                    pair["kept_spans"], pair["spans"] = shared_spans(twin, mine, ngram), shared_spans(mine, twin, ngram)
            pairs.append(pair)
        clusters.append({"kept": kept, "dropped": pairs})
    return clusters


def _sites(site_lines: dict[str, Counter[tuple[str, str]]], top: int = 15) -> list[dict[str, Any]]:
    """Sites ranked by how many distinct stripped lines recur on two or more of their pages."""
    rows = []
    for site, lines in site_lines.items():
        repeated = sum(1 for n in lines.values() if n > 1)
        rows.append({"site": site, "repeated": repeated, "stripped": len(lines),
                     "lines": [[text, rule, n] for (text, rule), n in lines.most_common(top)]})
    return sorted(rows, key=lambda r: (-r["repeated"], -r["stripped"], r["site"]))


# ---------------------------------------------------------------------------- SVG charts


def _bars(title: str, counts: list[tuple[str, int]], width: int = 420) -> str:
    """A horizontal bar chart of labelled counts."""
    counts = counts[:12]
    if not counts:
        return f'<p class="none">{html.escape(title)}: none</p>'
    top = max(n for _, n in counts) or 1
    row = 20
    parts = [f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" height="{row * len(counts) + 24}">',
             f'<text x="0" y="14" class="title">{html.escape(title)}</text>']
    for i, (label, n) in enumerate(counts):
        y = 22 + i * row
        length = max(1, round((width - 190) * n / top))
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(label[:22])}</text>'
                     f'<rect x="140" y="{y + 2}" width="{length}" height="{row - 6}" class="bar"/>'
                     f'<text x="{146 + length}" y="{y + 13}">{n}</text>')
    return "".join(parts) + "</svg>"


def histogram(scores: dict[str, list[float]], thresholds: dict[str, float], bins: int = 20) -> str:
    """Similarity scores of the dropped documents per kind, 0 to 1, with each kind's threshold drawn.

    >>> "threshold" in histogram({"near": [0.8, 0.9]}, {"near": 0.7})
    True
    """
    width, height, left, bottom = 520, 200, 36, 30
    plot_w, plot_h = width - left - 10, height - bottom - 24
    counts = {kind: Counter(min(bins - 1, int(s * bins)) for s in values) for kind, values in scores.items()}
    top = max([n for c in counts.values() for n in c.values()] or [1])
    kinds = list(scores)
    bar_w = plot_w / bins / max(1, len(kinds))
    parts = [f'<svg id="score-histogram" class="chart" role="img" aria-label="similarity scores" width="{width}" height="{height}">',
             f'<line x1="{left}" y1="{24 + plot_h}" x2="{left + plot_w}" y2="{24 + plot_h}" class="axis"/>']
    for tick in range(0, 11, 2):
        x = left + plot_w * tick / 10
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{tick / 10:.1f}</text>')
    parts.append(f'<text x="{left - 4}" y="{28}" text-anchor="end">{top}</text>')
    for k, kind in enumerate(kinds):
        for b, n in sorted(counts[kind].items()):
            h = plot_h * n / top
            x = left + plot_w * b / bins + k * bar_w
            parts.append(f'<rect class="bar {kind}" x="{x:.1f}" y="{24 + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}">'
                         f'<title>{kind} {b / bins:.2f}-{(b + 1) / bins:.2f}: {n}</title></rect>')
        parts.append(f'<rect class="bar {kind}" x="{left + 10 + k * 150}" y="4" width="12" height="12"/>'
                     f'<text x="{left + 26 + k * 150}" y="14">{kind} ({len(scores[kind])})</text>')
    for kind, value in thresholds.items():
        x = left + plot_w * value
        parts.append(f'<line class="threshold {kind}" x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{24 + plot_h}">'
                     f'<title>{kind} threshold {value}</title></line>'
                     f'<text class="threshold-label" x="{x + 3:.1f}" y="{34 + 12 * kinds.index(kind) if kind in kinds else 34}">{kind} threshold {value}</text>')
    return "".join(parts) + "</svg>"


def _charts(data: dict[str, Any]) -> str:
    summary = data["summary"]
    config = summary.get("config", {})
    scores: dict[str, list[float]] = {"near": [], "translated": []}
    for cluster in data["clusters"]:
        for pair in cluster["dropped"]:
            if pair["kind"] in scores:
                scores[pair["kind"]].append(float(pair["score"]))
    thresholds = {"near": config.get("near_threshold", 0.7), "translated": config.get("translated_threshold", 0.25)}
    sizes = Counter(1 + len(c["dropped"]) for c in data["clusters"])
    sites = Counter(doc[2] for doc in data["docs"])
    return "\n".join([
        '<figure><figcaption>Similarity of each dropped document to its twin, with the thresholds</figcaption>',
        histogram(scores, thresholds), "</figure>",
        _bars("cluster sizes (documents)", [(f"{size} documents", n) for size, n in sorted(sizes.items())]),
        _bars("kept documents per language", list(summary.get("languages", {}).items())),
        _bars("documents per site", sites.most_common()),
        _bars("lines stripped per rule", list(summary.get("boilerplate", {}).get("rules", {}).items())),
    ])


def _numbers(summary: dict[str, Any]) -> str:
    docs, strip = summary["documents"], summary.get("boilerplate", {})
    cells = [("read", docs["read"]), ("kept", docs["kept"])]
    cells += [(f"{kind} duplicates", n) for kind, n in summary.get("duplicates", {}).items()]
    cells += [("skipped", docs["skipped"]), ("lines stripped", strip.get("lines_removed", 0)),
              ("characters stripped", strip.get("chars_removed", 0)), ("documents repaired", summary.get("repairs", {}).get("documents", 0))]
    return "".join(f'<div class="number"><b>{n:,}</b><span>{html.escape(label)}</span></div>' for label, n in cells)


def render(data: dict[str, Any], title: str = "cleanpress report") -> str:
    """The whole page as one string."""
    assets = files("cleanpress") / "report_assets"
    page = Template((assets / "report.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=html.escape(title), css=(assets / "report.css").read_text(encoding="utf-8"),
        js=(assets / "report.js").read_text(encoding="utf-8"), numbers=_numbers(data["summary"]),
        charts=_charts(data), data=safe_json(data),
    )


def write_report(folder: str | os.PathLike[str], target: str | os.PathLike[str] | None = None, *, max_texts: int = MAX_TEXTS) -> Path:
    """Write the report of the ``clean`` output ``folder`` to ``target`` (default ``folder/report.html``)."""
    target = Path(target) if target is not None else Path(folder) / "report.html"
    page = render(collect(folder, max_texts), title=f"cleanpress report: {Path(folder).name}")
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(page, encoding="utf-8", newline="\n")
    os.replace(partial, target)
    return target
