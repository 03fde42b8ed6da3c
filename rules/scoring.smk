# MHCflurry scoring of every unique MT and WT peptide for the sample's alleles, scattered
# into chunks of unique peptides and gathered in order (see docs/scoring.md), and the one
# rule that uses the network: the opt-in download of the released models.


include: "functions/scoring.smk"


checkpoint plan_scoring:
    input:
        peptides="results/{sample}/peptides/peptides.tsv",
        models=config["mhcflurry"]["models"],
    output:
        directory("results/{sample}/scores/chunks"),
    log:
        "logs/plan_scoring/{sample}.log",
    benchmark:
        "benchmarks/plan_scoring/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(30),
    params:
        chunk_size=config["mhcflurry"]["chunk_size"],
    script:
        "../scripts/plan_scoring.py"


rule score_chunk:
    input:
        chunk="results/{sample}/scores/chunks/{chunk}.tsv",
        alleles="results/{sample}/hla/alleles.tsv",
        models=config["mhcflurry"]["models"],
    output:
        temp("results/{sample}/scores/parts/{chunk}.npz"),
    log:
        "logs/score_chunk/{sample}/{chunk}.log",
    benchmark:
        "benchmarks/score_chunk/{sample}/{chunk}.tsv"
    conda:
        "../envs/mhcflurry.yaml"
    threads: config["mhcflurry"]["threads"]
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
        gpu=config["mhcflurry"]["gpu"],
    params:
        gpus=config["mhcflurry"]["gpu"],
        cache=config["mhcflurry"]["cache"],
        cpu_batch_size=config["mhcflurry"]["cpu_batch_size"],
    script:
        "../scripts/score.py"


rule gather_scores:
    input:
        parts=get_scored_chunks,
        models=config["mhcflurry"]["models"],
    output:
        "results/{sample}/scores/scores.npz",
    log:
        "logs/score/{sample}.log",
    benchmark:
        "benchmarks/gather_scores/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(1000, 10, "parts"),
        runtime=scaled(30),
    script:
        "../scripts/gather_scores.py"


rule export_scores:
    # The text table for people; ranking reads scores.npz, so this runs beside it.
    input:
        "results/{sample}/scores/scores.npz",
    output:
        "results/{sample}/scores/scores.tsv",
    log:
        "logs/export_scores/{sample}.log",
    benchmark:
        "benchmarks/export_scores/{sample}.tsv"
    group:
        "results"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(2000, 10, 0),
        runtime=scaled(30),
    script:
        "../scripts/export_scores.py"


rule download_mhcflurry_models:
    # Run explicitly: snakemake --cores 1 download_mhcflurry_models
    output:
        directory(f"{config['mhcflurry']['download_dir']}/models_class1_presentation"),
    log:
        "logs/download_mhcflurry_models.log",
    localrule: True
    conda:
        "../envs/mhcflurry.yaml"
    params:
        downloads_dir=get_output_folder,
    shell:
        "MHCFLURRY_DOWNLOADS_DIR={params.downloads_dir:q}"
        " mhcflurry-downloads fetch models_class1_presentation > {log:q} 2>&1"
