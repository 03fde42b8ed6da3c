"""Ranking stage: peptides + scores + evidence -> all_epitopes, candidates, variants."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES
from neoag.annotation.expression import add_expression
from neoag.columns import ALL_EPITOPES, ANNOTATION, CANDIDATES, EVIDENCE, VARIANT_KEY, VARIANTS
from neoag.ranking.clonality import Clonality, clonal_calls
from neoag.ranking.tiers import (
    TIER_ORDER,
    TierSettings,
    anchor_mutation,
    assign_tiers,
    expression_state,
    problematic_residues,
    read_anchor_overrides,
)
from neoag.scoring.score_files import SCORE_ARRAYS, score_table
from neoag.tables import read_table, write_table

DEFAULT_TIERS = TierSettings()
NO_PURITY = Clonality()


@dataclass(frozen=True)
class Filters:
    """Which epitopes become candidates (config: filters)."""

    max_affinity_nm: float = 500.0
    max_affinity_percentile: float = 2.0
    min_tumor_dna_depth: int = 10
    min_tumor_dna_vaf: float = 0.05
    min_tumor_rna_alt_count: int = 0  # 0: RNA support not required
    reference_match: str = "flag"  # MT peptide found in the reference proteome: flag or remove
    problematic_residues: tuple[str, ...] = ("C",)  # flagged in MT peptides (column problematic_residues)


def agretopicity(wt_affinity_nm: pd.Series, mt_affinity_nm: pd.Series) -> pd.Series:
    """WT nM / MT nM, the one definition used everywhere (pVACseq's fold change).

    Above 1 the mutant binds more strongly than its wild-type counterpart. NaN
    where there is no wild-type peptide.
    """
    return wt_affinity_nm / mt_affinity_nm


def filter_reasons(table: pd.DataFrame, filters: Filters) -> pd.Series:
    """Comma-separated names of the filters each row fails ('' when it passes)."""
    checks = {
        "not_binder": ~table.binder,
        "low_tumor_dna_depth": ~(table.tumor_dna_depth >= filters.min_tumor_dna_depth),
        "low_tumor_dna_vaf": ~(table.tumor_dna_vaf >= filters.min_tumor_dna_vaf),
    }
    if filters.min_tumor_rna_alt_count > 0:
        # Without an RNA BAM the column is empty and the filter cannot pass.
        checks["no_tumor_rna_support"] = ~(table.tumor_rna_alt_count >= filters.min_tumor_rna_alt_count)
    if filters.reference_match == "remove":
        checks["in_reference_proteome"] = table.in_reference_proteome.astype(bool)
    failed = pd.DataFrame(checks, index=table.index)
    return failed.apply(lambda row: ",".join(name for name, bad in row.items() if bad), axis=1).astype(str)


def rank_order(table: pd.DataFrame) -> pd.DataFrame:
    """Best first: tier (TIERS order); then presentation percentile when the
    models give one, else affinity percentile; then affinity; then IDs, so ties
    are deterministic."""
    primary = table.mt_presentation_percentile.where(
        table.mt_presentation_percentile.notna(), table.mt_affinity_percentile
    )
    return (
        table.assign(_tier=table.tier.map(TIER_ORDER), _primary=primary)
        .sort_values(
            ["_tier", "_primary", "mt_affinity_nm", "variant_id", "mt_peptide", "allele", "transcript_id"],
            kind="stable",
            na_position="last",
        )
        .drop(columns=["_tier", "_primary"])
    )


def _join_scores(table: pd.DataFrame, scores: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Attach scores of the {prefix} peptide (mt or wt) for each row's allele."""
    keyed = scores.rename(
        columns={
            "peptide": f"{prefix}_peptide",
            "n_flank": f"{prefix}_n_flank",
            "c_flank": f"{prefix}_c_flank",
            **{name: f"{prefix}_{name}" for name in SCORE_ARRAYS},
        }
    )
    keys = [f"{prefix}_peptide", "allele"]
    if (scores.n_flank != "").any() or (scores.c_flank != "").any():
        keys += [f"{prefix}_n_flank", f"{prefix}_c_flank"]  # presentation mode: flanks matter
    keyed = keyed[keys + [f"{prefix}_{name}" for name in SCORE_ARRAYS]]
    return table.merge(keyed, on=keys, how="left", validate="many_to_one")


def variant_clonality(evidence: pd.DataFrame, clonality: Clonality, tiers: TierSettings) -> pd.DataFrame:
    """variant_id, ccf, clonal of every variant of evidence.tsv (clonality.py); the
    highest VAF among the somatic variants (all rows when there is no somatic_status
    column) stands for a clonal VAF without a purity."""
    somatic_vaf = evidence.tumor_dna_vaf
    if "somatic_status" in evidence.columns:
        somatic_vaf = somatic_vaf[evidence.somatic_status == "somatic"]
    max_vaf = float(somatic_vaf.max()) if len(somatic_vaf) else float("nan")
    ccf, clonal = clonal_calls(evidence.tumor_dna_vaf.astype(float), clonality, tiers.min_clonal_ccf, max_vaf)
    return pd.DataFrame({"variant_id": evidence.variant_id, "ccf": ccf, "clonal": clonal.astype(bool)})


def build_all_epitopes(
    sample: str,
    peptides: pd.DataFrame,
    annotations: pd.DataFrame,
    evidence: pd.DataFrame,
    scores: pd.DataFrame,
    filters: Filters,
    tiers: TierSettings = DEFAULT_TIERS,
    clonality: Clonality = NO_PURITY,
    expression: pd.DataFrame | None = None,
    reference_peptides: set[str] = frozenset(),
    anchor_overrides: dict | None = None,
) -> pd.DataFrame:
    """Every MT peptide x allele with its WT counterpart, scores, evidence, flags and tier.

    reference_peptides: the MT peptides found in the reference proteome
    (proteome.found_in_proteome); anchor_overrides: tiers.read_anchor_overrides.
    """
    alleles = sorted(scores.allele.unique())
    annotation_columns = ["variant_id", "transcript_id", *[c for c in ANNOTATION if c != "transcript_id"]]
    table = peptides.merge(
        annotations[[*VARIANT_KEY, *annotation_columns[1:]]], on=["variant_id", "transcript_id"], how="left"
    )
    table = table.merge(evidence[["variant_id", *EVIDENCE]], on="variant_id", how="left")
    # dtype of the scores' allele column: an empty sample's cross join must still merge on text
    table = table.merge(pd.DataFrame({"allele": pd.Series(alleles, dtype=scores.allele.dtype)}), how="cross")
    table = _join_scores(table, scores, "mt")
    table = _join_scores(table, scores, "wt")
    table = add_expression(table, expression)
    table = table.merge(variant_clonality(evidence, clonality, tiers), on="variant_id", how="left")
    table["sample"] = sample
    table["agretopicity"] = agretopicity(table.wt_affinity_nm, table.mt_affinity_nm)
    table["binder"] = (table.mt_affinity_nm <= filters.max_affinity_nm) | (
        table.mt_affinity_percentile <= filters.max_affinity_percentile
    )
    table["in_reference_proteome"] = table.mt_peptide.isin(reference_peptides)
    table["problematic_residues"] = problematic_residues(table.mt_peptide, list(filters.problematic_residues))
    table["anchor_mutation"] = anchor_mutation(table, anchor_overrides)
    table["filter_reasons"] = filter_reasons(table, filters) if len(table) else pd.Series(dtype=str)
    table["passes_filters"] = table.filter_reasons == ""
    wt_binds = table.wt_affinity_nm <= filters.max_affinity_nm
    table["tier"] = assign_tiers(
        table.passes_filters, table.anchor_mutation & wt_binds, table.clonal, expression_state(table, tiers)
    )
    return rank_order(table).reset_index(drop=True)


def build_candidates(all_epitopes: pd.DataFrame) -> pd.DataFrame:
    """Passing rows, one per (variant, peptide, allele) across transcripts, ranked."""
    passing = all_epitopes[all_epitopes.passes_filters]
    passing = passing.drop_duplicates(["variant_id", "mt_peptide", "allele"], keep="first")
    candidates = rank_order(passing).reset_index(drop=True)
    candidates.insert(0, "rank", np.arange(1, len(candidates) + 1))
    return candidates


def build_variants(
    sample: str,
    annotations: pd.DataFrame,
    evidence: pd.DataFrame,
    all_epitopes: pd.DataFrame,
    candidates: pd.DataFrame,
    tiers: TierSettings = DEFAULT_TIERS,
    clonality: Clonality = NO_PURITY,
) -> pd.DataFrame:
    """One row per somatic variant: its main annotation, evidence, clonality, best peptide and its tier."""
    somatic = evidence[evidence.somatic_status == "somatic"]
    # Main annotation: a peptide-making consequence first, then transcript ID.
    ordered = annotations.assign(_makes=~annotations.consequence.isin(PEPTIDE_CONSEQUENCES)).sort_values(
        ["variant_id", "_makes", "transcript_id"], kind="stable"
    )
    main = ordered.drop_duplicates("variant_id")[["variant_id", *ANNOTATION]]
    table = somatic[["variant_id", *[c for c in VARIANT_KEY if c != "variant_id"], *EVIDENCE]].merge(
        main, on="variant_id", how="left"
    )
    table = table.merge(variant_clonality(evidence, clonality, tiers), on="variant_id", how="left")
    best = all_epitopes.drop_duplicates("variant_id", keep="first").set_index("variant_id")
    table["n_peptides"] = table.variant_id.map(all_epitopes.groupby("variant_id").mt_peptide.nunique()).fillna(0)
    table["n_candidates"] = table.variant_id.map(candidates.groupby("variant_id").size()).fillna(0)
    table["n_peptides"] = table.n_peptides.astype(int)
    table["n_candidates"] = table.n_candidates.astype(int)
    table["best_peptide"] = table.variant_id.map(best.mt_peptide)
    table["best_allele"] = table.variant_id.map(best.allele)
    table["best_mt_affinity_nm"] = table.variant_id.map(best.mt_affinity_nm)
    table["best_mt_affinity_percentile"] = table.variant_id.map(best.mt_affinity_percentile)
    table["tier"] = table.variant_id.map(best.tier).fillna("")
    table["sample"] = sample
    return table.sort_values(["chrom", "pos", "ref", "alt"], kind="stable")


def write_rankings(
    sample: str,
    peptides_tsv: str,
    annotations_tsv: str,
    evidence_tsv: str,
    scores_npz: str,
    filters: Filters,
    all_epitopes_tsv: str,
    candidates_tsv: str,
    variants_tsv: str,
    expression_tsv: str | None = None,
    proteome_fasta: str | None = None,
    tiers: TierSettings = DEFAULT_TIERS,
    clonality: Clonality = NO_PURITY,
) -> None:
    """The three result tables of one sample (with expression when expression_tsv is given,
    reference-proteome matches when proteome_fasta is given)."""
    from neoag.annotation.proteome import found_in_proteome, read_proteome

    peptides = read_table(peptides_tsv)
    annotations = read_table(annotations_tsv)
    evidence = read_table(evidence_tsv)
    scores = score_table(scores_npz)
    expression = read_table(expression_tsv) if expression_tsv else None
    reference_peptides = (
        found_in_proteome(peptides.mt_peptide, read_proteome(proteome_fasta)) if proteome_fasta else set()
    )
    overrides = read_anchor_overrides(tiers.anchor_positions) if tiers.anchor_positions else None

    all_epitopes = build_all_epitopes(
        sample, peptides, annotations, evidence, scores, filters, tiers, clonality, expression,
        reference_peptides, overrides,
    )  # fmt: skip
    candidates = build_candidates(all_epitopes)
    variants = add_expression(
        build_variants(sample, annotations, evidence, all_epitopes, candidates, tiers, clonality), expression
    )
    write_table(all_epitopes, all_epitopes_tsv, ALL_EPITOPES)
    write_table(candidates, candidates_tsv, CANDIDATES)
    write_table(variants, variants_tsv, VARIANTS)
    tier_counts = candidates.tier.value_counts().reindex(TIER_ORDER, fill_value=0)
    print(
        f"{sample}: {len(variants)} somatic variants, {len(all_epitopes)} peptide-allele rows, "
        f"{int(all_epitopes.binder.sum()) if len(all_epitopes) else 0} binders, {len(candidates)} candidates "
        f"({', '.join(f'{t} {n}' for t, n in tier_counts.items())}); {len(reference_peptides)} mutant peptides "
        f"found in the reference proteome ({filters.reference_match})",
        file=sys.stderr,
    )
