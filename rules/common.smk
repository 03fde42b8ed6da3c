# Helpers shared by the rules: configuration, the sample sheet, input functions.
import os
import re
import shlex
import sys
from pathlib import Path

import pandas as pd
from snakemake.utils import validate

# The library imports inside the Snakefile too (preflight checks before any job).
sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from neoag.errors import NeoagInputError  # noqa: E402
from neoag.preflight import check_config_schema, run_preflight  # noqa: E402
from neoag.calling.regions import plan_regions  # noqa: E402

CONFIG_SCHEMA = Path(workflow.basedir) / "config/schemas/config.schema.yaml"


def preflight_config(config):
    """The config against its schema, with a message naming the key (before Snakemake's validation,
    which fills in the defaults)."""
    import yaml

    try:
        check_config_schema(config, yaml.safe_load(CONFIG_SCHEMA.read_text()))
    except NeoagInputError as error:
        sys.exit(f"neoag: error: {error}")


def load_samples(config):
    """The preflight checks (docs/preflight.md) and the validated sample sheet; text cells stay text.

    Bad input ends the run here, before any job, with one paragraph (sys.exit
    prints it without a stack trace). The files are checked in the main
    process only: on a cluster every job parses this Snakefile again, and
    hundreds of jobs need not each read every BAM header and the GTF.
    """
    try:
        sheet = run_preflight(config, check_files=workflow.is_main_process)
    except NeoagInputError as error:
        sys.exit(f"neoag: error: {error}")
    if "hla_alleles" not in sheet.columns:
        sheet["hla_alleles"] = ""  # optional when a typer runs (checked above)
    for _, row in sheet.iterrows():
        validate(row.to_dict(), schema="../config/schemas/samples.schema.yaml")
    return sheet.set_index("sample", drop=False)


preflight_config(config)
validate(config, schema="../config/schemas/config.schema.yaml", set_default=True)
samples = load_samples(config)


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


# ---------------------------------------------------------------------------
# Variant calling: callers, scatter regions, user VCFs
# ---------------------------------------------------------------------------

CALLERS = list(dict.fromkeys(config["calling"]["callers"]))
if config["calling"]["min_callers"] > len(CALLERS):
    sys.exit(
        f"neoag: error: calling.min_callers is {config['calling']['min_callers']} but only "
        f"{len(CALLERS)} caller(s) are selected in calling.callers ({', '.join(CALLERS)}). "
        "Lower min_callers or add callers."
    )
try:
    REGIONS = {
        region.name: region
        for region in plan_regions(
            config["reference"]["fasta"] + ".fai", config["calling"]["regions"], config["calling"]["scatter_size"]
        )
    }
except NeoagInputError as error:
    sys.exit(f"neoag: error: {error}")

# GATK wants a sequence dictionary beside the FASTA (genome.fa -> genome.dict).
REFERENCE_DICT = re.sub(r"(\.fa|\.fasta|\.fna)?(\.gz)?$", "", config["reference"]["fasta"]) + ".dict"


wildcard_constraints:
    region="|".join(re.escape(name) for name in REGIONS),
    caller="freebayes|bcftools|mutect2|strelka2|vcf",


def sample_vcf(wildcards):
    """The sample's own VCF from the sample sheet ('' when its variants are called from the BAMs)."""
    return samples.loc[wildcards.sample].get("vcf", "")


def candidate_callers(wildcards):
    """Where a sample's candidates come from: its own VCF, or the configured callers."""
    return ["vcf"] if sample_vcf(wildcards) else CALLERS


def caller_candidates(wildcards):
    """The prepared candidates of each of the sample's sources, in config order."""
    return [f"results/{wildcards.sample}/calls/{caller}/candidates.vcf.gz" for caller in candidate_callers(wildcards)]


def min_callers(wildcards):
    return 1 if sample_vcf(wildcards) else config["calling"]["min_callers"]


def raw_calls(wildcards):
    """A caller's gathered VCF, or the sample's own VCF (caller 'vcf')."""
    if wildcards.caller == "vcf":
        return sample_vcf(wildcards)
    return f"results/{wildcards.sample}/calls/{wildcards.caller}/raw.vcf.gz"


def scattered_calls(wildcards):
    """The per-region VCFs of a caller, to be gathered (Strelka2: SNVs and indels)."""
    kinds = ["snvs", "indels"] if wildcards.caller == "strelka2" else ["calls"]
    return [
        f"results/{wildcards.sample}/calls/{wildcards.caller}/scatter/{region}.{kind}.vcf.gz"
        for region in REGIONS
        for kind in kinds
    ]


def scattered_call_indexes(wildcards):
    return [f"{path}.tbi" for path in scattered_calls(wildcards)]


def mutect2_scattered(wildcards):
    return [f"results/{wildcards.sample}/calls/mutect2/scatter/{region}.calls.vcf.gz" for region in REGIONS]


def mutect2_stats(wildcards):
    return [f"{path}.stats" for path in mutect2_scattered(wildcards)]


def region_bed(wildcards):
    """BED text of one scatter region."""
    return REGIONS[wildcards.region].bed()


def mutect2_resources(wildcards):
    """The optional germline resource and panel of normals (with their indexes)."""
    options = config["calling"]["mutect2"]
    paths = [options[key] for key in ("germline_resource", "panel_of_normals") if options[key]]
    return paths + [f"{path}.tbi" for path in paths]


def mutect2_options(wildcards):
    """Mutect2 arguments for the optional resources, and the user's extra arguments."""
    options = config["calling"]["mutect2"]
    arguments = []
    if options["germline_resource"]:
        arguments.append(f"--germline-resource {shlex.quote(options['germline_resource'])}")
    if options["panel_of_normals"]:
        arguments.append(f"--panel-of-normals {shlex.quote(options['panel_of_normals'])}")
    if options["extra"]:
        arguments.append(options["extra"])  # no shell syntax (checked by the preflight)
    return " ".join(arguments)


def java_heap(wildcards, resources):
    """-Xmx for a GATK job: most of its memory, leaving room for the JVM itself."""
    return f"-Xmx{int(resources.mem_mb * 0.8)}m"


def mutect2_gather_arguments(wildcards, input):
    """-I/--stats lists of the per-region Mutect2 outputs, for MergeVcfs and MergeMutectStats."""
    vcfs = " ".join(f"-I {shlex.quote(path)}" for path in input.vcfs)
    stats = " ".join(f"--stats {shlex.quote(path)}" for path in input.stats)
    return {"vcfs": vcfs, "stats": stats}


def manta_indels(wildcards):
    """Manta's candidate small indels for Strelka2, when switched on."""
    if config["calling"]["strelka2"]["manta"]:
        return [f"results/{wildcards.sample}/calls/manta/candidateSmallIndels.vcf.gz"]
    return []


def strelka2_options(wildcards, input):
    """configureStrelkaSomaticWorkflow.py options: Manta indel candidates, exome mode."""
    arguments = [f"--indelCandidates {shlex.quote(path)}" for path in input.indels]
    if config["calling"]["strelka2"]["exome"]:
        arguments.append("--exome")
    return " ".join(arguments)


def sample_expression(wildcards):
    """The sample's expression table (TPM), or nothing."""
    path = samples.loc[wildcards.sample].get("expression", "")
    return [path] if path else []


def normalised_expression(wildcards):
    """neoag's expression table of the sample, or nothing when the sheet gives none."""
    if sample_expression(wildcards):
        return [f"results/{wildcards.sample}/expression/expression.tsv"]
    return []


def sample_clonality(wildcards):
    """The sample sheet's purity and copy_number of the sample (None when not given)."""
    row = samples.loc[wildcards.sample]
    return {column: float(row[column]) if row.get(column, "") else None for column in ("purity", "copy_number")}


def anchor_positions_file(wildcards):
    """The per-allele anchor positions TSV (config tiers.anchor_positions), or nothing."""
    path = config["tiers"]["anchor_positions"]
    return [path] if path else []


def manifest_inputs(wildcards):
    """Every input file of the run, by role, for the manifest's checksums."""
    files = {
        "reference_fasta": config["reference"]["fasta"],
        "reference_gtf": config["reference"]["gtf"],
        "models": config["mhcflurry"]["models"],
    }
    for sample, row in samples.iterrows():
        for column in ("tumor_bam", "normal_bam", "rna_bam", "vcf", "expression"):
            if row.get(column, ""):
                files[f"{sample}.{column}"] = row[column]
    if config["calling"]["regions"]:
        files["calling_regions"] = config["calling"]["regions"]
    if config["tiers"]["anchor_positions"]:
        files["anchor_positions"] = config["tiers"]["anchor_positions"]
    for key in ("germline_resource", "panel_of_normals"):
        if config["calling"]["mutect2"][key]:
            files[f"mutect2_{key}"] = config["calling"]["mutect2"][key]
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
    return expand("results/{sample}/scores/parts/{chunk}.npz", sample=wildcards.sample, chunk=chunks)
