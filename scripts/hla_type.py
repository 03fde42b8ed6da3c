"""Snakemake adapter: extracted reads -> neoag's built-in HLA class I typing (typing.tsv)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.hla.typing import run_builtin_typing
from neoag.step import run_step

run_step(
    run_builtin_typing,
    reads_1=snakemake.input.reads_1,
    reads_2=snakemake.input.reads_2,
    reads_single=snakemake.input.get("single"),  # none with the sample sheet's hla_fastq1/2
    reference_fasta=snakemake.input.reference,
    out_tsv=snakemake.output[0],
    settings=snakemake.params.settings,
)
