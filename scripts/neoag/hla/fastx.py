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


def read_fastq_records(path: str | os.PathLike) -> Iterator[tuple[str, str, str]]:
    """(read name, sequence, quality string) of each record of a FASTQ file (plain or gzip).

    The name is the header's first word without '@'; the sequence is upper case.
    """
    with open_text(path) as handle:
        while True:
            header = handle.readline()
            if not header:
                return
            sequence, plus, quality = handle.readline(), handle.readline(), handle.readline()
            if not header.startswith("@") or not plus.startswith("+") or not quality:
                raise NeoagInputError(f"{path}: not a FASTQ file (a record does not start with '@' or lacks '+').")
            words = header[1:].split()
            yield (words[0] if words else ""), sequence.strip().upper(), quality.strip()


def read_fastq(path: str | os.PathLike) -> Iterator[tuple[str, str]]:
    """(sequence, quality string) of each record of a FASTQ file (plain or gzip); sequence upper case."""
    for _, sequence, quality in read_fastq_records(path):
        yield sequence, quality


def mate_name(name: str) -> str:
    """The fragment's name of a mate: 'frag/1', 'frag/2' and 'frag' are all 'frag'."""
    return name[:-2] if name.endswith(("/1", "/2")) else name


def read_fastq_pairs(path1: str, path2: str) -> Iterator[tuple[tuple[str, str], tuple[str, str]]]:
    """The records of two FASTQ files of mates, side by side, paired by read name.

    Mates must come in the same order in both files: a record whose name (without a
    trailing /1 or /2) differs from its partner's, or one file with more reads than the
    other, is an error naming both files and the record, never a silent mispairing.
    """
    first, second = read_fastq_records(path1), read_fastq_records(path2)
    for number, one in enumerate(first, start=1):
        two = next(second, None)
        if two is None:
            raise NeoagInputError(
                f"{path1} has more reads than {path2} (read {number}, '{one[0]}', has no mate); the two files "
                "must hold the mates of each pair in the same order."
            )
        if mate_name(one[0]) != mate_name(two[0]):
            raise NeoagInputError(
                f"{path1} and {path2} are out of step at read {number}: '{one[0]}' in the first file, "
                f"'{two[0]}' in the second. The two files must hold the mates of each pair in the same order "
                "(e.g. both written by the same demultiplexing or 'samtools fastq -1 -2' run); re-pair them, "
                "e.g. with 'seqkit pair' or 'repair.sh' (BBTools)."
            )
        yield one[1:], two[1:]
    extra = next(second, None)
    if extra is not None:
        raise NeoagInputError(
            f"{path2} has more reads than {path1} (read '{extra[0]}' has no mate); the two files must hold "
            "the mates of each pair in the same order."
        )
