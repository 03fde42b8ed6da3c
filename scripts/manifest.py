"""Snakemake adapter: config, inputs, models, versions -> results/manifest.json."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

from neoag.report.manifest import write_manifest
from neoag.step import run_step

inputs = {role: [str(path)] for role, path in snakemake.input.items() if role != "models"}
run_step(
    write_manifest,
    config=snakemake.params.config,
    samples=snakemake.params.samples,
    inputs=inputs,
    models_dir=snakemake.input.models,
    out=snakemake.output[0],
    sample_kinds=snakemake.params.sample_kinds,
)
