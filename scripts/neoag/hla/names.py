"""HLA class I allele names: the loci, normalising to two fields, ordering and short forms.

Two kinds of names meet here. Names that users and other typers write
('HLA-A*02:01', 'A0201') are read with mhcgnomes by ``normalise_allele``; the
reference's record names ('A*02:01:01:02L') are ordered and shortened by
``allele_sort_key`` and ``two_field_name`` without it.
"""

from __future__ import annotations

import re

from neoag.errors import NeoagInputError

LOCI = ("A", "B", "C")
_FIELD = re.compile(r"^(\d+)([A-Z]?)$")


def normalise_allele(name: str, source: str) -> str:
    """'A*02:01:01:02L', 'A0201', 'hla-a*02:01' -> 'HLA-A*02:01'.

    Parameters
    ----------
    name : str
        An allele name in any notation that mhcgnomes understands.
    source : str
        Where the name came from (file and sample), for the error message.

    Raises NeoagInputError for names that are not class I alleles with at least
    two fields, and for null alleles (not expressed, so nothing to present).
    """
    import mhcgnomes

    text = name.strip()
    try:
        parsed = mhcgnomes.parse(text)
    except Exception:  # mhcgnomes raises its own ParseError and friends
        parsed = None
    if type(parsed).__name__ != "Allele":
        raise NeoagInputError(
            f"{source}: '{text}' is not an HLA allele name that neoag can read. Write class I alleles "
            "as HLA-A*02:01 (gene, '*', at least two fields), separated by commas."
        )
    if not parsed.is_class1:
        raise NeoagInputError(
            f"{source}: '{text}' is a class II allele; neoag predicts class I epitopes. Give HLA-A, -B and -C alleles."
        )
    if parsed.annotation_null:
        raise NeoagInputError(
            f"{source}: '{text}' is a null allele (not expressed), so it presents no peptides. "
            "Remove it from the sample's alleles (the locus then counts as homozygous)."
        )
    if parsed.species.name == "Homo sapiens" and len(parsed.allele_fields) < 2:
        raise NeoagInputError(
            f"{source}: '{text}' gives only the allele group; binding differs between alleles of a "
            "group. Give at least two fields, e.g. HLA-B*07:02."
        )
    reduced = parsed.restrict_allele_fields(2) if len(parsed.allele_fields) > 2 else parsed
    # Expression suffixes (L, S, ...) describe a full-length name, not the protein.
    return reduced.copy(annotations=()).to_string()


def parse_allele_list(text: str, source: str) -> list[str]:
    """A sample sheet's comma-separated alleles, normalised, duplicates kept once, in order."""
    names = [part for part in text.replace(";", ",").split(",") if part.strip()]
    if not names:
        raise NeoagInputError(
            f"{source}: no HLA alleles given. Fill the hla_alleles column, e.g. "
            "'HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01'."
        )
    return list(dict.fromkeys(normalise_allele(name, source) for name in names))


def allele_locus(allele: str) -> str:
    """'HLA-A*02:01' -> 'HLA-A'."""
    return allele.partition("*")[0]


def allele_sort_key(name: str) -> tuple:
    """'A*02:01:01:02L' -> ('A', (2, 1, 1, 2), 'L'): numeric order of the fields."""
    locus, _, fields = name.partition("*")
    numbers, suffix = [], ""
    for part in fields.split(":"):
        match = _FIELD.match(part)
        if match:
            numbers.append(int(match.group(1)))
            suffix = match.group(2) or suffix
        else:
            numbers.append(10**9)
    return (locus, tuple(numbers), suffix)


def two_field_name(name: str) -> str:
    """'A*02:01:01:02L' -> 'HLA-A*02:01' (first two fields, expression suffix dropped)."""
    locus, _, fields = name.removeprefix("HLA-").partition("*")
    first_two = [part.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for part in fields.split(":")[:2]]
    return f"HLA-{locus}*{':'.join(first_two)}"
