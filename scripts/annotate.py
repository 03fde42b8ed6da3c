"""Snakemake adapter: somatic VCF + GTF + FASTA (+ germline VCF, BAMs; or a VEP VCF) -> annotations.tsv."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.annotation.annotate import annotate_vcf
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseSettings
from neoag.step import run_step

annotation = snakemake.params.annotation
run_step(
    annotate_vcf,
    vcf_path=snakemake.input.vcf,
    gtf_path=snakemake.params.gtf,
    fasta_path=snakemake.input.fasta,
    out_path=snakemake.output[0],
    transcripts=annotation["transcripts"],
    source=annotation["source"],
    vep_vcf=snakemake.input.vep[0] if snakemake.input.vep else None,
    germline_vcf=snakemake.input.germline,
    tumor_bam=snakemake.input.tumor or None,
    normal_bam=snakemake.input.normal or None,
    rna_bam=snakemake.input.rna[0] if snakemake.input.rna else None,
    phase_neighbours=annotation["phase_neighbours"],
    phasing=PhaseSettings(**annotation["phasing"]),
    read_filters=ReadFilters(**snakemake.params.evidence),
    peptide_lengths=tuple(snakemake.params.peptides["lengths"]),
    flank_length=snakemake.params.peptides["flank_length"],
    transcripts_cache=snakemake.input.transcripts,
)
