"""Ranking on crafted rows: joins, agretopicity, filters, ranks, per-variant summary."""

import pandas as pd
import pytest

from neoag.ranking.clonality import Clonality
from neoag.ranking.rank import Filters, agretopicity, build_all_epitopes, build_candidates, build_variants
from neoag.ranking.tiers import TierSettings

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


# --- tiers through the whole ranking, on crafted variants --------------------------------


def tier_case(*variants):
    """(variant_id, tumor VAF, RNA depth, RNA alt, [(mt, wt, mutation_positions, mt nM, wt nM)]) ->
    the inputs of build_all_epitopes for one allele (each peptide scored as given)."""
    evidence_rows, annotation_rows, peptide_rows, score_rows = [], [], [], []
    for i, (variant_id, vaf, rna_depth, rna_alt, peptide_list) in enumerate(variants):
        pos = 10 * (i + 1)
        evidence_rows.append(
            dict(
                variant_id=variant_id,
                chrom="c",
                pos=pos,
                ref="A",
                alt="G",
                variant_type="snv",
                tumor_dna_depth=100,
                tumor_dna_alt_count=round(100 * vaf),
                tumor_dna_vaf=vaf,
                normal_dna_depth=50,
                normal_dna_alt_count=0,
                normal_dna_vaf=0.0,
                tumor_rna_depth=rna_depth,
                tumor_rna_alt_count=rna_alt,
                tumor_rna_vaf=rna_alt / rna_depth if rna_depth else None,
                somatic_status="somatic",
            )  # fmt: skip
        )
        annotation_rows.append(annotations().iloc[0].to_dict() | dict(variant_id=variant_id, pos=pos, gene_id=f"G{i}"))
        for mt, wt, positions, mt_nm, wt_nm in peptide_list:
            peptide_rows.append(
                dict(
                    variant_id=variant_id,
                    transcript_id="T1",
                    peptide_length=len(mt),
                    peptide_start=1,
                    mutation_positions=positions,
                    mt_peptide=mt,
                    wt_peptide=wt,
                    mt_n_flank="",
                    mt_c_flank="",
                    wt_n_flank="",
                    wt_c_flank="",
                )  # fmt: skip
            )
            for peptide, nm in ((mt, mt_nm), (wt, wt_nm)):
                if peptide:
                    score_rows.append(
                        dict(
                            peptide=peptide,
                            n_flank="",
                            c_flank="",
                            allele="HLA-A*02:01",
                            affinity_nm=nm,
                            affinity_percentile=nm / 100,
                            processing_score=None,
                            presentation_score=None,
                            presentation_percentile=None,
                        )  # fmt: skip
                    )
    scored = pd.DataFrame(score_rows).drop_duplicates(["peptide", "allele"])
    return (pd.DataFrame(peptide_rows), pd.DataFrame(annotation_rows), pd.DataFrame(evidence_rows), scored)


def tiers_of(table):
    return dict(zip(table.mt_peptide, table.tier))


def test_every_tier_on_crafted_variants():
    inputs = tier_case(
        ("c:10:A:G", 0.50, 40, 20, [("PASSPEPTI", "PASSPEPTW", "5", 20.0, 900.0),
                                    ("AAAAAAAAC", "AWAAAAAAC", "2", 30.0, 100.0),  # anchor, WT binds
                                    ("AKAAAAAAC", "ACAAAAAAC", "2", 30.0, 5000.0),  # anchor, WT does not bind
                                    ("AMAAAAAAW", "AMAAAAAAC", "9", 30.0, 500.0),  # WT exactly at 500 nM
                                    ("NOBINDERX", "NOBINDERY", "9", 9000.0, 9000.0)]),
        ("c:20:A:G", 0.24, 40, 20, [("SUBCLONAL", "SUBCLONAX", "9", 10.0, 900.0)]),  # 0.24 < 0.5 * 0.5
        ("c:30:A:G", 0.25, 40, 2, [("LOWRNAVAF", "LOWRNAVAX", "9", 10.0, 900.0)]),  # VAF 0.25 clonal; RNA VAF 0.05
        ("c:40:A:G", 0.40, 40, 0, [("NORNAALTS", "NORNAALTX", "9", 10.0, 900.0)]),
        ("c:50:A:G", 0.10, 0, 0, [("TWOFAILED", "TWOFAILEX", "9", 10.0, 900.0)]),  # subclonal + no RNA
    )  # fmt: skip
    table = build_all_epitopes("s1", *inputs, Filters())
    assert tiers_of(table) == {
        "PASSPEPTI": "Pass", "AAAAAAAAC": "Anchor", "AKAAAAAAC": "Pass", "AMAAAAAAW": "Anchor",
        "NOBINDERX": "Poor", "SUBCLONAL": "Subclonal", "LOWRNAVAF": "LowExpr", "NORNAALTS": "NoExpr",
        "TWOFAILED": "Poor",
    }  # fmt: skip
    assert table.set_index("mt_peptide").loc["AAAAAAAAC", "problematic_residues"] == "C"
    assert table.set_index("mt_peptide").loc["PASSPEPTI", "problematic_residues"] == ""
    # Ranked by tier first: the Subclonal peptide binds better than the Pass one but comes after it.
    candidates = build_candidates(table)
    assert list(candidates.tier) == ["Pass", "Pass", "Anchor", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"]
    assert list(candidates["rank"]) == list(range(1, 9))
    variants = build_variants("s1", inputs[1], inputs[2], table, candidates).set_index("variant_id")
    assert variants.loc["c:10:A:G", "tier"] == "Pass"
    assert variants.loc["c:10:A:G", "best_peptide"] == "PASSPEPTI"
    assert variants.loc["c:20:A:G", ["tier", "clonal"]].tolist() == ["Subclonal", False]


def test_without_rna_or_expression_nothing_is_lowexpr_or_noexpr():
    inputs = tier_case(("c:10:A:G", 0.5, None, None, [("PASSPEPTI", "PASSPEPTW", "5", 20.0, 900.0)]))
    inputs[2]["tumor_rna_depth"] = float("nan")
    inputs[2]["tumor_rna_alt_count"] = float("nan")
    table = build_all_epitopes("s1", *inputs, Filters())
    assert tiers_of(table) == {"PASSPEPTI": "Pass"}


def test_expression_table_and_purity_feed_the_tiers():
    inputs = tier_case(
        ("c:10:A:G", 0.30, 40, 20, [("PASSPEPTI", "PASSPEPTW", "5", 20.0, 900.0)]),
        ("c:20:A:G", 0.50, 40, 20, [("LOWTPMPEP", "LOWTPMPEX", "5", 20.0, 900.0)]),
    )
    expression = pd.DataFrame({"feature": ["gene", "gene"], "id": ["G0", "G1"], "tpm": [12.0, 0.5]})
    # Purity 0.6, diploid: VAF 0.3 is a clonal heterozygous variant (CCF 1).
    table = build_all_epitopes("s1", *inputs, Filters(), clonality=Clonality(purity=0.6), expression=expression)
    assert tiers_of(table) == {"PASSPEPTI": "Pass", "LOWTPMPEP": "LowExpr"}
    assert table.set_index("mt_peptide").loc["PASSPEPTI", "ccf"] == pytest.approx(1.0)
    # A purity of 1 halves the CCF of VAF 0.3 to 0.6: still clonal at min_clonal_ccf 0.5, not at 0.7.
    strict = build_all_epitopes("s1", *inputs, Filters(), TierSettings(min_clonal_ccf=0.7), Clonality(purity=1.0))
    assert tiers_of(strict)["PASSPEPTI"] == "Subclonal"


def test_reference_proteome_match_is_flagged_or_removed():
    inputs = tier_case(("c:10:A:G", 0.5, 40, 20, [("SELFPEPTI", "SELFPEPTW", "5", 20.0, 900.0)]))
    flagged = build_all_epitopes("s1", *inputs, Filters(), reference_peptides={"SELFPEPTI"})
    assert (
        flagged.in_reference_proteome.all()
        and flagged.passes_filters.all()
        and tiers_of(flagged)["SELFPEPTI"] == "Pass"
    )
    removed = build_all_epitopes("s1", *inputs, Filters(reference_match="remove"), reference_peptides={"SELFPEPTI"})
    assert list(removed.filter_reasons) == ["in_reference_proteome"]
    assert tiers_of(removed)["SELFPEPTI"] == "Poor"
    assert build_candidates(removed).empty
