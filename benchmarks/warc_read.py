"""How long reading a WARC takes next to extracting its pages: python benchmarks/warc_read.py [--pages N]

Writes a WARC.gz of N HTML pages (the seeds, repeated) with warcio into a temporary folder, then
times cleanpress's WARC reader and trafilatura's extraction of the same pages.
"""
from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleanpress.document import Document
from cleanpress.extract import html_to_text
from cleanpress.readers import read_documents

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write_pages(path: Path, pages: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for i in range(pages):
            body = "".join(f"<p>{part}</p>" for part in texts[i % len(texts)].split("\n\n"))
            html = f"<html><body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>".encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://site{i}.org/a", "response", payload=io.BytesIO(html), http_headers=http))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pages.warc.gz"
        write_pages(path, args.pages)
        started = time.perf_counter()
        docs = [d for d in read_documents([path]) if isinstance(d, Document)]
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for doc in docs:
            html_to_text(doc.text)
        extract_seconds = time.perf_counter() - started
    print(f"{len(docs)} pages: reading the WARC (warcio) {read_seconds:.3f} s, extracting them (trafilatura) {extract_seconds:.3f} s")


if __name__ == "__main__":
    main()
