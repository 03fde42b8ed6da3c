"""Snakemake adapter: the patient's germline VCF near somatic variants, from the joint call's
evidence (germline.calls joint) or from the calls in the normal (normal)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.evidence import ReadFilters
from neoag.calling.germline import germline_from_joint
from neoag.calling.somatic import GermlineFilters, SomaticFilters, select_germline
from neoag.step import run_step

mode = snakemake.params.mode
print(f"germline.calls: {mode['mode']}" + (f" ({mode['reason']})" if mode["reason"] else ""), file=sys.stderr)
common = dict(
    fasta_path=snakemake.input.fasta,
    germline_vcf=snakemake.output.vcf,
    filters=SomaticFilters(**snakemake.params.somatic),
    germline_filters=GermlineFilters(**snakemake.params.germline),
)
if mode["mode"] == "joint":
    run_step(germline_from_joint, evidence_tsv=snakemake.input.evidence, targets_bed=snakemake.input.targets, **common)
else:
    run_step(
        select_germline,
        germline_calls_vcf=snakemake.input.calls,
        candidates_vcf=snakemake.input.candidates,
        tumor_bam=snakemake.input.tumor,
        normal_bam=snakemake.input.normal,
        read_filters=ReadFilters(**snakemake.params.evidence),
        workers=snakemake.threads,
        **common,
    )
