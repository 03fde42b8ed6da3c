# Scores + evidence (+ expression) -> the sample's result tables (columns: docs/output.md).


rule expression:
    # The sample's TPM table (salmon, kallisto, StringTie, RSEM), keyed by the GTF's IDs.
    input:
        table=sample_expression,
        gtf=config["reference"]["gtf"],
    output:
        "results/{sample}/expression/expression.tsv",
    log:
        "logs/expression/{sample}.log",
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(30),
    script:
        "../scripts/expression.py"


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


rule rank:
    input:
        peptides="results/{sample}/peptides/peptides.tsv",
        annotations="results/{sample}/annotation/annotations.tsv",
        evidence="results/{sample}/calls/evidence.tsv",
        scores="results/{sample}/scores/scores.npz",
        expression=normalised_expression,
        proteome="results/reference/proteome.fa",
        anchors=anchor_positions_file,
    output:
        all_epitopes="results/{sample}/all_epitopes.tsv",
        candidates="results/{sample}/candidates.tsv",
        variants="results/{sample}/variants.tsv",
    log:
        "logs/rank/{sample}.log",
    benchmark:
        "benchmarks/rank/{sample}.tsv"
    group:
        # On a cluster the small ranking and report jobs run as one job. Only rules that
        # always rerun together are grouped: a group reruns as a whole.
        "results"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(30),
    params:
        filters=config["filters"],
        tiers=config["tiers"],
        clonality=sample_clonality,
    script:
        "../scripts/rank.py"
