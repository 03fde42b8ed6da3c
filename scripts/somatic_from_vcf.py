"""Snakemake adapter: a VCF-only sample's candidates + the caller's counts -> evidence + somatic VCF."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.evidence import ReadFilters
from neoag.calling.from_vcf import somatic_from_vcf
from neoag.step import run_step

run_step(
    somatic_from_vcf,
    candidates_vcf=snakemake.input.candidates,
    calls_vcf=snakemake.input.calls,
    rna_bam=snakemake.input.rna[0] if snakemake.input.rna else None,
    fasta_path=snakemake.input.fasta,
    evidence_tsv=snakemake.output.evidence,
    somatic_vcf=snakemake.output.vcf,
    read_filters=ReadFilters(**snakemake.params.evidence),
)
