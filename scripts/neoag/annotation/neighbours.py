"""Neighbours of a somatic variant: nearby germline and somatic variants that may share its haplotype.

Phaser finds the neighbours whose codons reach a somatic variant's peptides (and
their flanks) on one transcript, and asks the reads (neoag.calling.phasing)
whether each is in cis or in trans with it. The germline ones are read region by
region from the patient's germline VCF (GermlineVariants). annotate puts the
neighbours in cis into the peptide context.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from neoag.annotation.consequences import OPEN_ENDED, ProteinChange, TxEdit, locate, overlaps
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseCounts, PhaseSettings, chain, count_germline_phase, count_phase, phase_call
from neoag.transcripts import Transcript
from neoag.variants import Variant
from neoag.vcf import open_vcf, read_records, record_alleles, variants_of


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
        self.path = path
        self.vcf = open_vcf(path)
        self.has_vaf = "NVAF" in self.vcf.header.info
        self._cache: dict[tuple[str, int, int], list[Neighbour]] = {}
        self._all: list[Neighbour] | None = None
        if self.vcf.index is None:
            self._all = [n for record in read_records(self.vcf, path) for n in self._neighbours(record)]

    def _neighbours(self, record) -> list[Neighbour]:
        vaf = record.info.get("NVAF") if self.has_vaf else None
        normal_vaf = None if vaf is None else float(vaf)
        return [Neighbour(variant, "germline", normal_vaf) for variant in variants_of(record_alleles(record))]

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
