"""Tiers on crafted rows: every tier, the boundaries of each threshold, anchors, flags."""

import math

import pandas as pd
import pytest

from neoag.errors import NeoagInputError
from neoag.ranking.tiers import (
    TIERS,
    TierSettings,
    anchor_mutation,
    anchor_set,
    assign_tiers,
    expression_state,
    only_anchors_mutated,
    problematic_residues,
    read_anchor_overrides,
)

NAN = math.nan
SETTINGS = TierSettings(min_expression_tpm=1.0, min_rna_depth=10, min_rna_vaf=0.1)


def expression_rows(*rows):
    """(gene_tpm, transcript_tpm, rna_depth, rna_alt) rows -> a table with RNA VAF."""
    table = pd.DataFrame(rows, columns=["gene_tpm", "transcript_tpm", "tumor_rna_depth", "tumor_rna_alt_count"])
    table["tumor_rna_vaf"] = table.tumor_rna_alt_count / table.tumor_rna_depth.where(table.tumor_rna_depth > 0)
    return table


@pytest.mark.parametrize(
    "row, state",
    [
        ((NAN, NAN, NAN, NAN), "ok"),  # no expression table, no RNA BAM: never punished
        ((50.0, NAN, NAN, NAN), "ok"),
        ((1.0, NAN, NAN, NAN), "ok"),  # exactly min_expression_tpm
        ((0.99, NAN, NAN, NAN), "low"),
        ((0.0, NAN, NAN, NAN), "none"),
        ((50.0, 0.0, NAN, NAN), "none"),  # the transcript's TPM wins over the gene's
        ((0.0, 5.0, NAN, NAN), "ok"),
        ((NAN, NAN, 10, 1), "ok"),  # 10 fragments, VAF 0.1: both at their threshold
        ((NAN, NAN, 11, 1), "low"),  # VAF 0.09 < 0.1
        ((NAN, NAN, 9, 9), "low"),  # fewer than min_rna_depth fragments
        ((NAN, NAN, 9, 0), "low"),  # too few fragments to call the ALT absent
        ((NAN, NAN, 10, 0), "none"),  # enough fragments, none with ALT
        ((NAN, NAN, 0, 0), "none"),  # no RNA fragment at the variant
        ((0.5, NAN, 0, 0), "none"),  # none beats low
    ],
)
def test_expression_state(row, state):
    assert expression_state(expression_rows(row), SETTINGS).iloc[0] == state


def test_every_tier_from_its_criteria():
    rows = pd.DataFrame(
        [
            # passes_filters, anchor, clonal, expression, expected
            (True, False, True, "ok", "Pass"),
            (True, True, True, "ok", "Anchor"),
            (True, False, False, "ok", "Subclonal"),
            (True, False, True, "low", "LowExpr"),
            (True, False, True, "none", "NoExpr"),
            (False, False, True, "ok", "Poor"),  # fails a filter
            (True, True, False, "ok", "Poor"),  # two soft criteria fail
            (True, False, False, "none", "Poor"),
            (False, True, False, "low", "Poor"),
        ],
        columns=["passes", "anchor", "clonal", "expression", "expected"],
    )
    tiers = assign_tiers(rows.passes, rows.anchor, rows.clonal, rows.expression)
    assert list(tiers) == list(rows.expected)
    assert set(tiers) == set(TIERS)


def test_no_rows_no_tiers():
    empty = pd.Series(dtype=bool)
    assert assign_tiers(empty, empty, empty, pd.Series(dtype=str)).empty


def test_default_anchors_are_position_2_and_the_last():
    assert anchor_set("HLA-A*02:01", 9) == {2, 9}
    assert anchor_set("HLA-A*02:01", 11) == {2, 11}


def test_anchor_overrides_by_length_then_allele():
    overrides = {("HLA-B*07:02", None): (2, 3, -1), ("HLA-B*07:02", 8): (5,)}
    assert anchor_set("HLA-B*07:02", 9, overrides) == {2, 3, 9}
    assert anchor_set("HLA-B*07:02", 8, overrides) == {5}
    assert anchor_set("HLA-A*02:01", 9, overrides) == {2, 9}


@pytest.mark.parametrize(
    "positions, expected",
    [("2", True), ("9", True), ("2,9", True), ("1", False), ("2,5", False), ("5", False), ("", False)],
)
def test_only_anchor_mutations(positions, expected):
    assert only_anchors_mutated(positions, frozenset({2, 9})) is expected


def test_anchor_mutation_per_row_uses_allele_and_length():
    table = pd.DataFrame(
        {
            "allele": ["HLA-A*02:01", "HLA-A*02:01", "HLA-B*07:02"],
            "peptide_length": [9, 10, 9],
            "mutation_positions": ["9", "9", "3"],
        }
    )
    flags = anchor_mutation(table, {("HLA-B*07:02", None): (2, 3, -1)})
    assert list(flags) == [True, False, True]


def test_anchor_overrides_file(tmp_path):
    path = tmp_path / "anchors.tsv"
    path.write_text("# comment\nallele\tpeptide_length\tanchor_positions\nB*07:02\t\t2,3,-1\nHLA-A*02:01\t9\t2,9\n")
    assert read_anchor_overrides(str(path)) == {("HLA-B*07:02", None): (2, 3, -1), ("HLA-A*02:01", 9): (2, 9)}
    path.write_text("allele\tpeptide_length\tanchor_positions\nHLA-A*02:01\t9\t2,0\n")
    with pytest.raises(NeoagInputError, match="line 2: .*non-zero"):
        read_anchor_overrides(str(path))
    path.write_text("allele\tanchors\nHLA-A*02:01\t2\n")
    with pytest.raises(NeoagInputError, match="missing column"):
        read_anchor_overrides(str(path))


def test_problematic_residues_are_listed_in_config_order():
    flags = problematic_residues(pd.Series(["ACDEFGHIK", "MLKRLEPTS", "CMMCW"]), ["M", "C"])
    assert list(flags) == ["C", "M", "M,C"]
    assert list(problematic_residues(pd.Series(["CCC"]), [])) == [""]
