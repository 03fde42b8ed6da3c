import pytest

from neoag.errors import NeoagInputError
from neoag.hla.names import normalise_allele, parse_allele_list
from neoag.scoring.models import check_supported


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


# The sample's alleles for scoring: sample sheet and typed ones


from neoag.columns import HLA_TYPING  # noqa: E402
from neoag.hla.alleles import (  # noqa: E402
    choose_alleles,
    finalise_alleles,
    read_optitype_result,
    sheet_agrees,
)


def _typed(locus, allele, copies="1", tied="", flags=""):
    return {**dict.fromkeys(HLA_TYPING, ""), "locus": locus, "allele": allele, "copies": copies,
            "tied_alleles": tied, "flags": flags}  # fmt: skip


TYPED = [
    _typed("HLA-A", "HLA-A*02:01", tied="HLA-A*02:01,HLA-A*02:09", flags="tie"),
    _typed("HLA-A", "HLA-A*11:01"),
    _typed("HLA-B", "HLA-B*07:02", copies="2", flags="homozygous"),
]


def test_sheet_agreement_allows_ties_and_homozygous_loci():
    assert sheet_agrees(["HLA-A*11:01", "HLA-A*02:09"], TYPED[:2])
    assert not sheet_agrees(["HLA-A*11:01", "HLA-A*03:01"], TYPED[:2])
    assert sheet_agrees(["HLA-B*07:02"], TYPED[2:])
    assert not sheet_agrees(["HLA-B*07:02", "HLA-B*08:01"], TYPED[2:])


def test_sample_sheet_wins_by_default_and_disagreement_is_flagged(capsys):
    sheet = ["HLA-A*02:01", "HLA-A*03:01", "HLA-B*07:02"]
    alleles, source, report = choose_alleles("p1", "builtin", [dict(r) for r in TYPED], sheet, "sample_sheet", None)
    assert (alleles, source) == (sheet, "sample_sheet")
    flags = {(r["locus"], r["allele"]): r["flags"] for r in report}
    assert flags[("HLA-A", "HLA-A*11:01")] == "differs_from_sample_sheet"
    assert flags[("HLA-B", "HLA-B*07:02")] == "homozygous"
    assert {r["used_for_scoring"] for r in report} == {"false"}
    assert "HLA-A: typed HLA-A*02:01, HLA-A*11:01 but the sample sheet gives" in capsys.readouterr().err


def test_typed_alleles_used_without_sheet_and_ties_prefer_supported_names():
    supported = {"HLA-A*02:09", "HLA-A*11:01", "HLA-B*07:02"}
    alleles, source, report = choose_alleles("p1", "builtin", [dict(r) for r in TYPED], [], "sample_sheet", supported)
    assert (alleles, source) == (["HLA-A*02:09", "HLA-A*11:01", "HLA-B*07:02"], "builtin")
    alleles, _, report = choose_alleles("p1", "builtin", [dict(r) for r in TYPED], [], "typed", {"HLA-A*11:01"})
    assert alleles == ["HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02"]
    assert report[0]["flags"] == "tie,not_supported_by_model"


def test_finalise_writes_alleles_and_report(tmp_path):
    typed = tmp_path / "typing.tsv"
    import pandas as pd

    pd.DataFrame(TYPED).to_csv(typed, sep="\t", index=False)
    out_alleles, out_report = tmp_path / "alleles.tsv", tmp_path / "typing_report.tsv"
    sheet = "HLA-A*02:01,HLA-A*11:01,HLA-B*07:02"
    alleles = finalise_alleles("p1", "builtin", str(typed), sheet, "s", "typed", str(tmp_path), out_alleles, out_report)
    assert alleles == ["HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02"]
    assert out_alleles.read_text().splitlines()[1] == "HLA-A*02:01\tbuiltin"
    report = pd.read_csv(out_report, sep="\t", dtype=str, keep_default_na=False)
    assert set(report.used_for_scoring) == {"true"} and "differs_from_sample_sheet" not in "".join(report["flags"])
    assert report.sample_sheet_alleles[0] == "HLA-A*02:01,HLA-A*11:01"
    finalise_alleles("p1", "sample_sheet", None, sheet, "s", "typed", str(tmp_path), out_alleles, out_report)
    assert out_alleles.read_text().splitlines()[1] == "HLA-A*02:01\tsample_sheet"
    with pytest.raises(NeoagInputError, match="no HLA alleles"):
        finalise_alleles("p1", "sample_sheet", None, "", "s", "typed", str(tmp_path), out_alleles, out_report)


def test_nothing_typed_is_a_clear_error(tmp_path):
    typed = tmp_path / "typing.tsv"
    import pandas as pd

    pd.DataFrame([_typed("HLA-A", "", flags="not_typed")]).to_csv(typed, sep="\t", index=False)
    with pytest.raises(NeoagInputError, match="typed no HLA allele"):
        finalise_alleles("p1", "builtin", str(typed), "", "s", "typed", str(tmp_path), tmp_path / "a", tmp_path / "r")


def test_optitype_result_becomes_typing_rows(tmp_path):
    result = tmp_path / "p1_result.tsv"
    result.write_text(
        "\tA1\tA2\tB1\tB2\tC1\tC2\tReads\tObjective\n0\tA*02:01\tA*02:01\tB*07:02\tB*15:01\t\t\t812\t790.1\n"
    )
    rows = read_optitype_result(str(result))
    assert [(r["locus"], r["allele"], r["copies"], r["flags"]) for r in rows] == [
        ("HLA-A", "HLA-A*02:01", "2", "homozygous"),
        ("HLA-B", "HLA-B*07:02", "1", ""),
        ("HLA-B", "HLA-B*15:01", "1", ""),
        ("HLA-C", "", "", "not_typed"),
    ]
    result.write_text("something else\n")
    with pytest.raises(NeoagInputError, match="not an OptiType result"):
        read_optitype_result(str(result))
