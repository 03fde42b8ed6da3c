"""Snakemake adapter: one sample's tables -> MultiQC custom content (*_mqc.yaml)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.multiqc import write_multiqc_content
from neoag.step import run_step

run_step(
    write_multiqc_content,
    sample=snakemake.wildcards.sample,
    cohort_summary_tsv=snakemake.input.cohort_summary,
    variants_tsv=snakemake.input.variants,
    candidates_tsv=snakemake.input.candidates,
    alleles_tsv=snakemake.input.alleles,
    typing_report_tsv=snakemake.input.typing_report,
    evidence_tsv=snakemake.input.evidence,
    skipped_tsvs=list(snakemake.input.skipped),
    out_summary=snakemake.output.summary,
    out_tiers=snakemake.output.tiers,
    out_general_stats=snakemake.output.general_stats,
)
