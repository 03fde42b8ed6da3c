# Protein consequences of the somatic variants: one row per variant and overlapping
# protein-coding transcript. From the GTF and the genome FASTA (no VEP cache), with
# read-phased germline/somatic neighbours in the peptide context; or read from a
# VEP-annotated VCF (annotation.source: vep). Beside them, what else the ranking looks up
# by transcript: the reference proteome of the GTF and the sample's expression table.


include: "functions/annotation.smk"


rule annotate:
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        germline="results/{sample}/calls/germline.vcf.gz",
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        rna=get_rna_bam,
        vep=get_vep_vcf,
        gtf=config["reference"]["gtf"],
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
        annotation=config["annotation"],
        evidence=config["evidence"],
        peptides=config["peptides"],
    script:
        "../scripts/annotate.py"


rule reference_proteome:
    # Translations of every coding transcript of the GTF, built once per run; mutant
    # peptides found verbatim in it are flagged (or removed: filters.reference_match).
    input:
        gtf=config["reference"]["gtf"],
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
    script:
        "../scripts/reference_proteome.py"


rule expression:
    # The sample's TPM table (salmon, kallisto, StringTie, RSEM), keyed by the GTF's IDs.
    input:
        table=get_sample_expression,
        gtf=config["reference"]["gtf"],
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
    script:
        "../scripts/expression.py"
