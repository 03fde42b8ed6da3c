# Input and parameter functions of the exports stage (rules/exports.smk).


def get_skipped_tables(wildcards):
    """The skipped.tsv of each of the sample's call sources (its callers, or 'vcf')."""
    return [f"results/{wildcards.sample}/calls/{caller}/skipped.tsv" for caller in get_candidate_callers(wildcards)]


def get_pvacview_settings(wildcards):
    """What the pVACview metrics JSON records: filters, tiers, transcript set, purity, copy number."""
    return {
        "filters": config["filters"],
        "tiers": config["tiers"],
        "transcripts": config["annotation"]["transcripts"],
        **get_sample_clonality(wildcards),
    }
