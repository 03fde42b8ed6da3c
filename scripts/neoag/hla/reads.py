"""Reads for HLA typing: the HLA region's reads and the unmapped reads of a BAM/CRAM, as FASTQ.

HLA reads often map poorly to a reference genome (the region is the most
polymorphic of the genome), so besides the reads placed in the HLA region the
typer needs the reads that did not map at all. Pairs are written to two FASTQ
files in the reads' original orientation; reads whose mate was not extracted
go to a third (single-end) file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from neoag.errors import NeoagInputError
from neoag.sequence import reverse_complement

_REGION = re.compile(r"^(?P<contig>[^:\s]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)$")
UNMAPPED_MODES = ("unplaced", "all", "none")


@dataclass(frozen=True)
class Region:
    """A 0-based, half-open interval on a contig named as in the alignment file."""

    contig: str
    start: int
    end: int


def parse_region(text: str, where: str) -> tuple[str, int, int]:
    """'chr6:29,600,000-33,400,000' -> ('chr6', 29599999, 33400000) (0-based, half-open)."""
    match = _REGION.match(text.strip())
    if not match:
        raise NeoagInputError(
            f"{where}: region '{text}' is not contig:start-end (1-based, inclusive), e.g. chr6:29600000-33400000."
        )
    start, end = (int(match.group(g).replace(",", "")) for g in ("start", "end"))
    if start < 1 or end < start:
        raise NeoagInputError(f"{where}: region '{text}' must have 1 <= start <= end.")
    return match.group("contig"), start - 1, end


def resolve_region(text: str, contigs: Sequence[str], where: str) -> Region | None:
    """The region on the contig as the file names it ('chr6' or '6'), or None if it has neither."""
    name, start, end = parse_region(text, where)
    bare = name.removeprefix("chr")
    for candidate in (name, bare, f"chr{bare}"):
        if candidate in contigs:
            return Region(candidate, start, end)
    return None


def matching_contigs(pattern: str, contigs: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Contigs whose name matches the regular expression (re.search), in file order."""
    if not pattern:
        return []
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise NeoagInputError(f"config hla.contigs: '{pattern}' is not a regular expression ({error}).") from None
    return [c for c in contigs if compiled.search(c) and c not in exclude]


def _fastq(name: str, read) -> str:
    """A FASTQ record of the read in its sequenced orientation."""
    sequence = read.query_sequence or ""
    qualities = read.query_qualities
    quality = "".join(chr(q + 33) for q in qualities) if qualities is not None else "I" * len(sequence)
    if read.is_reverse:
        sequence, quality = reverse_complement(sequence), quality[::-1]
    return f"@{name}\n{sequence}\n+\n{quality}\n"


def _usable(read) -> bool:
    """Primary, not QC-failed, not a duplicate, with a sequence."""
    return not (read.is_secondary or read.is_supplementary or read.is_qcfail or read.is_duplicate) and bool(
        read.query_sequence
    )


def _sources(bam, region: Region | None, contigs: Sequence[str], unmapped: str) -> Iterator[tuple[str, object]]:
    """(source name, read) from the region, the extra contigs and the unmapped reads, without repeats.

    unmapped 'unaligned' is a file without @SQ lines (an unmapped BAM): every read, in file order.
    """
    if unmapped == "unaligned":
        for read in bam.fetch(until_eof=True):
            yield "unmapped", read
        return
    if region is not None:
        for read in bam.fetch(region.contig, region.start, region.end):
            yield "region", read
    for contig in contigs:
        for read in bam.fetch(contig):
            yield "contigs", read
    if unmapped == "unplaced":
        for read in bam.fetch("*"):
            yield "unmapped", read
    elif unmapped == "all":
        taken = set(contigs)
        for read in bam.fetch(until_eof=True):
            if not read.is_unmapped:
                continue
            if read.reference_name in taken:
                continue  # placed (beside its mate) on an extra contig: seen already
            if (
                region is not None
                and read.reference_name == region.contig
                and region.start <= read.reference_start < region.end
            ):
                continue  # placed in the region: seen already
            yield "unmapped", read


def _unaligned(alignments: str, unmapped: str) -> str:
    """The mode for a file without @SQ lines (an unmapped BAM), with a note in the log."""
    print(
        f"note: {alignments} has no @SQ header lines (an unmapped BAM): every read is taken as an "
        f"unmapped read, whatever hla.unmapped says ('{unmapped}'), and no index is needed",
        file=sys.stderr,
    )
    return "unaligned"


def extract_hla_reads(
    alignments: str,
    out_1: str,
    out_2: str,
    out_single: str,
    region: str,
    contigs: str = "",
    unmapped: str = "unplaced",
    reference_fasta: str | None = None,
) -> dict[str, int]:
    """Write the reads of the HLA region, of matching contigs and the unmapped reads as FASTQ.

    Parameters
    ----------
    alignments : str
        Coordinate-sorted, indexed BAM or CRAM.
    out_1, out_2, out_single : str
        FASTQ of first mates, second mates (same order), and reads whose mate was not extracted.
    region : str
        'chr6:29600000-33400000'; 'chr6' or '6' is used, whichever the file has.
    contigs : str
        Regular expression of further contigs to take whole (GRCh38's chr6 alt
        haplotypes and HLA decoy contigs), or empty.
    unmapped : str
        'unplaced': unmapped pairs without a position (fast, from the index);
        'all': every unmapped read (reads the whole file); 'none'.
    reference_fasta : str, optional
        Genome FASTA, needed to decode CRAM.
    """
    import pysam

    if unmapped not in UNMAPPED_MODES:
        raise NeoagInputError(f"config hla.unmapped: '{unmapped}' must be one of {', '.join(UNMAPPED_MODES)}.")
    counts = {"region": 0, "contigs": 0, "unmapped": 0, "pairs": 0, "single": 0}
    with pysam.AlignmentFile(alignments, reference_filename=reference_fasta, check_sq=False) as bam:
        names = list(bam.references)
        where = f"config hla.region (alignments {alignments})"
        resolved = resolve_region(region, names, where)
        if not names:
            unmapped = _unaligned(alignments, unmapped)
        elif resolved is None:
            print(
                f"warning: {alignments} has no contig for region {region} (tried chr-prefixed and bare names); "
                "typing uses the other sources only",
                file=sys.stderr,
            )
        extra = matching_contigs(contigs, names, exclude=[resolved.contig] if resolved else [])
        pending: dict[str, tuple[bool, str]] = {}
        with open(out_1, "w") as first, open(out_2, "w") as second:
            for source, read in _sources(bam, resolved, extra, unmapped):
                if not _usable(read):
                    continue
                counts[source] += 1
                name = read.query_name
                if not read.is_paired:
                    pending[name + "\t"] = (True, _fastq(name, read))
                    continue
                mate = pending.pop(name, None)
                if mate is None:
                    pending[name] = (read.is_read1, _fastq(name, read))
                    continue
                record = _fastq(name, read)
                one, two = (mate[1], record) if mate[0] else (record, mate[1])
                first.write(one)
                second.write(two)
                counts["pairs"] += 1
        with open(out_single, "w") as single:
            for _, record in pending.values():
                single.write(record)
                counts["single"] += 1
    print(
        f"{alignments}: {counts['region']} reads in {resolved.contig + ':' if resolved else ''}"
        f"{region.split(':')[-1] if resolved else 'no region'}, {counts['contigs']} on {len(extra)} extra contigs, "
        f"{counts['unmapped']} unmapped ({unmapped}) -> {counts['pairs']} pairs, {counts['single']} single reads",
        file=sys.stderr,
    )
    return counts
