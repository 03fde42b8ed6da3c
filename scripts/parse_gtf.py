"""Snakemake adapter: GTF + genome FASTA -> the parsed transcript models (results/reference/transcripts.pkl)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.step import run_step
from neoag.transcript_cache import write_transcript_cache

run_step(
    write_transcript_cache,
    gtf_path=snakemake.input.gtf,
    fasta_path=snakemake.input.fasta,
    out_path=snakemake.output[0],
)
