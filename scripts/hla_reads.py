"""Snakemake adapter: HLA-region and unmapped reads of the normal (or tumor) BAM -> FASTQ."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.hla.reads import extract_hla_reads
from neoag.step import run_step

run_step(
    extract_hla_reads,
    alignments=snakemake.input.bam,
    out_1=snakemake.output.reads_1,
    out_2=snakemake.output.reads_2,
    out_single=snakemake.output.single,
    region=snakemake.params.region,
    contigs=snakemake.params.contigs,
    unmapped=snakemake.params.unmapped,
    reference_fasta=snakemake.input.fasta,
)
