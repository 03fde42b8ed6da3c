# Protein consequences of the somatic variants: one row per variant and overlapping
# protein-coding transcript. From the GTF and the genome FASTA (no VEP cache), with
# read-phased germline/somatic neighbours in the peptide context; or read from a
# VEP-annotated VCF (annotation.source: vep).


rule annotate:
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        germline="results/{sample}/calls/germline.vcf.gz",
        tumor=tumor_bam,
        normal=normal_bam,
        rna=rna_bam,
        vep=vep_vcf,
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
        mem_mb=scaled(4000),
        runtime=scaled(60),
    params:
        annotation=config["annotation"],
        evidence=config["evidence"],
        peptides=config["peptides"],
    script:
        "../scripts/annotate.py"
