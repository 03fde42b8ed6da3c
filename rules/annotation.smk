# Protein consequences of the somatic variants, from the GTF and the genome FASTA
# (no VEP cache): one row per variant and overlapping protein-coding transcript.


rule annotate:
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        gtf=config["reference"]["gtf"],
        fasta=config["reference"]["fasta"],
    output:
        "results/{sample}/annotation/annotations.tsv",
    log:
        "logs/annotate/{sample}.log",
    benchmark:
        "benchmarks/annotate/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(60),
    group:
        "annotation"  # on a cluster, annotate and peptides run as one job
    conda:
        "../envs/neoag.yaml"
    script:
        "../scripts/annotate.py"
