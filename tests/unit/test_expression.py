"""Expression tables of five quantifier formats, hand-written with the demo's IDs."""

from pathlib import Path

import pandas as pd
import pytest

from neoag.annotation.expression import add_expression, match_ids, normalise_expression
from neoag.errors import NeoagInputError
from neoag.tables import read_table

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "expression"
GTF = REPO / "resources" / "demo" / "annotation.gtf"


def tpms(path, tmp_path):
    out = tmp_path / "expression.tsv"
    normalise_expression(str(path), str(GTF), str(out))
    table = read_table(str(out))
    return {(row.feature, row.id): row.tpm for row in table.itertuples()}


@pytest.mark.parametrize("name", ["quant.sf", "abundance.tsv", "sample.isoforms.results"])
def test_transcript_level_tables_give_transcript_and_summed_gene_tpm(name, tmp_path):
    found = tpms(DATA / name, tmp_path)
    assert found[("transcript", "DEMOT00000000001")] == pytest.approx(120.5)
    assert found[("transcript", "DEMOT00000000007")] == pytest.approx(20)
    assert found[("gene", "DEMOG00000000003")] == pytest.approx(100)  # 80 + 20, two isoforms
    assert ("transcript", "OTHERT0001") not in found  # not in the GTF


def test_salmon_gencode_names_and_versions_match_the_gtf(tmp_path):
    found = tpms(DATA / "quant.sf", tmp_path)
    assert found[("transcript", "DEMOT00000000002")] == pytest.approx(250)  # DEMOT00000000002.1
    assert found[("gene", "DEMOG00000000006")] == 0


@pytest.mark.parametrize("name", ["genes.tab", "sample.genes.results"])
def test_gene_level_tables(name, tmp_path):
    found = tpms(DATA / name, tmp_path)
    assert found[("gene", "DEMOG00000000001")] == pytest.approx(120.5)
    assert found[("gene", "DEMOG00000000003")] == pytest.approx(100)
    assert not any(feature == "transcript" for feature, _ in found)


def test_unknown_header_is_a_clear_error(tmp_path):
    path = tmp_path / "counts.txt"
    path.write_text("gene\tcount\nDEMOG00000000001\t12\n")
    with pytest.raises(NeoagInputError, match=r"counts.txt: the header \(gene count ...\) is not one neoag knows"):
        normalise_expression(str(path), str(GTF), str(tmp_path / "out.tsv"))


def test_ids_of_another_annotation_are_a_clear_error(tmp_path):
    path = tmp_path / "abundance.tsv"
    path.write_text("target_id\tlength\teff_length\test_counts\ttpm\nENST00000335137.4\t918\t768\t5\t1.5\n")
    with pytest.raises(NeoagInputError, match="none of its IDs .* is a transcript ID of the GTF"):
        normalise_expression(str(path), str(GTF), str(tmp_path / "out.tsv"))


def test_version_matching_is_unambiguous_only():
    assert match_ids(["T1.2", "T2"], ["T1.5", "T2.1", "T3"]) == {"T1.5": "T1.2", "T2.1": "T2"}
    assert match_ids(["T1.1", "T1.2"], ["T1.3"]) == {}  # two GTF versions: ambiguous


def test_add_expression_joins_by_gene_and_transcript():
    expression = pd.DataFrame({"feature": ["gene", "transcript"], "id": ["G1", "T1"], "tpm": [10.0, 4.0]})
    table = pd.DataFrame({"gene_id": ["G1", "G2"], "transcript_id": ["T1", "T2"]})
    joined = add_expression(table, expression)
    assert joined.gene_tpm.tolist()[0] == 10 and pd.isna(joined.gene_tpm[1])
    assert joined.transcript_tpm.tolist()[0] == 4 and pd.isna(joined.transcript_tpm[1])
    assert add_expression(table, None).gene_tpm.isna().all()
