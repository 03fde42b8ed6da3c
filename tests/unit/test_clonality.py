"""Cancer cell fraction from VAF, purity and copy number; clonal calls with and without purity."""

import math

import pandas as pd
import pytest

from neoag.ranking.clonality import Clonality, cancer_cell_fraction, clonal_calls


def test_ccf_of_a_clonal_heterozygous_variant_is_one():
    # purity 0.6, diploid: a clonal heterozygous variant has VAF 0.3
    assert cancer_cell_fraction(pd.Series([0.3]), 0.6).iloc[0] == pytest.approx(1.0)
    # half the cancer cells: VAF 0.15
    assert cancer_cell_fraction(pd.Series([0.15]), 0.6).iloc[0] == pytest.approx(0.5)


def test_ccf_uses_the_copy_number():
    # purity 0.5, CN 4: VAF = CCF * 0.5 / (0.5 * 4 + 1) = CCF / 6
    assert cancer_cell_fraction(pd.Series([1 / 6]), 0.5, 4).iloc[0] == pytest.approx(1.0)
    assert cancer_cell_fraction(pd.Series([0.25]), 1.0, 2).iloc[0] == pytest.approx(0.5)


def test_ccf_is_clipped_at_one_and_keeps_missing_values():
    ccf = cancer_cell_fraction(pd.Series([0.9, math.nan]), 0.5)
    assert ccf.iloc[0] == 1.0 and math.isnan(ccf.iloc[1])


def test_clonal_with_purity_at_the_threshold():
    ccf, clonal = clonal_calls(pd.Series([0.15, 0.1499]), Clonality(purity=0.6), 0.5, max_somatic_vaf=0.4)
    assert list(clonal) == [True, False]
    assert ccf.iloc[0] == pytest.approx(0.5)


def test_clonal_without_purity_is_relative_to_the_highest_vaf():
    ccf, clonal = clonal_calls(pd.Series([0.5, 0.25, 0.2499]), Clonality(), 0.5, max_somatic_vaf=0.5)
    assert ccf.isna().all()
    assert list(clonal) == [True, True, False]


def test_without_any_somatic_vaf_nothing_is_subclonal():
    _, clonal = clonal_calls(pd.Series([0.1]), Clonality(), 0.5, max_somatic_vaf=math.nan)
    assert clonal.all()
