"""Annotation stage: somatic VCF x transcripts -> annotations.tsv.

Two sources give the same table: neoag's own consequences from the GTF and
the genome FASTA (source 'gtf'), or a VEP-annotated VCF (source 'vep', see
neoag.annotation.vep). On the GTF path, germline and somatic neighbours that the reads
put in cis with a somatic variant go into its peptide context (neoag.annotation.neighbours).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

import pandas as pd

from neoag.annotation.consequences import PEPTIDE_CONSEQUENCES, ProteinChange, annotate, locate
from neoag.annotation.neighbours import Neighbour, NeighbourContext, Phaser
from neoag.annotation.rows import change_fields, intergenic_row, transcript_fields, variant_key
from neoag.annotation.vep import annotations_from_vep
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseSettings
from neoag.columns import ANNOTATION_TABLE
from neoag.errors import NeoagInputError
from neoag.tables import write_table
from neoag.transcript_cache import gtf_transcripts
from neoag.transcripts import Transcript, TranscriptIndex, genome_fetch, select_transcripts
from neoag.variants import Variant
from neoag.vcf import read_vcf_alleles


def annotate_vcf(
    vcf_path: str,
    gtf_path: str,
    fasta_path: str,
    out_path: str,
    transcripts: str = "all",
    source: str = "gtf",
    vep_vcf: str | None = None,
    germline_vcf: str | None = None,
    tumor_bam: str | None = None,
    normal_bam: str | None = None,
    rna_bam: str | None = None,
    phase_neighbours: bool = True,
    phasing: PhaseSettings | None = None,
    read_filters: ReadFilters | None = None,
    peptide_lengths: tuple[int, ...] = (8, 9, 10, 11),
    flank_length: int = 15,
    transcripts_cache: str | None = None,
) -> pd.DataFrame:
    """One row per (variant, overlapping protein-coding transcript); one
    'intergenic' row for a variant that overlaps none, so no variant vanishes.

    Parameters
    ----------
    vcf_path : somatic variants (one ALT per record).
    gtf_path, fasta_path : the reference annotation and genome.
    transcripts : 'all', 'canonical' or 'mane_select' (TRANSCRIPT_SETS).
    source : 'gtf' (neoag's own consequences) or 'vep' (CSQ of vep_vcf).
    germline_vcf, tumor_bam, normal_bam, rna_bam : the patient's germline
        variants and reads, for neighbours in cis (GTF path; phase_neighbours).
    peptide_lengths, flank_length : the peptides config; a neighbour matters
        when its residue falls within max(peptide_lengths) - 1 + flank_length
        residues of the change (it reaches a peptide or its flanks).
    transcripts_cache : the GTF parsed by rule parse_gtf (neoag.transcript_cache);
        without it the GTF's text is parsed here.
    """
    import pysam

    window_residues = max(peptide_lengths) - 1 + flank_length
    somatic = _read_somatic(vcf_path)
    phaser = None
    if phase_neighbours and tumor_bam:
        phaser = Phaser(
            [Neighbour(v, "somatic") for v in somatic],
            pysam.AlignmentFile(tumor_bam),
            pysam.AlignmentFile(rna_bam) if rna_bam else None,
            pysam.AlignmentFile(normal_bam) if normal_bam else None,
            phasing or PhaseSettings(),
            read_filters or ReadFilters(),
            germline_vcf=germline_vcf,
        )
    if source == "vep":
        return _annotate_from_vep(
            vcf_path, vep_vcf, fasta_path, out_path, transcripts, gtf_path, phaser, window_residues, transcripts_cache
        )

    all_transcripts = gtf_transcripts(gtf_path, fasta_path, transcripts_cache)
    selected = select_transcripts(all_transcripts, transcripts, gtf_path)
    index = TranscriptIndex(selected)
    genome = pysam.FastaFile(fasta_path)
    _check_contigs(all_transcripts, genome, gtf_path, fasta_path)
    sequence_of = _transcript_sequences(genome)

    rows, context_counts = [], Counter()
    for variant in somatic:
        start, ref, _ = variant.trimmed()
        overlapping = index.overlapping(variant.chrom, start, start + len(ref))
        if not overlapping:
            rows.append(intergenic_row(variant))
        for transcript in overlapping:
            change, context = _change_in_context(
                variant, transcript, sequence_of(transcript), phaser, window_residues, context_counts
            )
            rows.append(
                variant_key(variant) | transcript_fields(transcript) | change_fields(change) | context.columns()
            )
    selection = f"{len(selected)} of {len(all_transcripts)} protein-coding transcripts ({transcripts})"
    return _write(rows, out_path, selection, context_counts)


def _annotate_from_vep(
    vcf_path: str,
    vep_vcf: str | None,
    fasta_path: str,
    out_path: str,
    transcripts: str,
    gtf_path: str | None = None,
    phaser: Phaser | None = None,
    window_residues: int = 0,
    transcripts_cache: str | None = None,
) -> pd.DataFrame:
    """annotations.tsv from the CSQ of a VEP-annotated VCF (annotation.source: vep), with the
    phased neighbours applied as on the GTF path (vep_neighbours) when there are reads and a GTF."""
    import pysam

    if not vep_vcf:
        raise NeoagInputError(
            "annotation.source is 'vep' but the sample has no VEP-annotated VCF: fill its 'vcf' column "
            "in the sample sheet, or set annotation.source to 'gtf'."
        )
    genome = pysam.FastaFile(fasta_path)
    rows = annotations_from_vep(vcf_path, vep_vcf, genome.fetch, transcripts)
    context_counts: Counter = Counter()
    if phaser is not None and gtf_path:
        vep_neighbours(
            rows,
            gtf_transcripts(gtf_path, fasta_path, transcripts_cache),
            _transcript_sequences(genome),
            phaser,
            window_residues,
            context_counts,
        )
    return _write(rows, out_path, f"VEP CSQ of {vep_vcf}", context_counts)


def vep_neighbours(
    rows: list[dict],
    gtf_transcripts: list[Transcript],
    sequence_of: Callable[[Transcript], str],
    phaser: Phaser,
    window_residues: int,
    context_counts: Counter,
) -> None:
    """Put the phased neighbours of each peptide-making VEP row into its proteins, in place.

    The row's transcript is looked up in the GTF (by ID, with or without version); when
    the GTF's wild-type protein is VEP's WildtypeProtein, the neighbours are found, phased
    and applied exactly as on the GTF path and the row takes the patient's proteins and
    the neighbour columns. Rows whose transcript is missing from the GTF or differs from
    VEP's are left as VEP gave them and counted in context_counts.
    """
    by_id: dict[str, Transcript] = {}
    for transcript in gtf_transcripts:
        by_id.setdefault(transcript.transcript_id, transcript)
        by_id.setdefault(transcript.transcript_id.split(".")[0], transcript)
    for row in rows:
        if row["consequence"] not in PEPTIDE_CONSEQUENCES or not row["mt_protein"]:
            continue
        transcript = by_id.get(row["transcript_id"]) or by_id.get(row["transcript_id"].split(".")[0])
        if transcript is None:
            context_counts["vep_transcript_not_in_gtf"] += 1
            continue
        variant = Variant(row["chrom"], int(row["pos"]), row["ref"], row["alt"])
        sequence = sequence_of(transcript)
        if annotate(variant, transcript, sequence).wt_protein != row["wt_protein"]:
            context_counts["vep_protein_differs_from_gtf"] += 1
            continue
        change, context = _change_in_context(variant, transcript, sequence, phaser, window_residues, context_counts)
        if context.cis:
            row.update(wt_protein=change.wt_protein, mt_protein=change.mt_protein)
            row.update(mt_start=change.mt_start, mt_end=change.mt_end)
        row.update(context.columns())


def _transcript_sequences(genome) -> Callable[[Transcript], str]:
    """Transcript.spliced_sequence from an open pysam.FastaFile, the last 256 kept."""
    fetch = genome_fetch(genome)

    @lru_cache(maxsize=256)
    def sequence_of(transcript: Transcript) -> str:
        return transcript.spliced_sequence(fetch)

    return sequence_of


def _read_somatic(vcf_path: str) -> list[Variant]:
    """The somatic variants; an allele that cannot be annotated is an error (the somatic stage drops them)."""
    somatic = []
    for allele in read_vcf_alleles(vcf_path):
        if allele.skip_reason:
            raise NeoagInputError(
                f"{vcf_path}: {allele.chrom}:{allele.pos} has an allele neoag cannot annotate "
                f"({allele.skip_reason}); the somatic stage should have removed it."
            )
        somatic.append(allele.variant)
    return somatic


def _change_in_context(
    variant: Variant,
    transcript: Transcript,
    sequence: str,
    phaser: Phaser | None,
    window_residues: int,
    context_counts: Counter,
) -> tuple[ProteinChange, NeighbourContext]:
    """The variant's change on one transcript, with its phased neighbours (none without a
    phaser or for a change that makes no peptides); the neighbours in cis are applied
    to the proteins, and every neighbour is counted in context_counts by phase."""
    change = annotate(variant, transcript, sequence)
    context = NeighbourContext()
    if phaser is not None and change.consequence in PEPTIDE_CONSEQUENCES:
        edit = locate(variant, transcript)
        context = phaser.context(variant, transcript, edit, change, window_residues)
        if context.cis:
            change = annotate(variant, transcript, sequence, context.edits())
        context_counts.update({"cis": len(context.cis), "trans": len(context.trans), "unphased": len(context.unphased)})
    return change, context


def _write(rows: list[dict], out_path: str, source: str, context_counts: Counter) -> pd.DataFrame:
    """Write annotations.tsv (sorted) and log what the stage found and what makes no peptides."""
    table = pd.DataFrame(rows, columns=list(ANNOTATION_TABLE))
    for name in ("cis_variants", "trans_variants", "unphased_variants", "annotation_flags"):
        table[name] = table[name].fillna("")
    table = table.sort_values(["chrom", "pos", "ref", "alt", "transcript_id"], kind="stable").reset_index(drop=True)
    write_table(table, out_path, ANNOTATION_TABLE)
    counts = Counter(table.consequence)
    making = {c: counts[c] for c in PEPTIDE_CONSEQUENCES if counts[c]}
    dropped = {c: n for c, n in sorted(counts.items()) if c not in PEPTIDE_CONSEQUENCES}
    log = sys.stderr
    print(f"annotation source: {source}", file=log)
    print(f"{table.variant_id.nunique()} variants, {len(table)} variant-transcript pairs", file=log)
    print(
        f"make peptides: {sum(making.values())} pairs" + "".join(f", {c} {n}" for c, n in making.items()),
        file=log,
    )
    print(
        f"no peptides (kept in annotations.tsv, dropped from the peptides): {sum(dropped.values())} pairs"
        + "".join(f", {c} {n}" for c, n in dropped.items()),
        file=log,
    )
    flags = Counter(flag for cell in table.annotation_flags for flag in cell.split(",") if flag)
    if flags:
        print("flags: " + ", ".join(f"{f} {n}" for f, n in sorted(flags.items())), file=log)
    if context_counts:
        print(
            f"neighbours in the peptide windows: {context_counts['cis']} in cis (put into the peptides), "
            f"{context_counts['trans']} in trans, {context_counts['unphased']} unphased (reported only)",
            file=log,
        )
    for reason in ("vep_transcript_not_in_gtf", "vep_protein_differs_from_gtf"):
        if context_counts[reason]:
            print(f"neighbours not applied ({reason}): {context_counts[reason]} VEP rows", file=log)
    return table


def _check_contigs(transcripts: list[Transcript], genome, gtf_path: str, fasta_path: str) -> None:
    """Every GTF contig with a transcript must be in the FASTA (chr1 vs 1 is the usual slip)."""
    missing = sorted({t.chrom for t in transcripts} - set(genome.references))
    if missing:
        raise NeoagInputError(
            f"{gtf_path}: contigs {', '.join(missing[:5])} are not in the reference {fasta_path} "
            f"(which has {', '.join(genome.references[:5])}...). Use a GTF and a FASTA from the "
            "same assembly and naming convention ('chr1' vs '1')."
        )
