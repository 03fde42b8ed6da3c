# Scores + evidence (+ expression) -> the sample's result tables (columns: docs/output.md).


include: "functions/ranking.smk"


rule rank:
    input:
        peptides="results/{sample}/peptides/peptides.tsv",
        annotations="results/{sample}/annotation/annotations.tsv",
        evidence="results/{sample}/calls/evidence.tsv",
        scores="results/{sample}/scores/scores.npz",
        expression=get_normalised_expression,
        proteome="results/reference/proteome.fa",
        anchors=get_anchor_positions,
    output:
        # In Snakemake's report (snakemake --report), with captions from workflow/report/.
        all_epitopes=report(
            "results/{sample}/all_epitopes.tsv",
            caption="../workflow/report/all_epitopes.rst",
            category="Results",
            labels={"sample": "{sample}", "table": "all epitopes"},
        ),
        candidates=report(
            "results/{sample}/candidates.tsv",
            caption="../workflow/report/candidates.rst",
            category="Results",
            labels={"sample": "{sample}", "table": "candidates"},
        ),
        variants=report(
            "results/{sample}/variants.tsv",
            caption="../workflow/report/variants.rst",
            category="Results",
            labels={"sample": "{sample}", "table": "variants"},
        ),
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
    threads: config["ranking"]["threads"]
    resources:
        # ranked per group of variants: 500 MiB at 0.23 M epitope rows, 660 MiB at 2.3 M (bench/README.md);
        # each further process holds one more group (about 170 MB of rows, 400 MB with its pandas work)
        mem_mb=mem_by_input(600, 4, "peptides", "annotations", "evidence", "scores", per_thread=400),
        runtime=scaled(30),
    params:
        filters=config["filters"],
        tiers=config["tiers"],
        clonality=get_sample_clonality,
    script:
        "../scripts/rank.py"
