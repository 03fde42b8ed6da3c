"""Snakemake adapter: results/cohort/ tables -> results/cohort/report.html."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.cohort import write_cohort_report
from neoag.step import run_step

run_step(
    write_cohort_report,
    summary_tsv=snakemake.input.summary,
    shared_tsv=snakemake.input.shared,
    out_html=snakemake.output[0],
)
