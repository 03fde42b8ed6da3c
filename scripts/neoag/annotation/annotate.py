"""Annotation stage: somatic VCF x transcripts -> annotations.tsv.

Two sources give the same table: neoag's own consequences from the GTF and
the genome FASTA (source 'gtf'), or a VEP-annotated VCF (source 'vep', see
neoag.annotation.vep). On the GTF path, germline and somatic neighbours that the reads
put in cis with a somatic variant go into its peptide context (neoag.calling.phasing).
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from neoag.annotation.consequences import (
    OPEN_ENDED,
    PEPTIDE_CONSEQUENCES,
    ProteinChange,
    TxEdit,
    annotate,
    locate,
    overlaps,
)
from neoag.annotation.transcripts import Transcript, TranscriptIndex, read_gtf, select_transcripts
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseCounts, PhaseSettings, chain, count_germline_phase, count_phase, phase_call
from neoag.columns import ANNOTATION_TABLE
from neoag.errors import NeoagInputError
from neoag.tables import write_table
from neoag.variants import Variant, unsupported_allele_reason
from neoag.vcf import read_vcf_alleles


@dataclass(frozen=True)
class Neighbour:
    """A variant near a somatic one that may share its haplotype."""

    variant: Variant
    origin: str  # 'germline' or 'somatic'
    normal_vaf: float | None = None

    @property
    def label(self) -> str:
        return f"{self.variant.variant_id}({self.origin})"


@dataclass
class NeighbourContext:
    """The neighbours of one somatic variant on one transcript, by phase."""

    cis: list[tuple[Neighbour, TxEdit]] = field(default_factory=list)
    trans: list[Neighbour] = field(default_factory=list)
    unphased: list[Neighbour] = field(default_factory=list)

    def edits(self) -> list[tuple[TxEdit, bool]]:
        return [(edit, neighbour.origin == "germline") for neighbour, edit in self.cis]

    def columns(self) -> dict[str, str]:
        return {
            "cis_variants": ",".join(n.label for n, _ in self.cis),
            "trans_variants": ",".join(n.label for n in self.trans),
            "unphased_variants": ",".join(n.label for n in self.unphased),
        }


class Phaser:
    """Finds and phases the neighbours of somatic variants from the reads.

    alignments: open pysam files (tumor DNA, tumor RNA or None, normal DNA or None).
    """

    def __init__(
        self,
        neighbours: list[Neighbour],
        tumor,
        rna,
        normal,
        settings: PhaseSettings,
        filters: ReadFilters,
        germline_vcf: str | None = None,
    ):
        """neighbours are held in memory (the somatic variants); the germline
        ones are read from germline_vcf region by region through its index."""
        self.germline = GermlineVariants(germline_vcf) if germline_vcf else None
        self.by_chrom: dict[str, list[Neighbour]] = {}
        for neighbour in sorted(neighbours, key=lambda n: n.variant):
            self.by_chrom.setdefault(neighbour.variant.chrom, []).append(neighbour)
        self.positions = {chrom: [n.variant.pos for n in listed] for chrom, listed in self.by_chrom.items()}
        self.tumor, self.rna, self.normal = tumor, rna, normal
        self.settings, self.filters = settings, filters
        self._phases: dict[tuple[Variant, Variant], str] = {}

    def near(self, chrom: str, start: int, end: int) -> list[Neighbour]:
        """Neighbours whose VCF position is in [start, end) (0-based), germline ones included."""
        positions = self.positions.get(chrom, [])
        listed = self.by_chrom.get(chrom, [])[
            bisect.bisect_right(positions, start) : bisect.bisect_right(positions, end)
        ]
        if self.germline is not None:
            listed = listed + self.germline.fetch(chrom, start, end)
        return sorted(listed, key=lambda n: n.variant)

    def phase(self, somatic: Variant, neighbour: Neighbour) -> str:
        """cis, trans or unknown, from the tumor DNA (and RNA) fragments."""
        key = (somatic, neighbour.variant)
        if key not in self._phases:
            if (
                neighbour.origin == "germline"
                and neighbour.normal_vaf is not None
                and neighbour.normal_vaf >= self.settings.homozygous_vaf
            ):
                self._phases[key] = "cis"  # homozygous: on both haplotypes
            else:
                counts = PhaseCounts()
                for alignments in (self.tumor, self.rna):
                    if alignments is not None:
                        counts += count_phase(alignments, somatic, neighbour.variant, self.filters)
                self._phases[key] = phase_call(counts, self.settings)
        return self._phases[key]

    def germline_phase(self, first: Neighbour, second: Neighbour) -> str:
        """Phase of two germline neighbours from the normal and tumor DNA fragments."""
        key = (first.variant, second.variant)
        if key not in self._phases:
            counts = PhaseCounts()
            for alignments in (self.normal, self.tumor):
                if alignments is not None:
                    counts += count_germline_phase(alignments, first.variant, second.variant, self.filters)
            self._phases[key] = phase_call(counts, self.settings)
        return self._phases[key]

    def context(
        self, somatic: Variant, transcript: Transcript, edit: TxEdit, change: ProteinChange, window_residues: int
    ) -> NeighbourContext:
        """Neighbours whose codons reach the peptides (and flanks) of this change, phased.

        A germline neighbour that no fragment links to the somatic variant is
        phased through another germline neighbour when possible (normal reads).
        """
        cds_start = transcript.cds_offset
        reach = 3 * window_residues + 2
        low = edit.start - reach
        if change.consequence in OPEN_ENDED:  # the new reading frame runs on into the 3'UTR
            high = cds_start + 3 * (len(change.mt_protein) + 1 + window_residues) + abs(edit.net)
        else:
            high = min(edit.end + reach, transcript.cds_end_offset - 1)
        found: list[tuple[Neighbour, TxEdit]] = []
        first, last = transcript.exons[0][0], transcript.exons[-1][1]
        for neighbour in self.near(somatic.chrom, first, last):
            if neighbour.variant == somatic:
                continue
            located = locate(neighbour.variant, transcript)
            if isinstance(located, str) or located.start < cds_start + 3:
                continue  # intronic, across a splice junction, or in the 5'UTR / start codon
            if located.end < low or located.start > high or overlaps(located, edit):
                continue
            if any(overlaps(located, other) for _, other in found):
                continue
            found.append((neighbour, located))

        phases = {n.variant: self.phase(somatic, n) for n, _ in found}
        for neighbour, _ in found:
            if phases[neighbour.variant] != "unknown" or neighbour.origin != "germline":
                continue
            for anchor, _ in found:
                if anchor.origin == "germline" and anchor is not neighbour and phases[anchor.variant] != "unknown":
                    linked = chain(phases[anchor.variant], self.germline_phase(anchor, neighbour))
                    if linked != "unknown":
                        phases[neighbour.variant] = linked
                        break

        context = NeighbourContext()
        for neighbour, located in found:
            phase = phases[neighbour.variant]
            if phase == "cis":
                context.cis.append((neighbour, located))
            elif phase == "trans":
                context.trans.append(neighbour)
            else:
                context.unphased.append(neighbour)
        return context


class GermlineVariants:
    """The patient's germline variants (a bgzipped, indexed VCF), read region by region.

    INFO/NVAF (the normal VAF that the calling stage writes) marks homozygous
    ones. A VCF without an index is read whole into memory instead.
    """

    def __init__(self, path: str):
        import pysam

        self.path = path
        self.vcf = pysam.VariantFile(path)
        self.has_vaf = "NVAF" in self.vcf.header.info
        self._cache: dict[tuple[str, int, int], list[Neighbour]] = {}
        self._all: list[Neighbour] | None = None
        if self.vcf.index is None:
            self._all = [n for record in self.vcf for n in self._neighbours(record)]

    def _neighbours(self, record) -> list[Neighbour]:
        vaf = record.info.get("NVAF") if self.has_vaf else None
        found = []
        for alt in record.alts or ():
            if unsupported_allele_reason(record.ref.upper(), alt.upper()) is None:
                variant = Variant(record.chrom, record.pos, record.ref.upper(), alt.upper())
                found.append(Neighbour(variant, "germline", None if vaf is None else float(vaf)))
        return found

    def fetch(self, chrom: str, start: int, end: int) -> list[Neighbour]:
        """Germline variants whose position is in [start, end) (0-based)."""
        if self._all is not None:
            return [n for n in self._all if n.variant.chrom == chrom and start <= n.variant.pos - 1 < end]
        key = (chrom, start, end)
        if key not in self._cache:
            if chrom not in self.vcf.header.contigs:
                self._cache[key] = []
            else:
                self._cache[key] = [
                    n for record in self.vcf.fetch(chrom, start, end) if record.pos - 1 >= start
                    for n in self._neighbours(record)
                ]  # fmt: skip
        return self._cache[key]


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
    """
    import pysam

    if source == "vep":
        from neoag.annotation.vep import annotations_from_vep

        if not vep_vcf:
            raise NeoagInputError(
                "annotation.source is 'vep' but the sample has no VEP-annotated VCF: fill its 'vcf' column "
                "in the sample sheet, or set annotation.source to 'gtf'."
            )
        genome = pysam.FastaFile(fasta_path)
        rows = annotations_from_vep(vcf_path, vep_vcf, genome.fetch, transcripts)
        return _write(rows, out_path, f"VEP CSQ of {vep_vcf}", Counter())

    all_transcripts = read_gtf(gtf_path)
    selected = select_transcripts(all_transcripts, transcripts, gtf_path)
    index = TranscriptIndex(selected)
    genome = pysam.FastaFile(fasta_path)
    _check_contigs(all_transcripts, genome, gtf_path, fasta_path)

    @lru_cache(maxsize=256)
    def sequence_of(transcript: Transcript) -> str:
        return transcript.spliced_sequence(
            lambda chrom, start, end: genome.fetch(chrom, start, min(end, genome.get_reference_length(chrom)))
        )

    somatic = []
    for allele in read_vcf_alleles(vcf_path):
        if allele.skip_reason:
            raise NeoagInputError(
                f"{vcf_path}: {allele.chrom}:{allele.pos} has an allele neoag cannot annotate "
                f"({allele.skip_reason}); the somatic stage should have removed it."
            )
        somatic.append(allele.variant)

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

    window_residues = max(peptide_lengths) - 1 + flank_length
    rows, context_counts = [], Counter()
    for variant in somatic:
        start, ref, _ = variant.trimmed()
        overlapping = index.overlapping(variant.chrom, start, start + len(ref))
        if not overlapping:
            rows.append(variant_key(variant) | transcript_fields(None) | change_fields(ProteinChange("intergenic")))
        for transcript in overlapping:
            sequence = sequence_of(transcript)
            change = annotate(variant, transcript, sequence)
            context = NeighbourContext()
            if phaser is not None and change.consequence in PEPTIDE_CONSEQUENCES:
                edit = locate(variant, transcript)
                context = phaser.context(variant, transcript, edit, change, window_residues)
                if context.cis:
                    change = annotate(variant, transcript, sequence, context.edits())
                context_counts.update(
                    {"cis": len(context.cis), "trans": len(context.trans), "unphased": len(context.unphased)}
                )
            rows.append(
                variant_key(variant) | transcript_fields(transcript) | change_fields(change) | context.columns()
            )
    selection = f"{len(selected)} of {len(all_transcripts)} protein-coding transcripts ({transcripts})"
    return _write(rows, out_path, selection, context_counts)


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
    return table


def variant_key(variant: Variant) -> dict:
    """The VARIANT_KEY columns of a variant."""
    return {
        "variant_id": variant.variant_id,
        "chrom": variant.chrom,
        "pos": variant.pos,
        "ref": variant.ref,
        "alt": variant.alt,
        "variant_type": variant.kind,
    }


def transcript_fields(transcript: Transcript | None) -> dict:
    """The transcript columns of a row (empty for a variant outside every transcript)."""
    if transcript is None:
        return dict.fromkeys(
            (
                "gene_id",
                "gene_name",
                "transcript_id",
                "transcript_biotype",
                "transcript_tags",
                "transcript_support_level",
            ),
            "",
        )
    return {
        "gene_id": transcript.gene_id,
        "gene_name": transcript.gene_name,
        "transcript_id": transcript.transcript_id,
        "transcript_biotype": transcript.biotype,
        "transcript_tags": transcript.reported_tags,
        "transcript_support_level": transcript.support_level,
    }


def change_fields(change: ProteinChange) -> dict:
    """The consequence columns of a row."""
    return {
        "consequence": change.consequence,
        "protein_change": change.protein_change,
        "protein_position": change.protein_position or None,
        "cds_position": change.cds_position or None,
        "cdna_position": change.cdna_position or None,
        "annotation_flags": ",".join(change.flags),
        "mt_start": change.mt_start,
        "mt_end": change.mt_end,
        "wt_protein": change.wt_protein,
        "mt_protein": change.mt_protein,
    }


def _check_contigs(transcripts: list[Transcript], genome, gtf_path: str, fasta_path: str) -> None:
    """Every GTF contig with a transcript must be in the FASTA (chr1 vs 1 is the usual slip)."""
    missing = sorted({t.chrom for t in transcripts} - set(genome.references))
    if missing:
        raise NeoagInputError(
            f"{gtf_path}: contigs {', '.join(missing[:5])} are not in the reference {fasta_path} "
            f"(which has {', '.join(genome.references[:5])}...). Use a GTF and a FASTA from the "
            "same assembly and naming convention ('chr1' vs '1')."
        )
