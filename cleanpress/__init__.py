"""cleanpress: turn scraped multilingual news text into a clean, deduplicated corpus.

>>> import cleanpress
>>> docs = [{"id": "a", "text": "Tokayev met Putin in Moscow on Tuesday to discuss gas projects."},
...         {"id": "b", "text": "tokayev met putin in MOSCOW on tuesday to discuss gas projects"}]
>>> [d.id for d in cleanpress.clean(docs)]
['a']
"""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("cleanpress")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

# Public names, imported on first use so that importing one stage does not load them all.
_EXPORTS = {
    "clean": "cleanpress.pipeline",
    "run": "cleanpress.pipeline",
    "RunResult": "cleanpress.pipeline",
    "CleanConfig": "cleanpress.config",
    "Document": "cleanpress.document",
    "Repair": "cleanpress.document",
    "Removal": "cleanpress.document",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'cleanpress' has no attribute {name!r}")
