"""Snakemake adapter: MultiQC itself on neoag's custom content, with the Python that runs this
script (the venv's locally, the multiqc env's with --sdm conda), offline: no version check, no AI."""

import subprocess
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)

command = [
    sys.executable, "-m", "multiqc", "--force", "--no-version-check", "--no-ai",
    "--outdir", snakemake.params.outdir, *snakemake.input,
]  # fmt: skip
subprocess.run(command, stdout=sys.stderr, stderr=sys.stderr, check=True)
