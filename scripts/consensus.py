"""Snakemake adapter: the callers' candidates -> those proposed by enough callers."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.calls import consensus
from neoag.step import run_step

run_step(
    consensus,
    call_vcfs=list(snakemake.input.calls),
    callers=list(snakemake.params.callers),
    min_callers=snakemake.params.min_callers,
    fasta_path=snakemake.input.fasta,
    out_path=snakemake.output.vcf,
)
