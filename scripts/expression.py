"""Snakemake adapter: the sample's expression table -> TPMs keyed by the GTF's IDs."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.annotation.expression import normalise_expression
from neoag.step import run_step

run_step(
    normalise_expression,
    table_path=snakemake.input.table[0],
    gtf_path=snakemake.params.gtf,
    out_path=snakemake.output[0],
    transcripts_cache=snakemake.input.transcripts,
)
