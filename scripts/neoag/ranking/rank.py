"""Ranking stage: peptides + scores + evidence -> all_epitopes, candidates, variants."""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES
from neoag.annotation.expression import add_expression
from neoag.columns import ALL_EPITOPES, ANNOTATION, CANDIDATES, EVIDENCE, VARIANT_KEY, VARIANTS
from neoag.ranking.clonality import Clonality, clonal_calls
from neoag.ranking.groups import peptide_variants, plan_groups, split_peptides
from neoag.ranking.runs import merge_runs, write_run
from neoag.ranking.score_index import group_scores, score_index
from neoag.ranking.tiers import (
    TIER_ORDER,
    TierSettings,
    anchor_mutation,
    assign_tiers,
    expression_state,
    problematic_residues,
    read_anchor_overrides,
)
from neoag.scoring.score_files import SCORE_ARRAYS
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


def _join_scores(table: pd.DataFrame, scores: pd.DataFrame, prefix: str, with_flanks: bool) -> pd.DataFrame:
    """Attach scores of the {prefix} peptide (mt or wt) for each row's allele; with_flanks: the
    flanks are part of the key (presentation mode: any work row of the sample has one)."""
    keyed = scores.rename(
        columns={
            "peptide": f"{prefix}_peptide",
            "n_flank": f"{prefix}_n_flank",
            "c_flank": f"{prefix}_c_flank",
            **{name: f"{prefix}_{name}" for name in SCORE_ARRAYS},
        }
    )
    keys = [f"{prefix}_peptide", "allele"]
    if with_flanks:
        keys += [f"{prefix}_n_flank", f"{prefix}_c_flank"]
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


@dataclass(frozen=True)
class SampleContext:
    """What every group of a sample's rows is joined with (epitope_rows): the sample's whole
    annotations, evidence and clonality, its alleles, and the settings."""

    sample: str
    annotations: pd.DataFrame
    evidence: pd.DataFrame
    clonality: pd.DataFrame  # variant_clonality of the whole sample (its highest VAF)
    alleles: pd.Series  # sorted; dtype of the scores' allele column
    with_flanks: bool
    filters: Filters
    tiers: TierSettings = DEFAULT_TIERS
    expression: pd.DataFrame | None = None
    reference_peptides: set[str] | frozenset = frozenset()
    anchor_overrides: dict | None = None


def epitope_rows(peptides: pd.DataFrame, scores: pd.DataFrame, context: SampleContext) -> pd.DataFrame:
    """all_epitopes rows (not sorted) of these peptides: x alleles, with scores, evidence, flags and tier.

    Each row depends only on its own peptide row and the sample-wide context, so the
    peptides can be taken a group of variants at a time (write_rankings).
    """
    filters, tiers = context.filters, context.tiers
    annotation_columns = [c for c in ANNOTATION if c != "transcript_id"]
    table = peptides.merge(
        context.annotations[[*VARIANT_KEY, "transcript_id", *annotation_columns]],
        on=["variant_id", "transcript_id"],
        how="left",
    )
    table = table.merge(context.evidence[["variant_id", *EVIDENCE]], on="variant_id", how="left")
    # the scores' allele dtype: an empty sample's cross join must still merge on text
    table = table.merge(pd.DataFrame({"allele": context.alleles}), how="cross")
    table = _join_scores(table, scores, "mt", context.with_flanks)
    table = _join_scores(table, scores, "wt", context.with_flanks)
    table = add_expression(table, context.expression)
    table = table.merge(context.clonality, on="variant_id", how="left")
    table["sample"] = context.sample
    table["agretopicity"] = agretopicity(table.wt_affinity_nm, table.mt_affinity_nm)
    table["binder"] = (table.mt_affinity_nm <= filters.max_affinity_nm) | (
        table.mt_affinity_percentile <= filters.max_affinity_percentile
    )
    table["in_reference_proteome"] = table.mt_peptide.isin(context.reference_peptides)
    table["problematic_residues"] = problematic_residues(table.mt_peptide, list(filters.problematic_residues))
    table["anchor_mutation"] = anchor_mutation(table, context.anchor_overrides)
    table["filter_reasons"] = filter_reasons(table, filters) if len(table) else pd.Series(dtype=str)
    table["passes_filters"] = table.filter_reasons == ""
    wt_binds = table.wt_affinity_nm <= filters.max_affinity_nm
    table["tier"] = assign_tiers(
        table.passes_filters, table.anchor_mutation & wt_binds, table.clonal, expression_state(table, tiers)
    )
    return table


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
    """Every MT peptide x allele with its WT counterpart, scores, evidence, flags and tier, ranked;
    the whole sample in memory (write_rankings does the same a group of variants at a time).

    scores: score_table's rows; reference_peptides: the MT peptides found in the reference
    proteome (proteome.found_in_proteome); anchor_overrides: tiers.read_anchor_overrides.
    """
    context = SampleContext(
        sample=sample,
        annotations=annotations,
        evidence=evidence,
        clonality=variant_clonality(evidence, clonality, tiers),
        alleles=pd.Series(sorted(scores.allele.unique()), dtype=scores.allele.dtype),
        with_flanks=bool((scores.n_flank != "").any() or (scores.c_flank != "").any()),
        filters=filters,
        tiers=tiers,
        expression=expression,
        reference_peptides=reference_peptides,
        anchor_overrides=anchor_overrides,
    )
    return rank_order(epitope_rows(peptides, scores, context)).reset_index(drop=True)


def build_candidates(all_epitopes: pd.DataFrame) -> pd.DataFrame:
    """Passing rows, one per (variant, peptide, allele) across transcripts, ranked."""
    passing = all_epitopes[all_epitopes.passes_filters]
    passing = passing.drop_duplicates(["variant_id", "mt_peptide", "allele"], keep="first")
    candidates = rank_order(passing).reset_index(drop=True)
    candidates.insert(0, "rank", np.arange(1, len(candidates) + 1))
    return candidates


def variant_summaries(all_epitopes: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Per variant_id (index) of all_epitopes: n_peptides, n_candidates (NaN: none) and its
    best-ranked row's peptide, allele, affinity, percentile and tier; from ranked tables
    holding all of each variant's rows (the whole sample, or a group of variants)."""
    best = all_epitopes.drop_duplicates("variant_id", keep="first").set_index("variant_id")
    return pd.DataFrame(
        {
            "n_peptides": all_epitopes.groupby("variant_id").mt_peptide.nunique(),
            "n_candidates": candidates.groupby("variant_id").size(),
            "best_peptide": best.mt_peptide,
            "best_allele": best.allele,
            "best_mt_affinity_nm": best.mt_affinity_nm,
            "best_mt_affinity_percentile": best.mt_affinity_percentile,
            "tier": best.tier,
        }
    )


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
    summaries = variant_summaries(all_epitopes, candidates)
    return variants_table(sample, annotations, evidence, summaries, tiers, clonality)


def variants_table(
    sample: str,
    annotations: pd.DataFrame,
    evidence: pd.DataFrame,
    summaries: pd.DataFrame,
    tiers: TierSettings = DEFAULT_TIERS,
    clonality: Clonality = NO_PURITY,
) -> pd.DataFrame:
    """build_variants from variant_summaries (of the whole sample, or concatenated over groups)."""
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
    for name in ("n_peptides", "n_candidates"):
        table[name] = table.variant_id.map(summaries[name]).fillna(0).astype(int)
    for name in ("best_peptide", "best_allele", "best_mt_affinity_nm", "best_mt_affinity_percentile"):
        table[name] = table.variant_id.map(summaries[name])
    tier = table.variant_id.map(summaries.tier)
    table["tier"] = tier.where(tier.notna(), "")  # not fillna: it warns when it would downcast (no summaries)
    table["sample"] = sample
    return table.sort_values(["chrom", "pos", "ref", "alt"], kind="stable")


# all_epitopes rows ranked at a time by write_rankings (one group of variants): about 1.7 KB of
# memory each while a group is built (bench/README.md, "Ranking memory by epitope rows").
GROUP_ROWS = 100_000


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
    group_rows: int = GROUP_ROWS,
    workers: int = 1,
) -> None:
    """The three result tables of one sample (with expression when expression_tsv is given,
    reference-proteome matches when proteome_fasta is given).

    Memory follows group_rows, not the sample: the rows are built and ranked one group of
    variants at a time, each group written sorted to a run file next to all_epitopes_tsv,
    and the runs merged (ranking.runs); the tables are the bytes that build_all_epitopes,
    build_candidates and build_variants give for the whole sample at once. workers: processes
    that rank the groups (the tables do not depend on it; each holds one group in memory).
    """
    from neoag.annotation.proteome import read_proteome

    annotations = read_table(annotations_tsv, columns=[*VARIANT_KEY, *ANNOTATION])  # not the proteins
    evidence = read_table(evidence_tsv)
    scores = score_index(scores_npz)
    expression = read_table(expression_tsv) if expression_tsv else None
    counts, reference_peptides = peptide_variants(
        peptides_tsv, read_proteome(proteome_fasta) if proteome_fasta else None
    )
    context = SampleContext(
        sample=sample,
        annotations=annotations,
        evidence=evidence,
        clonality=variant_clonality(evidence, clonality, tiers),
        alleles=scores.alleles(),
        with_flanks=scores.with_flanks,
        filters=filters,
        tiers=tiers,
        expression=expression,
        reference_peptides=reference_peptides,
        anchor_overrides=read_anchor_overrides(tiers.anchor_positions) if tiers.anchor_positions else None,
    )
    folder = os.path.dirname(os.path.abspath(all_epitopes_tsv))
    with tempfile.TemporaryDirectory(prefix=".rank-", dir=folder) as work:
        runs, summaries, totals = _rank_groups(peptides_tsv, counts, scores, context, group_rows, work, workers)
        merge_runs([run for run, _ in runs], all_epitopes_tsv, ALL_EPITOPES)
        merge_runs([run for _, run in runs], candidates_tsv, CANDIDATES, number=True)
    variants = add_expression(variants_table(sample, annotations, evidence, summaries, tiers, clonality), expression)
    write_table(variants, variants_tsv, VARIANTS)
    tier_counts = ", ".join(f"{tier} {totals[tier]}" for tier in TIER_ORDER)
    print(
        f"{sample}: {len(variants)} somatic variants, {totals['rows']} peptide-allele rows, "
        f"{totals['binders']} binders, {totals['candidates']} candidates ({tier_counts}); "
        f"{len(reference_peptides)} mutant peptides found in the reference proteome ({filters.reference_match}); "
        f"ranked in {len(runs)} group(s) of variants",
        file=sys.stderr,
    )


def _rank_groups(
    peptides_tsv: str,
    counts: dict[str, int],
    scores,
    context: SampleContext,
    group_rows: int,
    work: str,
    workers: int = 1,
) -> tuple[list[tuple[str, str]], pd.DataFrame, Counter]:
    """Rank each group of variants: its sorted all_epitopes and candidates rows into two run files.
    Returns the (all_epitopes, candidates) runs, the groups' variant_summaries and counts.

    workers > 1: the groups are ranked by a pool of forked processes, which share the sample's
    context and scores; each group's runs are the same files, so the tables do not depend on it."""
    group_of, groups = plan_groups(counts, len(context.alleles), group_rows)
    parts = split_peptides(peptides_tsv, group_of, groups, work)
    workers = max(1, min(workers, len(parts)))
    if workers == 1:
        ranked = [_rank_group(group, part, scores, context, work) for group, part in enumerate(parts)]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _SHARED.update(scores=scores, context=context)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_rank_shared_group, group, part, work) for group, part in enumerate(parts)]
                ranked = [future.result() for future in futures]
        finally:
            _SHARED.clear()
    totals = Counter()
    for _, _, counted in ranked:
        totals.update(counted)
    summaries = [summary for _, summary, _ in ranked]
    empty = variant_summaries(pd.DataFrame(columns=list(ALL_EPITOPES)), pd.DataFrame(columns=["variant_id"]))
    return [run for run, _, _ in ranked], pd.concat(summaries) if summaries else empty, totals


# The sample's scores and context for the forked workers of _rank_groups (inherited, not pickled).
_SHARED: dict = {}


def _rank_shared_group(group: int, part: str, work: str):
    return _rank_group(group, part, _SHARED["scores"], _SHARED["context"], work)


def _rank_group(group: int, part: str, scores, context: SampleContext, work: str):
    """One group's run files (all_epitopes, candidates), its variant summaries and its counts."""
    peptides = read_table(part)
    os.remove(part)
    table = rank_order(epitope_rows(peptides, group_scores(scores, peptides), context)).reset_index(drop=True)
    candidates = build_candidates(table)
    run = (os.path.join(work, f"all_epitopes.{group}"), os.path.join(work, f"candidates.{group}"))
    write_run(run[0], table, ALL_EPITOPES)
    write_run(run[1], candidates, [name for name in CANDIDATES if name != "rank"])
    counted = Counter(rows=len(table), binders=int(table.binder.sum()), candidates=len(candidates))
    counted.update(candidates.tier.value_counts().to_dict())
    return run, variant_summaries(table, candidates), counted
