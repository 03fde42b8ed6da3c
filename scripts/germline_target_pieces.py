"""Snakemake adapter: the germline windows (BED) -> pieces of about equal size for call_germline."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.calling.somatic import split_targets
from neoag.step import run_step

run_step(split_targets, bed_path=snakemake.input.bed, piece_beds=list(snakemake.output.pieces))
