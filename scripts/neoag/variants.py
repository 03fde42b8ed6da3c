"""Small variants as neoag sees them: one ALT allele per record, VCF coordinates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_BASES = re.compile(r"^[ACGT]+$")


@dataclass(frozen=True, order=True)
class Variant:
    """A biallelic small variant in VCF convention (1-based POS, padded indels)."""

    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def variant_id(self) -> str:
        """Stable identifier used to join tables: chrom:pos:ref:alt."""
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    def trimmed(self) -> tuple[int, str, str]:
        """Remove the bases that REF and ALT share.

        Returns (start, ref, alt): start is the 0-based genome position of the
        first changed reference base (for a pure insertion, the base before
        which the inserted bases go), then the differing REF and ALT bases.
        """
        ref, alt, start = self.ref, self.alt, self.pos - 1
        while ref and alt and ref[0] == alt[0]:
            ref, alt, start = ref[1:], alt[1:], start + 1
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        return start, ref, alt

    @property
    def kind(self) -> str:
        """snv, mnv, insertion, deletion or complex."""
        _, ref, alt = self.trimmed()
        if len(ref) == len(alt):
            return "snv" if len(ref) == 1 else "mnv"
        if not ref:
            return "insertion"
        if not alt:
            return "deletion"
        return "complex"


def normalized_key(variant: Variant, fetch: Callable[[str, int, int], str]) -> tuple[str, int, str, str]:
    """A representation that is the same however a caller wrote the variant.

    Shared bases are removed and an insertion or deletion is shifted to its
    leftmost equivalent position (as bcftools norm does). Returns (chrom,
    0-based start, ref bases, alt bases) without padding; fetch(chrom, start,
    end) returns genome sequence.
    """
    start, ref, alt = variant.trimmed()
    if ref and alt:
        return variant.chrom, start, ref, alt
    changed = ref or alt
    while start > 0:
        before = fetch(variant.chrom, start - 1, start).upper()
        if before != changed[-1]:
            break
        changed, start = before + changed[:-1], start - 1
    return (variant.chrom, start, changed, "") if ref else (variant.chrom, start, "", changed)


def unsupported_allele_reason(ref: str, alt: str | None) -> str | None:
    """Why an allele cannot be turned into a protein change, or None if it can.

    Symbolic alleles (<DEL>), breakends, the spanning-deletion star, unknown
    bases (N) and IUPAC ambiguity codes cannot be applied to a sequence.
    """
    if alt is None or alt == ".":
        return "no ALT allele"
    if alt == "*":
        return "spanning-deletion allele '*'"
    if alt.startswith("<"):
        return f"symbolic allele {alt}"
    if "[" in alt or "]" in alt or alt.startswith(".") or alt.endswith("."):
        return f"breakend allele {alt}"
    for name, allele in (("REF", ref), ("ALT", alt)):
        if not _BASES.match(allele.upper()):
            return f"{name} '{allele}' has letters other than A, C, G, T (N or an IUPAC ambiguity code)"
    if ref.upper() == alt.upper():
        return "ALT equals REF"
    return None


def site_columns(allele) -> dict:
    """The chrom, pos, ref and alt columns of a table row, from a Variant or any allele that has them."""
    return {"chrom": allele.chrom, "pos": allele.pos, "ref": allele.ref, "alt": allele.alt}
