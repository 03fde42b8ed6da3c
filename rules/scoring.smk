# MHCflurry scoring of every unique MT and WT peptide for the sample's alleles, and
# the one rule that uses the network: the opt-in download of the released models.


rule score:
    input:
        peptides="results/{sample}/peptides/peptides.tsv",
        alleles="results/{sample}/hla/alleles.tsv",
        models=config["mhcflurry"]["models"],
    output:
        "results/{sample}/scores/scores.tsv",
    log:
        "logs/score/{sample}.log",
    benchmark:
        "benchmarks/score/{sample}.tsv"
    threads: config["mhcflurry"]["threads"]
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
    conda:
        "../envs/mhcflurry.yaml"
    script:
        "../scripts/score.py"


rule download_mhcflurry_models:
    # Run explicitly: snakemake --cores 1 download_mhcflurry_models
    output:
        directory(f"{config['mhcflurry']['download_dir']}/models_class1_presentation"),
    log:
        "logs/download_mhcflurry_models.log",
    params:
        downloads_dir=output_parent,
    localrule: True
    conda:
        "../envs/mhcflurry.yaml"
    shell:
        "MHCFLURRY_DOWNLOADS_DIR={params.downloads_dir:q}"
        " mhcflurry-downloads fetch models_class1_presentation > {log:q} 2>&1"
