"""Why a row has its tier, in words: the soft criteria it fails (tiers.py) and its filter failures.

The reasons are recomputed from the row's own columns with the same functions
and thresholds as the ranking, so a reader can check them against the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from neoag.ranking.tiers import TierSettings, expression_state

# Soft criterion -> the tier it gives alone, and what it means.
CRITERIA = {
    "anchor": ("Anchor", "only anchor residues are mutated and the wild type binds too (T cells may not see it)"),
    "subclonal": ("Subclonal", "the variant is in only part of the cancer cells"),
    "low_expression": ("LowExpr", "the tumor expresses the mutant allele weakly, or the RNA has too few reads to tell"),
    "no_expression": ("NoExpr", "the tumor does not express the mutant allele (0 TPM, or RNA reads without ALT)"),
}

# What each tier means, in one line (docs/output.md has the full definitions).
TIER_MEANING = {
    "Pass": "passes every filter; no soft criterion fails",
    "Anchor": CRITERIA["anchor"][1],
    "Subclonal": CRITERIA["subclonal"][1] + " (ccf below tiers.min_clonal_ccf)",
    "LowExpr": CRITERIA["low_expression"][1],
    "NoExpr": CRITERIA["no_expression"][1],
    "Poor": "fails a filter, or fails two or more of the soft criteria above",
}


def soft_criteria(table: pd.DataFrame, settings: TierSettings, max_affinity_nm: float) -> pd.DataFrame:
    """Per row, True for each soft criterion (CRITERIA keys) that the row fails."""
    expression = expression_state(table, settings) if len(table) else pd.Series(dtype=str)
    return pd.DataFrame(
        {
            "anchor": table.anchor_mutation.astype(bool) & (table.wt_affinity_nm <= max_affinity_nm),
            "subclonal": ~table.clonal.astype(bool),
            "low_expression": expression == "low",
            "no_expression": expression == "none",
        },
        index=table.index,
    )


def tier_reasons(table: pd.DataFrame, settings: TierSettings, max_affinity_nm: float) -> pd.Series:
    """Per row: the failed soft criteria and filters, comma-separated ('' for a Pass row)."""
    failed = soft_criteria(table, settings, max_affinity_nm)
    names = np.array(list(CRITERIA))
    texts = [",".join(names[row]) for row in failed.to_numpy(dtype=bool)]
    if "filter_reasons" in table.columns:
        filters = [",".join(f"filter:{f}" for f in text.split(",") if f) for text in table.filter_reasons]
        texts = [",".join(t for t in (f, s) if t) for f, s in zip(filters, texts)]
    return pd.Series(texts, index=table.index, dtype=str)


def tier_of_reasons(reasons: str) -> str:
    """The tier that a reasons text implies (the rule of tiers.assign_tiers, stated again)."""
    items = [r for r in reasons.split(",") if r]
    if any(r.startswith("filter:") for r in items) or len(items) >= 2:
        return "Poor"
    return CRITERIA[items[0]][0] if items else "Pass"
