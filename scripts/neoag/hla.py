"""HLA class I allele names: parsed, checked and normalised to two fields."""

from __future__ import annotations

from collections.abc import Iterable

from neoag.errors import NeoagInputError


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


def check_supported(alleles: Iterable[str], supported: Iterable[str], models_dir: str, source: str) -> None:
    """Every allele must be one the MHCflurry models predict for."""
    supported = set(supported)
    unsupported = [allele for allele in alleles if allele not in supported]
    if unsupported:
        close = sorted(s for s in supported if any(s.split(":")[0] == u.split(":")[0] for u in unsupported))
        hint = f" Alleles of the same group that it supports: {', '.join(close[:10])}." if close else ""
        raise NeoagInputError(
            f"{source}: the MHCflurry models in {models_dir} do not support {', '.join(unsupported)}."
            f"{hint} Use models that cover the allele (the released pan-allele models cover most "
            "HLA class I alleles) or correct the allele name."
        )


def write_alleles(text: str, source: str, out_path: str) -> list[str]:
    """alleles.tsv: one normalised allele per row, with where it came from."""
    import sys

    import pandas as pd

    alleles = parse_allele_list(text, source)
    pd.DataFrame({"allele": alleles, "source": "sample_sheet"}).to_csv(
        out_path, sep="\t", index=False, lineterminator="\n"
    )
    print(f"{len(alleles)} HLA class I alleles: {', '.join(alleles)}", file=sys.stderr)
    return alleles
