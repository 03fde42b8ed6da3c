import pytest

from neoag.errors import NeoagInputError
from neoag.hla import check_supported, normalise_allele, parse_allele_list


@pytest.mark.parametrize(
    "name, expected",
    [
        ("HLA-A*02:01", "HLA-A*02:01"),
        ("A*02:01:01:02L", "HLA-A*02:01"),
        ("A0201", "HLA-A*02:01"),
        (" hla-b*07:02 ", "HLA-B*07:02"),
        ("C*07:01:01", "HLA-C*07:01"),
    ],
)
def test_normalise_allele(name, expected):
    assert normalise_allele(name, "sheet") == expected


@pytest.mark.parametrize(
    "name, message",
    [
        ("HLA-Z*99:99", "not an HLA allele name"),
        ("B*07", "only the allele group"),
        ("HLA-DRB1*01:01", "class II"),
        ("HLA-A*01:04N", "null allele"),
    ],
)
def test_bad_allele_names_are_explained(name, message):
    with pytest.raises(NeoagInputError, match=message) as error:
        normalise_allele(name, "samples.tsv, line 2")
    assert str(error.value).startswith("samples.tsv, line 2")


def test_allele_list_keeps_order_and_drops_repeats():
    assert parse_allele_list("A*02:01, A*02:01,B*07:02", "s") == ["HLA-A*02:01", "HLA-B*07:02"]


def test_empty_allele_list_is_an_error():
    with pytest.raises(NeoagInputError, match="no HLA alleles"):
        parse_allele_list(" , ", "s")


def test_unsupported_allele_names_close_alternatives():
    with pytest.raises(NeoagInputError, match=r"do not support HLA-A\*02:99.*HLA-A\*02:01"):
        check_supported(["HLA-A*02:01", "HLA-A*02:99"], ["HLA-A*02:01", "HLA-B*07:02"], "models/", "alleles.tsv")
