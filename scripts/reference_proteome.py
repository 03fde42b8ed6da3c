"""Snakemake adapter: the parsed GTF + genome FASTA -> the reference proteome (protein FASTA)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.annotation.proteome import write_reference_proteome
from neoag.step import run_step

run_step(
    write_reference_proteome,
    gtf_path=snakemake.params.gtf,
    fasta_path=snakemake.input.fasta,
    out_fasta=snakemake.output[0],
    transcripts_cache=snakemake.input.transcripts,
)
