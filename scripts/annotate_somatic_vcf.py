"""Snakemake adapter: somatic VCF + variants.tsv -> somatic.neoag.vcf.gz (+ .tbi)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.vcf_annotation import annotate_somatic_vcf
from neoag.step import run_step

run_step(
    annotate_somatic_vcf,
    vcf_path=snakemake.input.vcf,
    variants_tsv=snakemake.input.variants,
    out_vcf=snakemake.output.vcf,
)
