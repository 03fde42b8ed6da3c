"""The per-sample report's pieces: streamed aggregates of all_epitopes, tier reasons,
the sample section, the packed data and the rendered page."""

import base64
import gzip
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from neoag.columns import ALL_EPITOPES
from neoag.ranking.tiers import TierSettings, assign_tiers, expression_state
from neoag.report import sample as facts
from neoag.report.epitopes import COLUMNS, EpitopeSummary, best_per_variant_allele, summarise_epitopes
from neoag.report.explain import soft_criteria, tier_of_reasons, tier_reasons
from neoag.report.html import ReportInputs, pack, render_report, tier_counts
from neoag.tables import write_table

MODEL = {"path": "models", "layout": "affinity", "demo": False, "label": "", "details": []}


def epitope_rows(n: int, seed: int = 1) -> pd.DataFrame:
    random = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "variant_id": [f"chr1:{100 + i % 7}:A:C" for i in range(n)],
            "allele": [("HLA-A*02:01", "HLA-B*07:02")[i % 2] for i in range(n)],
            "mt_peptide": [f"PEPTIDE{i % 11}" for i in range(n)],
            "wt_peptide": [f"PEPTIDW{i % 11}" if i % 5 else "" for i in range(n)],
            "peptide_length": 9,
            "mutation_positions": "3",
            "mt_affinity_nm": random.uniform(5, 40000, n),
            "mt_affinity_percentile": random.uniform(0, 100, n),
            "wt_affinity_nm": [v if i % 5 else np.nan for i, v in enumerate(random.uniform(5, 40000, n))],
            "agretopicity": 1.0,
            "mt_presentation_percentile": [v if i % 3 else np.nan for i, v in enumerate(random.uniform(0, 100, n))],
            "binder": [i % 4 == 0 for i in range(n)],
            "anchor_mutation": False,
            "passes_filters": [i % 4 == 0 for i in range(n)],
            "filter_reasons": [
                "" if i % 4 == 0 else ("not_binder" if i % 3 else "not_binder,low_vaf") for i in range(n)
            ],
            "tier": ["Pass" if i % 4 == 0 else "Poor" for i in range(n)],
        }
    )


def test_streamed_aggregates_do_not_depend_on_the_chunk_size(tmp_path):
    table = epitope_rows(200)
    path = tmp_path / "all_epitopes.tsv"
    write_table(table, path, {name: ALL_EPITOPES[name] for name in COLUMNS})
    small, whole = summarise_epitopes(str(path), rows_per_chunk=7), summarise_epitopes(str(path), rows_per_chunk=10**6)
    assert small.rows == whole.rows == 200
    assert small.binders == whole.binders == 50
    assert small.tiers == whole.tiers == {"Pass": 50, "Poor": 150}
    assert small.filter_reasons == whole.filter_reasons and small.filter_reasons["low_vaf"] == 50
    assert (small.density == whole.density).all() and small.density.sum() + small.without_wt == 200
    pd.testing.assert_frame_equal(small.best, whole.best)
    assert len(small.best) == 14 and small.presentation


def test_the_best_row_of_a_variant_and_allele_ranks_presentation_then_affinity():
    rows = pd.DataFrame(
        {
            "variant_id": ["v", "v", "v", "w"],
            "allele": ["A", "A", "A", "A"],
            "mt_peptide": ["P1", "P2", "P3", "P4"],
            "mt_presentation_percentile": [np.nan, 0.5, 0.2, np.nan],
            "mt_affinity_percentile": [0.01, 9.0, 9.0, 3.0],
            "mt_affinity_nm": [10.0, 900.0, 800.0, 50.0],
        }
    )
    assert best_per_variant_allele(rows).mt_peptide.tolist() == ["P3", "P4"]


def test_tier_reasons_give_back_the_tier_of_every_combination():
    combos = list(itertools.product([True, False], [True, False], [True, False], [None, 0.0, 0.5, 5.0]))
    table = pd.DataFrame(
        {
            "passes_filters": [c[0] for c in combos],
            "filter_reasons": ["" if c[0] else "not_binder,low_vaf" for c in combos],
            "anchor_mutation": [c[1] for c in combos],
            "wt_affinity_nm": 100.0,
            "clonal": [c[2] for c in combos],
            "transcript_tpm": [np.nan if c[3] is None else c[3] for c in combos],
            "gene_tpm": np.nan,
            "tumor_rna_depth": np.nan,
            "tumor_rna_alt_count": np.nan,
            "tumor_rna_vaf": np.nan,
        }
    )
    settings = TierSettings()
    failed = soft_criteria(table, settings, 500)
    expected = assign_tiers(table.passes_filters, failed.anchor, table.clonal, expression_state(table, settings))
    reasons = tier_reasons(table, settings, 500)
    assert reasons.map(tier_of_reasons).tolist() == expected.tolist()
    assert set(expected) == {"Pass", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"}
    assert "filter:low_vaf" in reasons.iloc[-1].split(",")


def test_the_data_is_gzip_json_with_repeatable_bytes():
    payload = {"candidates": {"rank": [1, 2]}, "help": {"rank": "1 = best"}}
    text = pack(payload)
    assert json.loads(gzip.decompress(base64.b64decode(text))) == payload
    assert pack(payload) == text


def test_hla_rows_join_scored_and_typed_alleles_and_name_disagreements():
    alleles = pd.DataFrame({"allele": ["HLA-A*02:01", "HLA-A*03:01"], "source": ["sample_sheet", "sample_sheet"]})
    typing = pd.DataFrame(
        {
            "locus": ["HLA-A", "HLA-A"],
            "allele": ["HLA-A*02:01", "HLA-A*24:02"],
            "flags": ["", "differs_from_sample_sheet"],
            "typer": ["builtin", "builtin"],
            "sample_sheet_alleles": ["HLA-A*02:01,HLA-A*03:01"] * 2,
        }
    )
    rows = {row["allele"]: row for row in facts.hla_rows(alleles, typing)}
    assert rows["HLA-A*03:01"]["scored"] and not rows["HLA-A*03:01"]["typed_by"]
    assert not rows["HLA-A*24:02"]["scored"] and rows["HLA-A*24:02"]["flags"] == "differs_from_sample_sheet"
    assert facts.hla_disagreements(typing) == ["HLA-A"]


def test_skipped_records_are_counted_by_caller_and_reason(tmp_path):
    path = tmp_path / "skipped.tsv"
    path.write_text(
        "chrom\tpos\tref\talt\tcaller\tskip_reason\n"
        "chr1\t5\tA\t<DEL>\tmanta\tsymbolic allele\nchr1\t9\tN\tA\tmanta\tN or IUPAC code in REF/ALT\n"
        "chr2\t7\tA\t<INS>\tmanta\tsymbolic allele\n"
    )
    skipped = facts.skipped_summary([str(path)])
    assert skipped["total"] == 3
    assert {(r["skip_reason"], r["records"]) for r in skipped["counts"]} == {
        ("symbolic allele", 2),
        ("N or IUPAC code in REF/ALT", 1),
    }


def report_inputs(somatic: bool, **changes) -> ReportInputs:
    empty = pd.DataFrame(columns=["variant_id", "tier", "rank", "allele"])
    fields = dict(
        sample="s1",
        evidence=pd.DataFrame({"variant_id": ["v"], "somatic_status": ["somatic" if somatic else "germline"]}),
        consequences=pd.DataFrame({"variant_id": ["v"], "consequence": ["intron"]}),
        epitopes=EpitopeSummary(),
        candidates=empty,
        variants=empty,
        alleles=pd.DataFrame({"allele": ["HLA-A*02:01"], "source": ["sample_sheet"]}),
        typing=None,
        skipped={"total": 0, "counts": [], "examples": [], "files": []},
        model=MODEL,
        territory=None,
        filters={"max_affinity_nm": 500},
        tiers={},
    )
    return ReportInputs(**{**fields, **changes})


@pytest.mark.parametrize("somatic, marker", [(True, 'id="no-epitopes"'), (False, 'id="no-somatic"')])
def test_a_report_without_peptides_says_why(somatic, marker):
    text = render_report(report_inputs(somatic))
    assert marker in text and "demo-warning" not in text
    assert text.count('<tr class="tier-') == 6
    assert "&#34;max_affinity_nm&#34;: 500" in text or '"max_affinity_nm": 500' in text


def test_the_demo_model_is_named_in_a_warning():
    model = {**MODEL, "demo": True, "label": "DEMO MODEL <not for clinical use>"}
    text = render_report(report_inputs(True, model=model))
    assert 'id="demo-warning">DEMO MODEL &lt;not for clinical use&gt;' in text


def test_tier_counts_cover_every_tier_in_order():
    candidates = pd.DataFrame({"tier": ["Pass", "NoExpr"]})
    variants = pd.DataFrame({"tier": ["Pass", ""]})
    counts = tier_counts(pd.Series({"Pass": 1, "Poor": 2, "NoExpr": 1}), candidates, variants)
    assert list(counts.index) == ["Pass", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"]
    assert counts["peptide x allele rows"].tolist() == [1, 0, 0, 0, 1, 2]
    assert counts["candidates"].tolist() == [1, 0, 0, 0, 1, 0]
    assert counts["variants (best tier)"].tolist() == [1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    "mt, wt, positions, compact",
    [
        ("SIINFEKL", "SIINFDKL", "6", "~D"),
        ("SIINFEKL", "SIVNFDKL", "3,6", "~VD"),
        ("SIINFEKL", "SIVNFDKL", "6", "SIVNFDKL"),  # a difference outside the positions: kept whole
        ("SIINFEKL", "SIINFEK", "6", "SIINFEK"),  # lengths differ (an indel)
        ("SIINFEKL", "", "1,2,3", ""),  # frameshift: no wild type
    ],
)
def test_wild_type_peptides_are_written_by_their_mutated_residues(mt, wt, positions, compact):
    from neoag.report.packing import compact_wt, expand_wt

    assert compact_wt(mt, wt, positions) == compact
    assert expand_wt(mt, compact, positions) == wt


def test_candidates_inherit_only_the_cells_equal_to_their_variant():
    from neoag.report.packing import split_inherited

    variants = pd.DataFrame({"variant_id": ["v", "w"], "gene_tpm": [3.0, np.nan], "transcript_id": ["T1", "T9"]})
    rows = pd.DataFrame({"variant_id": ["v", "v", "w"], "gene_tpm": [3.0, 3.0, np.nan],
                         "transcript_id": ["T1", "T2", "T9"], "mt_peptide": ["A", "B", "C"]})  # fmt: skip
    names, overrides = split_inherited(rows, variants, ["variant_id", "gene_tpm", "transcript_id", "mt_peptide"])
    assert names == ["gene_tpm", "transcript_id"]
    assert overrides == {"gene_tpm": {}, "transcript_id": {"1": "T2"}}


def test_candidate_columns_leave_out_the_row_number_rank_and_number_the_variants():
    from neoag.report.packing import candidate_columnar

    variants = pd.DataFrame({"variant_id": ["v", "w"]})
    rows = pd.DataFrame({"rank": [1, 2, 3], "variant_id": ["w", "v", "w"], "mt_peptide": ["A", "B", "C"]})
    packed = candidate_columnar(rows, ["rank", "variant_id", "mt_peptide"], [], variants)
    assert packed == {"variant_id": [1, 0, 1], "mt_peptide": ["A", "B", "C"]}
    unranked = candidate_columnar(rows.assign(rank=[1, 3, 2]), ["rank", "variant_id"], [], variants.head(1))
    assert unranked == {"rank": [1, 3, 2], "variant_id": ["w", "v", "w"]}
