"""The typer's prefilter: only reads that share an exact k-mer with the allele reference are mapped.

Most reads of the HLA region and nearly all unmapped reads come from elsewhere;
dropping them before razers3 keeps time and memory small whatever the input.
A kept mate has its low-quality bases masked (``mask_low_quality``) and is
written as FASTA for razers3.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from neoag.hla.reference import HlaReference
from neoag.sequence import reverse_complement


def reference_kmers(reference: HlaReference, k: int) -> frozenset[str]:
    """Every k-mer of every distinct sequence, both strands."""
    kmers: set[str] = set()
    for sequence in reference.sequences:
        for strand in (sequence, reverse_complement(sequence)):
            kmers.update(strand[i : i + k] for i in range(len(strand) - k + 1))
    return frozenset(kmers)


def reference_kmer_loci(reference: HlaReference, k: int) -> dict[str, str]:
    """Every k-mer of every distinct sequence, both strands -> the loci that have it ('A', 'B,C', ...).

    The values are a handful of shared strings, so the dict costs little more than a set.
    """
    loci: dict[str, str] = {}
    merged: dict[tuple[str, str], str] = {}
    for sequence, locus in zip(reference.sequences, reference.loci):
        for strand in (sequence, reverse_complement(sequence)):
            for i in range(len(strand) - k + 1):
                kmer = strand[i : i + k]
                current = loci.get(kmer)
                if current is None:
                    loci[kmer] = locus
                elif current != locus and locus not in current.split(","):
                    key = (current, locus)
                    if key not in merged:
                        merged[key] = ",".join(sorted([*current.split(","), locus]))
                    loci[kmer] = merged[key]
    return loci


def _offsets(length: int, k: int, step: int) -> list[int]:
    """k-mer offsets 0, step, 2*step, ... and the last one."""
    last = length - k
    if last < 0:
        return []
    offsets = list(range(0, last + 1, step))
    if offsets[-1] != last:
        offsets.append(last)
    return offsets


def first_shared_kmer(sequence: str, kmers, k: int, step: int) -> str | None:
    """The first of the read's k-mers at offsets 0, step, 2*step, ... (and its last) that is in kmers."""
    for i in _offsets(len(sequence), k, step):
        if sequence[i : i + k] in kmers:
            return sequence[i : i + k]
    return None


def kmer_loci(sequences: Sequence[str], kmer_loci: dict[str, str], k: int, step: int) -> str:
    """The locus that most of the mates' reference k-mers belong to (a shared k-mer counts for each
    of its loci; a tie goes to the first locus by name): the group a fragment is subsampled in."""
    votes: dict[str, int] = {}
    for sequence in sequences:
        for i in _offsets(len(sequence), k, step):
            for locus in kmer_loci.get(sequence[i : i + k], "").split(","):
                if locus:
                    votes[locus] = votes.get(locus, 0) + 1
    return min(votes, key=lambda locus: (-votes[locus], locus)) if votes else ""


def shares_kmer(sequence: str, kmers, k: int, step: int) -> bool:
    """Whether one of the read's k-mers at offsets 0, step, 2*step, ... (and its last) is in kmers."""
    return first_shared_kmer(sequence, kmers, k, step) is not None


def mask_low_quality(sequence: str, quality: str, min_quality: int, offset: int = 33) -> str:
    """The sequence with every base below min_quality (Phred) replaced by N.

    razers3 then lets N match any base (--match-N), so a doubtful base neither
    supports nor contradicts an allele: most sequencing errors sit on such
    bases, and one error on a base where two alleles differ would otherwise
    make a homozygous locus look heterozygous.
    """
    if not quality or min_quality <= 0:
        return sequence
    threshold = chr(min_quality + offset)
    if min(quality) >= threshold:
        return sequence
    return "".join(base if q >= threshold else "N" for base, q in zip(sequence, quality))


@dataclass
class PrefilterResult:
    """Reads written for mapping: read id (line order) -> fragment id."""

    read_fragment: np.ndarray
    fragments_in: int
    fragments_kept: int
    subsampled: dict[str, tuple[int, int]] = field(default_factory=dict)  # loci -> (kept, found)


class LocusReservoirs:
    """At most ``cap`` fragments per locus group, drawn uniformly (reservoir sampling, seeded).

    A fragment's group is the locus most of its reference k-mers belong to
    (prefilter.kmer_loci), so at most 3 x cap fragments are mapped. Kept fragments come back in input order,
    so below the cap the output is exactly the input.
    """

    def __init__(self, cap: int, seed: int = 0):
        self.cap, self.random = cap, random.Random(seed)
        self.kept: dict[str, list[tuple[int, list[str]]]] = {}
        self.found: dict[str, int] = {}

    def add(self, group: str, order: int, mates: list[str]) -> None:
        seen = self.found.get(group, 0)
        self.found[group] = seen + 1
        bucket = self.kept.setdefault(group, [])
        if self.cap <= 0 or seen < self.cap:
            bucket.append((order, mates))
            return
        slot = self.random.randrange(seen + 1)
        if slot < self.cap:
            bucket[slot] = (order, mates)

    def fragments(self) -> list[list[str]]:
        """The kept fragments' masked mates, in input order."""
        return [mates for _, mates in sorted(item for bucket in self.kept.values() for item in bucket)]

    def subsampled(self) -> dict[str, tuple[int, int]]:
        """Groups over the cap -> (kept, found)."""
        return {g: (len(self.kept[g]), n) for g, n in sorted(self.found.items()) if len(self.kept[g]) < n}


def prefilter_fragments(
    pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]],
    singles: Iterable[tuple[str, str]],
    kmers,
    k: int,
    step: int,
    min_quality: int,
    max_masked: float,
    out_fasta: str | os.PathLike,
    max_locus_fragments: int = 0,
) -> PrefilterResult:
    """Write the mates of every fragment with a reference k-mer as FASTA named 0, 1, 2, ...

    Input reads are (sequence, quality). A mate is written, its low-quality
    bases masked (mask_low_quality), when it shares a k-mer with the reference
    and no more than max_masked of its bases are masked; a fragment is kept
    when one of its mates is. kmers is a set, or a dict k-mer -> loci
    (reference_kmer_loci); with the dict and max_locus_fragments > 0, deep loci
    are subsampled to that many fragments each (LocusReservoirs, seeded), so
    mapping time and memory stay bounded at any depth.
    """
    reservoirs = LocusReservoirs(max_locus_fragments if isinstance(kmers, dict) else 0)
    fragments_in = 0
    for mates in _fragments(pairs, singles):
        fragments_in += 1
        written, sequences = [], []
        for sequence, quality in mates:
            if not shares_kmer(sequence, kmers, k, step):
                continue
            masked = mask_low_quality(sequence, quality, min_quality)
            if masked.count("N") > max_masked * len(masked):
                continue
            written.append(masked)
            sequences.append(sequence)  # k-mers of the unmasked bases: masking can break every k-mer
        if written:
            group = kmer_loci(sequences, kmers, k, step) if reservoirs.cap > 0 else ""
            reservoirs.add(group, fragments_in, written)
    read_fragment: list[int] = []
    kept = reservoirs.fragments()
    with open(out_fasta, "w") as out:
        for fragment, masked_mates in enumerate(kept):
            for masked in masked_mates:
                out.write(f">{len(read_fragment)}\n{masked}\n")
                read_fragment.append(fragment)
    return PrefilterResult(np.asarray(read_fragment, dtype=np.int64), fragments_in, len(kept), reservoirs.subsampled())


def _fragments(pairs, singles) -> Iterator[Sequence[tuple[str, str]]]:
    yield from pairs
    for single in singles:
        yield (single,)
