# Helpers shared by the rules: configuration, the sample sheet, input functions.
import sys
from pathlib import Path

import pandas as pd
from snakemake.utils import validate

# The library imports inside the Snakefile too (preflight checks before any job).
sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from neoag.errors import NeoagInputError  # noqa: E402
from neoag.preflight import check_sample_sheet  # noqa: E402

validate(config, schema="../config/schemas/config.schema.yaml", set_default=True)


def load_samples(path):
    """The sample sheet, validated; text cells stay text (no NaN for empty rna_bam).

    Bad input ends the run here, before any job, with one paragraph (sys.exit
    prints it without a stack trace).
    """
    try:
        sheet = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment=None)
        check_sample_sheet(sheet, path)
    except NeoagInputError as error:
        sys.exit(f"neoag: error: {error}")
    except (OSError, pd.errors.ParserError) as error:
        sys.exit(
            f"neoag: error: the sample sheet {path} cannot be read ({error}). It must be a "
            "tab-separated file with a header row: sample, tumor_bam, normal_bam, rna_bam, hla_alleles."
        )
    for _, row in sheet.iterrows():
        validate(row.to_dict(), schema="../config/schemas/samples.schema.yaml")
    return sheet.set_index("sample", drop=False)


samples = load_samples(config["samples"])


wildcard_constraints:
    sample="|".join(samples.index),
    chunk="[0-9]+",


def scaled(base):
    """A resource that grows with each retry of a failed job (attempt 1, 2, ...)."""

    def by_attempt(wildcards, attempt):
        return base * attempt

    return by_attempt


def tumor_bam(wildcards):
    return samples.loc[wildcards.sample, "tumor_bam"]


def normal_bam(wildcards):
    return samples.loc[wildcards.sample, "normal_bam"]


def rna_bam(wildcards):
    """The RNA BAM, or nothing when the sample has none."""
    path = samples.loc[wildcards.sample].get("rna_bam", "")
    return [path] if path else []


def hla_alleles(wildcards):
    return samples.loc[wildcards.sample, "hla_alleles"]


def output_parent(wildcards, output):
    """The folder that holds a rule's first output (for tools that take a folder)."""
    return str(Path(output[0]).parent)


def scored_chunks(wildcards):
    """The sample's scored chunks, in chunk order (known once plan_scoring has run)."""
    chunks_dir = checkpoints.plan_scoring.get(sample=wildcards.sample).output[0]
    chunks = sorted(glob_wildcards(f"{chunks_dir}/{{chunk}}.tsv").chunk)
    return expand("results/{sample}/scores/parts/{chunk}.tsv", sample=wildcards.sample, chunk=chunks)
