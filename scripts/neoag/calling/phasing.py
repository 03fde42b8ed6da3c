"""Read-backed phasing: is a neighbouring variant on the same haplotype as a somatic one?

A fragment (read pair) that covers both sites shows which alleles travel
together. Among the tumor fragments that carry the somatic ALT, those that also
carry the neighbour's ALT say "cis", those with the neighbour's REF say
"trans". Mates count as one fragment, so sites up to a fragment length apart
can be phased; RNA reads can also phase across an intron.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from neoag.calling.evidence import ReadFilters, read_allele, usable_read
from neoag.variants import Variant


@dataclass(frozen=True)
class PhaseSettings:
    """When the reads decide (config: annotation.phasing)."""

    min_fragments: int = 3  # informative fragments (cis + trans) needed for a call
    min_fraction: float = 0.9  # share of them that must agree
    homozygous_vaf: float = 0.9  # a germline neighbour with normal VAF >= this is on both haplotypes


@dataclass(frozen=True)
class PhaseCounts:
    """Fragments carrying the somatic ALT, split by the neighbour's allele."""

    cis: int = 0  # neighbour ALT
    trans: int = 0  # neighbour REF

    def __add__(self, other: PhaseCounts) -> PhaseCounts:
        return PhaseCounts(self.cis + other.cis, self.trans + other.trans)


def phase_call(counts: PhaseCounts, settings: PhaseSettings) -> str:
    """'cis', 'trans' or 'unknown' from the fragment counts."""
    informative = counts.cis + counts.trans
    if informative < settings.min_fragments:
        return "unknown"
    if counts.cis >= settings.min_fraction * informative:
        return "cis"
    if counts.trans >= settings.min_fraction * informative:
        return "trans"
    return "unknown"


def fragment_alleles(alignments, variants: Iterable[Variant], filters: ReadFilters) -> dict[str, list[str | None]]:
    """For each fragment covering any of the variants: the bases it carries at each.

    Returns {read name: [allele at variant 0, allele at variant 1, ...]}, None
    where the fragment does not cover a site and '' where its mates disagree.
    """
    variants = list(variants)
    fragments: dict[str, list[str | None]] = {}
    for index, variant in enumerate(variants):
        start = variant.pos - 1
        end = start + len(variant.ref)
        if alignments.get_tid(variant.chrom) < 0:
            continue  # a contig the alignments lack (an RNA BAM without it): no fragment
        for read in alignments.fetch(variant.chrom, max(0, start - 1), end + 1):
            if not usable_read(read, filters):
                continue
            allele = read_allele(read, start, end, filters.min_base_quality)
            if allele is None:
                continue
            alleles = fragments.setdefault(read.query_name, [None] * len(variants))
            if alleles[index] is None:
                alleles[index] = allele
            elif alleles[index] != allele:
                alleles[index] = ""  # the mates disagree: neither allele
    return fragments


def count_phase(alignments, somatic: Variant, neighbour: Variant, filters: ReadFilters) -> PhaseCounts:
    """Fragments with the somatic ALT that carry the neighbour's ALT (cis) or REF (trans).

    alignments is an open pysam.AlignmentFile (tumor DNA or RNA).
    """
    cis = trans = 0
    for at_somatic, at_neighbour in fragment_alleles(alignments, [somatic, neighbour], filters).values():
        if at_somatic != somatic.alt:
            continue
        if at_neighbour == neighbour.alt:
            cis += 1
        elif at_neighbour == neighbour.ref:
            trans += 1
    return PhaseCounts(cis, trans)


def count_germline_phase(alignments, first: Variant, second: Variant, filters: ReadFilters) -> PhaseCounts:
    """Phase of two heterozygous germline variants: both ALT or both REF is cis,
    one of each is trans. Works in the normal as well as the tumor."""
    cis = trans = 0
    for a, b in fragment_alleles(alignments, [first, second], filters).values():
        first_alt = {first.alt: True, first.ref: False}.get(a)
        second_alt = {second.alt: True, second.ref: False}.get(b)
        if first_alt is None or second_alt is None:
            continue
        if first_alt == second_alt:
            cis += 1
        else:
            trans += 1
    return PhaseCounts(cis, trans)


def chain(first: str, second: str) -> str:
    """Phase of A to C from A-to-B and B-to-C: cis.cis = cis, cis.trans = trans,
    trans.trans = cis (two haplotypes); unknown if either is unknown."""
    if "unknown" in (first, second):
        return "unknown"
    return "cis" if first == second else "trans"
