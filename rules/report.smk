# Per-sample HTML report, the cohort summary and the run manifest.


include: "functions/report.smk"


rule annotate_somatic_vcf:
    # The somatic VCF with the variant's best tier, peptide, allele and counts in INFO (NEOAG_*).
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        variants="results/{sample}/variants.tsv",
    output:
        vcf="results/{sample}/somatic.neoag.vcf.gz",
        index="results/{sample}/somatic.neoag.vcf.gz.tbi",
    log:
        "logs/annotate_somatic_vcf/{sample}.log",
    benchmark:
        "benchmarks/annotate_somatic_vcf/{sample}.tsv"
    group:
        "results"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(1000, 10, "variants"),
        runtime=scaled(30),
    script:
        "../scripts/annotate_somatic_vcf.py"


rule report:
    input:
        evidence="results/{sample}/calls/evidence.tsv",
        annotations="results/{sample}/annotation/annotations.tsv",
        all_epitopes="results/{sample}/all_epitopes.tsv",
        candidates="results/{sample}/candidates.tsv",
        variants="results/{sample}/variants.tsv",
        alleles="results/{sample}/hla/alleles.tsv",
        typing_report="results/{sample}/hla/typing_report.tsv",
        skipped=get_skipped_tables,
        cohort_summary="results/cohort/summary.tsv",
        models=config["mhcflurry"]["models"],
    output:
        report(
            "results/{sample}/report.html",
            category="Reports",
            labels={"sample": "{sample}", "file": "report"},
        ),
    log:
        "logs/report/{sample}.log",
    benchmark:
        "benchmarks/report/{sample}.tsv"
    # Not in the "results" group: the report reads the cohort summary, which reads every
    # sample's ranking, so grouping it with rank would make a cycle between group and cohort.
    conda:
        "../envs/report.yaml"
    threads: 1
    resources:
        # all_epitopes is streamed (report/epitopes.py): 517 MiB at 2.3 M rows, 1.0 GB of TSV (bench/README.md)
        mem_mb=mem_by_input(500, 0.5, "all_epitopes", "candidates"),
        runtime=scaled(30),
    params:
        filters=config["filters"],
        tiers=config["tiers"],
        tumor_only=get_tumor_only_filters,
    script:
        "../scripts/report.py"


rule cohort_summary:
    input:
        variants=expand("results/{sample}/variants.tsv", sample=samples.index),
        candidates=expand("results/{sample}/candidates.tsv", sample=samples.index),
        transcripts="results/reference/transcripts.pkl",
    output:
        summary=report("results/cohort/summary.tsv", category="Cohort", labels={"file": "summary"}),
        shared=report(
            "results/cohort/shared_neoantigens.tsv",
            category="Cohort",
            labels={"file": "shared neoantigens"},
        ),
    log:
        "logs/cohort_summary.log",
    benchmark:
        "benchmarks/cohort_summary.tsv"
    conda:
        "../envs/report.yaml"  # report.cohort reaches the HTML page's modules (jinja2, matplotlib)
    threads: 1
    resources:
        mem_mb=mem_by_input(2000, 10, "variants", "candidates"),
        runtime=scaled(30),
    params:
        samples=list(samples.index),
        gtf=config["reference"]["gtf"],
        callable_mb=config["cohort"]["callable_mb"],
    script:
        "../scripts/cohort_summary.py"


rule cohort_report:
    # One page across samples: counts, tiers, TMB, shared neoantigens (from the cohort tables).
    input:
        summary="results/cohort/summary.tsv",
        shared="results/cohort/shared_neoantigens.tsv",
    output:
        report("results/cohort/report.html", category="Cohort", labels={"file": "cohort report"}),
    log:
        "logs/cohort_report.log",
    benchmark:
        "benchmarks/cohort_report.tsv"
    conda:
        "../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(30),
    script:
        "../scripts/cohort_report.py"


rule manifest:
    input:
        unpack(get_manifest_inputs),
    output:
        "results/manifest.json",
    log:
        "logs/manifest.log",
    benchmark:
        "benchmarks/manifest.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(60),
    params:
        config=config,
        samples=samples.to_dict("records"),
        sample_kinds={name: sample_kind(row.to_dict()) for name, row in samples.iterrows()},
    script:
        "../scripts/manifest.py"
