"""The pVACseq/pVACview file format, as read from pVACtools' own repository, and checks of a file
against it. Used by the pVACview export tests (unit and integration).

Read (not copied) from github.com/griffithlab/pVACtools at commit
0c05768b7b9b317eebdeeb2a7a178b8a12c880d6:
- tests/test_data/pvacseq/MHC_Class_I/Test.MHC_I.all_epitopes.aggregated.tsv and
  pvactools/tools/pvacview/data/H_NJ-HCC1395-HCC1395.Class_I.all_epitopes.aggregated.tsv: the header
  (ID, Index, one column per allele named without 'HLA-', then the columns below) and the form of
  the values of each column;
- tests/test_data/pvacseq/MHC_Class_I/Test.MHC_I.all_epitopes.aggregated.metrics.json: the keys of
  the metrics JSON, their order and the types of their values;
- tests/test_data/pvacseq/input.vcf with the IDs of the aggregated file: the ID's coordinates;
- pvactools/tools/pvacview/server.R and anchor_and_helper_functions.R: what pVACview reads
  (columns_needed, metricsData[[ID]]$..., the first 21 settings by position in tier()).
"""

from __future__ import annotations

import json
import re

LEADING = ["ID", "Index"]
TRAILING = [
    "Gene", "AA Change", "Num Passing Transcripts", "Best Peptide", "Best Transcript", "MANE Select",
    "Canonical", "TSL", "Allele", "Pos", "Prob Pos", "Num Included Peptides", "Num Passing Peptides",
    "IC50 MT", "IC50 WT", "%ile MT", "%ile WT", "RNA Expr", "RNA VAF", "Allele Expr", "RNA Depth",
    "DNA VAF", "Tier", "Ref Match", "Evaluation",
]  # fmt: skip

FLOAT3_OR_NA = r"NA|-?\d+\.\d{3}"
INTEGER = r"\d+"
# The form of each column's values in those files (allele columns: a count or empty).
VALUE_FORMS = {
    "ID": r"[^-\t]+-\d+-\d+-[A-Z]+-[A-Z]+",
    "Index": r"\d+\.\S+",
    "Gene": r"\S+",
    "AA Change": r"\S+",
    "Num Passing Transcripts": INTEGER,
    "Best Peptide": r"[A-Z]+",
    "Best Transcript": r"\S+",
    "MANE Select": r"True|False|Not Run",
    "Canonical": r"True|False|Not Run",
    "TSL": r"\d|NA|Not Supported",
    "Allele": r"HLA-[A-Z]+\d*\*\d+:\d+",
    "Pos": r"NA|\d+(, \d+)*",
    "Prob Pos": r"None|\d+(,\d+)*",
    "Num Included Peptides": INTEGER,
    "Num Passing Peptides": INTEGER,
    "IC50 MT": r"\d+\.\d{3}",
    "IC50 WT": FLOAT3_OR_NA,
    "%ile MT": r"\d+\.\d{3}",
    "%ile WT": FLOAT3_OR_NA,
    "RNA Expr": FLOAT3_OR_NA,
    "RNA VAF": FLOAT3_OR_NA,
    "Allele Expr": FLOAT3_OR_NA,
    "RNA Depth": FLOAT3_OR_NA,
    "DNA VAF": FLOAT3_OR_NA,
    "Tier": r"Pass|Anchor|Subclonal|LowExpr|NoExpr|Poor|PoorBinder|RefMatch|PoorTranscript|ProbPos",
    "Ref Match": r"True|False|Not Run",
    "Evaluation": r"Pending",
}
ALLELE_COUNT = r"|[1-9]\d*"

# The metrics JSON: run-wide settings first, in this order, with these types (None: null).
SETTINGS = {
    "tumor_purity": (float, type(None)),
    "vaf_clonal": (float,),
    "vaf_subclonal": (float,),
    "binding_threshold": (int, float),
    "aggregate_inclusion_binding_threshold": (int,),
    "aggregate_inclusion_count_limit": (int,),
    "trna_vaf": (float,),
    "trna_cov": (int,),
    "allele_expr_threshold": (float,),
    "transcript_prioritization_strategy": (list,),
    "maximum_transcript_support_level": (int,),
    "percentile_threshold": (float, type(None)),
    "percentile_threshold_strategy": (str,),
    "use_allele_specific_binding_thresholds": (bool,),
    "mt_top_score_metric": (str,),
    "wt_top_score_metric": (str,),
    "top_score_metric2": (str,),
    "allele_specific_binding_thresholds": (dict,),
    "allele_specific_anchors": (bool,),
    "alleles": (list,),
    "anchor_contribution_threshold": (float,),
    "epitope_lengths": (list,),
}
NUMBER_OR_NA = (float, int, str)
VARIANT_KEYS = [
    "good_binders", "sets", "transcript_counts", "peptide_counts", "set_expr", "DNA VAF", "RNA VAF",
    "gene_expr", "best_peptide_mt", "best_peptide_wt", "best_hla_allele", "reference_matches",
]  # fmt: skip
TRANSCRIPT_SET_KEYS = [
    "peptides", "transcripts", "transcript_expr", "mane_select", "canonical", "tsl", "biotype",
    "transcript_cds_flags", "transcript_length", "transcript_count", "peptide_count", "total_expr",
]  # fmt: skip
PEPTIDE_KEYS = [
    "ic50s_MT", "percentiles_MT", "ic50s_WT", "percentiles_WT", "hla_types", "mutation_position",
    "problematic_positions", "anchor_fails", "individual_ic50_calls", "individual_ic50_percentile_calls",
    "individual_el_calls", "individual_el_percentile_calls", "individual_percentile_calls", "wt_peptide",
]  # fmt: skip
CALL_KEYS = ["algorithms", "MT", "WT"]
REFERENCE_MATCH_KEYS = ["count", "query_peptide", "matches"]


def check_aggregated_tsv(text: str, alleles: list[str]) -> list[list[str]]:
    """Assert the header and every value's form; return the rows (lists of cells)."""
    lines = text.split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    header, *rows = [line.split("\t") for line in lines[:-1]]
    allele_columns = [allele.removeprefix("HLA-") for allele in sorted(alleles)]
    assert header == LEADING + allele_columns + TRAILING
    for row in rows:
        assert len(row) == len(header), row
        for name, value in zip(header, row):
            form = ALLELE_COUNT if name in allele_columns else VALUE_FORMS[name]
            assert re.fullmatch(form, value), f"column {name!r}: {value!r} is not of the form {form}"
    return rows


def _is_number_or_na(value) -> bool:
    return value == "NA" or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _check_peptide(peptide: str, entry: dict, alleles: list[str]) -> None:
    assert list(entry) == PEPTIDE_KEYS
    assert re.fullmatch(r"[A-Z]+", peptide)
    for key in ("ic50s_MT", "percentiles_MT", "ic50s_WT", "percentiles_WT"):
        assert len(entry[key]) == len(alleles) and all(v == "X" or _is_number_or_na(v) for v in entry[key])
    assert entry["hla_types"] == sorted(alleles)
    assert re.fullmatch(r"NA|\d+(, \d+)*", entry["mutation_position"])
    assert re.fullmatch(r"None|\d+(,\d+)*", entry["problematic_positions"])
    assert isinstance(entry["anchor_fails"], str) and isinstance(entry["wt_peptide"], str)
    for key in PEPTIDE_KEYS[8:13]:
        calls = entry[key]
        assert list(calls) == CALL_KEYS and all(isinstance(a, str) for a in calls["algorithms"])
        for side in ("MT", "WT"):
            for allele, values in calls[side].items():
                assert allele in alleles and len(values) == len(calls["algorithms"])
                assert all(_is_number_or_na(v) for v in values)


def _check_transcript_set(entry: dict, alleles: list[str]) -> None:
    assert list(entry) == TRANSCRIPT_SET_KEYS
    count = entry["transcript_count"]
    assert isinstance(count, int) and count == len(entry["transcripts"])
    for key in TRANSCRIPT_SET_KEYS[1:9]:
        assert isinstance(entry[key], list) and len(entry[key]) == count, key
    assert all(re.fullmatch(r"[^-]+-.+-.+-\d+", t) for t in entry["transcripts"])
    assert all(_is_number_or_na(v) for v in entry["transcript_expr"])
    assert all(v in ("True", "False", "Not Run") for v in entry["mane_select"] + entry["canonical"])
    assert all(isinstance(v, int) or v in ("NA", "Not Supported") for v in entry["tsl"])
    assert all(isinstance(v, str) for v in entry["biotype"] + entry["transcript_cds_flags"])
    assert all(isinstance(v, int) for v in entry["transcript_length"])
    assert entry["peptide_count"] == len(entry["peptides"]) and isinstance(entry["total_expr"], float)
    for peptide, peptide_entry in entry["peptides"].items():
        _check_peptide(peptide, peptide_entry, alleles)


def check_metrics_json(text: str, ids: list[str]) -> dict:
    """Assert the metrics JSON's keys, their order and value types; ids: the aggregated rows' IDs."""
    metrics = json.loads(text)
    keys = list(metrics)
    assert keys[: len(SETTINGS)] == list(SETTINGS)
    for key, types in SETTINGS.items():
        assert isinstance(metrics[key], types), f"{key}: {metrics[key]!r}"
    alleles = metrics["alleles"]
    assert sorted(keys[len(SETTINGS) :]) == sorted(ids)
    for variant_id in ids:
        variant = metrics[variant_id]
        assert list(variant) == VARIANT_KEYS
        assert variant["sets"] == list(variant["good_binders"])
        for key in ("transcript_counts", "peptide_counts", "set_expr"):
            assert len(variant[key]) == len(variant["sets"])
        assert all(isinstance(v, int) for v in variant["transcript_counts"] + variant["peptide_counts"])
        assert all(isinstance(v, float) for v in variant["set_expr"])
        assert all(_is_number_or_na(variant[key]) for key in ("DNA VAF", "RNA VAF", "gene_expr"))
        assert all(isinstance(variant[key], str) for key in VARIANT_KEYS[8:11])
        assert list(variant["reference_matches"]) == REFERENCE_MATCH_KEYS
        matches = variant["reference_matches"]
        assert isinstance(matches["count"], int) and isinstance(matches["query_peptide"], str)
        assert isinstance(matches["matches"], list)
        for entry in variant["good_binders"].values():
            _check_transcript_set(entry, alleles)
    return metrics
