"""The columns of an annotations.tsv row, shared by the GTF path (annotate) and the VEP path (vep)."""

from __future__ import annotations

from neoag.annotation.consequences import ProteinChange
from neoag.transcripts import Transcript
from neoag.variants import Variant, site_columns

TRANSCRIPT_COLUMNS = (
    "gene_id",
    "gene_name",
    "transcript_id",
    "transcript_biotype",
    "transcript_tags",
    "transcript_support_level",
)


def variant_key(variant: Variant) -> dict:
    """The VARIANT_KEY columns of a variant."""
    return {"variant_id": variant.variant_id} | site_columns(variant) | {"variant_type": variant.kind}


def transcript_fields(transcript: Transcript | None) -> dict:
    """The transcript columns of a row (empty for a variant outside every transcript)."""
    if transcript is None:
        return dict.fromkeys(TRANSCRIPT_COLUMNS, "")
    return {
        "gene_id": transcript.gene_id,
        "gene_name": transcript.gene_name,
        "transcript_id": transcript.transcript_id,
        "transcript_biotype": transcript.biotype,
        "transcript_tags": transcript.reported_tags,
        "transcript_support_level": transcript.support_level,
    }


def change_fields(change: ProteinChange) -> dict:
    """The consequence columns of a row."""
    return {
        "consequence": change.consequence,
        "protein_change": change.protein_change,
        "protein_position": change.protein_position or None,
        "cds_position": change.cds_position or None,
        "cdna_position": change.cdna_position or None,
        "annotation_flags": ",".join(change.flags),
        "mt_start": change.mt_start,
        "mt_end": change.mt_end,
        "wt_protein": change.wt_protein,
        "mt_protein": change.mt_protein,
    }


def intergenic_row(variant: Variant, consequence: str = "intergenic") -> dict:
    """The one row of a variant that overlaps no (selected) transcript, so that no variant vanishes
    (consequence 'no_csq' on the VEP path for a variant whose record has no CSQ entry)."""
    return variant_key(variant) | transcript_fields(None) | change_fields(ProteinChange(consequence))
