"""Snakemake adapter: result tables -> report.html."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.html import write_report
from neoag.step import run_step

run_step(
    write_report,
    sample=snakemake.wildcards.sample,
    evidence_tsv=snakemake.input.evidence,
    annotations_tsv=snakemake.input.annotations,
    all_epitopes_tsv=snakemake.input.all_epitopes,
    candidates_tsv=snakemake.input.candidates,
    variants_tsv=snakemake.input.variants,
    alleles_tsv=snakemake.input.alleles,
    models_dir=snakemake.input.models,
    filters=snakemake.params.filters,
    tiers=snakemake.params.tiers,
    out_html=snakemake.output[0],
    typing_report_tsv=snakemake.input.typing_report,
    skipped_tsvs=list(snakemake.input.skipped),
    cohort_summary_tsv=snakemake.input.cohort_summary,
    tumor_only=snakemake.params.tumor_only,
)
