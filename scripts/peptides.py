"""Snakemake adapter: annotations.tsv -> peptides.tsv."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.annotation.peptides import write_peptides
from neoag.step import run_step

run_step(
    write_peptides,
    annotations_tsv=snakemake.input[0],
    out_tsv=snakemake.output[0],
    lengths=snakemake.params.lengths,
    flank_length=snakemake.params.flank_length,
    wt_pairing=snakemake.params.wt_pairing,
)
