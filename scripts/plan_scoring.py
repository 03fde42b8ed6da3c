"""Snakemake adapter: peptides.tsv -> the sample's unique peptides, in chunk files."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.scoring.plan import plan_scoring
from neoag.step import run_step

run_step(
    plan_scoring,
    peptides_tsv=snakemake.input.peptides,
    models_dir=snakemake.input.models,
    out_dir=snakemake.output[0],
    chunk_size=snakemake.params.chunk_size,
)
