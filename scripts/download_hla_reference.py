"""Snakemake adapter: an IPD-IMGT/HLA release -> the built-in typer's exon 2-3 and genomic class I references."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.hla.download import download_reference
from neoag.step import run_step

run_step(
    download_reference,
    release=snakemake.params.release,
    url_template=snakemake.params.url,
    out_fasta=snakemake.output.exon,
    out_genomic=snakemake.output.genomic,
)
