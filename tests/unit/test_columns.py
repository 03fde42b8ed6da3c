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
