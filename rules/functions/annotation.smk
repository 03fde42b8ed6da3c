# Input functions of the annotation stage (rules/annotation.smk).


def get_vep_vcf(wildcards):
    """The sample's VEP-annotated VCF when annotation.source is vep, else nothing."""
    if config["annotation"]["source"] != "vep":
        return []
    return [get_sample_vcf(wildcards)]
