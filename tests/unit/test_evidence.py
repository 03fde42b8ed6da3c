"""Read evidence counted from a small BAM written here, read by read."""

import pysam
import pytest

from neoag.evidence import AlleleCounts, ReadFilters, count_alleles
from neoag.variants import Variant

REF = "ACGTACGTTAGCCGATCGATTGCAAGCTTGACCTGAAGTCCGATAGCTAGGCTACGATCG"


def read_spec(name, start, sequence, cigar, mapq=60, quality=30, flag=0, low_quality_at=None):
    return dict(name=name, start=start, sequence=sequence, cigar=cigar, mapq=mapq, quality=quality, flag=flag,
                low_quality_at=low_quality_at)  # fmt: skip


def with_base(sequence: str, index: int, base: str) -> str:
    return sequence[:index] + base + sequence[index + 1 :]


def write_bam(path, reads):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c", "LN": len(REF)}]}
    unsorted = str(path) + ".unsorted.bam"
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for spec in reads:
            read = pysam.AlignedSegment(out.header)
            read.query_name = spec["name"]
            read.query_sequence = spec["sequence"]
            read.flag = spec["flag"]
            read.reference_id = 0
            read.reference_start = spec["start"]
            read.mapping_quality = spec["mapq"]
            read.cigarstring = spec["cigar"]
            qualities = [spec["quality"]] * len(spec["sequence"])
            if spec["low_quality_at"] is not None:
                qualities[spec["low_quality_at"]] = 5
            read.query_qualities = pysam.qualitystring_to_array("".join(chr(q + 33) for q in qualities))
            out.write(read)
    pysam.sort("-o", str(path), unsorted)
    pysam.index(str(path))
    return pysam.AlignmentFile(str(path))


SNV = Variant("c", 31, REF[30], "A" if REF[30] != "A" else "C")


@pytest.fixture
def snv_bam(tmp_path):
    ref_read = REF[20:40]
    alt_read = with_base(ref_read, 10, SNV.alt)
    reads = [read_spec(f"ref{i}", 20, ref_read, "20M") for i in range(3)]
    reads += [read_spec(f"alt{i}", 20, alt_read, "20M") for i in range(2)]
    reads += [
        read_spec("low_base_quality", 20, alt_read, "20M", low_quality_at=10),
        read_spec("low_mapq", 20, alt_read, "20M", mapq=3),
        read_spec("duplicate", 20, alt_read, "20M", flag=1024),
        # overlapping mates of one fragment count once
        read_spec("pair", 20, alt_read, "20M", flag=1 + 64),
        read_spec("pair", 25, alt_read[5:] + REF[40:45], "20M", flag=1 + 128),
        # an RNA read whose intron gap covers the site says nothing about it
        read_spec("spliced", 15, REF[15:25] + REF[45:55], "10M20N10M"),
        # a read that ends on the site has no anchor base after it
        read_spec("ends_on_site", 11, REF[11:30] + SNV.alt, "20M"),
    ]
    return write_bam(tmp_path / "snv.bam", reads)


def test_snv_counts_skip_filtered_reads_and_count_fragments_once(snv_bam):
    counts = count_alleles(snv_bam, SNV, ReadFilters(min_mapping_quality=20, min_base_quality=20))
    assert counts == AlleleCounts(depth=6, ref_count=3, alt_count=3)
    assert counts.vaf == pytest.approx(0.5)


def test_thresholds_come_from_the_filters(snv_bam):
    counts = count_alleles(snv_bam, SNV, ReadFilters(min_mapping_quality=0, min_base_quality=0))
    assert counts.alt_count == 5  # low base quality and low MAPQ reads now count; the duplicate never


def test_insertion_and_deletion_are_read_from_the_cigar(tmp_path):
    insertion = Variant("c", 41, REF[40], REF[40] + "TT")
    deletion = Variant("c", 41, REF[40:43], REF[40])
    reads = [
        read_spec("ref", 30, REF[30:52], "22M"),
        read_spec("ins", 31, REF[31:41] + "TT" + REF[41:51], "10M2I10M"),
        read_spec("del", 31, REF[31:41] + REF[43:53], "10M2D10M"),
        read_spec("other_ins", 31, REF[31:41] + "G" + REF[41:51], "10M1I10M"),
    ]
    bam = write_bam(tmp_path / "indel.bam", reads)
    filters = ReadFilters()
    # the deletion read is neither REF nor the insertion
    assert count_alleles(bam, insertion, filters) == AlleleCounts(depth=4, ref_count=1, alt_count=1)
    assert count_alleles(bam, deletion, filters) == AlleleCounts(depth=4, ref_count=1, alt_count=1)


def test_vaf_is_nan_without_reads():
    import math

    assert math.isnan(AlleleCounts(0, 0, 0).vaf)
