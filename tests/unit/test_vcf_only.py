"""VCF-only samples: the sheet row that allows them, and the caller's somatic decision with its counts."""

import subprocess
from pathlib import Path

import pandas as pd
import pysam
import pytest

from neoag.calling.calls import consensus, prepare_calls
from neoag.calling.evidence import ReadFilters
from neoag.calling.from_vcf import somatic_from_vcf
from neoag.errors import NeoagInputError
from neoag.preflight.sheet import REQUIRED_COLUMNS, check_bams_or_vcf_only

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
GENOME = str(REPO / "resources" / "demo" / "genome.fa")
ALLELES = "HLA-A*02:01,HLA-B*07:02"


def test_the_schema_requires_only_the_sample_id():
    assert REQUIRED_COLUMNS == ("sample",)


def test_a_vcf_only_row_needs_a_vcf_and_hla_alleles_or_fastq():
    where = "sheet, line 2 (sample 'p1')"
    check_bams_or_vcf_only({"tumor_bam": "t.bam", "normal_bam": "n.bam"}, where)
    check_bams_or_vcf_only({"tumor_bam": "", "normal_bam": "", "vcf": "p1.vcf", "hla_alleles": ALLELES}, where)
    check_bams_or_vcf_only({"vcf": "p1.vcf", "hla_fastq1": "r1.fq", "hla_fastq2": "r2.fq"}, where)
    with pytest.raises(
        NeoagInputError, match=r"line 2 \(sample 'p1'\): tumor_bam and normal_bam are empty and there is no 'vcf'"
    ):
        check_bams_or_vcf_only({"tumor_bam": "", "normal_bam": "", "hla_alleles": ALLELES}, where)
    with pytest.raises(NeoagInputError, match="no reads to type HLA from, and its hla_alleles column is empty"):
        check_bams_or_vcf_only({"vcf": "p1.vcf", "hla_alleles": " "}, where)
    with pytest.raises(NeoagInputError, match="no reads to type HLA from"):  # FASTQ but no typer
        check_bams_or_vcf_only({"vcf": "p1.vcf", "hla_fastq1": "r1.fq", "hla_fastq2": "r2.fq"}, where, typed=False)
    check_bams_or_vcf_only({"tumor_bam": "t.bam", "normal_bam": "", "vcf": "p1.vcf"}, where)  # tumor-only
    with pytest.raises(NeoagInputError, match="column tumor_bam: empty, but normal_bam is given.*tumor-only sample"):
        check_bams_or_vcf_only({"tumor_bam": "", "normal_bam": "n.bam", "vcf": "p1.vcf"}, where)


def vcf_only_evidence(vcf: Path, folder: Path) -> tuple[pd.DataFrame, Path]:
    """The workflow's path for a VCF-only sample, run by hand: prepare_calls without BAMs, bcftools
    norm (candidates; and the VCF with its FORMAT fields, as rule own_vcf_counts), consensus,
    somatic_from_vcf."""
    accepted, candidates = folder / "accepted.vcf.gz", folder / "candidates.vcf.gz"
    prepare_calls(str(vcf), str(accepted), "vcf", GENOME, None, None, ["PASS"], str(folder / "skipped.tsv"))
    normalised, counts = folder / "normalised.vcf.gz", folder / "counts.vcf.gz"
    norm = ["bcftools", "norm", "--no-version", "--multiallelics", "-any", "--fasta-ref", GENOME, "-Oz"]
    subprocess.run([*norm, "--check-ref", "e", "-o", str(normalised), str(accepted)], check=True)
    subprocess.run(["tabix", "-p", "vcf", str(normalised)], check=True)
    keep = ["--keep-sum", "AD"] if "##FORMAT=<ID=AD,Number=R" in vcf.read_text() else []
    subprocess.run([*norm, *keep, "--check-ref", "x", "-o", str(counts), str(vcf)], check=True)
    consensus([str(normalised)], ["vcf"], 1, GENOME, str(candidates))
    somatic = folder / "somatic.vcf.gz"
    table = somatic_from_vcf(
        str(candidates), str(counts), None, GENOME, str(folder / "evidence.tsv"), str(somatic), ReadFilters()
    )
    return table, somatic


def test_mutect2_vcf_only_takes_the_tumor_column_ad_and_leaves_the_normal_empty(tmp_path):
    table, somatic = vcf_only_evidence(DATA / "mutect2_demo.vcf", tmp_path)
    assert set(table.somatic_status) == {"somatic"}
    assert table.normal_dna_depth.isna().all() and table.normal_dna_vaf.isna().all()
    assert table.tumor_rna_depth.isna().all()  # no RNA BAM given
    row = table.set_index("variant_id").loc["chr1:2412:G:T"]
    # demo_tumor (##tumor_sample), AD 119,79, not the normal column's 41,43
    assert (row.tumor_dna_depth, row.tumor_dna_alt_count) == (198, 79)
    assert row.tumor_dna_vaf == pytest.approx(79 / 198)
    # a multi-allelic record split with --keep-sum AD: each ALT's depth is the site's, as neoag counts it
    split = table.set_index("variant_id").loc[["chr1:3066:G:A", "chr1:3066:G:T"]]
    assert list(split.tumor_dna_alt_count) == [41, 2] and list(split.tumor_dna_depth) == [186, 186]
    with pysam.VariantFile(str(somatic)) as vcf:
        assert "neoag_somatic_decision" in str(vcf.header)
        records = list(vcf)
    assert len(records) == len(table)
    assert all(r.info["CALLER_DECISION"] and "NDP" not in r.info for r in records)


def test_strelka2_vcf_only_counts_tier1_and_finds_the_tumor_column_by_name(tmp_path):
    table, _ = vcf_only_evidence(DATA / "strelka2_demo.vcf", tmp_path)
    rows = table.set_index("variant_id")
    snv, deletion = rows.loc["chr1:3498:A:C"], rows.loc["chr1:6021:CA:C"]
    assert (snv.tumor_dna_alt_count, snv.tumor_dna_depth) == (60, 201)  # CU tier 1 of A+C+G+T tier 1
    assert (deletion.tumor_dna_alt_count, deletion.tumor_dna_depth) == (86, 198)  # TIR / TIR+TAR tier 1
    assert set(table.somatic_status) == {"somatic"}
