"""Annotation stage: somatic VCF x transcripts -> annotations.tsv."""

from __future__ import annotations

import sys
from collections import Counter
from functools import lru_cache

import pandas as pd

from neoag.columns import ANNOTATION_TABLE
from neoag.consequences import PEPTIDE_CONSEQUENCES, ProteinChange, annotate
from neoag.errors import NeoagInputError
from neoag.tables import write_table
from neoag.transcripts import Transcript, TranscriptIndex, read_gtf
from neoag.vcf import read_vcf_alleles


def annotate_vcf(vcf_path: str, gtf_path: str, fasta_path: str, out_path: str) -> pd.DataFrame:
    """One row per (variant, overlapping protein-coding transcript); one
    'intergenic' row for a variant that overlaps none, so no variant vanishes."""
    import pysam

    transcripts = read_gtf(gtf_path)
    index = TranscriptIndex(transcripts)
    genome = pysam.FastaFile(fasta_path)
    _check_contigs(transcripts, genome, gtf_path, fasta_path)

    @lru_cache(maxsize=256)
    def sequence_of(transcript: Transcript) -> str:
        return transcript.spliced_sequence(
            lambda chrom, start, end: genome.fetch(chrom, start, min(end, genome.get_reference_length(chrom)))
        )

    rows = []
    for allele in read_vcf_alleles(vcf_path):
        if allele.skip_reason:
            raise NeoagInputError(
                f"{vcf_path}: {allele.chrom}:{allele.pos} has an allele neoag cannot annotate "
                f"({allele.skip_reason}); the somatic stage should have removed it."
            )
        variant = allele.variant
        start, ref, _ = variant.trimmed()
        key = {
            "variant_id": variant.variant_id,
            "chrom": variant.chrom,
            "pos": variant.pos,
            "ref": variant.ref,
            "alt": variant.alt,
            "variant_type": variant.kind,
        }
        overlapping = index.overlapping(variant.chrom, start, start + len(ref))
        if not overlapping:
            rows.append(key | _row(None, ProteinChange(consequence="intergenic")))
        for transcript in overlapping:
            change = annotate(variant, transcript, sequence_of(transcript))
            rows.append(key | _row(transcript, change))

    table = pd.DataFrame(rows, columns=list(ANNOTATION_TABLE))
    write_table(table, out_path, ANNOTATION_TABLE)
    counts = Counter(table.consequence)
    coding = sum(counts[c] for c in PEPTIDE_CONSEQUENCES)
    print(
        f"{table.variant_id.nunique()} variants, {len(table)} variant-transcript pairs, {coding} make "
        "peptides; consequences: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())),
        file=sys.stderr,
    )
    return table


def _row(transcript: Transcript | None, change: ProteinChange) -> dict:
    return {
        "gene_id": transcript.gene_id if transcript else "",
        "gene_name": transcript.gene_name if transcript else "",
        "transcript_id": transcript.transcript_id if transcript else "",
        "consequence": change.consequence,
        "protein_change": change.protein_change,
        "protein_position": change.protein_position or None,
        "cds_position": change.cds_position or None,
        "mt_start": change.mt_start,
        "mt_end": change.mt_end,
        "wt_protein": change.wt_protein,
        "mt_protein": change.mt_protein,
    }


def _check_contigs(transcripts: list[Transcript], genome, gtf_path: str, fasta_path: str) -> None:
    """Every GTF contig with a transcript must be in the FASTA (chr1 vs 1 is the usual slip)."""
    missing = sorted({t.chrom for t in transcripts} - set(genome.references))
    if missing:
        raise NeoagInputError(
            f"{gtf_path}: contigs {', '.join(missing[:5])} are not in the reference {fasta_path} "
            f"(which has {', '.join(genome.references[:5])}...). Use a GTF and a FASTA from the "
            "same assembly and naming convention ('chr1' vs '1')."
        )
