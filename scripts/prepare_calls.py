"""Snakemake adapter: one caller's normalised VCF (or the sample's own) -> accepted candidates."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.calls import prepare_calls
from neoag.step import run_step

run_step(
    prepare_calls,
    vcf_path=snakemake.input.vcf,
    out_path=snakemake.output.vcf,
    caller=snakemake.wildcards.caller,
    fasta_path=snakemake.input.fasta,
    tumor_bam=snakemake.input.tumor or None,
    normal_bam=snakemake.input.normal or None,
    pass_filters=snakemake.params.pass_filters,
    skipped_path=snakemake.output.skipped,
)
