"""Snakemake adapter: scores.npz -> scores.tsv (text, one row per peptide x allele)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.scoring.jobs import export_scores
from neoag.step import run_step

run_step(export_scores, scores_path=snakemake.input[0], out_tsv=snakemake.output[0])
