"""Ranking on crafted rows: joins, agretopicity, filters, ranks, per-variant summary."""

import pandas as pd
import pytest

from neoag.ranking import Filters, agretopicity, build_all_epitopes, build_candidates, build_variants

V1, V2 = "c:10:A:G", "c:50:C:T"


def evidence():
    base = dict(chrom="c", ref="A", alt="G", variant_type="snv", tumor_dna_depth=100, normal_dna_depth=50,
                normal_dna_alt_count=0, normal_dna_vaf=0.0, tumor_rna_depth=None, tumor_rna_alt_count=None,
                tumor_rna_vaf=None, somatic_status="somatic")  # fmt: skip
    return pd.DataFrame(
        [
            base | dict(variant_id=V1, pos=10, tumor_dna_alt_count=30, tumor_dna_vaf=0.3),
            base | dict(variant_id=V2, pos=50, ref="C", alt="T", tumor_dna_alt_count=3, tumor_dna_vaf=0.03),
        ]
    )


def annotations():
    base = dict(chrom="c", ref="A", alt="G", variant_type="snv", gene_id="G1", gene_name="GENE1",
                consequence="missense", protein_position=5, cds_position=13, mt_start=4, mt_end=5,
                wt_protein="", mt_protein="", transcript_biotype="protein_coding", transcript_tags="basic",
                transcript_support_level="", cdna_position=40, annotation_flags="", cis_variants="",
                trans_variants="", unphased_variants="")  # fmt: skip
    return pd.DataFrame(
        [
            base | dict(variant_id=V1, pos=10, transcript_id="T1", protein_change="p.Ala5Gly"),
            base | dict(variant_id=V1, pos=10, transcript_id="T2", protein_change="p.Ala5Gly"),
            base | dict(variant_id=V2, pos=50, ref="C", alt="T", transcript_id="T1", protein_change="p.Pro9Leu"),
        ]
    )


def peptides():
    base = dict(peptide_length=9, peptide_start=1, mutation_positions="5", mt_n_flank="", mt_c_flank="",
                wt_n_flank="", wt_c_flank="")  # fmt: skip
    return pd.DataFrame(
        [
            base | dict(variant_id=V1, transcript_id="T1", mt_peptide="MTPEPTIDE", wt_peptide="WTPEPTIDE"),
            base | dict(variant_id=V1, transcript_id="T2", mt_peptide="MTPEPTIDE", wt_peptide="WTPEPTIDE"),
            base | dict(variant_id=V1, transcript_id="T1", mt_peptide="WEAKBINDR", wt_peptide=""),
            base | dict(variant_id=V2, transcript_id="T1", mt_peptide="LOWVAFPEP", wt_peptide="LOWVAFPEQ"),
        ]
    )


def scores():
    rows = []
    for allele, factor in (("HLA-A*02:01", 1.0), ("HLA-B*07:02", 10.0)):
        for peptide, nm, pct in (
            ("MTPEPTIDE", 50.0, 0.5), ("WTPEPTIDE", 500.0, 3.0), ("WEAKBINDR", 20000.0, 40.0),
            ("LOWVAFPEP", 30.0, 0.3), ("LOWVAFPEQ", 30.0, 0.3),
        ):  # fmt: skip
            rows.append(dict(peptide=peptide, n_flank="", c_flank="", allele=allele, affinity_nm=nm * factor,
                             affinity_percentile=pct * factor, processing_score=None, presentation_score=None,
                             presentation_percentile=None))  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture
def all_epitopes():
    return build_all_epitopes("s1", peptides(), annotations(), evidence(), scores(), Filters())


def test_every_peptide_meets_every_allele(all_epitopes):
    assert len(all_epitopes) == 4 * 2
    assert set(all_epitopes["sample"]) == {"s1"}


def test_agretopicity_is_wt_over_mt(all_epitopes):
    row = all_epitopes[(all_epitopes.mt_peptide == "MTPEPTIDE") & (all_epitopes.allele == "HLA-A*02:01")].iloc[0]
    assert row.agretopicity == pytest.approx(10.0)
    assert agretopicity(pd.Series([100.0]), pd.Series([50.0])).iloc[0] == 2.0
    frameshift_like = all_epitopes[all_epitopes.mt_peptide == "WEAKBINDR"]
    assert frameshift_like.agretopicity.isna().all()


def test_filter_reasons_name_each_failed_filter(all_epitopes):
    reasons = dict(zip(zip(all_epitopes.mt_peptide, all_epitopes.allele), all_epitopes.filter_reasons))
    assert reasons[("MTPEPTIDE", "HLA-A*02:01")] == ""
    assert reasons[("MTPEPTIDE", "HLA-B*07:02")] == ""  # 500 nM is still a binder
    assert reasons[("WEAKBINDR", "HLA-A*02:01")] == "not_binder"
    assert reasons[("LOWVAFPEP", "HLA-A*02:01")] == "low_tumor_dna_vaf"
    assert reasons[("LOWVAFPEP", "HLA-B*07:02")] == "low_tumor_dna_vaf"


def test_rna_filter_fails_without_rna_evidence():
    filters = Filters(min_tumor_rna_alt_count=1)
    table = build_all_epitopes("s1", peptides(), annotations(), evidence(), scores(), filters)
    assert table.filter_reasons.str.contains("no_tumor_rna_support").all()


def test_candidates_are_ranked_and_deduplicated_across_transcripts(all_epitopes):
    candidates = build_candidates(all_epitopes)
    assert list(candidates["rank"]) == [1, 2]
    assert list(zip(candidates.mt_peptide, candidates.allele)) == [
        ("MTPEPTIDE", "HLA-A*02:01"),
        ("MTPEPTIDE", "HLA-B*07:02"),
    ]
    assert list(candidates.transcript_id) == ["T1", "T1"]


def test_variants_summarise_best_peptide(all_epitopes):
    candidates = build_candidates(all_epitopes)
    variants = build_variants("s1", annotations(), evidence(), all_epitopes, candidates).set_index("variant_id")
    assert variants.loc[V1, "best_peptide"] == "MTPEPTIDE"
    assert variants.loc[V1, "best_allele"] == "HLA-A*02:01"
    assert (variants.loc[V1, "n_peptides"], variants.loc[V1, "n_candidates"]) == (2, 2)
    assert (variants.loc[V2, "n_peptides"], variants.loc[V2, "n_candidates"]) == (1, 0)
