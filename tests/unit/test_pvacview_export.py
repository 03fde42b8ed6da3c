"""pVACview export (neoag.report.pvacview) on tiny literal tables, checked against the format read
from pVACtools' reference files (tests/pvacview_reference.py says which)."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from neoag.columns import ALL_EPITOPES
from neoag.report.pvacview import (
    INCLUSION_LIMIT,
    aa_change,
    included_rows,
    problematic_positions,
    pvacseq_id,
    pvacview_export,
)
from tests.pvacview_reference import check_aggregated_tsv, check_metrics_json

SETTINGS = {
    "filters": {"max_affinity_nm": 500, "max_affinity_percentile": 2.0},
    "tiers": {"min_clonal_ccf": 0.5, "min_expression_tpm": 1.0, "min_rna_depth": 10, "min_rna_vaf": 0.1},
    "transcripts": "all",
    "purity": None,
    "copy_number": None,
}
ALLELES = ["HLA-B*07:02", "HLA-A*02:01"]


@pytest.mark.parametrize(
    "record, expected",
    [
        # VCF records of pVACtools' tests/test_data/pvacseq/input.vcf and the IDs that
        # tests/test_data/pvacseq/MHC_Class_I/Test.MHC_I.all_epitopes.aggregated.tsv gives them.
        (("22", 41920895, "G", "C"), "22-41920894-41920895-G-C"),
        (("22", 38119219, "GA", "G"), "22-38119219-38119220-GA-G"),
        (("2", 217498305, "T", "TGCTGCC"), "2-217498305-217498305-T-TGCTGCC"),
        (("4", 40434704, "AGCGGCTGCGGCGGCTGCGGCC", "A"), "4-40434704-40434725-AGCGGCTGCGGCGGCTGCGGCC-A"),
    ],
)
def test_variant_id_uses_pvacseqs_coordinates(record, expected):
    assert pvacseq_id(*record) == expected


def test_aa_change_in_pvacseqs_form():
    assert aa_change("missense", "p.Ser117Asn", 117) == "S117N"
    assert aa_change("frameshift", "p.Cys170ValfsTer40", 170) == "FS170"
    assert aa_change("inframe_insertion", "p.Ser156_Asp157insLys", 157) == "S156_D157insK"


def test_problematic_positions_are_one_based():
    assert problematic_positions("ACDCA", "C") == "2,4"
    assert problematic_positions("AADAA", "C") == "None"
    assert problematic_positions("ACDCA", "") == "None"


def epitope(**values) -> dict:
    """One all_epitopes.tsv row: the given values, the others empty/NaN/False as neoag writes them."""
    row = {name: "" for name in ALL_EPITOPES}
    numbers = ("pos", "peptide_start", "peptide_length", "protein_position", "ccf", "gene_tpm", "transcript_tpm")
    row.update({name: np.nan for name in ALL_EPITOPES if "affinity" in name or "score" in name or "percentile" in name})
    row.update({name: np.nan for name in ALL_EPITOPES if name.startswith(("tumor_", "normal_")) or name in numbers})
    row.update({"binder": False, "clonal": True, "anchor_mutation": False, "in_reference_proteome": False,
                "passes_filters": False})  # fmt: skip
    row.update(
        sample="s1", variant_id="chr1:100:C:T", chrom="chr1", pos=100, ref="C", alt="T", gene_name="G1",
        transcript_id="T1", transcript_biotype="protein_coding", transcript_tags="Ensembl_canonical",
        consequence="missense", protein_change="p.Ser5Phe", protein_position=5, tumor_dna_vaf=0.4,
        tumor_dna_depth=50, tier="Pass",
    )  # fmt: skip
    row.update(values)
    row["peptide_length"] = len(row["mt_peptide"])
    return row


def small_table() -> pd.DataFrame:
    """Variant 1: two transcripts with the same peptides (one transcript set), two alleles;
    variant 2: a frameshift peptide with no wild type that binds nothing."""
    rows = []
    for transcript in ("T1", "T2"):
        for peptide, allele, nm, wt in (
            ("AFLKCVAL", "HLA-A*02:01", 20.0, 900.0),
            ("AFLKCVAL", "HLA-B*07:02", 3000.0, 4000.0),
            ("FLKCVALA", "HLA-A*02:01", 200.0, 150.0),
            ("FLKCVALA", "HLA-B*07:02", 9000.0, 9000.0),
        ):
            rows.append(epitope(
                transcript_id=transcript, mt_peptide=peptide, wt_peptide=peptide.replace("F", "S", 1),
                allele=allele, mt_affinity_nm=nm, mt_affinity_percentile=nm / 1000, wt_affinity_nm=wt,
                wt_affinity_percentile=wt / 1000, binder=nm <= 500, mutation_positions="2",
                problematic_residues="C", anchor_mutation=peptide == "AFLKCVAL",
            ))  # fmt: skip
    for allele in ("HLA-A*02:01", "HLA-B*07:02"):
        rows.append(epitope(
            variant_id="chr1:200:CA:C", pos=200, ref="CA", alt="C", consequence="frameshift",
            protein_change="p.Gln9ArgfsTer4", protein_position=9, mt_peptide="RRRRRRRRR", allele=allele,
            mt_affinity_nm=20000.0, mt_affinity_percentile=50.0, mutation_positions="1,2,3,4,5,6,7,8,9",
            tier="Poor",
        ))  # fmt: skip
    return pd.DataFrame(rows)


def export(table=None):
    table = small_table() if table is None else table
    lengths = {("chr1:100:C:T", "T1"): 300, ("chr1:100:C:T", "T2"): 280, ("chr1:200:CA:C", "T1"): 300}
    report, metrics = pvacview_export(table, ALLELES, lengths, SETTINGS, 0.4)
    buffer = io.StringIO()
    report.to_csv(buffer, sep="\t", index=False, lineterminator="\n")
    return buffer.getvalue(), json.dumps(metrics, indent=2)


def test_export_has_pvacseqs_columns_value_forms_and_json_structure():
    tsv, metrics_text = export()
    rows = check_aggregated_tsv(tsv, ALLELES)
    metrics = check_metrics_json(metrics_text, [row[0] for row in rows])
    header = tsv.split("\n")[0].split("\t")
    first = dict(zip(header, rows[0]))
    assert first["ID"] == "chr1-99-100-C-T"
    assert (first["A*02:01"], first["B*07:02"]) == ("2", "")  # binders per allele; none for B*07:02
    assert first["Num Passing Transcripts"] == "2" and first["Num Included Peptides"] == "2"
    assert (first["Best Peptide"], first["Allele"], first["IC50 MT"]) == ("AFLKCVAL", "HLA-A*02:01", "20.000")
    assert (first["Prob Pos"], first["Canonical"], first["TSL"]) == ("5", "True", "Not Supported")
    assert (first["RNA Expr"], first["Allele Expr"], first["DNA VAF"]) == ("NA", "NA", "0.400")
    variant = metrics["chr1-99-100-C-T"]
    assert variant["sets"] == ["Transcript Set 1"] and variant["transcript_counts"] == [2]
    peptides = variant["good_binders"]["Transcript Set 1"]["peptides"]
    assert list(peptides) == ["AFLKCVAL", "FLKCVALA"]
    # alleles in sorted order; the 9000 nM row is above the inclusion threshold: X
    assert peptides["FLKCVALA"]["ic50s_MT"] == [200.0, "X"]
    assert peptides["AFLKCVAL"]["anchor_fails"] == "None"  # its WT does not bind (900 nM)
    assert variant["good_binders"]["Transcript Set 1"]["transcript_length"] == [300, 280]
    frameshift = dict(zip(header, rows[1]))
    assert frameshift["ID"] == "chr1-200-201-CA-C" and frameshift["AA Change"] == "FS9"
    assert frameshift["Num Passing Peptides"] == "0" and frameshift["IC50 WT"] == "NA"
    fs_peptide = metrics["chr1-200-201-CA-C"]["good_binders"]["Transcript Set 1"]["peptides"]["RRRRRRRRR"]
    assert fs_peptide["wt_peptide"] == "FS-NA"
    assert metrics["vaf_clonal"] == 0.4 and metrics["vaf_subclonal"] == 0.2
    assert metrics["alleles"] == sorted(ALLELES) and metrics["epitope_lengths"] == [8, 9]


def test_a_missing_column_fails_the_format_check():
    tsv, _ = export()
    broken = "\n".join("\t".join(line.split("\t")[:-1]) for line in tsv.split("\n")[:-1]) + "\n"
    with pytest.raises(AssertionError):
        check_aggregated_tsv(broken, ALLELES)


def test_included_peptides_are_capped_and_keep_the_best():
    rows = pd.DataFrame(
        {"mt_peptide": ["BEST"] + [f"P{i}" for i in range(20)], "mt_affinity_nm": [9000.0] + [100.0] * 20}
    )
    included = included_rows(rows)
    assert included.mt_peptide.iloc[0] == "BEST"
    assert included.mt_peptide.nunique() == INCLUSION_LIMIT + 1


def test_separate_sets_for_transcripts_with_different_peptides():
    table = small_table()
    table = table[~((table.transcript_id == "T2") & (table.mt_peptide == "FLKCVALA"))]
    _, metrics_text = export(table)
    variant = json.loads(metrics_text)["chr1-99-100-C-T"]
    assert variant["sets"] == ["Transcript Set 1", "Transcript Set 2"]
    assert variant["peptide_counts"] == [2, 1]


def test_gencode_tags_expression_rna_and_presentation_scores_are_carried():
    """A GENCODE-like transcript (MANE_Select, TSL 1), an expression table, an RNA BAM and a
    presentation predictor's scores, as a facility's full run has them."""
    rows = [
        epitope(
            mt_peptide="KLMDFGSSV", wt_peptide="KLMDFGSSI", allele=allele, mt_affinity_nm=nm,
            mt_affinity_percentile=0.2, wt_affinity_nm=800.0, wt_affinity_percentile=3.0, binder=True,
            mutation_positions="9", transcript_tags="MANE_Select,Ensembl_canonical,basic",
            transcript_support_level="1", gene_tpm=12.5, transcript_tpm=10.0, tumor_rna_vaf=0.4,
            tumor_rna_depth=30, mt_processing_score=0.7, mt_presentation_score=0.9,
            mt_presentation_percentile=0.05,
        )
        for allele, nm in (("HLA-A*02:01", 40.0), ("HLA-B*07:02", 450.0))
    ]  # fmt: skip
    tsv, metrics_text = export(pd.DataFrame(rows))
    rows_out = check_aggregated_tsv(tsv, ALLELES)
    metrics = check_metrics_json(metrics_text, [row[0] for row in rows_out])
    row = dict(zip(tsv.split("\n")[0].split("\t"), rows_out[0]))
    assert (row["MANE Select"], row["Canonical"], row["TSL"]) == ("True", "True", "1")
    assert (row["RNA Expr"], row["RNA VAF"], row["Allele Expr"], row["RNA Depth"]) == (
        "12.500", "0.400", "5.000", "30.000",
    )  # fmt: skip
    assert (row["A*02:01"], row["B*07:02"], row["Num Passing Peptides"]) == ("1", "1", "1")
    entry = metrics["chr1-99-100-C-T"]["good_binders"]["Transcript Set 1"]
    assert entry["tsl"] == [1] and entry["transcript_expr"] == [10.0] and entry["total_expr"] == 10.0
    calls = entry["peptides"]["KLMDFGSSV"]["individual_el_calls"]
    assert calls["algorithms"] == ["MHCflurryEL Processing", "MHCflurryEL Presentation"]
    assert calls["MT"]["HLA-A*02:01"] == [0.7, 0.9] and calls["WT"]["HLA-A*02:01"] == ["NA", "NA"]


def interleaved_table() -> pd.DataFrame:
    """Three variants whose rows alternate, as in a rank-sorted all_epitopes.tsv: variant A with
    20 binding peptides on two transcripts (more than INCLUSION_LIMIT) and rows above 5000 nM,
    variant B whose best row is above 5000 nM, and the frameshift of small_table."""
    rows = []
    for i in range(20):
        for transcript in ("T1", "T2"):
            rows.append(epitope(
                mt_peptide=f"AAAK{chr(65 + i)}VAL", wt_peptide=f"AAAS{chr(65 + i)}VAL", allele="HLA-A*02:01",
                transcript_id=transcript, mt_affinity_nm=100.0 + i, mt_affinity_percentile=0.1 + i / 10,
                wt_affinity_nm=200.0, binder=i < 10, anchor_mutation=i % 2 == 0, mutation_positions="4",
                in_reference_proteome=i == 3,
            ))  # fmt: skip
        rows.append(epitope(
            variant_id="chr2:500:G:A", chrom="chr2", pos=500, ref="G", alt="A", mt_peptide=f"KKKR{chr(65 + i)}LLL",
            allele="HLA-B*07:02", mt_affinity_nm=6000.0 - i * 100, mt_affinity_percentile=9.0,
        ))  # fmt: skip
        rows.append(epitope(mt_peptide=f"CCCC{chr(65 + i)}CCC", allele="HLA-B*07:02", mt_affinity_nm=8000.0))
    frameshift = small_table()
    rows[5:5] = frameshift[frameshift.variant_id == "chr1:200:CA:C"].to_dict("records")
    return pd.DataFrame(rows)


def write_inputs(folder, table: pd.DataFrame) -> dict:
    """all_epitopes.tsv, variants.tsv, annotations.tsv and alleles.tsv of one sample in folder."""
    from neoag.tables import write_table

    paths = {name: str(folder / f"{name}.tsv") for name in ("all_epitopes", "variants", "annotations", "alleles")}
    write_table(table, paths["all_epitopes"], ALL_EPITOPES)
    variants = pd.DataFrame({"variant_id": ["chr1:100:C:T"], "tumor_dna_vaf": [0.4]})
    variants.to_csv(paths["variants"], sep="\t", index=False)
    annotations = pd.DataFrame(
        {"variant_id": ["chr1:100:C:T"] * 2, "transcript_id": ["T1", "T2"], "wt_protein": ["M" * 300, "M" * 280]}
    )
    annotations.to_csv(paths["annotations"], sep="\t", index=False)
    pd.DataFrame({"allele": ALLELES}).to_csv(paths["alleles"], sep="\t", index=False)
    return paths


def streamed(paths: dict, folder, batch_rows: int) -> tuple[str, str]:
    from neoag.report.pvacview import write_pvacview

    out = folder / f"out{batch_rows}"
    write_pvacview(paths["all_epitopes"], paths["variants"], paths["annotations"], paths["alleles"], SETTINGS,
                   f"{out}.tsv", f"{out}.json", batch_rows=batch_rows)  # fmt: skip
    return open(f"{out}.tsv").read(), open(f"{out}.json").read()


@pytest.mark.parametrize("gtf_tags, presentation", [(True, False), (False, True)])
def test_streamed_export_is_the_in_memory_export_byte_for_byte(tmp_path, gtf_tags, presentation):
    """write_pvacview keeps only each variant's best and included rows of a rank-sorted file
    and writes variant by variant: the same bytes as pvacview_export on the whole table, whatever
    the batch size (1 row: every variant its own batch; one batch for all). Tags and presentation
    scores only on rows that are not shown still count (an Ensembl GTF without tags: Not Run)."""
    from neoag.tables import read_table

    table = interleaved_table()
    last = table.index[-1]  # a CCCC... row above 5000 nM: not shown
    if not gtf_tags:
        table["transcript_tags"] = ""
        table.loc[last, "transcript_tags"] = "basic" if presentation else ""
    if presentation:
        table.loc[last, ["mt_processing_score", "mt_presentation_score"]] = [0.5, 0.25]
    paths = write_inputs(tmp_path, table)
    whole = read_table(paths["all_epitopes"])
    assert whole.variant_id.tolist()[:7] != sorted(whole.variant_id.tolist()[:7])  # rows interleaved
    lengths = {("chr1:100:C:T", "T1"): 300, ("chr1:100:C:T", "T2"): 280}
    report, metrics = pvacview_export(whole, ALLELES, lengths, SETTINGS, 0.4)
    expected_tsv = report.to_csv(sep="\t", index=False, lineterminator="\n")
    expected_json = json.dumps(metrics, indent=2, separators=(",", ": ")) + "\n"
    assert streamed(paths, tmp_path, 1) == (expected_tsv, expected_json)
    assert streamed(paths, tmp_path, 10**6) == (expected_tsv, expected_json)
    variant = metrics["chr1-99-100-C-T"]
    assert variant["peptide_counts"] == [INCLUSION_LIMIT]  # 20 binding peptides, 15 shown
    assert metrics["chr2-499-500-G-A"]["best_peptide_mt"] == "KKKRALLL"  # best row above 5000 nM kept
    assert list(metrics)[-3:] == ["chr1-99-100-C-T", "chr2-499-500-G-A", "chr1-200-201-CA-C"]
    peptide = variant["good_binders"]["Transcript Set 1"]["peptides"]["AAAKAVAL"]
    assert bool(peptide["individual_el_calls"]["algorithms"]) == presentation


def test_streamed_export_of_a_table_without_rows(tmp_path):
    paths = write_inputs(tmp_path, interleaved_table().iloc[:0])
    tsv, metrics_text = streamed(paths, tmp_path, 1)
    assert tsv.count("\n") == 1 and tsv.startswith("ID\tIndex\tA*02:01\tB*07:02\tGene")
    assert json.loads(metrics_text)["epitope_lengths"] == []


def test_inclusion_threshold_is_decided_as_read_table_parses_the_cell():
    from neoag.report.pvacview_rows import below

    assert below("4999.99", 5000) and not below("5000", 5000) and not below("5e3", 5000)
    assert below("4999.999999999999", 5000) and not below("", 5000)
    with pytest.raises(ValueError, match="nan"):  # read_table rejects it too
        below("nan", 5000)


def test_all_epitopes_without_a_used_column_is_named(tmp_path):
    paths = write_inputs(tmp_path, interleaved_table())
    table = pd.read_csv(paths["all_epitopes"], sep="\t", dtype=str, keep_default_na=False)
    table.drop(columns="mt_affinity_nm").to_csv(paths["all_epitopes"], sep="\t", index=False)
    with pytest.raises(ValueError, match=r"all_epitopes.tsv: missing column\(s\) mt_affinity_nm"):
        streamed(paths, tmp_path, 1)
