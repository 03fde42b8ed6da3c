"""Read evidence counted from small BAMs written here, read by read."""

import math

import pysam
import pytest

from neoag.calling.evidence import AlleleCounts, ReadFilters, build_locus, count_alleles, slide_span
from neoag.variants import Variant

# 120 random bases; the sites used below sit where nothing repeats, except the CCCC run at 109-112.
REF = (
    "GCTAAAGACAATTACATAACATACACGTCAGCACGAAACTTGTTGGCCCAGTGTGAATCG"
    "CTTAAGGGTTAAGTAAGTGTGATGCATACGCCTTTACTTGCTGTGTCCACCCCATCGGAC"
)


def read_spec(name, start, sequence, cigar, mapq=60, quality=30, flag=0, low_quality_at=None):
    return dict(name=name, start=start, sequence=sequence, cigar=cigar, mapq=mapq, quality=quality, flag=flag,
                low_quality_at=low_quality_at)  # fmt: skip


def with_base(sequence: str, index: int, base: str) -> str:
    return sequence[:index] + base + sequence[index + 1 :]


@pytest.fixture
def fasta(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text(f">c\n{REF}\n")
    pysam.faidx(str(path))
    return pysam.FastaFile(str(path))


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


SNV = Variant("c", 61, REF[60], "A")  # C>A


@pytest.fixture
def snv_bam(tmp_path):
    ref_read = REF[50:70]
    alt_read = with_base(ref_read, 10, SNV.alt)
    reads = [read_spec(f"ref{i}", 50, ref_read, "20M") for i in range(3)]
    reads += [read_spec(f"alt{i}", 50, alt_read, "20M") for i in range(2)]
    reads += [
        read_spec("low_base_quality", 50, alt_read, "20M", low_quality_at=10),
        read_spec("low_mapq", 50, alt_read, "20M", mapq=3),
        read_spec("duplicate", 50, alt_read, "20M", flag=1024),
        # overlapping mates of one fragment count once
        read_spec("pair", 50, alt_read, "20M", flag=1 + 64),
        read_spec("pair", 55, alt_read[5:] + REF[70:75], "20M", flag=1 + 128),
        # an RNA read whose intron gap covers the site says nothing about it
        read_spec("spliced", 45, REF[45:55] + REF[75:85], "10M20N10M"),
        # a read that ends on the site has no base after it
        read_spec("ends_on_site", 41, REF[41:60] + SNV.alt, "20M"),
    ]
    return write_bam(tmp_path / "snv.bam", reads)


def test_snv_counts_skip_filtered_reads_and_count_fragments_once(snv_bam, fasta):
    counts = count_alleles(snv_bam, fasta, SNV, ReadFilters(min_mapping_quality=20, min_base_quality=20))
    assert counts == AlleleCounts(depth=6, ref_count=3, alt_count=3)
    assert counts.vaf == pytest.approx(0.5)


def test_thresholds_come_from_the_filters(snv_bam, fasta):
    counts = count_alleles(snv_bam, fasta, SNV, ReadFilters(min_mapping_quality=0, min_base_quality=0))
    assert counts.alt_count == 5  # low base quality and low MAPQ reads now count; the duplicate never


INSERTION = Variant("c", 60, REF[59], REF[59] + "AT")  # G>GAT, before REF[60]


def test_insertion_reads_count_however_the_aligner_placed_them(tmp_path, fasta):
    inserted = REF[35:60] + "AT" + REF[60:63]
    reads = [
        read_spec("in_cigar", 40, REF[40:60] + "AT" + REF[60:68], "20M2I8M"),
        # inserted bases soft-clipped at the start of a read that begins right after them
        read_spec("clipped", 60, REF[57:60] + "AT" + REF[60:85], "5S25M"),
        # a read that stops 3 bases past the insertion, aligned with mismatches instead
        read_spec("mismatched_end", 35, inserted, "30M"),
        # a low-quality inserted base does not lose the read: the shift tells the alleles apart
        read_spec("low_quality_insert", 40, REF[40:60] + "AT" + REF[60:68], "20M2I8M", low_quality_at=20),
        read_spec("ref", 35, REF[35:65], "30M"),
        # reads that end or start inside the inserted bases cannot tell the alleles apart,
        # however they are aligned (a base aligned past the variant is no anchor)
        read_spec("ends_inside", 31, REF[31:60] + "A", "29M1S"),
        read_spec("ends_inside_mismatched", 35, REF[35:60] + "A", "26M"),
        read_spec("starts_inside_mismatched", 59, "T" + REF[60:85], "26M"),
    ]
    bam = write_bam(tmp_path / "insertion.bam", reads)
    assert count_alleles(bam, fasta, INSERTION, ReadFilters()) == AlleleCounts(depth=5, ref_count=1, alt_count=4)


def test_a_deletion_in_a_run_counts_wherever_the_aligner_put_it(tmp_path, fasta):
    deletion = Variant("c", 109, "AC", "A")  # one C of CCCC (109-112, 0-based), left-aligned
    assert slide_span(REF, 0, deletion) == (109, 113)
    reads = [
        read_spec("left", 90, REF[90:109] + REF[110:120], "19M1D10M"),
        read_spec("right", 90, REF[90:112] + REF[113:120], "22M1D7M"),
        read_spec("ref", 90, REF[90:120], "30M"),
        # an insertion of a C is a third allele: no haplotype explains it
        read_spec("other", 90, REF[90:113] + "C" + REF[113:116], "23M1I3M"),
    ]
    bam = write_bam(tmp_path / "deletion.bam", reads)
    assert count_alleles(bam, fasta, deletion, ReadFilters()) == AlleleCounts(depth=3, ref_count=1, alt_count=2)


def test_reads_of_another_allele_at_the_site_count_in_the_depth(tmp_path, fasta):
    other = Variant("c", 61, REF[60], "T")
    reads = [read_spec(f"ref{i}", 50, REF[50:70], "20M") for i in range(2)]
    reads += [read_spec(f"alt{i}", 50, with_base(REF[50:70], 10, "A"), "20M") for i in range(2)]
    reads += [read_spec("other", 50, with_base(REF[50:70], 10, "T"), "20M")]
    bam = write_bam(tmp_path / "multi.bam", reads)
    assert count_alleles(bam, fasta, SNV, ReadFilters(), others=[other]) == AlleleCounts(5, 2, 2)
    # without knowing the other allele, its read matches neither REF nor ALT better: not informative
    assert count_alleles(bam, fasta, SNV, ReadFilters()) == AlleleCounts(4, 2, 2)


def test_haplotypes_of_a_locus(fasta):
    locus = build_locus(fasta, INSERTION, others=[SNV])
    ref, alt, snv = (h.sequence for h in locus.haplotypes)
    assert (locus.left, locus.right) == (60, 61)
    assert alt == ref[: 60 - locus.window_start] + "AT" + ref[60 - locus.window_start :]
    assert snv[60 - locus.window_start] == "A"


def test_vaf_is_nan_without_reads():
    assert math.isnan(AlleleCounts(0, 0, 0).vaf)


# ---------------------------------------------------------------------------
# Long deletions over other variants (issue 15, item 1), on the demo genome
# ---------------------------------------------------------------------------

DEMO = "resources/demo"
DEMO_SNVS = [Variant("chr1", 3066, "G", "A"), Variant("chr1", 3498, "A", "C"), Variant("chr1", 6640, "A", "C"),
             Variant("chr1", 7369, "T", "C"), Variant("chr1", 9112, "G", "A")]  # fmt: skip


def demo_deletion(fasta, start: int, length: int) -> Variant:
    ref = fasta.fetch("chr1", start - 1, start + length).upper()
    return Variant("chr1", start, ref, ref[0])


@pytest.mark.parametrize("start, length", [(1000, 10000), (3400, 300), (3050, 40)])
def test_a_deletion_over_other_variants_leaves_their_evidence_alone(start, length):
    """A deletion (10 kb, 300 bp, 40 bp: longer than the 125 bp demo reads, or not) over demo SNVs:
    every SNV keeps the counts it has without the deletion in the VCF."""
    from neoag.calling.somatic import site_partners

    fasta = pysam.FastaFile(f"{DEMO}/genome.fa")
    deletion = demo_deletion(fasta, start, length)
    partners = site_partners([*DEMO_SNVS, deletion], fasta)
    for name in ("tumor", "normal"):
        bam = pysam.AlignmentFile(f"{DEMO}/{name}.bam")
        for snv in DEMO_SNVS:
            alone = count_alleles(bam, fasta, snv, ReadFilters())
            beside = count_alleles(bam, fasta, snv, ReadFilters(), partners[snv])
            assert alone.depth > 50
            assert beside == alone, (snv, deletion.pos, length)
    assert any(partners[snv] == [deletion] for snv in DEMO_SNVS)  # the deletion did overlap an SNV


def test_a_deletion_longer_than_the_reads_is_counted_at_its_breakpoints():
    """The demo normal has no 10 kb deletion: its reads at both ends are REF (depth > 0, no ALT)."""
    fasta = pysam.FastaFile(f"{DEMO}/genome.fa")
    normal = pysam.AlignmentFile(f"{DEMO}/normal.bam")
    counts = count_alleles(normal, fasta, demo_deletion(fasta, 1000, 10000), ReadFilters())
    assert counts.depth > 50 and counts.alt_count == 0 and counts.ref_count == counts.depth


def test_soft_clipped_and_split_reads_carry_a_long_deletion(tmp_path, fasta):
    """Reads of a 60 bp deletion in the 120-base test genome: clipped at the left breakpoint,
    clipped at the right one, a mate pair across it; REF reads at both ends; an SNV inside it
    (at 61) keeps its own evidence."""
    start, end = 30, 90  # reference [30, 90) deleted: VCF pos 30, REF = REF[29:90]
    deletion = Variant("c", 30, REF[29:90], REF[29])
    carrier = REF[10:30] + REF[90:110]
    reads = [
        read_spec("left_clip", 10, carrier, "20M20S"),
        read_spec("right_clip", 90, carrier, "20S20M"),
        read_spec("pair", 5, REF[5:30] + REF[90:105], "25M15S", flag=1 + 64),
        read_spec("pair", 90, REF[90:115], "25M", flag=1 + 128),
        read_spec("ref_left", 15, REF[15:50], "35M"),
        read_spec("ref_right", 75, REF[75:110], "35M"),
        read_spec("snv_ref", 50, REF[50:75], "25M"),
        read_spec("snv_alt", 50, with_base(REF[50:75], 10, "A"), "25M"),
    ]
    bam = write_bam(tmp_path / "long.bam", reads)
    assert len(deletion.ref) - 1 > 50
    counts = count_alleles(bam, fasta, deletion, ReadFilters(), [SNV])
    assert (counts.alt_count, counts.ref_count) == (3, 2)  # the pair counts once
    assert count_alleles(bam, fasta, SNV, ReadFilters(), [deletion]) == AlleleCounts(2, 1, 1)
    assert start < SNV.pos - 1 < end
