"""Checks of the sample sheet and its files, run before any job starts."""

from __future__ import annotations

import os
import re

import pandas as pd

from neoag.errors import NeoagInputError
from neoag.hla import parse_allele_list

REQUIRED_COLUMNS = ("sample", "tumor_bam", "normal_bam")
OPTIONAL_COLUMNS = ("rna_bam", "hla_alleles", "vcf", "expression", "purity", "copy_number")
SAMPLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def alignment_index(path: str) -> str | None:
    """The index file of a BAM/CRAM, or None when there is none."""
    candidates = [path + ".bai", path + ".csi", re.sub(r"\.bam$", ".bai", path), path + ".crai"]
    return next((c for c in candidates if c != path and os.path.exists(c)), None)


def check_readable_file(path: str, where: str) -> None:
    """The file exists and is readable."""
    if not os.path.isfile(path):
        raise NeoagInputError(
            f"{where}: file '{path}' does not exist. Correct the path (relative "
            "paths are relative to the directory you run snakemake in), or leave the cell empty."
        )
    if not os.access(path, os.R_OK):
        raise NeoagInputError(f"{where}: file '{path}' is not readable; check its permissions.")


def check_alignment_file(path: str, where: str) -> None:
    """The file exists, is readable and has an index beside it."""
    if not os.path.isfile(path):
        raise NeoagInputError(
            f"{where}: file '{path}' does not exist. Correct the path (relative "
            "paths are relative to the directory you run snakemake in)."
        )
    if not os.access(path, os.R_OK):
        raise NeoagInputError(f"{where}: file '{path}' is not readable; check its permissions.")
    if alignment_index(path) is None:
        raise NeoagInputError(
            f"{where}: '{path}' has no index (.bai/.csi/.crai) beside it. Sort and index it: "
            f"samtools sort -o sorted.bam {path} && samtools index sorted.bam"
        )


def check_clonality_columns(row: dict, where: str) -> None:
    """purity in (0, 1] and copy_number >= 1 when given; copy_number only with purity."""
    values = {}
    for column, low, high, example in (("purity", 0.0, 1.0, "0.7"), ("copy_number", 1.0, 1000.0, "2")):
        text = (row.get(column, "") or "").strip()
        if not text:
            continue
        try:
            values[column] = float(text)
        except ValueError:
            values[column] = float("nan")
        value = values[column]
        if not (low < value <= high if column == "purity" else low <= value <= high):
            allowed = "a number above 0 and at most 1" if column == "purity" else "a number of at least 1"
            raise NeoagInputError(
                f"{where}, column {column}: '{text}' is not {allowed} (e.g. {example}). "
                + (
                    "Purity is the fraction of cancer cells in the tumor sample (70% -> 0.7); leave the cell "
                    "empty when it is not known."
                    if column == "purity"
                    else "It is the total copy number of the cancer cells at the variants (2 for a diploid "
                    "tumor); leave the cell empty for 2."
                )
            )
    if "copy_number" in values and "purity" not in values:
        raise NeoagInputError(
            f"{where}: copy_number is given without purity, but it is used only to compute the cancer "
            "cell fraction from the purity. Add the sample's purity or leave copy_number empty."
        )


def check_sample_sheet(
    sheet: pd.DataFrame, path: str, require_hla: bool = True, annotation_source: str = "gtf"
) -> None:
    """Columns, IDs, files and HLA names of the sample sheet; raises NeoagInputError.

    With require_hla (config hla.typer is sample_sheet) every sample needs
    hla_alleles; otherwise the column may be missing or empty (the alleles are
    typed from the reads), and alleles that are given must still parse. With
    annotation_source 'vep' every sample needs a VEP-annotated VCF in its vcf
    column.
    """
    required = REQUIRED_COLUMNS + (("hla_alleles",) if require_hla else ())
    missing = [column for column in required if column not in sheet.columns]
    if missing:
        raise NeoagInputError(
            f"sample sheet {path}: missing column(s) {', '.join(missing)} (found: "
            f"{', '.join(map(str, sheet.columns))}). The header must be tab-separated: "
            + "\t".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS).replace("\t", ", ")
            + "."
        )
    if sheet.empty:
        raise NeoagInputError(f"sample sheet {path}: no samples. Add one row per patient.")
    duplicated = sorted(set(sheet["sample"][sheet["sample"].duplicated()]))
    if duplicated:
        raise NeoagInputError(
            f"sample sheet {path}: sample ID(s) {', '.join(duplicated)} appear more than once. "
            "Each row is one patient and needs its own ID."
        )
    for line, row in enumerate(sheet.to_dict("records"), start=2):
        sample = row["sample"]
        where = f"sample sheet {path}, line {line} (sample '{sample}')"
        if not SAMPLE_ID.match(sample):
            raise NeoagInputError(
                f"{where}: the sample ID may only contain letters, digits, '_' and '-', because it "
                "names folders and files. Rename the sample."
            )
        for column in ("tumor_bam", "normal_bam", "rna_bam"):
            if row.get(column, ""):
                check_alignment_file(row[column], f"{where}, column {column}")
        for column in ("vcf", "expression"):
            if row.get(column, ""):
                check_readable_file(row[column], f"{where}, column {column}")
        if not row.get("vcf", "") and annotation_source == "vep":
            raise NeoagInputError(
                f"{where}: annotation.source is 'vep', so the sample needs a VEP-annotated VCF in the "
                "column 'vcf' (VEP with --plugin Wildtype --plugin Frameshift, as for pVACseq). Add the "
                "column and the path, or set annotation.source to 'gtf'."
            )
        check_clonality_columns(row, where)
        alleles = row.get("hla_alleles", "") or ""
        if require_hla and not alleles.strip():
            raise NeoagInputError(
                f"{where}, column hla_alleles: no HLA alleles given, and config hla.typer is 'sample_sheet'. "
                "Fill the column (e.g. HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01) "
                "or let neoag type them: set hla.typer to 'builtin' (or 'optitype') in the config."
            )
        if alleles.strip():
            parse_allele_list(alleles, f"{where}, column hla_alleles")
