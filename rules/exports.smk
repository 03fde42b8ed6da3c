# Exports for other tools: MultiQC custom content (and a MultiQC report of it), and the
# pVACseq-style aggregated report + metrics JSON that pVACview loads (docs/pvacview.md).


include: "functions/exports.smk"


rule multiqc_content:
    # One sample's summary as MultiQC custom content (*_mqc.yaml): a facility's own MultiQC
    # run over results/ picks these up next to its other pipelines' results.
    input:
        cohort_summary="results/cohort/summary.tsv",
        variants="results/{sample}/variants.tsv",
        candidates="results/{sample}/candidates.tsv",
        alleles="results/{sample}/hla/alleles.tsv",
        typing_report="results/{sample}/hla/typing_report.tsv",
        evidence="results/{sample}/calls/evidence.tsv",
        skipped=get_skipped_tables,
    output:
        summary="results/{sample}/multiqc/neoag_summary_mqc.yaml",
        tiers="results/{sample}/multiqc/neoag_tiers_mqc.yaml",
        general_stats="results/{sample}/multiqc/neoag_general_stats_mqc.yaml",
    log:
        "logs/multiqc_content/{sample}.log",
    benchmark:
        "benchmarks/multiqc_content/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(30),
    script:
        "../scripts/multiqc_content.py"


rule multiqc:
    # MultiQC itself on every sample's neoag content (offline: no version check, no AI).
    input:
        expand(
            "results/{sample}/multiqc/neoag_{section}_mqc.yaml",
            sample=samples.index,
            section=["summary", "tiers", "general_stats"],
        ),
        # fmt: skip
    output:
        report="results/multiqc/multiqc_report.html",
        data=directory("results/multiqc/multiqc_data"),
    log:
        "logs/multiqc.log",
    benchmark:
        "benchmarks/multiqc.tsv"
    conda:
        "../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(30),
    params:
        outdir=get_output_folder,
    script:
        "../scripts/multiqc_report.py"


rule pvacview_export:
    # pVACseq's aggregated report and metrics JSON from neoag's tables, for pVACview.
    input:
        all_epitopes="results/{sample}/all_epitopes.tsv",
        variants="results/{sample}/variants.tsv",
        annotations="results/{sample}/annotation/annotations.tsv",
        alleles="results/{sample}/hla/alleles.tsv",
    output:
        table="results/{sample}/pvacview/{sample}.all_epitopes.aggregated.tsv",
        metrics="results/{sample}/pvacview/{sample}.all_epitopes.aggregated.metrics.json",
    log:
        "logs/pvacview_export/{sample}.log",
    benchmark:
        "benchmarks/pvacview_export/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        # all_epitopes.tsv is streamed; the kept rows grow with it (bench/README.md, "pVACview
        # export at exome scale").
        mem_mb=mem_by_input(250, 0.2, "all_epitopes", "annotations"),
        runtime=scaled(30),
    params:
        settings=get_pvacview_settings,
    script:
        "../scripts/pvacview_export.py"
