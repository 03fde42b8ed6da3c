"""Snakemake adapter: peptides + scores + evidence -> all_epitopes, candidates, variants."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.ranking.clonality import Clonality
from neoag.ranking.rank import Filters, write_rankings
from neoag.ranking.tiers import TierSettings
from neoag.step import run_step

run_step(
    write_rankings,
    sample=snakemake.wildcards.sample,
    peptides_tsv=snakemake.input.peptides,
    annotations_tsv=snakemake.input.annotations,
    evidence_tsv=snakemake.input.evidence,
    scores_npz=snakemake.input.scores,
    filters=Filters(**snakemake.params.filters),
    all_epitopes_tsv=snakemake.output.all_epitopes,
    candidates_tsv=snakemake.output.candidates,
    variants_tsv=snakemake.output.variants,
    expression_tsv=snakemake.input.expression[0] if snakemake.input.expression else None,
    proteome_fasta=snakemake.input.proteome,
    tiers=TierSettings(**snakemake.params.tiers),
    clonality=Clonality(**snakemake.params.clonality),
    workers=snakemake.threads,
)
