"""Snakemake adapter: one chunk of unique peptides x the sample's alleles -> MHCflurry scores."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.scoring.jobs import score_chunk
from neoag.scoring.predictor import cpu_threads
from neoag.step import run_step

run_step(
    score_chunk,
    chunk_tsv=snakemake.input.chunk,
    alleles_tsv=snakemake.input.alleles,
    models_dir=snakemake.input.models,
    out_path=snakemake.output[0],
    threads=cpu_threads(snakemake.threads),
    gpus=snakemake.params.gpus,
    cache_path=snakemake.params.cache,
    cpu_batch_size=snakemake.params.cpu_batch_size,
)
