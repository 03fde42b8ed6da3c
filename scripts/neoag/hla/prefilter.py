"""The typer's prefilter: only reads that share an exact k-mer with the allele reference are mapped.

Most reads of the HLA region and nearly all unmapped reads come from elsewhere;
dropping them before razers3 keeps time and memory small whatever the input.
A kept mate has its low-quality bases masked (``mask_low_quality``) and is
written as FASTA for razers3.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

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


def shares_kmer(sequence: str, kmers: frozenset[str], k: int, step: int) -> bool:
    """Whether one of the read's k-mers at offsets 0, step, 2*step, ... (and its last) is in kmers."""
    last = len(sequence) - k
    if last < 0:
        return False
    offsets = list(range(0, last + 1, step))
    if offsets[-1] != last:
        offsets.append(last)
    return any(sequence[i : i + k] in kmers for i in offsets)


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


def prefilter_fragments(
    pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]],
    singles: Iterable[tuple[str, str]],
    kmers: frozenset[str],
    k: int,
    step: int,
    min_quality: int,
    max_masked: float,
    out_fasta: str | os.PathLike,
) -> PrefilterResult:
    """Write the mates of every fragment with a reference k-mer as FASTA named 0, 1, 2, ...

    Input reads are (sequence, quality). A mate is written, its low-quality
    bases masked (mask_low_quality), when it shares a k-mer with the reference
    and no more than max_masked of its bases are masked; a fragment is kept
    when one of its mates is.
    """
    read_fragment: list[int] = []
    fragments_in = kept = 0
    with open(out_fasta, "w") as out:
        for mates in _fragments(pairs, singles):
            fragments_in += 1
            written = False
            for sequence, quality in mates:
                if not shares_kmer(sequence, kmers, k, step):
                    continue
                masked = mask_low_quality(sequence, quality, min_quality)
                if masked.count("N") > max_masked * len(masked):
                    continue
                out.write(f">{len(read_fragment)}\n{masked}\n")
                read_fragment.append(kept)
                written = True
            kept += written
    return PrefilterResult(np.asarray(read_fragment, dtype=np.int64), fragments_in, kept)


def _fragments(pairs, singles) -> Iterator[Sequence[tuple[str, str]]]:
    yield from pairs
    for single in singles:
        yield (single,)
