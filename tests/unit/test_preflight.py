"""The sample sheet check: the optional vcf column and VEP source; hla_alleles required only
when the sheet is the allele source."""

from pathlib import Path

import pandas as pd
import pytest

from neoag.errors import NeoagInputError
from neoag.preflight.sheet import check_sample_sheet

DEMO = Path(__file__).resolve().parents[2] / "resources/demo"


def sheet(vcf: str | None) -> pd.DataFrame:
    row = {
        "sample": "p1",
        "tumor_bam": str(DEMO / "tumor.bam"),
        "normal_bam": str(DEMO / "normal.bam"),
        "rna_bam": "",
        "hla_alleles": "HLA-A*02:01",
    }
    if vcf is not None:
        row["vcf"] = vcf
    return pd.DataFrame([row])


def test_vcf_column_is_optional():
    check_sample_sheet(sheet(None), "samples.tsv")
    check_sample_sheet(sheet(""), "samples.tsv")


def test_a_missing_vcf_is_named(tmp_path):
    with pytest.raises(NeoagInputError, match=r"line 2 \(sample 'p1'\), column vcf: file 'nope.vcf' does not exist"):
        check_sample_sheet(sheet("nope.vcf"), "samples.tsv")


def test_vep_source_needs_a_vcf(tmp_path):
    with pytest.raises(NeoagInputError, match="annotation.source is 'vep'.*column 'vcf'"):
        check_sample_sheet(sheet(""), "samples.tsv", annotation_source="vep")
    vcf = tmp_path / "p1.vep.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    check_sample_sheet(sheet(str(vcf)), "samples.tsv", annotation_source="vep")


BAM = str(DEMO / "normal.bam")


def _sheet(**columns):
    row = {"sample": "p1", "tumor_bam": str(DEMO / "tumor.bam"), "normal_bam": BAM, **columns}
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


@pytest.mark.parametrize("purity, copy_number", [("0.7", ""), ("1", "3"), (".35", "2.5"), ("", ""), ("1.0", "1")])
def test_purity_and_copy_number_accepted(purity, copy_number):
    check_sample_sheet(_sheet(hla_alleles="HLA-A*02:01", purity=purity, copy_number=copy_number), "s.tsv")


@pytest.mark.parametrize(
    "purity, copy_number, message",
    [
        ("70", "", "column purity: '70' is not a number above 0 and at most 1"),
        ("0", "", "column purity: '0' is not"),
        ("high", "", "column purity: 'high' is not"),
        ("0.5", "0", "column copy_number: '0' is not a number of at least 1"),
        ("", "3", "copy_number is given without purity"),
    ],
)
def test_bad_purity_or_copy_number_is_named(purity, copy_number, message):
    with pytest.raises(NeoagInputError, match=message):
        check_sample_sheet(_sheet(hla_alleles="HLA-A*02:01", purity=purity, copy_number=copy_number), "s.tsv")
