"""Snakemake adapter: one sample's tables -> pVACseq's aggregated report + metrics JSON (pVACview)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.pvacview import write_pvacview
from neoag.step import run_step

run_step(
    write_pvacview,
    all_epitopes_tsv=snakemake.input.all_epitopes,
    variants_tsv=snakemake.input.variants,
    annotations_tsv=snakemake.input.annotations,
    alleles_tsv=snakemake.input.alleles,
    settings=snakemake.params.settings,
    out_tsv=snakemake.output.table,
    out_metrics=snakemake.output.metrics,
)
