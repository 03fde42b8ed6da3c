import pytest

from neoag.variants import Variant, unsupported_allele_reason


@pytest.mark.parametrize(
    "variant, trimmed, kind",
    [
        (Variant("c", 10, "A", "G"), (9, "A", "G"), "snv"),
        (Variant("c", 10, "AC", "GT"), (9, "AC", "GT"), "mnv"),
        (Variant("c", 10, "A", "ATT"), (10, "", "TT"), "insertion"),
        (Variant("c", 10, "ATT", "A"), (10, "TT", ""), "deletion"),
        (Variant("c", 10, "ACG", "ATTG"), (10, "C", "TT"), "complex"),
    ],
)
def test_trimmed_and_kind(variant, trimmed, kind):
    assert variant.trimmed() == trimmed
    assert variant.kind == kind


def test_variant_id():
    assert Variant("chr1", 5, "A", "T").variant_id == "chr1:5:A:T"


@pytest.mark.parametrize(
    "ref, alt, reason",
    [
        ("A", "<DEL>", "symbolic allele <DEL>"),
        ("A", "A[chr2:100[", "breakend allele A[chr2:100["),
        ("A", "*", "spanning-deletion allele '*'"),
        ("A", "R", "ALT 'R' has letters other than A, C, G, T (N or an IUPAC ambiguity code)"),
        ("A", "N", "ALT 'N' has letters other than A, C, G, T (N or an IUPAC ambiguity code)"),
        ("NA", "A", "REF 'NA' has letters other than A, C, G, T (N or an IUPAC ambiguity code)"),
        ("A", None, "no ALT allele"),
        ("A", "A", "ALT equals REF"),
        ("A", "T", None),
    ],
)
def test_unsupported_alleles(ref, alt, reason):
    assert unsupported_allele_reason(ref, alt) == reason
