"""Mutant peptides (and their wild-type counterparts) around a protein change."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Consequences whose mutant peptides line up residue by residue with the
# wild-type protein, so a positional wild-type peptide exists. A frameshift or
# a stop-loss makes a sequence with no wild-type counterpart. A stop_gained that
# changes residues before its stop keeps the wild type's numbering up to there.
POSITIONAL_WT = ("missense", "inframe_insertion", "inframe_deletion", "stop_gained")

STANDARD_RESIDUES = frozenset("ACDEFGHIKLMNPQRSTVWY")
"""The residues MHCflurry scores. X (from N bases in the FASTA or a VEP FrameshiftSequence),
U (selenocysteine) and the like make a peptide that is skipped and counted (write_peptides)."""


def is_standard(sequence: str) -> bool:
    """Does sequence hold only the 20 standard residues?"""
    return STANDARD_RESIDUES.issuperset(sequence)


def standard_flank(flank: str, side: str) -> str:
    """The part of a flank next to the peptide that holds only standard residues
    (side 'n': the end of the N-terminal flank; 'c': the start of the C-terminal one)."""
    if is_standard(flank):
        return flank
    if side == "n":
        last = max(i for i, residue in enumerate(flank) if residue not in STANDARD_RESIDUES)
        return flank[last + 1 :]
    first = min(i for i, residue in enumerate(flank) if residue not in STANDARD_RESIDUES)
    return flank[:first]


@dataclass(frozen=True)
class Peptide:
    """One mutant peptide window. start is 0-based in the mutant protein."""

    start: int
    mt_peptide: str
    wt_peptide: str
    n_flank: str
    c_flank: str
    mutation_positions: tuple[int, ...]  # 1-based positions inside the peptide that changed
    wt_start: int | None = None  # 0-based start of wt_peptide in the wild type (None: start)


WT_PAIRINGS = ("position", "alignment")
"""How a mutant peptide gets its wild-type partner (config peptides.wt_pairing); see aligned_wt."""


def aligned_wt(wt_protein: str, mt_peptide: str, start: int) -> tuple[str, int]:
    """The wild-type window of the mutant peptide's length that shares the most residues with it,
    place by place (ungapped), and its start; ('', start) when it shares fewer than half.

    Windows starting within len(mt_peptide) of start are compared; ties go to the window
    closest to start, then the earlier one.
    """
    length = len(mt_peptide)
    best: tuple[int, int, int] | None = None
    for wt_start in range(max(0, start - length), min(len(wt_protein) - length, start + length) + 1):
        window = wt_protein[wt_start : wt_start + length]
        same = sum(a == b for a, b in zip(window, mt_peptide))
        key = (-same, abs(wt_start - start), wt_start)
        if best is None or key < best:
            best = key
    if best is None or -best[0] * 2 < length:
        return "", start
    return wt_protein[best[2] : best[2] + length], best[2]


def window_starts(protein_length: int, changed_start: int, changed_end: int, length: int) -> range:
    """Start indices of every `length`-mer that contains a changed residue.

    For a pure deletion (changed_start == changed_end) the window must span the
    junction, i.e. hold the residues on both sides of it.
    """
    if changed_start == changed_end:
        first, last = changed_start - length + 1, changed_start - 1
    else:
        first, last = changed_start - length + 1, changed_end - 1
    return range(max(0, first), min(last, protein_length - length) + 1)


def mutant_peptides(
    consequence: str,
    wt_protein: str,
    mt_protein: str,
    changed_start: int,
    changed_end: int,
    lengths: Iterable[int],
    flank_length: int,
    wt_pairing: str = "position",
) -> Iterator[Peptide]:
    """Every peptide of the given lengths overlapping the change, once.

    Peptides that also occur in the wild-type protein are not new to the immune
    system and are left out (an in-frame deletion inside a repeat makes them).
    wt_pairing 'position' pairs the wild-type peptide at the same start (POSITIONAL_WT
    consequences; none for a frameshift or stop-loss); 'alignment' pairs each peptide of
    any consequence other than missense with its best ungapped match nearby (aligned_wt).
    """
    positional = consequence in POSITIONAL_WT
    by_alignment = wt_pairing == "alignment" and consequence != "missense"
    for length in sorted(set(lengths)):
        for start in window_starts(len(mt_protein), changed_start, changed_end, length):
            mt_peptide = mt_protein[start : start + length]
            if mt_peptide in wt_protein:
                continue
            wt_peptide, wt_start = "", start
            if by_alignment:
                wt_peptide, wt_start = aligned_wt(wt_protein, mt_peptide, start)
            elif positional and start + length <= len(wt_protein):
                wt_peptide = wt_protein[start : start + length]
            if changed_start == changed_end:
                changed = (changed_start - start, changed_start - start + 1)
            elif consequence == "missense" and len(mt_protein) == len(wt_protein):
                # Same length: only the residues that differ (the span may hold
                # unchanged residues between two changes of one haplotype).
                changed = tuple(i + 1 for i, (m, w) in enumerate(zip(mt_peptide, wt_peptide)) if m != w)
            else:
                changed = tuple(
                    i - start + 1 for i in range(max(start, changed_start), min(start + length, changed_end))
                )
            yield Peptide(
                start=start,
                mt_peptide=mt_peptide,
                wt_peptide=wt_peptide,
                n_flank=mt_protein[max(0, start - flank_length) : start],
                c_flank=mt_protein[start + length : start + length + flank_length],
                mutation_positions=changed,
                wt_start=wt_start,
            )


def peptide_row(row, peptide: Peptide, flank_length: int, skipped: dict[str, list[str]]) -> dict | None:
    """The peptides.tsv row of one peptide, or None when its mutant peptide has a residue
    other than the 20 standard ones (recorded in skipped['non_standard_mt_peptide']).

    A wild-type partner with such a residue is left empty (skipped['non_standard_wt_peptide']);
    flanks keep only their standard part next to the peptide.
    """
    if not is_standard(peptide.mt_peptide):
        skipped.setdefault("non_standard_mt_peptide", []).append(f"{row.variant_id} {peptide.mt_peptide}")
        return None
    wt_peptide = peptide.wt_peptide
    if not is_standard(wt_peptide):
        skipped.setdefault("non_standard_wt_peptide", []).append(f"{row.variant_id} {wt_peptide}")
        wt_peptide = ""
    wt_start = peptide.start if peptide.wt_start is None else peptide.wt_start
    wt_end = wt_start + len(wt_peptide)
    has_wt = bool(wt_peptide)
    return {
        "variant_id": row.variant_id,
        "transcript_id": row.transcript_id,
        "peptide_length": len(peptide.mt_peptide),
        "mt_peptide": peptide.mt_peptide,
        "wt_peptide": wt_peptide,
        "peptide_start": peptide.start + 1,
        "mutation_positions": ",".join(map(str, peptide.mutation_positions)),
        "mt_n_flank": standard_flank(peptide.n_flank, "n"),
        "mt_c_flank": standard_flank(peptide.c_flank, "c"),
        "wt_n_flank": standard_flank(row.wt_protein[max(0, wt_start - flank_length) : wt_start], "n") if has_wt else "",
        "wt_c_flank": standard_flank(row.wt_protein[wt_end : wt_end + flank_length], "c") if has_wt else "",
    }


def write_peptides(
    annotations_tsv: str, out_tsv: str, lengths: list[int], flank_length: int, wt_pairing: str = "position"
) -> None:
    """peptides.tsv: every mutant peptide of every peptide-making annotation row.

    Peptides with non-standard residues are skipped one by one and counted in the log
    (peptide_row); the variant's other peptides and the sample go on.
    """
    import sys

    import pandas as pd

    from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES
    from neoag.columns import PEPTIDE_TABLE
    from neoag.tables import read_table, write_table

    annotations = read_table(annotations_tsv)
    rows = []
    skipped: dict[str, list[str]] = {}
    making = annotations[annotations.consequence.isin(PEPTIDE_CONSEQUENCES)]
    for row in making.itertuples(index=False):
        for peptide in mutant_peptides(
            row.consequence,
            row.wt_protein,
            row.mt_protein,
            int(row.mt_start),
            int(row.mt_end),
            lengths,
            flank_length,
            wt_pairing,
        ):
            made = peptide_row(row, peptide, flank_length, skipped)
            if made is not None:
                rows.append(made)
    table = pd.DataFrame(rows, columns=list(PEPTIDE_TABLE))
    write_table(table, out_tsv, PEPTIDE_TABLE)
    print(
        f"{len(making)} peptide-making variant-transcript pairs -> {len(table)} peptides "
        f"({table.mt_peptide.nunique()} unique), lengths {sorted(set(lengths))}",
        file=sys.stderr,
    )
    for reason, examples in sorted(skipped.items()):
        print(
            f"skipped {len(examples)} peptide(s), {reason} (residues MHCflurry cannot score, e.g. X from N "
            f"bases or a VEP FrameshiftSequence): {'; '.join(examples[:5])}",
            file=sys.stderr,
        )
    dropped = annotations[~annotations.consequence.isin(PEPTIDE_CONSEQUENCES)].consequence.value_counts()
    print(
        f"dropped (no new peptides): {int(dropped.sum())} pairs"
        + "".join(f", {name} {count}" for name, count in sorted(dropped.items())),
        file=sys.stderr,
    )
