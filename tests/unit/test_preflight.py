"""The sample sheet's optional vcf column and the VEP annotation source."""

from pathlib import Path

import pandas as pd
import pytest

from neoag.errors import NeoagInputError
from neoag.preflight import check_sample_sheet

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
