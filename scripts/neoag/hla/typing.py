"""neoag's built-in HLA class I typer: reads -> razers3 hits -> an ILP picks the alleles.

This module runs the steps and writes the typing table; each step is its own module:

1. ``reference.read_hla_reference``: the allele reference (IMGT/HLA-style FASTA,
   e.g. exons 2-3 of every HLA-A, -B and -C allele), with identical sequences
   collapsed, so alleles that the reference cannot tell apart are one candidate.
2. ``prefilter.prefilter_fragments``: keep read pairs (or single reads) that
   share an exact k-mer with the reference; everything else (most of the
   region's and the unmapped reads) is dropped before mapping, which keeps
   memory small.
3. ``razers.run_razers3`` + ``razers.read_razers_hits``: every mate mapped on
   its own to every distinct allele sequence. Bases below ``min_base_quality``
   are masked (N, which razers3 lets match any base), so most sequencing errors
   neither support nor contradict an allele. razers3 searches at
   ``mapping_identity`` (95 %; its filter counts N as an error) and hits with
   more than ``100 - min_identity`` % errors (97 %: 3 in 100 bases) are then
   dropped, which keeps reads of paralogs and pseudogenes out. With a genomic
   reference (neoag.hla.genomic: headers with typed= exon 2-3 positions),
   razers3 keeps every hit within ``mapping_identity`` and
   ``rescore.rescore_hits`` recounts each hit's errors over the allele's exons
   2-3 only; a hit counts if it covers ``min_exon_overlap`` exon bases with at
   most ``100 - min_identity`` % errors there: intron bases never vote.
4. ``fragments.fragment_classes``: per fragment (read pair or single read) the
   alleles that explain it best: only alleles hit by all of its mapped mates
   count, scored by the sum of the mates' errors, and only the minimum is kept.
   A fragment whose best alleles lie in more than one locus is dropped.
   Fragments with the same best-allele set become one weighted "class".
5. ``ilp.solve_locus``: per locus an integer linear program in the spirit of
   OptiType (Szolek et al., Bioinformatics 2014): choose one or two alleles that
   explain the most fragments, a second allele costing ``het_penalty`` x the
   locus's fragments (at least ``min_het_reads``), so noise cannot make a
   homozygous locus heterozygous; a second allele must also hold
   ``min_allele_balance`` of the fragments that tell the two apart. Alleles
   that explain the same fragments equally well are reported as ties, never
   silently resolved.

docs/hla_typing.md explains the model and the accuracy measured by bench/hla_typing.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neoag.columns import HLA_TYPING
from neoag.hla.fastx import read_fastq, read_fastq_pairs
from neoag.hla.fragments import HitClasses, fragment_classes
from neoag.hla.ilp import LocusCall, solve_locus
from neoag.hla.names import LOCI, allele_sort_key, normalise_allele, two_field_name
from neoag.hla.prefilter import prefilter_fragments, reference_kmer_loci
from neoag.hla.razers import find_razers3, read_razers_table, run_razers3, write_mapping_fasta
from neoag.hla.reference import HlaReference, read_hla_reference
from neoag.hla.rescore import read_fasta_reads, rescore_razers_file

# With a genomic reference razers3 keeps every hit within mapping_identity: its error counts include
# intron bases, which are rescored away (neoag.hla.rescore), so "best + distance_range" over the whole
# mate would let intron differences decide which alleles a mate hits at all.
GENOMIC_DISTANCE_RANGE = 1000


@dataclass(frozen=True)
class TypingSettings:
    """Settings of the built-in typer (config key hla.builtin; see config/README.md)."""

    mapping_identity: float = 95.0
    min_identity: float = 97.0
    distance_range: int = 1
    het_penalty: float = 0.03
    min_het_reads: float = 2.5
    min_allele_balance: float = 0.15
    min_locus_reads: int = 20
    min_exon_overlap: int = 20
    kmer: int = 20
    kmer_step: int = 10
    max_locus_fragments: int = 1000
    min_base_quality: int = 20
    max_masked_fraction: float = 0.2
    max_hits: int = 100000
    razers3: str = "razers3"


@dataclass
class TypingResult:
    """Per locus the ILP's call (None when no fragment reached the locus), and counts."""

    loci: dict[str, LocusCall | None]
    counts: dict[str, int]


def type_reads(
    reference: HlaReference,
    pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]],
    singles: Iterable[tuple[str, str]],
    settings: TypingSettings,
    workdir: str | os.PathLike,
) -> tuple[TypingResult, HitClasses]:
    """Type HLA-A, -B and -C from read pairs and single reads, each read (sequence, quality)."""
    workdir = Path(workdir)
    kmers = reference_kmer_loci(reference, settings.kmer)
    reads_fasta, reference_fasta, hits_path = workdir / "reads.fa", workdir / "alleles.fa", workdir / "hits.razers"
    kept = prefilter_fragments(
        pairs,
        singles,
        kmers,
        settings.kmer,
        settings.kmer_step,
        settings.min_base_quality,
        settings.max_masked_fraction,
        reads_fasta,
        settings.max_locus_fragments,
    )
    del kmers
    counts = {"fragments": kept.fragments_in, "prefiltered": kept.fragments_kept}
    print(
        f"prefilter: {kept.fragments_kept} of {kept.fragments_in} fragments share a {settings.kmer}-mer "
        "with the reference" + (" (after subsampling)" if kept.subsampled else ""),
        file=sys.stderr,
    )
    for group, (taken, found) in kept.subsampled.items():
        print(f"subsampled HLA-{group}: {taken} of {found} fragments (max_locus_fragments)", file=sys.stderr)
        for locus in group.split(","):
            counts[f"subsampled_{locus}"] = counts.get(f"subsampled_{locus}", 0) + found - taken
    if kept.fragments_kept:
        write_mapping_fasta(reference, reference_fasta)
        run_razers3(
            find_razers3(settings.razers3),
            reference_fasta,
            reads_fasta,
            hits_path,
            settings.mapping_identity,
            GENOMIC_DISTANCE_RANGE if reference.typed else settings.distance_range,
            settings.max_hits,
        )
    if reference.typed and kept.fragments_kept:
        # a genomic reference: errors over exons 2-3 only; mates with few exon bases decide nothing
        hits, dropped = rescore_razers_file(
            hits_path, read_fasta_reads(reads_fasta), reference.sequences, reference.typed,
            settings.min_exon_overlap, settings.min_identity,
        )  # fmt: skip
        counts.update(dropped)
    else:
        hits = read_razers_table(hits_path, settings.min_identity)
    print(f"razers3: {len(hits['read'])} hits of {len(np.unique(hits['read']))} reads", file=sys.stderr)
    read_ids, allele_ids, errors = hits["read"], hits["allele"], hits["errors"]
    del hits
    classes = fragment_classes(read_ids, allele_ids, errors, kept.read_fragment, reference.loci)
    del read_ids, allele_ids, errors
    counts.update(classes.counts)
    loci: dict[str, LocusCall | None] = {}
    for locus in LOCI:
        chosen = [i for i, class_locus in enumerate(classes.locus) if class_locus == locus]
        counts[f"fragments_{locus}"] = int(classes.weights[chosen].sum()) if chosen else 0
        if not chosen:
            loci[locus] = None
            continue
        loci[locus] = solve_locus(
            [classes.members[i] for i in chosen],
            classes.weights[chosen],
            settings.het_penalty,
            settings.min_het_reads,
            settings.min_allele_balance,
        )
    return TypingResult(loci, counts), classes


def call_rows(result: TypingResult, reference: HlaReference, min_locus_reads: int) -> list[dict[str, str]]:
    """Rows of the typing table (columns.HLA_TYPING), loci in order, alleles by name within a locus.

    The allele of a row is the lowest-numbered two-field name among its ties.
    """
    rows = []
    for locus in LOCI:
        call = result.loci.get(locus)
        if call is None or not call.calls:
            row = dict.fromkeys(HLA_TYPING, "")
            row.update(locus=f"HLA-{locus}", locus_reads="0", flags="not_typed")
            rows.append(row)
            continue
        locus_rows = []
        for allele_call in call.calls:
            records = sorted((n for s in allele_call.tied for n in reference.names[s]), key=allele_sort_key)
            two_field = list(dict.fromkeys(two_field_name(n) for n in records))
            two_field = [normalise_allele(n, "HLA reference") for n in two_field]
            flags = []
            if call.homozygous:
                flags.append("homozygous")
            if len(two_field) > 1:
                flags.append("tie")
            if call.locus_reads < min_locus_reads:
                flags.append("low_coverage")
            if result.counts.get(f"subsampled_{locus}", 0):
                flags.append("subsampled")
            locus_rows.append(
                {
                    "locus": f"HLA-{locus}",
                    "allele": two_field[0],
                    "copies": "2" if call.homozygous else "1",
                    "tied_alleles": ",".join(two_field) if len(two_field) > 1 else "",
                    "matched_records": ",".join(records),
                    "reads": str(allele_call.reads),
                    "unique_reads": str(allele_call.unique_reads),
                    "margin_reads": "" if allele_call.margin_reads is None else str(allele_call.margin_reads),
                    "locus_reads": str(call.locus_reads),
                    "flags": ",".join(flags),
                    "_key": allele_sort_key(records[0]),
                }
            )
        for row in sorted(locus_rows, key=lambda r: r.pop("_key")):
            rows.append(row)
    return rows


def _log_candidates(classes: HitClasses, reference: HlaReference, top: int = 5) -> None:
    """The best-supported candidates of each locus (fragments explained), for the log."""
    for locus in LOCI:
        support: dict[int, int] = {}
        for members, weight, class_locus in zip(classes.members, classes.weights, classes.locus):
            if class_locus == locus:
                for allele in members:
                    support[int(allele)] = support.get(int(allele), 0) + int(weight)
        best = sorted(support.items(), key=lambda item: (-item[1], item[0]))[:top]
        text = ", ".join(f"{reference.names[a][0]} ({n})" for a, n in best)
        print(f"HLA-{locus} best-supported candidates (fragments): {text or 'none'}", file=sys.stderr)


def run_builtin_typing(
    reads_1: str, reads_2: str, reads_single: str | None, reference_fasta: str, out_tsv: str, settings: dict
) -> list[dict[str, str]]:
    """The built-in typer on read pairs (extracted from a BAM, or the sample sheet's hla_fastq1/2,
    plain or gzip, mates paired by name) and single reads (None: none) -> the typing table (TSV,
    columns.HLA_TYPING)."""
    import pandas as pd

    from neoag.tables import write_table

    options = TypingSettings(**settings)
    reference = read_hla_reference(reference_fasta)
    print(
        f"reference {reference_fasta}: {sum(len(n) for n in reference.names)} alleles, "
        f"{len(reference)} distinct sequences (skipped: {reference.skipped})",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="neoag_hla_") as workdir:
        result, classes = type_reads(
            reference,
            read_fastq_pairs(reads_1, reads_2),
            read_fastq(reads_single) if reads_single else (),
            options,
            workdir,
        )
    print(f"fragments: {result.counts}", file=sys.stderr)
    _log_candidates(classes, reference)
    rows = call_rows(result, reference, options.min_locus_reads)
    write_table(pd.DataFrame(rows, columns=list(HLA_TYPING)), out_tsv, columns=HLA_TYPING)
    for row in rows:
        print(f"{row['locus']}: {row['allele'] or '-'} {row['flags']}", file=sys.stderr)
    return rows
