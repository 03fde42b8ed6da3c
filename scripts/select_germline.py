"""Snakemake adapter: calls in the normal near somatic variants -> the patient's germline VCF."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.evidence import ReadFilters
from neoag.calling.somatic import GermlineFilters, SomaticFilters, select_germline
from neoag.step import run_step

run_step(
    select_germline,
    germline_calls_vcf=snakemake.input.calls,
    candidates_vcf=snakemake.input.candidates,
    tumor_bam=snakemake.input.tumor,
    normal_bam=snakemake.input.normal,
    fasta_path=snakemake.input.fasta,
    germline_vcf=snakemake.output.vcf,
    filters=SomaticFilters(**snakemake.params.somatic),
    germline_filters=GermlineFilters(**snakemake.params.germline),
    read_filters=ReadFilters(**snakemake.params.evidence),
)
