"""Tiers of epitopes (Pass, Anchor, Subclonal, LowExpr, NoExpr, Poor) and the flags
they use: anchor positions, problematic residues, expression state.

The definitions are written out in docs/output.md ("Tiers"); in short, a row
that fails a filter is Poor; otherwise each of four soft criteria can fail
(the mutation only changes anchor residues while the WT binds, the variant is
subclonal, the tumor expresses it weakly, or not at all): none failing is
Pass, exactly one failing names the tier, two or more make it Poor.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import pandas as pd

from neoag.errors import NeoagInputError

# Best first: the sort order of the tables and the report.
TIERS = ("Pass", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor")
TIER_ORDER = {tier: i for i, tier in enumerate(TIERS)}

# Anchor positions of HLA class I peptides without a per-allele override: the
# second residue and the C-terminal one (1-based; -1 = last).
DEFAULT_ANCHORS = (2, -1)


@dataclass(frozen=True)
class TierSettings:
    """Thresholds of the soft tier criteria (config: tiers)."""

    min_clonal_ccf: float = 0.5
    min_expression_tpm: float = 1.0
    min_rna_depth: int = 10
    min_rna_vaf: float = 0.1
    anchor_positions: str = ""  # TSV of per-allele overrides; empty: DEFAULT_ANCHORS for all


def read_anchor_overrides(path: str) -> dict[tuple[str, int | None], tuple[int, ...]]:
    """Per-allele anchor positions from a TSV with columns allele, peptide_length, anchor_positions.

    peptide_length may be empty (every length); anchor_positions are 1-based,
    comma-separated, negative ones count from the C-terminus (-1 = last). Allele
    names are normalised as in the sample sheet.
    """
    from neoag.hla.names import normalise_allele

    overrides: dict[tuple[str, int | None], tuple[int, ...]] = {}
    with open(path, newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        missing = {"allele", "peptide_length", "anchor_positions"} - set(rows.fieldnames or ())
        if missing:
            raise NeoagInputError(
                f"anchor positions file {path}: missing column(s) {', '.join(sorted(missing))}. It must be a "
                "tab-separated table with the header: allele, peptide_length, anchor_positions "
                "(e.g. 'HLA-B*07:02<TAB><TAB>2,-1')."
            )
        for line, row in enumerate(rows, start=2):
            where = f"anchor positions file {path}, line {line}"
            allele = normalise_allele(row["allele"] or "", where)
            length_text = (row["peptide_length"] or "").strip()
            try:
                length = int(length_text) if length_text else None
                positions = tuple(int(p) for p in (row["anchor_positions"] or "").split(",") if p.strip())
            except ValueError:
                positions, length = (), None
            if not positions or 0 in positions or (length is not None and length < 1):
                raise NeoagInputError(
                    f"{where}: peptide_length '{length_text}' and anchor_positions '{row['anchor_positions']}' "
                    "must be an integer (or empty for every length) and a comma-separated list of non-zero "
                    "1-based positions (negative: from the C-terminus, -1 = last), e.g. '2,-1'."
                )
            overrides[(allele, length)] = positions
    return overrides


def anchor_set(
    allele: str, length: int, overrides: dict[tuple[str, int | None], tuple[int, ...]] | None = None
) -> frozenset[int]:
    """1-based anchor positions of a peptide of this length for this allele.

    An override for (allele, length) wins over one for (allele, any length),
    which wins over DEFAULT_ANCHORS (2 and the last residue).
    """
    overrides = overrides or {}
    positions = overrides.get((allele, length), overrides.get((allele, None), DEFAULT_ANCHORS))
    return frozenset(p if p > 0 else length + 1 + p for p in positions)


def only_anchors_mutated(mutation_positions: str, anchors: frozenset[int]) -> bool:
    """True when the peptide has mutated positions and every one is an anchor."""
    positions = {int(p) for p in str(mutation_positions).split(",") if p.strip()}
    return bool(positions) and positions <= anchors


def anchor_mutation(table: pd.DataFrame, overrides: dict | None = None) -> pd.Series:
    """Per row: every mutated position of the peptide lies on an anchor of the row's allele."""
    if table.empty:
        return pd.Series(dtype=bool)
    keys = list(zip(table.allele, table.peptide_length.astype(int), table.mutation_positions.astype(str)))
    cache = {key: only_anchors_mutated(key[2], anchor_set(key[0], key[1], overrides)) for key in set(keys)}
    return pd.Series([cache[key] for key in keys], index=table.index, dtype=bool)


def problematic_residues(peptides: pd.Series, residues: list[str]) -> pd.Series:
    """The listed residues that occur in each peptide, in list order, comma-separated ('' if none)."""
    wanted = [r.upper() for r in residues]
    cache = {p: ",".join(r for r in wanted if r in p) for p in set(peptides)}
    return peptides.map(cache).astype(str)


def expression_state(table: pd.DataFrame, settings: TierSettings) -> pd.Series:
    """'none', 'low' or 'ok' per row, from expression (TPM) and RNA reads; 'ok' without either.

    none: the expression table gives the transcript (else the gene) 0 TPM, or an
    RNA BAM has no fragment at the variant, or at least min_rna_depth fragments
    and none with ALT. low: 0 < TPM < min_expression_tpm, or fewer than
    min_rna_depth RNA fragments, or RNA VAF < min_rna_vaf. Missing data (no
    expression table, gene not quantified, no RNA BAM) never counts against a row.
    """
    tpm = table.transcript_tpm.where(table.transcript_tpm.notna(), table.gene_tpm)
    depth, alt, vaf = table.tumor_rna_depth, table.tumor_rna_alt_count, table.tumor_rna_vaf
    none = (tpm <= 0) | (depth == 0) | ((depth >= settings.min_rna_depth) & (alt == 0))
    low = (tpm < settings.min_expression_tpm) | (depth < settings.min_rna_depth) | (vaf < settings.min_rna_vaf)
    return pd.Series(np.select([none, low], ["none", "low"], "ok"), index=table.index)


def assign_tiers(
    passes_filters: pd.Series,
    anchor: pd.Series,
    clonal: pd.Series,
    expression: pd.Series,
) -> pd.Series:
    """The tier of each row (TIERS).

    Parameters
    ----------
    passes_filters : bool per row; False makes the row Poor.
    anchor : bool per row; True when only anchor residues changed and the WT binds.
    clonal : bool per row; False counts as subclonal.
    expression : 'ok', 'low' or 'none' per row (expression_state).
    """
    soft = pd.DataFrame(
        {
            "Anchor": anchor.astype(bool),
            "Subclonal": ~clonal.astype(bool),
            "LowExpr": expression == "low",
            "NoExpr": expression == "none",
        },
        index=passes_filters.index,
    )
    failed = soft.sum(axis=1)
    single = soft.idxmax(axis=1) if len(soft) else pd.Series(dtype=str)
    tier = np.where(~passes_filters.astype(bool) | (failed >= 2), "Poor", np.where(failed == 0, "Pass", single))
    return pd.Series(tier, index=passes_filters.index, dtype=str)
