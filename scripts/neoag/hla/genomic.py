"""The genomic typing reference: HLA-A, -B and -C alleles with their introns, for exome and genome reads.

Reads of genomic DNA run from exons into introns. Against an exon-only
reference such a read cannot align whole (or aligns with a spurious indel and
lets the intron bases vote for the wrong allele). The genomic reference holds,
for every allele, exon 1 to exon 4 with introns 1-3 between them, so whole
reads align:

- alleles that IPD-IMGT/HLA knows genomically (``*_gen`` alignments) give
  their own sequence;
- alleles known only over exons (``*_nuc`` alignments, or any exon 2-3 source)
  have their exons 2 and 3 (and exons 1 and 4 when known) placed into the
  introns of their closest genomic allele of the locus, the one with the
  fewest differences over exons 2-3, so that no allele is lost.

Each record's FASTA header carries the positions of exons 2 and 3
(``typed=``, 1-based, inclusive) and where its introns come from
(``introns=own``, or ``introns=`` the genomic allele they were taken from).
The typer (neoag.hla.typing) uses the positions: each hit's errors are
recounted over the allele's exons 2-3 only (neoag.hla.rescore), and a hit
counts only if it covers at least ``min_exon_overlap`` of those bases. A mate
in an intron decides nothing, and intron bases never vote: those of a placed
allele are another allele's.

Null alleles (N) are left out, as in the exon reference. Questionable alleles
(Q, expression not known) are kept: they may be expressed, and they are
reported under their two-field name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from neoag.errors import NeoagInputError
from neoag.hla.reference import exons_of

# Segments of a genomic alignment row split at '|': 5'UTR, exon 1, intron 1,
# exon 2, intron 2, exon 3, intron 3, exon 4, ...  The record spans exon 1 to exon 4.
FIRST_SEGMENT, LAST_SEGMENT = 1, 7
EXON = {1: 1, 2: 3, 3: 5, 4: 7}  # exon number -> segment index


@dataclass(frozen=True)
class GenomicRecord:
    """One allele of the genomic reference: exon 1 to exon 4 with introns 1-3.

    ``typed`` holds the 0-based, half-open spans of exons 2 and 3 in
    ``sequence``; ``introns_from`` is '' for an allele with its own genomic
    sequence, else the genomic allele whose introns it was placed into.
    """

    name: str
    sequence: str
    typed: tuple[tuple[int, int], tuple[int, int]]
    introns_from: str = ""

    def header(self, release: str) -> str:
        spans = ",".join(f"{start + 1}-{end}" for start, end in self.typed)
        introns = self.introns_from or "own"
        return f"{self.name} typed={spans} introns={introns} IPD-IMGT/HLA {release} exon 1 to exon 4"


def genomic_segments(alignment: Mapping[str, str], locus: str, source: str) -> dict[str, list[str]]:
    """Allele -> its segments exon 1 .. exon 4 (7 strings), for alleles sequenced over all of them.

    Null alleles are left out; alleles with an unsequenced base in these
    segments are left out here (they can still be placed from their exons).
    """
    names = list(alignment)
    first = alignment[names[0]]
    segments: dict[str, list[str]] = {}
    for name in names:
        if name.endswith("N") or not name.startswith(f"{locus}*"):
            continue
        parts = exons_of(alignment[name], first)
        if len(parts) <= LAST_SEGMENT:
            continue
        wanted = parts[FIRST_SEGMENT : LAST_SEGMENT + 1]
        if any("*" in part or not part for part in wanted):
            continue
        segments[name] = wanted
    if not segments:
        raise NeoagInputError(
            f"{source}: no HLA-{locus} allele with exons 1-4 and introns 1-3 sequenced; this is not an "
            "IMGT/HLA genomic alignment (*_gen.txt) of the locus."
        )
    return segments


def nuc_exons(alignment: Mapping[str, str], locus: str) -> dict[str, dict[int, str]]:
    """Allele -> {exon number: sequence} of its completely sequenced exons 1-4, from a *_nuc alignment.

    Only alleles with exons 2 and 3 complete are returned; null alleles are left out.
    """
    names = list(alignment)
    first = alignment[names[0]]
    result: dict[str, dict[int, str]] = {}
    for name in names:
        if name.endswith("N") or not name.startswith(f"{locus}*"):
            continue
        exons = exons_of(alignment[name], first)
        known = {n: exons[n - 1] for n in (1, 2, 3, 4) if n <= len(exons) and exons[n - 1] and "*" not in exons[n - 1]}
        if 2 in known and 3 in known:
            result[name] = known
    return result


def assemble(name: str, segments: list[str], exons: Mapping[int, str] | None = None, introns_from: str = ""):
    """A GenomicRecord of the segments, with the given exons put in place of the segments' ones."""
    parts = list(segments)
    for number, sequence in (exons or {}).items():
        parts[EXON[number] - FIRST_SEGMENT] = sequence
    starts = np.cumsum([0] + [len(p) for p in parts])
    typed = tuple((int(starts[EXON[n] - 1]), int(starts[EXON[n]])) for n in (2, 3))
    return GenomicRecord(name, "".join(parts), typed, introns_from)


def _encode(sequences: list[str], width: int) -> np.ndarray:
    table = np.zeros((len(sequences), width), dtype=np.uint8)
    for row, sequence in enumerate(sequences):
        encoded = np.frombuffer(sequence[:width].encode(), dtype=np.uint8)
        table[row, : len(encoded)] = encoded
    return table


def closest_backbones(exon23: Mapping[str, str], genomic23: Mapping[str, str]) -> dict[str, str]:
    """For each exon-only allele, the genomic allele with the fewest differing bases over exons 2+3.

    Sequences are compared base by base (an indel counts its shifted bases);
    ties go to the first genomic allele in alignment order.
    """
    names = list(genomic23)
    width = max(len(s) for s in [*genomic23.values(), *exon23.values()])
    table = _encode([genomic23[n] for n in names], width)
    lengths = np.array([len(genomic23[n]) for n in names])
    chosen = {}
    for name, sequence in exon23.items():
        row = _encode([sequence], width)[0]
        distance = (table != row).sum(axis=1) + np.abs(lengths - len(sequence))
        chosen[name] = names[int(np.argmin(distance))]
    return chosen


def genomic_typing_records(
    segments: Mapping[str, list[str]], exon_only: Mapping[str, Mapping[int, str]]
) -> list[GenomicRecord]:
    """Every genomic allele as it is, then every exon-only allele placed into its closest genomic allele.

    ``exon_only`` maps allele names to their known exons ({2: ..., 3: ...,
    optionally 1 and 4}); names that have a genomic sequence are skipped there.
    """
    records = [assemble(name, parts) for name, parts in segments.items()]
    genomic23 = {name: parts[EXON[2] - 1] + parts[EXON[3] - 1] for name, parts in segments.items()}
    missing = {name: exons for name, exons in exon_only.items() if name not in segments}
    backbones = closest_backbones({name: exons[2] + exons[3] for name, exons in missing.items()}, genomic23)
    for name, exons in missing.items():
        backbone = backbones[name]
        records.append(assemble(name, segments[backbone], exons, introns_from=backbone))
    return records


def exon23_fasta_exons(records: Iterable[tuple[str, str]], exon2: tuple[int, int], exon3: tuple[int, int]):
    """{name: {2: exon 2, 3: exon 3}} from (name, sequence) records with exons 2-3 at fixed positions.

    For exon 2-3 references laid out as the download rule's and the shared test
    reference (exon 1 + exon 2 + exon 3 + 75 bases of exon 4): records of
    another length (an indel) are left out, and so are null alleles.
    """
    length = exon3[1] + 75
    return {
        name: {2: sequence[exon2[0] : exon2[1]], 3: sequence[exon3[0] : exon3[1]]}
        for name, sequence in records
        if len(sequence) == length and not name.endswith("N")
    }
