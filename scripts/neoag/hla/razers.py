"""Mapping with razers3: the allele FASTA it maps to, the run, and its hits read back.

Every mate is mapped on its own to every distinct allele sequence, so the hits
say which alleles each mate fits and with how many errors. Sequences and reads
are named by their index (0, 1, 2, ...), so a hit is three integers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np

from neoag.errors import NeoagInputError
from neoag.hla.reference import HlaReference


def write_mapping_fasta(reference: HlaReference, path: str | os.PathLike) -> None:
    """The distinct sequences as FASTA named 0, 1, 2, ... (their index) for razers3."""
    with open(path, "w") as handle:
        for index, sequence in enumerate(reference.sequences):
            handle.write(f">{index}\n{sequence}\n")


def find_razers3(configured: str = "razers3") -> str:
    """The razers3 executable: the configured name or path, else Debian's seqan-apps location."""
    for candidate in (configured, "/usr/lib/seqan/bin/razers3"):
        found = shutil.which(candidate)
        if found:
            return found
    raise NeoagInputError(
        f"razers3 not found (hla.razers3 is '{configured}', and /usr/lib/seqan/bin/razers3 does not exist). "
        "Install it (conda: bioconda razers3; Debian: apt-get install seqan-apps) or set hla.razers3 to its path."
    )


def run_razers3(
    razers3: str,
    reference_fasta: str | os.PathLike,
    reads_fasta: str | os.PathLike,
    out_path: str | os.PathLike,
    min_identity: float,
    distance_range: int,
    max_hits: int,
) -> None:
    """razers3: every mate to every allele with >= min_identity % identity, razers format.

    distance_range keeps only hits with at most that many errors more than the
    mate's best hit; max_hits is set far above the number of alleles so that no
    hit is dropped. razers3 runs single-threaded (--thread-count 0): its
    parallel mode busy-waits and can stall for minutes when the node's cores
    are oversubscribed (measured: 0.6 s alone, > 100 s beside two busy
    processes on 2 cores), and one thread maps a sample's HLA reads in about a
    second.
    """
    command = [
        razers3,
        "--percent-identity", f"{min_identity:g}",
        "--match-N",
        "--max-hits", str(max_hits),
        "--distance-range", str(distance_range),
        "--thread-count", "0",
        "--output", str(out_path),
        str(reference_fasta),
        str(reads_fasta),
    ]  # fmt: skip
    print("running: " + " ".join(command), file=sys.stderr)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"razers3 failed (exit {result.returncode}): {result.stderr[-2000:]}")


def read_razers_hits(path: str | os.PathLike, min_identity: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(read id, allele sequence id, errors) of each hit in a razers-format file (see read_razers_table)."""
    hits = read_razers_table(path, min_identity)
    return hits["read"], hits["allele"], hits["errors"]


def read_razers_table(path: str | os.PathLike, min_identity: float = 0.0) -> dict[str, np.ndarray]:
    """Arrays 'read', 'allele' (sequence id), 'errors', 'begin', 'end' (0-based, half-open, on the allele) and
    'reverse' (the read's reverse complement aligned) of each hit.

    razers reports percent identity = 100 * (1 - errors / read length), so
    errors = round(read length * (100 - identity) / 100). Hits with more than
    (100 - min_identity) % errors are dropped.
    """
    parts = list(iter_razers_tables(path, min_identity))
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def iter_razers_tables(path: str | os.PathLike, min_identity: float = 0.0, rows: int | None = None):
    """read_razers_table's arrays, ``rows`` hits at a time (None: all at once), so that a caller that
    filters them need not hold every hit of a large file."""
    import pandas as pd

    names = ("read", "allele", "errors", "begin", "end")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        empty = {name: np.zeros(0, np.int64 if name == "read" else np.int32) for name in names}
        yield {**empty, "reverse": np.zeros(0, dtype=bool)}
        return
    tables = pd.read_csv(
        path,
        sep="\t",
        header=None,
        usecols=[0, 1, 2, 3, 4, 5, 6, 7],
        names=["read", "read_begin", "read_end", "strand", "allele", "begin", "end", "identity"],
        dtype={
            "read": np.int64,
            "read_begin": np.int32,
            "read_end": np.int32,
            "strand": "category",
            "allele": np.int32,
            "begin": np.int32,
            "end": np.int32,
            "identity": np.float64,
        },
        engine="c",
        chunksize=rows,
    )
    for table in [tables] if rows is None else tables:
        length = (table["read_end"] - table["read_begin"]).to_numpy()
        errors = np.rint(length * (100.0 - table["identity"].to_numpy()) / 100.0).astype(np.int32)
        keep = errors <= np.floor(length * (100.0 - min_identity) / 100.0 + 1e-9)
        columns = {"read": table["read"], "allele": table["allele"], "begin": table["begin"], "end": table["end"]}
        result = {name: column.to_numpy()[keep] for name, column in columns.items()}
        result["errors"] = errors[keep]
        result["reverse"] = (table["strand"] == "R").to_numpy()[keep]
        yield result
