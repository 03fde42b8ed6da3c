# HLA class I alleles of each sample (docs/hla_typing.md). config hla.typer chooses:
#   sample_sheet: the alleles in samples.tsv, no typing;
#   builtin:      neoag's typer (razers3 + an ILP) on the HLA-region and unmapped reads
#                 (or on the sample sheet's hla_fastq1/hla_fastq2 read pairs when given);
#   optitype:     OptiType on the same reads (bioconda env; for HPC users).
# Whatever the typer, rule hla_alleles writes results/{sample}/hla/alleles.tsv (scored)
# and typing_report.tsv; sample sheet alleles win over typed ones unless hla.prefer is 'typed'.


include: "functions/hla.smk"


rule hla_reads:
    input:
        unpack(get_hla_source_alignments),
    output:
        reads_1=temp("results/{sample}/hla/reads/reads_1.fq"),
        reads_2=temp("results/{sample}/hla/reads/reads_2.fq"),
        single=temp("results/{sample}/hla/reads/reads_single.fq"),
    log:
        "logs/hla_reads/{sample}.log",
    benchmark:
        "benchmarks/hla_reads/{sample}.tsv"
    conda:
        "../envs/neoag.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(120),
    params:
        region=config["hla"]["region"],
        contigs=config["hla"]["contigs"],
        unmapped=config["hla"]["unmapped"],
    script:
        "../scripts/hla_reads.py"


rule hla_type_builtin:
    input:
        unpack(get_hla_reads),
        reference=config["hla"]["reference"],
    output:
        "results/{sample}/hla/builtin/typing.tsv",
    log:
        "logs/hla_type_builtin/{sample}.log",
    benchmark:
        "benchmarks/hla_type_builtin/{sample}.tsv"
    conda:
        "../envs/hla_typing.yaml"
    threads: 1
    resources:
        mem_mb=scaled(2000),
        runtime=scaled(30),
    params:
        settings=config["hla"]["builtin"],
    script:
        "../scripts/hla_type.py"


rule hla_optitype:
    input:
        unpack(get_hla_read_pairs),
    output:
        result="results/{sample}/hla/optitype/{sample}_result.tsv",
        plot="results/{sample}/hla/optitype/{sample}_coverage_plot.pdf",
    log:
        "logs/hla_optitype/{sample}.log",
    benchmark:
        "benchmarks/hla_optitype/{sample}.tsv"
    conda:
        "../envs/optitype.yaml"
    threads: config["hla"]["optitype"]["threads"]
    resources:
        mem_mb=scaled(config["hla"]["optitype"]["mem_mb"]),
        runtime=scaled(240),
    params:
        outdir=get_output_folder,
        extra=config["hla"]["optitype"]["extra"],
    shell:
        "OptiTypePipeline.py --input {input.reads_1:q} {input.reads_2:q} --dna"
        " --outdir {params.outdir:q} --prefix {wildcards.sample:q} --verbose {params.extra}"
        " > {log:q} 2>&1"


rule hla_alleles:
    input:
        unpack(get_typed_hla),
    output:
        alleles="results/{sample}/hla/alleles.tsv",
        report="results/{sample}/hla/typing_report.tsv",
    log:
        "logs/hla_alleles/{sample}.log",
    benchmark:
        "benchmarks/hla_alleles/{sample}.tsv"
    localrule: True
    conda:
        "../envs/neoag.yaml"
    params:
        typer=get_hla_typer,
        prefer=config["hla"]["prefer"],
        alleles=get_sheet_hla_alleles,
        source=config["samples"],
        models=config["mhcflurry"]["models"],
        unsupported=config["hla"]["unsupported_alleles"],
    script:
        "../scripts/hla_alleles.py"


rule download_hla_reference:
    # Run explicitly: snakemake --cores 1 download_hla_reference
    # The result falls under the IPD-IMGT/HLA terms of use: do not redistribute it.
    output:
        exon=f"{config['hla']['download']['dir']}/hla_class1_exon2-3_{config['hla']['download']['release']}.fasta",
        genomic=f"{config['hla']['download']['dir']}/hla_class1_genomic_{config['hla']['download']['release']}.fasta",
    log:
        "logs/download_hla_reference.log",
    localrule: True
    conda:
        "../envs/neoag.yaml"
    params:
        release=config["hla"]["download"]["release"],
        url=get_hla_download_url,
    script:
        "../scripts/download_hla_reference.py"
