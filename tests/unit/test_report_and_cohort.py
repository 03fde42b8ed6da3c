import pandas as pd

from neoag.report.cohort import coding_territory, shared_neoantigens, summarise_sample
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


def test_cohort_summary_counts_variants_by_best_tier():
    variants = pd.DataFrame(
        {"variant_id": list("abcd"), "consequence": ["missense"] * 4, "tier": ["Pass", "Pass", "Anchor", ""]}
    )
    row = summarise_sample("s", variants, pd.DataFrame({"variant_id": []}), callable_mb=1.0)
    assert (row["tier_pass"], row["tier_anchor"], row["tier_poor"]) == (2, 1, 0)


def test_cohort_page_lists_samples_and_shared_neoantigens(tmp_path):
    from neoag.columns import COHORT_SUMMARY, SHARED_NEOANTIGENS
    from neoag.report.cohort import write_cohort_report
    from neoag.tables import write_table

    rows = [summarise_sample(s, pd.DataFrame({"variant_id": ["a"], "consequence": ["missense"], "tier": ["Pass"]}),
                             pd.DataFrame({"variant_id": ["a"]}), callable_mb=2.0) for s in ("s1", "s2")]  # fmt: skip
    write_table(pd.DataFrame(rows), tmp_path / "summary.tsv", COHORT_SUMMARY)
    candidates = pd.DataFrame({"mt_peptide": ["AAA"], "allele": "HLA-A*02:01", "gene_name": "KRAS",
                               "protein_change": "p.Gly12Asp"})  # fmt: skip
    shared = shared_neoantigens({"s1": candidates, "s2": candidates})
    write_table(shared, tmp_path / "shared.tsv", SHARED_NEOANTIGENS)
    write_cohort_report(str(tmp_path / "summary.tsv"), str(tmp_path / "shared.tsv"), str(tmp_path / "cohort.html"))
    text = (tmp_path / "cohort.html").read_text()
    assert 'data-samples="2"' in text and 'data-shared="1"' in text
    assert '<a href="../s2/report.html">s2</a>' in text and "<td>s1,s2</td>" in text
    assert "0.5" in text  # TMB: one coding variant in 2 Mb
