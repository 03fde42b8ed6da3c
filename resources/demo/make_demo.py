#!/usr/bin/env python3
"""Generate neoag's bundled demo patient, deterministically.

Writes into the directory of this script (or --outdir):

    genome.fa, genome.fa.fai   random contigs chr1 and chr2, and chr6 with three HLA class I genes
    annotation.gtf             six protein-coding genes, Ensembl-style GTF
    truth.tsv                  every planted variant with its expected protein change
    hla_reference.fa           the HLA typer's allele reference (synthetic alleles, exons 2-3)
    hla_truth.tsv              every synthetic HLA allele and its role (patient, genome, decoy)
    normal.bam, tumor.bam      DNA reads (ART) aligned with bwa mem
    tumor_rna.bam              RNA reads (ART on spliced mRNA) aligned with minimap2
    README.md                  what all this is (written from the same design)

Everything is synthetic. The generator is independent of the neoag library on
purpose: truth.tsv is computed from the design here, so it can check neoag's own
annotation. Needs art_illumina, bwa, minimap2 and samtools on PATH.

    .venv/bin/python resources/demo/make_demo.py

Coordinates in this file are 0-based and half-open on the forward strand of the
genome unless a name says otherwise ("tx" offsets count bases of the spliced
mRNA from its 5' end). truth.tsv and the GTF are 1-based, as their formats are.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

SEED = 20240611

# ----------------------------------------------------------------------------
# Sequence helpers
# ----------------------------------------------------------------------------

_BASES = "TCAG"
_AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _AMINO_ACIDS[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln",
    "E": "Glu", "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys",
    "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
    "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip
_COMPLEMENT = str.maketrans("ACGT", "TGCA")

# Base composition of random sequence: GC 45 %.
BASE_WEIGHTS = {"A": 0.275, "C": 0.225, "G": 0.225, "T": 0.275}


def reverse_complement(seq: str) -> str:
    """Reverse complement of an ACGT string."""
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str) -> str:
    """Translate every complete codon of seq (frame 0); stops become '*'."""
    return "".join(CODON_TABLE[seq[i : i + 3]] for i in range(0, len(seq) - 2, 3))


def protein_from(mrna: str, cds_start: int) -> str:
    """Protein read from cds_start up to and including the first stop ('*').

    If the mRNA ends before a stop codon, the protein has no trailing '*'.
    """
    protein = []
    for i in range(cds_start, len(mrna) - 2, 3):
        amino_acid = CODON_TABLE[mrna[i : i + 3]]
        protein.append(amino_acid)
        if amino_acid == "*":
            break
    return "".join(protein)


def three_letter(protein: str) -> str:
    """'GD*' -> 'GlyAspTer'."""
    return "".join(THREE_LETTER[aa] for aa in protein)


def random_dna(rng: random.Random, length: int) -> str:
    """Random bases with GC 45 %."""
    return "".join(rng.choices(list(BASE_WEIGHTS), weights=list(BASE_WEIGHTS.values()), k=length))


def random_sense_codon(rng: random.Random) -> str:
    """A random codon that is not a stop codon."""
    while True:
        codon = random_dna(rng, 3)
        if CODON_TABLE[codon] != "*":
            return codon


def first_stop_codon(seq: str, frame: int) -> int | None:
    """Index (in codons, from frame) of the first stop codon of seq read in frame, or None."""
    for n, i in enumerate(range(frame, len(seq) - 2, 3)):
        if CODON_TABLE[seq[i : i + 3]] == "*":
            return n
    return None


def cds_phases(segment_lengths: Sequence[int]) -> list[int]:
    """GTF phase of each CDS segment, listed 5'->3' along the transcript.

    The phase is the number of bases to skip from the segment's 5' end to reach
    the first base of the next codon: (3 - bases of CDS before it % 3) % 3.
    """
    phases, before = [], 0
    for length in segment_lengths:
        phases.append((3 - before % 3) % 3)
        before += length
    return phases


# ----------------------------------------------------------------------------
# Variants on a sequence
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A VCF-style change of a contig: ref at pos0 (0-based) becomes alt."""

    contig: str
    pos0: int
    ref: str
    alt: str


def apply_edits(seq: str, edits: Iterable[Edit]) -> str:
    """seq with every edit applied (edits must not overlap)."""
    previous_start = len(seq) + 1
    for edit in sorted(edits, key=lambda e: e.pos0, reverse=True):
        end = edit.pos0 + len(edit.ref)
        if end > previous_start:
            raise ValueError(f"overlapping edits at {edit.contig}:{edit.pos0 + 1}")
        if seq[edit.pos0 : end] != edit.ref:
            raise ValueError(f"ref mismatch at {edit.contig}:{edit.pos0 + 1}: {edit.ref}")
        seq = seq[: edit.pos0] + edit.alt + seq[end:]
        previous_start = edit.pos0
    return seq


def lift(position: int, edits: Iterable[Edit]) -> int:
    """Where a boundary between bases moves to once edits are applied.

    Only edits that end at or before the boundary shift it; no edit may span it.
    """
    return position + sum(len(e.alt) - len(e.ref) for e in edits if e.pos0 + len(e.ref) <= position)


def indel_is_unshiftable(seq: str, pos0: int, ref: str, alt: str) -> bool:
    """True if a padded VCF indel cannot slide left or right along seq.

    Then its left-aligned and right-aligned (HGVS 3') positions coincide, so any
    normalisation reports it where it was planted.
    """
    if len(ref) > 1 and len(alt) == 1:  # deletion of ref[1:]
        deleted, start = ref[1:], pos0 + 1
        end = start + len(deleted)
        return seq[start - 1] != deleted[-1] and seq[end] != deleted[0]
    if len(ref) == 1 and len(alt) > 1:  # insertion of alt[1:] before pos0 + 1
        inserted, at = alt[1:], pos0 + 1
        return seq[at - 1] != inserted[-1] and seq[at] != inserted[0]
    raise ValueError(f"not a simple padded indel: {ref}>{alt}")


# ----------------------------------------------------------------------------
# Protein consequences (HGVS p. labels)
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProteinChange:
    """A protein change; mt_start/mt_end bound the changed residues in the mutant.

    For a deletion mt_start == mt_end marks the junction. For a frameshift or a
    stop-loss mt_end is the new stop (exclusive).
    """

    variant_class: str
    label: str
    mt_start: int
    mt_end: int


def describe_protein_change(wt: str, mt: str, frameshift: bool) -> ProteinChange:
    """HGVS 3-letter label of the difference between two proteins.

    Parameters
    ----------
    wt, mt : str
        Proteins from Met1 to the first stop, the stop included as '*' (mt may
        lack it if the mRNA ended first: then the label ends 'Ter?').
    frameshift : bool
        Whether the DNA change shifts the reading frame.

    Conventions: frameshift ``p.Lys45ArgfsTer12`` (Ter counted with the first
    changed residue as 1); extension ``p.Ter300GlnextTer12`` (the new stop is 12
    positions after the old one, as in HGVS p.*110Glnext*17); in-frame
    insertions/deletions at their 3'-most position, which the common-prefix
    scan below gives.
    """
    if wt == mt:
        return ProteinChange("synonymous", "p.=", 0, 0)
    p = 0
    while p < min(len(wt), len(mt)) and wt[p] == mt[p]:
        p += 1
    new_stop = mt.find("*")
    if frameshift or wt[p] == "*":
        if p >= len(mt) or mt[p] == "*":  # a premature stop right away
            return ProteinChange("stop_gained", f"p.{three_letter(wt[p])}{p + 1}Ter", p, p)
        end = new_stop if new_stop >= 0 else len(mt)
        if wt[p] == "*":
            ter = f"Ter{new_stop - p}" if new_stop >= 0 else "Ter?"
            label = f"p.Ter{p + 1}{three_letter(mt[p])}ext{ter}"
            return ProteinChange("stop_lost", label, p, end)
        ter = f"Ter{new_stop - p + 1}" if new_stop >= 0 else "Ter?"
        label = f"p.{three_letter(wt[p])}{p + 1}{three_letter(mt[p])}fs{ter}"
        return ProteinChange("frameshift", label, p, end)
    s = 0
    while s < min(len(wt), len(mt)) - p and wt[-1 - s] == mt[-1 - s]:
        s += 1
    removed, added = wt[p : len(wt) - s], mt[p : len(mt) - s]

    def residue(i: int) -> str:
        return f"{three_letter(wt[i])}{i + 1}"

    if len(removed) == 1 and len(added) == 1:
        variant_class = "stop_gained" if added == "*" else "missense"
        return ProteinChange(variant_class, f"p.{residue(p)}{three_letter(added)}", p, p + 1)
    span = residue(p) if len(removed) == 1 else f"{residue(p)}_{residue(p + len(removed) - 1)}"
    if not added:
        return ProteinChange("inframe_deletion", f"p.{span}del", p, p)
    if not removed:
        label = f"p.{residue(p - 1)}_{residue(p)}ins{three_letter(added)}"
        return ProteinChange("inframe_insertion", label, p, p + len(added))
    variant_class = "inframe_insertion" if len(added) > len(removed) else "inframe_deletion"
    return ProteinChange(variant_class, f"p.{span}delins{three_letter(added)}", p, p + len(added))


def peptide_context(mt: str, change: ProteinChange, flank: int = 10) -> str:
    """Mutant residues from flank before the change to flank after it (stop excluded).

    Frameshifts and extensions run to their new stop instead.
    """
    body = mt[: mt.find("*")] if "*" in mt else mt
    if change.variant_class in ("frameshift", "stop_lost"):
        end = change.mt_end
    else:
        end = min(len(body), change.mt_end + flank)
    return body[max(0, change.mt_start - flank) : end]


# ----------------------------------------------------------------------------
# Gene models
# ----------------------------------------------------------------------------


@dataclass
class Transcript:
    """A transcript: exons on the genome in 5'->3' transcript order, CDS in mRNA offsets.

    cds_start is the mRNA offset of the A of ATG, cds_end the offset just past the
    stop codon (the stop codon is part of [cds_start, cds_end)).
    """

    transcript_id: str
    transcript_name: str
    protein_id: str
    contig: str
    strand: str
    exons: list[tuple[int, int]]
    cds_start: int
    cds_end: int
    canonical: bool

    def exon_tx_bounds(self) -> list[tuple[int, int]]:
        """(start, end) mRNA offsets of each exon, in transcript order."""
        bounds, offset = [], 0
        for start, end in self.exons:
            bounds.append((offset, offset + end - start))
            offset += end - start
        return bounds

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.exons)

    def genome_position(self, tx: int) -> int:
        """Genomic position of mRNA base tx."""
        for (start, end), (tx_start, tx_end) in zip(self.exons, self.exon_tx_bounds()):
            if tx_start <= tx < tx_end:
                return start + (tx - tx_start) if self.strand == "+" else end - 1 - (tx - tx_start)
        raise ValueError(f"{self.transcript_id}: offset {tx} outside the mRNA")

    def exon_index(self, tx: int) -> int:
        """0-based index (transcript order) of the exon holding mRNA base tx."""
        for i, (tx_start, tx_end) in enumerate(self.exon_tx_bounds()):
            if tx_start <= tx < tx_end:
                return i
        raise ValueError(f"{self.transcript_id}: offset {tx} outside the mRNA")

    def mrna(self, contig_seq: str, edits: Sequence[Edit] = ()) -> str:
        """Spliced mRNA (5'->3') from contig_seq, which already has edits applied."""
        parts = []
        for start, end in self.exons:
            part = contig_seq[lift(start, edits) : lift(end, edits)]
            parts.append(part if self.strand == "+" else reverse_complement(part))
        return "".join(parts)

    def cds_segments(self) -> list[tuple[int, int]]:
        """Genomic (start, end) of the CDS part of each exon, transcript order.

        As in Ensembl GTFs the stop codon is excluded.
        """
        return self._genomic_pieces(self.cds_start, self.cds_end - 3)

    def _genomic_pieces(self, tx_from: int, tx_to: int) -> list[tuple[int, int]]:
        pieces = []
        for (start, end), (tx_start, tx_end) in zip(self.exons, self.exon_tx_bounds()):
            lo, hi = max(tx_from, tx_start), min(tx_to, tx_end)
            if lo >= hi:
                continue
            if self.strand == "+":
                pieces.append((start + lo - tx_start, start + hi - tx_start))
            else:
                pieces.append((end - (hi - tx_start), end - (lo - tx_start)))
        return pieces

    def start_codon(self) -> list[tuple[int, int]]:
        return self._genomic_pieces(self.cds_start, self.cds_start + 3)

    def stop_codon(self) -> list[tuple[int, int]]:
        return self._genomic_pieces(self.cds_end - 3, self.cds_end)

    def utr5(self) -> list[tuple[int, int]]:
        return self._genomic_pieces(0, self.cds_start)

    def utr3(self) -> list[tuple[int, int]]:
        return self._genomic_pieces(self.cds_end, self.length)


@dataclass
class Gene:
    name: str
    gene_id: str
    contig: str
    strand: str
    start: int
    end: int
    transcripts: list[Transcript] = field(default_factory=list)

    @property
    def canonical(self) -> Transcript:
        return next(t for t in self.transcripts if t.canonical)


@dataclass(frozen=True)
class GeneSpec:
    """What to build; lengths are drawn from the ranges in build_gene."""

    name: str
    contig: str
    strand: str
    skip_exon_isoform: bool = False  # also make an isoform that skips one internal exon


GENE_SPECS = (
    GeneSpec("DMG1", "chr1", "+"),
    GeneSpec("DMG2", "chr1", "-"),
    GeneSpec("DMG3", "chr1", "+", skip_exon_isoform=True),
    GeneSpec("DMG4", "chr2", "-"),
    GeneSpec("DMG5", "chr2", "+"),
    GeneSpec("DMG6", "chr2", "-"),
)

MIN_EXON = 75  # every exon at least this long, so RNA reads anchor on both sides of a junction


def _utr3(rng: random.Random) -> str:
    """A 3'UTR with a stop codon in each frame; in frame 0 the first one 10-30 codons in.

    Frame 0 (in frame with the CDS) bounds a stop-loss extension; frames 1 and 2
    make every frameshift end inside the transcript.
    """
    while True:
        utr = random_dna(rng, rng.randint(150, 400))
        in_frame = first_stop_codon(utr, 0)
        if in_frame is None or not 10 <= in_frame <= 30:
            continue
        if all(first_stop_codon(utr, f) is not None for f in (1, 2)):
            return utr


def _utr5(rng: random.Random) -> str:
    """A 5'UTR without ATG (no upstream open reading frame)."""
    while True:
        utr = random_dna(rng, rng.randint(50, 150))
        if "ATG" not in utr:
            return utr


def _intron(rng: random.Random) -> str:
    """A 150-600 bp intron: GTRAGT donor, random body, pyrimidine tract, YAG acceptor.

    The consensus flanks matter: minimap2's splice mode favours GTR..YAG and
    otherwise may move a junction and add a small deletion next to it.
    """
    length = rng.randint(150, 600)
    donor = "GT" + rng.choice("AG") + "AGT"
    tract = "".join(rng.choice("CT") for _ in range(14))
    acceptor = rng.choice("CT") + "AG"
    return donor + random_dna(rng, length - len(donor) - len(tract) - len(acceptor)) + tract + acceptor


def _exon_boundaries(rng: random.Random, mrna: str, cds_start: int, cds_end: int, n_exons: int) -> list[int] | None:
    """mRNA offsets where exons end, all inside the CDS, or None if this draw failed.

    The start codon sits in exon 1, the stop codon in the last exon (so neither
    is split in the GTF), and at least one codon is split by an intron. Neither
    base beside a junction is G, so no junction can slide along the GT..AG
    intron (aligners then agree on the exact junction).
    """
    low, high = cds_start + 30, cds_end - 40
    cuts = sorted(rng.sample(range(low, high), n_exons - 1))
    edges = [0, *cuts, len(mrna)]
    if any(b - a < MIN_EXON for a, b in zip(edges, edges[1:])):
        return None
    if any(mrna[c - 1] == "G" or mrna[c] == "G" for c in cuts):
        return None
    if all((c - cds_start) % 3 == 0 for c in cuts):
        return None  # want at least one codon split by an intron (a non-zero CDS phase)
    return cuts


def build_gene(rng: random.Random, spec: GeneSpec, offset: int, number: int, alt_number: int) -> tuple[str, Gene]:
    """Random gene: returns its genomic sequence (forward strand) and its model.

    offset is where the sequence will start on the contig; number numbers the
    gene, its canonical transcript and protein; alt_number an extra isoform.
    """
    while True:
        n_codons = rng.randint(150, 350)  # with ATG and the stop codon
        cds = "ATG" + "".join(random_sense_codon(rng) for _ in range(n_codons - 2))
        cds += rng.choice(["TAA", "TAG", "TGA"])
        utr5, utr3 = _utr5(rng), _utr3(rng)
        mrna = utr5 + cds + utr3
        cds_start, cds_end = len(utr5), len(utr5) + len(cds)
        n_exons = rng.randint(4, 7)
        cuts = None
        for _ in range(200):
            cuts = _exon_boundaries(rng, mrna, cds_start, cds_end, n_exons)
            if cuts is not None:
                break
        if cuts is None:
            continue
        edges = [0, *cuts, len(mrna)]
        exon_seqs = [mrna[a:b] for a, b in zip(edges, edges[1:])]
        skip = None
        if spec.skip_exon_isoform:
            # An internal exon of 3n bases keeps the frame when skipped; its
            # junction codon must not become a stop.
            for i in range(1, n_exons - 1):
                if len(exon_seqs[i]) % 3 == 0:
                    alt_mrna = "".join(s for j, s in enumerate(exon_seqs) if j != i)
                    alt_protein = protein_from(alt_mrna, cds_start)
                    if alt_protein.count("*") == 1 and alt_protein.endswith("*"):
                        skip = i
                        break
            if skip is None:
                continue
        break

    introns = [_intron(rng) for _ in range(n_exons - 1)]
    tx_seq = exon_seqs[0]
    for intron, exon in zip(introns, exon_seqs[1:]):
        tx_seq += intron + exon
    genomic = tx_seq if spec.strand == "+" else reverse_complement(tx_seq)

    # Exon intervals on the genome, in transcript order.
    exons, cursor = [], 0
    for i, exon in enumerate(exon_seqs):
        a, b = cursor, cursor + len(exon)
        cursor = b + (len(introns[i]) if i < len(introns) else 0)
        if spec.strand == "+":
            exons.append((offset + a, offset + b))
        else:
            exons.append((offset + len(genomic) - b, offset + len(genomic) - a))

    gene = Gene(
        name=spec.name,
        gene_id=f"DEMOG{number:011d}",
        contig=spec.contig,
        strand=spec.strand,
        start=offset,
        end=offset + len(genomic),
    )
    gene.transcripts.append(
        Transcript(
            transcript_id=f"DEMOT{number:011d}",
            transcript_name=f"{spec.name}-201",
            protein_id=f"DEMOP{number:011d}",
            contig=spec.contig,
            strand=spec.strand,
            exons=exons,
            cds_start=cds_start,
            cds_end=cds_end,
            canonical=True,
        )
    )
    if skip is not None:
        gene.transcripts.append(
            Transcript(
                transcript_id=f"DEMOT{alt_number:011d}",
                transcript_name=f"{spec.name}-202",
                protein_id=f"DEMOP{alt_number:011d}",
                contig=spec.contig,
                strand=spec.strand,
                exons=[e for i, e in enumerate(exons) if i != skip],
                cds_start=cds_start,
                cds_end=cds_end - len(exon_seqs[skip]),
                canonical=False,
            )
        )
    return genomic, gene


def build_genome(rng: random.Random) -> tuple[dict[str, str], list[Gene]]:
    """Contigs (name -> sequence) and genes, genes separated by 800-1500 bp."""
    contigs: dict[str, str] = {}
    genes: list[Gene] = []
    alt_number = len(GENE_SPECS) + 1
    for contig in ("chr1", "chr2"):
        seq = random_dna(rng, rng.randint(800, 1500))
        for spec in (s for s in GENE_SPECS if s.contig == contig):
            number = GENE_SPECS.index(spec) + 1
            genomic, gene = build_gene(rng, spec, len(seq), number, alt_number)
            if len(gene.transcripts) > 1:
                alt_number += 1
            genes.append(gene)
            seq += genomic + random_dna(rng, rng.randint(800, 1500))
        contigs[contig] = seq
    for gene in genes:  # self-check: the model reads back the designed protein
        for t in gene.transcripts:
            protein = protein_from(t.mrna(contigs[gene.contig]), t.cds_start)
            if not (protein.startswith("M") and protein.count("*") == 1 and protein.endswith("*")):
                raise AssertionError(f"{t.transcript_id}: bad ORF")
            if 3 * len(protein) != t.cds_end - t.cds_start:
                raise AssertionError(f"{t.transcript_id}: CDS length mismatch")
    return contigs, genes


# ----------------------------------------------------------------------------
# GTF
# ----------------------------------------------------------------------------


def _attributes(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f'{key} "{value}";' for key, value in pairs)


def gtf_lines(genes: Sequence[Gene]) -> list[str]:
    """Ensembl-style GTF rows (1-based, closed), genes sorted by position."""
    source = "neoag_demo"
    lines = [
        "#!genome-build neoag-demo",
        "#!genome-version neoag-demo-1",
        "#!genebuild-last-updated synthetic",
        "# Synthetic genes of the neoag demo patient; made by resources/demo/make_demo.py",
    ]

    def row(contig: str, feature: str, start: int, end: int, strand: str, phase: str, attrs: str) -> str:
        return "\t".join([contig, source, feature, str(start + 1), str(end), ".", strand, phase, attrs])

    exon_counter = 0
    for gene in sorted(genes, key=lambda g: (g.contig, g.start)):
        gene_attrs = [
            ("gene_id", gene.gene_id),
            ("gene_name", gene.name),
            ("gene_source", source),
            ("gene_biotype", "protein_coding"),
        ]
        lines.append(row(gene.contig, "gene", gene.start, gene.end, gene.strand, ".", _attributes(gene_attrs)))
        for t in gene.transcripts:
            tags = [("tag", "basic")] + ([("tag", "Ensembl_canonical")] if t.canonical else [])
            tx_attrs = [
                ("gene_id", gene.gene_id),
                ("transcript_id", t.transcript_id),
                ("gene_name", gene.name),
                ("gene_source", source),
                ("gene_biotype", "protein_coding"),
                ("transcript_name", t.transcript_name),
                ("transcript_source", source),
                ("transcript_biotype", "protein_coding"),
            ]
            tx_start, tx_end = min(s for s, _ in t.exons), max(e for _, e in t.exons)
            lines.append(row(gene.contig, "transcript", tx_start, tx_end, t.strand, ".", _attributes(tx_attrs + tags)))
            cds = t.cds_segments()
            phases = dict(zip(cds, cds_phases([e - s for s, e in cds])))
            start_codon, stop_codon = t.start_codon(), t.stop_codon()
            for number, (start, end) in enumerate(t.exons, 1):
                exon_counter += 1
                exon_attrs = tx_attrs[:2] + [("exon_number", str(number))] + tx_attrs[2:]
                exon_id = [("exon_id", f"DEMOE{exon_counter:011d}")]
                lines.append(
                    row(gene.contig, "exon", start, end, t.strand, ".", _attributes(exon_attrs + exon_id + tags))
                )
                for s, e in cds:
                    if start <= s and e <= end:
                        attrs = exon_attrs + [("protein_id", t.protein_id)] + tags
                        lines.append(row(gene.contig, "CDS", s, e, t.strand, str(phases[(s, e)]), _attributes(attrs)))
                for feature, pieces in (("start_codon", start_codon), ("stop_codon", stop_codon)):
                    for s, e in pieces:
                        if start <= s and e <= end:
                            lines.append(row(gene.contig, feature, s, e, t.strand, "0", _attributes(exon_attrs + tags)))
            for feature, pieces in (("five_prime_utr", t.utr5()), ("three_prime_utr", t.utr3())):
                for s, e in pieces:
                    lines.append(row(gene.contig, feature, s, e, t.strand, ".", _attributes(tx_attrs + tags)))
    return lines


# ----------------------------------------------------------------------------
# Tumor model and planted variants
# ----------------------------------------------------------------------------

# Read sources. Each is one haplotype of the genome plus the variants it
# carries; its share of a sample's reads is given in percent.
NORMAL_COMPONENTS = {"H1": (1, 50), "H2": (2, 50)}  # name: (haplotype, percent)
TUMOR_COMPONENTS = {"N1": (1, 10), "N2": (2, 10), "Ta": (1, 30), "Tb": (2, 30), "Tc": (1, 20)}
NORMAL_COVERAGE = 100  # total fold coverage of the normal DNA
TUMOR_COVERAGE = 200
# RNA: fold coverage of each transcript's mRNA in the tumor RNA (all components
# together, split by their percentages). DMG6 is not expressed.
RNA_COVERAGE = {
    "DEMOT00000000001": 60,
    "DEMOT00000000002": 120,
    "DEMOT00000000003": 56,
    "DEMOT00000000007": 24,  # DMG3-202, the exon-skipping isoform
    "DEMOT00000000004": 40,
    "DEMOT00000000005": 30,
    "DEMOT00000000006": 0,
}


@dataclass(frozen=True)
class Plan:
    """One variant to plant: its kind, gene and the read sources that carry it."""

    kind: str
    gene: str
    components: tuple[str, ...] = ()  # somatic: tumor components
    haplotype: int = 0  # germline: 1 or 2


# kind: missense | missense_edge (second-to-last base of an exon) | missense_cis (with the
# germline_cis SNP 6-15 bp away, same haplotype) | ins3 | del6 | fs_ins1 |
# fs_del1 | stop_lost | germline_missense | germline_cis | germline_intronic
PLANS = (
    Plan("missense", "DMG1", ("Ta",)),
    Plan("missense", "DMG1", ("Tc",)),
    Plan("ins3", "DMG1", ("Ta", "Tc")),
    Plan("germline_missense", "DMG1", haplotype=2),
    Plan("missense_edge", "DMG2", ("Ta", "Tb")),
    Plan("missense", "DMG2", ("Tb",)),
    Plan("fs_del1", "DMG2", ("Ta", "Tc")),
    Plan("missense", "DMG3", ("Ta", "Tc")),
    Plan("missense", "DMG3", ("Tb",)),
    Plan("fs_ins1", "DMG3", ("Tb",)),
    Plan("missense_cis", "DMG4", ("Ta", "Tc")),
    Plan("germline_cis", "DMG4", haplotype=1),
    Plan("missense", "DMG4", ("Tc",)),
    Plan("del6", "DMG4", ("Tb",)),
    Plan("missense", "DMG5", ("Ta",)),
    Plan("missense", "DMG5", ("Ta", "Tb")),
    Plan("stop_lost", "DMG5", ("Ta", "Tc")),
    Plan("missense", "DMG6", ("Tb",)),
    Plan("missense", "DMG6", ("Tc",)),
    Plan("missense", "DMG6", ("Ta", "Tc")),
    Plan("germline_intronic", "DMG6", haplotype=1),
)


@dataclass(frozen=True)
class Planted:
    """A planted variant: the genomic edit and what it was designed to be."""

    edit: Edit
    plan: Plan
    gene: Gene
    tx_start: int  # first mRNA base changed (insertions: the base after the insertion)
    tx_end: int  # past the last changed mRNA base (== tx_start for insertions)

    @property
    def origin(self) -> str:
        return "germline" if self.plan.kind.startswith("germline") else "somatic"

    def carried_by(self, component: str, haplotype: int) -> bool:
        if self.origin == "germline":
            return self.plan.haplotype == haplotype
        return component in self.plan.components


class _Reject(Exception):
    """This draw of a position failed a constraint; draw again."""


def _snv_edit(t: Transcript, seq: str, tx: int, tx_alt: str) -> Edit:
    pos = t.genome_position(tx)
    alt = tx_alt if t.strand == "+" else reverse_complement(tx_alt)
    return Edit(t.contig, pos, seq[pos], alt)


def _deletion_edit(t: Transcript, seq: str, tx: int, length: int) -> Edit:
    """Delete mRNA bases [tx, tx + length) (one exon), as a padded VCF record."""
    a, b = t.genome_position(tx), t.genome_position(tx + length - 1)
    start, end = min(a, b), max(a, b) + 1
    if end - start != length:
        raise _Reject("deletion spans an intron")
    return Edit(t.contig, start - 1, seq[start - 1 : end], seq[start - 1])


def _insertion_edit(t: Transcript, seq: str, tx: int, tx_inserted: str) -> Edit:
    """Insert bases before mRNA base tx (not at an exon edge), as a padded VCF record."""
    if t.exon_index(tx) != t.exon_index(tx - 1):
        raise _Reject("insertion at an exon edge")
    if t.strand == "+":
        pos = t.genome_position(tx) - 1
        return Edit(t.contig, pos, seq[pos], seq[pos] + tx_inserted)
    pos = t.genome_position(tx)
    return Edit(t.contig, pos, seq[pos], seq[pos] + reverse_complement(tx_inserted))


def _missense_alt(rng: random.Random, mrna: str, cds_start: int, tx: int) -> str:
    """An alt base at mRNA offset tx that changes its codon to another sense codon."""
    codon_start = tx - (tx - cds_start) % 3
    codon = mrna[codon_start : codon_start + 3]
    i = tx - codon_start
    options = []
    for base in "ACGT":
        new = codon[:i] + base + codon[i + 1 :]
        if base != codon[i] and CODON_TABLE[new] not in ("*", CODON_TABLE[codon]):
            options.append(base)
    if not options:
        raise _Reject("no missense base here")
    return rng.choice(options)


def _distance_from_exon_edge(t: Transcript, tx: int) -> int:
    """Bases between mRNA base tx and the nearest exon junction (0 = at the edge)."""
    distances = []
    bounds = t.exon_tx_bounds()
    for i, (a, b) in enumerate(bounds):
        if a <= tx < b:
            if i > 0:
                distances.append(tx - a)
            if i < len(bounds) - 1:
                distances.append(b - 1 - tx)
    return min(distances, default=10**9)


def _protein_change(
    contigs: dict[str, str], t: Transcript, edits: Sequence[Edit], frameshift: bool
) -> tuple[ProteinChange, str]:
    """The protein change of edits on transcript t and the mutant protein."""
    edits = [e for e in edits if e.contig == t.contig]
    seq = apply_edits(contigs[t.contig], edits)
    wt = protein_from(t.mrna(contigs[t.contig]), t.cds_start)
    mt = protein_from(t.mrna(seq, edits), t.cds_start)
    return describe_protein_change(wt, mt, frameshift), mt


def _draw_one(
    rng: random.Random,
    plan: Plan,
    gene: Gene,
    contigs: dict[str, str],
    taken: list[Planted],
    partner: Planted | None,
) -> Planted:
    """Draw a position for one plan; raise _Reject when a constraint fails."""
    t = gene.canonical
    seq = contigs[t.contig]
    mrna = t.mrna(seq)
    n_codons = (t.cds_end - t.cds_start) // 3
    kind = plan.kind
    same_gene = [p for p in taken if p.gene is gene]

    if kind == "germline_intronic":
        bounds = t.exon_tx_bounds()
        i = rng.randrange(len(t.exons) - 1)
        left = t.genome_position(bounds[i][1] - 1)
        right = t.genome_position(bounds[i + 1][0])
        lo, hi = min(left, right) + 30, max(left, right) - 30
        pos = rng.randrange(lo, hi)
        alt = rng.choice([b for b in "ACGT" if b != seq[pos]])
        edit = Edit(t.contig, pos, seq[pos], alt)
        tx_start = tx_end = -1
    elif kind == "stop_lost":
        tx = t.cds_end - 3 + rng.randrange(3)
        codon = mrna[t.cds_end - 3 : t.cds_end]
        i = tx - (t.cds_end - 3)
        options = [b for b in "ACGT" if CODON_TABLE[codon[:i] + b + codon[i + 1 :]] != "*"]
        if not options:
            raise _Reject("no sense codon one base away")
        edit = _snv_edit(t, seq, tx, rng.choice(options))
        tx_start, tx_end = tx, tx + 1
    else:
        if kind == "germline_cis":
            if partner is None:
                raise AssertionError("germline_cis needs its missense_cis partner first")
            distance = rng.randint(6, 15) * rng.choice([-1, 1])
            tx = partner.tx_start + distance
        elif kind == "missense_edge":
            bounds = t.exon_tx_bounds()
            internal = [b for _, b in bounds[:-1] if t.cds_start + 30 < b < t.cds_end - 30]
            tx = rng.choice(internal) - 2  # second-to-last base of an exon: 1 base from the junction
        else:
            if kind in ("fs_ins1", "fs_del1"):
                # late in the CDS, and downstream of the gene's other variants
                codon = rng.randint(n_codons // 2, n_codons - 15)
            else:
                codon = rng.randint(20, n_codons - 15)
            tx = t.cds_start + 3 * codon + (0 if kind in ("ins3", "del6") else rng.randrange(3))
        if not t.cds_start + 3 * 15 <= tx < t.cds_end - 3 * 12:
            raise _Reject("too close to the start or stop codon")
        if kind != "missense_edge" and _distance_from_exon_edge(t, tx) < 12:
            raise _Reject("too close to an exon edge")
        if kind in ("missense", "missense_edge", "missense_cis", "germline_missense", "germline_cis"):
            edit = _snv_edit(t, seq, tx, _missense_alt(rng, mrna, t.cds_start, tx))
            tx_start, tx_end = tx, tx + 1
        elif kind == "ins3":
            inserted_codon = random_sense_codon(rng)
            edit = _insertion_edit(t, seq, tx, inserted_codon)
            tx_start = tx_end = tx
        elif kind == "del6":
            edit = _deletion_edit(t, seq, tx, 6)
            tx_start, tx_end = tx, tx + 6
        elif kind == "fs_ins1":
            base = rng.choice("ACGT")
            edit = _insertion_edit(t, seq, tx, base)
            tx_start = tx_end = tx
        elif kind == "fs_del1":
            edit = _deletion_edit(t, seq, tx, 1)
            tx_start, tx_end = tx, tx + 1
        else:
            raise ValueError(f"unknown plan kind {kind}")
        if len(edit.ref) != len(edit.alt) and not indel_is_unshiftable(seq, edit.pos0, edit.ref, edit.alt):
            raise _Reject("the indel could slide (repeat at its boundary)")

    planted = Planted(edit, plan, gene, tx_start, tx_end)

    # Spacing: one codon never holds two variants; somatic variants are >= 30 bp
    # apart on the genome and, within a gene, >= 25 codons apart on the mRNA so
    # no peptide context holds another variant (the cis pair excepted).
    for other in taken:
        if other.edit.contig != edit.contig:
            continue
        is_pair = {other.plan.kind, kind} == {"missense_cis", "germline_cis"}
        if abs(other.edit.pos0 - edit.pos0) < 30 and not is_pair:
            raise _Reject("too close to another variant")
    for other in same_gene:
        if tx_start < 0 or other.tx_start < 0:
            continue
        is_pair = {other.plan.kind, kind} == {"missense_cis", "germline_cis"}
        codon_a = (tx_start - t.cds_start) // 3
        codon_b = (other.tx_start - t.cds_start) // 3
        if codon_a == codon_b or (abs(codon_a - codon_b) < 25 and not is_pair):
            raise _Reject("shares a codon or a peptide window with another variant")
        if other.plan.kind.startswith("fs_") and codon_a > codon_b:
            raise _Reject("downstream of a frameshift")
    if any(s <= planted.tx_start < e or s <= planted.tx_end - 1 < e for s, e in _skipped_exons(gene)):
        raise _Reject("inside the skipped exon of the other isoform")

    # The protein change must be the designed one and unambiguous.
    if kind != "germline_intronic":
        frameshift = (len(edit.alt) - len(edit.ref)) % 3 != 0
        change, mt = _protein_change(contigs, t, [edit], frameshift)
        wanted = {
            "ins3": "inframe_insertion",
            "del6": "inframe_deletion",
            "fs_ins1": "frameshift",
            "fs_del1": "frameshift",
            "stop_lost": "stop_lost",
        }.get(kind, "missense")
        if change.variant_class != wanted or "delins" in change.label:
            raise _Reject(f"made {change.label}, not a plain {wanted}")
        if kind in ("fs_ins1", "fs_del1") and not (change.label[-1].isdigit() and change.mt_end - change.mt_start >= 8):
            raise _Reject("frameshift too short or without a stop in the transcript")
        if kind in ("ins3", "del6"):
            first = (tx_start - t.cds_start) // 3
            wt = protein_from(mrna, t.cds_start)
            if kind == "del6":
                _check_inframe_unambiguous(wt, first, 2, "")
            else:
                _check_inframe_unambiguous(wt, first, 0, CODON_TABLE[inserted_codon])
    return planted


def _skipped_exons(gene: Gene) -> list[tuple[int, int]]:
    """mRNA offsets (canonical transcript) of exons that another isoform skips."""
    t = gene.canonical
    skipped = []
    for other in gene.transcripts:
        if other is t:
            continue
        skipped += [b for e, b in zip(t.exons, t.exon_tx_bounds()) if e not in other.exons]
    return skipped


def _check_inframe_unambiguous(protein: str, first: int, deleted: int, inserted: str) -> None:
    """An in-frame indel at a codon boundary whose residues do not repeat at its edges.

    first is the index of the first deleted residue, or of the residue the
    insertion goes before; then neither HGVS's 3' rule nor a dup reading moves it.
    """
    if deleted:
        last = first + deleted - 1
        if protein[first - 1] == protein[last] or protein[first] == protein[last + 1]:
            raise _Reject("the deletion could slide along the protein")
    elif inserted in (protein[first - 1], protein[first]):
        raise _Reject("the insertion repeats a neighbouring residue (a dup)")


def plant_variants(rng: random.Random, contigs: dict[str, str], genes: Sequence[Gene]) -> list[Planted]:
    """Draw positions for PLANS, in order, each until it satisfies every constraint."""
    by_name = {g.name: g for g in genes}
    taken: list[Planted] = []
    # Frameshifts first within their gene, so the other variants can be kept upstream.
    order = sorted(range(len(PLANS)), key=lambda i: (not PLANS[i].kind.startswith("fs_"), i))
    for i in order:
        plan = PLANS[i]
        partner = next((p for p in taken if p.plan.kind == "missense_cis"), None)
        for _ in range(10000):
            try:
                taken.append(_draw_one(rng, plan, by_name[plan.gene], contigs, taken, partner))
                break
            except _Reject:
                continue
        else:
            raise RuntimeError(f"could not place {plan}")
    return taken


# ----------------------------------------------------------------------------
# truth.tsv
# ----------------------------------------------------------------------------

TRUTH_COLUMNS = (
    "chrom", "pos", "ref", "alt", "origin", "variant_class", "gene_name", "gene_id",
    "transcript_id", "strand", "protein_change", "tumor_vaf", "normal_vaf",
    "tumor_components", "mt_context",
)  # fmt: skip


def tumor_carriers(planted: Planted) -> list[str]:
    """Tumor components whose reads carry the variant, in TUMOR_COMPONENTS order."""
    return [name for name, (hap, _) in TUMOR_COMPONENTS.items() if planted.carried_by(name, hap)]


def truth_rows(contigs: dict[str, str], planted: Sequence[Planted]) -> list[dict[str, str]]:
    """One row per planted variant, sorted by chrom and pos."""
    germline = [p for p in planted if p.origin == "germline"]
    rows = []
    for p in sorted(planted, key=lambda v: (v.edit.contig, v.edit.pos0)):
        t = p.gene.canonical
        carriers = tumor_carriers(p)
        tumor_vaf = sum(TUMOR_COMPONENTS[c][1] for c in carriers) / 100
        normal_vaf = 0.5 if p.origin == "germline" else 0.0
        if p.plan.kind == "germline_intronic":
            variant_class, label, context = "intronic", ".", "."
        else:
            frameshift = (len(p.edit.alt) - len(p.edit.ref)) % 3 != 0
            change, mt = _protein_change(contigs, t, [p.edit], frameshift)
            # The peptide context is read from the mutant protein of the
            # haplotype(s) that carry the variant, with their germline variants
            # (the cis SNP of the pair); a germline row's own haplotype likewise.
            haps = {TUMOR_COMPONENTS[c][0] for c in carriers}
            shared = [g.edit for g in germline if g is not p and all(g.plan.haplotype == h for h in haps)]
            _, mt_hap = _protein_change(contigs, t, [p.edit, *shared], frameshift)
            if len(mt_hap) != len(mt):
                raise AssertionError(f"germline variants change the length of {t.transcript_id}")
            variant_class, label, context = change.variant_class, change.label, peptide_context(mt_hap, change)
        rows.append(
            {
                "chrom": p.edit.contig,
                "pos": str(p.edit.pos0 + 1),
                "ref": p.edit.ref,
                "alt": p.edit.alt,
                "origin": p.origin,
                "variant_class": variant_class,
                "gene_name": p.gene.name,
                "gene_id": p.gene.gene_id,
                "transcript_id": t.transcript_id,
                "strand": t.strand,
                "protein_change": label,
                "tumor_vaf": f"{tumor_vaf:.2f}",
                "normal_vaf": f"{normal_vaf:.2f}",
                "tumor_components": ",".join(carriers),
                "mt_context": context,
            }
        )
    return rows


# ----------------------------------------------------------------------------
# HLA class I genes (synthetic)
# ----------------------------------------------------------------------------
#
# chr6 holds three synthetic class I genes laid out like HLA-A (+ strand), HLA-B
# and HLA-C (- strand): exons 1-4 (73, 270, 276 and 276 bp: leader, alpha-1,
# alpha-2, alpha-3) with introns of roughly the real lengths. The genome's chr6
# carries "reference haplotype" alleles (named A*99:01, B*99:01, C*99:01); the
# patient's two haplotypes carry its six alleles, with the names of the sample
# sheet's alleles. hla_reference.fa is the built-in typer's allele reference
# for the demo: for each allele exon 1 of its locus, its exons 2 and 3, and 75
# bases of exon 4 of its locus (the layout of IMGT-derived exon 2-3 references).
# Nothing here derives from IMGT/HLA: every sequence is random.

HLA_EXONS = (73, 270, 276, 276)  # exons 1-4
HLA_INTRONS = (130, 250, 580)  # introns 1-3
HLA_EXON4_IN_REFERENCE = 75
HLA_LOCI = (("A", "+"), ("B", "-"), ("C", "-"))
HLA_LOCUS_DIVERGENCE = 0.12  # between the loci's backbones (real HLA-A/B/C exons 2-3: about 85-90 % identical)
# The patient's alleles by haplotype; the sample sheet lists the same six.
HLA_GENOTYPE = {
    1: {"A": "A*02:01", "B": "B*07:02", "C": "C*04:01"},
    2: {"A": "A*11:01", "B": "B*15:01", "C": "C*07:01"},
}
HLA_COVERAGE = 60  # fold coverage of chr6 in each DNA sample (all its components together)


@dataclass(frozen=True)
class HlaAllele:
    """A synthetic allele: exons 1-4, its role in the demo and how it was made."""

    name: str
    locus: str
    exons: tuple[str, str, str, str]
    role: str  # patient | genome | decoy
    haplotype: int  # 1 or 2 for the patient's alleles, else 0
    made_from: str


@dataclass
class HlaDesign:
    """chr6 (reference genome and the patient's two haplotypes) and every allele."""

    reference: str
    haplotypes: dict[int, str]
    alleles: list[HlaAllele]
    genes: list[tuple[str, str, int, int, list[tuple[int, int]]]]  # locus, strand, start, end, exons (genome)


def _mutate(rng: random.Random, seq: str, positions: Iterable[int]) -> str:
    bases = list(seq)
    for i in positions:
        bases[i] = rng.choice([b for b in "ACGT" if b != bases[i]])
    return "".join(bases)


def _mutate_fraction(rng: random.Random, seq: str, fraction: float) -> str:
    return _mutate(rng, seq, rng.sample(range(len(seq)), round(fraction * len(seq))))


def _hla_exon_variant(rng: random.Random, exons: Sequence[str], exon: int, changes: int) -> tuple[str, ...]:
    """exons with `changes` random substitutions in exon `exon` (1-based; exons 2 and 3 carry the variation)."""
    out = list(exons)
    out[exon - 1] = _mutate(rng, out[exon - 1], rng.sample(range(len(out[exon - 1])), changes))
    return tuple(out)


def _hla_alleles(rng: random.Random, locus: str, backbone: tuple[str, ...]) -> list[HlaAllele]:
    """The locus's alleles: the patient's two, the genome's one and decoys close to the patient's."""
    first, second = HLA_GENOTYPE[1][locus], HLA_GENOTYPE[2][locus]

    def groove(exons: tuple[str, ...], fraction: float) -> tuple[str, ...]:
        return (
            exons[0],
            _mutate_fraction(rng, exons[1], fraction),
            _mutate_fraction(rng, exons[2], fraction),
            exons[3],
        )

    def flanks(exons: tuple[str, ...]) -> tuple[str, ...]:
        # Real alleles differ a little in exons 1 and 4 too; the typer's reference
        # keeps one exon 1 and exon 4 per locus, so reads there carry a mismatch.
        return (
            _mutate(rng, exons[0], [rng.randrange(3, 73)]),
            exons[1],
            exons[2],
            _mutate(rng, exons[3], [rng.randrange(276)]),
        )

    one = flanks(groove(backbone, 0.03))
    two = flanks(groove(backbone, 0.04))
    genome = flanks(groove(backbone, 0.035))
    alleles = [
        HlaAllele(first, locus, one, "patient", 1, "locus backbone, 3 % of exons 2-3 changed"),
        HlaAllele(second, locus, two, "patient", 2, "locus backbone, 4 % of exons 2-3 changed"),
        HlaAllele(f"{locus}*99:01", locus, genome, "genome", 0, "locus backbone, 3.5 % of exons 2-3 changed; on chr6"),
        HlaAllele(
            f"{locus}*99:02", locus, _hla_exon_variant(rng, one, 2, 1), "decoy", 0, f"{first} with 1 change in exon 2"
        ),
        HlaAllele(
            f"{locus}*99:03", locus, _hla_exon_variant(rng, two, 3, 2), "decoy", 0, f"{second} with 2 changes in exon 3"
        ),
        HlaAllele(
            f"{locus}*99:04",
            locus,
            (one[0], one[1], two[2], one[3]),
            "decoy",
            0,
            f"exon 2 of {first}, exon 3 of {second}",
        ),
        HlaAllele(
            f"{locus}*99:05", locus, groove(backbone, 0.06), "decoy", 0, "locus backbone, 6 % of exons 2-3 changed"
        ),
    ]
    if locus == "A":
        # As in IMGT/HLA, where A*02:09 differs from A*02:01 only outside exons 2-3.
        tie = (one[0], one[1], one[2], _mutate(rng, one[3], [rng.randrange(HLA_EXON4_IN_REFERENCE, 276)]))
        alleles.append(HlaAllele("A*02:09", locus, tie, "decoy", 0, f"{first} changed outside exons 2-3 only (a tie)"))
    return alleles


def _hla_intron(rng: random.Random, length: int) -> str:
    """An intron of exactly `length` bases: GTRAGT donor, random body, pyrimidine tract, YAG acceptor."""
    donor = "GT" + rng.choice("AG") + "AGT"
    tract = "".join(rng.choice("CT") for _ in range(14))
    return donor + random_dna(rng, length - 23) + tract + rng.choice("CT") + "AG"


def _hla_gene(exons: Sequence[str], introns: Sequence[str], strand: str) -> str:
    gene = exons[0] + "".join(intron + exon for intron, exon in zip(introns, exons[1:]))
    return gene if strand == "+" else reverse_complement(gene)


def hla_design(seed: int = SEED) -> HlaDesign:
    """chr6 with three synthetic class I genes, the patient's haplotypes and the allele reference.

    Uses its own random stream, so chr1, chr2 and the planted variants do not change.
    """
    rng = random.Random(int(_seed(str(seed), "hla")))
    cds = "ATG" + "".join(random_sense_codon(rng) for _ in range(sum(HLA_EXONS) // 3 - 1))
    cds += random_dna(rng, sum(HLA_EXONS) - len(cds))
    backbones = {}
    for locus, _ in HLA_LOCI:
        if locus != "A":
            cds = cds[:3] + _mutate_fraction(rng, cds[3:], HLA_LOCUS_DIVERGENCE)
        bounds = [0, *itertools.accumulate(HLA_EXONS)]
        backbones[locus] = tuple(cds[a:b] for a, b in zip(bounds, bounds[1:]))
    alleles = [a for locus, _ in HLA_LOCI for a in _hla_alleles(rng, locus, backbones[locus])]

    reference = random_dna(rng, 400)
    haplotypes = {1: reference, 2: reference}
    genes = []
    for locus, strand in HLA_LOCI:
        introns = [_hla_intron(rng, n) for n in HLA_INTRONS]
        by_role = {(a.role, a.haplotype): a for a in alleles if a.locus == locus and a.role != "decoy"}
        start = len(reference)
        reference += _hla_gene(by_role[("genome", 0)].exons, introns, strand)
        for hap in (1, 2):
            haplotypes[hap] += _hla_gene(by_role[("patient", hap)].exons, introns, strand)
        lengths = [x for pair in itertools.zip_longest(HLA_EXONS, HLA_INTRONS, fillvalue=0) for x in pair][:-1]
        edges = [start, *(start + e for e in itertools.accumulate(lengths))]
        exons = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
        if strand == "-":
            end = edges[-1]
            exons = [(start + end - b, start + end - a) for a, b in exons]
        genes.append((locus, strand, start, edges[-1], exons))
        spacer = random_dna(rng, 600 if locus != "C" else 400)
        reference += spacer
        haplotypes = {hap: seq + spacer for hap, seq in haplotypes.items()}
    return HlaDesign(reference, haplotypes, alleles, genes)


def hla_reference_records(alleles: Sequence[HlaAllele]) -> list[tuple[str, str]]:
    """FASTA records of hla_reference.fa: exon 1 and exon 4 (75 bases) of the locus's genome allele."""
    flank = {a.locus: a.exons for a in alleles if a.role == "genome"}
    records = []
    for number, allele in enumerate(sorted(alleles, key=lambda a: (a.locus, a.name)), start=1):
        five, three = flank[allele.locus][0], flank[allele.locus][3][:HLA_EXON4_IN_REFERENCE]
        header = f"DEMO{number:04d} {allele.name} SYNTHETIC neoag demo allele, not an IPD-IMGT/HLA sequence"
        records.append((header, five + allele.exons[1] + allele.exons[2] + three))
    return records


HLA_TRUTH_COLUMNS = ("allele", "locus", "role", "haplotype", "made_from")


def hla_truth_text(design: HlaDesign) -> str:
    """hla_truth.tsv: every synthetic allele, what it is and how it was made."""
    lines = ["\t".join(HLA_TRUTH_COLUMNS)]
    for a in sorted(design.alleles, key=lambda a: (a.locus, a.name)):
        lines.append(
            "\t".join([a.name, f"HLA-{a.locus}", a.role, f"hap{a.haplotype}" if a.haplotype else "", a.made_from])
        )
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------
# Reads
# ----------------------------------------------------------------------------

TOOLS = ("art_illumina", "bwa", "minimap2", "samtools")
ART_ARGS = ("-ss", "HS25", "-l", "125", "-na", "-q")  # HiSeq 2500 error model, 125 bp reads
ART_PAIRED = ("-p", "-m", "350", "-s", "50")  # DNA: pairs from 350 +- 50 bp fragments
THREADS = "2"  # fixed: it appears in the @PG lines of the BAM headers
SAMPLES = {"normal": "demo_normal", "tumor": "demo_tumor", "rna": "demo_tumor_rna"}


def _run(command: Sequence[str], cwd: Path, stdout: Path | None = None) -> None:
    """Run a tool; on failure stop with its stderr."""
    out = open(stdout, "w") if stdout else subprocess.DEVNULL
    try:
        result = subprocess.run(list(command), cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True)
    finally:
        if stdout:
            out.close()
    if result.returncode != 0:
        sys.exit(f"make_demo: '{' '.join(command)}' failed (exit {result.returncode}):\n{result.stderr}")


def _seed(*parts: str) -> str:
    """A fixed ART seed per simulation run, derived from SEED and the run's name."""
    digest = hashlib.sha256("/".join([str(SEED), *parts]).encode()).hexdigest()
    return str(int(digest[:8], 16) % 2_000_000_000)


def write_fasta(path: Path, records: Iterable[tuple[str, str]], width: int = 60) -> None:
    with open(path, "w") as handle:
        for name, seq in records:
            handle.write(f">{name}\n")
            for i in range(0, len(seq), width):
                handle.write(seq[i : i + width] + "\n")


def _art(
    workdir: Path, records: Sequence[tuple[str, str]], coverage: float, run: str, prefix: str, outs: Sequence[TextIO]
) -> None:
    """Simulate reads from records with ART and append them, renamed, to outs.

    outs is (R1, R2) for read pairs, (R,) for single reads. Read names become
    prefix + ART's name (source sequence and a counter).
    """
    write_fasta(workdir / f"{run}.fa", records)
    paired = ART_PAIRED if len(outs) == 2 else ()
    command = ["art_illumina", *ART_ARGS, *paired, "-f", f"{coverage:g}", "-rs", _seed(run)]
    _run([*command, "-i", f"{run}.fa", "-o", f"{run}_"], workdir)
    files = [f"{run}_1.fq", f"{run}_2.fq"] if len(outs) == 2 else [f"{run}_.fq"]
    for name, out in zip(files, outs):
        with open(workdir / name) as handle:
            for i, line in enumerate(handle):
                out.write(f"@{prefix}{line[1:]}" if i % 4 == 0 else line)
        (workdir / name).unlink()
    (workdir / f"{run}.fa").unlink()


def _art_pairs(workdir: Path, records: Sequence[tuple[str, str]], coverage: float, run: str) -> list[SimulatedPair]:
    """Simulate read pairs from records with ART, with where each read came from (ART's ALN files)."""
    write_fasta(workdir / f"{run}.fa", records)
    args = [a for a in ART_ARGS if a != "-na"]  # keep the ALN files
    command = ["art_illumina", *args, *ART_PAIRED, "-f", f"{coverage:g}", "-rs", _seed(run)]
    _run([*command, "-i", f"{run}.fa", "-o", f"{run}_"], workdir)
    mates = []
    for mate in ("1", "2"):
        positions = parse_art_aln((workdir / f"{run}_{mate}.aln").read_text())
        lines = (workdir / f"{run}_{mate}.fq").read_text().splitlines(keepends=True)
        records_by_name = {lines[i][1:].split("/")[0]: "".join(lines[i : i + 4]) for i in range(0, len(lines), 4)}
        mates.append((positions, records_by_name))
        for suffix in ("aln", "fq"):
            (workdir / f"{run}_{mate}.{suffix}").unlink()
    (workdir / f"{run}.fa").unlink()
    (first, fastq1), (second, fastq2) = mates
    return [
        SimulatedPair(name, first[name][0], (first[name][1:], second[name][1:]), (fastq1[name], fastq2[name]))
        for name in fastq1
    ]


def thin_to_planted_shares(
    pairs: dict[str, list[SimulatedPair]],
    planted: Sequence[Planted],
    components: dict[str, tuple[int, int]],
    excess: float,
    run: str,
) -> tuple[dict[str, list[bool]], list[dict[str, int]]]:
    """Which simulated pairs each component keeps, and the kept pairs per variant and component.

    pairs[c] are component c's pairs, simulated at excess times its coverage;
    components maps c to (haplotype, percent). See select_pairs and depth_targets.
    """
    covers = {
        c: [covered_windows(pair, variant_windows(planted, c, hap)) for pair in pairs[c]]
        for c, (hap, _) in components.items()
    }
    available = {c: [sum(v in cov for cov in covers[c]) for v in range(len(planted))] for c in components}
    targets = depth_targets(available, {c: percent for c, (_, percent) in components.items()}, excess)
    kept = {
        c: select_pairs(covers[c], targets[c], 1 / excess, random.Random(int(_seed(run, c, "thin"))))
        for c in components
    }
    realized = [
        {c: sum(k and v in cov for k, cov in zip(kept[c], covers[c])) for c in components} for v in range(len(planted))
    ]
    return kept, realized


def component_edits(planted: Sequence[Planted], component: str, haplotype: int) -> list[Edit]:
    return [p.edit for p in planted if p.carried_by(component, haplotype)]


# ----------------------------------------------------------------------------
# Thinning: the DNA reads realize the planted VAFs
# ----------------------------------------------------------------------------
#
# ART draws read positions at random, so a component's share of the fragments
# that cover a variant is binomial: at 200x a planted VAF of 0.50 came out as
# 0.43 in the simulated tumor reads. So each DNA component's chr1/chr2 reads
# are simulated at THIN_EXCESS times its coverage and its read pairs are
# thinned: at every planted variant (somatic and germline) each component
# keeps exactly its percent of a target number D of pairs covering the variant
# (D a multiple of 100 / gcd(percents), so every share is a whole number of
# pairs); pairs that cover no planted variant are kept at random with
# probability 1 / THIN_EXCESS. A pair covering several nearby variants counts
# toward each of them (greedy selection, then exchanges). ART's ALN files say
# where each read came from. chr6 and the RNA are not thinned.

THIN_EXCESS = 1.5  # ART's coverage of chr1 and chr2, as a multiple of the wanted one
THIN_MARGIN = 2  # a read covers a variant if it covers its bases and this many on each side


@dataclass(frozen=True)
class SimulatedPair:
    """One ART read pair: its FASTQ records and where its reads lie on the component's haplotype."""

    name: str  # ART's name without the mate suffix, e.g. "chr1-48"
    contig: str
    reads: tuple[tuple[int, int], ...]  # [start, end) of each read on the haplotype's forward strand
    fastq: tuple[str, str]  # the two FASTQ records, 4 lines each


def parse_art_aln(text: str) -> dict[str, tuple[str, int, int]]:
    """Pair name ("chr1-48") -> (contig, start, end) of the read, from one of ART's ALN files.

    ART gives the 0-based start on the strand the read came from, so for a '-'
    read it counts from the end of the source sequence (whose length the @SQ
    line gives). The reference line holds '-' where the read has an inserted base.
    """
    lengths: dict[str, int] = {}
    positions = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("@SQ"):
            _, contig, length = line.split("\t")[:3]
            lengths[contig] = int(length)
        elif line.startswith(">"):
            contig, name, start, strand = line[1:].split("\t")
            span = len(lines[i + 1]) - lines[i + 1].count("-")
            begin = int(start) if strand == "+" else lengths[contig] - int(start) - span
            positions[name.split("/")[0]] = (contig, begin, begin + span)
    return positions


def variant_windows(
    planted: Sequence[Planted], component: str, haplotype: int, margin: int = THIN_MARGIN
) -> list[tuple[str, int, int]]:
    """Where each planted variant lies on a component's haplotype: (contig, start, end), planted order.

    The interval holds the variant's REF bases, or its ALT bases if the
    component carries it (an indel's padding base included), widened by margin.
    """
    edits = component_edits(planted, component, haplotype)
    windows = []
    for p in planted:
        on_contig = [e for e in edits if e.contig == p.edit.contig]
        start = lift(p.edit.pos0, on_contig)
        length = len(p.edit.alt) if p.carried_by(component, haplotype) else len(p.edit.ref)
        windows.append((p.edit.contig, start - margin, start + length + margin))
    return windows


def covered_windows(pair: SimulatedPair, windows: Sequence[tuple[str, int, int]]) -> tuple[int, ...]:
    """Indices of the windows that one read of the pair covers entirely."""
    return tuple(
        i
        for i, (contig, start, end) in enumerate(windows)
        if contig == pair.contig and any(a <= start and end <= b for a, b in pair.reads)
    )


def depth_targets(available: dict[str, list[int]], percents: dict[str, int], excess: float) -> dict[str, list[int]]:
    """Fragments each component keeps at each variant: its percent of D, D a multiple of the unit.

    available[c][v] counts component c's simulated pairs covering variant v.
    D is the total available divided by excess, or less where a component has
    fewer pairs than its share, rounded down to a multiple of 100 / gcd(percents),
    the smallest D that every share divides.
    """
    unit = 100 // math.gcd(*percents.values())
    n_variants = len(next(iter(available.values())))
    depth = []
    for v in range(n_variants):
        limit = min(
            sum(counts[v] for counts in available.values()) / excess,
            *(available[c][v] * 100 / percent for c, percent in percents.items()),
        )
        depth.append(unit * math.floor(limit / unit + 1e-9))
    return {c: [d * percent // 100 for d in depth] for c, percent in percents.items()}


def select_pairs(
    covers: Sequence[tuple[int, ...]], targets: Sequence[int], keep: float, rng: random.Random
) -> list[bool]:
    """Which read pairs of one component to keep.

    Parameters
    ----------
    covers : sequence of tuple of int
        For each pair, the variants it covers (indices into targets, ascending).
    targets : sequence of int
        How many kept pairs should cover each variant.
    keep : float
        Probability of keeping a pair that covers no variant.
    rng : random.Random
        Seeded; the order in which pairs are tried and the draws come from it.

    Greedy: for each variant in turn, pairs in a shuffled order are kept while
    none of the variants they cover has reached its target. A variant left
    short (the pairs it still could take cover a neighbour that is full) then
    takes such a pair in exchange for a kept pair that covers exactly those
    full neighbours and not it. A variant's count never exceeds its target;
    it falls short only if no exchange exists.
    """
    order = list(range(len(covers)))
    rng.shuffle(order)
    kept = [False] * len(covers)
    count = [0] * len(targets)
    by_variant: list[list[int]] = [[] for _ in targets]
    for i in order:
        for v in covers[i]:
            by_variant[v].append(i)

    def take(i: int, sign: int = 1) -> None:
        kept[i] = sign > 0
        for v in covers[i]:
            count[v] += sign

    for v, candidates in enumerate(by_variant):
        for i in candidates:
            if count[v] >= targets[v]:
                break
            if not kept[i] and all(count[w] < targets[w] for w in covers[i]):
                take(i)
    progress = True
    while progress:
        progress = False
        for v, candidates in enumerate(by_variant):
            for i in candidates:
                if count[v] >= targets[v]:
                    break
                if kept[i]:
                    continue
                full = tuple(w for w in covers[i] if count[w] >= targets[w])
                swap = next((j for j in by_variant[full[0]] if kept[j] and covers[j] == full), None) if full else None
                if full and swap is None:
                    continue
                if swap is not None:
                    take(swap, -1)
                take(i)
                progress = True
    draws = [rng.random() for _ in covers]
    return [k or (not covers[i] and draws[i] < keep) for i, k in enumerate(kept)]


def simulate_dna(
    workdir: Path,
    contigs: dict[str, str],
    planted: Sequence[Planted],
    hla: HlaDesign,
    sample: str,
    out_bam: Path,
) -> list[dict[str, int]]:
    """ART reads from every component of a sample, aligned with bwa mem.

    chr1 and chr2 read pairs are simulated at THIN_EXCESS times the coverage and
    thinned so that every planted variant gets exactly each component's share
    (thin_to_planted_shares); returns, per planted variant, the kept pairs
    covering it by component.

    chr6's reads (the HLA genes) come from separate ART runs at HLA_COVERAGE,
    not thinned, and a separate bwa run, so they do not change the reads or
    alignments on chr1 and chr2 (nor these theirs).
    """
    components, total = (
        (NORMAL_COMPONENTS, NORMAL_COVERAGE) if sample == "normal" else (TUMOR_COMPONENTS, TUMOR_COVERAGE)
    )
    haplotypes = {}
    for name, (hap, _) in components.items():
        edits = component_edits(planted, name, hap)
        haplotypes[name] = [(c, apply_edits(seq, [e for e in edits if e.contig == c])) for c, seq in contigs.items()]
    pairs = {
        name: _art_pairs(workdir, haplotypes[name], total * percent / 100 * THIN_EXCESS, f"{sample}.{name}")
        for name, (_, percent) in components.items()
    }
    kept, realized = thin_to_planted_shares(pairs, planted, components, THIN_EXCESS, sample)
    with open(workdir / f"{sample}_1.fq", "w") as r1, open(workdir / f"{sample}_2.fq", "w") as r2:
        for name in components:
            for pair, keep in zip(pairs[name], kept[name]):
                if keep:
                    r1.write(f"@{sample}.{name}.{pair.fastq[0][1:]}")
                    r2.write(f"@{sample}.{name}.{pair.fastq[1][1:]}")
    with open(workdir / f"{sample}_hla_1.fq", "w") as r1, open(workdir / f"{sample}_hla_2.fq", "w") as r2:
        for name, (hap, percent) in components.items():
            records = [("chr6", hla.haplotypes[hap])]
            _art(workdir, records, HLA_COVERAGE * percent / 100, f"{sample}.{name}.chr6", f"{sample}.{name}.", (r1, r2))
    read_group = f"@RG\\tID:{SAMPLES[sample]}\\tSM:{SAMPLES[sample]}"
    bwa = ["bwa", "mem", "-t", THREADS, "-K", "10000000", "-R", read_group, "genome.fa"]
    _run([*bwa, f"{sample}_1.fq", f"{sample}_2.fq"], workdir, stdout=workdir / f"{sample}.sam")
    _run([*bwa, f"{sample}_hla_1.fq", f"{sample}_hla_2.fq"], workdir, stdout=workdir / f"{sample}_hla.sam")
    with open(workdir / f"{sample}.sam", "a") as sam, open(workdir / f"{sample}_hla.sam") as extra:
        sam.writelines(line for line in extra if not line.startswith("@"))
    (workdir / f"{sample}_hla.sam").unlink()
    _sort_index(workdir, f"{sample}.sam", out_bam)
    return realized


def simulate_rna(
    workdir: Path, contigs: dict[str, str], genes: Sequence[Gene], planted: Sequence[Planted], out_bam: Path
) -> None:
    """ART reads from the spliced mRNAs of the tumor components, aligned with minimap2 -ax splice.

    Single reads: minimap2 2.24 does not pair reads in splice mode (--frag and
    --splice exclude each other), and unpaired mates with one name make an
    awkward BAM.
    """
    with open(workdir / "rna.fq", "w") as reads:
        for name, (hap, percent) in TUMOR_COMPONENTS.items():
            edits = component_edits(planted, name, hap)
            edited = {c: apply_edits(seq, [e for e in edits if e.contig == c]) for c, seq in contigs.items()}
            for gene in genes:
                for t in gene.transcripts:
                    coverage = RNA_COVERAGE[t.transcript_id] * percent / 100
                    if coverage == 0:
                        continue
                    on_contig = [e for e in edits if e.contig == t.contig]
                    records = [(t.transcript_id, t.mrna(edited[t.contig], on_contig))]
                    _art(workdir, records, coverage, f"rna.{name}.{t.transcript_id}", f"rna.{name}.", (reads,))
    read_group = f"@RG\\tID:{SAMPLES['rna']}\\tSM:{SAMPLES['rna']}"
    _run(
        ["minimap2", "-ax", "splice", "-t", THREADS, "--secondary=no", "-R", read_group, "genome.fa", "rna.fq"],
        workdir,
        stdout=workdir / "rna.sam",
    )
    _sort_index(workdir, "rna.sam", out_bam)


def _sort_index(workdir: Path, sam: str, out_bam: Path) -> None:
    """Coordinate-sort into out_bam (no @PG of samtools itself) and index it."""
    _run(["samtools", "sort", "--no-PG", "-@", THREADS, "-l", "9", "-T", "sort_tmp", "-o", str(out_bam), sam], workdir)
    _run(["samtools", "index", str(out_bam)], workdir)
    (workdir / sam).unlink()


# ----------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


FILES = (
    (
        "`genome.fa`, `genome.fa.fai`",
        "reference: random contigs `chr1` and `chr2` (GC about 45 %) with the six genes, and `chr6` with three "
        "synthetic HLA class I genes",
    ),
    (
        "`annotation.gtf`",
        "six protein-coding genes, Ensembl GTF style: gene, transcript, exon, CDS (with phase; the stop "
        'codon excluded), start_codon, stop_codon, five/three_prime_utr; tag "Ensembl_canonical"',
    ),
    (
        "`normal.bam` (+ `.bai`)",
        "normal DNA, sample `demo_normal`: ART HiSeq 2500 read pairs, 2 x 125 bp, fragments 350 +- 50 bp, "
        "aligned with `bwa mem`",
    ),
    ("`tumor.bam` (+ `.bai`)", "tumor DNA, sample `demo_tumor`: simulated and aligned the same way"),
    (
        "`tumor_rna.bam` (+ `.bai`)",
        "tumor RNA, sample `demo_tumor_rna`: ART HiSeq 2500 single 125 bp reads from the spliced mRNAs, "
        "aligned with `minimap2 -ax splice`",
    ),
    ("`truth.tsv`", "every planted variant and what the workflow should conclude about it"),
    (
        "`hla_reference.fa`",
        "the built-in HLA typer's allele reference for the demo: 22 SYNTHETIC class I alleles (exon 1, exons 2-3, "
        "75 bases of exon 4), not IPD-IMGT/HLA sequences",
    ),
    ("`hla_truth.tsv`", "every synthetic HLA allele: the patient's six, the genome's and the decoys"),
    ("`make_demo.py`", "the generator (it also writes this README)"),
)


VARIANT_TABLE_HEADER = (
    "chrom:pos", "ref>alt", "origin", "class", "gene", "protein_change", "tumor VAF", "tumor reads",
    "normal VAF", "normal reads", "carried by",
)  # fmt: skip


def readme_text(
    genes: Sequence[Gene],
    rows: Sequence[dict[str, str]],
    hla: HlaDesign,
    sizes: dict[str, int],
    depths: dict[str, str],
    realized: dict[str, dict[str, tuple[float, int]]],
) -> str:
    """README.md of the demo, from the design and the files written."""
    gene_table = _table(
        ("gene", "gene_id", "transcripts", "location (1-based)", "strand", "exons", "CDS codons", "RNA coverage"),
        (
            (
                g.name,
                g.gene_id,
                "<br>".join(
                    f"{t.transcript_id} ({t.transcript_name}, {'canonical' if t.canonical else 'skips an exon'})"
                    for t in g.transcripts
                ),
                f"{g.contig}:{g.start + 1}-{g.end}",
                g.strand,
                len(g.canonical.exons),
                (g.canonical.cds_end - g.canonical.cds_start) // 3,
                " + ".join(f"{RNA_COVERAGE[t.transcript_id]}x" for t in g.transcripts),
            )
            for g in genes
        ),
    )
    variant_table = _table(
        VARIANT_TABLE_HEADER,
        (
            (
                f"{r['chrom']}:{r['pos']}",
                f"{r['ref']}>{r['alt']}",
                r["origin"],
                r["variant_class"],
                f"{r['gene_name']} ({r['strand']})",
                r["protein_change"],
                r["tumor_vaf"],
                "{:.3f} of {}".format(*realized["tumor"][f"{r['chrom']}:{r['pos']}"]),
                r["normal_vaf"],
                "{:.3f} of {}".format(*realized["normal"][f"{r['chrom']}:{r['pos']}"]),
                r["tumor_components"],
            )
            for r in rows
        ),
    )
    components = [
        (name, "normal DNA", f"hap{hap}", f"{percent} %", f"{NORMAL_COVERAGE * percent // 100}x")
        for name, (hap, percent) in NORMAL_COMPONENTS.items()
    ] + [
        (name, "tumor DNA and RNA", f"hap{hap}", f"{percent} %", f"{TUMOR_COVERAGE * percent // 100}x")
        for name, (hap, percent) in TUMOR_COMPONENTS.items()
    ]
    hla_genes = _table(
        ("gene", "location (1-based)", "strand", "exons (1-based)", "genome allele", "hap1", "hap2"),
        (
            (
                f"HLA-{locus}",
                f"chr6:{start + 1}-{end}",
                strand,
                ", ".join(f"{a + 1}-{b}" for a, b in exons),
                f"{locus}*99:01",
                HLA_GENOTYPE[1][locus],
                HLA_GENOTYPE[2][locus],
            )
            for locus, strand, start, end, exons in hla.genes
        ),
    )
    hla_alleles = _table(
        HLA_TRUTH_COLUMNS,
        (
            (a.name, f"HLA-{a.locus}", a.role, f"hap{a.haplotype}" if a.haplotype else "", a.made_from)
            for a in sorted(hla.alleles, key=lambda a: (a.locus, a.name))
        ),
    )
    return README_TEMPLATE.format(
        seed=SEED,
        excess=f"{THIN_EXCESS:g}",
        margin=THIN_MARGIN,
        hla_genes=hla_genes,
        hla_alleles=hla_alleles,
        hla_coverage=HLA_COVERAGE,
        files=_table(("file", "what"), FILES),
        genes=gene_table,
        components=_table(("component", "sample", "haplotype", "fraction", "DNA coverage"), components),
        variants=variant_table,
        depths="\n".join(f"- {line}" for line in depths.values()),
        sizes=_table(("file", "bytes"), ((name, f"{size:,}") for name, size in sizes.items())),
        total=f"{sum(sizes.values()) / 1e6:.1f} MB",
    )


README_TEMPLATE = """\
# The neoag demo patient

<!-- Written by make_demo.py together with the data: edit the template there, not this file. -->

A small, fully synthetic tumor/normal patient that the workflow's defaults and
integration tests run on. Everything here (the genome, the genes, the reads) is
made up by `make_demo.py` from a fixed seed ({seed}); nothing derives from human
or other real data, so it is free of licence and privacy constraints and can be
redistributed with neoag.

{files}

## Genes

Each gene has 4-7 exons, introns of 150-600 bp (GTRAGT donor, pyrimidine tract,
YAG acceptor), a 5'UTR of 50-150 bp without ATG, a 3'UTR of 150-400 bp, and a
CDS of random sense codons from ATG to a stop; at least one codon per gene is
split by an intron (non-zero CDS phases). Every 3'UTR has a stop codon in all
three frames (in frame with the CDS 10-30 codons in), so a stop-loss extension
and every frameshift end inside the transcript. Genes are 800-1500 bp apart.
"RNA coverage" is the fold coverage of each transcript's mRNA in the tumor RNA.

{genes}

## Tumor model

Reads come from read sources ("components"), each one haplotype of the genome
(hap1 or hap2) with the variants it carries; a sample's coverage is split
between its components by the fractions below. A somatic variant's planted VAF
is the sum of the fractions of the components that carry it; a germline
variant is on hap1 or hap2 and so in every component built on that haplotype
(VAF 0.5 in the normal, 0.6 or 0.4 in the tumor). This is a read-mixture model,
not a phylogeny: a few somatic variants sit on both Ta (hap1) and Tb (hap2) to
reach VAF 0.6.

{components}

The DNA reads realize these fractions exactly at every planted variant, not
just on average. ART draws read positions at random, so simulating each
component at its share of the coverage gives each variant a binomial share of
reads from the components that carry it (at 200x a planted VAF of 0.50 came
out at 0.43). So each component's chr1/chr2 reads are simulated at
{excess}x its coverage and then thinned, read pair by read pair: at every
planted variant (somatic and germline) each component keeps exactly its
percent of D pairs covering the variant, where D is the number of simulated
pairs covering it divided by {excess} (less where a component has fewer than
its share), rounded down to a multiple of 10 in the tumor and of 2 in the
normal; pairs that cover no planted variant are kept at random with
probability 1/{excess}. A pair covers a variant when one of its reads covers
the variant's bases and {margin} more on each side, on the source sequence
(ART's ALN files say where each read came from); a pair that covers several
nearby variants counts for each (greedy selection, then exchanges). The
selection is seeded, like everything else. "tumor reads" and "normal reads"
in the table of planted variants below give, for the kept pairs covering each
variant, the share that come from a read source carrying it and how many
there are. Measured on the aligned reads (soft clips, mapping quality and
which reads are informative differ a little), a VAF is then off only by a few
fragments: `bench/calling.py` reports it. The chr6 (HLA) and RNA reads are
not thinned.

The tumor RNA comes from the same tumor components in the same proportions
(DMG6 is not expressed; 30 % of DMG3's RNA is its exon-skipping isoform). Read
names start with their source (`normal.H1.`, `tumor.Ta.`, `rna.Tb.`, ...) and
go on with ART's name (source sequence and a counter).

Measured (`samtools depth -a` over the whole genome; `samtools view -c`):

{depths}

## HLA class I genes (synthetic)

`chr6` holds three synthetic class I genes laid out like HLA-A (+ strand),
HLA-B and HLA-C (- strand): exons 1-4 of 73, 270, 276 and 276 bp (leader,
alpha-1, alpha-2, alpha-3 domains) and introns of 130, 250 and 580 bp. The
genome's `chr6` carries "reference haplotype" alleles (`A*99:01`, `B*99:01`,
`C*99:01`, as GRCh38 carries one person's HLA haplotype); the patient's
haplotypes carry the six alleles of the sample sheet, so its HLA reads differ
from the genome at about 3-4 % of exons 2-3 and some of them stay unmapped.
DNA reads from `chr6` are simulated at {hla_coverage}x in each sample (split
between the components as above) and aligned in a separate bwa run, so the
reads and alignments on `chr1` and `chr2` are the same as without `chr6`.
`chr6` has no genes in `annotation.gtf`: neoag does not look for epitopes in
HLA genes.

{hla_genes}

Every sequence is random: the backbone of HLA-A is a random open reading
frame, HLA-B's differs from it at 12 % of the bases and HLA-C's from HLA-B's
at 12 %, and each allele changes its locus's backbone in exons 2 and 3 (the
only part that tells class I alleles apart) and at one base of exon 1 and of
exon 4. **The names of the patient's alleles are real names (the demo model
and the sample sheet use them) but their sequences are not the real ones.**
The decoys are named `*99:nn`, a group that IPD-IMGT/HLA does not use, except
`A*02:09`, which differs from `A*02:01` only outside exons 2-3, as the real
A*02:09 does: the typer must report the two as tied, and pick A*02:01 (the one
the demo model supports, and the lower number) for scoring.

`hla_reference.fa` is the built-in typer's allele reference for the demo, in
the layout of IMGT-derived exon 2-3 references: exon 1 of the locus's genome
allele, the allele's exons 2 and 3, and the first 75 bases of the genome
allele's exon 4. `hla_truth.tsv` lists the alleles:

{hla_alleles}

Typing the normal with neoag's built-in typer must give the six patient
alleles (HLA-A*02:01 tied with HLA-A*02:09).

## Planted variants (truth.tsv)

{variants}

Designed cases: a somatic SNV on the second-to-last base of an exon (DMG2); a germline
SNP 6-15 bp from a somatic SNV, both on hap1 (in cis, DMG4); an in-frame
insertion (DMG1) and a 2-codon deletion (DMG4) at codon boundaries; a 1-bp
insertion frameshift on the + strand (DMG3) and a 1-bp deletion frameshift on
the - strand (DMG2); a stop-loss (DMG5); three somatic SNVs in a gene that is
not expressed (DMG6); a gene with two isoforms (DMG3; no variant in the skipped
exon, but positions downstream of it differ between the two proteins). Planted
variants are at least 30 bp apart (the cis pair excepted), at least 25 codons
apart within a gene, never two in one codon, and other variants in a gene with
a frameshift lie upstream of it.

Columns of truth.tsv:

- `chrom`, `pos`, `ref`, `alt`: as in a VCF (1-based; indels with the preceding
  base). Indels sit where no repeat lets them slide, so this is also their
  left-aligned (and HGVS 3'-most) position.
- `origin`: somatic or germline. `variant_class`: missense, inframe_insertion,
  inframe_deletion, frameshift, stop_lost, intronic.
- `gene_name`, `gene_id`, `transcript_id`, `strand`: the gene and its canonical
  transcript, on which every variant is described.
- `protein_change`: HGVS 3-letter protein notation, computed from the design,
  positions 1-based from Met1. Frameshift `p.Lys45ArgfsTer12`: Ter counted
  with the first changed residue (Arg45) as 1. Extension `p.Ter300GlnextTer12`:
  the new stop is 12 positions after the old one (Gln300 + 11 residues + stop),
  as in HGVS `p.*110Glnext*17`. `.` for the intronic SNP.
- `tumor_vaf`, `normal_vaf`: planted allele fractions. `tumor_components`: the
  tumor read sources that carry the variant.
- `mt_context`: the mutant protein from 10 residues before the first changed
  residue to 10 after the last one (a deletion: 10 on each side of the
  junction; frameshift and stop-loss: up to the new stop, not included),
  clipped at the protein ends. It is read from the haplotype that carries the
  variant with that haplotype's germline variants, so the somatic SNV of the
  cis pair shows the germline change too; a germline row shows its own change.

## Regenerate

    bash envs/install-local.sh        # once: the tools and .venv
    .venv/bin/python resources/demo/make_demo.py

It needs `art_illumina` (ART 2.5.8, Debian package art-nextgen-simulation-tools),
`bwa` 0.7.17, `minimap2` 2.24 and `samtools` 1.16 on PATH and Python 3.11
(standard library only), and takes about 15 seconds. FASTQ files, the bwa index
and the haplotype sequences stay in a temporary directory (`--keep-workdir`
keeps it). The output is deterministic: with the same tool versions a rerun
gives byte-identical files, including the BAMs, whose headers hold no paths,
dates or samtools @PG lines. Other versions of ART, bwa or minimap2 give other
reads; the genome, GTF, truth and HLA files depend on Python only.

## Sizes

{sizes}

Total: {total}.
"""


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------


def design(seed: int = SEED) -> tuple[dict[str, str], list[Gene], list[Planted]]:
    """The whole design from one seed: contigs, genes, planted variants (no files, no tools)."""
    rng = random.Random(seed)
    contigs, genes = build_genome(rng)
    planted = plant_variants(rng, contigs, genes)
    return contigs, genes, planted


def truth_text(rows: Sequence[dict[str, str]]) -> str:
    """truth.tsv content."""
    lines = ["\t".join(TRUTH_COLUMNS)] + ["\t".join(row[c] for c in TRUTH_COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def realized_vafs(
    planted: Sequence[Planted], kept: Sequence[dict[str, int]], components: dict[str, tuple[int, int]]
) -> dict[str, tuple[float, int]]:
    """Variant ("chrom:pos", 1-based) -> (share of a sample's kept pairs covering it that carry it, pairs).

    kept is what simulate_dna returns for the sample; sorted by chrom and pos, as truth.tsv.
    """
    out = {}
    for p, counts in sorted(zip(planted, kept), key=lambda x: (x[0].edit.contig, x[0].edit.pos0)):
        carriers = sum(n for c, n in counts.items() if p.carried_by(c, components[c][0]))
        out[f"{p.edit.contig}:{p.edit.pos0 + 1}"] = (carriers / sum(counts.values()), sum(counts.values()))
    return out


def _depths(out: Path) -> dict[str, str]:
    """One line per BAM: mean depth on chr1-chr2 and on chr6 (DNA), or number of reads (RNA)."""
    lines = {}
    for name in ("normal", "tumor"):
        result = subprocess.run(
            ["samtools", "depth", "-a", f"{name}.bam"], cwd=out, capture_output=True, text=True, check=True
        )
        depths: dict[bool, list[int]] = {False: [], True: []}
        for line in result.stdout.splitlines():
            contig, _, depth = line.split("\t")
            depths[contig == "chr6"].append(int(depth))
        mean = {key: sum(values) / len(values) for key, values in depths.items()}
        lines[name] = f"`{name}.bam`: mean depth {mean[False]:.1f}x on chr1 and chr2, {mean[True]:.1f}x on chr6"
    result = subprocess.run(
        ["samtools", "view", "-c", "tumor_rna.bam"], cwd=out, capture_output=True, text=True, check=True
    )
    lines["rna"] = f"`tumor_rna.bam`: {int(result.stdout)} reads"
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument(
        "--no-reads", action="store_true", help="write only genome, GTF, truth and HLA files (no README)"
    )
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temporary directory (FASTQ, SAM)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    missing = [tool for tool in (("samtools",) if args.no_reads else TOOLS) if shutil.which(tool) is None]
    if missing:
        sys.exit(f"make_demo: {', '.join(missing)} not on PATH; install them with envs/install-local.sh")

    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    contigs, genes, planted = design()
    hla = hla_design()
    write_fasta(out / "genome.fa", [*contigs.items(), ("chr6", hla.reference)])
    _run(["samtools", "faidx", "genome.fa"], out)
    (out / "annotation.gtf").write_text("\n".join(gtf_lines(genes)) + "\n")
    rows = truth_rows(contigs, planted)
    (out / "truth.tsv").write_text(truth_text(rows))
    write_fasta(out / "hla_reference.fa", hla_reference_records(hla.alleles), width=10**6)
    (out / "hla_truth.tsv").write_text(hla_truth_text(hla))
    if args.no_reads:
        return

    workdir = Path(tempfile.mkdtemp(prefix="neoag_demo_"))
    try:
        shutil.copy(out / "genome.fa", workdir / "genome.fa")
        _run(["bwa", "index", "genome.fa"], workdir)
        realized = {}
        for sample, components in (("normal", NORMAL_COMPONENTS), ("tumor", TUMOR_COMPONENTS)):
            kept = simulate_dna(workdir, contigs, planted, hla, sample, (out / f"{sample}.bam").resolve())
            realized[sample] = realized_vafs(planted, kept, components)
        simulate_rna(workdir, contigs, genes, planted, (out / "tumor_rna.bam").resolve())
    finally:
        if args.keep_workdir:
            print(f"make_demo: kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir)

    names = ["genome.fa", "genome.fa.fai", "annotation.gtf", "truth.tsv", "hla_reference.fa", "hla_truth.tsv"]
    names += [f for b in ("normal", "tumor", "tumor_rna") for f in (f"{b}.bam", f"{b}.bam.bai")]
    sizes = {name: (out / name).stat().st_size for name in names}
    (out / "README.md").write_text(readme_text(genes, rows, hla, sizes, _depths(out), realized))
    for sample in ("normal", "tumor"):
        worst = max(abs(vaf - float(r[f"{sample}_vaf"])) for r, (vaf, _) in zip(rows, realized[sample].values()))
        print(f"make_demo: {sample} reads realize every planted VAF within {worst:.3f}", file=sys.stderr)
    print(f"make_demo: wrote {out} in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
