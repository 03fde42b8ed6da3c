"""Building the typer's exon 2-3 reference from an IMGT/HLA-style nucleotide alignment."""

import pytest

from neoag.errors import NeoagInputError
from neoag.hla.reference import exon23_records, exons_of, parse_alignment

# A made-up alignment in the IMGT/HLA *_nuc.txt layout: two blocks, '|' between
# exons, '-' = the first allele's base, '.' = gap, '*' = not sequenced.
ALIGNMENT = """\
# file: X_nuc.txt
# version: made up for this test
 cDNA                 -72
                       |
 A*01:01:01:01        ATGGC|CCTAA GGTTC|AAC
 A*01:02              -----|----- --A--|---
 A*01:03N             -----|----- -----|---
 A*02:01              -----|--.-- -----|---
 A*03:01              -----|**--- -----|---

 cDNA                 10
                       |
 A*01:01:01:01        TTGA|CCGGT TAA
 A*01:02              ----|----- ---
 A*01:03N             ----|----- ---
 A*02:01              --C-|----- ---
 A*03:01              ----|----- ---

Please see http://hla.alleles.org/terms.html for terms of use.
"""


def test_alignment_rows_and_exons():
    rows = parse_alignment(ALIGNMENT.splitlines(), "X_nuc.txt")
    assert list(rows) == ["A*01:01:01:01", "A*01:02", "A*01:03N", "A*02:01", "A*03:01"]
    first = rows["A*01:01:01:01"]
    assert exons_of(first, first) == ["ATGGC", "CCTAAGGTTC", "AACTTGA", "CCGGTTAA"]
    assert exons_of(rows["A*02:01"], first) == ["ATGGC", "CCAAGGTTC", "AACTTCA", "CCGGTTAA"]


def test_exon23_records_keep_complete_expressed_alleles_with_constant_flanks():
    rows = parse_alignment(ALIGNMENT.splitlines(), "X_nuc.txt")
    records = dict(exon23_records(rows, "A", "X_nuc.txt"))
    assert list(records) == ["A*01:01:01:01", "A*01:02", "A*02:01"]  # null and unsequenced ones left out
    assert records["A*01:02"] == "ATGGC" + "CCTAAGGATC" + "AACTTGA" + "CCGGTTAA"
    assert records["A*02:01"] == "ATGGC" + "CCAAGGTTC" + "AACTTCA" + "CCGGTTAA"


def test_not_an_alignment():
    with pytest.raises(NeoagInputError, match="not an IMGT/HLA nucleotide alignment"):
        parse_alignment(["<html>404</html>"], "url")
