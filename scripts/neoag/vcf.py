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
from urllib.parse import unquote

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
    """path opened with pysam.VariantFile; a file pysam cannot open is a NeoagInputError naming it
    and saying why where it can tell (plain gzip instead of bgzip, a #CHROM line with spaces)."""
    import pysam

    try:
        return pysam.VariantFile(path)
    except (OSError, ValueError, NotImplementedError) as error:
        raise NeoagInputError(diagnose_vcf(path, error)) from None


def _is_plain_gzip(head: bytes) -> bool:
    """gzip magic without BGZF's 'BC' extra subfield (bgzip writes it in every block)."""
    return head[:2] == b"\x1f\x8b" and not (head[3] & 4 and head[12:14] == b"BC")


def _text_lines(path: str, limit: int = 100_000) -> list[str]:
    """The first lines of a plain or gzip-compressed text file ([] if it cannot be read as text)."""
    import gzip

    try:
        with open(path, "rb") as handle:
            gzipped = handle.read(2) == b"\x1f\x8b"
        with gzip.open(path, "rt", errors="replace") if gzipped else open(path, errors="replace") as text:
            return [line for _, line in zip(range(limit), text)]
    except (OSError, EOFError, ValueError):
        return []


def diagnose_vcf(path: str, error: Exception) -> str:
    """One paragraph saying why pysam could not open path as a VCF, and the fix."""
    import os

    if not os.path.exists(path):
        return f"{path}: cannot be read as a VCF/BCF: the file does not exist. Check the path in the sample sheet."
    with open(path, "rb") as handle:
        head = handle.read(18)
    if _is_plain_gzip(head):
        return (
            f"{path}: is compressed with gzip, not with bgzip, so it cannot be read or indexed. Recompress "
            f"it: 'zcat {path} | bgzip > fixed.vcf.gz && tabix -p vcf fixed.vcf.gz', and use fixed.vcf.gz."
        )
    lines = _text_lines(path)
    chrom_lines = [n for n, line in enumerate(lines, 1) if line.startswith("#CHROM")]
    if chrom_lines and " " in lines[chrom_lines[0] - 1].strip():
        return (
            f"{path}: line {chrom_lines[0]}, the #CHROM header line, separates its columns with spaces; "
            "VCF needs tabs. Rewrite the file with tab-separated columns (as the tool that made it wrote it)."
        )
    if lines and not lines[0].startswith("##fileformat=VCF"):
        return (
            f"{path}: line 1 is not '##fileformat=VCF...', so this is not a VCF (or its header was cut off). "
            "Give the VCF as the caller or VEP wrote it."
        )
    return (
        f"{path}: cannot be read as a VCF/BCF ({error}). Check that the file is complete and has a "
        "valid header ('bcftools view -h' shows where it breaks); compress it with bgzip, not gzip."
    )


def _raw_data_lines(path: str) -> Iterator[tuple[int, str]] | None:
    """(line number, line) of each data line of a text VCF (plain or bgzip); None for BCF."""
    import gzip

    with open(path, "rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    if gzipped:
        with gzip.open(path, "rb") as handle:
            if handle.read(3) == b"BCF":
                return None
    text = gzip.open(path, "rt", errors="replace") if gzipped else open(path, errors="replace")

    def lines() -> Iterator[tuple[int, str]]:
        """Data lines; the #CHROM line is given as line 0 (its column count is what counts)."""
        with text:
            for number, line in enumerate(text, 1):
                if line.startswith("#CHROM"):
                    yield 0, line.rstrip("\r\n\t ")
                elif line.strip() and not line.startswith("#"):
                    yield number, line.rstrip("\r\n\t ")

    return lines()


def read_records(vcf, path: str) -> Iterator:
    """The records of an open VCF (open_vcf), in file order.

    Raises NeoagInputError naming the file and the record where pysam stops parsing,
    and for a data line with more columns than the #CHROM line: two records glued
    together (a file cut off in the middle of a line, then concatenated), whose second
    record pysam would otherwise drop without a word.
    """
    number, last, glued = 0, "the header", ""
    columns = 8 + (len(vcf.header.samples) + 1 if len(vcf.header.samples) else 0)
    declared = set(vcf.header.contigs)
    raw = _raw_data_lines(path) if isinstance(path, str) and path != "-" else None
    if raw is not None:
        first = next(raw, (0, ""))
        if first[0] == 0:  # the #CHROM line as written (it may name FORMAT without samples)
            columns = max(columns, first[1].count("\t") + 1)
        else:
            raw = None  # no #CHROM line seen: pysam's header is all there is
    try:
        for record in vcf:
            number += 1
            line_number, line = next(raw, (0, "")) if raw is not None else (0, "")
            glued = _glued(line, columns, record.chrom, declared)
            if glued:
                break
            last = f"{record.chrom}:{record.pos}"
            yield record
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{path}: data record {number + 1} (the one after {last}) cannot be parsed "
            f"({error}). Fix or remove that record; 'bcftools view {path}' shows where parsing stops."
        ) from None
    if glued:
        raise NeoagInputError(
            f"{path}: line {line_number} (data record {number}, after {last}: '{line[:60]}...') {glued}: "
            "two records are glued together, as in a file cut off in the middle of a line and then appended "
            "to, and one of them would be lost. Regenerate the VCF (or repair that line)."
        )


def _glued(line: str, columns: int, chrom: str, declared: set[str]) -> str:
    """Why a raw data line looks like two records glued together ('' if it does not)."""
    if line.count("\t") + 1 > columns:
        return f"has {line.count(chr(9)) + 1} tab-separated columns but the #CHROM line has {columns}"
    if declared and chrom not in declared:
        stems = [name for name in declared if chrom.endswith(name) and chrom != name]
        if stems:
            return f"is on contig '{chrom}', not declared in the header but ending with the declared '{stems[0]}'"
    return ""


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


def csq_field_names(description: str) -> list[str] | None:
    """Field names from a CSQ header's Description ("... Format: Allele|Consequence|..."); None
    when it has no 'Format:'."""
    if "Format:" not in description:
        return None
    return [name.strip() for name in description.split("Format:", 1)[1].strip().strip('"').split("|")]


def parse_csq(values: tuple[str, ...] | str, fields: list[str]) -> list[dict[str, str]]:
    """CSQ entries as dicts (values URL-decoded: VEP writes '=' as %3D, ';' as %3B)."""
    if isinstance(values, str):
        values = tuple(values.split(","))
    entries = []
    for value in values:
        parts = value.split("|")
        parts += [""] * (len(fields) - len(parts))
        entries.append({name: unquote(part) for name, part in zip(fields, parts)})
    return entries


def vep_alleles(ref: str, alts: list[str]) -> list[str]:
    """The Allele strings VEP writes for the ALTs of one VCF record.

    When REF and every ALT start with the same base, VEP removes it; an empty
    allele becomes '-'.
    """
    alleles = [ref, *alts]
    if all(a and a[0] == ref[0] for a in alleles) and not any(a.startswith("<") for a in alleles):
        alleles = [a[1:] for a in alleles]
    return [a or "-" for a in alleles[1:]]
