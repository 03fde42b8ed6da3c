"""Rescoring razers3 hits over exon bases only, for the genomic typing reference.

razers3 scores a mate over all of its bases. On the genomic reference
(neoag.hla.genomic) the intron bases of an allele known only over exons are
another allele's (its closest genomic allele's), so they say nothing about it;
and a mate that lies mostly in an intron gets its errors from the intron. Here
each hit is compared base by base with the allele's sequence at the hit's
position, and only the positions inside the allele's exons 2-3 (the
``typed=`` spans) are counted, for every allele alike, so that:

- a mate that crosses an exon-intron boundary is judged by its exon bases;
- intron differences (real ones, or those of a placed allele's borrowed
  introns) neither support nor contradict an allele;
- the fragment's score (neoag.hla.fragments) compares alleles over the same bases.

An N in the read (a masked low-quality base) matches any base, as in razers3
(--match-N). A hit whose gapless comparison over all its bases finds more
differences than razers3 reported has an indel (``gapped``); its mate is laid
again from the hit's end, which aligns the exon bases when the indel lies in
an intron on the other side, and the hit's errors are the fewer of that
exon count and razers3's count over all bases.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from neoag.hla.fastx import fasta_records
from neoag.hla.razers import iter_razers_tables

_CODE = np.zeros(256, dtype=np.uint8)  # A C G T -> 1 2 3 4, anything else (N) -> 0
for _i, _base in enumerate("ACGT", start=1):
    _CODE[ord(_base)] = _CODE[ord(_base.lower())] = _i
_COMPLEMENT = np.array([0, 4, 3, 2, 1], dtype=np.uint8)


def encode(sequence: str) -> np.ndarray:
    """A C G T -> 1 2 3 4; N (or anything else) -> 0."""
    return _CODE[np.frombuffer(sequence.encode(), dtype=np.uint8)]


def read_matrix(reads: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(reads x longest length) codes, padded with 0 (N), and each read's length."""
    lengths = np.array([len(r) for r in reads], dtype=np.int64)
    matrix = np.zeros((len(reads), int(lengths.max()) if len(reads) else 0), dtype=np.uint8)
    for row, read in enumerate(reads):
        matrix[row, : len(read)] = encode(read)
    return matrix, lengths


def reverse_complement_rows(matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each row's first ``length`` codes reverse-complemented (padding stays 0)."""
    out = np.zeros_like(matrix)
    width = matrix.shape[1]
    columns = np.arange(width)
    source = lengths[:, None] - 1 - columns[None, :]  # position in the forward read
    valid = source >= 0
    rows = np.broadcast_to(np.arange(len(matrix))[:, None], source.shape)
    out[valid] = _COMPLEMENT[matrix[rows[valid], source[valid]]]
    return out


def concatenated_alleles(sequences: Sequence[str], typed: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(all allele codes end to end, each allele's start in it, a 'counted' flag per position).

    Counted positions are each allele's typed spans (0-based, half-open); an
    allele without spans (None) has every position counted.
    """
    starts = np.cumsum([0] + [len(s) for s in sequences])
    codes = encode("".join(sequences))
    counted = np.zeros(len(codes), dtype=bool)
    for index, spans in enumerate(typed):
        if spans is None:
            counted[starts[index] : starts[index + 1]] = True
            continue
        for begin, end in spans:
            counted[starts[index] + begin : starts[index] + end] = True
    return codes, starts[:-1].astype(np.int64), counted


def exon_mismatches(
    forward: np.ndarray,
    reverse: np.ndarray,
    lengths: np.ndarray,
    alleles: tuple[np.ndarray, np.ndarray, np.ndarray],
    read: np.ndarray,
    allele: np.ndarray,
    begin: np.ndarray,
    reverse_strand: np.ndarray,
    chunk: int = 20000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per hit: (mismatches at counted positions, counted positions covered, mismatches over all bases).

    The read (its reverse complement for a reverse-strand hit) is laid
    gaplessly on the allele from ``begin``; positions past the allele's end
    count as mismatches. An N on either side matches.
    """
    codes, starts, counted = alleles
    n = len(read)
    bad_counted = np.zeros(n, dtype=np.int32)
    covered = np.zeros(n, dtype=np.int32)
    bad_all = np.zeros(n, dtype=np.int32)
    width = forward.shape[1]
    columns = np.arange(width, dtype=np.int64)
    for first in range(0, n, chunk):
        part = slice(first, first + chunk)
        rows = read[part]
        bases = np.where(reverse_strand[part][:, None], reverse[rows], forward[rows])
        inside = columns[None, :] < lengths[rows][:, None]
        position = starts[allele[part]][:, None] + begin[part][:, None] + columns[None, :]
        position = np.minimum(position, len(codes) - 1)
        ref = codes[position]
        differ = inside & (bases != ref) & (bases != 0) & (ref != 0)
        is_counted = inside & counted[position]
        bad_all[part] = differ.sum(axis=1)
        bad_counted[part] = (differ & is_counted).sum(axis=1)
        covered[part] = is_counted.sum(axis=1)
    return bad_counted, covered, bad_all


def read_fasta_reads(path: str | os.PathLike) -> list[str]:
    """The mates of the reads FASTA that the prefilter writes (named 0, 1, 2, ... in order)."""
    reads = []
    for header, sequence, line in fasta_records(path):
        if header.split()[0] != str(len(reads)):
            raise ValueError(f"{path}, line {line}: expected read {len(reads)}, found '{header}'")
        reads.append(sequence)
    return reads


def rescore_hits(
    hits: dict[str, np.ndarray],
    reads: Sequence[str],
    sequences: Sequence[str],
    typed: Sequence,
    min_exon_bases: int,
    min_identity: float,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Hits with their errors counted over exons 2-3 only, and the hits kept.

    A hit is kept when it covers at least ``min_exon_bases`` exon bases of
    its allele and its exon errors are at most (100 - min_identity) % of them.
    ``hits`` are read_razers_table's arrays (with 'reverse'); returns the kept
    hits (same keys, 'errors' replaced) and counts of what was dropped.
    """
    return _rescore(hits, _prepare(reads, sequences, typed), min_exon_bases, min_identity)


def rescore_razers_file(
    path: str | os.PathLike,
    reads: Sequence[str],
    sequences: Sequence[str],
    typed: Sequence,
    min_exon_bases: int,
    min_identity: float,
    rows: int = 500_000,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """rescore_hits over a razers3 output file, read ``rows`` hits at a time: only kept hits are held."""
    prepared = _prepare(reads, sequences, typed)
    parts, counts = [], {"hits_outside_exons": 0, "hits_exon_errors": 0, "hits_gapped": 0}
    for hits in iter_razers_tables(path, 0.0, rows):
        kept, dropped = _rescore(hits, prepared, min_exon_bases, min_identity)
        parts.append(kept)
        counts = {name: counts[name] + dropped[name] for name in counts}
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}, counts


def _prepare(reads: Sequence[str], sequences: Sequence[str], typed: Sequence) -> tuple:
    forward, lengths = read_matrix(reads)
    return forward, reverse_complement_rows(forward, lengths), lengths, concatenated_alleles(sequences, typed)


def _rescore(hits: dict[str, np.ndarray], prepared: tuple, min_exon_bases: int, min_identity: float):
    forward, reverse, lengths, alleles = prepared
    bad, covered, bad_all = exon_mismatches(
        forward, reverse, lengths, alleles, hits["read"], hits["allele"], hits["begin"], hits["reverse"]
    )
    gapped = bad_all > hits["errors"]
    if gapped.any():  # the indel may lie in an intron: lay the mate from the hit's end instead
        ends = hits["end"][gapped] - lengths[hits["read"][gapped]]
        right, _, _ = exon_mismatches(
            forward, reverse, lengths, alleles, hits["read"][gapped], hits["allele"][gapped],
            np.maximum(ends, 0), hits["reverse"][gapped],
        )  # fmt: skip
        bad[gapped] = np.minimum(hits["errors"][gapped], right)
    errors = bad
    allowed = np.floor(covered * (100.0 - min_identity) / 100.0 + 1e-9)
    few_exon_bases = covered < min_exon_bases
    keep = ~few_exon_bases & (errors <= allowed)
    counts = {
        "hits_outside_exons": int(np.count_nonzero(few_exon_bases)),
        "hits_exon_errors": int(np.count_nonzero(~few_exon_bases & (errors > allowed))),
        "hits_gapped": int(np.count_nonzero(gapped)),
    }
    kept = {name: column[keep] for name, column in hits.items()}
    kept["errors"] = errors[keep].astype(np.int32)
    return kept, counts
