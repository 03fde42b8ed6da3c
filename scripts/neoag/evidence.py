"""Read evidence for a variant, counted from the alignments the same way for any caller.

Each read that spans the variant is assigned the allele it carries: the read's
sequence over the variant's reference span (inserted bases included) is
compared with REF and ALT. This treats SNVs, MNVs, insertions, deletions and
complex changes alike, and it does not trust the caller's own counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from neoag.variants import Variant


@dataclass(frozen=True)
class ReadFilters:
    """Which reads and bases count as evidence."""

    min_mapping_quality: int = 20
    min_base_quality: int = 20


@dataclass(frozen=True)
class AlleleCounts:
    """Reads spanning a variant: depth = ref + alt + other."""

    depth: int
    ref_count: int
    alt_count: int

    @property
    def vaf(self) -> float:
        """Variant allele fraction (alt / depth); NaN where no read spans the site."""
        return self.alt_count / self.depth if self.depth else float("nan")


def read_allele(read, window_start: int, window_end: int, min_base_quality: int) -> str | None:
    """The bases a read carries over reference [window_start, window_end), or None.

    Insertions after a window base are included. None when the read does not
    span the window and one base after it, or when a base in the window is
    below min_base_quality.
    """
    if read.reference_start > window_start or read.reference_end <= window_end:
        return None  # one aligned base past the window tells an insertion from a read end
    if _splices_over(read, window_start, window_end):
        return None  # an RNA read whose intron gap covers the site says nothing about it
    sequence, qualities = read.query_sequence, read.query_qualities
    bases: list[str] = []
    inside = False
    for query_pos, ref_pos in read.get_aligned_pairs():
        if ref_pos is not None:
            inside = window_start <= ref_pos < window_end
            if ref_pos >= window_end:
                if query_pos is None:
                    bases.append("-")  # a deletion starts right after the window: another allele
                break
        if not inside or query_pos is None:
            continue
        if qualities is not None and qualities[query_pos] < min_base_quality:
            return None
        bases.append(sequence[query_pos])
    return "".join(bases)


def _splices_over(read, start: int, end: int) -> bool:
    """Does a skipped region (CIGAR N) of the read overlap reference [start, end)?"""
    position = read.reference_start
    for operation, length in read.cigartuples:
        if operation in (0, 2, 3, 7, 8):  # M, D, N, =, X consume the reference
            if operation == 3 and position < end and start < position + length:
                return True
            position += length
    return False


def count_alleles(alignments, variant: Variant, filters: ReadFilters) -> AlleleCounts:
    """Count reads supporting REF, ALT or neither at a variant.

    alignments is an open pysam.AlignmentFile; the variant's contig must exist in it.
    """
    window_start = variant.pos - 1
    window_end = window_start + len(variant.ref)
    alleles: dict[str, str] = {}  # one vote per fragment: overlapping mates count once
    for read in alignments.fetch(variant.chrom, max(0, window_start - 1), window_end + 1):
        if (
            read.is_unmapped
            or read.is_secondary
            or read.is_supplementary
            or read.is_duplicate
            or read.is_qcfail
            or read.mapping_quality < filters.min_mapping_quality
        ):
            continue
        allele = read_allele(read, window_start, window_end, filters.min_base_quality)
        if allele is None:
            continue
        if alleles.setdefault(read.query_name, allele) != allele:
            alleles[read.query_name] = ""  # mates disagree: neither REF nor ALT
    ref_count = sum(allele == variant.ref for allele in alleles.values())
    alt_count = sum(allele == variant.alt for allele in alleles.values())
    return AlleleCounts(depth=len(alleles), ref_count=ref_count, alt_count=alt_count)
