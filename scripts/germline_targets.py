"""Snakemake adapter: somatic VCF -> BED of windows where germline variants are looked for."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.somatic import germline_targets
from neoag.step import run_step

run_step(
    germline_targets,
    somatic_vcf=snakemake.input.vcf,
    fai_path=snakemake.input.fasta + ".fai",
    flank=snakemake.params.flank,
    bed_path=snakemake.output.bed,
    gtf_path=snakemake.params.gtf,
    transcripts_cache=snakemake.input.transcripts,
)
