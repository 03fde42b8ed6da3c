# Somatic variants: candidate alleles from freebayes on tumor + normal, normalised
# (multi-allelic records split, indels left-aligned), then neoag's own read evidence
# decides which candidates are somatic.


rule call_candidates:
    input:
        tumor=tumor_bam,
        normal=normal_bam,
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/candidates.vcf.gz",
        index="results/{sample}/calls/candidates.vcf.gz.tbi",
    log:
        "logs/call_candidates/{sample}.log",
    benchmark:
        "benchmarks/call_candidates/{sample}.tsv"
    params:
        fraction=config["calling"]["min_alternate_fraction"],
        alt_count=config["calling"]["min_alternate_count"],
        mapq=config["calling"]["min_mapping_quality"],
        baseq=config["calling"]["min_base_quality"],
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
    conda:
        "../envs/calling.yaml"
    shell:
        "(freebayes --fasta-reference {input.fasta:q} --pooled-continuous --haplotype-length 0"
        " --min-alternate-fraction {params.fraction} --min-alternate-count {params.alt_count}"
        " --min-mapping-quality {params.mapq} --min-base-quality {params.baseq}"
        " {input.tumor:q} {input.normal:q}"
        " | bcftools norm --no-version --multiallelics -any --fasta-ref {input.fasta:q}"
        " --output-type z --output {output.vcf:q}"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule select_somatic:
    input:
        candidates="results/{sample}/calls/candidates.vcf.gz",
        index="results/{sample}/calls/candidates.vcf.gz.tbi",
        tumor=tumor_bam,
        normal=normal_bam,
        rna=rna_bam,
    output:
        evidence="results/{sample}/calls/evidence.tsv",
        vcf="results/{sample}/somatic.vcf.gz",
        index="results/{sample}/somatic.vcf.gz.tbi",
        germline="results/{sample}/calls/germline.vcf.gz",
        germline_index="results/{sample}/calls/germline.vcf.gz.tbi",
    log:
        "logs/select_somatic/{sample}.log",
    benchmark:
        "benchmarks/select_somatic/{sample}.tsv"
    params:
        evidence=config["evidence"],
        somatic=config["somatic"],
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(60),
    conda:
        "../envs/neoag.yaml"
    script:
        "../scripts/select_somatic.py"
