# HLA class I alleles of each sample, from the sample sheet, normalised to two fields.


rule hla_alleles:
    output:
        "results/{sample}/hla/alleles.tsv",
    log:
        "logs/hla_alleles/{sample}.log",
    params:
        alleles=hla_alleles,
        source=config["samples"],
    localrule: True
    conda:
        "../envs/neoag.yaml"
    script:
        "../scripts/hla_alleles.py"
