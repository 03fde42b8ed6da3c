# Helpers shared by the rules: configuration, the sample sheet, input functions.
import os
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
        check_sample_sheet(
            sheet,
            path,
            require_hla=config["hla"]["typer"] == "sample_sheet",
            annotation_source=config["annotation"]["source"],
        )
    except NeoagInputError as error:
        sys.exit(f"neoag: error: {error}")
    except (OSError, pd.errors.ParserError) as error:
        sys.exit(
            f"neoag: error: the sample sheet {path} cannot be read ({error}). It must be a "
            "tab-separated file with a header row: sample, tumor_bam, normal_bam, rna_bam, hla_alleles (and optionally vcf)."
        )
    if "hla_alleles" not in sheet.columns:
        sheet["hla_alleles"] = ""  # optional when a typer runs (checked above)
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


def vep_vcf(wildcards):
    """The sample's VEP-annotated VCF when annotation.source is vep, else nothing."""
    if config["annotation"]["source"] != "vep":
        return []
    return [samples.loc[wildcards.sample].get("vcf", "")]


def hla_alleles(wildcards):
    """The sample sheet's HLA alleles of the sample (may be empty when a typer runs)."""
    return samples.loc[wildcards.sample, "hla_alleles"]


def output_parent(wildcards, output):
    """The folder that holds a rule's first output (for tools that take a folder)."""
    return str(Path(output[0]).parent)


def manifest_inputs(wildcards):
    """Every input file of the run, by role, for the manifest's checksums."""
    files = {
        "reference_fasta": config["reference"]["fasta"],
        "reference_gtf": config["reference"]["gtf"],
        "models": config["mhcflurry"]["models"],
    }
    for sample, row in samples.iterrows():
        for column in ("tumor_bam", "normal_bam", "rna_bam"):
            if row.get(column, ""):
                files[f"{sample}.{column}"] = row[column]
    return files
def hla_source_alignments(wildcards):
    """The BAM/CRAM that HLA reads are taken from (config hla.source_bam) and the genome (for CRAM)."""
    column = "normal_bam" if config["hla"]["source_bam"] == "normal" else "tumor_bam"
    return {"bam": samples.loc[wildcards.sample, column], "fasta": config["reference"]["fasta"]}


def typed_hla(wildcards):
    """The typer's result table for rule hla_alleles; nothing when the sample sheet's alleles are used."""
    typer = config["hla"]["typer"]
    if typer == "builtin":
        return {"typed": f"results/{wildcards.sample}/hla/builtin/typing.tsv"}
    if typer == "optitype":
        return {"typed": f"results/{wildcards.sample}/hla/optitype/{wildcards.sample}_result.tsv"}
    return {}


def optitype_outdir(wildcards, output):
    """OptiType's --outdir: the folder of its result table."""
    return os.path.dirname(output.result)
def scored_chunks(wildcards):
    """The sample's scored chunks, in chunk order (known once plan_scoring has run)."""
    chunks_dir = checkpoints.plan_scoring.get(sample=wildcards.sample).output[0]
    chunks = sorted(glob_wildcards(f"{chunks_dir}/{{chunk}}.tsv").chunk)
    return expand("results/{sample}/scores/parts/{chunk}.tsv", sample=wildcards.sample, chunk=chunks)
