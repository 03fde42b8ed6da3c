"""Snakemake adapter: the sample's scored chunks, in order -> scores.npz."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.scoring.jobs import gather_scores
from neoag.step import run_step

run_step(
    gather_scores,
    parts=list(snakemake.input.parts),
    out_path=snakemake.output[0],
    models_dir=snakemake.input.models,
)
