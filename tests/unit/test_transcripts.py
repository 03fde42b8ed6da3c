import pytest

from neoag.errors import NeoagInputError
from neoag.transcripts import (
    TranscriptIndex,
    _transcripts_from_lines,
    parse_attributes,
    phases_consistent,
    select_transcripts,
)

GTF = """\
#!genome-build test
c\ttest\tgene\t11\t67\t.\t+\t.\tgene_id "G1"; gene_name "GENE1";
c\ttest\ttranscript\t11\t67\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; tag "basic"; tag "Ensembl_canonical";
c\ttest\texon\t11\t25\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1"; exon_number "1";
c\ttest\texon\t44\t67\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1"; exon_number "2";
c\ttest\tCDS\t14\t25\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\tCDS\t44\t52\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\tstop_codon\t53\t55\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\texon\t100\t200\t.\t-\t.\tgene_id "G2"; transcript_id "T2"; gene_name "NONCODING";
"""


def test_gtf_transcript_model_joins_cds_and_stop_codon():
    (transcript,) = _transcripts_from_lines(GTF.splitlines(True), "test.gtf")
    assert transcript.transcript_id == "T1" and transcript.gene_name == "GENE1"
    assert transcript.exons == ((10, 25), (43, 67))
    assert (transcript.coding_start, transcript.coding_end) == (13, 55)
    assert transcript.tags == ("basic", "Ensembl_canonical")


def test_attributes_keep_repeated_keys():
    assert parse_attributes('tag "a"; tag "b"; level 2;') == {"tag": ["a", "b"], "level": ["2"]}


def test_malformed_gtf_line_names_the_line():
    with pytest.raises(NeoagInputError, match=r"bad.gtf, line 2: .*9 tab-separated columns"):
        _transcripts_from_lines(["#x\n", "c exon 1 2\n"], "bad.gtf")


def test_index_finds_overlapping_transcripts_only():
    (transcript,) = _transcripts_from_lines(GTF.splitlines(True), "test.gtf")
    index = TranscriptIndex([transcript])
    assert index.overlapping("c", 30, 31) == [transcript]  # intron counts: the caller decides
    assert index.overlapping("c", 70, 71) == []
    assert index.overlapping("other", 30, 31) == []
    assert index.overlapping("c", 11, 11) == [transcript]  # an insertion between bases 10 and 11
    assert index.overlapping("c", 10, 10) == []  # an insertion before the transcript's first base
    assert index.overlapping("c", 67, 67) == []  # ... or after its last base


REFSEQ_GTF = """\
c\tBestRefSeq\texon\t11\t25\t.\t+\t.\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1"; tag "MANE Select"; \
transcript_biotype "mRNA";
c\tBestRefSeq\texon\t44\t67\t.\t+\t.\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1"; tag "MANE Select";
c\tBestRefSeq\tCDS\t14\t25\t.\t+\t0\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1";
c\tBestRefSeq\tCDS\t44\t55\t.\t+\t0\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1";
d\tBestRefSeq\texon\t11\t25\t.\t+\t.\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1";
d\tBestRefSeq\tCDS\t14\t25\t.\t+\t0\tgene_id "GENE1"; transcript_id "NM_1.1"; gene "GENE1";
"""


def test_refseq_style_gtf_is_read():
    # gene name from 'gene', "MANE Select" with a space, CDS that includes the stop codon,
    # and one transcript ID on two contigs (as PAR genes): one model per contig.
    first, second = _transcripts_from_lines(REFSEQ_GTF.splitlines(True), "refseq.gtf")
    assert (first.chrom, second.chrom) == ("c", "d")
    assert first.gene_name == "GENE1" and first.biotype == "mRNA"
    assert first.tags == ("MANE_Select",) and first.reported_tags == "MANE_Select"
    assert (first.coding_start, first.coding_end) == (13, 55)


def test_tags_support_level_and_biotype_are_kept():
    (transcript,) = _transcripts_from_lines(
        [
            GTF.splitlines(True)[2].replace(
                'tag "basic";',
                'tag "basic"; transcript_support_level "1 (assigned to previous version 3)"; '
                'transcript_type "protein_coding";',
            )
        ]
        + GTF.splitlines(True)[3:8],
        "test.gtf",
    )
    assert transcript.support_level == "1"
    assert transcript.biotype == "protein_coding"
    assert transcript.reported_tags == "Ensembl_canonical,basic"


@pytest.mark.parametrize(
    "rows, strand, consistent",
    [
        ([((0, 10), "0"), ((20, 31), "2"), ((40, 50), "0")], "+", True),  # 10 bases -> next codon after 2
        ([((0, 10), "0"), ((20, 31), "0")], "+", False),
        ([((40, 50), "0"), ((20, 31), "2")], "-", True),  # minus strand: 5' row is the highest
        ([((0, 10), "1"), ((20, 30), "0")], "+", True),  # cds_start_NF with phase 1: 9 bases in frame
        ([((0, 10), "."), ((20, 30), "1")], "+", True),  # no phases: nothing to check
    ],
)
def test_cds_phases_must_follow_the_lengths(rows, strand, consistent):
    assert phases_consistent(rows, strand) is consistent


def test_phase_mismatch_and_cds_nf_tags_are_flagged():
    lines = GTF.splitlines(True)
    lines[6] = lines[6].replace("\t+\t0\t", "\t+\t1\t")  # second CDS row with a wrong phase
    lines[2] = lines[2].replace('tag "basic";', 'tag "basic"; tag "cds_end_NF";')
    (transcript,) = _transcripts_from_lines(lines, "test.gtf")
    assert transcript.gtf_flags == ("cds_end_NF", "cds_phase_mismatch")


def test_transcript_sets():
    transcripts = _transcripts_from_lines(GTF.splitlines(True), "test.gtf")
    assert select_transcripts(transcripts, "canonical", "test.gtf") == transcripts
    with pytest.raises(NeoagInputError, match="no transcript of this GTF has a MANE_Select tag"):
        select_transcripts(transcripts, "mane_select", "test.gtf")
    refseq = _transcripts_from_lines(REFSEQ_GTF.splitlines(True), "refseq.gtf")
    assert [t.chrom for t in select_transcripts(refseq, "mane_select", "refseq.gtf")] == ["c"]


# -- GTF shapes that some facilities' converters write: no exon rows, no stop_codon rows -------------

SHAPES_GENOME_LENGTH = 80


def shapes_genome() -> str:
    """80 bp: exons 11-25 and 44-67 (1-based), CDS 14-25 + 44-52 (ATG ... 7 codons), stop TAA 53-55."""
    bases = ["C"] * SHAPES_GENOME_LENGTH
    bases[13:25] = "ATGAAACCCGGG"
    bases[43:52] = "TTTAAGCCC"
    bases[52:55] = "TAA"
    return "".join(bases)


def shapes_gtf(strand: str, rows: tuple[str, ...]) -> list[str]:
    """The shapes transcript's rows (kinds from rows), mirrored onto the minus strand when strand is '-'."""
    coordinates = {"exon": [(11, 25), (44, 67)], "CDS": [(14, 25), (44, 52)], "stop_codon": [(53, 55)],
                   "five_prime_utr": [(11, 13)], "three_prime_utr": [(56, 67)]}  # fmt: skip
    lines = []
    for kind in rows:
        for start, end in coordinates[kind]:
            if strand == "-":
                start, end = SHAPES_GENOME_LENGTH + 1 - end, SHAPES_GENOME_LENGTH + 1 - start
            lines.append(f'c\tconv\t{kind}\t{start}\t{end}\t.\t{strand}\t.\tgene_id "G"; transcript_id "T";\n')
    return lines


@pytest.mark.parametrize("strand", ["+", "-"])
def test_gtf_without_exon_rows_takes_exons_from_cds_utr_and_stop(strand):
    from neoag.sequence import reverse_complement

    genome = shapes_genome() if strand == "+" else reverse_complement(shapes_genome())

    def fetch(chrom, start, end):
        return genome[start:end]

    full = ("exon", "CDS", "stop_codon", "five_prime_utr", "three_prime_utr")
    (expected,) = _transcripts_from_lines(shapes_gtf(strand, full), "full.gtf")
    (derived,) = _transcripts_from_lines(shapes_gtf(strand, full[1:]), "no_exons.gtf")
    assert derived.exons == expected.exons
    assert (derived.coding_start, derived.coding_end) == (expected.coding_start, expected.coding_end)
    sequence = derived.spliced_sequence(fetch)
    assert derived.cds_flags(sequence) == ()


@pytest.mark.parametrize("strand", ["+", "-"])
def test_gtf_without_stop_codon_rows_finds_the_stop_in_the_sequence(strand):
    from neoag.sequence import reverse_complement
    from neoag.transcripts import stop_from_sequence

    genome = shapes_genome() if strand == "+" else reverse_complement(shapes_genome())

    def fetch(chrom, start, end):
        return genome[start:end]

    (expected,) = _transcripts_from_lines(shapes_gtf(strand, ("exon", "CDS", "stop_codon")), "full.gtf")
    (bare,) = _transcripts_from_lines(shapes_gtf(strand, ("exon", "CDS")), "no_stop.gtf")
    assert bare.stop_inferable and not expected.stop_inferable
    assert bare.cds_flags(bare.spliced_sequence(fetch)) == ("no_stop_codon",)  # what annotation saw before
    (found,) = stop_from_sequence([bare], fetch)
    assert (found.coding_start, found.coding_end) == (expected.coding_start, expected.coding_end)
    assert found.cds_flags(found.spliced_sequence(fetch)) == ()


def test_stop_is_not_invented_where_the_sequence_has_none():
    from neoag.transcripts import stop_from_sequence

    genome = shapes_genome().replace("TAA", "TAC")

    def fetch(chrom, start, end):
        return genome[start:end]

    (bare,) = _transcripts_from_lines(shapes_gtf("+", ("exon", "CDS")), "no_stop.gtf")
    (kept,) = stop_from_sequence([bare], fetch)
    assert (kept.coding_start, kept.coding_end) == (bare.coding_start, bare.coding_end)
    assert "no_stop_codon" in kept.cds_flags(kept.spliced_sequence(fetch))


def test_cds_that_includes_its_stop_is_left_as_it_is():
    """gffread-style: CDS rows include the stop codon and there are no stop_codon rows."""
    from neoag.transcripts import stop_from_sequence

    genome = shapes_genome()

    def fetch(chrom, start, end):
        return genome[start:end]

    lines = [line.replace("\t44\t52\t", "\t44\t55\t") for line in shapes_gtf("+", ("exon", "CDS"))]
    (transcript,) = _transcripts_from_lines(lines, "gffread.gtf")
    (kept,) = stop_from_sequence([transcript], fetch)
    assert (kept.coding_start, kept.coding_end) == (13, 55)
    assert kept.cds_flags(kept.spliced_sequence(fetch)) == ()
