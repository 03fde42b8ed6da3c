"""Cohort summary: per-sample counts and TMB, and neoantigens shared between samples."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import pandas as pd

from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES
from neoag.columns import COHORT_SUMMARY, SHARED_NEOANTIGENS
from neoag.ranking.tiers import TIERS
from neoag.tables import read_table, write_table
from neoag.transcript_cache import gtf_transcripts
from neoag.transcripts import Transcript

# Somatic changes inside a CDS; they make the numerator of TMB (synonymous
# included, as most panel and exome TMB definitions do).
CODING_CONSEQUENCES = (*PEPTIDE_CONSEQUENCES, "stop_gained", "start_lost", "synonymous")
# The columns of candidates.tsv that the cohort tables use.
CANDIDATE_COLUMNS = ("variant_id", "mt_peptide", "allele", "gene_name", "protein_change")


def coding_territory(transcripts: Iterable[Transcript]) -> int:
    """Bases covered by the CDS (stop codons included) of any transcript."""
    intervals = sorted(
        (transcript.chrom, max(start, transcript.coding_start), min(end, transcript.coding_end))
        for transcript in transcripts
        for start, end in transcript.exons
        if start < transcript.coding_end and transcript.coding_start < end
    )
    total, current = 0, None
    for chrom, start, end in intervals:
        if current and chrom == current[0] and start <= current[2]:
            current = (chrom, current[1], max(current[2], end))
            continue
        if current:
            total += current[2] - current[1]
        current = (chrom, start, end)
    return total + (current[2] - current[1] if current else 0)


def summarise_sample(sample: str, variants: pd.DataFrame, candidates: pd.DataFrame, callable_mb: float) -> dict:
    coding = variants.consequence.isin(CODING_CONSEQUENCES).sum()
    return {
        "sample": sample,
        "somatic_variants": len(variants),
        "coding_variants": int(coding),
        "peptide_variants": int(variants.consequence.isin(PEPTIDE_CONSEQUENCES).sum()),
        "candidate_variants": candidates.variant_id.nunique(),
        "candidates": len(candidates),
        "callable_mb": callable_mb,
        "tmb_per_mb": coding / callable_mb if callable_mb else None,
        **tier_columns(variants),
    }


def tier_columns(variants: pd.DataFrame) -> dict[str, int]:
    """tier_pass, tier_anchor, ...: somatic variants by best tier (variants.tsv tier)."""
    tiers = variants["tier"] if "tier" in variants.columns else pd.Series(dtype=str)
    return {f"tier_{tier.lower()}": int((tiers == tier).sum()) for tier in TIERS}


def shared_neoantigens(candidates_by_sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Candidate (peptide, allele) pairs found in two or more samples."""
    rows = []
    for sample, candidates in candidates_by_sample.items():
        for row in candidates[["mt_peptide", "allele", "gene_name", "protein_change"]].drop_duplicates().itertuples():
            rows.append((row.mt_peptide, row.allele, sample, row.gene_name, row.protein_change))
    table = pd.DataFrame(rows, columns=["mt_peptide", "allele", "sample", "gene_name", "protein_change"])
    grouped = table.groupby(["mt_peptide", "allele"], sort=True).agg(
        n_samples=("sample", "nunique"),
        samples=("sample", lambda s: ",".join(sorted(set(s)))),
        gene_names=("gene_name", lambda s: ",".join(sorted(set(s)))),
        protein_changes=("protein_change", lambda s: ",".join(sorted(set(s)))),
    )
    shared = grouped[grouped.n_samples >= 2].reset_index()
    return shared.sort_values(["n_samples", "mt_peptide", "allele"], ascending=[False, True, True], kind="stable")


def write_cohort_summary(
    samples: list[str],
    variants_tsvs: list[str],
    candidates_tsvs: list[str],
    gtf_path: str,
    callable_mb: float | None,
    summary_tsv: str,
    shared_tsv: str,
    transcripts_cache: str | None = None,
) -> None:
    """results/cohort/summary.tsv and shared_neoantigens.tsv.

    callable_mb: the territory TMB is divided by (e.g. the capture kit's size);
    when None, the coding territory of the GTF is used (read from transcripts_cache,
    the GTF parsed by rule parse_gtf, when given).
    """
    if not callable_mb:
        callable_mb = coding_territory(gtf_transcripts(gtf_path, None, transcripts_cache)) / 1e6
        print(f"TMB territory: coding bases of {gtf_path}, {callable_mb:.4f} Mb", file=sys.stderr)
    rows, candidates = [], {}
    for sample, variants_tsv, candidates_tsv in zip(samples, variants_tsvs, candidates_tsvs):
        # Only the columns used, and one row per shared-neoantigen key kept: memory follows the distinct
        # candidates of a sample, not its rows and columns (bench/README.md, "Ranking memory by epitope rows").
        sample_candidates = read_table(candidates_tsv, columns=list(CANDIDATE_COLUMNS))
        rows.append(summarise_sample(sample, read_table(variants_tsv), sample_candidates, callable_mb))
        candidates[sample] = sample_candidates[list(CANDIDATE_COLUMNS[1:])].drop_duplicates()
    write_table(pd.DataFrame(rows, columns=list(COHORT_SUMMARY)), summary_tsv, COHORT_SUMMARY)
    shared = shared_neoantigens(candidates)
    write_table(shared.reindex(columns=list(SHARED_NEOANTIGENS)), shared_tsv, SHARED_NEOANTIGENS)
    print(f"{len(samples)} samples, {len(shared)} neoantigens shared by two or more", file=sys.stderr)


def write_cohort_report(summary_tsv: str, shared_tsv: str, out_html: str, top_shared: int = 500) -> None:
    """results/cohort/report.html: per-sample counts and TMB, variants by tier, shared neoantigens."""
    from neoag.report.html import environment
    from neoag.report.plots import tiers_per_sample

    summary = read_table(summary_tsv)
    shared = read_table(shared_tsv)
    rows = [{name: _cell(value) for name, value in row.items()} for row in summary.to_dict("records")]
    shared_rows = [{name: _cell(v) for name, v in row.items()} for row in shared.head(top_shared).to_dict("records")]
    text = (
        environment()
        .get_template("cohort.html.j2")
        .render(
            summary_columns=list(COHORT_SUMMARY),
            summary=rows,
            help={**COHORT_SUMMARY, **SHARED_NEOANTIGENS},
            shared_columns=list(SHARED_NEOANTIGENS),
            shared=shared_rows,
            n_shared=len(shared),
            plot=tiers_per_sample(summary, TIERS) if len(summary) else "",
        )
    )
    with open(out_html, "w") as handle:
        handle.write(text)


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.4g}"
    return str(value)
