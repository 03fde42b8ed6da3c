# Protein consequences of the somatic variants: one row per variant and overlapping
# protein-coding transcript. From the GTF and the genome FASTA (no VEP cache), with
# read-phased germline/somatic neighbours in the peptide context; or read from a
# VEP-annotated VCF (annotation.source: vep). Beside them, what else the ranking looks up
# by transcript: the reference proteome of the GTF and the sample's expression table.
# The GTF is parsed once (parse_gtf), and every step that needs transcripts reads that.
from neoag.transcript_cache import VERSION as TRANSCRIPT_CACHE_VERSION  # noqa: E402


include: "functions/annotation.smk"


rule parse_gtf:
    # The GTF's transcript models (with the stop codons only the genome shows), parsed once per
    # reference and shared by the samples: annotate, reference_proteome, expression,
    # germline_targets and cohort_summary load it (neoag.transcript_cache). A new cache format
    # (params) rebuilds it.
    input:
        gtf=config["reference"]["gtf"],
        fasta=config["reference"]["fasta"],
    output:
        "results/reference/transcripts.pkl",
    log:
        "logs/parse_gtf.log",
    benchmark:
        "benchmarks/parse_gtf.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=get_parse_gtf_mem,
        runtime=scaled(30),
    params:
        cache_format=TRANSCRIPT_CACHE_VERSION,
    script:
        "../scripts/parse_gtf.py"


rule annotate:
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        germline="results/{sample}/calls/germline.vcf.gz",
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        rna=get_rna_bam,
        vep=get_vep_vcf,
        transcripts="results/reference/transcripts.pkl",
        fasta=config["reference"]["fasta"],
    output:
        "results/{sample}/annotation/annotations.tsv",
    log:
        "logs/annotate/{sample}.log",
    benchmark:
        "benchmarks/annotate/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(4000, 10, "vcf", "germline"),
        runtime=scaled(60),
    params:
        gtf=config["reference"]["gtf"],
        annotation=config["annotation"],
        evidence=config["evidence"],
        peptides=config["peptides"],
    script:
        "../scripts/annotate.py"


rule reference_proteome:
    # Translations of every coding transcript of the GTF, built once per run; mutant
    # peptides found verbatim in it are flagged (or removed: filters.reference_match).
    input:
        transcripts="results/reference/transcripts.pkl",
        fasta=config["reference"]["fasta"],
    output:
        "results/reference/proteome.fa",
    log:
        "logs/reference_proteome.log",
    benchmark:
        "benchmarks/reference_proteome.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(30),
    params:
        gtf=config["reference"]["gtf"],
    script:
        "../scripts/reference_proteome.py"


rule expression:
    # The sample's TPM table (salmon, kallisto, StringTie, RSEM), keyed by the GTF's IDs.
    input:
        table=get_sample_expression,
        transcripts="results/reference/transcripts.pkl",
    output:
        "results/{sample}/expression/expression.tsv",
    log:
        "logs/expression/{sample}.log",
    benchmark:
        "benchmarks/expression/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(2000, 10, "table"),
        runtime=scaled(30),
    params:
        gtf=config["reference"]["gtf"],
    script:
        "../scripts/expression.py"
