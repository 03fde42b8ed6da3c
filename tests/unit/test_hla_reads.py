"""Reads for HLA typing from a tiny BAM written here with pysam."""

import pysam
import pytest

from neoag.errors import NeoagInputError
from neoag.hla.reads import extract_hla_reads, matching_contigs, parse_region, resolve_region


def test_regions_follow_the_files_contig_names():
    assert parse_region("chr6:29,600,000-33,400,000", "config") == ("chr6", 29599999, 33400000)
    assert resolve_region("chr6:10-20", ["1", "6"], "c").contig == "6"
    assert resolve_region("6:10-20", ["chr1", "chr6"], "c").contig == "chr6"
    assert resolve_region("chr6:10-20", ["chr1"], "c") is None
    with pytest.raises(NeoagInputError, match="contig:start-end"):
        parse_region("chr6", "config hla.region")
    assert matching_contigs("^HLA-|_alt$", ["chr6", "chr6_GL000251v2_alt", "HLA-A*01:01", "chr1"]) == [
        "chr6_GL000251v2_alt",
        "HLA-A*01:01",
    ]


def _read(header, name, sequence, flag, contig=None, position=-1, mate_contig=None, mate_position=-1):
    read = pysam.AlignedSegment(header)
    read.query_name, read.query_sequence, read.flag = name, sequence, flag
    read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
    read.reference_name = contig
    read.reference_start = position
    read.next_reference_name = mate_contig
    read.next_reference_start = mate_position
    if contig is not None and not flag & 4:
        read.cigarstring, read.mapping_quality = f"{len(sequence)}M", 60
    return read


@pytest.fixture
def bam(tmp_path):
    """chr1 and chr6; pairs in the region, one half-mapped there, one on chr1, one unplaced, plus noise."""
    header = pysam.AlignmentHeader.from_dict(
        {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": 1000}, {"SN": "chr6", "LN": 1000}]}
    )
    reads = [
        _read(header, "inside", "AAAACCCC", 0x1 | 0x2 | 0x40 | 0x20, "chr6", 100, "chr6", 300),
        _read(header, "inside", "GGGGTTTA", 0x1 | 0x2 | 0x80 | 0x10, "chr6", 300, "chr6", 100),  # reverse strand
        _read(header, "half", "ACACACAC", 0x1 | 0x40 | 0x8, "chr6", 400, "chr6", 400),
        _read(header, "half", "TGTGTGTG", 0x1 | 0x80 | 0x4, "chr6", 400, "chr6", 400),  # unmapped, placed
        _read(header, "far", "CCCCCCCC", 0x1 | 0x40, "chr6", 500, "chr1", 10),  # mate on chr1: single
        _read(header, "far", "GGGGGGGG", 0x1 | 0x80, "chr1", 10, "chr6", 500),
        _read(header, "dup", "TTTTTTTT", 0x400, "chr6", 600),
        _read(header, "second", "TTTTTTTT", 0x100, "chr6", 600),
        _read(header, "lost", "ACGTACGT", 0x1 | 0x40 | 0x4 | 0x8),  # unplaced pair
        _read(header, "lost", "TGCATGCA", 0x1 | 0x80 | 0x4 | 0x8),
    ]
    unsorted = tmp_path / "unsorted.bam"
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for read in reads:
            out.write(read)
    path = tmp_path / "sample.bam"
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return path


def _fastq(path):
    lines = path.read_text().splitlines()
    return [(lines[i][1:], lines[i + 1]) for i in range(0, len(lines), 4)]


@pytest.mark.parametrize(
    "unmapped, pairs",
    [
        ("unplaced", ["inside", "half", "lost"]),
        ("all", ["inside", "half", "lost"]),
        ("none", ["inside", "half"]),
    ],
)
def test_extract_region_and_unmapped_reads(bam, tmp_path, unmapped, pairs):
    out = [tmp_path / name for name in ("r1.fq", "r2.fq", "single.fq")]
    counts = extract_hla_reads(str(bam), *map(str, out), region="6:1-550", unmapped=unmapped)
    first, second, single = (_fastq(path) for path in out)
    assert sorted(name for name, _ in first) == sorted(pairs)
    assert dict(first)["inside"] == "AAAACCCC"
    assert dict(second)["inside"] == "TAAACCCC"  # reverse complement of the reverse-strand record
    assert dict(second)["half"] == "TGTGTGTG"
    assert single == [("far", "CCCCCCCC")]
    assert counts["pairs"] == len(pairs) and counts["single"] == 1


def test_missing_region_contig_is_a_warning(bam, tmp_path, capsys):
    out = [str(tmp_path / name) for name in ("r1.fq", "r2.fq", "single.fq")]
    counts = extract_hla_reads(str(bam), *out, region="chr7:1-100", unmapped="unplaced")
    assert counts["pairs"] == 1 and "no contig for region chr7:1-100" in capsys.readouterr().err


def test_unmapped_bam_without_sq_lines_is_read_whole(tmp_path, capsys):
    """An unmapped BAM (no @SQ lines, no index, as from 'samtools import' or a sequencer) gives its
    pairs, whatever hla.unmapped says, instead of pysam's 'no index' traceback."""
    header = pysam.AlignmentHeader.from_dict({"HD": {"VN": "1.6", "SO": "unsorted"}})
    reads = [
        _read(header, "p1", "ACGTACGT", 0x1 | 0x40 | 0x4 | 0x8),
        _read(header, "p1", "TTGGCCAA", 0x1 | 0x80 | 0x4 | 0x8),
        _read(header, "lone", "GGGGAAAA", 0x4),
        _read(header, "p2", "CCCCAAAA", 0x1 | 0x40 | 0x4 | 0x8),
        _read(header, "p2", "AAAACCCC", 0x1 | 0x80 | 0x4 | 0x8),
    ]
    path = tmp_path / "unmapped.bam"
    with pysam.AlignmentFile(path, "wb", header=header) as out:
        for read in reads:
            out.write(read)
    out = [tmp_path / name for name in ("r1.fq", "r2.fq", "single.fq")]
    for mode in ("unplaced", "none"):
        counts = extract_hla_reads(str(path), *map(str, out), region="chr6:1-100", unmapped=mode)
        assert counts["pairs"] == 2 and counts["single"] == 1 and counts["unmapped"] == 5
        assert _fastq(out[0]) == [("p1", "ACGTACGT"), ("p2", "CCCCAAAA")]
        assert _fastq(out[1]) == [("p1", "TTGGCCAA"), ("p2", "AAAACCCC")]
        assert _fastq(out[2]) == [("lone", "GGGGAAAA")]
    assert "no @SQ header lines" in capsys.readouterr().err
