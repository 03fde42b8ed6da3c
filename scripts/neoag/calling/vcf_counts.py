"""Depth, ALT count and VAF of a sample as the caller wrote them in its VCF (for VCF-only runs).

neoag normally counts reads itself (calling.evidence). Without BAMs the only
evidence is what the caller wrote, and each caller writes it its own way:

| dialect | ALT count | depth |
| --- | --- | --- |
| AD with one value per allele (Number=R: Mutect2, GATK, freebayes, bcftools, DRAGEN) | AD[allele] | sum of AD |
| Strelka2 SNV: tier-1 base counts AU, CU, GU, TU (Number=2) | {ALT}U[0] | AU + CU + GU + TU (tier 1) |
| Strelka2 indel: TIR, TAR (Number=2) | TIR[0] | TIR + TAR (tier 1) |
| VarScan2: AD = ALT depth (Number=1), RD = REF depth (FREQ '12.5%') | AD | AD + RD |
| freebayes without AD: AO (Number=A), RO | AO[allele] | RO + sum of AO |
| AF and DP only | round(AF x DP) | DP |

The first dialect that a record fills wins; VAF = ALT count / depth. A record
that fills none gives None (its row says so instead of a number).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallerCounts:
    """One sample's depth, ALT count and VAF at one ALT allele, and the FORMAT fields they came from."""

    depth: int
    alt_count: int
    vaf: float | None
    fields: str


def _format_number(record, key: str) -> str | None:
    formats = record.header.formats
    return str(formats[key].number) if key in formats else None


def _value(fields, key: str):
    """A FORMAT value, None when absent or missing ('.')."""
    try:
        value = fields.get(key)
    except (KeyError, ValueError):
        return None
    if value is None or (isinstance(value, tuple) and (not value or any(v is None for v in value))):
        return None
    return value


def _first(value):
    return value[0] if isinstance(value, tuple) else value


def _counts(alt: float, depth: float, fields: str) -> CallerCounts:
    alt, depth = int(round(alt)), int(round(depth))
    return CallerCounts(depth, alt, alt / depth if depth else None, fields)


def _strelka2(record, fields, allele: int) -> CallerCounts | None:
    """Strelka2's tier-1 counts: {BASE}U for SNVs, TIR/TAR for indels (one ALT per record)."""
    if len(record.alts or ()) != 1 or allele != 1:
        return None
    ref, alt = record.ref.upper(), record.alts[0].upper()
    bases = {base: _value(fields, f"{base}U") for base in "ACGT"}
    if len(ref) == 1 and len(alt) == 1 and alt in bases and all(v is not None for v in bases.values()):
        return _counts(_first(bases[alt]), sum(_first(v) for v in bases.values()), "AU,CU,GU,TU (tier 1)")
    tir, tar = _value(fields, "TIR"), _value(fields, "TAR")
    if tir is not None and tar is not None:
        return _counts(_first(tir), _first(tir) + _first(tar), "TIR,TAR (tier 1)")
    return None


def caller_counts(record, sample: str | None, allele: int = 1) -> CallerCounts | None:
    """Depth, ALT count and VAF of ALT allele number `allele` (1 = first ALT) in one sample column
    of a pysam VariantRecord, in the caller's own dialect (see the module's table); None when the
    column is absent or the record fills none of the dialects."""
    if sample is None or sample not in record.header.samples:
        return None
    fields = record.samples[sample]
    ad = _value(fields, "AD")
    if ad is not None and _format_number(record, "AD") in ("R", ".") and isinstance(ad, tuple) and len(ad) > allele:
        return _counts(ad[allele], sum(ad), "AD")
    strelka = _strelka2(record, fields, allele)
    if strelka is not None:
        return strelka
    rd = _value(fields, "RD")
    if ad is not None and rd is not None and len(record.alts or ()) == 1:
        return _counts(_first(ad), _first(ad) + _first(rd), "AD,RD (VarScan2)")
    ao, ro = _value(fields, "AO"), _value(fields, "RO")
    if ao is not None and ro is not None:
        ao = ao if isinstance(ao, tuple) else (ao,)
        if len(ao) >= allele:
            return _counts(ao[allele - 1], _first(ro) + sum(ao), "AO,RO")
    af, dp = _value(fields, "AF"), _value(fields, "DP")
    if af is not None and dp is not None:
        af = af if isinstance(af, tuple) else (af,)
        if len(af) >= allele:
            return _counts(float(af[allele - 1]) * _first(dp), _first(dp), "AF,DP")
    return None
