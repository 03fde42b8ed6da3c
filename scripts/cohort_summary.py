"""Snakemake adapter: every sample's tables -> results/cohort/ summary tables."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.cohort import write_cohort_summary
from neoag.step import run_step

run_step(
    write_cohort_summary,
    samples=snakemake.params.samples,
    variants_tsvs=snakemake.input.variants,
    candidates_tsvs=snakemake.input.candidates,
    gtf_path=snakemake.params.gtf,
    transcripts_cache=snakemake.input.transcripts,
    callable_mb=snakemake.params.callable_mb,
    summary_tsv=snakemake.output.summary,
    shared_tsv=snakemake.output.shared,
)
