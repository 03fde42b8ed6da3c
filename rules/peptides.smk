# Mutant peptides of the configured lengths around each protein change, with their
# wild-type counterparts and flanks.


rule peptides:
    input:
        "results/{sample}/annotation/annotations.tsv",
    output:
        "results/{sample}/peptides/peptides.tsv",
    log:
        "logs/peptides/{sample}.log",
    benchmark:
        "benchmarks/peptides/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(2000, 10, 0),
        runtime=scaled(30),
    params:
        lengths=config["peptides"]["lengths"],
        flank_length=config["peptides"]["flank_length"],
        wt_pairing=config["peptides"]["wt_pairing"],
    script:
        "../scripts/peptides.py"
