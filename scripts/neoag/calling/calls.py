"""Calls from any caller, made alike: filter, tumor/normal columns, the caller's own VAFs, consensus.

Every caller's VCF (freebayes, bcftools, Mutect2, Strelka2, or a user's VCF
from VarScan2, DRAGEN, ...) goes the same way. prepare_calls keeps the records
whose FILTER is accepted, checks contigs and REF against the reference, finds
which sample column is the tumor and which the normal, and records the VAFs the
caller itself reports, in the caller's own dialect (AF, AD, Strelka2 tier
counts, VarScan2 FREQ, freebayes AO/RO), one record per ALT allele. Then
`bcftools norm` (a rule) left-aligns and trims them, and consensus unites the
callers' candidates and keeps those proposed by enough callers. The somatic
decision is made later from neoag's own read evidence, the same for every
caller.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from neoag.errors import NeoagInputError
from neoag.vcf import Allele, VcfAllele, open_vcf, read_records, read_vcf_alleles, record_alleles

TUMOR_NAMES = ("TUMOR", "TUMOUR")
NORMAL_NAMES = ("NORMAL",)

# ALT values that stand for "no allele here" (gVCF-style), not alleles to score or skip.
PLACEHOLDER_ALTS = (".", "<*>", "<NON_REF>")

INFO_FIELDS = {
    "CALLERS": ("String", ".", "Callers that proposed this allele (neoag consensus), in config order"),
    "CALLER_TVAF": ("Float", "1", "Tumor VAF as the first of CALLERS reports it (its own counts or estimate)"),
    "CALLER_NVAF": ("Float", "1", "Normal VAF as the first of CALLERS reports it"),
}


@dataclass(frozen=True)
class SampleColumns:
    """Which VCF sample column holds the tumor and which the normal (None: absent)."""

    tumor: str | None
    normal: str | None
    how: str  # how they were found, for the log


@dataclass(frozen=True)
class Candidate(Allele):
    """One normalised ALT allele proposed by one or more callers."""

    callers: tuple[str, ...]
    tumor_vaf: float | None
    normal_vaf: float | None


def detect_sample_columns(
    columns: Sequence[str],
    meta: dict[str, str],
    tumor_names: Iterable[str],
    normal_names: Iterable[str],
    path: str,
) -> SampleColumns:
    """Find the tumor and normal sample columns of a VCF.

    Tried in order: the ##tumor_sample= / ##normal_sample= header lines (as
    Mutect2 writes them); the read-group sample names (SM) of the tumor and
    normal BAMs; the column names TUMOR and NORMAL (Strelka2, VarScan2); a lone
    column is the tumor. A VCF without sample columns has neither.

    Raises NeoagInputError when the columns cannot be told apart.
    """
    columns = list(columns)
    if not columns:
        return SampleColumns(None, None, "sites-only VCF")
    tumor_sm, normal_sm = set(tumor_names), set(normal_names)
    if "tumor_sample" in meta or "normal_sample" in meta:
        tumor, normal = meta.get("tumor_sample"), meta.get("normal_sample")
        for key, name in (("tumor_sample", tumor), ("normal_sample", normal)):
            if name is not None and name not in columns:
                raise NeoagInputError(
                    f"{path}: the header line ##{key}={name} names a sample that is not a column of the VCF "
                    f"(columns: {', '.join(columns)}). Fix the header line or rename the column "
                    "(bcftools reheader --samples)."
                )
        if tumor is None:
            raise NeoagInputError(
                f"{path}: the header has ##normal_sample={normal} but no ##tumor_sample= line, so the tumor "
                f"column among {', '.join(columns)} is unknown. Add the line ##tumor_sample=<column name>."
            )
        if tumor == normal:
            raise NeoagInputError(f"{path}: ##tumor_sample and ##normal_sample name the same column '{tumor}'.")
        return SampleColumns(tumor, normal, "##tumor_sample/##normal_sample header lines")

    by_sm_tumor = [c for c in columns if c in tumor_sm and c not in normal_sm]
    by_sm_normal = [c for c in columns if c in normal_sm and c not in tumor_sm]
    if len(by_sm_tumor) == 1 and len(by_sm_normal) <= 1:
        return SampleColumns(by_sm_tumor[0], by_sm_normal[0] if by_sm_normal else None, "BAM read-group SM names")

    upper = {c.upper(): c for c in columns}
    named_tumor = [upper[n] for n in TUMOR_NAMES if n in upper]
    named_normal = [upper[n] for n in NORMAL_NAMES if n in upper]
    if len(named_tumor) == 1 and len(named_normal) <= 1:
        return SampleColumns(named_tumor[0], named_normal[0] if named_normal else None, "column names TUMOR/NORMAL")

    if len(columns) == 1:
        return SampleColumns(columns[0], None, "the only sample column")

    raise NeoagInputError(
        f"{path}: cannot tell which sample column is the tumor: the VCF has columns {', '.join(columns)}, "
        f"the tumor BAM's read-group sample name(s) are {', '.join(sorted(tumor_sm)) or 'none'} and the "
        f"normal BAM's {', '.join(sorted(normal_sm)) or 'none'}. Add the header lines "
        "##tumor_sample=<column> and ##normal_sample=<column> (as Mutect2 writes them), or rename the "
        "columns to the BAMs' SM names or to TUMOR and NORMAL (bcftools reheader --samples)."
    )


def _number(header, key: str) -> str | None:
    return str(header.formats[key].number) if key in header.formats else None


def _first(value):
    return value[0] if isinstance(value, tuple) else value


def caller_vaf(record, sample: str | None, allele: int = 1) -> float | None:
    """The VAF a caller reports for ALT allele number `allele` (1 = first ALT) in one sample column.

    Dialects, first match wins: FORMAT AF (Mutect2, DRAGEN; Number=A); AD with
    one value per allele (GATK, freebayes, bcftools; Number=R); Strelka2 tier-1
    counts, {REF}U/{ALT}U for SNVs and TAR/TIR for indels; VarScan2 FREQ ('12.5%')
    or AD (ALT depth) and RD; freebayes AO/RO. None when the sample column is
    absent or none of these fields is filled.
    """
    if sample is None:
        return None
    header, fields = record.header, record.samples[sample]

    def get(key):
        try:
            value = fields.get(key)
        except (KeyError, ValueError):
            return None
        if value is None or (isinstance(value, tuple) and any(v is None for v in value)):
            return None
        return value

    def fraction(alt, total):
        return alt / total if total else None

    single = len(record.alts or ()) == 1
    af = get("AF")
    if af is not None and _number(header, "AF") == "A" and isinstance(af, tuple) and len(af) >= allele:
        return float(af[allele - 1])
    if af is not None and _number(header, "AF") == "1" and single:
        return float(_first(af))
    ad = get("AD")
    if ad is not None and _number(header, "AD") in ("R", ".") and isinstance(ad, tuple) and len(ad) > allele:
        return fraction(ad[allele], sum(ad))
    if not single:
        return None  # the remaining dialects count one ALT allele per record
    ref, alt = record.ref.upper(), record.alts[0].upper()
    if len(ref) == 1 and len(alt) == 1 and get(f"{ref}U") is not None and get(f"{alt}U") is not None:
        ref_tier1, alt_tier1 = _first(get(f"{ref}U")), _first(get(f"{alt}U"))
        return fraction(alt_tier1, ref_tier1 + alt_tier1)
    if get("TIR") is not None and get("TAR") is not None:
        tir, tar = _first(get("TIR")), _first(get("TAR"))
        return fraction(tir, tir + tar)
    freq = get("FREQ")
    if isinstance(freq, str) and freq.endswith("%"):
        try:
            return float(freq[:-1]) / 100
        except ValueError:
            pass
    if ad is not None and get("RD") is not None:
        return fraction(_first(ad), _first(ad) + _first(get("RD")))
    if get("AO") is not None and get("RO") is not None:
        return fraction(_first(get("AO")), _first(get("AO")) + _first(get("RO")))
    return None


def header_meta(header) -> dict[str, str]:
    meta = {}
    for line in header.records:
        if line.type == "GENERIC" and line.key in ("tumor_sample", "normal_sample"):
            meta[line.key] = line.value
    return meta


def bam_sample_names(path: str) -> list[str]:
    """Read-group sample names (SM) in a BAM/CRAM header."""
    import pysam

    with pysam.AlignmentFile(path, require_index=False) as alignments:
        return sorted({group["SM"] for group in alignments.header.to_dict().get("RG", []) if "SM" in group})


def _names(bam: str | None) -> list[str]:
    """bam_sample_names, none without a BAM (a VCF-only sample)."""
    return bam_sample_names(bam) if bam else []


def read_calls(
    vcf_path: str,
    caller: str,
    fasta,
    tumor_names: Iterable[str],
    normal_names: Iterable[str],
    pass_filters: Sequence[str],
) -> tuple[list[Candidate], SampleColumns, dict[str, int], list[dict[str, str]]]:
    """The accepted, normalised ALT alleles of one caller's VCF.

    fasta is an open pysam.FastaFile: REF alleles must match it. Records whose
    FILTER is not in pass_filters ('.' = no filter applied) are dropped; the
    returned counts say how many for which reason. Alleles that are valid VCF
    but cannot be scored (symbolic, breakend, '*', N or IUPAC codes) are
    returned as skipped rows (chrom, pos, ref, alt, caller, skip_reason).
    Raises NeoagInputError for a VCF that cannot be read, an unknown contig, a
    record beyond the contig's end or a REF that differs from the reference.
    """
    accepted = set(pass_filters)
    counts = {"records": 0, "kept": 0, "filtered": 0, "no_alt": 0, "skipped": 0}
    candidates, skipped = [], []
    contigs = set(fasta.references)
    with open_vcf(vcf_path) as vcf:
        columns = detect_sample_columns(
            list(vcf.header.samples), header_meta(vcf.header), tumor_names, normal_names, vcf_path
        )
        for record in read_records(vcf, vcf_path):
            counts["records"] += 1
            if not all(f in accepted for f in tuple(record.filter.keys()) or (".",)):
                counts["filtered"] += 1
                continue
            _check_against_reference(record, fasta, contigs, f"{vcf_path}, record {record.chrom}:{record.pos}")
            alleles = _scorable_alleles(record, caller, skipped)
            if not alleles:
                if not _last_skipped_at(skipped, record):
                    counts["no_alt"] += 1
                continue
            counts["kept"] += 1
            candidates += [_candidate(allele, caller, columns) for allele in alleles]
    counts["skipped"] = len(skipped)
    return candidates, columns, counts, skipped


def _check_against_reference(record, fasta, contigs: set[str], where: str) -> None:
    """A record's contig, extent and REF must fit the reference FASTA (an open pysam.FastaFile
    with the reference names `contigs`); otherwise NeoagInputError, where names the record."""
    if record.chrom not in contigs:
        raise NeoagInputError(
            f"{where}: contig '{record.chrom}' is not in the reference FASTA. The VCF must be "
            "called on the same reference as the BAMs (same contig names, e.g. 'chr1' vs '1')."
        )
    length = fasta.get_reference_length(record.chrom)
    if record.pos - 1 + len(record.ref) > length:
        raise NeoagInputError(
            f"{where}: REF '{record.ref}' reaches beyond the end of contig {record.chrom} "
            f"({length} bp in the reference FASTA). The VCF was made on another reference build or "
            "assembly; call it on the configured reference, or remove the record."
        )
    reference = fasta.fetch(record.chrom, record.pos - 1, record.pos - 1 + len(record.ref)).upper()
    if reference != record.ref.upper() and not set(record.ref.upper()) <= {"N"}:
        raise NeoagInputError(
            f"{where}: REF '{record.ref}' differs from the reference genome ('{reference}'). The VCF "
            "was made on another reference build; call it on the configured reference or lift it over."
        )


def _scorable_alleles(record, caller: str, skipped: list[dict[str, str]]) -> list[VcfAllele]:
    """The ALT alleles of a record that can be scored. Those that cannot are added to
    skipped (a row each, also logged); placeholders (PLACEHOLDER_ALTS) are passed over."""
    alleles = []
    for allele in record_alleles(record):
        if allele.alt in PLACEHOLDER_ALTS:
            continue
        reason = allele.skip_reason
        if reason:
            skipped.append(
                {"chrom": allele.chrom, "pos": str(allele.pos), "ref": allele.ref, "alt": allele.alt,
                 "caller": caller, "skip_reason": reason}
            )  # fmt: skip
            print(f"  skipped {allele.chrom}:{allele.pos} {allele.ref}>{allele.alt}: {reason}", file=sys.stderr)
            continue
        alleles.append(allele)
    return alleles


def _last_skipped_at(skipped: list[dict[str, str]], record) -> bool:
    """Whether the last skipped row is at this record's site (a record whose alleles were
    all skipped is not also counted as a record without ALT)."""
    return bool(skipped) and (skipped[-1]["chrom"], skipped[-1]["pos"]) == (record.chrom, str(record.pos))


def _candidate(allele: VcfAllele, caller: str, columns: SampleColumns) -> Candidate:
    """One caller's candidate: the allele in upper case, with the VAFs that caller reports."""
    return Candidate(
        chrom=allele.chrom,
        pos=allele.pos,
        ref=allele.ref.upper(),
        alt=allele.alt.upper(),
        callers=(caller,),
        tumor_vaf=caller_vaf(allele.record, columns.tumor, allele.number),
        normal_vaf=caller_vaf(allele.record, columns.normal, allele.number),
    )


def merge_calls(
    call_sets: Sequence[Sequence[Candidate]], min_callers: int, contig_order: Sequence[str]
) -> list[Candidate]:
    """Unite the candidates of several callers (given in config order); keep those that at
    least min_callers callers proposed. An allele's VAFs come from the first caller that
    reports them. Sorted by reference contig order, position, REF, ALT."""
    merged: dict[tuple[str, int, str, str], Candidate] = {}
    for calls in call_sets:
        for call in calls:
            key = (call.chrom, call.pos, call.ref, call.alt)
            seen = merged.get(key)
            if seen is None:
                merged[key] = call
            elif call.callers[0] not in seen.callers:
                merged[key] = Candidate(
                    *key,
                    callers=seen.callers + call.callers,
                    tumor_vaf=seen.tumor_vaf if seen.tumor_vaf is not None else call.tumor_vaf,
                    normal_vaf=seen.normal_vaf if seen.normal_vaf is not None else call.normal_vaf,
                )
    order = {name: i for i, name in enumerate(contig_order)}
    kept = [c for c in merged.values() if len(c.callers) >= min_callers]
    return sorted(kept, key=lambda c: (order.get(c.chrom, len(order)), c.chrom, c.pos, c.ref, c.alt))


def write_candidates(candidates: Sequence[Candidate], path: str, contigs: Sequence[tuple[str, int]]) -> None:
    """A sites-only, bgzipped and indexed VCF of candidates with CALLERS and the callers' VAFs."""
    import pysam

    header = pysam.VariantHeader()
    for name, length in contigs:
        header.contigs.add(name, length=length)
    for key, (kind, number, text) in INFO_FIELDS.items():
        header.add_meta("INFO", items=[("ID", key), ("Number", number), ("Type", kind), ("Description", text)])
    with pysam.VariantFile(path, "wz", header=header) as out:
        for c in candidates:
            record = out.new_record(contig=c.chrom, start=c.pos - 1, alleles=(c.ref, c.alt))
            record.info["CALLERS"] = c.callers
            if c.tumor_vaf is not None:
                record.info["CALLER_TVAF"] = round(c.tumor_vaf, 4)
            if c.normal_vaf is not None:
                record.info["CALLER_NVAF"] = round(c.normal_vaf, 4)
            out.write(record)
    pysam.tabix_index(path, preset="vcf", force=True)


def read_candidates(path: str) -> list[Candidate]:
    """Candidates back from a VCF written by write_candidates (one ALT per record)."""
    return [
        Candidate(
            chrom=allele.chrom,
            pos=allele.pos,
            ref=allele.ref,
            alt=allele.alt,
            callers=tuple(allele.record.info.get("CALLERS", ())),
            tumor_vaf=allele.record.info.get("CALLER_TVAF"),
            normal_vaf=allele.record.info.get("CALLER_NVAF"),
        )
        for allele in read_vcf_alleles(path)
    ]


def prepare_calls(
    vcf_path: str,
    out_path: str,
    caller: str,
    fasta_path: str,
    tumor_bam: str | None,
    normal_bam: str | None,
    pass_filters: Sequence[str],
    skipped_path: str | None = None,
) -> list[Candidate]:
    """One caller's VCF -> its accepted ALT alleles (sites-only VCF, sorted, indexed), and the
    alleles that cannot be scored, with the reason, in skipped_path (TSV)."""
    import pandas as pd
    import pysam

    from neoag.columns import SKIPPED
    from neoag.tables import write_table

    with pysam.FastaFile(fasta_path) as fasta:
        contigs = list(zip(fasta.references, fasta.lengths))
        candidates, columns, counts, skipped = read_calls(
            vcf_path, caller, fasta, _names(tumor_bam), _names(normal_bam), pass_filters
        )
    candidates = merge_calls([candidates], 1, [name for name, _ in contigs])
    write_candidates(candidates, out_path, contigs)
    if skipped_path:
        write_table(pd.DataFrame(skipped, columns=list(SKIPPED)), skipped_path, SKIPPED)
    print(
        f"{caller}: {counts['records']} records; {counts['filtered']} with a FILTER not in "
        f"{list(pass_filters)}, {counts['no_alt']} without an ALT allele; skipped {counts['skipped']} "
        f"allele(s) that cannot be scored (see skipped.tsv); {len(candidates)} candidate "
        f"alleles. Tumor column: {columns.tumor}, normal column: {columns.normal} ({columns.how}).",
        file=sys.stderr,
    )
    return candidates


def consensus(
    call_vcfs: Sequence[str], callers: Sequence[str], min_callers: int, fasta_path: str, out_path: str
) -> list[Candidate]:
    """Candidates proposed by at least min_callers of the callers (VCFs in config order)."""
    import pysam

    with pysam.FastaFile(fasta_path) as fasta:
        contigs = list(zip(fasta.references, fasta.lengths))
    call_sets = [read_candidates(path) for path in call_vcfs]
    merged = merge_calls(call_sets, min_callers, [name for name, _ in contigs])
    write_candidates(merged, out_path, contigs)
    sizes = ", ".join(f"{caller} {len(calls)}" for caller, calls in zip(callers, call_sets))
    print(f"candidates per caller: {sizes}; proposed by >= {min_callers}: {len(merged)}", file=sys.stderr)
    return merged
