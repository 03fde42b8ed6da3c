# Input functions of the report stage (rules/report.smk).


def get_manifest_inputs(wildcards):
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


def get_skipped_tables(wildcards):
    """skipped.tsv of each of the sample's call sources (the report lists what was skipped and why)."""
    return [f"results/{wildcards.sample}/calls/{caller}/skipped.tsv" for caller in get_candidate_callers(wildcards)]
