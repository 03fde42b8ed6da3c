"""Protein consequences on hand-made genes, each case on both strands.

Gene 1, a two-exon gene (0-based genome positions):
  [0,10)   TTTTTTTTTT                      intergenic
  [10,25)  GCC ATG GCT AAA CGT             exon 1: 5'UTR, then M A K R
  [25,43)  GTAAGTACTAACTTTCAG              intron (donor GT at 25, acceptor AG at 41)
  [43,67)  GAA TGG CAT TAA GCATGACTGAGG    exon 2: E W H, stop, 3'UTR
  [67,77)  TTTTTTTTTT                      downstream
Protein: MAKREWH.

Gene 2, one exon whose 3'UTR is short, so that a frameshift and a stop-loss
must read on into the genome downstream to reach a stop; its K-K repeat tests
the 3' rule:
  [0,5) GGGGG  [5,7) CC  [7,22) ATG AAA AAG GAA TAG  [22,24) CC  [24,34) TAGCTAAAAA
Protein: MKKE.

The minus-strand genes are the reverse complement of the whole genome, so
every variant, mirrored, must give the same protein change. Every expectation
below was worked out by hand from these sequences.
"""

import dataclasses

import pytest

from neoag.annotation.consequences import TxEdit, annotate, apply_edits, describe_protein_change, locate, overlaps
from neoag.sequence import reverse_complement
from neoag.transcripts import Transcript
from neoag.variants import Variant

GENOME1 = "T" * 10 + "GCCATGGCTAAACGT" + "GTAAGTACTAACTTTCAG" + "GAATGGCATTAAGCATGACTGAGG" + "T" * 10
GENOME2 = "GGGGG" + "CC" + "ATGAAAAAGGAATAG" + "CC" + "TAGCTAAAAA"


def gene(genome: str, exons, coding_start: int, coding_end: int, strand: str) -> tuple[str, Transcript]:
    """The gene on the plus strand, or its mirror image on the minus strand."""
    n = len(genome)
    if strand == "+":
        return genome, Transcript("T1", "G1", "GENE", "c", "+", tuple(exons), coding_start, coding_end)
    mirrored = tuple(sorted((n - end, n - start) for start, end in exons))
    return reverse_complement(genome), Transcript(
        "T1", "G1", "GENE", "c", "-", mirrored, n - coding_end, n - coding_start
    )


GENES = {
    1: (GENOME1, ((10, 25), (43, 67)), 13, 55),
    2: (GENOME2, ((5, 24),), 7, 22),
}
PLUS, MINUS = gene(*GENES[1], "+")[1], gene(*GENES[1], "-")[1]
LENGTH = len(GENOME1)


def vcf_variant(genome: str, start: int, ref: str, alt: str) -> Variant:
    """A trimmed change at 0-based start, written as a VCF record (padded indels)."""
    if ref and alt:
        return Variant("c", start + 1, ref, alt)
    return Variant("c", start, genome[start - 1] + ref, genome[start - 1] + alt)


def mirror(genome: str, start: int, ref: str, alt: str, strand: str) -> Variant:
    """The plus-strand change, or its mirror image on the reverse-complemented genome."""
    if strand == "+":
        variant = vcf_variant(genome, start, ref, alt)
    else:
        genome = reverse_complement(genome)
        variant = vcf_variant(
            genome, len(genome) - (start + len(ref)), reverse_complement(ref), reverse_complement(alt)
        )
    assert genome[variant.pos - 1 : variant.pos - 1 + len(variant.ref)] == variant.ref
    return variant


def on_strand(strand: str, start: int, ref: str, alt: str, gene_number: int = 1, context=()):
    """Annotate a plus-strand change, or its mirror image on the minus-strand gene.

    context: (start, ref, alt, is_germline) neighbours in cis, plus-strand coordinates.
    """
    genome, transcript = gene(*GENES[gene_number], strand)
    plus_genome = GENES[gene_number][0]
    variant = mirror(plus_genome, start, ref, alt, strand)

    def fetch(chrom, a, b):
        return genome[max(0, a) : b]

    edits = [(locate(mirror(plus_genome, s, r, a, strand), transcript), g) for s, r, a, g in context]
    return annotate(variant, transcript, transcript.spliced_sequence(fetch), edits)


CASES = [
    # (description, start, ref, alt, consequence, protein_change, mt_protein, flags)
    ("missense", 17, "C", "A", "missense", "p.Ala2Asp", "MDKREWH", ()),
    ("synonymous", 18, "T", "C", "synonymous", "p.Ala2=", "MAKREWH", ()),
    ("synonymous at the last base of exon 1", 24, "T", "A", "synonymous", "p.Arg4=", "MAKREWH", ("splice_region",)),
    ("missense 3 bases before the intron", 22, "C", "T", "missense", "p.Arg4Cys", "MAKCEWH", ("splice_region",)),
    ("missense at exon 2's first base", 43, "G", "A", "missense", "p.Glu5Lys", "MAKRKWH", ("splice_region",)),
    ("in-frame deletion", 19, "AAA", "", "inframe_deletion", "p.Lys3del", "MAREWH", ()),
    ("in-frame deletion at exon 2's start", 43, "GAA", "", "inframe_deletion", "p.Glu5del", "MAKRWH",
     ("splice_region",)),
    ("in-frame deletion of the codon before the stop", 49, "CAT", "", "inframe_deletion", "p.His7del", "MAKREW", ()),
    ("in-frame insertion", 22, "", "TGG", "inframe_insertion", "p.Lys3_Arg4insTrp", "MAKWREWH", ()),
    ("insertion duplicating a residue", 22, "", "AAA", "inframe_insertion", "p.Lys3dup", "MAKKREWH", ()),
    ("in-frame insertion right after the start codon", 16, "", "AAA", "inframe_insertion", "p.Met1_Ala2insLys",
     "MKAKREWH", ()),
    ("in-frame insertion right before the stop codon", 52, "", "GGG", "inframe_insertion", "p.His7_Ter8insGly",
     "MAKREWHG", ()),
    ("delins that lengthens the protein", 19, "AAA", "GGGCCC", "inframe_insertion", "p.Lys3delinsGlyPro",
     "MAGPREWH", ()),
    ("delins that shortens the protein", 19, "AAACGT", "TGG", "inframe_deletion", "p.Lys3_Arg4delinsTrp",
     "MAWEWH", ("splice_region",)),
    ("frameshift insertion", 19, "", "G", "frameshift", "p.Lys3GlufsTer3", "MAET", ()),
    ("frameshift deletion of two bases", 19, "AA", "", "frameshift", "p.Lys3ThrfsTer2", "MAT", ()),
    ("frameshift deletion into the 3'UTR", 23, "G", "", "frameshift", "p.Arg4LeufsTer8", "MAKLNGIKHD",
     ("splice_region",)),
    ("frameshift whose first new codon is a stop", 19, "", "T", "stop_gained", "p.Lys3Ter", "MA", ()),
    ("stop-loss", 52, "T", "C", "stop_lost", "p.Ter8GlnextTer2", "MAKREWHQA", ()),
    ("deletion of the stop codon", 52, "TAA", "", "stop_lost", "p.Ter8AlaextTer1", "MAKREWHA", ()),
    ("frameshift inside the stop codon, no stop before the contig end", 53, "", "C", "stop_lost",
     "p.Ter8SerextTer?", "MAKREWHSSMTEVFF", ("no_stop",)),
    ("deletion across the stop codon into the 3'UTR", 51, "TTAAG", "", "stop_lost", "p.Ter8MetextTer?",
     "MAKREWHMTEVFF", ("no_stop",)),
    ("stop gained", 19, "A", "T", "stop_gained", "p.Lys3Ter", "MA", ()),
    ("delins ending in a stop", 19, "AAACGT", "GAATAA", "stop_gained", "p.Lys3_Arg4delinsGluTer", "MAE",
     ("splice_region",)),
    ("MNV changing one residue across a codon boundary", 18, "TA", "AG", "missense", "p.Lys3Glu", "MAEREWH", ()),
    ("MNV changing two residues", 17, "CTA", "ATC", "missense", "p.Ala2_Lys3delinsAspGln", "MDQREWH", ()),
    ("MNV across a codon boundary changing both codons", 21, "AC", "CA", "missense", "p.Lys3_Arg4delinsAsnSer",
     "MANSEWH", ("splice_region",)),
    ("MNV across a codon boundary making a stop", 18, "TA", "AT", "stop_gained", "p.Lys3Ter", "MA", ()),
]  # fmt: skip


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_protein_change(case, strand):
    _, start, ref, alt, consequence, protein_change, mt_protein, flags = case
    assert GENOME1[start : start + len(ref)] == ref
    change = on_strand(strand, start, ref, alt)
    assert change.wt_protein == "MAKREWH"
    assert (change.consequence, change.protein_change, change.mt_protein) == (consequence, protein_change, mt_protein)
    assert change.flags == flags


GENE2_CASES = [
    ("deletion of the first K of KK is named at the 3' K", 10, "AAA", "", "inframe_deletion", "p.Lys3del", "MKE"),
    ("deletion of the second K of KK", 13, "AAG", "", "inframe_deletion", "p.Lys3del", "MKE"),
    ("frameshift reading into the genome downstream", 10, "", "C", "frameshift", "p.Lys2GlnfsTer6", "MQKGIA"),
    ("stop-loss reading into the genome downstream", 19, "T", "C", "stop_lost", "p.Ter5GlnextTer3", "MKKEQPS"),
    ("duplication at the end of a repeat", 16, "", "AAG", "inframe_insertion", "p.Lys3dup", "MKKKE"),
]


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", GENE2_CASES, ids=[c[0] for c in GENE2_CASES])
def test_protein_change_reading_past_the_transcript(case, strand):
    _, start, ref, alt, consequence, protein_change, mt_protein = case
    assert GENOME2[start : start + len(ref)] == ref
    change = on_strand(strand, start, ref, alt, gene_number=2)
    assert change.wt_protein == "MKKE"
    assert (change.consequence, change.protein_change, change.mt_protein) == (consequence, protein_change, mt_protein)


NON_CODING = [
    # (description, start, ref, alt, consequence, protein_change, flags)
    ("start codon", 14, "T", "C", "start_lost", "p.Met1?", ()),
    ("deletion from the 5'UTR into the start codon", 12, "CA", "", "start_lost", "p.Met1?", ()),
    ("insertion inside the start codon", 14, "", "G", "start_lost", "p.Met1?", ()),
    ("insertion right before the start codon", 13, "", "A", "5_prime_UTR", "", ()),
    ("5'UTR", 11, "C", "A", "5_prime_UTR", "", ()),
    ("5'UTR deletion", 11, "C", "", "5_prime_UTR", "", ()),
    ("3'UTR", 60, "A", "C", "3_prime_UTR", "", ()),
    ("insertion right after the stop codon", 55, "", "A", "3_prime_UTR", "", ()),
    ("intron, donor +1", 25, "G", "A", "intron", "", ("splice_donor",)),
    ("intron, donor +5", 29, "G", "A", "intron", "", ("splice_region",)),
    ("deep intron", 34, "A", "G", "intron", "", ()),
    ("intron, acceptor -2", 41, "A", "G", "intron", "", ("splice_acceptor",)),
    ("deletion across the exon 1 / intron boundary", 23, "GTGT", "", "splice_junction", "",
     ("splice_donor", "splice_region")),
    ("MNV across the exon 1 / intron boundary", 24, "TG", "AC", "splice_junction", "",
     ("splice_donor", "splice_region")),
    ("deletion across the intron / exon 2 boundary", 41, "AGG", "", "splice_junction", "",
     ("splice_acceptor", "splice_region")),
    ("insertion exactly on the exon 1 / intron boundary", 25, "", "C", "splice_junction", "", ("splice_donor",)),
]  # fmt: skip


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", NON_CODING, ids=[c[0] for c in NON_CODING])
def test_non_coding_consequence(case, strand):
    _, start, ref, alt, consequence, protein_change, flags = case
    assert GENOME1[start : start + len(ref)] == ref
    change = on_strand(strand, start, ref, alt)
    assert (change.consequence, change.protein_change, change.flags) == (consequence, protein_change, flags)


CONTEXT = [
    # (description, somatic (start, ref, alt), neighbours in cis, wt, mt, (mt_start, mt_end))
    ("germline SNV in cis in the next codon", (17, "C", "A"), [(19, "A", "G", True)], "MAEREWH", "MDEREWH", (1, 2)),
    ("germline SNV in cis in the same codon", (17, "C", "A"), [(18, "T", "G", True)], "MAKREWH", "MEKREWH", (1, 2)),
    ("somatic SNV in cis (mutant only)", (17, "C", "A"), [(44, "A", "T", False)], "MAKREWH", "MDKRVWH", (1, 5)),
    ("germline SNV in the 3'UTR changes a frameshift's new residues", (23, "G", ""), [(58, "T", "G", True)],
     "MAKREWH", "MAKLNGIKQD", (3, 10)),
    ("germline in-frame deletion in cis", (17, "C", "A"), [(46, "TGG", "", True)], "MAKREH", "MDKREH", (1, 2)),
]  # fmt: skip


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", CONTEXT, ids=[c[0] for c in CONTEXT])
def test_cis_neighbours_enter_the_patients_proteins(case, strand):
    _, (start, ref, alt), neighbours, wt, mt, span = case
    alone = on_strand(strand, start, ref, alt)
    change = on_strand(strand, start, ref, alt, context=neighbours)
    # The label describes the variant on the reference; the proteins are the patient's.
    assert (change.consequence, change.protein_change) == (alone.consequence, alone.protein_change)
    assert (change.wt_protein, change.mt_protein, (change.mt_start, change.mt_end)) == (wt, mt, span)


def test_a_neighbour_in_trans_is_not_in_the_proteins():
    # Trans neighbours are simply not passed as context: the proteins are the reference's.
    change = on_strand("+", 17, "C", "A")
    assert (change.wt_protein, change.mt_protein) == ("MAKREWH", "MDKREWH")


def test_changed_span_of_missense_and_deletion():
    missense = on_strand("+", 17, "C", "A")
    assert (missense.mt_start, missense.mt_end, missense.protein_position) == (1, 2, 2)
    deletion = on_strand("+", 19, "AAA", "")
    assert (deletion.mt_start, deletion.mt_end) == (2, 2)  # the junction between A2 and R3 of MAREWH


def test_frameshift_span_runs_to_the_end_of_the_mutant_protein():
    change = on_strand("-", 23, "G", "")
    assert (change.mt_start, change.mt_end) == (3, len("MAKLNGIKHD"))


@pytest.mark.parametrize("strand", ["+", "-"])
def test_cds_and_cdna_positions(strand):
    missense = on_strand(strand, 17, "C", "A")
    assert (missense.cdna_position, missense.cds_position, missense.protein_position) == (8, 5, 2)
    exon2 = on_strand(strand, 44, "A", "T")  # mRNA base 17 (15 of exon 1 + 2), CDS base 14
    assert (exon2.cdna_position, exon2.cds_position, exon2.protein_position) == (17, 14, 5)
    insertion = on_strand(strand, 22, "", "TGG")  # positions name the base before an insertion
    assert (insertion.cdna_position, insertion.cds_position) == (12, 9)
    utr = on_strand(strand, 60, "A", "C")
    assert (utr.cdna_position, utr.cds_position) == (33, 0)


def test_incomplete_cds_is_flagged_and_makes_no_protein():
    # cds_start_NF and a CDS whose length is not a multiple of 3 (the stop codon cut by one base)
    genome, transcript = gene(*GENES[1], "+")
    tagged = dataclasses.replace(transcript, gtf_flags=("cds_start_NF",))
    sequence = tagged.spliced_sequence(lambda c, a, b: genome[max(0, a) : b])
    change = annotate(vcf_variant(genome, 17, "C", "A"), tagged, sequence)
    assert (change.consequence, change.flags, change.mt_protein) == ("incomplete_cds", ("cds_start_NF",), "")
    short = Transcript("T1", "G1", "GENE", "c", "+", transcript.exons, 13, 54)
    change = annotate(vcf_variant(genome, 17, "C", "A"), short, sequence)
    assert change.consequence == "incomplete_cds"
    assert change.flags == ("cds_length_not_multiple_of_3",)


def test_transcript_offsets_match_on_both_strands():
    assert PLUS.cds_offset == MINUS.cds_offset == 3
    assert PLUS.cds_end_offset == MINUS.cds_end_offset == 27
    assert PLUS.transcript_offset(30) is None and MINUS.transcript_offset(LENGTH - 31) is None


def test_edits_apply_together_and_overlap_checks():
    assert apply_edits("AAACCCGGG", [TxEdit(0, 1, "T"), TxEdit(3, 6, ""), TxEdit(9, 9, "TT")]) == "TAAGGGTT"
    assert overlaps(TxEdit(2, 4, "A"), TxEdit(3, 5, ""))
    assert not overlaps(TxEdit(2, 4, "A"), TxEdit(4, 5, "G"))
    assert overlaps(TxEdit(3, 3, "A"), TxEdit(2, 5, ""))  # an insertion inside a deletion
    assert not overlaps(TxEdit(2, 2, "A"), TxEdit(2, 5, ""))  # an insertion before it


def test_protein_comparison_alone():
    assert describe_protein_change("MAKR", "MAKR", 0).consequence == "synonymous"
    fs = describe_protein_change("MAKREWH", "MAKLNG", -1, stop_reached=False)
    assert (fs.consequence, fs.protein_change, fs.flags) == ("frameshift", "p.Arg4LeufsTer?", ("no_stop",))
