"""Protein consequences on a hand-made two-exon gene, on both strands.

The plus-strand gene (0-based genome positions):
  [0,10)   TTTTTTTTTT                      intergenic
  [10,25)  GCC ATGGCTAAACGT                exon 1: 5'UTR, then M A K R
  [25,43)  GTAAGTACTAACTTTCAG              intron
  [43,67)  GAATGGCAT TAA GCATGACTGAGG      exon 2: E W H, stop, 3'UTR
  [67,77)  TTTTTTTTTT                      downstream
Protein: MAKREWH. The minus-strand gene is the reverse complement of the whole
genome, so every variant, mirrored, must give the same protein change.
"""

import pytest

from neoag.consequences import annotate
from neoag.sequence import reverse_complement
from neoag.transcripts import Transcript
from neoag.variants import Variant

PLUS_GENOME = "T" * 10 + "GCCATGGCTAAACGT" + "GTAAGTACTAACTTTCAG" + "GAATGGCATTAAGCATGACTGAGG" + "T" * 10
LENGTH = len(PLUS_GENOME)
MINUS_GENOME = reverse_complement(PLUS_GENOME)

PLUS = Transcript("T1", "G1", "GENE1", "c", "+", ((10, 25), (43, 67)), 13, 55)
MINUS = Transcript(
    "T1", "G1", "GENE1", "c", "-", ((LENGTH - 67, LENGTH - 43), (LENGTH - 25, LENGTH - 10)), LENGTH - 55, LENGTH - 13
)


def vcf_variant(genome: str, start: int, ref: str, alt: str) -> Variant:
    """A trimmed change at 0-based start, written as a VCF record (padded indels)."""
    if ref and alt:
        return Variant("c", start + 1, ref, alt)
    return Variant("c", start, genome[start - 1] + ref, genome[start - 1] + alt)


def on_strand(strand: str, start: int, ref: str, alt: str):
    """Annotate a plus-strand change, or its mirror image on the minus-strand gene."""
    if strand == "+":
        genome, transcript, variant = PLUS_GENOME, PLUS, vcf_variant(PLUS_GENOME, start, ref, alt)
    else:
        mirrored = LENGTH - (start + len(ref))
        genome, transcript = MINUS_GENOME, MINUS
        variant = vcf_variant(MINUS_GENOME, mirrored, reverse_complement(ref), reverse_complement(alt))
    assert genome[variant.pos - 1 : variant.pos - 1 + len(variant.ref)] == variant.ref

    def fetch(chrom, a, b):
        return genome[max(0, a) : b]

    return annotate(variant, transcript, transcript.spliced_sequence(fetch))


CASES = [
    # (description, start, ref, alt, consequence, protein_change, mt_protein)
    ("missense", 17, "C", "A", "missense", "p.Ala2Asp", "MDKREWH"),
    ("synonymous", 18, "T", "C", "synonymous", "", "MAKREWH"),
    ("missense at exon 2's first base", 43, "G", "A", "missense", "p.Glu5Lys", "MAKRKWH"),
    ("in-frame deletion", 19, "AAA", "", "inframe_deletion", "p.Lys3del", "MAREWH"),
    ("in-frame insertion", 22, "", "TGG", "inframe_insertion", "p.Lys3_Arg4insTrp", "MAKWREWH"),
    ("frameshift insertion", 19, "", "G", "frameshift", "p.Lys3GlufsTer3", "MAET"),
    ("frameshift deletion into the 3'UTR", 23, "G", "", "frameshift", "p.Arg4LeufsTer8", "MAKLNGIKHD"),
    ("stop-loss", 52, "T", "C", "stop_lost", "p.Ter8GlnextTer2", "MAKREWHQA"),
    ("stop gained", 19, "A", "T", "stop_gained", "p.Lys3Ter", "MA"),
    ("MNV changing one residue", 18, "TA", "AG", "missense", "p.Lys3Glu", "MAEREWH"),
    ("MNV changing two residues", 17, "CTA", "ATC", "missense", "p.Ala2_Lys3delinsAspGln", "MDQREWH"),
]


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_protein_change(case, strand):
    _, start, ref, alt, consequence, protein_change, mt_protein = case
    change = on_strand(strand, start, ref, alt)
    assert change.wt_protein == "MAKREWH"
    assert (change.consequence, change.protein_change, change.mt_protein) == (consequence, protein_change, mt_protein)


NON_CODING = [
    ("start codon", 14, "T", "C", "start_lost"),
    ("intron", 30, "T", "G", "intron"),
    ("deletion across the exon 1 / intron boundary", 23, "GTGT", "", "splice_junction"),
    ("5'UTR", 11, "C", "A", "5_prime_UTR"),
    ("3'UTR", 60, "A", "C", "3_prime_UTR"),
]


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("case", NON_CODING, ids=[c[0] for c in NON_CODING])
def test_non_coding_consequence(case, strand):
    _, start, ref, alt, consequence = case
    assert PLUS_GENOME[start : start + len(ref)] == ref
    assert on_strand(strand, start, ref, alt).consequence == consequence


def test_changed_span_of_missense_and_deletion():
    missense = on_strand("+", 17, "C", "A")
    assert (missense.mt_start, missense.mt_end, missense.protein_position) == (1, 2, 2)
    deletion = on_strand("+", 19, "AAA", "")
    assert (deletion.mt_start, deletion.mt_end) == (2, 2)  # the junction between A2 and R3 of MAREWH


def test_frameshift_span_runs_to_the_end_of_the_mutant_protein():
    change = on_strand("-", 23, "G", "")
    assert (change.mt_start, change.mt_end) == (3, len("MAKLNGIKHD"))


def test_transcript_offsets_match_on_both_strands():
    assert PLUS.cds_offset == MINUS.cds_offset == 3
    assert PLUS.cds_end_offset == MINUS.cds_end_offset == 27
    assert PLUS.transcript_offset(30) is None and MINUS.transcript_offset(LENGTH - 31) is None
