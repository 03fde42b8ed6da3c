# Input and parameter functions of the HLA stage (rules/hla.smk).


def get_hla_source_alignments(wildcards):
    """The BAM/CRAM that HLA reads are taken from (config hla.source_bam; the tumor for a tumor-only
    sample) and the genome (for CRAM)."""
    column = "normal_bam" if config["hla"]["source_bam"] == "normal" else "tumor_bam"
    if not samples.loc[wildcards.sample, column]:
        column = "tumor_bam"  # a tumor-only sample: typed from the tumor
    return {"bam": samples.loc[wildcards.sample, column], "fasta": config["reference"]["fasta"]}


def get_hla_typer(wildcards):
    """config hla.typer; sample_sheet for a VCF-only sample without hla_fastq1/2 (no reads to type)."""
    row = samples.loc[wildcards.sample]
    if not row["tumor_bam"] and not row.get("hla_fastq1", ""):
        return "sample_sheet"
    return config["hla"]["typer"]


def get_typed_hla(wildcards):
    """The typer's result table for rule hla_alleles; nothing when the sample sheet's alleles are used."""
    typer = get_hla_typer(wildcards)
    if typer == "builtin":
        return {"typed": f"results/{wildcards.sample}/hla/builtin/typing.tsv"}
    if typer == "optitype":
        return {"typed": f"results/{wildcards.sample}/hla/optitype/{wildcards.sample}_result.tsv"}
    return {}


def get_sheet_hla_alleles(wildcards):
    """The sample sheet's HLA alleles of the sample (may be empty when a typer runs)."""
    return samples.loc[wildcards.sample, "hla_alleles"]


def get_hla_read_pairs(wildcards):
    """The read pairs typed: the sample sheet's hla_fastq1/hla_fastq2 when given, else the pairs
    that rule hla_reads extracts from the BAM."""
    row = samples.loc[wildcards.sample]
    if row.get("hla_fastq1", ""):
        return {"reads_1": row["hla_fastq1"], "reads_2": row["hla_fastq2"]}
    folder = f"results/{wildcards.sample}/hla/reads"
    return {"reads_1": f"{folder}/reads_1.fq", "reads_2": f"{folder}/reads_2.fq"}


def get_hla_reads(wildcards):
    """get_hla_read_pairs, plus the single reads extracted from the BAM (none with FASTQ input)."""
    reads = get_hla_read_pairs(wildcards)
    if not samples.loc[wildcards.sample].get("hla_fastq1", ""):
        reads["single"] = f"results/{wildcards.sample}/hla/reads/reads_single.fq"
    return reads


def get_hla_download_url(wildcards):
    """hla.download.url as it is: a function, so that Snakemake does not read its {release}, {locus} and
    {kind} fields as wildcards (a plain string param made the rule fail to parse)."""
    return config["hla"]["download"]["url"]
