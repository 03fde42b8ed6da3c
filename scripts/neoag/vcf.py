"""Reading VCF files: records as typed ALT alleles, with clear errors for broken files.

Every reader of a VCF in neoag (a caller's calls, the candidates, the somatic
and germline variants, a VEP-annotated VCF) opens it with open_vcf, walks its
records with read_records and splits each record with record_alleles into one
VcfAllele per ALT: a Variant, or the reason it cannot be one
(variants.unsupported_allele_reason). read_vcf_alleles does all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from neoag.errors import NeoagInputError
from neoag.variants import Variant, unsupported_allele_reason


@dataclass(frozen=True)
class Allele:
    """One ALT allele as a VCF writes it: 1-based POS, REF and ALT in the file's case ('.': no ALT)."""

    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def skip_reason(self) -> str | None:
        """Why the allele cannot be turned into a protein change, or None if it can."""
        return unsupported_allele_reason(self.ref.upper(), self.alt)

    @property
    def variant(self) -> Variant:
        """The allele as a Variant (upper case); meaningful when skip_reason is None."""
        return Variant(self.chrom, self.pos, self.ref.upper(), self.alt.upper())


@dataclass(frozen=True)
class VcfAllele(Allele):
    """One ALT allele of a VCF record, with the record for its INFO and FORMAT fields.

    number is the ALT's place in the record (1 = first ALT; 0 for a record without ALT).
    """

    number: int = 1
    record: Any = field(default=None, compare=False, repr=False)


def open_vcf(path: str):
    """path opened with pysam.VariantFile; a file pysam cannot open is a NeoagInputError naming it."""
    import pysam

    try:
        return pysam.VariantFile(path)
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{path}: cannot be read as a VCF/BCF ({error}). Check that the file exists, is "
            "complete, and starts with a '##fileformat=VCF' header; compress it with bgzip, not gzip."
        ) from None


def read_records(vcf, path: str) -> Iterator:
    """The records of an open VCF (open_vcf), in file order.

    Raises NeoagInputError naming the file and the record where pysam stops parsing.
    """
    number, last = 0, "the header"
    try:
        for record in vcf:
            number += 1
            last = f"{record.chrom}:{record.pos}"
            yield record
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{path}: data record {number + 1} (the one after {last}) cannot be parsed "
            f"({error}). Fix or remove that record; 'bcftools view {path}' shows where parsing stops."
        ) from None


def record_alleles(record) -> list[VcfAllele]:
    """One VcfAllele per ALT of a pysam record; a record without ALT gives one with alt '.'."""
    if not record.alts:
        return [VcfAllele(record.chrom, record.pos, record.ref, ".", 0, record)]
    return [
        VcfAllele(record.chrom, record.pos, record.ref, alt, number, record)
        for number, alt in enumerate(record.alts, start=1)
    ]


def read_vcf_alleles(path: str) -> Iterator[VcfAllele]:
    """Every ALT allele of every record of a VCF file, in file order.

    Raises NeoagInputError naming the file (and the record, where pysam says
    which) when the VCF cannot be parsed.
    """
    with open_vcf(path) as vcf:
        for record in read_records(vcf, path):
            yield from record_alleles(record)


def variants_of(alleles: Iterable[Allele]) -> list[Variant]:
    """The Variants of the alleles that can be one (skip_reason None), in order."""
    return [allele.variant for allele in alleles if not allele.skip_reason]
