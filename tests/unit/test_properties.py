"""Property-based test of the VCF-to-peptide code (hypothesis, 1000 random cases).

Random small multi-exon transcripts on either strand (a start codon, random sense codons, a
stop codon, UTRs, introns) and random variants inside their coding exons (SNV, MNV, insertion,
deletion, in frame or frameshift) go through the same functions as the workflow: Variant ->
consequences.annotate -> peptides.mutant_peptides. The mutant protein is also built here the
plain way (edit the mRNA, translate) to check the coordinate and strand bookkeeping.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES, annotate
from neoag.annotation.peptides import POSITIONAL_WT, mutant_peptides
from neoag.sequence import reverse_complement, translate
from neoag.transcripts import Transcript
from neoag.variants import Variant, unsupported_allele_reason

BASES = "ACGT"
STOPS = ("TAA", "TAG", "TGA")
SENSE = [a + b + c for a in BASES for b in BASES for c in BASES if a + b + c not in STOPS]
LENGTHS = (8, 9, 10, 11)


@st.composite
def transcript_and_variant(draw):
    """(genome, Transcript, Variant, mRNA, cds offset, transcript-space edit (start, end, alt))."""
    seq = lambda low, high: st.text(BASES, min_size=low, max_size=high)  # noqa: E731
    cds = (
        "ATG" + "".join(draw(st.lists(st.sampled_from(SENSE), min_size=6, max_size=25))) + draw(st.sampled_from(STOPS))
    )
    utr5, utr3 = draw(seq(0, 12)), draw(seq(0, 12))
    mrna = utr5 + cds + utr3
    cuts = sorted(draw(st.sets(st.integers(1, len(mrna) - 1), max_size=3)))
    pieces = [mrna[a:b] for a, b in zip([0, *cuts], [*cuts, len(mrna)])]
    introns = ["GT" + draw(seq(4, 12)) + "AG" for _ in pieces[1:]]
    left, right = draw(seq(3, 10)), draw(seq(3, 10))
    forward, exons = left, []
    for i, piece in enumerate(pieces):
        exons.append((len(forward), len(forward) + len(piece)))
        forward += piece + (introns[i] if i < len(introns) else "")
    forward += right
    strand = draw(st.sampled_from("+-"))
    # transcript offset -> genome position on the forward construction
    offsets = [p for start, end in exons for p in range(start, end)]
    if strand == "-":  # mirror the whole construction
        size = len(forward)
        genome = reverse_complement(forward)
        exons = sorted((size - end, size - start) for start, end in exons)
        offsets = [size - 1 - p for p in offsets]
    else:
        genome = forward
    cds_start = len(utr5)
    cds_genome = sorted([offsets[cds_start], offsets[cds_start + len(cds) - 1]])
    transcript = Transcript("T1", "G1", "G1", "chrP", strand, tuple(exons), cds_genome[0], cds_genome[1] + 1)

    # The variant: an edit of the mRNA inside one exon, after the start codon and before the stop.
    kind = draw(st.sampled_from(["snv", "mnv", "insertion", "deletion"]))
    exon_of = [i for i, piece in enumerate(pieces) for _ in piece]
    start = draw(st.integers(cds_start + 3, cds_start + len(cds) - 4))
    if kind == "insertion":
        end, alt = start, draw(seq(1, 7))
        if exon_of[start - 1] != exon_of[start]:
            start = end = start + 1 if exon_of[start] == exon_of[min(start + 1, len(mrna) - 1)] else start
    else:
        size = 1 if kind == "snv" else draw(st.integers(2, 3) if kind == "mnv" else st.integers(1, 6))
        end = min(start + size, cds_start + len(cds) - 3)
        while exon_of[end - 1] != exon_of[start]:
            end -= 1
        if kind == "deletion":
            alt = ""
        else:
            alt = "".join(draw(st.sampled_from([b for b in BASES if b != mrna[i]])) for i in range(start, end))
    # In genome (forward strand) coordinates, VCF-style with a padding base for indels.
    if strand == "+":
        g_start = offsets[start] if end > start else offsets[start - 1] + 1
        g_ref, g_alt = mrna[start:end], alt
    else:
        g_start = offsets[end - 1] if end > start else offsets[start] + 1
        g_ref, g_alt = reverse_complement(mrna[start:end]), reverse_complement(alt)
    if not g_ref or not g_alt:  # pad with the base before
        pad = genome[g_start - 1]
        g_start, g_ref, g_alt = g_start - 1, pad + g_ref, pad + g_alt
    assert genome[g_start : g_start + len(g_ref)] == g_ref
    variant = Variant("chrP", g_start + 1, g_ref, g_alt)
    return genome, transcript, variant, mrna, cds_start, (start, end, alt)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript_and_variant())
def test_variant_to_peptides(case):
    genome, transcript, variant, mrna, cds_start, (start, end, alt) = case

    def fetch(chrom, a, b):
        return genome[max(0, a) : b]

    sequence = transcript.spliced_sequence(fetch)
    assert sequence.startswith(mrna)
    change = annotate(variant, transcript, sequence)
    assert change == annotate(variant, transcript, sequence)  # deterministic
    wt = translate(mrna[cds_start:])
    assert change.wt_protein in ("", wt)

    # The mutant protein the plain way: edit the spliced sequence, translate to the first stop.
    expected_mt = translate((sequence[:start] + alt + sequence[end:])[cds_start:])
    if change.consequence in PEPTIDE_CONSEQUENCES or change.consequence == "synonymous":
        assert change.mt_protein == expected_mt
        assert change.wt_protein == wt
    if expected_mt == wt:
        assert change.consequence not in PEPTIDE_CONSEQUENCES
    if change.consequence not in PEPTIDE_CONSEQUENCES:
        return
    assert 0 <= change.mt_start <= change.mt_end <= len(change.mt_protein)
    peptides = list(mutant_peptides(change.consequence, wt, change.mt_protein, change.mt_start, change.mt_end,
                                    LENGTHS, flank_length=5))  # fmt: skip
    assert peptides == list(mutant_peptides(change.consequence, wt, change.mt_protein, change.mt_start,
                                            change.mt_end, LENGTHS, flank_length=5))  # fmt: skip
    for peptide in peptides:
        length = len(peptide.mt_peptide)
        assert length in LENGTHS
        assert change.mt_protein[peptide.start : peptide.start + length] == peptide.mt_peptide
        assert peptide.mt_peptide not in wt  # new to the immune system
        # the peptide holds (or, for a deletion, spans) the change
        if change.mt_start == change.mt_end:
            assert peptide.start < change.mt_start < peptide.start + length
        else:
            assert peptide.start < change.mt_end and change.mt_start < peptide.start + length
        assert peptide.mutation_positions and all(1 <= p <= length for p in peptide.mutation_positions)
        if change.consequence in POSITIONAL_WT and peptide.wt_peptide:
            assert len(peptide.wt_peptide) == length
            assert wt[peptide.start : peptide.start + length] == peptide.wt_peptide
        if change.consequence == "missense":
            differs = [i + 1 for i, (m, w) in enumerate(zip(peptide.mt_peptide, peptide.wt_peptide)) if m != w]
            assert list(peptide.mutation_positions) == differs
        if change.consequence not in POSITIONAL_WT:
            assert peptide.wt_peptide == ""


@settings(max_examples=1000, deadline=None)
@given(st.text("ACGTNRYKMSWacgt*<>[].:0123", min_size=1, max_size=6), st.text("ACGTNRY", min_size=1, max_size=4))
def test_alleles_are_scorable_exactly_when_they_are_plain_bases(alt, ref):
    reason = unsupported_allele_reason(ref, alt)
    plain = set(alt.upper()) <= set(BASES) and set(ref) <= set(BASES) and ref != alt.upper()
    assert (reason is None) == plain
