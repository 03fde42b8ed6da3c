"""Tumor-only samples (tumor_bam without normal_bam): what they need before any job starts.

A caller without a tumor-only mode (Strelka2's somatic workflow needs a normal) stops the
run; the germline resources of config tumor_only (a panel of normals, a population-AF VCF)
must be bgzipped, indexed and named like the reference's contigs; a tumor-only sample
without either is a warning (its germline variants pass as somatic).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from neoag.errors import NeoagInputError
from neoag.preflight.files import check_readable_file, ends_with_bgzf_eof
from neoag.preflight.sheet import row_lines, sample_kind, warn

RESOURCE_KEYS = ("panel_of_normals", "population_vcf")


def tumor_only_rows(sheet: pd.DataFrame, path: str) -> list[tuple[str, dict]]:
    """('sample sheet X, line N (sample 'S')', row) of every tumor-only row."""
    return [
        (f"sample sheet {path}, line {line} (sample '{row['sample']}')", row)
        for line, row in zip(row_lines(sheet), sheet.to_dict("records"))
        if sample_kind(row) == "tumor_only"
    ]


def check_tumor_only(
    sheet: pd.DataFrame, path: str, config: dict, reference: Sequence[tuple[str, int]] | None = None
) -> None:
    """The callers and germline resources of the sheet's tumor-only samples (none: nothing to check).
    With reference (the FASTA's contigs) the resources' contig names are checked too."""
    rows = tumor_only_rows(sheet, path)
    if not rows:
        return
    callers = config.get("calling", {}).get("callers", [])
    calling = [where for where, row in rows if not row.get("vcf", "")]  # the others bring their own calls
    if "strelka2" in callers and calling:
        raise NeoagInputError(
            f"{calling[0]}: a tumor-only sample (tumor_bam without normal_bam), but config calling.callers "
            "includes strelka2, whose somatic workflow needs a normal. Call tumor-only samples with freebayes, "
            "bcftools or mutect2 (tumor-only mode), e.g. calling.callers: [freebayes], or give the matched "
            "normal in normal_bam."
        )
    settings = config.get("tumor_only", {})
    given = [(key, settings.get(key, "")) for key in RESOURCE_KEYS if settings.get(key, "")]
    for key, resource in given:
        check_resource(resource, f"config tumor_only.{key}", reference)
    if not given:
        warn(
            f"{rows[0][0]}{' and others' if len(rows) > 1 else ''}: tumor-only, and neither "
            "tumor_only.panel_of_normals nor tumor_only.population_vcf is set, "
            "so nothing removes the tumor's germline variants: they pass "
            "as somatic (docs/inputs.md#tumor-only-built)."
        )


def resource_index(path: str) -> str | None:
    """The tabix or CSI index beside a bgzipped VCF, or None."""
    for index in (f"{path}.tbi", f"{path}.csi"):
        if os.path.isfile(index):
            return index
    return None


def check_resource(path: str, where: str, reference: Sequence[tuple[str, int]] | None = None) -> None:
    """A germline resource VCF: readable, bgzipped, indexed, and (with reference) named like it."""
    fix = "bgzip file.vcf && tabix -p vcf file.vcf.gz"
    check_readable_file(path, where, hint='Correct the path, or set the key to "" to go without it.')
    if not path.endswith(".bcf") and not ends_with_bgzf_eof(path):
        raise NeoagInputError(
            f"{where}: '{path}' is not a bgzipped VCF (or it is truncated), so it cannot be indexed and read "
            f"by region. Compress and index it: {fix}."
        )
    if resource_index(path) is None:
        raise NeoagInputError(
            f"{where}: '{path}' has no index (.tbi or .csi) beside it; neoag reads only the sites near each "
            f"candidate, by region. Index it: tabix -p vcf {path} (or bcftools index --tbi {path})."
        )
    if reference is not None:
        check_resource_contigs(path, where, reference)


def check_resource_contigs(path: str, where: str, reference: Sequence[tuple[str, int]]) -> None:
    """At least one contig of the resource's index (its header's where the index names none) is a
    contig of the reference, with the same length where the header gives one."""
    import pysam

    from neoag.preflight.contigs import check_contigs, vcf_header

    header = vcf_header(path, where)
    with pysam.VariantFile(path) as vcf:
        indexed = list(vcf.index.keys()) if vcf.index is not None else []
    lengths = {name: header.contigs[name].length for name in header.contigs}
    names = indexed or list(lengths)
    check_contigs([(name, lengths.get(name)) for name in names], reference, f"{where} ({path})")
