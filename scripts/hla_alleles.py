"""Snakemake adapter: the sample sheet's and/or the typed HLA alleles -> alleles.tsv + typing_report.tsv."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.hla.alleles import finalise_alleles
from neoag.step import run_step

run_step(
    finalise_alleles,
    sample=snakemake.wildcards.sample,
    typer=snakemake.params.typer,
    typed=snakemake.input.get("typed"),
    sheet_text=snakemake.params.alleles,
    sheet_source=f"{snakemake.params.source}, sample {snakemake.wildcards.sample}, column hla_alleles",
    prefer=snakemake.params.prefer,
    models_dir=snakemake.params.models,
    out_alleles=snakemake.output.alleles,
    out_report=snakemake.output.report,
    unsupported=snakemake.params.unsupported,
)
