"""One typed configuration object shared by the library API and the command line."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Every option of a ``clean`` run. The CLI flags are these names with dashes.

    >>> CleanConfig(near_threshold=0.8).near_threshold
    0.8
    """

    # Reading
    text_field: str = "text"  #: JSON Lines field holding the text
    id_field: str = "id"  #: JSON Lines field holding the id (missing: file stem and line number)
    max_document_bytes: int = 64 * 1024 * 1024  #: larger files or JSON lines are skipped, never loaded
    # Stages that can be switched off
    repair: bool = True  #: run the repair stage (ftfy, scripts, invisible characters)
    strip_boilerplate: bool = True  #: run the boilerplate stage
    min_repeat: int = 3  #: a line repeated this many times in one document is boilerplate
    line_model: bool = True  #: let the trained line model decide (off: the rules alone)
    line_frequency: bool = True  #: count lines across the corpus first (a second read of the input)
    min_chars: int = 1  #: documents shorter than this after cleaning are skipped as empty
    # Near duplicates: MinHash LSH over word n-grams
    num_perm: int = 128  #: MinHash permutations
    ngram: int = 5  #: words per shingle
    near_threshold: float = 0.7  #: estimated Jaccard similarity at which two documents are near duplicates
    seed: int = 1  #: MinHash seed; fixed so runs are reproducible
    # Translated duplicates: IDF-weighted overlap of translation anchors
    translated: bool = True  #: look for translated duplicates
    translated_threshold: float = 0.25  #: weighted anchor overlap at which two documents are translations
    candidate_threshold: float = 0.15  #: LSH threshold for translation candidates (recall over precision)
    min_anchors: int = 3  #: documents with fewer anchors are never called translations
    min_shared_anchors: int = 3  #: two documents sharing fewer anchors are never called translations
    mutual_best: bool = True  #: a translation must be each document's best match in the other's language
    drop_bridges: bool = True  #: drop translated links between two linked documents with no linked document in common
    # Which document of a duplicate cluster is kept
    keep: str = "longest"  #: "longest" (most characters, ties to the first read) or "first"
    # Execution
    strict: bool = False  #: stop at the first input that cannot be used, instead of skipping it
    batch_size: int = 256  #: documents per batch handed to a worker
    workers: int = 1  #: worker processes for the per-document stages

    def __post_init__(self) -> None:
        for name in ("near_threshold", "translated_threshold", "candidate_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name.replace('_', '-')} must be in (0, 1], got {value}")
        for name in ("num_perm", "ngram", "batch_size", "workers", "min_repeat", "min_shared_anchors"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.keep not in ("longest", "first"):
            raise ValueError(f"keep must be 'longest' or 'first', got {self.keep!r}")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
