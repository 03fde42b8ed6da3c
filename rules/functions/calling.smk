# Input and parameter functions of the calling stage (rules/calling.smk).
import re
import shlex

from neoag.calling.germline import germline_calls_mode


def germline_pieces(pattern):
    """The pattern's paths for each piece of the germline target windows (calling.germline_scatter_jobs)."""
    count = config["calling"]["germline_scatter_jobs"]
    return [pattern.format(piece=f"piece{i:03d}") for i in range(1, count + 1)]


# The selected callers, each once, in config order (preflight checked calling.min_callers).
CALLERS = list(dict.fromkeys(config["calling"]["callers"]))

# GATK wants a sequence dictionary beside the FASTA (genome.fa -> genome.dict).
REFERENCE_DICT = re.sub(r"(\.fa|\.fasta|\.fna)?(\.gz)?$", "", config["reference"]["fasta"]) + ".dict"


def get_region_bed(wildcards):
    """BED text of one scatter region."""
    return REGIONS[wildcards.region].bed()


def get_candidate_callers(wildcards):
    """Where a sample's candidates come from: its own VCF, or the configured callers."""
    return ["vcf"] if get_sample_vcf(wildcards) else CALLERS


def get_caller_candidates(wildcards):
    """The prepared candidates of each of the sample's sources, in config order."""
    return [
        f"results/{wildcards.sample}/calls/{caller}/candidates.vcf.gz" for caller in get_candidate_callers(wildcards)
    ]


def get_min_callers(wildcards):
    return 1 if get_sample_vcf(wildcards) else config["calling"]["min_callers"]


def get_raw_calls(wildcards):
    """A caller's gathered VCF, or the sample's own VCF (caller 'vcf')."""
    if wildcards.caller == "vcf":
        return get_sample_vcf(wildcards)
    return f"results/{wildcards.sample}/calls/{wildcards.caller}/raw.vcf.gz"


def get_scattered_calls(wildcards):
    """The per-region VCFs of a caller, to be gathered (Strelka2: SNVs and indels)."""
    kinds = ["snvs", "indels"] if wildcards.caller == "strelka2" else ["calls"]
    return [
        f"results/{wildcards.sample}/calls/{wildcards.caller}/scatter/{region}.{kind}.vcf.gz"
        for region in REGIONS
        for kind in kinds
    ]


def get_scattered_call_indexes(wildcards):
    return [f"{path}.tbi" for path in get_scattered_calls(wildcards)]


def get_mutect2_scattered(wildcards):
    return [f"results/{wildcards.sample}/calls/mutect2/scatter/{region}.calls.vcf.gz" for region in REGIONS]


def get_mutect2_stats(wildcards):
    return [f"{path}.stats" for path in get_mutect2_scattered(wildcards)]


def get_mutect2_resources(wildcards):
    """The optional germline resource and panel of normals (with their indexes)."""
    options = config["calling"]["mutect2"]
    paths = [options[key] for key in ("germline_resource", "panel_of_normals") if options[key]]
    return paths + [f"{path}.tbi" for path in paths]


def get_mutect2_options(wildcards):
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


def get_java_heap(wildcards, resources):
    """-Xmx for a GATK job: most of its memory, leaving room for the JVM itself."""
    return f"-Xmx{int(resources.mem_mb * 0.8)}m"


def get_mutect2_gather_arguments(wildcards, input):
    """-I/--stats lists of the per-region Mutect2 outputs, for MergeVcfs and MergeMutectStats."""
    vcfs = " ".join(f"-I {shlex.quote(path)}" for path in input.vcfs)
    stats = " ".join(f"--stats {shlex.quote(path)}" for path in input.stats)
    return {"vcfs": vcfs, "stats": stats}


def get_manta_indels(wildcards):
    """Manta's candidate small indels for Strelka2, when switched on."""
    if config["calling"]["strelka2"]["manta"]:
        return [f"results/{wildcards.sample}/calls/manta/candidateSmallIndels.vcf.gz"]
    return []


def get_strelka2_options(wildcards, input):
    """configureStrelkaSomaticWorkflow.py options: Manta indel candidates, exome mode."""
    arguments = [f"--indelCandidates {shlex.quote(path)}" for path in input.indels]
    if config["calling"]["strelka2"]["exome"]:
        arguments.append("--exome")
    return " ".join(arguments)


def get_dna_bams(wildcards):
    """The tumor BAM and the normal BAM (none for a tumor-only sample), quoted for a shell command."""
    return " ".join(shlex.quote(path) for path in [get_tumor_bam(wildcards), get_normal_bam(wildcards)] if path)


def get_mutect2_normal(wildcards):
    """The normal BAM and its read-group name file for Mutect2; none for a tumor-only sample."""
    if not get_normal_bam(wildcards):
        return {}
    return {
        "normal": get_normal_bam(wildcards),
        "normal_name": f"results/{wildcards.sample}/calls/mutect2/normal_sample.txt",
    }


def get_mutect2_normal_arguments(wildcards, input):
    """--input NORMAL --normal-sample NAME, or nothing (Mutect2's tumor-only mode)."""
    if "normal" not in input.keys():
        return ""
    return f'--input {shlex.quote(input.normal)} --normal-sample "$(cat {shlex.quote(input.normal_name)})"'


def get_tumor_only_filters(wildcards):
    """config tumor_only, for a tumor-only sample's somatic decision (None for the others)."""
    return config["tumor_only"] if wildcards.sample in TUMOR_ONLY_SAMPLES else None


def get_tumor_only_resources(wildcards):
    """The germline resource VCFs of a tumor-only sample (a new file reruns its decision); none for
    the others (their indexes, .tbi or .csi, checked by the preflight)."""
    if wildcards.sample not in TUMOR_ONLY_SAMPLES:
        return []
    return [config["tumor_only"][key] for key in ("panel_of_normals", "population_vcf") if config["tumor_only"][key]]


# germline.calls of each paired sample: (mode, why a requested joint falls back to normal).
GERMLINE_CALLS = {
    name: germline_calls_mode(
        config["germline"]["calls"], CALLERS, config["calling"]["min_callers"], bool(samples.loc[name].get("vcf", ""))
    )
    for name in PAIRED_SAMPLES
}
# Paired samples whose germline variants are called again in the normal (call_germline).
NORMAL_GERMLINE_SAMPLES = [name for name, (mode, _) in GERMLINE_CALLS.items() if mode == "normal"]


def get_germline_inputs(wildcards):
    """select_germline's inputs: evidence and windows (germline.calls joint), or the calls in the
    normal, the candidates and the BAMs (normal)."""
    sample = wildcards.sample
    if sample not in NORMAL_GERMLINE_SAMPLES:
        return {
            "evidence": f"results/{sample}/calls/evidence.tsv",
            "targets": f"results/{sample}/calls/germline/targets.bed",
        }
    return {
        "calls": f"results/{sample}/calls/germline/calls.vcf.gz",
        "index": f"results/{sample}/calls/germline/calls.vcf.gz.tbi",
        "candidates": f"results/{sample}/calls/candidates.vcf.gz",
        "tumor": get_tumor_bam(wildcards),
        "normal": get_normal_bam(wildcards),
    }


def get_germline_threads(wildcards):
    """Counting processes of select_germline: calling.evidence_threads in normal mode; joint counts nothing."""
    return config["calling"]["evidence_threads"] if wildcards.sample in NORMAL_GERMLINE_SAMPLES else 1


def get_germline_mode(wildcards):
    """{'mode': joint or normal, 'reason': why joint fell back to normal ('' if it did not)}."""
    mode, reason = GERMLINE_CALLS[wildcards.sample]
    return {"mode": mode, "reason": reason}
