"""Opening input files that may be gzip-compressed."""

from __future__ import annotations

import gzip
import os
from typing import TextIO

GZIP_MAGIC = b"\x1f\x8b"


def open_text(path: str | os.PathLike) -> TextIO:
    """A text handle on a plain or gzip-compressed file, told apart by its first bytes
    (a gzipped GTF without .gz in its name is read as well as a .gtf.gz)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rt") if magic == GZIP_MAGIC else open(path)
