"""Depth, ALT count and VAF as each caller writes them (VCF-only runs have no BAM to count in)."""

from pathlib import Path

import pysam
import pytest

from neoag.calling.vcf_counts import caller_counts

DATA = Path(__file__).resolve().parents[1] / "data"

VARSCAN = """##fileformat=VCFv4.1
##source=VarScan2
##contig=<ID=chr1,length=10000>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read Depth">
##FORMAT=<ID=RD,Number=1,Type=Integer,Description="Depth of reference-supporting bases (reads1)">
##FORMAT=<ID=AD,Number=1,Type=Integer,Description="Depth of variant-supporting bases (reads2)">
##FORMAT=<ID=FREQ,Number=1,Type=String,Description="Variant allele frequency">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR
chr1\t100\t.\tA\tG\t.\tPASS\tSS=2\tGT:DP:RD:AD:FREQ\t0/0:40:40:0:0%\t0/1:60:45:15:25%
"""

FREEBAYES = """##fileformat=VCFv4.2
##source=freeBayes v1.3.6
##contig=<ID=chr1,length=10000>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read Depth">
##FORMAT=<ID=RO,Number=1,Type=Integer,Description="Reference allele observation count">
##FORMAT=<ID=AO,Number=A,Type=Integer,Description="Alternate allele observation count">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ttumor
chr1\t100\t.\tA\tG,T\t50\t.\t.\tGT:DP:RO:AO\t0/1:50:30:15,5
"""

AF_ONLY = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=10000>
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT
chr1\t100\t.\tA\tG\t.\tPASS\t.\tAF:DP\t0.25:80
chr1\t200\t.\tA\tG\t.\tPASS\t.\tAF:DP\t.:80
"""


def records(path):
    with pysam.VariantFile(str(path)) as vcf:
        return list(vcf)


def written(tmp_path, text):
    path = tmp_path / "calls.vcf"
    path.write_text(text)
    return records(path)


def test_mutect2_ad_per_allele():
    first, multi = records(DATA / "mutect2_demo.vcf")[:2]
    tumor = caller_counts(first, "demo_tumor")
    assert (tumor.depth, tumor.alt_count, tumor.fields) == (198, 79, "AD")
    assert tumor.vaf == pytest.approx(79 / 198)
    assert caller_counts(multi, "demo_tumor", allele=2).alt_count == 2
    assert caller_counts(multi, "demo_tumor", allele=2).depth == 186
    assert caller_counts(first, "absent") is None and caller_counts(first, None) is None


def test_strelka2_tier1_base_counts_and_indel_counts():
    snv, indel = records(DATA / "strelka2_demo.vcf")[:2]
    tumor = caller_counts(snv, "TUMOR")  # A>C, AU 141, CU 60: tier 1 of all four bases
    assert (tumor.depth, tumor.alt_count, tumor.fields) == (201, 60, "AU,CU,GU,TU (tier 1)")
    assert caller_counts(snv, "NORMAL").alt_count == 0
    tumor = caller_counts(indel, "TUMOR")  # TIR 86, TAR 112
    assert (tumor.depth, tumor.alt_count, tumor.fields) == (198, 86, "TIR,TAR (tier 1)")


def test_varscan2_freebayes_and_af_only(tmp_path):
    (record,) = written(tmp_path, VARSCAN)
    tumor = caller_counts(record, "TUMOR")
    assert (tumor.depth, tumor.alt_count, tumor.vaf) == (60, 15, 0.25)
    assert caller_counts(record, "NORMAL").vaf == 0
    (record,) = written(tmp_path, FREEBAYES)
    assert (caller_counts(record, "tumor", 1).alt_count, caller_counts(record, "tumor", 1).depth) == (15, 50)
    assert caller_counts(record, "tumor", 2).alt_count == 5
    filled, missing = written(tmp_path, AF_ONLY)
    counts = caller_counts(filled, "T")
    assert (counts.depth, counts.alt_count, counts.fields) == (80, 20, "AF,DP")
    assert caller_counts(missing, "T") is None  # AF '.': nothing to report, never a made-up number
