# What every stage shares: the checked config and sample sheet, the wildcard constraints,
# the sample sheet's columns and the resource helper. Each stage's own input functions
# are in rules/functions/<stage>.smk, included at the top of rules/<stage>.smk.
import re
import sys
from pathlib import Path

import yaml
from snakemake.utils import validate

# The library imports inside the Snakefile too (preflight checks before any job); rules/library.smk
# put it on sys.path and set WORKFLOW_DIR.
from neoag.errors import NeoagInputError  # noqa: E402
from neoag.preflight import run_preflight  # noqa: E402
from neoag.preflight.config import check_config_schema, type_by_schema  # noqa: E402
from neoag.calling.regions import plan_regions  # noqa: E402
from neoag.preflight.sheet import sample_kind  # noqa: E402

CONFIG_SCHEMA = WORKFLOW_DIR / "config/schemas/config.schema.yaml"


def check_min_callers(calling):
    """Consensus cannot ask for more callers than are selected."""
    callers = list(dict.fromkeys(calling["callers"]))
    if calling["min_callers"] > len(callers):
        raise NeoagInputError(
            f"calling.min_callers is {calling['min_callers']} but only {len(callers)} caller(s) are "
            f"selected in calling.callers ({', '.join(callers)}). Lower min_callers or add callers."
        )


def preflight(config):
    """Every check that runs before any job (docs/preflight.md), cheapest first.

    The config against its schema (with a message naming the key, before Snakemake's
    validation fills in the defaults), the sample sheet and its files, the callers and the
    scatter regions. Returns the validated sample sheet (text cells stay text) and the
    regions by name; bad input raises NeoagInputError. The files are read in the main
    process only: on a cluster every job parses this Snakefile again, and hundreds of jobs
    need not each read every BAM header and the GTF.
    """
    schema = yaml.safe_load(CONFIG_SCHEMA.read_text())
    type_by_schema(config, schema)  # --config somatic='{min_tumor_vaf: 0.1}' arrives as text
    check_config_schema(config, schema)
    validate(config, schema="../config/schemas/config.schema.yaml", set_default=True)
    sheet = run_preflight(config, check_files=workflow.is_main_process)
    if "hla_alleles" not in sheet.columns:
        sheet["hla_alleles"] = ""  # optional when a typer runs (checked above)
    for column in ("tumor_bam", "normal_bam"):
        if column not in sheet.columns:
            sheet[column] = ""  # a sheet of VCF-only samples only (checked above)
    for _, row in sheet.iterrows():
        validate(row.to_dict(), schema="../config/schemas/samples.schema.yaml")
    calling = config["calling"]
    check_min_callers(calling)
    regions = plan_regions(
        config["reference"]["fasta"] + ".fai", calling["regions"], calling["scatter_size"], calling["scatter_jobs"]
    )
    return sheet.set_index("sample", drop=False), {region.name: region for region in regions}


def preflight_or_exit(config):
    """preflight(config); bad input ends the run here, before any job, with one paragraph
    (sys.exit prints it without a stack trace). The only exit of the workflow's own code."""
    try:
        return preflight(config)
    except NeoagInputError as error:
        sys.exit(f"neoag: error: {error}")


samples, REGIONS = preflight_or_exit(config)


wildcard_constraints:
    sample="|".join(samples.index),
    chunk="[0-9]+",
    region="|".join(re.escape(name) for name in REGIONS),
    caller="freebayes|bcftools|mutect2|strelka2|vcf",


def scaled(base):
    """A resource that grows with each retry of a failed job (attempt 1, 2, ...)."""

    def by_attempt(wildcards, attempt):
        return base * attempt

    return by_attempt


def input_mb(input, names):
    """Size in MB of the named inputs of a job (each a file, a list of files or a folder's files; an
    int names an unnamed input by position)."""
    total = 0
    for name in names:
        files = input[name] if isinstance(name, int) else getattr(input, name, [])
        for path in [files] if isinstance(files, str) else files:
            path = Path(path)
            total += sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size
    return total / 2**20


def mem_by_input(base, per_mb, *names, per_thread=0):
    """mem_mb that grows with the named inputs and with each retry: (base + per_mb x their MB) x attempt,
    plus per_thread MB for each thread after the first (a job whose processes each hold some work).

    base and per_mb come from bench/memory.py (figures in bench/README.md, "Memory by input size").
    Before the inputs exist Snakemake evaluates it again once they do.
    """

    def by_input(wildcards, input, threads, attempt):
        return int((base + per_thread * (threads - 1) + per_mb * input_mb(input, names)) * attempt)

    return by_input


# The sample sheet's columns, used by several stages.


def get_tumor_bam(wildcards):
    """The tumor BAM/CRAM, or nothing for a VCF-only sample."""
    return samples.loc[wildcards.sample, "tumor_bam"] or []


def get_normal_bam(wildcards):
    """The normal BAM/CRAM, or nothing for a VCF-only or tumor-only sample."""
    return samples.loc[wildcards.sample, "normal_bam"] or []


def sample_pattern(names):
    """A wildcard constraint that matches exactly these sample IDs (none: matches nothing)."""
    return "|".join(names) or "(?!)"


# VCF-only samples (no tumor_bam, no normal_bam): the caller's somatic VCF is trusted (rule
# somatic_from_vcf instead of select_somatic, no germline calling, no read-backed phasing).
VCF_ONLY_SAMPLES = [name for name in samples.index if not samples.loc[name, "tumor_bam"]]
READ_SAMPLES = [name for name in samples.index if name not in VCF_ONLY_SAMPLES]
# Tumor-only samples (tumor_bam, no normal_bam): neoag's own tumor evidence, germline variants
# removed by config tumor_only (select_somatic), germline neighbours from those (germline_from_tumor).
TUMOR_ONLY_SAMPLES = [name for name in READ_SAMPLES if not samples.loc[name, "normal_bam"]]
PAIRED_SAMPLES = [name for name in READ_SAMPLES if name not in TUMOR_ONLY_SAMPLES]


def get_sample_kind(wildcards):
    """tumor_normal, tumor_only or vcf_only (neoag.preflight.sheet.sample_kind)."""
    return sample_kind(samples.loc[wildcards.sample].to_dict())


def get_rna_bam(wildcards):
    """The RNA BAM, or nothing when the sample has none."""
    path = samples.loc[wildcards.sample].get("rna_bam", "")
    return [path] if path else []


def get_sample_vcf(wildcards):
    """The sample's own VCF from the sample sheet ('' when its variants are called from the BAMs)."""
    return samples.loc[wildcards.sample].get("vcf", "")


def get_sample_expression(wildcards):
    """The sample's expression table (TPM), or nothing."""
    path = samples.loc[wildcards.sample].get("expression", "")
    return [path] if path else []


def get_output_folder(wildcards, output):
    """The folder that holds a rule's first output (for tools that take a folder)."""
    return str(Path(output[0]).parent)
