"""Protein consequences of a variant on a transcript, from sequence alone.

The variant is applied to the spliced transcript (plus downstream genome), both
sequences are translated from the start codon to the first stop, and the
consequence and the changed residues follow from comparing the two proteins.
No VEP cache is needed, and every variant class goes through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

from neoag.sequence import CODON_TABLE, reverse_complement, three_letter, translate
from neoag.transcripts import Transcript
from neoag.variants import Variant

# Consequences that make new peptides; the others are reported, not scored.
PEPTIDE_CONSEQUENCES = (
    "missense",
    "inframe_insertion",
    "inframe_deletion",
    "frameshift",
    "stop_lost",
)


@dataclass(frozen=True)
class ProteinChange:
    """A variant's effect on one transcript's protein.

    mt_start/mt_end bound the changed residues in the mutant protein (0-based,
    half-open; equal for a pure deletion, where they mark the junction). For a
    frameshift or a stop-loss mt_end is the end of the mutant protein.
    """

    consequence: str
    protein_change: str = ""
    protein_position: int = 0
    cds_position: int = 0
    wt_protein: str = ""
    mt_protein: str = ""
    mt_start: int = 0
    mt_end: int = 0


def _transcript_interval(variant: Variant, transcript: Transcript) -> tuple[int, int, str] | str:
    """The variant in spliced-transcript coordinates: (start, end, alt) or a reason string.

    For an insertion start == end: the bases go before transcript index start.
    """
    start, ref, alt = variant.trimmed()
    if ref:
        offsets = [transcript.transcript_offset(p) for p in range(start, start + len(ref))]
        if any(o is None for o in offsets):
            return "intron" if all(o is None for o in offsets) else "splice_junction"
        low, high = min(offsets), max(offsets)
        if high - low + 1 != len(ref):
            return "splice_junction"  # the deleted bases span an intron
        tx_start, tx_end = low, high + 1
    else:
        before, after = transcript.transcript_offset(start - 1), transcript.transcript_offset(start)
        if before is None and after is None:
            return "intron"
        if before is None or after is None or abs(after - before) != 1:
            return "splice_junction"  # inserted exactly at an exon boundary
        tx_start = tx_end = max(before, after)
    tx_alt = alt if transcript.strand == "+" else reverse_complement(alt)
    return tx_start, tx_end, tx_alt


def _has_stop(sequence: str, protein: str) -> bool:
    codon = sequence[3 * len(protein) : 3 * len(protein) + 3]
    return CODON_TABLE.get(codon) == "*"


def _ter(sequence: str, protein: str, first: int) -> str:
    """HGVS 'TerN': the new stop's position, counting protein index `first` as 1."""
    if not _has_stop(sequence, protein):
        return "Ter?"
    return f"Ter{len(protein) - first + 1}"


def annotate(variant: Variant, transcript: Transcript, transcript_sequence: str) -> ProteinChange:
    """Consequence of one variant on one transcript.

    Parameters
    ----------
    variant : Variant
    transcript : Transcript
    transcript_sequence : str
        Transcript.spliced_sequence() of this transcript (mRNA + downstream genome).
    """
    located = _transcript_interval(variant, transcript)
    if isinstance(located, str):
        return ProteinChange(consequence=located)
    tx_start, tx_end, tx_alt = located
    cds_start, cds_end = transcript.cds_offset, transcript.cds_end_offset

    is_insertion = tx_start == tx_end
    if is_insertion:
        if tx_start <= cds_start:
            return ProteinChange(consequence="5_prime_UTR")
        if tx_start >= cds_end:
            return ProteinChange(consequence="3_prime_UTR")
    else:
        if tx_end <= cds_start:
            return ProteinChange(consequence="5_prime_UTR")
        if tx_start >= cds_end:
            return ProteinChange(consequence="3_prime_UTR")

    cds_position = max(tx_start, cds_start) - cds_start + 1
    if tx_start < cds_start + 3:
        # An insertion at tx_start == cds_start + 1 or + 2 also breaks the start codon.
        return ProteinChange(consequence="start_lost", cds_position=cds_position)

    mutant_sequence = transcript_sequence[:tx_start] + tx_alt + transcript_sequence[tx_end:]
    wt = translate(transcript_sequence[cds_start:])
    mt_coding = mutant_sequence[cds_start:]
    mt = translate(mt_coding)
    if 3 * len(wt) + 3 != cds_end - cds_start:
        # No ATG..stop open reading frame as annotated (incomplete or odd CDS):
        # any protein we made would be a guess.
        return ProteinChange(consequence="incomplete_cds", cds_position=cds_position)
    common = dict(cds_position=cds_position, wt_protein=wt, mt_protein=mt)

    if mt == wt:
        return ProteinChange(consequence="synonymous", **common)
    p = 0
    while p < min(len(wt), len(mt)) and wt[p] == mt[p]:
        p += 1
    position = p + 1
    net = len(tx_alt) - (tx_end - tx_start)

    if net % 3:
        if p >= len(wt):  # a frameshift inside the stop codon: a C-terminal extension
            return _stop_lost(mt_coding, wt, mt, common)
        if p >= len(mt):  # the first changed codon is a stop
            return _stop_gained(wt, p, common)
        label = f"p.{three_letter(wt[p])}{position}{three_letter(mt[p])}fs{_ter(mt_coding, mt, p)}"
        return ProteinChange("frameshift", label, position, mt_start=p, mt_end=len(mt), **common)

    expected_length = len(wt) + net // 3
    if len(mt) > expected_length:  # the stop codon became a sense codon
        return _stop_lost(mt_coding, wt, mt, common)
    if len(mt) < expected_length:
        return _stop_gained(wt, p, common)

    s = 0  # common suffix, not overlapping the common prefix
    while s < min(len(wt), len(mt)) - p and wt[-1 - s] == mt[-1 - s]:
        s += 1
    wt_changed, mt_changed = wt[p : len(wt) - s], mt[p : len(mt) - s]
    consequence, label = _inframe_label(wt, p, wt_changed, mt_changed)
    return ProteinChange(consequence, label, position, mt_start=p, mt_end=p + len(mt_changed), **common)


def _stop_lost(mt_coding: str, wt: str, mt: str, common: dict) -> ProteinChange:
    """C-terminal extension: HGVS p.Ter<n><aa>extTer<m>.

    The residue that replaces the stop is not counted: m numbers the added
    residues *1, *2, ... as HGVS does (p.Ter110GlnextTer17).
    """
    n = len(wt)
    label = f"p.Ter{n + 1}{three_letter(mt[n])}ext{_ter(mt_coding, mt, n + 1)}"
    return ProteinChange("stop_lost", label, n + 1, mt_start=n, mt_end=len(mt), **common)


def _stop_gained(wt: str, p: int, common: dict) -> ProteinChange:
    """A premature stop: reported, but it makes no new peptide."""
    label = f"p.{three_letter(wt[p])}{p + 1}Ter"
    return ProteinChange("stop_gained", label, p + 1, mt_start=p, mt_end=p, **common)


def _inframe_label(wt: str, p: int, wt_changed: str, mt_changed: str) -> tuple[str, str]:
    """Consequence and HGVS label of a same-frame change at protein index p."""

    def residue(i: int) -> str:
        return f"{three_letter(wt[i]) if i < len(wt) else 'Ter'}{i + 1}"

    if len(wt_changed) == 1 and len(mt_changed) == 1:
        return "missense", f"p.{residue(p)}{three_letter(mt_changed)}"
    span = residue(p) if len(wt_changed) == 1 else f"{residue(p)}_{residue(p + len(wt_changed) - 1)}"
    if not mt_changed:
        return "inframe_deletion", f"p.{span}del"
    if not wt_changed:
        return "inframe_insertion", f"p.{residue(p - 1)}_{residue(p)}ins{three_letter(mt_changed)}"
    if len(wt_changed) == len(mt_changed):
        consequence = "missense"
    else:
        consequence = "inframe_insertion" if len(mt_changed) > len(wt_changed) else "inframe_deletion"
    return consequence, f"p.{span}delins{three_letter(mt_changed)}"
