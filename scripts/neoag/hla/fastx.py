"""FASTA and FASTQ reading for the typer, plain or gzip-compressed (told apart by content).

Written by hand rather than with pysam.FastxFile, which would change what the
typer accepts: it drops sequence lines before the first FASTA header, reads a
FASTQ record without its '+' line as FASTA, and reports no line numbers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from neoag.errors import NeoagInputError
from neoag.files import open_text


def fasta_records(path: str | os.PathLike) -> Iterator[tuple[str, str, int]]:
    """(header without '>', sequence, line number of the header) of each record of the HLA reference."""
    header, chunks, line_number = None, [], 0
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if line.startswith(">"):
                if header is not None:
                    yield header, "".join(chunks), line_number
                header, chunks, line_number = line[1:], [], number
            elif line:
                if header is None:
                    raise NeoagInputError(
                        f"HLA reference {path}, line {number}: sequence before the first '>' header; "
                        "the file must be FASTA."
                    )
                chunks.append(line)
    if header is not None:
        yield header, "".join(chunks), line_number


def read_fastq(path: str | os.PathLike) -> Iterator[tuple[str, str]]:
    """(sequence, quality string) of each record of a FASTQ file (plain or gzip); sequence upper case."""
    with open_text(path) as handle:
        while True:
            header = handle.readline()
            if not header:
                return
            sequence, plus, quality = handle.readline(), handle.readline(), handle.readline()
            if not header.startswith("@") or not plus.startswith("+") or not quality:
                raise NeoagInputError(f"{path}: not a FASTQ file (a record does not start with '@' or lacks '+').")
            yield sequence.strip().upper(), quality.strip()


def read_fastq_pairs(path1: str, path2: str) -> Iterator[tuple[tuple[str, str], tuple[str, str]]]:
    """The records of two FASTQ files of mates, side by side; raises when one file has more."""
    first, second = read_fastq(path1), read_fastq(path2)
    for one in first:
        two = next(second, None)
        if two is None:
            raise NeoagInputError(f"{path1} has more reads than {path2}; the two files must hold mates in order.")
        yield one, two
    if next(second, None) is not None:
        raise NeoagInputError(f"{path2} has more reads than {path1}; the two files must hold mates in order.")
