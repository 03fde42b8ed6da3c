"""Checks of the configuration, the sample sheet and its files, run before any job starts.

`run_preflight` is what rules/common.smk calls: every check is a small function
that raises NeoagInputError with one paragraph naming the file, the record and
the fix. The checks read headers only (BAM/CRAM and VCF headers, the FASTA
index, the GTF's contig column, the models' manifest), never whole alignment
files. docs/preflight.md lists them.

Modules: config (the schema, shell options, YAML files and --config overrides),
sheet (the sample sheet, its columns, rows and alleles), files (complete,
indexed, readable files), indexes (indexes that still describe their file: BAM
sort order, stale BAM/CRAM indexes, a CRAM's reference, the FASTA's .fai), swap
(tumor/normal names that contradict their column), gtf (the GTF's shape),
contigs (one reference for the BAMs, VCFs, GTF and FASTA), tumor_only (the callers and
germline resources of tumor-only samples).
"""

from __future__ import annotations

import pandas as pd

from neoag.preflight.config import check_config_schema, check_shell_options, type_by_schema
from neoag.preflight.contigs import check_contigs, check_reference, check_sample_files
from neoag.preflight.gtf import check_gtf_shape, gtf_shape
from neoag.preflight.sheet import check_sample_rows, check_supported_alleles, read_sample_sheet
from neoag.preflight.tumor_only import check_tumor_only
from neoag.scoring.models import ModelsFolder


def run_preflight(config: dict, schema: dict | None = None, check_files: bool = True) -> pd.DataFrame:
    """All checks, cheapest first; returns the sample sheet (text cells).

    Parameters
    ----------
    config : the workflow config (Snakemake's, before or after defaults).
    schema : the config JSON schema; when given, values given as text are typed by it
        (nested --config overrides), then the config is checked against it first.
    check_files : False: the config and the sample sheet (with its cheap
        checks that each named file exists, is indexed and complete), but none
        of the reads of file contents: reference, GTF, models, BAM and VCF
        headers. For the Snakemake processes that run single jobs on a
        cluster: the main process checked the files before it submitted them.
    """
    if schema is not None:
        type_by_schema(config, schema)
        check_config_schema(config, schema)
    check_shell_options(config)
    path = config["samples"]
    sheet = read_sample_sheet(path)
    hla = config.get("hla", {})
    check_sample_rows(
        sheet,
        path,
        require_hla=hla.get("typer", "builtin") == "sample_sheet",
        annotation_source=config.get("annotation", {}).get("source", "gtf"),
    )
    if not check_files:
        check_tumor_only(sheet, path, config)
        return sheet
    fasta, gtf = config["reference"]["fasta"], config["reference"]["gtf"]
    reference = check_reference(fasta, gtf)
    check_tumor_only(sheet, path, config, reference)
    gtf_contig_names, features = gtf_shape(gtf)
    check_gtf_shape(gtf, features)
    check_contigs([(name, None) for name in gtf_contig_names], reference, f"config reference.gtf ({gtf})")
    models = config["mhcflurry"]["models"]
    folder = ModelsFolder(models)
    folder.check()
    folder.check_peptide_lengths(config.get("peptides", {}).get("lengths", [8, 9, 10, 11]))
    check_supported_alleles(sheet, path, models, hla.get("unsupported_alleles", "error"))
    check_sample_files(sheet, path, fasta, reference, config.get("sanity", {}).get("sample_names", "error"))
    return sheet
