"""Snakemake adapter: candidate alleles -> read evidence -> somatic VCF (tumor-only: no normal)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.evidence import ReadFilters
from neoag.calling.somatic import SomaticFilters, select_somatic
from neoag.calling.tumor_only import TumorOnlyFilters
from neoag.step import run_step

run_step(
    select_somatic,
    candidates_vcf=snakemake.input.candidates,
    tumor_bam=snakemake.input.tumor,
    normal_bam=snakemake.input.normal or None,  # none: a tumor-only sample
    rna_bam=snakemake.input.rna[0] if snakemake.input.rna else None,
    fasta_path=snakemake.input.fasta,
    evidence_tsv=snakemake.output.evidence,
    somatic_vcf=snakemake.output.vcf,
    filters=SomaticFilters(**snakemake.params.somatic),
    read_filters=ReadFilters(**snakemake.params.evidence),
    swapped_calls=snakemake.params.sanity["swapped_calls"],
    workers=snakemake.threads,
    tumor_only=TumorOnlyFilters(**snakemake.params.tumor_only) if snakemake.params.tumor_only else None,
)
