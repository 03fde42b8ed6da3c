"""MultiQC custom content: one sample's neoag summary as *_mqc.yaml files.

MultiQC (a facility's daily report) picks up any file named *_mqc.yaml under
the folders it scans. Each file holds one section; MultiQC merges files with
the same section id across samples, so every sample writes its own three:

- neoag_summary: a table of the sample's counts (variants, candidates, HLA
  alleles and how they were typed, depths, TMB, skipped alleles);
- neoag_tiers: a bar graph of the sample's candidates by tier;
- neoag_general_stats: a few of those numbers in MultiQC's General Statistics.

Every value is one that neoag's own tables already hold (docs/output.md).
"""

from __future__ import annotations

import pandas as pd
import yaml

from neoag.ranking.tiers import TIERS
from neoag.tables import read_table

# Columns of the neoag_summary table: key -> (title, description, MultiQC number format or None for text).
SUMMARY_HEADERS = {
    "somatic_variants": ("Somatic variants", "somatic variants (rows of variants.tsv)", "{:,.0f}"),
    "coding_variants": ("Coding variants", "somatic variants inside a CDS", "{:,.0f}"),
    "tmb_per_mb": ("TMB", "coding variants per Mb of callable territory (cohort/summary.tsv)", "{:,.2f}"),
    "peptide_variants": ("Peptide variants", "somatic variants that make new peptides", "{:,.0f}"),
    "candidate_variants": ("Candidate variants", "variants with at least one candidate epitope", "{:,.0f}"),
    "candidates": ("Candidates", "candidate epitopes (rows of candidates.tsv)", "{:,.0f}"),
    "pass_candidates": ("Pass candidates", "candidate epitopes of tier Pass", "{:,.0f}"),
    "hla_alleles": ("HLA alleles", "the HLA class I alleles scored (hla/alleles.tsv)", None),
    "hla_source": ("HLA source", "where the scored alleles come from: sample_sheet, builtin or optitype", None),
    "hla_typer": ("HLA typer", "the typer of hla/typing_report.tsv (builtin, optitype or sample_sheet)", None),
    "hla_flags": ("HLA flags", "typing flags of hla/typing_report.tsv (tie, homozygous, low_coverage, ...)", None),
    "median_tumor_dna_depth": ("Tumor DNA depth", "median tumor DNA depth at the somatic variants", "{:,.1f}"),
    "median_normal_dna_depth": ("Normal DNA depth", "median normal DNA depth at the somatic variants", "{:,.1f}"),
    "median_tumor_rna_depth": ("Tumor RNA depth", "median tumor RNA depth at the somatic variants", "{:,.1f}"),
    "median_tumor_dna_vaf": ("Tumor VAF", "median tumor DNA VAF of the somatic variants", "{:,.3f}"),
    "candidate_alleles": ("Called alleles", "candidate alleles of the callers (rows of calls/evidence.tsv)", "{:,.0f}"),
    "skipped_alleles": ("Skipped alleles", "VCF alleles that cannot be scored (calls/*/skipped.tsv)", "{:,.0f}"),
}

# The General Statistics columns (a subset of the summary), shown by default.
GENERAL_STATS = ("somatic_variants", "tmb_per_mb", "candidates", "pass_candidates")


def _median(column: pd.Series) -> float | None:
    values = column.dropna()
    return float(f"{values.median():.6g}") if len(values) else None


def _joined(values) -> str:
    return ", ".join(sorted({value for value in values if value}))


def sample_summary(
    cohort_row: dict,
    variants: pd.DataFrame,
    candidates: pd.DataFrame,
    alleles: pd.DataFrame,
    typing_report: pd.DataFrame,
    evidence: pd.DataFrame,
    skipped: int,
) -> dict:
    """The values of the neoag_summary table for one sample (keys of SUMMARY_HEADERS).

    cohort_row: the sample's row of cohort/summary.tsv; skipped: rows of the
    sample's skipped.tsv files together. A median over no value is None (an
    empty cell: e.g. tumor RNA depth without an RNA BAM).
    """
    tmb = cohort_row.get("tmb_per_mb")
    flags = (flag for cell in typing_report.get("flags", []) for flag in str(cell).split(","))
    return {
        "somatic_variants": int(cohort_row["somatic_variants"]),
        "coding_variants": int(cohort_row["coding_variants"]),
        "tmb_per_mb": None if tmb is None or pd.isna(tmb) else float(tmb),
        "peptide_variants": int(cohort_row["peptide_variants"]),
        "candidate_variants": int(cohort_row["candidate_variants"]),
        "candidates": len(candidates),
        "pass_candidates": int((candidates["tier"] == "Pass").sum()) if len(candidates) else 0,
        "hla_alleles": ", ".join(alleles["allele"]),
        "hla_source": _joined(alleles["source"]),
        "hla_typer": _joined(typing_report.get("typer", [])),
        "hla_flags": _joined(flags) or "none",
        "median_tumor_dna_depth": _median(variants["tumor_dna_depth"]),
        "median_normal_dna_depth": _median(variants["normal_dna_depth"]),
        "median_tumor_rna_depth": _median(variants["tumor_rna_depth"]),
        "median_tumor_dna_vaf": _median(variants["tumor_dna_vaf"]),
        "candidate_alleles": len(evidence),
        "skipped_alleles": int(skipped),
    }


def tier_counts(candidates: pd.DataFrame) -> dict[str, int]:
    """Candidate epitopes by tier, every tier named (TIERS order)."""
    tiers = candidates["tier"] if len(candidates) else pd.Series(dtype=str)
    return {tier: int((tiers == tier).sum()) for tier in TIERS}


def _headers(keys) -> dict:
    headers = {}
    for key in keys:
        title, description, number_format = SUMMARY_HEADERS[key]
        headers[key] = {"title": title, "description": description}
        if number_format:
            headers[key]["format"] = number_format
    return headers


def multiqc_sections(sample: str, summary: dict, tiers: dict[str, int]) -> dict[str, dict]:
    """The three custom-content sections of one sample, by section id. A value of None is left
    out (MultiQC shows an empty cell)."""
    general = {key: summary[key] for key in GENERAL_STATS if summary[key] is not None}
    known = {key: value for key, value in summary.items() if value is not None}
    return {
        "neoag_summary": {
            "id": "neoag_summary",
            "section_name": "neoag summary",
            "description": "Per-sample results of neoag: somatic variants, candidate neoantigens, HLA "
            "class I alleles and how they were typed, read depths, TMB and skipped VCF alleles.",
            "plot_type": "table",
            "pconfig": {"id": "neoag_summary_table", "title": "neoag: summary", "col1_header": "Sample"},
            "headers": _headers(SUMMARY_HEADERS),
            "data": {sample: known},
        },
        "neoag_tiers": {
            "id": "neoag_tiers",
            "section_name": "neoag candidate tiers",
            "description": "Candidate epitopes (candidates.tsv) by tier: Pass, then the one reason to doubt "
            "the candidate (Anchor, Subclonal, LowExpr, NoExpr); Poor last.",
            "plot_type": "bargraph",
            "pconfig": {"id": "neoag_tiers_plot", "title": "neoag: candidates by tier", "ylab": "Candidates"},
            "categories": list(TIERS),
            "data": {sample: tiers},
        },
        "neoag_general_stats": {
            "id": "neoag_general_stats",
            "plot_type": "generalstats",
            "headers": {key: {**header, "namespace": "neoag"} for key, header in _headers(GENERAL_STATS).items()},
            "data": {sample: general},
        },
    }


def write_multiqc_content(
    sample: str,
    cohort_summary_tsv: str,
    variants_tsv: str,
    candidates_tsv: str,
    alleles_tsv: str,
    typing_report_tsv: str,
    evidence_tsv: str,
    skipped_tsvs: list[str],
    out_summary: str,
    out_tiers: str,
    out_general_stats: str,
) -> None:
    """results/{sample}/multiqc/neoag_{summary,tiers,general_stats}_mqc.yaml."""
    cohort = read_table(cohort_summary_tsv).set_index("sample", drop=False)
    candidates = read_table(candidates_tsv)
    skipped = sum(len(read_table(path)) for path in skipped_tsvs)
    summary = sample_summary(
        cohort.loc[sample].to_dict(),
        read_table(variants_tsv),
        candidates,
        read_table(alleles_tsv),
        # as text: its used_for_scoring is written true/false, which read_table does not take
        pd.read_csv(typing_report_tsv, sep="\t", dtype=str, keep_default_na=False),
        read_table(evidence_tsv),
        skipped,
    )
    sections = multiqc_sections(sample, summary, tier_counts(candidates))
    for section_id, path in zip(sections, (out_summary, out_tiers, out_general_stats)):
        with open(path, "w") as handle:
            yaml.safe_dump(sections[section_id], handle, sort_keys=False, allow_unicode=True)
