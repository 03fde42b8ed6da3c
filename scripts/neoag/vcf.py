"""Reading VCF records as neoag Variants, with clear errors for broken files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from neoag.errors import NeoagInputError
from neoag.variants import Variant, unsupported_allele_reason


@dataclass(frozen=True)
class VcfAllele:
    """One ALT allele of a VCF record: a Variant, or the reason it cannot be one."""

    chrom: str
    pos: int
    ref: str
    alt: str
    skip_reason: str | None
    filters: tuple[str, ...]

    @property
    def variant(self) -> Variant:
        return Variant(self.chrom, self.pos, self.ref.upper(), self.alt.upper())


def read_vcf_alleles(path: str) -> Iterator[VcfAllele]:
    """Every ALT allele of every record, in file order.

    Raises NeoagInputError naming the file (and the record, where pysam says
    which) when the VCF cannot be parsed.
    """
    import pysam

    try:
        vcf = pysam.VariantFile(path)
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{path}: cannot be read as a VCF/BCF ({error}). Check that the file exists, is "
            "complete, and starts with a '##fileformat=VCF' header; compress it with bgzip, not gzip."
        ) from None
    with vcf:
        number, last = 0, "the header"
        try:
            for record in vcf:
                number += 1
                last = f"{record.chrom}:{record.pos}"
                filters = tuple(record.filter.keys())
                for alt in record.alts or (None,):
                    yield VcfAllele(
                        chrom=record.chrom,
                        pos=record.pos,
                        ref=record.ref,
                        alt=alt if alt is not None else ".",
                        skip_reason=unsupported_allele_reason(record.ref.upper(), alt.upper() if alt else None),
                        filters=filters,
                    )
        except (OSError, ValueError) as error:
            raise NeoagInputError(
                f"{path}: data record {number + 1} (the one after {last}) cannot be parsed "
                f"({error}). Fix or remove that record; 'bcftools view {path}' shows where parsing stops."
            ) from None
