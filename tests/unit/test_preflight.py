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


# -- issue 16: the FASTA index, the YAML files, text values typed by the schema, a full disk ----------


def _fasta(tmp_path, text: str, fai: str):
    (tmp_path / "g.fa").write_text(text)
    (tmp_path / "g.fa.fai").write_text(fai)
    return str(tmp_path / "g.fa"), str(tmp_path / "g.fa.fai")


def test_fai_that_matches_its_fasta_passes(tmp_path):
    from neoag.preflight.indexes import check_fai_matches

    check_fai_matches(*_fasta(tmp_path, ">a\nACGT\nAC\n>b desc\nGG\n", "a\t6\t3\t4\t5\nb\t2\t19\t2\t3\n"))


@pytest.mark.parametrize(
    "text, problem",
    [
        (">a\nACG\nTAC\n>b desc\nGG\n", "first line of 'a' has 3 bases"),  # rewrapped at 3
        (">a\nACGT\nACC\n>b desc\nGG\n", "'a' does not end after 6 bases"),  # a base added
        (">a\nACGT\nAC\n>bb desc\nGG\n", "'b' does not start at byte 19"),  # a longer name before b
    ],
)
def test_fai_of_a_changed_fasta_is_named(tmp_path, text, problem):
    from neoag.preflight.indexes import check_fai_matches

    with pytest.raises(NeoagInputError, match=rf"{problem}.*samtools faidx"):
        check_fai_matches(*_fasta(tmp_path, text, "a\t6\t3\t4\t5\nb\t2\t19\t2\t3\n"))


def test_text_values_are_typed_by_the_schema():
    import yaml

    from neoag.preflight.config import type_by_schema

    schema = yaml.safe_load((DEMO.parents[1] / "config/schemas/config.schema.yaml").read_text())
    config = {
        "somatic": {"min_tumor_vaf": "0.1", "min_tumor_depth": "12"},
        "cohort": {"callable_mb": "null"},
        "peptides": {"lengths": "[9, 10]"},
        "calling": {"strelka2": {"manta": "true"}},
        "samples": "s.tsv",
    }
    type_by_schema(config, schema)
    assert config["somatic"] == {"min_tumor_vaf": 0.1, "min_tumor_depth": 12}
    assert config["cohort"]["callable_mb"] is None and config["peptides"]["lengths"] == [9, 10]
    assert config["calling"]["strelka2"]["manta"] is True and config["samples"] == "s.tsv"


def test_disk_full_names_the_path(tmp_path, capsys):
    from neoag.step import run_step

    out = tmp_path / "results" / "table.tsv"
    out.parent.mkdir()
    out.symlink_to("/dev/full")

    def write(table_tsv):
        Path(table_tsv).write_text("x\n" * 100_000)

    with pytest.raises(SystemExit):
        run_step(write, table_tsv=str(out))
    err = capsys.readouterr().err
    assert "no space left on the device" in err and str(out.parent) in err and "Traceback" not in err


def test_other_os_errors_are_not_taken_for_a_full_disk(tmp_path):
    from neoag.step import run_step

    def read(table_tsv):
        return open(table_tsv).read()

    with pytest.raises(FileNotFoundError):
        run_step(read, table_tsv=str(tmp_path / "missing.tsv"))
