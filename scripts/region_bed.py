"""Snakemake adapter: one scatter region -> its BED (plain, and bgzipped with an index)."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.regions import write_region_bed
from neoag.step import run_step

run_step(write_region_bed, snakemake.params.bed, snakemake.output.bed, snakemake.output.gz)
