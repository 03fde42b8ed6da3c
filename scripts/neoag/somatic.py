"""Somatic selection: keep candidates that the tumor supports and the normal does not.

The caller proposes candidate alleles (permissively); the decision is made here
from read evidence counted by neoag itself, the same for every caller. A
germline variant has ALT reads in the normal and so never passes.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from neoag.columns import EVIDENCE_TABLE
from neoag.evidence import AlleleCounts, ReadFilters, count_alleles
from neoag.tables import write_table
from neoag.vcf import read_vcf_alleles


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


def select_somatic(
    candidates_vcf: str,
    tumor_bam: str,
    normal_bam: str,
    rna_bam: str | None,
    evidence_tsv: str,
    somatic_vcf: str,
    germline_vcf: str,
    filters: SomaticFilters,
    read_filters: ReadFilters,
) -> pd.DataFrame:
    """Count evidence for every candidate allele; write all to evidence_tsv, the
    somatic ones to somatic_vcf and the germline ones to germline_vcf (bgzipped,
    indexed, sites only). The germline variants are the patient's own: the
    annotation stage can put those near a somatic change into its peptides."""
    import pysam

    tumor = pysam.AlignmentFile(tumor_bam)
    normal = pysam.AlignmentFile(normal_bam)
    rna = pysam.AlignmentFile(rna_bam) if rna_bam else None
    rows = []
    for allele in read_vcf_alleles(candidates_vcf):
        row = {"chrom": allele.chrom, "pos": allele.pos, "ref": allele.ref, "alt": allele.alt}
        if allele.skip_reason:
            row.update(variant_id=f"{allele.chrom}:{allele.pos}:{allele.ref}:{allele.alt}", variant_type="")
            row.update(evidence_row("tumor_dna", None) | evidence_row("normal_dna", None))
            row.update(evidence_row("tumor_rna", None), somatic_status="unsupported_allele")
            print(f"  {row['variant_id']}: not assessed, {allele.skip_reason}", file=sys.stderr)
            rows.append(row)
            continue
        variant = allele.variant
        tumor_counts = count_alleles(tumor, variant, read_filters)
        normal_counts = count_alleles(normal, variant, read_filters)
        rna_counts = count_alleles(rna, variant, read_filters) if rna else None
        row.update(variant_id=variant.variant_id, variant_type=variant.kind)
        row.update(evidence_row("tumor_dna", tumor_counts))
        row.update(evidence_row("normal_dna", normal_counts))
        row.update(evidence_row("tumor_rna", rna_counts))
        row["somatic_status"] = somatic_status(tumor_counts, normal_counts, filters)
        rows.append(row)

    table = pd.DataFrame(rows, columns=list(EVIDENCE_TABLE))
    write_table(table, evidence_tsv, EVIDENCE_TABLE)
    _write_sites_vcf(candidates_vcf, table[table.somatic_status == "somatic"], somatic_vcf)
    _write_sites_vcf(candidates_vcf, table[table.somatic_status == "germline"], germline_vcf)
    counts = Counter(table.somatic_status)
    print(
        f"{len(table)} candidate alleles: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())),
        file=sys.stderr,
    )
    return table


def _write_sites_vcf(template_vcf: str, somatic: pd.DataFrame, path: str) -> None:
    """A sites-only VCF of some candidate alleles with neoag's evidence in INFO."""
    import pysam

    with pysam.VariantFile(template_vcf) as template:
        contigs = [(name, contig.length) for name, contig in template.header.contigs.items()]
    header = pysam.VariantHeader()
    for name, length in contigs:
        header.contigs.add(name, length=length)
    info = {
        "TDP": ("Integer", "Tumor DNA fragments spanning the variant (neoag evidence)"),
        "TAD": ("Integer", "Tumor DNA fragments carrying ALT"),
        "TVAF": ("Float", "Tumor DNA variant allele fraction"),
        "NDP": ("Integer", "Normal DNA fragments spanning the variant"),
        "NAD": ("Integer", "Normal DNA fragments carrying ALT"),
        "NVAF": ("Float", "Normal DNA variant allele fraction"),
    }
    for key, (kind, text) in info.items():
        header.add_meta("INFO", items=[("ID", key), ("Number", 1), ("Type", kind), ("Description", text)])
    with pysam.VariantFile(path, "wz", header=header) as out:
        for row in somatic.itertuples(index=False):
            record = out.new_record(contig=row.chrom, start=int(row.pos) - 1, alleles=(row.ref, row.alt))
            record.info["TDP"] = int(row.tumor_dna_depth)
            record.info["TAD"] = int(row.tumor_dna_alt_count)
            record.info["TVAF"] = round(float(row.tumor_dna_vaf), 4)
            record.info["NDP"] = int(row.normal_dna_depth)
            record.info["NAD"] = int(row.normal_dna_alt_count)
            record.info["NVAF"] = round(float(row.normal_dna_vaf), 4)
            out.write(record)
    pysam.tabix_index(path, preset="vcf", force=True)
