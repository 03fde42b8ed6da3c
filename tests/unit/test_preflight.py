"""The sample sheet check: hla_alleles is required only when the sheet is the allele source."""

import pandas as pd
import pytest

from neoag.errors import NeoagInputError
from neoag.preflight import check_sample_sheet

BAM = "resources/demo/normal.bam"


def _sheet(**columns):
    row = {"sample": "p1", "tumor_bam": BAM, "normal_bam": BAM, **columns}
    return pd.DataFrame([row])


def test_hla_alleles_required_for_the_sample_sheet_typer():
    with pytest.raises(NeoagInputError, match="missing column.*hla_alleles"):
        check_sample_sheet(_sheet(), "s.tsv", require_hla=True)
    with pytest.raises(NeoagInputError, match="hla.typer is 'sample_sheet'"):
        check_sample_sheet(_sheet(hla_alleles=""), "s.tsv", require_hla=True)
    check_sample_sheet(_sheet(hla_alleles="HLA-A*02:01"), "s.tsv", require_hla=True)


def test_hla_alleles_optional_when_typed_but_still_checked():
    check_sample_sheet(_sheet(), "s.tsv", require_hla=False)
    check_sample_sheet(_sheet(hla_alleles=""), "s.tsv", require_hla=False)
    with pytest.raises(NeoagInputError, match="line 2.*not an HLA allele name"):
        check_sample_sheet(_sheet(hla_alleles="HLA-Z*99:99"), "s.tsv", require_hla=False)
