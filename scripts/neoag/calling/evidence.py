"""Read evidence for a variant, counted from the alignments the same way for any caller.

Each read near the variant is compared, base by base and without gaps, with
the local reference haplotype and with the haplotype that carries the ALT
allele (and with those of other alleles called at the same site). The read
supports the allele whose haplotype it matches with the fewest mismatches.

Comparing with haplotypes instead of trusting the read's CIGAR matters for
indels: an aligner soft-clips or mismatches the end of a read that stops a
few bases past an insertion, and such a read would otherwise count as REF or
not at all, which pulls indel VAFs down. The read is placed on each haplotype
by its aligned bases nearest to the variant (on either side), so soft-clipped
bases take part in the comparison. SNVs, MNVs, insertions, deletions and
complex changes are all treated alike, and the caller's own counts are never
used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neoag.variants import Variant

FLANK = 20
"""Reference bases on each side of the variant that reads are compared over."""

MIN_ANCHOR = 1
"""A read must cover this many bases on each side of the variant (on every
haplotype) to count: one base past an insertion tells it from a read end."""

MAX_MISMATCHES = 3
"""A read whose best haplotype still differs at more high-quality aligned bases
than this (inside the compared window) is explained by no allele and does not
count. Soft-clipped bases are left out of this test (at a splice junction they
are exonic sequence from elsewhere), though they take part in choosing the allele."""

ANCHOR_BLOCK = 5
"""An anchor is an aligned base whose gap-free block runs at least this many
bases away from the variant: a read that reaches only a base or two past an
indel is often aligned with mismatches there, and cannot be placed from that side."""

CLIP_REACH = 30
"""How far beyond the variant reads are fetched, so that reads whose soft clip
reaches back over the variant are seen."""

LONG_CHANGE = 50
"""A deletion (or complex change) that replaces more reference bases than this is
counted at its two ends (junction_variants): a read cannot span it, but a read
that carries it is split or soft-clipped at one of its breakpoints."""

JUNCTION_BASES = 12
"""Bases on each side of a long change's breakpoint that tell its reads apart."""


@dataclass(frozen=True)
class ReadFilters:
    """Which reads and bases count as evidence."""

    min_mapping_quality: int = 20
    min_base_quality: int = 20


@dataclass(frozen=True)
class AlleleCounts:
    """Informative fragments at a variant: depth = ref + alt + other."""

    depth: int
    ref_count: int
    alt_count: int

    @property
    def vaf(self) -> float:
        """Variant allele fraction (alt / depth); NaN where no read is informative."""
        return self.alt_count / self.depth if self.depth else float("nan")


@dataclass(frozen=True)
class Haplotype:
    """The reference window with one allele applied."""

    sequence: str
    change_start: int  # genome position of the first replaced reference base
    change_end: int  # genome position after the last replaced base
    delta: int  # len(alt) - len(ref) of the allele

    def index(self, position: int, window_start: int) -> int | None:
        """Index in sequence of a genome position outside the change (None inside it)."""
        if position < self.change_start:
            return position - window_start
        if position >= self.change_end:
            return position - window_start + self.delta
        return None


@dataclass(frozen=True)
class Locus:
    """Haplotypes of the alleles at one site: index 0 is REF, 1 the ALT counted, then others.

    [left, right) is the genome span within which any of the alleles can be
    placed (an indel in a repeat can slide along it); reads are anchored on
    aligned bases outside it. Haplotype sequences start at window_start.
    """

    chrom: str
    window_start: int
    left: int
    right: int
    haplotypes: tuple[Haplotype, ...]


def slide_span(reference: str, offset: int, variant: Variant) -> tuple[int, int]:
    """Genome [start, end) over which the variant's changed bases can lie.

    reference holds the genome from offset on. An SNV, MNV or complex change
    covers its changed bases; an insertion or deletion in a repeat covers the
    whole stretch along which it can slide.
    """
    start, ref, alt = variant.trimmed()
    if ref and alt:
        return start, start + len(ref)
    unit = ref or alt
    i = start - offset  # insertion: before reference[i]; deletion: of reference[i : i + len]
    length = len(ref)
    lo, hi, left_unit, right_unit = i, i, unit, unit
    while lo > 0 and reference[lo - 1] == left_unit[-1]:
        left_unit = left_unit[-1] + left_unit[:-1]
        lo -= 1
    while hi + length < len(reference) and reference[hi + length] == right_unit[0]:
        right_unit = right_unit[1:] + right_unit[0]
        hi += 1
    return lo + offset, hi + length + offset


def variant_span(fasta, variant: Variant) -> tuple[int, int]:
    """Genome [start, end) that a variant occupies, repeats included (slide_span); a pure
    insertion takes the bases on either side of it. Alleles whose spans overlap are
    alternatives to each other: a read can carry one or the other."""
    start, ref, _ = variant.trimmed()
    offset = max(0, start - 300)
    reference = fasta.fetch(variant.chrom, offset, start + len(ref) + 300).upper()
    low, high = slide_span(reference, offset, variant)
    return (low - 1, high + 1) if low == high else (low, high)


def build_locus(fasta, variant: Variant, others: Sequence[Variant] = ()) -> Locus:
    """The haplotypes of variant (REF and ALT) and of other alleles at the same site.

    fasta is an open pysam.FastaFile (or anything with fetch(chrom, start, end)).
    Only the others whose span lies within the variant's own span widened by
    FLANK on each side take part: an allele that reaches further (a long
    deletion over an SNV) would make every read cover it too, so the variant's
    evidence would depend on that allele's length. Such an allele is counted
    with its own locus, and its reads fit neither REF nor ALT of the variant.
    """
    others = [other for other in others if other.chrom == variant.chrom]
    alleles = [variant, *others]
    starts = [allele.trimmed()[0] for allele in alleles]
    ends = [allele.pos - 1 + len(allele.ref) for allele in alleles]
    margin = 300
    offset = max(0, min(starts) - margin)
    reference = fasta.fetch(variant.chrom, offset, max(ends) + margin).upper()
    spans = [slide_span(reference, offset, allele) for allele in alleles]
    own_start, own_end = spans[0]
    keep = [0] + [
        i for i, (start, end) in enumerate(spans) if i and start >= own_start - FLANK and end <= own_end + FLANK
    ]
    alleles, spans = [alleles[i] for i in keep], [spans[i] for i in keep]
    left, right = min(s for s, _ in spans), max(e for _, e in spans)
    window_start = max(offset, left - FLANK)
    window_end = min(offset + len(reference), right + FLANK)

    def haplotype(start: int, ref: str, alt: str) -> Haplotype:
        before = reference[window_start - offset : start - offset]
        after = reference[start + len(ref) - offset : window_end - offset]
        return Haplotype(before + alt + after, start, start + len(ref), len(alt) - len(ref))

    haplotypes = [Haplotype(reference[window_start - offset : window_end - offset], left, left, 0)]
    haplotypes += [haplotype(*allele.trimmed()) for allele in alleles]
    return Locus(variant.chrom, window_start, left, right, tuple(haplotypes))


def junction_variants(fasta, variant: Variant) -> list[Variant]:
    """A long change seen from its two breakpoints, as two same-length replacements.

    A read that carries a deletion of reference [start, end) reads, from the
    left breakpoint on, the ALT bases and then reference from end; from the
    right breakpoint back, reference before start and the ALT bases. Each view
    is written as a replacement of JUNCTION_BASES reference bases, which reads
    that stop or are soft-clipped there can be compared with (read_haplotype).
    A view that changes nothing (the change sits in a repeat longer than
    JUNCTION_BASES) is left out.
    """
    start, ref, alt = variant.trimmed()
    end, k = start + len(ref), JUNCTION_BASES
    before = fasta.fetch(variant.chrom, max(0, start - k), start).upper()
    after = fasta.fetch(variant.chrom, end, end + k).upper()
    views = [
        Variant(variant.chrom, start + 1, ref[:k], (alt + after)[:k]),
        Variant(variant.chrom, end - k + 1, ref[-k:], (before + alt)[-k:]),
    ]
    return [view for view in views if len(view.alt) == k and view.ref != view.alt]


def _cigar_layout(read) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Aligned blocks (genome start, query start, length) and skipped (CIGAR N) intervals."""
    blocks, skips = [], []
    position, query = read.reference_start, 0
    for operation, length in read.cigartuples:
        if operation in (0, 7, 8):  # M, =, X
            blocks.append((position, query, length))
            position += length
            query += length
        elif operation in (1, 4):  # I, S
            query += length
        elif operation == 2:  # D
            position += length
        elif operation == 3:  # N
            skips.append((position, position + length))
            position += length
    return blocks, skips


def read_haplotype(read, locus: Locus, min_base_quality: int) -> int | None:
    """Index of the locus haplotype that the read supports, or None if it supports none.

    The read is laid without gaps on each haplotype, anchored on its aligned
    base nearest to the variant on the left and on the right (two placements;
    an anchor's gap-free block must run ANCHOR_BLOCK bases away from the variant).
    A placement counts when the read covers the variant and MIN_ANCHOR bases on
    each side of it on every haplotype. Mismatches are counted over the
    compared window at bases of at least min_base_quality; each haplotype
    keeps its best placement. None when no placement covers the variant, when
    two haplotypes tie (no high-quality base tells them apart), when the best
    one differs at more than MAX_MISMATCHES bases, or when an intron gap (CIGAR
    N) of the read lies on the variant.
    """
    blocks, skips = _cigar_layout(read)
    low, high = locus.window_start, locus.window_start + len(locus.haplotypes[0].sequence)
    for skip_start, skip_end in skips:
        if skip_start < locus.right + MIN_ANCHOR and skip_end > locus.left - MIN_ANCHOR:
            return None  # an RNA read whose intron gap covers the site says nothing about it
        if skip_end <= locus.left:
            low = max(low, skip_end)
        else:
            high = min(high, skip_start)
    if locus.left - MIN_ANCHOR < low or locus.right + MIN_ANCHOR > high:
        return None  # an intron gap too close to the variant
    anchors = []
    left_blocks = [b for b in blocks if b[0] < locus.left and b[0] + b[2] > low]
    if left_blocks:
        start, query, length = max(left_blocks)
        position = min(start + length, locus.left) - 1
        if position - max(start, low) + 1 >= ANCHOR_BLOCK:
            anchors.append((position, query + position - start))
    right_blocks = [b for b in blocks if b[0] + b[2] > locus.right and b[0] < high]
    if right_blocks:
        start, query, length = min(right_blocks)
        position = max(start, locus.right)
        if min(start + length, high) - position >= ANCHOR_BLOCK:
            anchors.append((position, query + position - start))

    sequence, qualities = read.query_sequence, read.query_qualities
    clip_start = read.query_alignment_start  # bases before it, and from query_alignment_end on, are soft-clipped
    clip_end = read.query_alignment_end
    best: list[tuple[int, int] | None] = [None] * len(locus.haplotypes)
    for position, query in anchors:
        placements = []
        for haplotype in locus.haplotypes:
            offset = haplotype.index(position, locus.window_start) - query
            first = locus.left - MIN_ANCHOR - locus.window_start  # left of every change
            last = haplotype.index(locus.right, locus.window_start) + MIN_ANCHOR  # exclusive
            if offset > first or offset + len(sequence) < last:
                break  # the read does not cover the variant on this haplotype
            lo = low - locus.window_start
            hi = haplotype.index(high, locus.window_start)
            placements.append((haplotype.sequence, offset, max(0, lo - offset), min(len(sequence), hi - offset)))
        else:
            for i, (bases, offset, q_start, q_end) in enumerate(placements):
                clipped = aligned = 0
                for q in range(q_start, q_end):
                    base = sequence[q]
                    if (
                        base != bases[q + offset]
                        and base != "N"
                        and (qualities is None or qualities[q] >= min_base_quality)
                    ):
                        if clip_start <= q < clip_end:
                            aligned += 1
                        else:
                            clipped += 1
                score = (clipped + aligned, aligned)
                if best[i] is None or score < best[i]:
                    best[i] = score
    if best[0] is None:
        return None
    lowest = min(best)
    winners = [i for i, score in enumerate(best) if score[0] == lowest[0]]
    if len(winners) > 1 or lowest[1] > MAX_MISMATCHES:
        return None
    return winners[0]


def read_allele(read, window_start: int, window_end: int, min_base_quality: int) -> str | None:
    """The bases a read carries over reference [window_start, window_end) by its CIGAR, or None.

    Used by read-backed phasing (neoag.calling.phasing), which asks which bases a read
    carries at two sites; allele counts use count_alleles, which does not trust
    the CIGAR near indels.

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


def usable_read(read, filters: ReadFilters) -> bool:
    """A primary, mapped, non-duplicate, QC-passed read of sufficient mapping quality."""
    return not (
        read.is_unmapped
        or read.is_secondary
        or read.is_supplementary
        or read.is_duplicate
        or read.is_qcfail
        or read.mapping_quality < filters.min_mapping_quality
    )


def count_alleles(
    alignments, fasta, variant: Variant, filters: ReadFilters, others: Sequence[Variant] = ()
) -> AlleleCounts:
    """Count fragments supporting REF, ALT or another allele at a variant.

    alignments is an open pysam.AlignmentFile, fasta an open pysam.FastaFile of
    the same reference; others are other ALT alleles called at the same site
    (their fragments count in the depth). One vote per fragment: overlapping
    mates count once, and mates that disagree count as neither REF nor ALT.
    A change longer than LONG_CHANGE reference bases is counted at its two
    breakpoints (junction_variants); where no read reaches them the depth is 0
    and the somatic decision names the reason (low_normal_depth, low_tumor_depth).
    A contig that the alignments lack (an RNA BAM aligned without it; the
    preflight warns) is zero coverage.
    """
    if alignments.get_tid(variant.chrom) < 0:
        return AlleleCounts(depth=0, ref_count=0, alt_count=0)
    _, ref, _ = variant.trimmed()
    if len(ref) > LONG_CHANGE:
        loci = [build_locus(fasta, junction) for junction in junction_variants(fasta, variant)]
    else:
        loci = [build_locus(fasta, variant, others)]
    votes: dict[str, int] = {}
    for locus in loci:
        start, end = max(0, locus.left - MIN_ANCHOR - CLIP_REACH), locus.right + MIN_ANCHOR + CLIP_REACH
        for read in alignments.fetch(variant.chrom, start, end):
            if not usable_read(read, filters) or read.query_sequence is None:
                continue
            haplotype = read_haplotype(read, locus, filters.min_base_quality)
            if haplotype is None:
                continue
            if votes.setdefault(read.query_name, haplotype) != haplotype:
                votes[read.query_name] = -1  # mates (or the two ends) disagree: neither REF nor ALT
    ref_count = sum(vote == 0 for vote in votes.values())
    alt_count = sum(vote == 1 for vote in votes.values())
    return AlleleCounts(depth=len(votes), ref_count=ref_count, alt_count=alt_count)
