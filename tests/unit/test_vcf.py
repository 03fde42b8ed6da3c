"""The one VCF reader: typed ALT alleles or a skip reason, and clear errors for broken files."""

import pytest

from neoag.errors import NeoagInputError
from neoag.variants import Variant
from neoag.vcf import Allele, open_vcf, read_records, read_vcf_alleles, record_alleles, variants_of

HEADER = "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def write_vcf(tmp_path, records: str, header: str = HEADER):
    path = tmp_path / "calls.vcf"
    path.write_text(header + records)
    return str(path)


def test_one_allele_per_alt_with_its_number_and_record(tmp_path):
    path = write_vcf(tmp_path, "chr1\t10\t.\tA\tC,GT\t.\tPASS\t.\nchr1\t20\t.\tG\t.\t.\tPASS\t.\n")
    alleles = list(read_vcf_alleles(path))
    assert [(a.chrom, a.pos, a.ref, a.alt, a.number) for a in alleles] == [
        ("chr1", 10, "A", "C", 1),
        ("chr1", 10, "A", "GT", 2),
        ("chr1", 20, "G", ".", 0),
    ]
    assert alleles[1].record.alts == ("C", "GT")
    assert [a.skip_reason for a in alleles] == [None, None, "no ALT allele"]


def test_variant_is_upper_case_and_skip_reason_keeps_the_written_alt(tmp_path):
    path = write_vcf(tmp_path, "chr1\t10\t.\ta\tg\t.\tPASS\t.\nchr1\t30\t.\tA\t<DEL>\t.\tPASS\t.\n")
    lower, symbolic = read_vcf_alleles(path)
    assert lower.variant == Variant("chr1", 10, "A", "G")
    assert symbolic.skip_reason == "symbolic allele <DEL>"


def test_variants_of_keeps_only_scorable_alleles_in_order():
    alleles = [
        Allele("chr1", 5, "A", "*"),
        Allele("chr1", 7, "C", "T"),
        Allele("chr1", 9, "G", "G"),
        Allele("chr1", 11, "T", "TA"),
    ]
    assert variants_of(alleles) == [Variant("chr1", 7, "C", "T"), Variant("chr1", 11, "T", "TA")]


def test_record_alleles_of_a_record_without_alt(tmp_path):
    path = write_vcf(tmp_path, "chr1\t20\t.\tG\t.\t.\tPASS\t.\n")
    with open_vcf(path) as vcf:
        (record,) = read_records(vcf, path)
        (allele,) = record_alleles(record)
    assert (allele.alt, allele.number) == (".", 0)


def test_a_file_that_is_not_a_vcf_is_a_clear_error(tmp_path):
    path = tmp_path / "calls.vcf"
    path.write_text("this is not a VCF\n")
    with pytest.raises(NeoagInputError, match=r"calls\.vcf: line 1 is not '##fileformat=VCF\.\.\.', so this is not"):
        list(read_vcf_alleles(str(path)))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NeoagInputError, match="cannot be read as a VCF/BCF"):
        open_vcf(str(tmp_path / "absent.vcf"))


def test_a_record_pysam_cannot_parse_is_named_with_the_one_before(tmp_path):
    path = write_vcf(tmp_path, "chr1\t10\t.\tA\tC\t.\tPASS\t.\nchr1\tnotanumber\t.\tA\tC\t.\tPASS\t.\n")
    with pytest.raises(NeoagInputError, match=r"data record 2 \(the one after chr1:10\) cannot be parsed"):
        list(read_vcf_alleles(path))
