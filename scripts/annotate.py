"""Snakemake adapter: somatic VCF + GTF + FASTA -> annotations.tsv."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.annotation import annotate_vcf
from neoag.step import run_step

run_step(
    annotate_vcf,
    vcf_path=snakemake.input.vcf,
    gtf_path=snakemake.input.gtf,
    fasta_path=snakemake.input.fasta,
    out_path=snakemake.output[0],
)
