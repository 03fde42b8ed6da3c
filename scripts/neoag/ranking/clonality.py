"""Clonality: cancer cell fraction from the tumor DNA VAF, purity and copy number.

With the sample's purity p (sample sheet `purity`) and the total copy number
CN at the variant (sample sheet `copy_number`, default 2), a variant present
on one copy (multiplicity 1) in a fraction CCF of the cancer cells has the
expected tumor VAF  CCF * p / (p * CN + 2 * (1 - p))  (the normal cells
contribute 2 copies). Solved for CCF:

    CCF = VAF * (p * CN + 2 * (1 - p)) / p,   clipped at 1.

Without a purity, no CCF is computed and clonality is judged from the VAF
alone, relative to the sample's highest somatic VAF (which stands for the VAF
of a clonal variant; pVACseq does the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_COPY_NUMBER = 2.0


@dataclass(frozen=True)
class Clonality:
    """A sample's purity (None: not given) and total copy number at its variants."""

    purity: float | None = None
    copy_number: float | None = None


def cancer_cell_fraction(vaf: pd.Series, purity: float, copy_number: float = DEFAULT_COPY_NUMBER) -> pd.Series:
    """CCF = VAF * (purity * CN + 2 * (1 - purity)) / purity, clipped at 1 (multiplicity 1).

    Parameters
    ----------
    vaf : pd.Series
        Tumor DNA VAF of each variant (NaN stays NaN).
    purity : float
        Fraction of cancer cells in the tumor sample, in (0, 1].
    copy_number : float
        Total copy number at the variants in the cancer cells.
    """
    ccf = vaf * (purity * copy_number + 2.0 * (1.0 - purity)) / purity
    return ccf.clip(upper=1.0)


def clonal_calls(
    vaf: pd.Series, clonality: Clonality, min_clonal_ccf: float, max_somatic_vaf: float
) -> tuple[pd.Series, pd.Series]:
    """(ccf, clonal) of each variant.

    With a purity: ccf as cancer_cell_fraction and clonal = ccf >= min_clonal_ccf.
    Without: ccf is NaN and clonal = VAF >= min_clonal_ccf * max_somatic_vaf (the
    sample's highest somatic VAF stands for a clonal variant's VAF).
    """
    if clonality.purity is not None:
        ccf = cancer_cell_fraction(vaf, clonality.purity, clonality.copy_number or DEFAULT_COPY_NUMBER)
        return ccf, ccf >= min_clonal_ccf
    ccf = pd.Series(np.nan, index=vaf.index, dtype=float)
    if not np.isfinite(max_somatic_vaf) or max_somatic_vaf <= 0:
        return ccf, pd.Series(True, index=vaf.index)
    return ccf, vaf >= min_clonal_ccf * max_somatic_vaf
