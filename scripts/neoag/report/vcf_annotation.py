"""The somatic VCF annotated with neoag's per-variant results (INFO NEOAG_*)."""

from __future__ import annotations

import math
import sys

from neoag.columns import VCF_INFO
from neoag.tables import read_table

# VCF 4.3 reserves these characters inside INFO values; they are percent-encoded.
_ENCODE = {"%": "%25", ";": "%3B", "=": "%3D", ",": "%2C", " ": "%20", "\t": "%09", "\n": "%0A", "\r": "%0D"}


def encode_info_text(text: str) -> str:
    """Percent-encode the characters VCF forbids in an INFO string ('p.Ala2=' -> 'p.Ala2%3D')."""
    return "".join(_ENCODE.get(character, character) for character in text)


def info_values(row: dict) -> dict:
    """NEOAG_* INFO values of one variants.tsv row (as read_table gives it); empty cells are left out."""

    def text(name: str) -> str | None:
        value = row.get(name, "")
        return encode_info_text(str(value)) if value not in ("", None) else None

    def number(name: str, kind):
        value = row.get(name, "")
        if value in ("", None) or (isinstance(value, float) and math.isnan(value)):
            return None
        return kind(float(value))

    values = {
        "NEOAG_TIER": text("tier"),
        "NEOAG_BEST_PEPTIDE": text("best_peptide"),
        "NEOAG_BEST_ALLELE": text("best_allele"),
        "NEOAG_BEST_AFFINITY": number("best_mt_affinity_nm", float),
        "NEOAG_N_CANDIDATES": number("n_candidates", int),
        "NEOAG_GENE": text("gene_name"),
        "NEOAG_PROTEIN_CHANGE": text("protein_change"),
        "NEOAG_CCF": number("ccf", float),
        "NEOAG_CLONAL": True if str(row.get("clonal", "")) == "True" else None,
    }
    return {key: value for key, value in values.items() if value is not None}


def annotate_somatic_vcf(vcf_path: str, variants_tsv: str, out_vcf: str) -> int:
    """Copy the somatic VCF with NEOAG_* INFO fields from variants.tsv, bgzipped and
    tabix-indexed (out_vcf + '.tbi'); returns the number of records annotated."""
    import pysam

    variants = read_table(variants_tsv)
    by_id = {row["variant_id"]: row for row in variants.to_dict("records")}
    source = pysam.VariantFile(vcf_path)
    header = source.header.copy()
    for name, (number, kind, description) in VCF_INFO.items():
        header.add_meta("INFO", items=[("ID", name), ("Number", number), ("Type", kind), ("Description", description)])
    found: set[str] = set()
    with pysam.VariantFile(out_vcf, "wz", header=header) as out:
        for record in source:
            copy = out.new_record(
                contig=record.contig, start=record.start, stop=record.stop, alleles=record.alleles,
                id=record.id, qual=record.qual, filter=list(record.filter), info=dict(record.info),
            )  # fmt: skip
            for alt in record.alts or ():
                variant_id = f"{record.contig}:{record.pos}:{record.ref}:{alt}"
                if variant_id in by_id:
                    for key, value in info_values(by_id[variant_id]).items():
                        copy.info[key] = value
                    found.add(variant_id)
                    break
            out.write(copy)
    pysam.tabix_index(out_vcf, preset="vcf", force=True)
    print(f"{len(found)} of {len(by_id)} variants of {variants_tsv} annotated in {out_vcf}", file=sys.stderr)
    missing = sorted(set(by_id) - found)
    if missing:
        print(f"warning: {len(missing)} variants of variants.tsv are not in {vcf_path}: {missing[:3]}", file=sys.stderr)
    return len(found)
