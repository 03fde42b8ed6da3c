"""Protein consequences of a variant on a transcript, from sequence alone.

The variant is applied to the spliced transcript (plus downstream genome), both
sequences are translated from the start codon to the first stop, and the
consequence and the changed residues follow from comparing the two proteins.
No VEP cache is needed, and every variant class goes through the same code.

The protein comparison (describe_protein_change) is shared with the VEP input
path, which gets its wild-type and mutant proteins from VEP's CSQ field instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from neoag.sequence import CODON_TABLE, reverse_complement, three_letter, translate
from neoag.transcripts import Transcript
from neoag.variants import Variant

# Consequences that make new peptides; the others are reported, not scored. A stop_gained
# makes peptides only when residues change before the new stop (p.Thr83_Gln84delinsIleTer,
# an insertion that holds a stop): the new C-terminal residues; a plain p.Lys3Ter makes none.
PEPTIDE_CONSEQUENCES = (
    "missense",
    "inframe_insertion",
    "inframe_deletion",
    "frameshift",
    "stop_lost",
    "stop_gained",
)

# Consequences whose mutant protein runs on past the wild-type frame to a new stop.
OPEN_ENDED = ("frameshift", "stop_lost")

# Splice-site windows (VEP's definitions): intron bases 1-2 from an exon are the
# donor/acceptor site; exon bases 1-3 and intron bases 3-8 are the splice region.
SPLICE_SITE_BASES = 2
SPLICE_REGION_EXON_BASES = 3
SPLICE_REGION_INTRON_BASES = 8


@dataclass(frozen=True)
class TxEdit:
    """A change of the spliced transcript: bases [start, end) become alt.

    Coordinates index Transcript.spliced_sequence() (mRNA 5'->3', then the
    downstream genome); alt is on the transcript's strand. start == end is an
    insertion before index start.
    """

    start: int
    end: int
    alt: str

    @property
    def net(self) -> int:
        """Change of the sequence length (bases)."""
        return len(self.alt) - (self.end - self.start)


@dataclass(frozen=True)
class ProteinChange:
    """A variant's effect on one transcript's protein.

    mt_start/mt_end bound the changed residues in the mutant protein (0-based,
    half-open; equal for a pure deletion, where they mark the junction). For a
    frameshift or a stop-loss mt_end is the end of the mutant protein. flags
    are extra facts (no_stop, splice_region, ...; see docs/output.md).
    """

    consequence: str
    protein_change: str = ""
    protein_position: int = 0
    cds_position: int = 0
    cdna_position: int = 0
    wt_protein: str = ""
    mt_protein: str = ""
    mt_start: int = 0
    mt_end: int = 0
    flags: tuple[str, ...] = ()


def locate(variant: Variant, transcript: Transcript) -> TxEdit | str:
    """The variant in spliced-transcript coordinates, or why it has none.

    Returns 'intron' when every changed base is intronic and 'splice_junction'
    when the change touches both an exon and an intron (or an insertion sits
    exactly on an exon boundary).
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
    return TxEdit(tx_start, tx_end, tx_alt)


def apply_edits(sequence: str, edits: Iterable[TxEdit]) -> str:
    """sequence with non-overlapping edits applied (any order)."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        sequence = sequence[: edit.start] + edit.alt + sequence[edit.end :]
    return sequence


def overlaps(a: TxEdit, b: TxEdit) -> bool:
    """Do two edits change the same bases, insert at the same point, or insert inside the other?"""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def splice_flags(variant: Variant, transcript: Transcript) -> tuple[str, ...]:
    """splice_donor, splice_acceptor and splice_region, as VEP defines them.

    Donor/acceptor: the change touches intron bases 1-2 next to an exon.
    Region: it touches exon bases 1-3 or intron bases 3-8 next to an intron.
    An insertion counts when the bases on both sides of it are in the window
    (VEP's rule); one exactly on an exon boundary touches the splice site.
    """
    start, ref, _ = variant.trimmed()

    def touches(a: int, b: int) -> bool:
        return (start < b and a < start + len(ref)) if ref else a < start < b

    flags = set()
    for intron_start, intron_end in transcript.introns():
        five_prime_end = intron_start if transcript.strand == "+" else intron_end
        for boundary in (intron_start, intron_end):
            site = "splice_donor" if boundary == five_prime_end else "splice_acceptor"
            if boundary == intron_start:
                intron_site = (boundary, boundary + SPLICE_SITE_BASES)
                intron_region = (boundary + SPLICE_SITE_BASES, boundary + SPLICE_REGION_INTRON_BASES)
                exon_region = (boundary - SPLICE_REGION_EXON_BASES, boundary)
            else:
                intron_site = (boundary - SPLICE_SITE_BASES, boundary)
                intron_region = (boundary - SPLICE_REGION_INTRON_BASES, boundary - SPLICE_SITE_BASES)
                exon_region = (boundary, boundary + SPLICE_REGION_EXON_BASES)
            if touches(*intron_site) or (not ref and start == boundary):
                flags.add(site)
            if touches(*intron_region) or touches(*exon_region):
                flags.add("splice_region")
    return tuple(sorted(flags))


def annotate(
    variant: Variant,
    transcript: Transcript,
    transcript_sequence: str,
    context: Iterable[tuple[TxEdit, bool]] = (),
) -> ProteinChange:
    """Consequence of one variant on one transcript.

    Parameters
    ----------
    variant : Variant
    transcript : Transcript
    transcript_sequence : str
        Transcript.spliced_sequence() of this transcript (mRNA + downstream genome).
    context : iterable of (TxEdit, is_germline)
        Neighbouring variants on the same haplotype (in cis). Germline ones go
        into both the wild-type and the mutant protein, somatic ones into the
        mutant only. The consequence and label describe the variant alone on the
        reference; wt_protein, mt_protein and mt_start/mt_end are the patient's.
    """
    flags = splice_flags(variant, transcript)
    located = locate(variant, transcript)
    if isinstance(located, str):
        return ProteinChange(consequence=located, flags=flags)
    edit = located
    cds_start, cds_end = transcript.cds_offset, transcript.cds_end_offset
    is_insertion = edit.start == edit.end
    # For an insertion VEP's positions name the base before it.
    cdna_position = edit.start if is_insertion else edit.start + 1
    base = dict(cdna_position=cdna_position, flags=flags)

    if (edit.start <= cds_start) if is_insertion else (edit.end <= cds_start):
        return ProteinChange(consequence="5_prime_UTR", **base)
    if edit.start >= cds_end:
        return ProteinChange(consequence="3_prime_UTR", **base)

    cds_position = edit.start - cds_start if is_insertion else max(edit.start, cds_start) - cds_start + 1
    base["cds_position"] = cds_position
    cds_flags = transcript.cds_flags(transcript_sequence)
    if cds_flags:
        # No complete ATG..stop open reading frame as annotated: any protein we
        # made would be a guess, so the row says why and makes no peptides.
        return ProteinChange(consequence="incomplete_cds", **(base | {"flags": flags + cds_flags}))
    if edit.start < cds_start + 3:
        # An insertion at cds_start + 1 or + 2 also breaks the start codon.
        return ProteinChange("start_lost", "p.Met1?", 1, **base)

    wt = translate(transcript_sequence[cds_start:])
    mt_coding = apply_edits(transcript_sequence, [edit])[cds_start:]
    mt = translate(mt_coding)
    change = describe_protein_change(wt, mt, edit.net, stop_reached=_has_stop(mt_coding, mt))
    codon = (cds_position - 1) // 3 + 1
    result = with_proteins(
        change,
        wt,
        mt,
        codon,
        cds_position=cds_position,
        cdna_position=cdna_position,
        flags=tuple(sorted(flags + change.flags)),
    )
    context = list(context)
    if context and result.consequence in PEPTIDE_CONSEQUENCES:
        result = _in_context(result, transcript_sequence, cds_start, edit, context)
    return result


def _in_context(
    change: ProteinChange, sequence: str, cds_start: int, edit: TxEdit, context: list[tuple[TxEdit, bool]]
) -> ProteinChange:
    """The patient's wild-type and mutant proteins with the cis neighbours applied."""
    germline = [e for e, is_germline in context if is_germline]
    somatic = [e for e, is_germline in context if not is_germline]
    wt = translate(apply_edits(sequence, germline)[cds_start:])
    mt = translate(apply_edits(sequence, germline + somatic + [edit])[cds_start:])
    start, end = changed_span(wt, mt, open_ended=change.consequence in (*OPEN_ENDED, "stop_gained"))
    return ProteinChange(
        change.consequence,
        change.protein_change,
        change.protein_position,
        change.cds_position,
        change.cdna_position,
        wt_protein=wt,
        mt_protein=mt,
        mt_start=start,
        mt_end=end,
        flags=change.flags,
    )


def with_proteins(change: ProteinChange, wt: str, mt: str, residue: int, **fields) -> ProteinChange:
    """A describe_protein_change result completed with both proteins and the other fields
    (positions, flags); a synonymous change is labelled at residue (1-based; 'Ter' past
    the end of wt): p.Leu35=."""
    if change.consequence == "synonymous":
        label = f"p.{three_letter(wt[residue - 1]) if residue <= len(wt) else 'Ter'}{residue}="
        change = replace(change, protein_change=label, protein_position=residue)
    return replace(change, wt_protein=wt, mt_protein=mt, **fields)


def changed_span(wt: str, mt: str, open_ended: bool) -> tuple[int, int]:
    """[start, end) of the residues of mt that differ from wt.

    Open-ended changes (frameshift, stop-loss) run to the end of mt. Otherwise
    the common prefix and suffix are removed; for a pure deletion start == end.
    """
    p = 0
    while p < min(len(wt), len(mt)) and wt[p] == mt[p]:
        p += 1
    if open_ended:
        return p, len(mt)
    s = 0
    while s < min(len(wt), len(mt)) - p and wt[-1 - s] == mt[-1 - s]:
        s += 1
    return p, len(mt) - s


def _has_stop(sequence: str, protein: str) -> bool:
    codon = sequence[3 * len(protein) : 3 * len(protein) + 3]
    return CODON_TABLE.get(codon) == "*"


def describe_protein_change(wt: str, mt: str, net: int, stop_reached: bool = True) -> ProteinChange:
    """Consequence, HGVS label and changed span from the two proteins alone.

    Parameters
    ----------
    wt, mt : str
        Wild-type and mutant protein, one-letter code, up to (not including) the stop.
    net : int
        Change of the coding sequence length in bases (frameshift when not a multiple of 3).
    stop_reached : bool
        Whether translation of the mutant ended at a stop codon (False: 'Ter?'
        and the no_stop flag for open-ended changes).
    """
    if mt == wt:
        return ProteinChange("synonymous")
    p = 0
    while p < min(len(wt), len(mt)) and wt[p] == mt[p]:
        p += 1

    def ter(first: int) -> str:
        """HGVS 'TerN': the new stop's position, counting protein index `first` as 1."""
        return f"Ter{len(mt) - first + 1}" if stop_reached else "Ter?"

    no_stop = () if stop_reached else ("no_stop",)
    if net % 3:
        if p >= len(wt):  # a frameshift inside the stop codon: a C-terminal extension
            return _stop_lost(wt, mt, ter, no_stop)
        if p >= len(mt):  # the first changed codon is a stop
            return _stop_gained(wt, mt, p)
        label = f"p.{three_letter(wt[p])}{p + 1}{three_letter(mt[p])}fs{ter(p)}"
        return ProteinChange("frameshift", label, p + 1, mt_start=p, mt_end=len(mt), flags=no_stop)

    expected_length = len(wt) + net // 3
    if len(mt) > expected_length:  # the stop codon became a sense codon
        return _stop_lost(wt, mt, ter, no_stop)
    if len(mt) < expected_length and p < len(wt):
        return _stop_gained(wt, mt, p, inserted=net // 3 if net > 0 else 0)
    # (A shorter mutant that keeps every wild-type residue inserted residues and a
    # new stop just before the old one: an in-frame insertion.)

    start, end = changed_span(wt, mt, open_ended=False)
    wt_changed, mt_changed = wt[start : len(wt) - (len(mt) - end)], mt[start:end]
    consequence, label = _inframe_label(wt, start, wt_changed, mt_changed)
    return ProteinChange(consequence, label, start + 1, mt_start=start, mt_end=end)


def _stop_lost(wt: str, mt: str, ter, no_stop: tuple[str, ...]) -> ProteinChange:
    """C-terminal extension: HGVS p.Ter<n><aa>extTer<m>.

    The residue that replaces the stop is not counted: m numbers the added
    residues *1, *2, ... as HGVS does (p.Ter110GlnextTer17).
    """
    n = len(wt)
    label = f"p.Ter{n + 1}{three_letter(mt[n])}ext{ter(n + 1)}"
    return ProteinChange("stop_lost", label, n + 1, mt_start=n, mt_end=len(mt), flags=no_stop)


def _stop_gained(wt: str, mt: str, p: int, inserted: int = 0) -> ProteinChange:
    """A premature stop. p.Lys3Ter when the first changed codon is the stop (no new
    residues: no peptides); p.Lys3_Arg4delinsGluTer when residues change before it:
    mt[p:] are new C-terminal residues, and peptides holding them are made.
    p.Ile20_Tyr21insLysLeuTer when inserted codons (inserted: the net number of codons
    the variant adds) hold the new residues and the stop.
    """
    replaced = mt[p:]
    if not replaced:
        label = f"p.{three_letter(wt[p])}{p + 1}Ter"
    elif 0 < p and inserted >= len(replaced) + 1:
        label = f"p.{three_letter(wt[p - 1])}{p}_{three_letter(wt[p])}{p + 1}ins{three_letter(replaced)}Ter"
    else:
        last = len(mt)  # wt index of the residue that the stop replaces
        last_name = three_letter(wt[last]) if last < len(wt) else "Ter"
        label = f"p.{three_letter(wt[p])}{p + 1}_{last_name}{last + 1}delins{three_letter(replaced)}Ter"
    return ProteinChange("stop_gained", label, p + 1, mt_start=p, mt_end=len(mt))


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
        n = len(mt_changed)
        if p >= n and wt[p - n : p] == mt_changed:  # the inserted residues repeat those before: a duplication
            duplicated = residue(p - 1) if n == 1 else f"{residue(p - n)}_{residue(p - 1)}"
            return "inframe_insertion", f"p.{duplicated}dup"
        return "inframe_insertion", f"p.{residue(p - 1)}_{residue(p)}ins{three_letter(mt_changed)}"
    if len(wt_changed) == len(mt_changed):
        consequence = "missense"
    else:
        consequence = "inframe_insertion" if len(mt_changed) > len(wt_changed) else "inframe_deletion"
    return consequence, f"p.{span}delins{three_letter(mt_changed)}"
