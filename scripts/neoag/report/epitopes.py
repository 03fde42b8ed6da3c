"""What the report needs from all_epitopes.tsv, read in chunks of a few columns.

all_epitopes.tsv has a row per peptide x allele (millions for an exome), so the
report never holds it: it streams the columns below and keeps aggregates whose
size follows the variants and alleles, not the rows (counts, a 2-D histogram of
MT vs WT affinity, the best peptide of every variant x allele).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from neoag.tables import read_table_chunks

COLUMNS = [
    "variant_id", "allele", "mt_peptide", "wt_peptide", "peptide_length", "mutation_positions",
    "mt_affinity_nm", "mt_affinity_percentile", "wt_affinity_nm", "agretopicity",
    "mt_presentation_percentile", "binder", "anchor_mutation", "passes_filters", "filter_reasons", "tier",
]  # fmt: skip

# Best first within a variant x allele: presentation percentile when scored, then affinity.
RANK_KEYS = ["mt_presentation_percentile", "mt_affinity_percentile", "mt_affinity_nm", "mt_peptide"]

# Log-spaced affinity bins (nM) of the MT vs WT density plot.
AFFINITY_EDGES = np.logspace(0, 5, 51)


@dataclass
class EpitopeSummary:
    """Aggregates of all_epitopes.tsv (sizes independent of its row count)."""

    rows: int = 0
    binders: int = 0
    peptides: set = field(default_factory=set)
    tiers: Counter = field(default_factory=Counter)
    filter_reasons: Counter = field(default_factory=Counter)
    presentation: bool = False
    density: np.ndarray = field(default_factory=lambda: np.zeros((50, 50), dtype=np.int64))
    without_wt: int = 0
    best: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def score(self) -> str:
        """The percentile the report ranks by: presentation when scored, else affinity."""
        return "mt_presentation_percentile" if self.presentation else "mt_affinity_percentile"


def _clip(values: pd.Series) -> np.ndarray:
    return np.clip(values.to_numpy(dtype=float), AFFINITY_EDGES[0], AFFINITY_EDGES[-1] * 0.999)


def add_chunk(summary: EpitopeSummary, chunk: pd.DataFrame) -> None:
    """Fold one chunk of all_epitopes rows into the summary."""
    summary.rows += len(chunk)
    summary.binders += int(chunk.binder.sum())
    summary.peptides.update(chunk.mt_peptide.unique())
    summary.tiers.update(chunk.tier)
    for reasons, n in chunk.filter_reasons[chunk.filter_reasons != ""].value_counts().items():
        for reason in reasons.split(","):
            summary.filter_reasons[reason] += int(n)
    summary.presentation |= bool(chunk.mt_presentation_percentile.notna().any())
    paired = chunk.dropna(subset=["wt_affinity_nm", "mt_affinity_nm"])
    summary.without_wt += len(chunk) - len(paired)
    histogram, _, _ = np.histogram2d(
        _clip(paired.wt_affinity_nm), _clip(paired.mt_affinity_nm), bins=[AFFINITY_EDGES, AFFINITY_EDGES]
    )
    summary.density += histogram.astype(np.int64)
    summary.best = best_per_variant_allele(pd.concat([summary.best, chunk]) if len(summary.best) else chunk)


def best_per_variant_allele(rows: pd.DataFrame) -> pd.DataFrame:
    """The best-ranked row of every (variant_id, allele), sorted by variant and allele."""
    if rows.empty:
        return rows
    ordered = rows.sort_values(RANK_KEYS, na_position="last", kind="stable")
    best = ordered.drop_duplicates(["variant_id", "allele"])
    return best.sort_values(["variant_id", "allele"], kind="stable").reset_index(drop=True)


def summarise_epitopes(path: str, rows_per_chunk: int = 100_000) -> EpitopeSummary:
    """Stream all_epitopes.tsv (only COLUMNS) into an EpitopeSummary."""
    summary = EpitopeSummary(best=pd.DataFrame(columns=COLUMNS))
    for chunk in read_table_chunks(path, COLUMNS, rows_per_chunk):
        if len(chunk):
            add_chunk(summary, chunk)
    return summary


def best_score_per_variant(summary: EpitopeSummary) -> pd.Series:
    """Each variant's best (lowest) ranking percentile over its alleles."""
    if summary.best.empty:
        return pd.Series(dtype=float)
    return summary.best.groupby("variant_id")[summary.score].min()
