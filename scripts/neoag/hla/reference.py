"""The built-in typer's HLA class I allele reference: read from an allele FASTA, or built from an
IPD-IMGT/HLA release.

``read_hla_reference`` reads any allele FASTA (IMGT/HLA-style headers) and
collapses identical sequences, so alleles that the reference cannot tell apart
are one candidate for the typer.

The reference that ``download_reference`` builds holds, for every HLA-A, -B
and -C allele whose exons 2 and 3 are known, those two exons (the
peptide-binding groove, where class I alleles differ) between the locus's
exon 1 and the first 75 bases of its exon 4. The flanks are the same for every allele of a locus (taken from the
locus's first allele) and only let reads that cross an exon boundary align.

It is built from IMGT/HLA's nucleotide alignments (alignments/A_nuc.txt, ...),
where '|' separates exons, '-' repeats the first allele's base, '.' is a gap
and '*' an unsequenced base. The opt-in download_hla_reference rule
(neoag.hla.download) writes it beside the genomic reference
(neoag.hla.genomic); the IPD-IMGT/HLA terms of use apply to both (do not
redistribute them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from neoag.errors import NeoagInputError
from neoag.hla.fastx import fasta_records
from neoag.hla.names import LOCI, allele_sort_key

EXON4_BASES = 75
_NAME = re.compile(r"^[A-Z0-9]+\*\d+(:\d+)*[A-Z]?$")
_BASES = frozenset("ACGT")


# ----------------------------------------------------------------------------
# Reading an allele FASTA
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HlaReference:
    """Distinct allele sequences of an HLA class I reference.

    ``sequences[i]`` is one distinct sequence, ``loci[i]`` its locus ('A', 'B'
    or 'C'), ``names[i]`` the reference records that have exactly this
    sequence, in allele order. Distinct sequences are sorted by locus and their
    first name. ``typed[i]`` holds the 0-based, half-open spans of exons 2 and
    3 when the headers give them (a genomic reference, neoag.hla.genomic); it is
    empty for an exon reference.
    """

    sequences: tuple[str, ...]
    loci: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]
    skipped: dict[str, int] = field(default_factory=dict)
    typed: tuple[tuple[tuple[int, int], ...] | None, ...] = ()

    def __len__(self) -> int:
        return len(self.sequences)


def record_allele_name(header: str) -> str | None:
    """The allele name of a FASTA header, or None when it names none.

    IMGT/HLA style '>HLA:HLA00001 A*01:01:01:01 1098 bp' gives its second word;
    '>A*01:01:01:01 ...' or '>HLA-A*01:01 ...' their first.
    """
    words = header.split()
    for word in words[:2]:
        if "*" in word:
            return word.removeprefix("HLA-")
    return None


def record_typed_spans(header: str, path, line: int) -> tuple[tuple[int, int], ...] | None:
    """The 'typed=205-474,716-991' spans of a header (1-based, inclusive) as 0-based half-open, or None."""
    for word in header.split():
        if word.startswith("typed="):
            try:
                spans = tuple(
                    (int(a) - 1, int(b))
                    for a, b in (part.split("-") for part in word.removeprefix("typed=").split(","))
                )
            except ValueError:
                spans = ()
            if not spans or any(start < 0 or end <= start for start, end in spans):
                raise NeoagInputError(
                    f"HLA reference {path}, line {line}: '{word}' must be typed=START-END[,START-END] "
                    "(1-based, inclusive positions of the typed exons), as download_hla_reference writes it."
                )
            return spans
    return None


def read_hla_reference(path: str | os.PathLike) -> HlaReference:
    """The A, B and C alleles of an allele FASTA, identical sequences collapsed.

    Null alleles (name ending in N) are left out: they are not expressed, so
    they present nothing. Other loci are counted in ``skipped`` and left out.
    Raises NeoagInputError for a file that is not such a FASTA.
    """
    if not os.path.isfile(path):
        raise NeoagInputError(
            f"HLA reference {path} does not exist. Set hla.reference in the config to an allele FASTA "
            "(see docs/hla_typing.md), or build one with: snakemake --cores 1 download_hla_reference"
        )
    by_sequence: dict[tuple[str, str], list[str]] = {}
    typed: dict[tuple[str, str], tuple[tuple[int, int], ...] | None] = {}
    skipped = {"other_locus": 0, "null_allele": 0}
    seen: set[str] = set()
    for header, sequence, line in fasta_records(path):
        name = record_allele_name(header)
        if name is None:
            raise NeoagInputError(
                f"HLA reference {path}, line {line}: header '>{header[:60]}' names no allele. Headers must "
                "hold an allele name such as A*02:01:01:01 (IMGT/HLA style: '>HLA:HLA00005 A*02:01:01:01 ...')."
            )
        locus = name.partition("*")[0]
        if locus not in LOCI:
            skipped["other_locus"] += 1
            continue
        if name.endswith("N"):
            skipped["null_allele"] += 1
            continue
        if name in seen:
            raise NeoagInputError(f"HLA reference {path}, line {line}: allele {name} appears twice.")
        seen.add(name)
        sequence = sequence.upper()
        if not sequence or not set(sequence) <= _BASES:
            bad = sorted(set(sequence) - _BASES)[:5]
            raise NeoagInputError(
                f"HLA reference {path}, line {line} ({name}): the sequence must be A, C, G, T only "
                f"(found {', '.join(bad) or 'nothing'})."
            )
        by_sequence.setdefault((locus, sequence), []).append(name)
        spans = record_typed_spans(header, path, line)
        if spans and spans[-1][1] > len(sequence):
            raise NeoagInputError(
                f"HLA reference {path}, line {line} ({name}): typed= ends at {spans[-1][1]}, beyond the "
                f"sequence ({len(sequence)} bases)."
            )
        typed.setdefault((locus, sequence), spans)
    if len({spans is None for spans in typed.values()}) > 1:
        raise NeoagInputError(
            f"HLA reference {path}: some headers give typed= exon positions and some do not; use one "
            "reference as download_hla_reference writes it (genomic, all with typed=; or exon 2-3, none)."
        )
    if not by_sequence:
        raise NeoagInputError(
            f"HLA reference {path}: no HLA-A, -B or -C allele found. Use a class I allele FASTA such as the "
            "one built by the download_hla_reference rule."
        )
    entries = sorted(
        ((locus, seq, tuple(sorted(names, key=allele_sort_key))) for (locus, seq), names in by_sequence.items()),
        key=lambda entry: allele_sort_key(entry[2][0]),
    )
    return HlaReference(
        sequences=tuple(e[1] for e in entries),
        loci=tuple(e[0] for e in entries),
        names=tuple(e[2] for e in entries),
        skipped=skipped,
        typed=tuple(typed[(e[0], e[1])] for e in entries) if any(typed.values()) else (),
    )


# ----------------------------------------------------------------------------
# Building the reference from IMGT/HLA's alignments
# ----------------------------------------------------------------------------


def parse_alignment(lines: Iterable[str], source: str) -> dict[str, str]:
    """Allele name -> aligned row (alignment characters, '|' kept), first allele first.

    Rows are the lines whose first word is an allele name; the blocks of the
    file are concatenated per allele. Spaces inside a row are ignored.
    """
    rows: dict[str, list[str]] = {}
    for line in lines:
        words = line.split()
        if len(words) < 2 or not _NAME.match(words[0]):
            continue
        rows.setdefault(words[0], []).append("".join(words[1:]))
    if not rows:
        raise NeoagInputError(f"{source}: no allele rows; this is not an IMGT/HLA nucleotide alignment (*_nuc.txt).")
    return {name: "".join(parts) for name, parts in rows.items()}


def exons_of(row: str, first: str) -> list[str]:
    """The exons of an aligned row: '-' resolved against the first allele, gaps dropped.

    An exon with an unsequenced base ('*') is returned with '*' in it.
    """
    if len(row) < len(first):
        row = row + "*" * (len(first) - len(row))  # a row that stops early is unsequenced there
    bases = []
    for mine, theirs in zip(row, first):
        if mine == "|" or theirs == "|":
            bases.append("|")
        elif mine == "-":
            bases.append(theirs)
        elif mine != ".":
            bases.append(mine)
    return [exon.replace(".", "") for exon in "".join(bases).split("|")]


def exon23_records(alignment: dict[str, str], locus: str, source: str) -> list[tuple[str, str]]:
    """(allele name, exon 1 + exons 2-3 + 75 bases of exon 4) of every allele with complete exons 2 and 3.

    Null alleles (name ending in N) are left out. Exon 1 and exon 4 come from
    the first allele of the alignment.
    """
    names = list(alignment)
    first = alignment[names[0]]
    first_exons = exons_of(first, first)
    if len(first_exons) < 4 or any("*" in e for e in first_exons[:4]):
        raise NeoagInputError(
            f"{source}: the first allele ({names[0]}) does not have exons 1-4 complete; cannot build the flanks."
        )
    five, three = first_exons[0], first_exons[3][:EXON4_BASES]
    records = []
    for name in names:
        if name.endswith("N") or not name.startswith(f"{locus}*"):
            continue
        exons = exons_of(alignment[name], first)
        if len(exons) < 3 or "*" in exons[1] or "*" in exons[2] or not exons[1] or not exons[2]:
            continue
        records.append((name, five + exons[1] + exons[2] + three))
    return records
