"""Germline neighbours from the joint call (config germline.calls: joint).

freebayes calls tumor and normal together (--pooled-continuous), so it already
proposes every allele that the normal carries at a germline fraction, and
select_somatic has already counted the tumor and the normal at each of them with
the same counter and the same partner alleles that a second pass over the normal
would use. The germline VCF is then a selection of evidence.tsv: the freebayes
alleles in the germline windows (germline_targets) at a germline fraction in the
normal, with no read counted again. This holds only when the candidates keep every
freebayes call (germline_calls_mode); otherwise the normal is called again
(somatic.select_germline).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pandas as pd

from neoag.calling.somatic import GermlineFilters, SomaticFilters, germline_row, is_germline, write_germline
from neoag.tables import read_table
from neoag.variants import Variant

JOINT_CALLER = "freebayes"
"""The caller whose joint tumor+normal call proposes the germline alleles."""


def germline_calls_mode(requested: str, callers: list[str], min_callers: int, own_vcf: bool) -> tuple[str, str]:
    """'joint' or 'normal' for a paired sample, and why a requested 'joint' falls back to 'normal'
    (empty when the sample gets the mode it asked for).

    joint needs candidates that hold every freebayes call: freebayes among calling.callers, at
    least one caller enough (calling.min_callers 1), and candidates called from the BAMs (not the
    sample's own VCF)."""
    if requested == "normal":
        return "normal", ""
    if own_vcf:
        return "normal", "its candidates come from its own VCF (sample sheet column vcf), not from a freebayes call"
    if JOINT_CALLER not in callers:
        return "normal", f"{JOINT_CALLER} is not among calling.callers ({', '.join(callers)})"
    if min_callers > 1:
        return "normal", (
            f"calling.min_callers is {min_callers}: the candidates lack the alleles that {JOINT_CALLER} alone "
            "proposes (most germline ones)"
        )
    return "joint", ""


@dataclass(frozen=True)
class FragmentCounts:
    """A BAM's counts at an allele as evidence.tsv keeps them: informative fragments and those
    carrying ALT (the VAF is computed from them as evidence.AlleleCounts computes it)."""

    depth: int
    alt_count: int

    @property
    def vaf(self) -> float:
        return self.alt_count / self.depth if self.depth else float("nan")


def read_windows(bed_path: str) -> dict[str, tuple[list[int], list[int]]]:
    """The BED's intervals per contig as (starts, ends), sorted and merged (for overlaps)."""
    intervals: dict[str, list[tuple[int, int]]] = {}
    with open(bed_path) as handle:
        for line in handle:
            fields = line.split("\t")
            if len(fields) >= 3 and not line.startswith(("#", "track", "browser")):
                intervals.setdefault(fields[0], []).append((int(fields[1]), int(fields[2])))
    windows = {}
    for chrom, spans in intervals.items():
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        windows[chrom] = ([start for start, _ in merged], [end for _, end in merged])
    return windows


def overlaps(windows: dict[str, tuple[list[int], list[int]]], chrom: str, start: int, end: int) -> bool:
    """Whether the 0-based half-open span [start, end) overlaps a window (as bcftools view -R
    selects records: by the REF span)."""
    if chrom not in windows:
        return False
    starts, ends = windows[chrom]
    i = bisect.bisect_left(ends, start + 1)  # the first window that ends after start
    return i < len(starts) and starts[i] < end


def germline_from_joint(
    evidence_tsv: str,
    targets_bed: str,
    fasta_path: str,
    germline_vcf: str,
    filters: SomaticFilters,
    germline_filters: GermlineFilters,
) -> pd.DataFrame:
    """The germline VCF of a paired sample from its evidence (germline.calls joint): each allele that
    freebayes proposed (callers column) whose REF overlaps a germline window (targets_bed) and that
    the normal's counts put at a germline fraction (somatic.is_germline), labelled as
    somatic.select_germline labels it. Reads no BAM."""
    columns = ["chrom", "pos", "ref", "alt", "callers"]
    columns += [f"{bam}_{name}" for bam in ("tumor_dna", "normal_dna") for name in ("depth", "alt_count")]
    evidence = read_table(evidence_tsv, columns)
    windows = read_windows(targets_bed)
    proposed, rows = 0, []
    for row in evidence.itertuples(index=False):
        if JOINT_CALLER not in row.callers.split(",") or row.normal_dna_depth != row.normal_dna_depth:
            continue  # another caller's allele, or one not assessed (no counts)
        if not overlaps(windows, row.chrom, int(row.pos) - 1, int(row.pos) - 1 + len(row.ref)):
            continue
        proposed += 1
        normal = FragmentCounts(int(row.normal_dna_depth), int(row.normal_dna_alt_count))
        if not is_germline(normal, filters):
            continue
        tumor = FragmentCounts(int(row.tumor_dna_depth), int(row.tumor_dna_alt_count))
        variant = Variant(row.chrom, int(row.pos), row.ref.upper(), row.alt.upper())
        rows.append(germline_row(variant, tumor, normal, germline_filters))
    source = f"{proposed} alleles of the joint {JOINT_CALLER} call (evidence.tsv) in the germline windows"
    return write_germline(rows, fasta_path, germline_vcf, source)
