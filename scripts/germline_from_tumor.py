"""Snakemake adapter: a tumor-only sample's evidence -> its known germline variants as germline VCF."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.somatic import germline_from_evidence
from neoag.step import run_step

run_step(
    germline_from_evidence,
    evidence_tsv=snakemake.input.evidence,
    fasta_path=snakemake.input.fasta,
    germline_vcf=snakemake.output.vcf,
    hom_vaf=snakemake.params.hom_vaf,
    min_vaf=snakemake.params.min_vaf,
)
