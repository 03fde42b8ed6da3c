"""Somatic selection: keep candidates that the tumor supports and the normal does not.

The callers propose candidate alleles; the decision is made here from read
evidence counted by neoag itself, the same for every caller. A germline
variant has ALT reads in the normal and so never passes. The patient's own
germline variants near the somatic ones are written separately
(select_germline) for the annotation stage.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from neoag.calling.calls import Candidate, read_candidates
from neoag.calling.evidence import AlleleCounts, ReadFilters, count_evidence, variant_span
from neoag.calling.tumor_only import (
    GERMLINE_REASONS,
    TumorOnlyFilters,
    germline_lookup,
    germline_reason,
    report_filters,
)
from neoag.columns import EVIDENCE_TABLE
from neoag.tables import read_table, write_table
from neoag.variants import Variant, normalized_key, site_columns
from neoag.vcf import open_vcf, read_records, read_vcf_alleles, variants_of


@dataclass(frozen=True)
class SomaticFilters:
    """Thresholds of the somatic decision (config: somatic)."""

    min_tumor_depth: int = 10
    min_tumor_alt_count: int = 4
    min_tumor_vaf: float = 0.05
    min_normal_depth: int = 8
    max_normal_alt_count: int = 1
    max_normal_vaf: float = 0.03
    germline_normal_vaf: float = 0.15


@dataclass(frozen=True)
class GermlineFilters:
    """Which germline variants are written, and how they are labelled (config: germline)."""

    flank: int = 150
    hom_normal_vaf: float = 0.85
    loh_vaf_shift: float = 0.25
    calls: str = "joint"  # which call proposes the germline alleles (germline.germline_calls_mode)


def somatic_status(tumor: AlleleCounts, normal: AlleleCounts, filters: SomaticFilters) -> str:
    """'somatic', or the first reason the candidate is not.

    Reasons: low_normal_depth (the normal cannot rule out a germline variant),
    germline (ALT in the normal at a germline-like fraction), normal_alt_support
    (some ALT reads in the normal), low_tumor_depth, low_tumor_support.
    """
    if normal.depth < filters.min_normal_depth:
        return "low_normal_depth"
    if normal.alt_count > filters.max_normal_alt_count or normal.vaf > filters.max_normal_vaf:
        return "germline" if normal.vaf >= filters.germline_normal_vaf else "normal_alt_support"
    return tumor_status(tumor, filters)


def tumor_status(tumor: AlleleCounts, filters: SomaticFilters) -> str:
    """'somatic', low_tumor_depth or low_tumor_support: the tumor's part of the decision (all of
    it for a tumor-only sample, after its germline filters)."""
    if tumor.depth < filters.min_tumor_depth:
        return "low_tumor_depth"
    if tumor.alt_count < filters.min_tumor_alt_count or tumor.vaf < filters.min_tumor_vaf:
        return "low_tumor_support"
    return "somatic"


def evidence_row(prefix: str, counts: AlleleCounts | None) -> dict:
    """Evidence columns for one BAM (empty when that BAM is not given)."""
    if counts is None:
        return {f"{prefix}_depth": None, f"{prefix}_alt_count": None, f"{prefix}_vaf": None}
    vaf = None if math.isnan(counts.vaf) else counts.vaf
    return {f"{prefix}_depth": counts.depth, f"{prefix}_alt_count": counts.alt_count, f"{prefix}_vaf": vaf}


def site_partners(variants: list[Variant], fasta) -> dict[Variant, list[Variant]]:
    """For each allele, the other alleles whose spans overlap its own (variant_span): the
    other ALT alleles of a multi-allelic site, and an SNV inside a homopolymer that a
    deletion there can also explain. Their reads then count in each other's depth, and
    reads that fit both equally count for neither."""
    spans = {v: variant_span(fasta, v) for v in dict.fromkeys(variants)}
    order = sorted(spans, key=lambda v: (v.chrom, *spans[v], v.ref, v.alt))
    partners: dict[Variant, list[Variant]] = {v: [] for v in order}
    for i, variant in enumerate(order):
        high = spans[variant][1]
        for other in order[i + 1 :]:
            if other.chrom != variant.chrom or spans[other][0] >= high:
                break
            partners[variant].append(other)
            partners[other].append(variant)
    return partners


def select_somatic(
    candidates_vcf: str,
    tumor_bam: str,
    normal_bam: str | None,
    rna_bam: str | None,
    fasta_path: str,
    evidence_tsv: str,
    somatic_vcf: str,
    filters: SomaticFilters,
    read_filters: ReadFilters,
    swapped_calls: str = "error",
    workers: int = 1,
    tumor_only: TumorOnlyFilters | None = None,
) -> pd.DataFrame:
    """Count evidence for every candidate allele; write all to evidence_tsv and the
    somatic ones to somatic_vcf (bgzipped, indexed, sites only, evidence in INFO).

    Tumor and normal that look swapped in the reads stop here (swapped_calls 'error')
    or are a warning ('warn'): neoag.calling.swap. workers: processes that count the
    evidence (evidence.count_evidence); the tables do not depend on it. Without a
    normal_bam (None: a tumor-only sample) the tumor_only filters replace the normal
    check (neoag.calling.tumor_only) and the somatic VCF says so in its header."""
    import pysam

    from neoag.calling.swap import check_not_swapped

    fasta = pysam.FastaFile(fasta_path)
    candidates = read_candidates(candidates_vcf)
    variants = variants_of(candidates)
    partners = site_partners(variants, fasta)
    if normal_bam is None:
        tumor_only = tumor_only or TumorOnlyFilters()
        panel, population = germline_lookup(variants, fasta, tumor_only)
    assessed = [candidate for candidate in candidates if not candidate.skip_reason]
    jobs = [(candidate.variant, partners[candidate.variant]) for candidate in assessed]
    counted = iter(count_evidence((tumor_bam, normal_bam, rna_bam), fasta_path, jobs, read_filters, workers))
    rows = []
    for candidate in candidates:
        row = _candidate_columns(candidate)
        reason = candidate.skip_reason
        if reason:
            row.update(variant_id=f"{candidate.chrom}:{candidate.pos}:{candidate.ref}:{candidate.alt}", variant_type="")
            row.update(evidence_row("tumor_dna", None) | evidence_row("normal_dna", None))
            row.update(evidence_row("tumor_rna", None), somatic_status="unsupported_allele")
            print(f"  {row['variant_id']}: not assessed, {reason}", file=sys.stderr)
            rows.append(row)
            continue
        variant = candidate.variant
        tumor_counts, normal_counts, rna_counts = next(counted)
        row.update(variant_id=variant.variant_id, variant_type=variant.kind)
        row.update(evidence_row("tumor_dna", tumor_counts))
        row.update(evidence_row("normal_dna", normal_counts))
        row.update(evidence_row("tumor_rna", rna_counts))
        if normal_bam is None:
            key = normalized_key(variant, fasta.fetch)
            reason = germline_reason(key, panel, population, tumor_only)
            row["somatic_status"] = reason or tumor_status(tumor_counts, filters)
        else:
            row["somatic_status"] = somatic_status(tumor_counts, normal_counts, filters)
        rows.append(row)

    table = pd.DataFrame(rows, columns=list(EVIDENCE_TABLE))
    if normal_bam is not None:
        check_not_swapped(table, tumor_bam, normal_bam, swapped_calls)
    else:
        report_filters(tumor_only, table)
    write_table(table, evidence_tsv, EVIDENCE_TABLE)
    write_sites_vcf(fasta, table[table.somatic_status == "somatic"], somatic_vcf, tumor_only=normal_bam is None)
    counts = Counter(table.somatic_status)
    print(
        f"{len(table)} candidate alleles: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())),
        file=sys.stderr,
    )
    return table


def _candidate_columns(candidate: Candidate) -> dict:
    return site_columns(candidate) | {
        "callers": ",".join(candidate.callers),
        "caller_tumor_vaf": candidate.tumor_vaf,
        "caller_normal_vaf": candidate.normal_vaf,
    }


def germline_targets(
    somatic_vcf: str,
    fai_path: str,
    flank: int,
    bed_path: str,
    gtf_path: str | None = None,
    transcripts_cache: str | None = None,
) -> int:
    """BED of the regions where germline variants can change a somatic variant's peptides
    (merged); returns their number.

    Around each somatic variant: flank bases on each side, and, with a GTF, the
    exons of every transcript that overlaps it (a peptide's codons can lie in
    other exons) plus the genome read after the transcript's 3' end by a
    frameshift or stop-loss (transcripts.DOWNSTREAM_BASES). transcripts_cache: the GTF
    parsed by rule parse_gtf (neoag.transcript_cache), read instead of the GTF's text.
    """
    from neoag.calling.regions import read_fai
    from neoag.transcript_cache import gtf_transcripts
    from neoag.transcripts import DOWNSTREAM_BASES, TranscriptIndex

    lengths = dict(read_fai(fai_path))
    order = {name: i for i, name in enumerate(lengths)}
    index = TranscriptIndex(gtf_transcripts(gtf_path, None, transcripts_cache)) if gtf_path else None
    windows = []
    with open_vcf(somatic_vcf) as vcf:
        for record in read_records(vcf, somatic_vcf):
            windows.append((record.chrom, max(0, record.start - flank), record.stop + flank))
            for transcript in index.overlapping(record.chrom, record.start, record.stop) if index else ():
                windows += [(record.chrom, start, end) for start, end in transcript.exons]
                first, last = transcript.exons[0][0], transcript.exons[-1][1]
                if transcript.strand == "+":
                    windows.append((record.chrom, last, last + DOWNSTREAM_BASES))
                else:
                    windows.append((record.chrom, max(0, first - DOWNSTREAM_BASES), first))
    merged: list[tuple[str, int, int]] = []
    for chrom, start, end in sorted(windows, key=lambda w: (order[w[0]], w[1], w[2])):
        end = min(end, lengths[chrom])
        if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
            merged[-1] = (chrom, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((chrom, start, end))
    with open(bed_path, "w") as out:
        out.writelines(f"{chrom}\t{start}\t{end}\n" for chrom, start, end in merged)
    covered = sum(end - start for _, start, end in merged)
    print(f"germline search regions: {len(merged)} ({covered:,} bp) around the somatic variants", file=sys.stderr)
    return len(merged)


def split_targets(bed_path: str, piece_beds: tuple[str, ...] | list[str]) -> None:
    """The windows of a germline_targets BED split into len(piece_beds) BED files of about equal
    size, each window whole and in order (regions.whole_interval_groups), for call_germline's
    parallel jobs (germline.calls normal); a piece without windows is an empty file."""
    from neoag.calling.regions import whole_interval_groups

    with open(bed_path) as handle:
        windows = [(chrom, int(start), int(end)) for chrom, start, end in (line.split("\t") for line in handle)]
    for path, group in zip(piece_beds, whole_interval_groups(windows, len(piece_beds))):
        with open(path, "w") as out:
            out.writelines(f"{chrom}\t{start}\t{end}\n" for chrom, start, end in group)


def germline_labels(tumor: AlleleCounts, normal: AlleleCounts, filters: GermlineFilters) -> tuple[str, bool]:
    """Zygosity in the normal ('het' or 'hom') and whether the tumor lost heterozygosity
    (its VAF moved at least loh_vaf_shift away from the normal's, for a het variant)."""
    zygosity = "hom" if normal.vaf >= filters.hom_normal_vaf else "het"
    loh = zygosity == "het" and tumor.depth > 0 and abs(tumor.vaf - normal.vaf) >= filters.loh_vaf_shift
    return zygosity, loh


def select_germline(
    germline_calls_vcf: str,
    candidates_vcf: str,
    tumor_bam: str,
    normal_bam: str,
    fasta_path: str,
    germline_vcf: str,
    filters: SomaticFilters,
    germline_filters: GermlineFilters,
    read_filters: ReadFilters,
    workers: int = 1,
) -> pd.DataFrame:
    """The patient's germline variants near somatic ones, with neoag's evidence (germline.calls
    normal: called in a freebayes pass over the normal alone).

    A variant called in the normal is kept when neoag's own count puts it at a
    germline fraction in the normal (is_germline). INFO gives tumor and normal counts,
    ZYG (het or hom in the normal) and LOH (tumor VAF shifted from the normal's).
    The somatic candidates (candidates_vcf) count as other alleles at their
    sites, so that a somatic allele beside a germline one does not move its VAF.
    workers: processes that count (evidence.count_evidence); the table does not depend on it.
    """
    import pysam

    variants = list(dict.fromkeys(variants_of(read_vcf_alleles(germline_calls_vcf))))
    somatic_candidates = variants_of(read_candidates(candidates_vcf))
    partners = site_partners(variants + somatic_candidates, pysam.FastaFile(fasta_path))
    jobs = [(variant, partners[variant]) for variant in variants]
    normal = [counts for (counts,) in count_evidence((normal_bam,), fasta_path, jobs, read_filters, workers)]
    kept = [(job, counts) for job, counts in zip(jobs, normal) if is_germline(counts, filters)]
    tumor = count_evidence((tumor_bam,), fasta_path, [job for job, _ in kept], read_filters, workers)
    rows = [
        germline_row(variant, tumor_counts, normal_counts, germline_filters)
        for ((variant, _), normal_counts), (tumor_counts,) in zip(kept, tumor)
    ]
    return write_germline(rows, fasta_path, germline_vcf, f"{len(variants)} alleles called in the normal")


def is_germline(normal: AlleleCounts, filters: SomaticFilters) -> bool:
    """A germline fraction in the normal: somatic.germline_normal_vaf with somatic.min_normal_depth
    fragments."""
    return normal.depth >= filters.min_normal_depth and normal.vaf >= filters.germline_normal_vaf


def germline_row(variant: Variant, tumor: AlleleCounts, normal: AlleleCounts, filters: GermlineFilters) -> dict:
    """A germline table row: the site, tumor and normal evidence, zygosity and LOH. The counts may
    also be evidence.tsv's (germline.FragmentCounts: depth, alt_count and vaf, as here used)."""
    zygosity, loh = germline_labels(tumor, normal, filters)
    row = site_columns(variant)
    row.update(evidence_row("tumor_dna", tumor) | evidence_row("normal_dna", normal))
    row.update(zygosity=zygosity, loh=loh)
    return row


def write_germline(rows: list[dict], fasta_path: str, germline_vcf: str, source: str) -> pd.DataFrame:
    """The germline table of these rows, written as germline_vcf; source says in the log where the
    alleles came from ('N alleles called in the normal')."""
    import pysam

    table = pd.DataFrame(rows, columns=["chrom", "pos", "ref", "alt", "zygosity", "loh", *EVIDENCE_COLUMNS_DNA])
    write_sites_vcf(pysam.FastaFile(fasta_path), table, germline_vcf, germline=True)
    print(
        f"{source} near somatic variants; {len(table)} germline "
        f"({int((table.zygosity == 'het').sum())} het, {int(table.loh.sum())} with LOH in the tumor)",
        file=sys.stderr,
    )
    return table


def germline_from_evidence(
    evidence_tsv: str, fasta_path: str, germline_vcf: str, hom_vaf: float, min_vaf: float
) -> pd.DataFrame:
    """A tumor-only sample's germline VCF: its candidates rejected as known germline variants
    (GERMLINE_REASONS) with a tumor VAF of at least min_vaf (somatic.germline_normal_vaf), ZYG from
    the tumor VAF (hom from hom_vaf), no normal counts and no LOH (no normal to compare with)."""
    import pysam

    evidence = read_table(evidence_tsv)
    known = evidence[evidence.somatic_status.isin(GERMLINE_REASONS)].copy()
    vaf = pd.to_numeric(known.tumor_dna_vaf, errors="coerce")
    known = known[vaf >= min_vaf]
    vaf = vaf[known.index]
    table = known.assign(zygosity=["hom" if v >= hom_vaf else "het" for v in vaf], loh=False)
    table = table[["chrom", "pos", "ref", "alt", "zygosity", "loh", *EVIDENCE_COLUMNS_DNA]]
    table = table.assign(normal_dna_depth=None, normal_dna_alt_count=None, normal_dna_vaf=None)
    write_sites_vcf(pysam.FastaFile(fasta_path), table, germline_vcf, germline=True)
    print(
        f"tumor-only: {len(table)} known germline variants (of {len(evidence)} candidates) as germline neighbours",
        file=sys.stderr,
    )
    return table


def _set_counts(record, row) -> None:
    """TDP, TAD, TVAF, NDP, NAD, NVAF from a table row; a count not measured is left out."""
    for key, column, kind in (
        ("TDP", "tumor_dna_depth", int),
        ("TAD", "tumor_dna_alt_count", int),
        ("TVAF", "tumor_dna_vaf", float),
        ("NDP", "normal_dna_depth", int),
        ("NAD", "normal_dna_alt_count", int),
        ("NVAF", "normal_dna_vaf", float),
    ):
        value = getattr(row, column)
        if value is not None and not pd.isna(value):
            record.info[key] = round(float(value), 4) if kind is float else int(value)


EVIDENCE_COLUMNS_DNA = [
    f"{sample}_{name}" for sample in ("tumor_dna", "normal_dna") for name in ("depth", "alt_count", "vaf")
]

SITES_INFO = {
    "TDP": ("Integer", "Tumor DNA fragments informative at the variant (neoag evidence)"),
    "TAD": ("Integer", "Tumor DNA fragments carrying ALT"),
    "TVAF": ("Float", "Tumor DNA variant allele fraction"),
    "NDP": ("Integer", "Normal DNA fragments informative at the variant"),
    "NAD": ("Integer", "Normal DNA fragments carrying ALT"),
    "NVAF": ("Float", "Normal DNA variant allele fraction"),
}


def write_sites_vcf(
    fasta,
    table: pd.DataFrame,
    path: str,
    germline: bool = False,
    caller_decision: bool = False,
    tumor_only: bool = False,
) -> None:
    """A sites-only VCF of some alleles with neoag's evidence in INFO, bgzipped and indexed.

    The somatic VCF also carries CALLERS; the germline VCF ZYG and LOH. With caller_decision (a
    VCF-only sample) the counts are the caller's, a count that was not measured is left out, and
    the header line ##neoag_somatic_decision=caller and a CALLER_DECISION flag on every record say so.
    With tumor_only (no normal BAM) the header line ##neoag_somatic_decision=tumor_only says so.
    """
    import pysam

    header = pysam.VariantHeader()
    for name, length in zip(fasta.references, fasta.lengths):
        header.contigs.add(name, length=length)
    info = {key: (1, kind, text) for key, (kind, text) in SITES_INFO.items()}
    if germline:
        info["ZYG"] = (1, "String", "het or hom in the normal")
        info["LOH"] = (0, "Flag", "heterozygous in the normal, tumor VAF shifted (loss of heterozygosity)")
    else:
        info["CALLERS"] = (".", "String", "callers that proposed the allele")
    if caller_decision:
        header.add_line("##neoag_somatic_decision=caller")
        info["CALLER_DECISION"] = (0, "Flag", "somatic as the caller called it; counts from its FORMAT fields")
    if tumor_only:
        header.add_line("##neoag_somatic_decision=tumor_only")
    for key, (number, kind, text) in info.items():
        header.add_meta("INFO", items=[("ID", key), ("Number", number), ("Type", kind), ("Description", text)])
    order = {name: i for i, name in enumerate(fasta.references)}
    rows = sorted(table.itertuples(index=False), key=lambda r: (order[r.chrom], int(r.pos), r.ref, r.alt))
    with pysam.VariantFile(path, "wz", header=header) as out:
        for row in rows:
            record = out.new_record(contig=row.chrom, start=int(row.pos) - 1, alleles=(row.ref, row.alt))
            _set_counts(record, row)
            if caller_decision:
                record.info["CALLER_DECISION"] = True
            if germline:
                record.info["ZYG"] = row.zygosity
                if row.loh:
                    record.info["LOH"] = True
            elif row.callers:
                record.info["CALLERS"] = tuple(row.callers.split(","))
            out.write(record)
    pysam.tabix_index(path, preset="vcf", force=True)
