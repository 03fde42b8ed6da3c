"""Snakemake adapter: the sample sheet's HLA alleles -> alleles.tsv (normalised)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.hla import write_alleles
from neoag.step import run_step

run_step(
    write_alleles,
    text=snakemake.params.alleles,
    source=f"{snakemake.params.source}, sample {snakemake.wildcards.sample}",
    out_path=snakemake.output[0],
)
