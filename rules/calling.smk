# Somatic variants. Each selected caller (config calling.callers) runs once per scatter
# region; its calls are gathered, filtered (calling.pass_filters; the tumor and normal
# columns and the caller's own VAFs are found) and normalised (bcftools norm: split
# multi-allelic records, left-align and trim indels). A sample with its own VCF in the
# sample sheet skips calling and takes the same path from the filter on.
# The callers' candidates are united (at least calling.min_callers callers), and
# neoag's own read evidence decides what is somatic, the same way for every source.
# Germline variants near the somatic ones are selected for the annotation: from the joint freebayes
# call's evidence (germline.calls joint), or called again in the normal (normal).
# A VCF-only sample (no BAMs) trusts its caller instead: somatic_from_vcf, no germline calling.
# A tumor-only sample (no normal BAM) is called in the tumor alone; select_somatic removes germline
# variants with config tumor_only, and those are its germline neighbours (germline_from_tumor).


include: "functions/calling.smk"


rule region_bed:
    output:
        bed="results/regions/{region}.bed",
        gz="results/regions/{region}.bed.gz",
        index="results/regions/{region}.bed.gz.tbi",
    log:
        "logs/region_bed/{region}.log",
    localrule: True
    conda:
        "../envs/neoag.yaml"
    params:
        bed=get_region_bed,
    script:
        "../scripts/region_bed.py"


rule call_freebayes:
    input:
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        fasta=config["reference"]["fasta"],
        bed="results/regions/{region}.bed",
    output:
        vcf="results/{sample}/calls/freebayes/scatter/{region}.calls.vcf.gz",
        index="results/{sample}/calls/freebayes/scatter/{region}.calls.vcf.gz.tbi",
    log:
        "logs/call_freebayes/{sample}/{region}.log",
    benchmark:
        "benchmarks/call_freebayes/{sample}/{region}.tsv"
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
    params:
        fraction=config["calling"]["freebayes"]["min_alternate_fraction"],
        alt_count=config["calling"]["freebayes"]["min_alternate_count"],
        mapq=config["calling"]["freebayes"]["min_mapping_quality"],
        baseq=config["calling"]["freebayes"]["min_base_quality"],
        bams=get_dna_bams,
    shell:
        "(freebayes --fasta-reference {input.fasta:q} --targets {input.bed:q}"
        " --pooled-continuous --haplotype-length 0"
        " --min-alternate-fraction {params.fraction} --min-alternate-count {params.alt_count}"
        " --min-mapping-quality {params.mapq} --min-base-quality {params.baseq}"
        " {params.bams}"
        " | bcftools view --no-version --output-type z --output {output.vcf:q}"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule call_bcftools:
    # bcftools as a tumor-vs-normal candidate caller: mpileup over tumor and normal, every
    # allele with enough ALT reads in the tumor (the somatic decision is neoag's).
    input:
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        fasta=config["reference"]["fasta"],
        bed="results/regions/{region}.bed",
    output:
        vcf="results/{sample}/calls/bcftools/scatter/{region}.calls.vcf.gz",
        index="results/{sample}/calls/bcftools/scatter/{region}.calls.vcf.gz.tbi",
    log:
        "logs/call_bcftools/{sample}/{region}.log",
    benchmark:
        "benchmarks/call_bcftools/{sample}/{region}.tsv"
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(120),
    params:
        alt_count=config["calling"]["bcftools"]["min_alternate_count"],
        fraction=config["calling"]["bcftools"]["min_alternate_fraction"],
        mapq=config["calling"]["bcftools"]["min_mapping_quality"],
        baseq=config["calling"]["bcftools"]["min_base_quality"],
        max_depth=config["calling"]["bcftools"]["max_depth"],
        bams=get_dna_bams,
    shell:
        "(bcftools mpileup --no-version --fasta-ref {input.fasta:q} --regions-file {input.bed:q}"
        " --annotate FORMAT/AD,FORMAT/DP --min-MQ {params.mapq} --min-BQ {params.baseq}"
        " --max-depth {params.max_depth} --output-type u {params.bams}"
        " | bcftools norm --no-version --multiallelics -any --output-type u"
        " | bcftools view --no-version --output-type z --output {output.vcf:q}"
        ' --include \'ALT!="<*>" && FMT/AD[0:1]>={params.alt_count}'
        " && FMT/AD[0:1]>={params.fraction}*FMT/DP[0]'"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule reference_dict:
    input:
        config["reference"]["fasta"],
    output:
        REFERENCE_DICT,
    log:
        "logs/reference_dict.log",
    conda:
        "../envs/gatk4.yaml"
    shell:
        "gatk CreateSequenceDictionary -R {input:q} -O {output:q} > {log:q} 2>&1"


rule mutect2_normal_name:
    input:
        get_normal_bam,
    output:
        "results/{sample}/calls/mutect2/normal_sample.txt",
    log:
        "logs/mutect2_normal_name/{sample}.log",
    conda:
        "../envs/gatk4.yaml"
    shell:
        "gatk GetSampleName -I {input:q} -O {output:q} > {log:q} 2>&1"


rule call_mutect2:
    input:
        unpack(get_mutect2_normal),
        tumor=get_tumor_bam,
        fasta=config["reference"]["fasta"],
        dict=REFERENCE_DICT,
        bed="results/regions/{region}.bed",
        resources=get_mutect2_resources,
    output:
        vcf="results/{sample}/calls/mutect2/scatter/{region}.calls.vcf.gz",
        stats="results/{sample}/calls/mutect2/scatter/{region}.calls.vcf.gz.stats",
    log:
        "logs/call_mutect2/{sample}/{region}.log",
    benchmark:
        "benchmarks/call_mutect2/{sample}/{region}.tsv"
    conda:
        "../envs/gatk4.yaml"
    threads: 2
    resources:
        mem_mb=scaled(8000),
        runtime=scaled(480),
    params:
        options=get_mutect2_options,
        java=get_java_heap,
        normal=get_mutect2_normal_arguments,
    shell:
        "gatk --java-options {params.java} Mutect2 --reference {input.fasta:q}"
        " --input {input.tumor:q} {params.normal}"
        " --intervals {input.bed:q} --native-pair-hmm-threads {threads} {params.options}"
        " --output {output.vcf:q} > {log:q} 2>&1"


rule filter_mutect2:
    # Gather the regions, merge their statistics, then FilterMutectCalls on the whole sample.
    input:
        vcfs=get_mutect2_scattered,
        stats=get_mutect2_stats,
        fasta=config["reference"]["fasta"],
        dict=REFERENCE_DICT,
    output:
        unfiltered="results/{sample}/calls/mutect2/unfiltered.vcf.gz",
        stats="results/{sample}/calls/mutect2/unfiltered.vcf.gz.stats",
        vcf="results/{sample}/calls/mutect2/raw.vcf.gz",
    log:
        "logs/filter_mutect2/{sample}.log",
    benchmark:
        "benchmarks/filter_mutect2/{sample}.tsv"
    conda:
        "../envs/gatk4.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
    params:
        gather=get_mutect2_gather_arguments,
    shell:
        "(gatk MergeVcfs {params.gather[vcfs]} --OUTPUT {output.unfiltered:q}"
        " && gatk MergeMutectStats {params.gather[stats]} --output {output.stats:q}"
        " && gatk FilterMutectCalls --reference {input.fasta:q} --variant {output.unfiltered:q}"
        " --stats {output.stats:q} --output {output.vcf:q}) > {log:q} 2>&1"


rule call_manta:
    # Optional (calling.strelka2.manta): Manta's candidate small indels improve Strelka2's indels.
    input:
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/manta/candidateSmallIndels.vcf.gz",
        index="results/{sample}/calls/manta/candidateSmallIndels.vcf.gz.tbi",
    log:
        "logs/call_manta/{sample}.log",
    benchmark:
        "benchmarks/call_manta/{sample}.tsv"
    conda:
        "../envs/manta.yaml"
    threads: 4
    resources:
        mem_mb=scaled(8000),
        runtime=scaled(480),
    params:
        rundir="results/{sample}/calls/manta/run",
    shell:
        "(rm -rf {params.rundir:q}"
        " && configManta.py --normalBam {input.normal:q} --tumorBam {input.tumor:q}"
        " --referenceFasta {input.fasta:q} --runDir {params.rundir:q}"
        " && {params.rundir:q}/runWorkflow.py -m local -j {threads}"
        " && cp {params.rundir:q}/results/variants/candidateSmallIndels.vcf.gz {output.vcf:q}"
        " && cp {params.rundir:q}/results/variants/candidateSmallIndels.vcf.gz.tbi {output.index:q})"
        " > {log:q} 2>&1"


rule call_strelka2:
    input:
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        fasta=config["reference"]["fasta"],
        regions="results/regions/{region}.bed.gz",
        indels=get_manta_indels,
    output:
        snvs="results/{sample}/calls/strelka2/scatter/{region}.snvs.vcf.gz",
        snvs_index="results/{sample}/calls/strelka2/scatter/{region}.snvs.vcf.gz.tbi",
        indels="results/{sample}/calls/strelka2/scatter/{region}.indels.vcf.gz",
        indels_index="results/{sample}/calls/strelka2/scatter/{region}.indels.vcf.gz.tbi",
    log:
        "logs/call_strelka2/{sample}/{region}.log",
    benchmark:
        "benchmarks/call_strelka2/{sample}/{region}.tsv"
    conda:
        "../envs/strelka2.yaml"
    threads: 4
    resources:
        mem_mb=scaled(8000),
        runtime=scaled(480),
    params:
        rundir="results/{sample}/calls/strelka2/scatter/{region}.run",
        options=get_strelka2_options,
    shell:
        "(rm -rf {params.rundir:q}"
        " && configureStrelkaSomaticWorkflow.py --normalBam {input.normal:q} --tumorBam {input.tumor:q}"
        " --referenceFasta {input.fasta:q} --callRegions {input.regions:q} {params.options}"
        " --runDir {params.rundir:q}"
        " && {params.rundir:q}/runWorkflow.py -m local -j {threads}"
        " && cp {params.rundir:q}/results/variants/somatic.snvs.vcf.gz {output.snvs:q}"
        " && cp {params.rundir:q}/results/variants/somatic.snvs.vcf.gz.tbi {output.snvs_index:q}"
        " && cp {params.rundir:q}/results/variants/somatic.indels.vcf.gz {output.indels:q}"
        " && cp {params.rundir:q}/results/variants/somatic.indels.vcf.gz.tbi {output.indels_index:q})"
        " > {log:q} 2>&1"


rule gather_calls:
    input:
        vcfs=get_scattered_calls,
        indexes=get_scattered_call_indexes,
    output:
        vcf="results/{sample}/calls/{caller}/raw.vcf.gz",
        index="results/{sample}/calls/{caller}/raw.vcf.gz.tbi",
    log:
        "logs/gather_calls/{sample}/{caller}.log",
    benchmark:
        "benchmarks/gather_calls/{sample}/{caller}.tsv"
    wildcard_constraints:
        caller="freebayes|bcftools|strelka2",
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(60),
    shell:
        "(bcftools concat --no-version --allow-overlaps --remove-duplicates"
        " --output-type z --output {output.vcf:q} {input.vcfs:q}"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule prepare_calls:
    # The same for every caller and for the sample's own VCF: accepted FILTER values,
    # tumor/normal columns, the caller's own VAFs; one record per ALT allele.
    input:
        vcf=get_raw_calls,
        fasta=config["reference"]["fasta"],
        tumor=get_tumor_bam,
        normal=get_normal_bam,
    output:
        vcf="results/{sample}/calls/{caller}/accepted.vcf.gz",
        index="results/{sample}/calls/{caller}/accepted.vcf.gz.tbi",
        skipped="results/{sample}/calls/{caller}/skipped.tsv",
    log:
        "logs/prepare_calls/{sample}/{caller}.log",
    benchmark:
        "benchmarks/prepare_calls/{sample}/{caller}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(60),
    params:
        pass_filters=config["calling"]["pass_filters"],
    script:
        "../scripts/prepare_calls.py"


rule normalise_calls:
    # bcftools norm: split multi-allelic records, left-align and trim indels.
    input:
        vcf="results/{sample}/calls/{caller}/accepted.vcf.gz",
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/{caller}/candidates.vcf.gz",
        index="results/{sample}/calls/{caller}/candidates.vcf.gz.tbi",
    log:
        "logs/normalise_calls/{sample}/{caller}.log",
    benchmark:
        "benchmarks/normalise_calls/{sample}/{caller}.tsv"
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(60),
    shell:
        "(bcftools norm --no-version --multiallelics -any --fasta-ref {input.fasta:q} --check-ref e"
        " --output-type z --output {output.vcf:q} {input.vcf:q}"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule consensus:
    input:
        calls=get_caller_candidates,
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/candidates.vcf.gz",
        index="results/{sample}/calls/candidates.vcf.gz.tbi",
    log:
        "logs/consensus/{sample}.log",
    benchmark:
        "benchmarks/consensus/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(30),
    params:
        callers=get_candidate_callers,
        min_callers=get_min_callers,
    script:
        "../scripts/consensus.py"


rule select_somatic:
    input:
        candidates="results/{sample}/calls/candidates.vcf.gz",
        index="results/{sample}/calls/candidates.vcf.gz.tbi",
        tumor=get_tumor_bam,
        normal=get_normal_bam,
        rna=get_rna_bam,
        fasta=config["reference"]["fasta"],
        germline_resources=get_tumor_only_resources,
    output:
        evidence="results/{sample}/calls/evidence.tsv",
        vcf="results/{sample}/somatic.vcf.gz",
        index="results/{sample}/somatic.vcf.gz.tbi",
    log:
        "logs/select_somatic/{sample}.log",
    benchmark:
        "benchmarks/select_somatic/{sample}.tsv"
    wildcard_constraints:
        sample=sample_pattern(READ_SAMPLES),
    conda:
        "../envs/neoag.yaml"
    threads: config["calling"]["evidence_threads"]
    resources:
        mem_mb=mem_by_input(2000, 10, "candidates"),
        runtime=scaled(60),
    params:
        evidence=config["evidence"],
        somatic=config["somatic"],
        sanity=config["sanity"],
        tumor_only=get_tumor_only_filters,
    script:
        "../scripts/select_somatic.py"


rule germline_targets:
    input:
        vcf="results/{sample}/somatic.vcf.gz",
        fasta=config["reference"]["fasta"],
        transcripts="results/reference/transcripts.pkl",
    output:
        bed="results/{sample}/calls/germline/targets.bed",
    log:
        "logs/germline_targets/{sample}.log",
    benchmark:
        "benchmarks/germline_targets/{sample}.tsv"
    localrule: True
    conda:
        "../envs/neoag.yaml"
    params:
        flank=config["germline"]["flank"],
        gtf=config["reference"]["gtf"],
    script:
        "../scripts/germline_targets.py"


rule germline_target_pieces:
    # germline.calls normal: the windows in calling.germline_scatter_jobs pieces for call_germline.
    input:
        bed="results/{sample}/calls/germline/targets.bed",
    output:
        pieces=germline_pieces("results/{{sample}}/calls/germline/targets/{piece}.bed"),
    log:
        "logs/germline_target_pieces/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(NORMAL_GERMLINE_SAMPLES),
    localrule: True
    conda:
        "../envs/neoag.yaml"
    script:
        "../scripts/germline_target_pieces.py"


rule call_germline:
    # germline.calls normal: freebayes on the normal alone, near the somatic variants and in the
    # exons of their transcripts (no targets: an empty VCF); one job per piece of the windows
    # (calling.germline_scatter_jobs).
    input:
        normal=get_normal_bam,
        fasta=config["reference"]["fasta"],
        bed="results/{sample}/calls/germline/targets/{piece}.bed",
    output:
        vcf="results/{sample}/calls/germline/scatter/{piece}.vcf.gz",
        index="results/{sample}/calls/germline/scatter/{piece}.vcf.gz.tbi",
    log:
        "logs/call_germline/{sample}/{piece}.log",
    benchmark:
        "benchmarks/call_germline/{sample}/{piece}.tsv"
    wildcard_constraints:
        sample=sample_pattern(NORMAL_GERMLINE_SAMPLES),
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(4000),
        runtime=scaled(120),
    params:
        mapq=config["calling"]["freebayes"]["min_mapping_quality"],
        baseq=config["calling"]["freebayes"]["min_base_quality"],
    shell:
        "(if [ -s {input.bed:q} ]; then"
        " freebayes --fasta-reference {input.fasta:q} --targets {input.bed:q} --haplotype-length 0"
        " --min-mapping-quality {params.mapq} --min-base-quality {params.baseq} {input.normal:q};"
        " else printf '##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n'; fi"
        " | bcftools norm --no-version --multiallelics -any --fasta-ref {input.fasta:q}"
        " --output-type z --output {output.vcf:q} && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule gather_germline:
    # The pieces' calls in order (the windows are sorted and never cut: the same records as one
    # freebayes run over targets.bed); pieces without windows (no sample column) are left out.
    input:
        beds=germline_pieces("results/{{sample}}/calls/germline/targets/{piece}.bed"),
        vcfs=germline_pieces("results/{{sample}}/calls/germline/scatter/{piece}.vcf.gz"),
        indexes=germline_pieces("results/{{sample}}/calls/germline/scatter/{piece}.vcf.gz.tbi"),
    output:
        vcf="results/{sample}/calls/germline/calls.vcf.gz",
        index="results/{sample}/calls/germline/calls.vcf.gz.tbi",
    log:
        "logs/gather_germline/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(NORMAL_GERMLINE_SAMPLES),
    localrule: True
    conda:
        "../envs/calling.yaml"
    shell:
        "(beds=({input.beds:q}); called=(); i=0; for vcf in {input.vcfs:q}; do"
        ' if [ -s "${{beds[$i]}}" ]; then called+=("$vcf"); fi; i=$((i + 1)); done;'
        ' if [ ${{#called[@]}} -gt 0 ]; then bcftools concat --no-version --output-type z --output {output.vcf:q} "${{called[@]}}";'
        " else cp {input.vcfs[0]:q} {output.vcf:q}; fi && tabix --preset vcf --force {output.vcf:q}) 2> {log:q}"


rule select_germline:
    # germline.calls joint: the freebayes alleles of evidence.tsv in the windows, no read counted
    # again; normal (or a sample that joint does not suit, the log says why): the calls in the
    # normal, counted in calling.evidence_threads processes.
    input:
        unpack(get_germline_inputs),
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/germline.vcf.gz",
        index="results/{sample}/calls/germline.vcf.gz.tbi",
    log:
        "logs/select_germline/{sample}.log",
    benchmark:
        "benchmarks/select_germline/{sample}.tsv"
    wildcard_constraints:
        sample=sample_pattern(PAIRED_SAMPLES),
    conda:
        "../envs/neoag.yaml"
    threads: get_germline_threads
    resources:
        mem_mb=mem_by_input(2000, 10, "calls", "candidates", "evidence"),
        runtime=scaled(60),
    params:
        evidence=config["evidence"],
        somatic=config["somatic"],
        germline=config["germline"],
        mode=get_germline_mode,
    script:
        "../scripts/select_germline.py"


rule own_vcf_counts:
    # VCF-only: the sample's VCF split and left-aligned like its candidates, FORMAT fields kept
    # (after prepare_calls has checked its contigs and REF alleles).
    input:
        vcf=get_sample_vcf,
        checked="results/{sample}/calls/vcf/accepted.vcf.gz",
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/vcf/counts.vcf.gz",
    log:
        "logs/own_vcf_counts/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(VCF_ONLY_SAMPLES),
    conda:
        "../envs/calling.yaml"
    threads: 1
    resources:
        mem_mb=scaled(1000),
        runtime=scaled(60),
    shell:
        # --keep-sum AD: a split ALT keeps the site's depth (the other ALTs' reads count as REF), as
        # neoag counts depth; only for a VCF with a per-allele AD (bcftools stops on one without).
        "(keep=''; bcftools view --header-only {input.vcf:q} | grep -c '^##FORMAT=<ID=AD,Number=R' > /dev/null"
        " && keep='--keep-sum AD';"
        " bcftools norm --no-version --multiallelics -any $keep --fasta-ref {input.fasta:q} --check-ref x"
        " --output-type z --output {output.vcf:q} {input.vcf:q}) 2> {log:q}"


rule somatic_from_vcf:
    # VCF-only: every candidate is somatic as the caller called it, with the caller's counts.
    input:
        candidates="results/{sample}/calls/candidates.vcf.gz",
        index="results/{sample}/calls/candidates.vcf.gz.tbi",
        calls="results/{sample}/calls/vcf/counts.vcf.gz",
        rna=get_rna_bam,
        fasta=config["reference"]["fasta"],
    output:
        evidence="results/{sample}/calls/evidence.tsv",
        vcf="results/{sample}/somatic.vcf.gz",
        index="results/{sample}/somatic.vcf.gz.tbi",
    log:
        "logs/somatic_from_vcf/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(VCF_ONLY_SAMPLES),
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(2000, 10, "candidates", "calls"),
        runtime=scaled(60),
    params:
        evidence=config["evidence"],
    script:
        "../scripts/somatic_from_vcf.py"


rule germline_from_vcf:
    # VCF-only: no normal to call germline variants in; an empty germline VCF.
    output:
        vcf="results/{sample}/calls/germline.vcf.gz",
        index="results/{sample}/calls/germline.vcf.gz.tbi",
    log:
        "logs/germline_from_vcf/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(VCF_ONLY_SAMPLES),
    localrule: True
    conda:
        "../envs/calling.yaml"
    shell:
        "(printf '##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n'"
        " | bcftools view --no-version --output-type z --output {output.vcf:q}"
        " && tabix --preset vcf {output.vcf:q}) 2> {log:q}"


rule germline_from_tumor:
    # Tumor-only: no normal to call germline variants in; the candidates rejected as known germline
    # variants (panel of normals, population AF) at a germline-like tumor VAF are the neighbours.
    input:
        evidence="results/{sample}/calls/evidence.tsv",
        fasta=config["reference"]["fasta"],
    output:
        vcf="results/{sample}/calls/germline.vcf.gz",
        index="results/{sample}/calls/germline.vcf.gz.tbi",
    log:
        "logs/germline_from_tumor/{sample}.log",
    wildcard_constraints:
        sample=sample_pattern(TUMOR_ONLY_SAMPLES),
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=mem_by_input(1000, 10, "evidence"),
        runtime=scaled(30),
    params:
        hom_vaf=config["germline"]["hom_normal_vaf"],
        min_vaf=config["somatic"]["germline_normal_vaf"],
    script:
        "../scripts/germline_from_tumor.py"
