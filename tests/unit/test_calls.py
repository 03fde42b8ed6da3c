"""Calls from any caller: filters, tumor/normal columns, the callers' own VAFs, consensus.

The Mutect2 and Strelka2 VCFs in tests/data are written by hand in those callers'
dialects, on the demo genome.
"""

from pathlib import Path

import pysam
import pytest

from neoag.calling.calls import Candidate, caller_vaf, detect_sample_columns, merge_calls, read_calls
from neoag.errors import NeoagInputError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
GENOME = REPO / "resources" / "demo" / "genome.fa"


@pytest.fixture(scope="module")
def genome():
    with pysam.FastaFile(str(GENOME)) as fasta:
        yield fasta


def by_allele(candidates):
    return {f"{c.chrom}:{c.pos}:{c.ref}:{c.alt}": c for c in candidates}


def test_mutect2_dialect(genome):
    candidates, columns, counts, _ = read_calls(
        str(DATA / "mutect2_demo.vcf"), "vcf", genome, ["demo_tumor"], ["demo_normal"], ["PASS"]
    )
    assert (columns.tumor, columns.normal) == ("demo_tumor", "demo_normal")
    assert "header lines" in columns.how
    assert counts == {
        "records": 8,
        "kept": 6,
        "filtered": 2,
        "no_alt": 0,
        "skipped": 0,
    }  # germline; strand_bias;weak_evidence
    calls = by_allele(candidates)
    assert sorted(calls) == [
        "chr1:2412:G:T", "chr1:3066:G:A", "chr1:3066:G:T", "chr1:3359:A:AAAG", "chr1:6640:A:C",
        "chr2:1596:CCTGGCTA:CA", "chr2:6550:T:A",
    ]  # fmt: skip
    # FORMAT AF (Number=A), per ALT allele of the multi-allelic record
    assert calls["chr1:3066:G:A"].tumor_vaf == pytest.approx(0.219)
    assert calls["chr1:3066:G:T"].tumor_vaf == pytest.approx(0.011)
    assert calls["chr1:2412:G:T"].normal_vaf == pytest.approx(0.512)
    assert calls["chr1:3359:A:AAAG"].callers == ("vcf",)


def test_strelka2_dialect_tier_counts(genome):
    candidates, columns, counts, _ = read_calls(
        str(DATA / "strelka2_demo.vcf"), "vcf", genome, ["demo_tumor"], ["demo_normal"], ["PASS"]
    )
    assert (columns.tumor, columns.normal) == ("TUMOR", "NORMAL")
    assert counts["filtered"] == 1  # LowEVS
    calls = by_allele(candidates)
    # SNVs: tier-1 ALT / (REF + ALT) from AU/CU/GU/TU; indels: TIR / (TAR + TIR)
    assert calls["chr1:3498:A:C"].tumor_vaf == pytest.approx(60 / 201)
    assert calls["chr1:3498:A:C"].normal_vaf == 0
    assert calls["chr1:6021:CA:C"].tumor_vaf == pytest.approx(86 / 198)
    assert calls["chr2:9640:A:G"].normal_vaf == pytest.approx(46 / 94)
    assert "chr2:2207:T:A" not in calls


def test_filters_are_configurable(genome):
    candidates, _, counts, _ = read_calls(str(DATA / "mutect2_demo.vcf"), "vcf", genome, [], [], ["PASS", "germline"])
    assert counts["filtered"] == 1
    assert "chr2:3458:A:C" in by_allele(candidates)


def write_vcf(path, body, formats, samples=("TUMOR",), meta=""):
    header = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n" + meta
    header += "".join(f"##FORMAT=<ID={key},Number={number},Type={kind},Description=\"x\">\n"
                      for key, number, kind in formats)  # fmt: skip
    header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples) + "\n"
    path.write_text(header + body)
    return str(path)


def test_varscan2_and_freebayes_dialects(tmp_path, genome):
    varscan = write_vcf(
        tmp_path / "varscan.vcf",
        "chr1\t3066\t.\tG\tA\t.\tPASS\t.\tRD:AD:FREQ\t140:40:22.22%\n",
        [("RD", 1, "Integer"), ("AD", 1, "Integer"), ("FREQ", 1, "String")],
    )
    freebayes = write_vcf(
        tmp_path / "freebayes.vcf",
        "chr1\t3066\t.\tG\tA\t.\t.\t.\tRO:AO\t150:50\n",
        [("RO", 1, "Integer"), ("AO", "A", "Integer")],
    )
    for path, vaf in ((varscan, 0.2222), (freebayes, 0.25)):
        (call,), _, _, _ = read_calls(path, "x", genome, [], [], ["PASS", "."])
        assert call.tumor_vaf == pytest.approx(vaf)


def test_a_sites_only_vcf_has_no_caller_vafs(tmp_path, genome):
    path = tmp_path / "sites.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t3066\t.\tG\tA\t.\t.\t.\n"
    )
    (call,), columns, _, _ = read_calls(str(path), "x", genome, [], [], ["."])
    assert (call.tumor_vaf, columns.tumor) == (None, None)


def test_ref_that_differs_from_the_reference_is_a_clear_error(tmp_path, genome):
    path = write_vcf(tmp_path / "wrong.vcf", "chr1\t3066\t.\tC\tA\t.\tPASS\t.\tAD\t10,2\n", [("AD", "R", "Integer")])
    with pytest.raises(NeoagInputError, match=r"wrong.vcf, record chr1:3066: REF 'C' differs .* \('G'\)"):
        read_calls(path, "x", genome, [], [], ["PASS"])


@pytest.mark.parametrize(
    "columns, meta, tumor_sm, normal_sm, expected",
    [
        (["N1", "T1"], {"tumor_sample": "T1", "normal_sample": "N1"}, [], [], ("T1", "N1")),
        (["s_normal", "s_tumor"], {}, ["s_tumor"], ["s_normal"], ("s_tumor", "s_normal")),
        (["NORMAL", "TUMOR"], {}, ["x"], ["y"], ("TUMOR", "NORMAL")),
        (["only"], {}, [], [], ("only", None)),
        ([], {}, [], [], (None, None)),
    ],
)
def test_sample_column_detection(columns, meta, tumor_sm, normal_sm, expected):
    found = detect_sample_columns(columns, meta, tumor_sm, normal_sm, "calls.vcf")
    assert (found.tumor, found.normal) == expected


@pytest.mark.parametrize(
    "columns, meta, message",
    [
        (["A", "B"], {}, "cannot tell which sample column is the tumor"),
        (["A", "B"], {"tumor_sample": "C"}, "##tumor_sample=C names a sample that is not a column"),
        (["A", "B"], {"normal_sample": "A"}, "no ##tumor_sample= line"),
    ],
)
def test_ambiguous_sample_columns_are_a_clear_error(columns, meta, message):
    with pytest.raises(NeoagInputError, match=message) as error:
        detect_sample_columns(columns, meta, ["t"], ["n"], "calls.vcf")
    assert "calls.vcf" in str(error.value)


def test_caller_vaf_absent_fields(tmp_path):
    path = write_vcf(tmp_path / "gt.vcf", "chr1\t3066\t.\tG\tA\t.\tPASS\t.\tGT\t0/1\n", [("GT", 1, "String")])
    with pysam.VariantFile(path) as vcf:
        record = next(iter(vcf))
        assert caller_vaf(record, "TUMOR") is None
        assert caller_vaf(record, None) is None


def candidate(pos, alt, caller, vaf=None):
    return Candidate("chr1", pos, "A", alt, (caller,), vaf, None)


def test_consensus_keeps_alleles_of_enough_callers():
    freebayes = [candidate(10, "C", "freebayes", 0.3), candidate(20, "G", "freebayes")]
    mutect2 = [candidate(20, "G", "mutect2", 0.25), candidate(30, "T", "mutect2"), candidate(10, "G", "mutect2")]
    union = merge_calls([freebayes, mutect2], 1, ["chr1"])
    assert [(c.pos, c.alt) for c in union] == [(10, "C"), (10, "G"), (20, "G"), (30, "T")]
    both = merge_calls([freebayes, mutect2], 2, ["chr1"])
    assert both == [Candidate("chr1", 20, "A", "G", ("freebayes", "mutect2"), 0.25, None)]
