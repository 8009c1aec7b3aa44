"""HTML extraction: the article text of an HTML page, and its title and date, by ``trafilatura``.

trafilatura finds the main content of a page far better than line rules can (it sees the markup);
what it leaves (related-story lists, prompts, footers) goes through the boilerplate stage like
any plain text. The headline is usually outside the text it extracts, so the title (and the
publication date) come from the page's metadata: ``<title>``, Open Graph and JSON-LD fields,
the ``<h1>``, dated URLs.

>>> page = ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
...         "<h1>Gas talks in Moscow</h1><p>" + "Tokayev met Putin to discuss gas projects. " * 5
...         + "</p></article><footer>All rights reserved.</footer></body></html>")
>>> text = html_to_text(page)
>>> "Tokayev met Putin" in text, "All rights reserved" in text
(True, False)
"""
from __future__ import annotations

import copy

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import use_config
from trafilatura.utils import load_html

from .document import Document

DATE_SEARCH = {"extensive_search": False, "original_date": True}  # the publication date, from metadata and URL only

PRECISION_FALLBACK = 0.5  # keep precision mode's text when it has at least this share of the default's
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signals do not work in worker threads; we bound input instead


def html_to_text(html: str | HtmlElement) -> str:
    """The main text of an HTML page (markup, or a tree :func:`parse_html` made), paragraphs on
    their own lines; empty if none was found.

    trafilatura's precision mode gives the cleaner text, but on some layouts it keeps only a
    fragment of the article; when it keeps less than half of what the default mode finds, the
    default mode's text is used (measured on the boilerplate benchmark: F1 0.960 -> 0.966).

    >>> html_to_text("<html><body><p>" + "Gas talks in Moscow went on all day. " * 4 + "</p></body></html>")[:19]
    'Gas talks in Moscow'
    """
    tree = parse_html(html) if isinstance(html, str) else html
    if tree is None:
        return ""
    precise = _trafilatura_text(copy.deepcopy(tree), favor_precision=True)  # trafilatura prunes the tree it reads
    broad = _trafilatura_text(tree, favor_precision=False)
    return precise if len(precise) >= PRECISION_FALLBACK * len(broad) else broad


def parse_html(html: str) -> HtmlElement | None:
    """The page as the tree trafilatura reads (parsed once for the text and the metadata, which
    each take a copy); None when it is not HTML trafilatura can parse."""
    return load_html(html)


def _trafilatura_text(tree: HtmlElement, *, favor_precision: bool) -> str:
    text = trafilatura.extract(
        tree,
        config=_CONFIG,
        include_comments=False,  # readers' comments are not the article
        include_tables=True,
        include_links=False,
        include_images=False,
        favor_precision=favor_precision,
        deduplicate=False,
    )
    return text or ""


def page_metadata(html: str | HtmlElement) -> dict[str, str]:
    """The title and publication date (``YYYY-MM-DD``) a page declares; only those it has.

    >>> page_metadata("<html><head><title>Gas talks in Moscow | Example News</title>"
    ...               "<meta property='og:title' content='Gas talks in Moscow'>"
    ...               "<meta property='article:published_time' content='2024-03-12T09:30:00Z'>"
    ...               "</head><body><p>Text.</p></body></html>")
    {'title': 'Gas talks in Moscow', 'date': '2024-03-12'}
    >>> page_metadata("<html><body><p>No title here.</p></body></html>")
    {}
    """
    found = trafilatura.extract_metadata(html, date_config=DATE_SEARCH, extensive=False)
    if found is None:
        return {}
    title = " ".join((found.title or "").split())  # markup titles carry line breaks and runs of spaces
    fields = {"title": title, "date": found.date or ""}
    return {name: value for name, value in fields.items() if value}


def extract(doc: Document) -> Document:
    """Replace an HTML document's markup by its extracted text, and take its title (a
    ``title`` field) and date from the markup unless the input gave them; plain text passes
    unchanged."""
    if doc.format == "html":
        tree = parse_html(doc.text)
        metadata = page_metadata(copy.deepcopy(tree)) if tree is not None else {}
        doc.text = html_to_text(tree) if tree is not None else ""
        if "title" in metadata:
            doc.metadata.setdefault("title", metadata["title"])
        if doc.date is None and "date" in metadata:
            doc.date = metadata["date"]
    return doc
