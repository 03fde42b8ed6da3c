import json

import pandas as pd

from neoag.report.cohort import coding_territory, shared_neoantigens, summarise_sample
from neoag.report.html import render_report
from neoag.report.manifest import sha256_of_directory
from neoag.transcripts import Transcript


def test_coding_territory_merges_overlapping_isoforms():
    long = Transcript("T1", "G", "G", "c", "+", ((0, 100), (200, 300)), 50, 250)
    short = Transcript("T2", "G", "G", "c", "+", ((0, 100),), 60, 100)
    other = Transcript("T3", "H", "H", "d", "-", ((0, 30),), 0, 30)
    assert coding_territory([long, short, other]) == (100 - 50) + (250 - 200) + 30


def test_tmb_counts_coding_variants_per_mb():
    variants = pd.DataFrame(
        {"variant_id": list("abcd"), "consequence": ["missense", "synonymous", "intron", "frameshift"]}
    )
    candidates = pd.DataFrame({"variant_id": ["a", "a", "d"]})
    row = summarise_sample("s", variants, candidates, callable_mb=2.0)
    assert (row["coding_variants"], row["peptide_variants"], row["candidate_variants"]) == (3, 2, 2)
    assert row["tmb_per_mb"] == 1.5


def test_shared_neoantigens_need_two_samples():
    def candidates(*peptides):
        return pd.DataFrame({"mt_peptide": peptides, "allele": "HLA-A*02:01", "gene_name": "KRAS",
                             "protein_change": "p.Gly12Asp"})  # fmt: skip

    shared = shared_neoantigens({"s1": candidates("AAA", "BBB"), "s2": candidates("AAA"), "s3": candidates("CCC")})
    assert shared[["mt_peptide", "n_samples", "samples"]].values.tolist() == [["AAA", 2, "s1,s2"]]


def test_directory_checksum_sees_names_and_bytes(tmp_path):
    (tmp_path / "a").write_text("1")
    before = sha256_of_directory(tmp_path)
    (tmp_path / "a").rename(tmp_path / "b")
    assert sha256_of_directory(tmp_path) != before


def test_report_of_a_sample_without_epitopes_says_so():
    evidence = pd.DataFrame({"variant_id": ["v"], "somatic_status": ["somatic"]})
    annotations = pd.DataFrame({"variant_id": ["v"], "consequence": ["intron"]})
    epitopes = pd.DataFrame(columns=["mt_peptide", "binder", "mt_presentation_percentile"])
    text = render_report("s1", evidence, annotations, epitopes, epitopes, ["HLA-A*02:01"], None, {"a": 1})
    assert "id='no-epitopes'" in text and "demo-warning" not in text
    assert json.dumps({"a": 1}) in text.replace("&quot;", '"')


def test_tier_counts_cover_every_tier_in_order():
    from neoag.report.html import tier_counts

    epitopes = pd.DataFrame({"tier": ["Pass", "Poor", "Poor", "NoExpr"]})
    candidates = pd.DataFrame({"tier": ["Pass", "NoExpr"]})
    variants = pd.DataFrame({"tier": ["Pass", ""]})
    counts = tier_counts(epitopes, candidates, variants)
    assert list(counts.index) == ["Pass", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"]
    assert counts["peptide x allele rows"].tolist() == [1, 0, 0, 0, 1, 2]
    assert counts["candidates"].tolist() == [1, 0, 0, 0, 1, 0]
    assert counts["variants (best tier)"].tolist() == [1, 0, 0, 0, 0, 0]


def test_report_shows_the_tier_table():
    evidence = pd.DataFrame({"variant_id": ["v"], "somatic_status": ["somatic"]})
    annotations = pd.DataFrame({"variant_id": [], "consequence": []})
    epitopes = pd.DataFrame(columns=["mt_peptide", "binder", "mt_presentation_percentile", "tier"])
    variants = pd.DataFrame({"variant_id": ["v"], "tier": [""]})
    text = render_report("s1", evidence, annotations, epitopes, epitopes, ["HLA-A*02:01"], None, {}, variants, {})
    assert "<table id='tiers'>" in text and text.count("<tr class='tier-") == 6


def test_cohort_summary_counts_variants_by_best_tier():
    variants = pd.DataFrame(
        {"variant_id": list("abcd"), "consequence": ["missense"] * 4, "tier": ["Pass", "Pass", "Anchor", ""]}
    )
    row = summarise_sample("s", variants, pd.DataFrame({"variant_id": []}), callable_mb=1.0)
    assert (row["tier_pass"], row["tier_anchor"], row["tier_poor"]) == (2, 1, 0)


def test_report_of_a_sample_without_somatic_variants_says_so():
    evidence = pd.DataFrame({"variant_id": ["v"], "somatic_status": ["germline"]})
    annotations = pd.DataFrame({"variant_id": [], "consequence": []})
    epitopes = pd.DataFrame(columns=["mt_peptide", "binder", "mt_presentation_percentile"])
    text = render_report("s1", evidence, annotations, epitopes, epitopes, ["HLA-A*02:01"], None, {})
    assert "id='no-somatic'" in text and "No somatic variants" in text and "no-epitopes" not in text
