"""Tumor-only samples: germline variants removed without a matched normal.

A sample with a tumor BAM and no normal BAM has no normal to rule germline
variants out, so neoag's somatic decision (select_somatic) then rests on the
tumor's own evidence and on two resources (config tumor_only):

- a panel of normals (panel_of_normals): a VCF of sites seen in normal samples
  (e.g. GATK's PoN, or any sites VCF). A candidate whose allele is in it, after
  both are split and normalised (neoag.variants.normalized_key), is rejected as
  'panel_of_normals';
- population allele frequencies (population_vcf): a gnomAD sites VCF (INFO AF,
  AF_popmax, ...) or a VEP-annotated VCF (CSQ gnomADe_AF, gnomADg_AF, MAX_AF,
  ...). The fields named in population_af_fields are read, as INFO fields and
  as CSQ fields; the allele's population AF is the highest value found ('&'-
  joined values of co-located known variants: the highest; empty: none). A
  candidate above max_population_af is rejected as 'population_af'.

The known-germline candidates are also the sample's germline neighbours
(somatic.germline_from_evidence): there is no normal to call them in.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import pandas as pd

from neoag.errors import NeoagInputError
from neoag.variants import Variant, normalized_key
from neoag.vcf import csq_field_names, open_vcf, parse_csq, record_alleles, vep_alleles

# Reasons (evidence.tsv somatic_status) for a candidate rejected as a known germline variant.
GERMLINE_REASONS = ("panel_of_normals", "population_af")
# Bases searched around a candidate for a resource record that normalises to it (an indel written
# right-shifted or with extra padding, a multi-allelic record starting earlier).
SEARCH_PAD = 100


@dataclass(frozen=True)
class TumorOnlyFilters:
    """Germline filters of a tumor-only sample (config: tumor_only)."""

    panel_of_normals: str = ""
    population_vcf: str = ""
    population_af_fields: tuple[str, ...] = ("gnomADe_AF", "gnomADg_AF", "gnomAD_AF", "MAX_AF", "AF")
    max_population_af: float = 0.001


def parse_af(value) -> float | None:
    """The highest allele frequency in a VCF value: a number, a text of '&'- or ','-joined numbers
    (VEP joins the values of co-located known variants with '&'), or a tuple of those; empty,
    '.', and non-numbers count as none."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        found = [parse_af(item) for item in value]
    elif isinstance(value, (int, float)):
        found = [float(value)]
    else:
        found = []
        for part in str(value).replace(",", "&").split("&"):
            try:
                found.append(float(part))
            except ValueError:
                continue
    found = [af for af in found if af is not None and not math.isnan(af)]
    return max(found) if found else None


def csq_names(header) -> list[str] | None:
    """The CSQ field names of a VEP header ('Format: Allele|...'), None without CSQ."""
    if "CSQ" not in header.info:
        return None
    return csq_field_names(header.info["CSQ"].description or "")


def record_afs(record, fields: tuple[str, ...], csq: list[str] | None) -> dict[int, float]:
    """Population AF of each ALT of a record (ALT number -> AF; ALTs without any value left out).

    INFO fields with Number=A give one value per ALT, other INFO fields one for all ALTs; a CSQ
    entry counts for the ALT whose VEP allele string it names (or whose ALLELE_NUM it gives)."""
    alts = record.alts or ()
    values: dict[int, list[float | None]] = {number: [] for number in range(1, len(alts) + 1)}
    for name in fields:
        if name not in record.header.info or name == "CSQ" or name not in record.info:
            continue
        value = record.info[name]
        per_alt = record.header.info[name].number == "A" and isinstance(value, tuple)
        for number in values:
            values[number].append(parse_af(value[number - 1] if per_alt and number <= len(value) else value))
    if csq and "CSQ" in record.info:
        names = vep_alleles(record.ref.upper(), [alt.upper() for alt in alts])
        for entry in parse_csq(record.info["CSQ"], csq):
            for number, name in enumerate(names, start=1):
                if entry.get("ALLELE_NUM") == str(number) or (not entry.get("ALLELE_NUM") and entry["Allele"] == name):
                    values[number] += [parse_af(entry.get(field)) for field in fields]
    return {
        number: max(found)
        for number, found in ((n, [v for v in vs if v is not None]) for n, vs in values.items())
        if found
    }


def search_windows(variants: list[Variant]) -> list[tuple[str, int, int]]:
    """Merged 0-based windows around the variants (SEARCH_PAD bases each side), in input order of chrom."""
    windows: list[tuple[str, int, int]] = []
    for variant in sorted(variants, key=lambda v: (v.chrom, v.pos)):
        start, end = max(0, variant.pos - 1 - SEARCH_PAD), variant.pos - 1 + len(variant.ref) + SEARCH_PAD
        if windows and windows[-1][0] == variant.chrom and start <= windows[-1][2]:
            windows[-1] = (variant.chrom, windows[-1][1], max(end, windows[-1][2]))
        else:
            windows.append((variant.chrom, start, end))
    return windows


def resource_sites(
    path: str, variants: list[Variant], fasta, fields: tuple[str, ...] = ()
) -> dict[tuple, float | None]:
    """The variants found in a resource VCF (bgzipped and indexed), keyed by normalized_key, with
    the highest population AF of the matching records (None when they give none of fields).

    Only the windows around the variants are read (tabix); multi-allelic records are split and
    every allele normalised against fasta (a pysam.FastaFile), so a record written otherwise than
    the caller wrote the candidate still matches."""
    fetch = fasta.fetch
    wanted = {normalized_key(variant, fetch) for variant in variants}
    found: dict[tuple, float | None] = {}
    with open_vcf(path) as vcf:
        if vcf.index is None:
            raise NeoagInputError(resource_problem(path, "has no index (.tbi or .csi)"))
        csq = csq_names(vcf.header) if fields else None
        indexed = set(vcf.index.keys())
        for chrom, start, end in search_windows(variants):
            if chrom not in indexed:
                continue
            for record in vcf.fetch(chrom, start, end):
                afs = record_afs(record, fields, csq) if fields else {}
                for allele in record_alleles(record):
                    if allele.skip_reason:
                        continue
                    key = normalized_key(allele.variant, fetch)
                    if key in wanted:
                        af = afs.get(allele.number)
                        found[key] = af if found.get(key) is None else max(found[key], af or 0.0)
    return found


def resource_problem(path: str, problem: str) -> str:
    """One paragraph about a tumor-only resource VCF that cannot be used."""
    return (
        f"tumor-only resource {path}: {problem}. config tumor_only.panel_of_normals and "
        "tumor_only.population_vcf must be bgzipped VCFs with an index beside them (bgzip file.vcf && "
        "tabix -p vcf file.vcf.gz), with contigs named as in reference.fasta."
    )


def germline_lookup(variants: list[Variant], fasta, filters: TumorOnlyFilters) -> tuple[set, dict]:
    """(normalized keys in the panel of normals, normalized key -> population AF) of the variants."""
    panel = set(resource_sites(filters.panel_of_normals, variants, fasta)) if filters.panel_of_normals else set()
    population = {}
    if filters.population_vcf:
        found = resource_sites(filters.population_vcf, variants, fasta, tuple(filters.population_af_fields))
        population = {key: af for key, af in found.items() if af is not None}
    return panel, population


def germline_reason(key: tuple, panel: set, population: dict, filters: TumorOnlyFilters) -> str | None:
    """'panel_of_normals', 'population_af' (above tumor_only.max_population_af) or None."""
    if key in panel:
        return "panel_of_normals"
    if population.get(key, 0.0) > filters.max_population_af:
        return "population_af"
    return None


def report_filters(filters: TumorOnlyFilters, table: pd.DataFrame) -> None:
    """The log's account of the germline filters of a tumor-only sample."""
    used = [f"panel of normals {filters.panel_of_normals}"] if filters.panel_of_normals else []
    if filters.population_vcf:
        used.append(f"population AF > {filters.max_population_af} in {filters.population_vcf}")
    rejected = {reason: int((table.somatic_status == reason).sum()) for reason in GERMLINE_REASONS}
    print(
        "tumor-only: no normal check; germline filters: "
        + ("; ".join(used) or "NONE (germline variants of the tumor pass as somatic)")
        + ", rejected: "
        + ", ".join(f"{reason} {n}" for reason, n in rejected.items()),
        file=sys.stderr,
    )
