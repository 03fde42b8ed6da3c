"""The somatic VCF annotated with NEOAG_* INFO fields (pysam writes, pysam reads back)."""

import pysam

from neoag.columns import VARIANTS, VCF_INFO
from neoag.report.vcf_annotation import annotate_somatic_vcf, encode_info_text
from neoag.tables import write_table

VCF = """##fileformat=VCFv4.2
##contig=<ID=c,length=1000>
##INFO=<ID=TVAF,Number=1,Type=Float,Description="tumor VAF">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
c\t10\t.\tA\tG\t.\tPASS\tTVAF=0.3
c\t20\t.\tC\tT\t.\tPASS\tTVAF=0.1
"""


def test_info_text_is_percent_encoded():
    assert encode_info_text("p.Ala2=") == "p.Ala2%3D"
    assert encode_info_text("a;b,c d%") == "a%3Bb%2Cc%20d%25"


def test_variants_are_annotated(tmp_path):
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(VCF)
    variants = {name: ["", ""] for name in VARIANTS}
    variants.update(
        variant_id=["c:10:A:G", "c:20:C:T"], tier=["Pass", ""], best_peptide=["SIINFEKL", ""],
        best_allele=["HLA-A*02:01", ""], best_mt_affinity_nm=["12.5", ""], n_candidates=["3", "0"],
        gene_name=["G1", "G1"], protein_change=["p.Ala5Gly", "p.Ala2="], ccf=["0.8", ""], clonal=["True", "False"],
    )  # fmt: skip
    import pandas as pd

    write_table(pd.DataFrame(variants), str(tmp_path / "variants.tsv"), VARIANTS)
    out = tmp_path / "somatic.neoag.vcf.gz"
    assert annotate_somatic_vcf(str(vcf), str(tmp_path / "variants.tsv"), str(out)) == 2
    assert (tmp_path / "somatic.neoag.vcf.gz.tbi").exists()
    with pysam.VariantFile(str(out)) as reader:
        assert set(VCF_INFO) <= set(reader.header.info)
        first, second = list(reader)
    assert first.info["NEOAG_TIER"] == "Pass"
    assert first.info["NEOAG_BEST_ALLELE"] == "HLA-A*02:01"
    assert first.info["NEOAG_N_CANDIDATES"] == 3
    assert abs(first.info["NEOAG_BEST_AFFINITY"] - 12.5) < 1e-6
    assert first.info["NEOAG_CLONAL"] is True
    assert first.info["TVAF"] == 0.30000001192092896 or abs(first.info["TVAF"] - 0.3) < 1e-6
    assert "NEOAG_TIER" not in second.info and "NEOAG_CLONAL" not in second.info
    assert second.info["NEOAG_PROTEIN_CHANGE"] == "p.Ala2%3D"
    assert second.info["NEOAG_N_CANDIDATES"] == 0
