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
differences than razers3 reported has an indel (``gapped``): the mate is then
aligned with one indel (its left part laid from the hit's begin, its right
part from the hit's end, split where they mismatch least), and its exon
errors are the two parts' exon mismatches plus the indel when it touches an
exon, and its exon bases are those the two parts cover as aligned.
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


def _lay(forward, reverse, lengths, alleles, read, allele, begin, reverse_strand):
    """Per hit and read position: (differs from the allele, lies at a counted allele position)."""
    codes, starts, counted = alleles
    columns = np.arange(forward.shape[1], dtype=np.int64)
    bases = np.where(reverse_strand[:, None], reverse[read], forward[read])
    inside = columns[None, :] < lengths[read][:, None]
    position = np.minimum(starts[allele][:, None] + begin[:, None] + columns[None, :], len(codes) - 1)
    ref = codes[position]
    return inside & (bases != ref) & (bases != 0) & (ref != 0), inside & counted[position]


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
    n = len(read)
    bad_counted, covered, bad_all = (np.zeros(n, dtype=np.int32) for _ in range(3))
    for first in range(0, n, chunk):
        part = slice(first, first + chunk)
        differ, is_counted = _lay(forward, reverse, lengths, alleles, read[part], allele[part], begin[part],
                                  reverse_strand[part])  # fmt: skip
        bad_all[part] = differ.sum(axis=1)
        bad_counted[part] = (differ & is_counted).sum(axis=1)
        covered[part] = is_counted.sum(axis=1)
    return bad_counted, covered, bad_all


def one_indel_mismatches(forward, reverse, lengths, alleles, read, allele, begin, end, reverse_strand, chunk=4000):
    """Per gapped hit: (exon mismatches, exon positions covered) of the best alignment with one indel.

    The mate is laid from ``begin`` (left part) and from ``end`` (right part);
    the split point is where the two together have the fewest mismatches over
    all bases, and the exon count is the left part's plus the right part's
    exon mismatches, plus 1 when the indel itself touches an exon position.
    The exon positions covered are those of the two parts as aligned (the
    gapless lay from ``begin`` would count allele positions that the mate does
    not reach when the allele carries extra bases, e.g. an intron insertion
    just before an exon).
    """
    n = len(read)
    result = np.zeros(n, dtype=np.int32)
    covered = np.zeros(n, dtype=np.int32)
    for first in range(0, n, chunk):
        part = slice(first, first + chunk)
        rows, alls, strand = read[part], allele[part], reverse_strand[part]
        right_begin = np.maximum(end[part] - lengths[rows], 0)
        left_d, left_c = _lay(forward, reverse, lengths, alleles, rows, alls, begin[part], strand)
        right_d, right_c = _lay(forward, reverse, lengths, alleles, rows, alls, right_begin, strand)
        zero = np.zeros((len(rows), 1), dtype=np.int64)
        prefix = np.hstack([zero, np.cumsum(left_d, axis=1)])  # left mismatches before split k
        suffix = np.hstack([np.cumsum(right_d[:, ::-1], axis=1)[:, ::-1], zero])  # right ones from k
        split = np.argmin(prefix + suffix, axis=1)
        exon_prefix = np.hstack([zero, np.cumsum(left_d & left_c, axis=1)])
        exon_suffix = np.hstack([np.cumsum((right_d & right_c)[:, ::-1], axis=1)[:, ::-1], zero])
        index = np.arange(len(rows))
        width = left_d.shape[1]
        at_left = left_c[index, np.clip(split - 1, 0, width - 1)] & (split > 0)
        at_right = right_c[index, np.clip(split, 0, width - 1)] & (split < lengths[rows])
        result[part] = exon_prefix[index, split] + exon_suffix[index, split] + (at_left | at_right)
        covered_prefix = np.hstack([zero, np.cumsum(left_c, axis=1)])
        covered_suffix = np.hstack([np.cumsum(right_c[:, ::-1], axis=1)[:, ::-1], zero])
        covered[part] = covered_prefix[index, split] + covered_suffix[index, split]
    return result, covered


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
    if gapped.any():  # an indel: align the mate with one indel, from both of the hit's ends
        bad[gapped], covered[gapped] = one_indel_mismatches(
            forward, reverse, lengths, alleles, hits["read"][gapped], hits["allele"][gapped],
            hits["begin"][gapped], hits["end"][gapped], hits["reverse"][gapped],
        )  # fmt: skip
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
