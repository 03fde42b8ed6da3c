"""MultiQC custom content (neoag.report.multiqc) on tiny literal tables."""

import pandas as pd
import yaml

from neoag.report.multiqc import SUMMARY_HEADERS, multiqc_sections, sample_summary, tier_counts

COHORT_ROW = {
    "sample": "s1", "somatic_variants": 3, "coding_variants": 2, "peptide_variants": 2, "candidate_variants": 1,
    "candidates": 2, "callable_mb": 1.5, "tmb_per_mb": 1.33333,
}  # fmt: skip


def tables():
    variants = pd.DataFrame(
        {
            "tumor_dna_depth": [10, 20, 40],
            "normal_dna_depth": [30, 30, 31],
            "tumor_rna_depth": [float("nan")] * 3,
            "tumor_dna_vaf": [0.1, 0.3, 0.5],
        }
    )
    candidates = pd.DataFrame({"tier": ["Pass", "Subclonal"]})
    alleles = pd.DataFrame({"allele": ["HLA-A*02:01", "HLA-B*07:02"], "source": ["builtin", "builtin"]})
    typing = pd.DataFrame({"typer": ["builtin", "builtin"], "flags": ["tie,low_coverage", ""]})
    evidence = pd.DataFrame({"variant_id": ["a", "b", "c", "d"]})
    return variants, candidates, alleles, typing, evidence


def test_summary_holds_the_samples_counts():
    summary = sample_summary(COHORT_ROW, *tables(), skipped=5)
    assert list(summary) == list(SUMMARY_HEADERS)
    assert summary["somatic_variants"] == 3 and summary["candidates"] == 2 and summary["pass_candidates"] == 1
    assert summary["tmb_per_mb"] == 1.33333
    assert summary["hla_alleles"] == "HLA-A*02:01, HLA-B*07:02"
    assert (summary["hla_source"], summary["hla_typer"]) == ("builtin", "builtin")
    assert summary["hla_flags"] == "low_coverage, tie"
    assert summary["median_tumor_dna_depth"] == 20.0 and summary["median_normal_dna_depth"] == 30.0
    assert summary["median_tumor_rna_depth"] is None  # no RNA BAM: an empty cell, not 0
    assert summary["candidate_alleles"] == 4 and summary["skipped_alleles"] == 5


def test_tier_counts_name_every_tier():
    assert tier_counts(pd.DataFrame({"tier": ["Pass", "Pass", "Poor"]})) == {
        "Pass": 2, "Anchor": 0, "Subclonal": 0, "LowExpr": 0, "NoExpr": 0, "Poor": 1,
    }  # fmt: skip
    assert set(tier_counts(pd.DataFrame({"tier": []})).values()) == {0}


def test_sections_are_multiqc_custom_content():
    summary = sample_summary(COHORT_ROW, *tables(), skipped=0)
    sections = multiqc_sections("s1", summary, tier_counts(tables()[1]))
    assert list(sections) == ["neoag_summary", "neoag_tiers", "neoag_general_stats"]
    plot_types = [section["plot_type"] for section in sections.values()]
    assert plot_types == ["table", "bargraph", "generalstats"]
    for section_id, section in sections.items():
        assert section["id"] == section_id and list(section["data"]) == ["s1"]
        assert yaml.safe_load(yaml.safe_dump(section, sort_keys=False)) == section  # plain YAML types
    assert set(sections["neoag_summary"]["headers"]) == set(summary)
    assert "median_tumor_rna_depth" not in sections["neoag_summary"]["data"]["s1"]  # None: left out
