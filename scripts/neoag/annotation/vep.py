"""Annotations from a VEP-annotated VCF (annotation.source: vep).

VEP writes one CSQ entry per allele and feature into INFO; the header says the
field order ("Format: Allele|Consequence|..."). pVACseq needs the fields of
VEP's Wildtype and Frameshift plugins (WildtypeProtein, FrameshiftSequence), so
a VCF made for pVACseq has everything needed here. From each transcript entry
neoag rebuilds the wild-type and mutant protein and then describes the change
with the same code as its own GTF path (neoag.annotation.consequences), so both sources
give the same annotations table. docs/annotation.md lists what VEP's output
cannot give (the extension of a stop-loss, frameshifts near splice sites).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from neoag.annotation.consequences import ProteinChange, describe_protein_change, with_proteins
from neoag.annotation.rows import change_fields, intergenic_row, variant_key
from neoag.errors import NeoagInputError
from neoag.transcripts import REPORTED_TAGS, TRANSCRIPT_SETS
from neoag.variants import Variant, normalized_key
from neoag.vcf import (
    csq_field_names,
    open_vcf,
    parse_csq,
    read_records,
    read_vcf_alleles,
    record_alleles,
    variants_of,
    vep_alleles,
)

REQUIRED_FIELDS = (
    "Allele",
    "Consequence",
    "Feature_type",
    "Feature",
    "Protein_position",
    "Amino_acids",
    "WildtypeProtein",
    "FrameshiftSequence",
)

# VEP terms that put a change inside the coding sequence.
CODING_TERMS = {
    "missense_variant",
    "inframe_insertion",
    "inframe_deletion",
    "protein_altering_variant",
    "frameshift_variant",
    "stop_gained",
    "stop_lost",
    "synonymous_variant",
    "stop_retained_variant",
    "start_retained_variant",
    "start_lost",
    "incomplete_terminal_codon_variant",
    "coding_sequence_variant",
}
EXONIC_TERMS = CODING_TERMS | {"5_prime_UTR_variant", "3_prime_UTR_variant"}
SPLICE_SITE_TERMS = {"splice_donor_variant", "splice_acceptor_variant"}
INTRONIC_TERMS = {
    "intron_variant",
    "splice_donor_variant",
    "splice_acceptor_variant",
    "splice_region_variant",
    "splice_donor_region_variant",
    "splice_donor_5th_base_variant",
    "splice_polypyrimidine_tract_variant",
}
FLAG_TERMS = {
    "splice_donor_variant": "splice_donor",
    "splice_acceptor_variant": "splice_acceptor",
    "splice_region_variant": "splice_region",
    "splice_donor_region_variant": "splice_region",
    "splice_donor_5th_base_variant": "splice_region",
}
_FIRST_NUMBER = re.compile(r"^(\d+)")


def csq_format(description: str, path: str) -> list[str]:
    """Field names from the CSQ header's Description ("... Format: Allele|Consequence|...")."""
    fields = csq_field_names(description)
    if fields is None:
        raise NeoagInputError(
            f"{path}: the INFO/CSQ header has no 'Format: Allele|Consequence|...' in its Description, so "
            "the CSQ fields cannot be named. Use the VCF exactly as VEP wrote it (--vcf)."
        )
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise NeoagInputError(
            f"{path}: the CSQ field lacks {', '.join(missing)}. Run VEP with --vcf --symbol --biotype "
            "--canonical --mane --tsl --hgvs --plugin Wildtype --plugin Frameshift (as pVACseq requires; "
            "the plugins come with pVACtools), or set annotation.source to 'gtf'."
        )
    return fields


def first_number(text: str) -> int | None:
    """First position of a VEP position field ('35', '35-36', '?-36' -> 35, 35, None)."""
    match = _FIRST_NUMBER.match(text or "")
    return int(match.group(1)) if match else None


def read_vep_vcf(
    path: str, fetch: Callable[[str, int, int], str], wanted: set[tuple] | None = None
) -> dict[tuple, list[dict[str, str]]]:
    """CSQ entries of every ALT allele that can be a Variant (or only the wanted ones), keyed by
    normalized_key."""
    with open_vcf(path) as vcf:
        if "CSQ" not in vcf.header.info:
            raise NeoagInputError(
                f"{path}: no INFO/CSQ field, so it is not a VEP-annotated VCF. Annotate it with VEP (--vcf "
                "--plugin Wildtype --plugin Frameshift), or set annotation.source to 'gtf'."
            )
        fields = csq_format(vcf.header.info["CSQ"].description or "", path)
        by_allele: dict[tuple, list[dict[str, str]]] = {}
        for record in read_records(vcf, path):
            entries = parse_csq(record.info.get("CSQ", ()), fields)
            names = vep_alleles(record.ref.upper(), [alt.upper() for alt in record.alts or ()])
            for allele in record_alleles(record):
                if allele.skip_reason:
                    continue
                key = normalized_key(allele.variant, fetch)
                if wanted is not None and key not in wanted:
                    continue
                number, name = str(allele.number), names[allele.number - 1]
                mine = [
                    e
                    for e in entries
                    if (e.get("ALLELE_NUM") == number) or (not e.get("ALLELE_NUM") and e["Allele"] == name)
                ]
                by_allele.setdefault(key, []).extend(mine)
    return by_allele


def transcript_tags(entry: dict[str, str]) -> str:
    """transcript_tags from CANONICAL, MANE_SELECT (or MANE), CCDS and FLAGS, in neoag's order
    (VEP has no field for the GTF's 'basic' tag)."""
    tags = set()
    if entry.get("MANE_SELECT") or "MANE_Select" in entry.get("MANE", ""):
        tags.add("MANE_Select")
    if entry.get("MANE_PLUS_CLINICAL") or "MANE_Plus_Clinical" in entry.get("MANE", ""):
        tags.add("MANE_Plus_Clinical")
    if entry.get("CANONICAL") == "YES":
        tags.add("Ensembl_canonical")
    if entry.get("CCDS"):
        tags.add("CCDS")
    tags.update(flag for flag in entry.get("FLAGS", "").split("&") if flag)
    return ",".join(tag for tag in REPORTED_TAGS if tag in tags)


def in_transcript_set(entry: dict[str, str], which: str, path: str) -> bool:
    """Is the entry's transcript in the configured set (annotation.transcripts)?"""
    if which == "all":
        return True
    needed = "MANE_SELECT" if which == "mane_select" else "CANONICAL"
    if needed not in entry and "MANE" not in entry:
        raise NeoagInputError(
            f"{path}: annotation.transcripts is '{which}' but the CSQ field has no {needed} field. Run VEP "
            f"with --{'mane' if which == 'mane_select' else 'canonical'}, or set annotation.transcripts to 'all'."
        )
    tags = transcript_tags(entry).split(",")
    return any(tag in tags for tag in TRANSCRIPT_SETS[which] if tag != "RefSeq_Select")


def change_from_entry(entry: dict[str, str], variant: Variant) -> ProteinChange | None:
    """The ProteinChange one CSQ transcript entry describes, or None for a
    non-coding transcript or a feature outside the transcript (up/downstream)."""
    terms = set(entry["Consequence"].split("&"))
    wt = entry["WildtypeProtein"].split("*")[0]
    if not wt or not (terms & (EXONIC_TERMS | INTRONIC_TERMS)):
        return None
    flags = sorted({FLAG_TERMS[t] for t in terms if t in FLAG_TERMS})
    cdna, cds = first_number(entry.get("cDNA_position", "")), first_number(entry.get("CDS_position", ""))
    positions = dict(cdna_position=cdna or 0, cds_position=cds or 0)
    unchanged = _without_proteins(entry, terms, flags, positions)
    if unchanged is not None:
        return unchanged
    return _from_proteins(entry, variant, terms, wt, flags, positions)


def _without_proteins(
    entry: dict[str, str], terms: set[str], flags: list[str], positions: dict
) -> ProteinChange | None:
    """The change of an entry that has no proteins to compare (a splice junction, an
    intron, a UTR, an incomplete CDS, a lost start codon), or None."""
    cds_flags = [flag for flag in entry.get("FLAGS", "").split("&") if flag in ("cds_start_NF", "cds_end_NF")]
    if terms & SPLICE_SITE_TERMS and terms & EXONIC_TERMS:
        return ProteinChange("splice_junction", flags=tuple(flags))
    if not terms & EXONIC_TERMS:
        return ProteinChange("intron", flags=tuple(flags))
    if "5_prime_UTR_variant" in terms and not terms & CODING_TERMS:
        return ProteinChange("5_prime_UTR", flags=tuple(flags), **positions)
    if "3_prime_UTR_variant" in terms and not terms & CODING_TERMS:
        return ProteinChange("3_prime_UTR", flags=tuple(flags), **positions)
    if cds_flags or terms & {"incomplete_terminal_codon_variant"} or terms == {"coding_sequence_variant"}:
        incomplete = tuple(sorted(flags)) + tuple(cds_flags or ["cds_incomplete_in_vep"])
        return ProteinChange("incomplete_cds", flags=incomplete, **positions)
    if "start_lost" in terms:
        return ProteinChange("start_lost", "p.Met1?", 1, flags=tuple(flags), **positions)
    return None


def _from_proteins(
    entry: dict[str, str], variant: Variant, terms: set[str], wt: str, flags: list[str], positions: dict
) -> ProteinChange:
    """The change of a coding entry: the mutant protein rebuilt from FrameshiftSequence or
    from Amino_acids at Protein_position, compared with the wild type."""
    _, ref, alt = variant.trimmed()
    net = len(alt) - len(ref)
    start = first_number(entry["Protein_position"])
    hgvsp = entry.get("HGVSp", "")
    stop_reached = not (hgvsp.endswith("Ter?") or hgvsp.endswith("*?"))
    if "frameshift_variant" in terms:
        mt = entry["FrameshiftSequence"].split("*")[0]
        if not mt:  # the Frameshift plugin skips frameshifts with a splice term
            flags.append("vep_no_frameshift_sequence")
            position = start or 0
            return ProteinChange(
                "frameshift", "", position, wt_protein=wt, mt_protein="", flags=tuple(sorted(flags)), **positions
            )
    else:
        aa = entry["Amino_acids"].split("/")
        if start is None or not aa[0]:
            return _without_amino_acids(terms, wt, flags, positions)
        wt_aa = "" if aa[0] == "-" else aa[0]
        mt_aa = wt_aa if len(aa) == 1 else ("" if aa[1] == "-" else aa[1])
        # A pure insertion sits between the two residues of Protein_position ('156-157').
        index = start if not wt_aa else start - 1
        expected = (wt + "*")[index : index + len(wt_aa)]
        if any(a not in (b, "X") for a, b in zip(wt_aa, expected)) or len(expected) != len(wt_aa):
            # Amino_acids disagree with WildtypeProtein: say so rather than guess.
            flags.append("vep_protein_mismatch")
            return ProteinChange("incomplete_cds", flags=tuple(sorted(flags)), **positions)
        mt = wt[:index] + mt_aa + wt[index + len(wt_aa) :]
        if "*" in mt_aa:
            mt = mt.split("*")[0]
        elif "stop_lost" in terms:
            # VEP gives the residue(s) that replace the stop, not the extension after them.
            mt = wt[:index] + mt_aa
            stop_reached = False
            flags.append("vep_extension_unknown")
            if len(mt) <= len(wt):  # nothing known beyond the wild type: no new residues to show
                return ProteinChange("stop_lost", "", len(wt) + 1, flags=tuple(sorted(flags)), **positions)
    change = describe_protein_change(wt, mt, net, stop_reached)
    return with_proteins(change, wt, mt, start or 1, flags=tuple(sorted(set(flags) | set(change.flags))), **positions)


def _without_amino_acids(terms: set[str], wt: str, flags: list[str], positions: dict) -> ProteinChange:
    """A coding entry without Protein_position or Amino_acids. VEP writes these for a
    change that runs from the stop codon into the 3'UTR ('Protein_position 315-?',
    stop_lost&3_prime_UTR_variant): a stop-loss whose extension is unknown. Any other
    coding entry without them is 'incomplete_cds' with the flag vep_no_amino_acids."""
    if "stop_lost" in terms:
        flags = sorted(set(flags) | {"vep_extension_unknown"})
        return ProteinChange("stop_lost", "", len(wt) + 1, flags=tuple(flags), **positions)
    return ProteinChange("incomplete_cds", flags=tuple(sorted(set(flags) | {"vep_no_amino_acids"})), **positions)


def annotations_from_vep(
    somatic_vcf: str, vep_vcf: str, fetch: Callable[[str, int, int], str], transcripts: str = "all"
) -> list[dict]:
    """annotations.tsv rows for the somatic variants, from the CSQ of vep_vcf.

    Variants are matched however each file writes them (normalized_key), so a
    VEP VCF that was not split or left-aligned still matches. A somatic variant
    missing from vep_vcf is an error; one whose record has no CSQ entry for its
    allele gets a 'no_csq' row (VEP skipped it, or the file was edited); one whose
    entries are all outside transcripts gets an 'intergenic' row, as on the GTF path.
    """
    no_neighbours = {"cis_variants": "", "trans_variants": "", "unphased_variants": ""}
    somatic = variants_of(read_vcf_alleles(somatic_vcf))
    entries_by_key = read_vep_vcf(vep_vcf, fetch, wanted={normalized_key(v, fetch) for v in somatic})
    rows = []
    for variant in somatic:
        entries = entries_by_key.get(normalized_key(variant, fetch))
        if entries is None:
            raise NeoagInputError(
                f"{vep_vcf}: has no record for the somatic variant {variant.variant_id} (compared after "
                "splitting multi-allelic records and left-aligning). Annotate the same VCF that the sample "
                "sheet's 'vcf' column gives, or set annotation.source to 'gtf'."
            )
        if not entries:
            rows.append(intergenic_row(variant, "no_csq"))
            continue
        kept = 0
        for entry in entries:
            if entry["Feature_type"] != "Transcript" or not in_transcript_set(entry, transcripts, vep_vcf):
                continue
            change = change_from_entry(entry, variant)
            if change is None:
                continue
            rows.append(variant_key(variant) | _transcript_columns(entry) | change_fields(change) | no_neighbours)
            kept += 1
        if not kept:
            rows.append(intergenic_row(variant))
    return rows


def _transcript_columns(entry: dict[str, str]) -> dict:
    """The transcript columns of a row (as rows.transcript_fields gives them on the GTF path) from a CSQ entry."""
    return {
        "gene_id": entry.get("Gene", ""),
        "gene_name": entry.get("SYMBOL", "") or entry.get("Gene", ""),
        "transcript_id": entry["Feature"],
        "transcript_biotype": entry.get("BIOTYPE", ""),
        "transcript_tags": transcript_tags(entry),
        "transcript_support_level": entry.get("TSL", ""),
    }
