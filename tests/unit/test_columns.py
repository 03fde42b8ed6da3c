"""Every column neoag writes is documented in docs/output.md."""

import re
from pathlib import Path

import pytest

from neoag.columns import TABLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "output.md"
DOCUMENTED = set(re.findall(r"^\| `([a-z0-9_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_is_documented(table):
    missing = [name for name in TABLES[table] if name not in DOCUMENTED]
    assert not missing, f"{table}: columns missing from docs/output.md: {missing}"


def test_docs_list_no_column_that_no_table_has():
    written = {name for columns in TABLES.values() for name in columns}
    # Only the "Columns" part: the tables above it list values (consequence terms, statuses).
    text = DOCS.read_text()
    section = text[text.index("## Columns") :]
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))
    assert documented - written == set()


def test_every_vcf_info_field_is_documented():
    from neoag.columns import VCF_INFO

    documented = set(re.findall(r"^\| `(NEOAG_[A-Z_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert documented == set(VCF_INFO)


def test_typed_columns_are_columns_of_a_table():
    from neoag.columns import BOOLEAN, NUMERIC

    written = {name for columns in TABLES.values() for name in columns}
    assert NUMERIC - written == set()
    assert BOOLEAN - written == set()
    assert NUMERIC & BOOLEAN == set()


def test_read_table_types_columns_from_the_schema(tmp_path):
    from neoag.tables import read_table

    path = tmp_path / "peptides.tsv"
    path.write_text("mt_peptide\tpeptide_length\tccf\tbinder\tmutation_positions\nNA\t9\t\tTrue\t3,4\n")
    table = read_table(str(path))
    assert table.mt_peptide.tolist() == ["NA"]
    assert table.mutation_positions.tolist() == ["3,4"]
    assert table.peptide_length.dtype == "int64" and table.peptide_length.tolist() == [9]
    assert table.ccf.isna().all()
    assert table.binder.dtype == bool and table.binder.tolist() == [True]


def test_read_table_rejects_a_broken_boolean(tmp_path):
    from neoag.tables import read_table

    path = tmp_path / "t.tsv"
    path.write_text("binder\nyes\n")
    with pytest.raises(ValueError, match="binder"):
        read_table(str(path))


def test_read_table_takes_the_boolean_forms_neoag_writes(tmp_path):
    # pandas writes True/False; hla/typing_report.tsv writes true/false (documented in columns.py).
    from neoag.tables import read_table

    path = tmp_path / "typing_report.tsv"
    path.write_text("allele\tused_for_scoring\nHLA-A*02:01\ttrue\nHLA-A*11:01\tfalse\nHLA-B*07:02\tTrue\n")
    assert read_table(str(path)).used_for_scoring.tolist() == [True, False, True]
    path.write_text("allele\tused_for_scoring\nHLA-A*02:01\tyes\n")
    with pytest.raises(ValueError, match="used_for_scoring"):
        read_table(str(path))
