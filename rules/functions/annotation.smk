# Input functions of the annotation stage (rules/annotation.smk).

# parse_gtf's memory per MB of GTF text (bench/gtf_cache.py: 840 MiB peak for 1,134 MiB of text,
# with headroom), and the text's size per MB of a gzipped GTF (Ensembl's human GTF: about 1.5 GB in
# a 50 MB .gz file).
GTF_PARSE_MB_PER_MB = 0.75
GTF_GZIP_RATIO = 30


def get_vep_vcf(wildcards):
    """The sample's VEP-annotated VCF when annotation.source is vep, else nothing."""
    if config["annotation"]["source"] != "vep":
        return []
    return [get_sample_vcf(wildcards)]


def get_parse_gtf_mem(wildcards, input, attempt):
    """mem_mb of parse_gtf: it follows the GTF's text (a gzipped GTF counted at GTF_GZIP_RATIO times
    its size): 500 MB + GTF_PARSE_MB_PER_MB per MB, times the attempt."""
    megabytes = input_mb(input, ["gtf"])
    if str(input.gtf).endswith(".gz"):
        megabytes *= GTF_GZIP_RATIO
    return int((500 + GTF_PARSE_MB_PER_MB * megabytes) * attempt)
