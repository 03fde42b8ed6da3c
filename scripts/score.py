"""Snakemake adapter: peptides x alleles -> MHCflurry scores.tsv."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.scoring import score_peptide_table
from neoag.step import run_step

run_step(
    score_peptide_table,
    peptides_tsv=snakemake.input.peptides,
    alleles_tsv=snakemake.input.alleles,
    models_dir=snakemake.input.models,
    out_tsv=snakemake.output[0],
    threads=snakemake.threads,
)
