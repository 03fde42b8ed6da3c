"""VCF-only samples: the caller's somatic decision, trusted, with the caller's own counts.

A sample without tumor and normal BAMs has no reads for neoag to count, so
the caller's PASS records (already filtered, checked against the reference
and normalised by prepare_calls, normalise_calls and consensus) are all
somatic. The tumor_dna columns of the evidence table are the depth, ALT count
and VAF the caller wrote in the tumor's FORMAT fields (vcf_counts; empty when
it wrote none of the known dialects), the normal_dna columns stay empty (no
normal check), and the RNA columns are counted in the RNA BAM as usual. The
somatic VCF says so in its header (##neoag_somatic_decision=caller) and in a
CALLER_DECISION flag on every record.
"""

from __future__ import annotations

import sys
from collections import Counter

import pandas as pd

from neoag.calling.calls import detect_sample_columns, header_meta, read_candidates
from neoag.calling.evidence import ReadFilters, count_alleles
from neoag.calling.somatic import _candidate_columns, evidence_row, site_partners, write_sites_vcf
from neoag.calling.vcf_counts import CallerCounts, caller_counts
from neoag.columns import EVIDENCE_TABLE
from neoag.tables import write_table
from neoag.vcf import open_vcf, read_records, record_alleles, variants_of


def tumor_counts_by_allele(calls_vcf: str) -> tuple[dict[tuple[str, int, str, str], CallerCounts], str | None]:
    """The caller's tumor counts of each allele of a normalised VCF (one ALT per record, FORMAT
    kept), keyed by (chrom, pos, REF, ALT) in upper case; and the tumor column's name (None for a
    sites-only VCF). The first record of an allele wins."""
    counts: dict[tuple[str, int, str, str], CallerCounts] = {}
    with open_vcf(calls_vcf) as vcf:
        columns = detect_sample_columns(list(vcf.header.samples), header_meta(vcf.header), [], [], calls_vcf)
        for record in read_records(vcf, calls_vcf):
            for allele in record_alleles(record):
                found = caller_counts(record, columns.tumor, allele.number) if allele.number else None
                key = (allele.chrom, allele.pos, allele.ref.upper(), allele.alt.upper())
                if found is not None and key not in counts:
                    counts[key] = found
    return counts, columns.tumor


def caller_evidence(counts: CallerCounts | None) -> dict:
    """tumor_dna_* columns from the caller's counts (empty when it wrote none)."""
    if counts is None:
        return evidence_row("tumor_dna", None)
    return {"tumor_dna_depth": counts.depth, "tumor_dna_alt_count": counts.alt_count, "tumor_dna_vaf": counts.vaf}


def somatic_from_vcf(
    candidates_vcf: str,
    calls_vcf: str,
    rna_bam: str | None,
    fasta_path: str,
    evidence_tsv: str,
    somatic_vcf: str,
    read_filters: ReadFilters,
) -> pd.DataFrame:
    """Every candidate allele of a VCF-only sample is somatic (the caller said so); writes the same
    evidence_tsv and somatic_vcf as select_somatic, with the caller's tumor counts from calls_vcf
    (the sample's VCF normalised with its FORMAT fields), empty normal columns and RNA evidence
    counted in rna_bam when given. Alleles neoag cannot score are 'unsupported_allele' as there."""
    import pysam

    fasta = pysam.FastaFile(fasta_path)
    rna = pysam.AlignmentFile(rna_bam) if rna_bam else None
    candidates = read_candidates(candidates_vcf)
    partners = site_partners(variants_of(candidates), fasta)
    by_allele, tumor_column = tumor_counts_by_allele(calls_vcf)
    rows, dialects = [], Counter()
    for candidate in candidates:
        row = _candidate_columns(candidate) | evidence_row("normal_dna", None) | evidence_row("tumor_rna", None)
        if candidate.skip_reason:
            row.update(variant_id=f"{candidate.chrom}:{candidate.pos}:{candidate.ref}:{candidate.alt}", variant_type="")
            row.update(evidence_row("tumor_dna", None), somatic_status="unsupported_allele")
            print(f"  {row['variant_id']}: not assessed, {candidate.skip_reason}", file=sys.stderr)
            rows.append(row)
            continue
        variant = candidate.variant
        counts = by_allele.get((candidate.chrom, candidate.pos, candidate.ref, candidate.alt))
        dialects[counts.fields if counts else "none"] += 1
        row.update(variant_id=variant.variant_id, variant_type=variant.kind, somatic_status="somatic")
        row.update(caller_evidence(counts))
        if rna is not None:
            row.update(evidence_row("tumor_rna", count_alleles(rna, fasta, variant, read_filters, partners[variant])))
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(EVIDENCE_TABLE))
    write_table(table, evidence_tsv, EVIDENCE_TABLE)
    write_sites_vcf(fasta, table[table.somatic_status == "somatic"], somatic_vcf, caller_decision=True)
    print(
        f"VCF-only: {len(table)} candidate alleles, {int((table.somatic_status == 'somatic').sum())} somatic as the "
        f"caller called them (no normal check); tumor column {tumor_column}; tumor counts from "
        + ", ".join(f"{name} {n}" for name, n in sorted(dialects.items())),
        file=sys.stderr,
    )
    return table
