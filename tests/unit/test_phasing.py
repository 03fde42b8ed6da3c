"""Read-backed phasing on a tiny BAM of hand-made reads over gene 1 of test_consequences."""

import pysam
import pytest

from neoag.annotation.consequences import annotate, locate
from neoag.annotation.neighbours import GermlineVariants, Neighbour, Phaser
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseCounts, PhaseSettings, chain, count_germline_phase, count_phase, phase_call
from neoag.transcripts import Transcript
from neoag.variants import Variant

GENOME = "T" * 10 + "GCCATGGCTAAACGT" + "GTAAGTACTAACTTTCAG" + "GAATGGCATTAAGCATGACTGAGG" + "T" * 10
GENE = Transcript("T1", "G1", "GENE", "c", "+", ((10, 25), (43, 67)), 13, 55)
SOMATIC = Variant("c", 18, "C", "A")  # p.Ala2Asp
GERMLINE = Variant("c", 20, "A", "G")  # p.Lys3Glu, in the next codon
FAR_GERMLINE = Variant("c", 45, "A", "T")  # p.Glu5Val, in exon 2


def read_sequence(start: int, end: int, *variants: Variant) -> str:
    bases = list(GENOME[start:end])
    for v in variants:
        bases[v.pos - 1 - start] = v.alt
    return "".join(bases)


def make_bam(tmp_path, reads) -> pysam.AlignmentFile:
    """reads: (name, start, sequence, mate) with mate 1 or 2 (0 for an unpaired read)."""
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "SQ": [{"SN": "c", "LN": len(GENOME)}]}
    unsorted, path = tmp_path / "unsorted.bam", tmp_path / "reads.bam"
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for name, start, sequence, mate in reads:
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.query_sequence = name, sequence
            read.flag = {0: 0, 1: 1 + 2 + 64, 2: 1 + 2 + 128}[mate]
            read.reference_id, read.reference_start, read.mapping_quality = 0, start, 60
            read.cigartuples = ((0, len(sequence)),)
            read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
            out.write(read)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return pysam.AlignmentFile(path)


def test_reads_carrying_both_alts_say_cis(tmp_path):
    reads = [(f"cis{i}", 10, read_sequence(10, 40, SOMATIC, GERMLINE), 0) for i in range(4)]
    reads += [(f"ref{i}", 10, read_sequence(10, 40), 0) for i in range(4)]
    counts = count_phase(make_bam(tmp_path, reads), SOMATIC, GERMLINE, ReadFilters())
    assert counts == PhaseCounts(cis=4, trans=0)
    assert phase_call(counts, PhaseSettings()) == "cis"


def test_somatic_alt_with_germline_ref_says_trans(tmp_path):
    reads = [(f"t{i}", 10, read_sequence(10, 40, SOMATIC), 0) for i in range(5)]
    reads += [(f"g{i}", 10, read_sequence(10, 40, GERMLINE), 0) for i in range(5)]
    counts = count_phase(make_bam(tmp_path, reads), SOMATIC, GERMLINE, ReadFilters())
    assert counts == PhaseCounts(cis=0, trans=5)
    assert phase_call(counts, PhaseSettings()) == "trans"


def test_mates_phase_sites_a_fragment_apart(tmp_path):
    reads = []
    for i in range(3):
        reads += [
            (f"f{i}", 10, read_sequence(10, 24, SOMATIC), 1),
            (f"f{i}", 40, read_sequence(40, 60, FAR_GERMLINE), 2),
        ]
    alignments = make_bam(tmp_path, reads)
    assert count_phase(alignments, SOMATIC, FAR_GERMLINE, ReadFilters()) == PhaseCounts(cis=3, trans=0)
    # The same reads without pairing link nothing.
    unpaired = [(f"{name}-{mate}", start, seq, 0) for name, start, seq, mate in reads]
    (tmp_path / "u").mkdir()
    assert count_phase(make_bam(tmp_path / "u", unpaired), SOMATIC, FAR_GERMLINE, ReadFilters()) == PhaseCounts()


@pytest.mark.parametrize(
    "counts, call",
    [
        (PhaseCounts(2, 0), "unknown"),  # too few fragments
        (PhaseCounts(9, 1), "cis"),
        (PhaseCounts(1, 9), "trans"),
        (PhaseCounts(5, 5), "unknown"),  # conflicting reads
    ],
)
def test_phase_call(counts, call):
    assert phase_call(counts, PhaseSettings(min_fragments=3, min_fraction=0.9)) == call


def test_chained_phase():
    assert chain("cis", "cis") == "cis" and chain("trans", "trans") == "cis"
    assert chain("cis", "trans") == "trans" and chain("unknown", "cis") == "unknown"


def test_germline_pair_counts_both_haplotypes(tmp_path):
    reads = [(f"a{i}", 10, read_sequence(10, 40, GERMLINE, Variant("c", 22, "A", "C")), 0) for i in range(2)]
    reads += [(f"r{i}", 10, read_sequence(10, 40), 0) for i in range(2)]
    reads += [("x", 10, read_sequence(10, 40, GERMLINE), 0)]
    counts = count_germline_phase(make_bam(tmp_path, reads), GERMLINE, Variant("c", 22, "A", "C"), ReadFilters())
    assert counts == PhaseCounts(cis=4, trans=1)


def sequence() -> str:
    return GENE.spliced_sequence(lambda c, a, b: GENOME[max(0, a) : b])


def test_phaser_puts_cis_germline_into_both_proteins_and_reports_the_rest(tmp_path):
    reads = [(f"cis{i}", 10, read_sequence(10, 40, SOMATIC, GERMLINE), 0) for i in range(4)]
    reads += [(f"ref{i}", 10, read_sequence(10, 40), 0) for i in range(4)]
    tumor = make_bam(tmp_path, reads)
    neighbours = [
        Neighbour(GERMLINE, "germline", 0.5),
        Neighbour(FAR_GERMLINE, "germline", 0.5),  # no read covers it with the somatic variant
        Neighbour(Variant("c", 61, "A", "C"), "germline", 1.0),  # 3'UTR: cannot change a missense
    ]
    phaser = Phaser(neighbours, tumor, None, None, PhaseSettings(), ReadFilters())
    change = annotate(SOMATIC, GENE, sequence())
    context = phaser.context(SOMATIC, GENE, locate(SOMATIC, GENE), change, window_residues=25)
    assert [n.variant for n, _ in context.cis] == [GERMLINE]
    assert [n.variant for n in context.unphased] == [FAR_GERMLINE]
    assert context.columns() == {
        "cis_variants": "c:20:A:G(germline)",
        "trans_variants": "",
        "unphased_variants": "c:45:A:T(germline)",
    }
    phased = annotate(SOMATIC, GENE, sequence(), context.edits())
    assert (phased.wt_protein, phased.mt_protein, phased.protein_change) == ("MAEREWH", "MDEREWH", "p.Ala2Asp")


def test_homozygous_germline_needs_no_reads_and_small_windows_skip_far_neighbours(tmp_path):
    tumor = make_bam(tmp_path, [("r", 10, read_sequence(10, 40), 0)])
    neighbours = [Neighbour(FAR_GERMLINE, "germline", 0.98)]
    phaser = Phaser(neighbours, tumor, None, None, PhaseSettings(), ReadFilters())
    change = annotate(SOMATIC, GENE, sequence())
    wide = phaser.context(SOMATIC, GENE, locate(SOMATIC, GENE), change, window_residues=10)
    assert [n.variant for n, _ in wide.cis] == [FAR_GERMLINE]
    narrow = phaser.context(SOMATIC, GENE, locate(SOMATIC, GENE), change, window_residues=1)
    assert not (narrow.cis or narrow.trans or narrow.unphased)


def test_germline_variants_come_from_the_indexed_vcf_with_their_normal_vaf(tmp_path):
    vcf = tmp_path / "germline.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=c,length=77>\n"
        '##INFO=<ID=NVAF,Number=1,Type=Float,Description="Normal DNA variant allele fraction">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "c\t20\t.\tA\tG\t.\tPASS\tNVAF=0.5\n"
        "c\t45\t.\tA\tT\t.\tPASS\tNVAF=0.75\n"
    )
    indexed = pysam.tabix_index(str(vcf), preset="vcf", force=True)
    germline = GermlineVariants(indexed)
    assert [(n.variant, n.normal_vaf) for n in germline.fetch("c", 0, 77)] == [(GERMLINE, 0.5), (FAR_GERMLINE, 0.75)]
    assert germline.fetch("c", 20, 77) == [Neighbour(FAR_GERMLINE, "germline", 0.75)]  # pos 20 is base 19
    assert germline.fetch("other", 0, 77) == []
    # The Phaser reads them by region: the homozygous one is in cis without reads.
    tumor = make_bam(tmp_path, [("r", 10, read_sequence(10, 40), 0)])
    settings = PhaseSettings(homozygous_vaf=0.7)
    phaser = Phaser([], tumor, None, None, settings, ReadFilters(), germline_vcf=indexed)
    change = annotate(SOMATIC, GENE, sequence())
    context = phaser.context(SOMATIC, GENE, locate(SOMATIC, GENE), change, window_residues=10)
    assert context.columns() == {
        "cis_variants": "c:45:A:T(germline)",
        "trans_variants": "",
        "unphased_variants": "c:20:A:G(germline)",
    }
