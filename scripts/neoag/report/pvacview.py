"""pVACview export: neoag's tables as pVACseq's aggregated report and its metrics JSON.

pVACview (the Shiny app that pVACseq users review candidates in) loads two
files: `<name>.all_epitopes.aggregated.tsv`, one row per variant with its best
epitope, and `<name>.all_epitopes.aggregated.metrics.json`, the run's
thresholds and, per variant, its transcript sets and their peptides. This
module writes both from neoag's tables, in the columns, value forms and JSON
structure that pVACseq writes. docs/pvacview.md says which neoag column
feeds each pVACseq column, what stays NA and why.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterator
from functools import lru_cache

import pandas as pd

from neoag.report.pvacview_rows import shown_rows, variant_batches
from neoag.tables import read_table

# pVACseq's aggregated-report columns around the per-allele columns (one per
# scored allele, named without 'HLA-', between Index and Gene).
LEADING_COLUMNS = ("ID", "Index")
TRAILING_COLUMNS = (
    "Gene", "AA Change", "Num Passing Transcripts", "Best Peptide", "Best Transcript", "MANE Select",
    "Canonical", "TSL", "Allele", "Pos", "Prob Pos", "Num Included Peptides", "Num Passing Peptides",
    "IC50 MT", "IC50 WT", "%ile MT", "%ile WT", "RNA Expr", "RNA VAF", "Allele Expr", "RNA Depth",
    "DNA VAF", "Tier", "Ref Match", "Evaluation",
)  # fmt: skip

# Which of a variant's peptides the metrics JSON shows (pVACseq's defaults for the same two
# settings): those with a MT affinity below INCLUSION_NM, at most INCLUSION_LIMIT peptides
# (the best-ranked), and always the variant's best peptide.
INCLUSION_NM = 5000
INCLUSION_LIMIT = 15

# pVACseq's variant types, by neoag consequence (others keep neoag's term).
VARIANT_TYPES = {
    "missense": "missense",
    "inframe_insertion": "inframe_ins",
    "inframe_deletion": "inframe_del",
    "frameshift": "FS",
}
NO_WT_PEPTIDE = {"frameshift": "FS-NA", "inframe_insertion": "INS-NA", "inframe_deletion": "DEL-NA"}

THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
    "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
    "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Sec": "U", "Ter": "*", "Xaa": "X",
}  # fmt: skip


def pvacseq_id(chrom: str, pos: int, ref: str, alt: str) -> str:
    """pVACseq's variant ID chrom-start-stop-ref-alt: stop = POS - 1 + len(REF); start =
    POS - 1, or POS for an indel with VCF's shared padding base."""
    padded = len(ref) != len(alt) and ref[:1] == alt[:1]
    start = pos if padded else pos - 1
    return f"{chrom}-{start}-{pos - 1 + len(ref)}-{ref}-{alt}"


def aa_change(consequence: str, protein_change: str, protein_position) -> str:
    """pVACseq's 'AA Change': FS<position> for a frameshift, else neoag's HGVS protein change
    in one-letter code without 'p.' (S117N, as pVACseq for a missense; S156_D157insK ...)."""
    if consequence == "frameshift":
        return f"FS{int(protein_position)}"
    change = protein_change.removeprefix("p.")
    for three, one in THREE_TO_ONE.items():
        change = change.replace(three, one)
    return change


def number(value, digits: int = 3) -> str:
    """A number as pVACseq writes it (%.3f), NA when missing."""
    return "NA" if value is None or pd.isna(value) else f"{float(value):.{digits}f}"


def json_value(value):
    """A float for JSON, or 'NA' when missing (pVACseq's convention)."""
    return "NA" if value is None or pd.isna(value) else float(value)


def positions(mutation_positions: str) -> str:
    """neoag's '1,2,3' as pVACseq's '1, 2, 3'; NA when empty."""
    return ", ".join(mutation_positions.split(",")) if mutation_positions else "NA"


def problematic_positions(peptide: str, residues: str) -> str:
    """1-based positions of the flagged residues in the peptide, comma-separated; None when none."""
    flagged = set(residues.split(",")) - {""}
    found = [str(i) for i, residue in enumerate(peptide, 1) if residue in flagged]
    return ",".join(found) if found else "None"


def tag_flag(tags: str, tag: str, tags_known: bool) -> str:
    """True/False for a GTF tag of the transcript; Not Run when the GTF gives no tags at all."""
    return ("True" if tag in tags.split(",") else "False") if tags_known else "Not Run"


def tsl_value(tsl: str):
    """TSL as pVACseq: the level as a number, NA, or Not Supported when the GTF gives none."""
    return int(tsl) if tsl.isdigit() else (tsl or "Not Supported")


def included_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """A variant's rows (neoag rank order) shown in the metrics: its best peptide and the
    first INCLUSION_LIMIT peptides with a MT affinity below INCLUSION_NM, all their rows
    below INCLUSION_NM (and the best row)."""
    binding = rows[rows.mt_affinity_nm < INCLUSION_NM]
    peptides = list(dict.fromkeys(binding.mt_peptide))[:INCLUSION_LIMIT]
    keep = binding.mt_peptide.isin(peptides)
    return rows[keep.reindex(rows.index, fill_value=False) | (rows.index == rows.index[0])]


def aggregated_row(rows: pd.DataFrame, index: int, alleles: list[str], tags_known: bool) -> dict:
    """One variant's row of the aggregated report; rows: its all_epitopes rows in rank order."""
    best = rows.iloc[0]
    included = included_rows(rows)
    good = included[included.binder]
    per_allele = good.groupby("allele").mt_peptide.nunique()
    change = aa_change(best.consequence, best.protein_change, best.protein_position)
    kind = VARIANT_TYPES.get(best.consequence, best.consequence)
    allele_expr = best.gene_tpm * best.tumor_rna_vaf
    return {
        "ID": pvacseq_id(best.chrom, int(best.pos), best.ref, best.alt),
        "Index": f"{index}.{best.gene_name}.{best.transcript_id}.{kind}.{change}",
        **{allele.removeprefix("HLA-"): str(int(per_allele.get(allele, 0)) or "") for allele in alleles},
        "Gene": best.gene_name,
        "AA Change": change,
        "Num Passing Transcripts": str(included.transcript_id.nunique()),
        "Best Peptide": best.mt_peptide,
        "Best Transcript": best.transcript_id,
        "MANE Select": tag_flag(best.transcript_tags, "MANE_Select", tags_known),
        "Canonical": tag_flag(best.transcript_tags, "Ensembl_canonical", tags_known),
        "TSL": str(tsl_value(best.transcript_support_level)),
        "Allele": best.allele,
        "Pos": positions(best.mutation_positions),
        "Prob Pos": problematic_positions(best.mt_peptide, best.problematic_residues),
        "Num Included Peptides": str(included.mt_peptide.nunique()),
        "Num Passing Peptides": str(good.mt_peptide.nunique()),
        "IC50 MT": number(best.mt_affinity_nm),
        "IC50 WT": number(best.wt_affinity_nm),
        "%ile MT": number(best.mt_affinity_percentile),
        "%ile WT": number(best.wt_affinity_percentile),
        "RNA Expr": number(best.gene_tpm),
        "RNA VAF": number(best.tumor_rna_vaf),
        "Allele Expr": number(round(allele_expr, 3) if pd.notna(allele_expr) else None),
        "RNA Depth": number(best.tumor_rna_depth),
        "DNA VAF": number(best.tumor_dna_vaf),
        "Tier": best.tier,
        "Ref Match": str(bool(best.in_reference_proteome)),
        "Evaluation": "Pending",
    }


@lru_cache(maxsize=8)
def _record_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", columns)  # noqa: PYI024 (a table's columns, known at run time)


def records(rows: pd.DataFrame) -> list:
    """The rows of a table as named tuples of Python values (row.column), in order: the
    metrics' per-peptide work on a variant's included rows without pandas' per-call cost."""
    make = _record_type(tuple(rows.columns))._make
    return list(map(make, zip(*(rows[column].tolist() for column in rows.columns))))


def _per_allele(rows: list, columns: list[str | None]) -> dict[str, list]:
    """allele -> [value of each column] ('NA' for a missing value or a column of None)."""
    return {row.allele: [json_value(getattr(row, column)) if column else "NA" for column in columns] for row in rows}


def individual_calls(rows: list, presentation: bool) -> dict:
    """pVACseq's individual_* entries of one peptide: MHCflurry's affinity (and, with a
    presentation model, MHCflurry's processing and presentation scores) per allele."""
    el = ["MHCflurryEL Processing", "MHCflurryEL Presentation"] if presentation else []
    percentile = ["MHCflurry", *(["MHCflurryEL Presentation"] if presentation else [])]
    el_mt = ["mt_processing_score", "mt_presentation_score"] if presentation else []
    el_pct_mt = [None, "mt_presentation_percentile"] if presentation else []
    pct_mt = ["mt_affinity_percentile", *(["mt_presentation_percentile"] if presentation else [])]
    pct_wt = ["wt_affinity_percentile", *([None] if presentation else [])]

    def calls(algorithms, mt, wt):
        return {"algorithms": algorithms, "MT": _per_allele(rows, mt), "WT": _per_allele(rows, wt)}

    return {
        "individual_ic50_calls": calls(["MHCflurry"], ["mt_affinity_nm"], ["wt_affinity_nm"]),
        "individual_ic50_percentile_calls": calls(
            ["MHCflurry"], ["mt_affinity_percentile"], ["wt_affinity_percentile"]
        ),
        "individual_el_calls": calls(el, el_mt, [None] * len(el)),
        "individual_el_percentile_calls": calls(el, el_pct_mt, [None] * len(el)),
        "individual_percentile_calls": calls(percentile, pct_mt, pct_wt),
    }


def peptide_entry(rows: list, alleles: list[str], max_affinity_nm: float, presentation: bool) -> dict:
    """The metrics of one peptide on one transcript: its rows (records), one per included allele."""
    first = rows[0]
    row_of = {row.allele: row for row in rows}

    def scores(column):
        return [json_value(getattr(row_of[a], column)) if a in row_of else "X" for a in alleles]

    anchor_fails = [row.allele for row in rows if row.anchor_mutation and row.wt_affinity_nm <= max_affinity_nm]
    wt_peptide = first.wt_peptide or NO_WT_PEPTIDE.get(first.consequence, "NA")
    return {
        "ic50s_MT": scores("mt_affinity_nm"),
        "percentiles_MT": scores("mt_affinity_percentile"),
        "ic50s_WT": scores("wt_affinity_nm"),
        "percentiles_WT": scores("wt_affinity_percentile"),
        "hla_types": list(alleles),
        "mutation_position": positions(first.mutation_positions),
        "problematic_positions": problematic_positions(first.mt_peptide, first.problematic_residues),
        "anchor_fails": ", ".join(anchor_fails) or "None",
        **individual_calls(rows, presentation),
        "wt_peptide": wt_peptide,
    }


def _grouped(rows: list, column: str) -> dict[str, list]:
    """Records grouped by a column's value, groups in the order of their first row."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(getattr(row, column), []).append(row)
    return groups


def transcript_sets(included: list) -> list[list[str]]:
    """The variant's transcripts grouped by the set of included peptides they make
    (pVACseq's transcript sets), in rank order of their first row. included: records."""
    groups: dict[frozenset, list[str]] = {}
    for transcript, rows in _grouped(included, "transcript_id").items():
        groups.setdefault(frozenset(row.mt_peptide for row in rows), []).append(transcript)
    return list(groups.values())


def transcript_set_entry(included: list, transcripts: list[str], context: dict) -> dict:
    """One transcript set: the peptides of its first transcript, and each transcript's facts."""
    by_transcript = _grouped(included, "transcript_id")
    alleles, tags_known = context["alleles"], context["tags_known"]
    peptides = {
        peptide: peptide_entry(peptide_rows, alleles, context["max_affinity_nm"], context["presentation"])
        for peptide, peptide_rows in _grouped(by_transcript[transcripts[0]], "mt_peptide").items()
    }
    firsts = [by_transcript[t][0] for t in transcripts]
    expression = [json_value(row.transcript_tpm) for row in firsts]
    return {
        "peptides": peptides,
        "transcripts": [
            f"{row.transcript_id}-{row.gene_name}-"
            f"{aa_change(row.consequence, row.protein_change, row.protein_position)}-{int(row.protein_position)}"
            for row in firsts
        ],
        "transcript_expr": expression,
        "mane_select": [tag_flag(row.transcript_tags, "MANE_Select", tags_known) for row in firsts],
        "canonical": [tag_flag(row.transcript_tags, "Ensembl_canonical", tags_known) for row in firsts],
        "tsl": [tsl_value(row.transcript_support_level) for row in firsts],
        "biotype": [row.transcript_biotype for row in firsts],
        "transcript_cds_flags": [
            ",".join(t.lower() for t in row.transcript_tags.split(",") if t.endswith("_NF")) or "None" for row in firsts
        ],
        "transcript_length": [context["lengths"].get((row.variant_id, row.transcript_id), 0) for row in firsts],
        "transcript_count": len(transcripts),
        "peptide_count": len(peptides),
        "total_expr": float(sum(value for value in expression if value != "NA")),
    }


def variant_metrics(rows: pd.DataFrame, context: dict) -> dict:
    """One variant's entry of the metrics JSON; rows: its all_epitopes rows in rank order."""
    best = rows.iloc[0]
    included = records(included_rows(rows))
    sets = {
        f"Transcript Set {number}": transcript_set_entry(included, transcripts, context)
        for number, transcripts in enumerate(transcript_sets(included), 1)
    }
    matched = sorted({row.mt_peptide for row in included if row.in_reference_proteome})
    return {
        "good_binders": sets,
        "sets": list(sets),
        "transcript_counts": [entry["transcript_count"] for entry in sets.values()],
        "peptide_counts": [entry["peptide_count"] for entry in sets.values()],
        "set_expr": [entry["total_expr"] for entry in sets.values()],
        "DNA VAF": json_value(best.tumor_dna_vaf),
        "RNA VAF": json_value(best.tumor_rna_vaf),
        "gene_expr": json_value(best.gene_tpm),
        "best_peptide_mt": best.mt_peptide,
        "best_peptide_wt": best.wt_peptide or "NA",
        "best_hla_allele": best.allele,
        # neoag matches whole peptides exactly and records no hit protein (docs/pvacview.md).
        "reference_matches": {
            "count": len(matched),
            "query_peptide": best.mt_peptide,
            "matches": [{"Matched Peptide": peptide} for peptide in matched],
        },
    }


# annotation.transcripts -> pVACseq's transcript prioritisation (pVACview's transcript criterion).
TRANSCRIPT_STRATEGY = {
    "all": ["canonical", "mane_select", "tsl"],
    "canonical": ["canonical", "mane_select"],
    "mane_select": ["mane_select"],
}


def clonal_vaf(purity: float | None, copy_number: float | None, max_somatic_vaf: float) -> float:
    """The VAF of a clonal variant on one copy: purity / (purity * CN + 2 * (1 - purity)) with a
    purity (clonality.py), else the sample's highest somatic VAF (neoag's rule without one)."""
    if purity is not None:
        return purity / (purity * (copy_number or 2.0) + 2.0 * (1.0 - purity))
    return max_somatic_vaf if pd.notna(max_somatic_vaf) else 0.0


def metrics_settings(alleles: list[str], lengths: list[int], settings: dict, max_somatic_vaf: float) -> dict:
    """The run-wide head of the metrics JSON, in pVACseq's key order (pVACview reads its
    first 21 entries by position). settings: filters, tiers, transcripts, purity, copy_number."""
    filters, tiers = settings["filters"], settings["tiers"]
    vaf = clonal_vaf(settings.get("purity"), settings.get("copy_number"), max_somatic_vaf)
    return {
        "tumor_purity": settings.get("purity"),
        "vaf_clonal": round(vaf, 3),
        "vaf_subclonal": round(vaf * tiers["min_clonal_ccf"], 3),
        "binding_threshold": filters["max_affinity_nm"],
        "aggregate_inclusion_binding_threshold": INCLUSION_NM,
        "aggregate_inclusion_count_limit": INCLUSION_LIMIT,
        "trna_vaf": tiers["min_rna_vaf"],
        "trna_cov": tiers["min_rna_depth"],
        "allele_expr_threshold": round(tiers["min_expression_tpm"] * tiers["min_rna_vaf"], 3),
        "transcript_prioritization_strategy": TRANSCRIPT_STRATEGY.get(settings["transcripts"], []),
        "maximum_transcript_support_level": 1,
        "percentile_threshold": filters["max_affinity_percentile"],
        "percentile_threshold_strategy": "exploratory",  # binder: affinity OR percentile, as neoag
        "use_allele_specific_binding_thresholds": False,
        "mt_top_score_metric": "Best",
        "wt_top_score_metric": "Corresponding",
        "top_score_metric2": "percentile",
        "allele_specific_binding_thresholds": {},
        "allele_specific_anchors": False,
        "alleles": list(alleles),
        "anchor_contribution_threshold": 0.8,
        "epitope_lengths": sorted(lengths),
    }


def export_context(alleles: list[str], settings: dict, lengths: dict, tags_known: bool, presentation: bool) -> dict:
    """What every variant's entries need: the sorted alleles, whether the GTF gives tags and the
    models presentation scores (over all rows of all_epitopes.tsv), the binding threshold and
    the protein lengths by (variant_id, transcript_id)."""
    return {
        "alleles": sorted(alleles),
        "tags_known": tags_known,
        "max_affinity_nm": settings["filters"]["max_affinity_nm"],
        "presentation": presentation,
        "lengths": lengths,
    }


def variant_entries(table: pd.DataFrame, first_index: int, context: dict) -> Iterator[tuple[dict, dict]]:
    """(aggregated row, metrics entry) of each variant of table (all its shown rows, in rank
    order; variants in the order of their first row), numbered from first_index."""
    for index, (_, variant_rows) in enumerate(table.groupby("variant_id", sort=False), first_index):
        yield (
            aggregated_row(variant_rows, index, context["alleles"], context["tags_known"]),
            variant_metrics(variant_rows, context),
        )


def report_columns(alleles: list[str]) -> list[str]:
    """The aggregated report's columns: one per allele (sorted, without 'HLA-') between Index and Gene."""
    return [*LEADING_COLUMNS, *(a.removeprefix("HLA-") for a in sorted(alleles)), *TRAILING_COLUMNS]


def pvacview_export(
    all_epitopes: pd.DataFrame, alleles: list[str], lengths: dict, settings: dict, max_somatic_vaf: float
) -> tuple[pd.DataFrame, dict]:
    """(aggregated report, metrics) from all_epitopes.tsv (rank order) held in memory; lengths:
    protein length by (variant_id, transcript_id). write_pvacview writes the same, streamed."""
    context = export_context(
        alleles, settings, lengths, bool((all_epitopes.transcript_tags != "").any()),
        bool(all_epitopes.mt_presentation_score.notna().any()),
    )  # fmt: skip
    metrics = metrics_settings(context["alleles"], all_epitopes.peptide_length.astype(int).unique().tolist(),
                               settings, max_somatic_vaf)  # fmt: skip
    rows = []
    for row, entry in variant_entries(all_epitopes, 1, context):
        rows.append(row)
        metrics[row["ID"]] = entry
    return pd.DataFrame(rows, columns=report_columns(alleles)), metrics


def json_member(key: str, value) -> str:
    """One member of a top-level JSON object, as json.dump(indent=2) writes it inside the object."""
    return json.dumps({key: value}, indent=2, separators=(",", ": "))[2:-2]


# Rows of all_epitopes.tsv typed and turned into entries at a time (whole variants): bounds
# the pandas tables next to the shown rows' text.
BATCH_ROWS = 50_000


def write_pvacview(
    all_epitopes_tsv: str,
    variants_tsv: str,
    annotations_tsv: str,
    alleles_tsv: str,
    settings: dict,
    out_tsv: str,
    out_metrics: str,
    batch_rows: int = BATCH_ROWS,
) -> None:
    """results/{sample}/pvacview/{sample}.all_epitopes.aggregated.tsv and .metrics.json.

    settings: filters and tiers (config), transcripts (config annotation.transcripts), purity
    and copy_number (sample sheet; None when not given). The same bytes as pvacview_export on
    the whole table, streamed: all_epitopes.tsv is read once and only its shown rows are kept
    (pvacview_rows), then turned into entries batch_rows rows (whole variants) at a time.
    """
    annotations = read_table(annotations_tsv, ["variant_id", "transcript_id", "wt_protein"])
    lengths = {
        (row.variant_id, row.transcript_id): len(row.wt_protein) for row in annotations.itertuples() if row.wt_protein
    }
    somatic_vaf = read_table(variants_tsv, ["tumor_dna_vaf"]).tumor_dna_vaf
    max_vaf = float(somatic_vaf.max()) if len(somatic_vaf) else float("nan")
    alleles = list(read_table(alleles_tsv).allele)
    shown = shown_rows(all_epitopes_tsv, INCLUSION_NM, INCLUSION_LIMIT)
    context = export_context(alleles, settings, lengths, shown.tags_known, shown.presentation)
    head = metrics_settings(context["alleles"], list(shown.lengths), settings, max_vaf)
    with open(out_tsv, "w") as table, open(out_metrics, "w") as metrics:
        pd.DataFrame(columns=report_columns(alleles)).to_csv(table, sep="\t", index=False, lineterminator="\n")
        metrics.write("{\n" + ",\n".join(json_member(key, value) for key, value in head.items()))
        index = 1
        for batch in variant_batches(shown, all_epitopes_tsv, batch_rows):
            rows = []
            for row, entry in variant_entries(batch, index, context):
                rows.append(row)
                metrics.write(",\n" + json_member(row["ID"], entry))
            frame = pd.DataFrame(rows, columns=report_columns(alleles))
            frame.to_csv(table, sep="\t", index=False, header=False, lineterminator="\n")
            index += len(rows)
        metrics.write("\n}\n")
