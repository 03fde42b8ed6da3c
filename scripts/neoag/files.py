"""Opening input files that may be gzip-compressed."""

from __future__ import annotations

import gzip
import os
from typing import TextIO


def open_text(path: str | os.PathLike) -> TextIO:
    """A text handle on path; a name ending in .gz is read through gzip."""
    return gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)
