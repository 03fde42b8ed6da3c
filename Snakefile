# neoag: tumor/normal alignments -> ranked neoantigen candidates.
# Stages are in rules/*.smk; the logic is in scripts/neoag/. See README.md.
from snakemake.utils import min_version

min_version("9.0")


include: "rules/config.smk"  # the YAML files read strictly (tabs, keys given twice) before they are loaded


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/calling.smk"
include: "rules/annotation.smk"
include: "rules/hla.smk"
include: "rules/peptides.smk"
include: "rules/scoring.smk"
include: "rules/ranking.smk"
include: "rules/report.smk"
include: "rules/exports.smk"


rule all:
    input:
        expand(
            "results/{sample}/{table}.tsv",
            sample=samples.index,
            table=["all_epitopes", "candidates", "variants"],
        ),
        expand("results/{sample}/scores/scores.tsv", sample=samples.index),
        expand("results/{sample}/calls/germline.vcf.gz", sample=samples.index),
        expand("results/{sample}/somatic.neoag.vcf.gz", sample=samples.index),
        expand("results/{sample}/report.html", sample=samples.index),
        "results/cohort/summary.tsv",
        "results/cohort/shared_neoantigens.tsv",
        "results/cohort/report.html",
        "results/manifest.json",
        expand("results/{sample}/multiqc/neoag_summary_mqc.yaml", sample=samples.index),
        expand("results/{sample}/pvacview/{sample}.all_epitopes.aggregated.tsv", sample=samples.index),
        "results/multiqc/multiqc_report.html",
