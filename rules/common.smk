# What every stage shares: the checked config and sample sheet, the wildcard constraints,
# the sample sheet's columns and the resource helper. Each stage's own input functions
# are in rules/functions/<stage>.smk, included at the top of rules/<stage>.smk.
import hashlib
import os
import re
import sys
from pathlib import Path

import yaml
from snakemake.sourcecache import LocalSourceFile
from snakemake.utils import validate


def workflow_folder(rules_dir):
    """The workflow's own folder on this machine: the one that holds scripts/ and config/.

    Found from this file (rules_dir: workflow.current_basedir while common.smk is read), never
    from the workflow's basedir, which is the caller's folder when neoag is used as a module
    (README, "Deploying"). A remote module (github(...), gitfile(...)) has no folder here: the
    files listed in workflow/deployed_files.txt (the library and the config schemas) are copied
    through Snakemake's source cache into .snakemake/neoag-workflow/<digest of the source>/, and
    PYTHONPATH names its scripts/ for the jobs (whose scripts Snakemake fetches on its own).
    """
    if isinstance(rules_dir, LocalSourceFile):
        return Path(rules_dir.get_path_or_uri(secret_free=False)).parent
    root = rules_dir.join("..")
    source = root.get_path_or_uri(secret_free=True)
    folder = Path(".snakemake/neoag-workflow", hashlib.sha256(source.encode()).hexdigest()[:16]).resolve()
    with workflow.sourcecache.open(root.join("workflow/deployed_files.txt")) as listing:
        names = [line.strip() for line in listing.read().splitlines() if line.strip() and line[0] != "#"]
    for name in names:
        target = folder / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with workflow.sourcecache.open(root.join(name), "rb") as remote:
                target.write_bytes(remote.read())
    # Set for the jobs, not read from the user (so no envvars: directive).
    paths = [str(folder / "scripts"), os.environ.get("PYTHONPATH", "")]
    os.environ.update(PYTHONPATH=os.pathsep.join(path for path in paths if path))
    return folder


WORKFLOW_DIR = workflow_folder(workflow.current_basedir)
# The library imports inside the Snakefile too (preflight checks before any job).
sys.path.insert(0, str(WORKFLOW_DIR / "scripts"))
from neoag.errors import NeoagInputError  # noqa: E402
from neoag.preflight import run_preflight  # noqa: E402
from neoag.preflight.config import check_config_schema  # noqa: E402
from neoag.calling.regions import plan_regions  # noqa: E402

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
    check_config_schema(config, yaml.safe_load(CONFIG_SCHEMA.read_text()))
    validate(config, schema="../config/schemas/config.schema.yaml", set_default=True)
    sheet = run_preflight(config, check_files=workflow.is_main_process)
    if "hla_alleles" not in sheet.columns:
        sheet["hla_alleles"] = ""  # optional when a typer runs (checked above)
    for _, row in sheet.iterrows():
        validate(row.to_dict(), schema="../config/schemas/samples.schema.yaml")
    calling = config["calling"]
    check_min_callers(calling)
    regions = plan_regions(config["reference"]["fasta"] + ".fai", calling["regions"], calling["scatter_size"])
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


# The sample sheet's columns, used by several stages.


def get_tumor_bam(wildcards):
    return samples.loc[wildcards.sample, "tumor_bam"]


def get_normal_bam(wildcards):
    return samples.loc[wildcards.sample, "normal_bam"]


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
