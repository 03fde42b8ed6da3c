import pytest

from neoag.evidence import AlleleCounts
from neoag.somatic import SomaticFilters, somatic_status

FILTERS = SomaticFilters()


@pytest.mark.parametrize(
    "tumor, normal, status",
    [
        ((100, 70, 30), (60, 60, 0), "somatic"),
        ((100, 70, 30), (60, 59, 1), "somatic"),  # one normal read is tolerated as an error
        ((100, 50, 50), (60, 30, 30), "germline"),
        ((100, 70, 30), (60, 57, 3), "normal_alt_support"),
        ((100, 70, 30), (5, 5, 0), "low_normal_depth"),
        ((8, 4, 4), (60, 60, 0), "low_tumor_depth"),
        ((100, 97, 3), (60, 60, 0), "low_tumor_support"),
        ((400, 385, 15), (60, 60, 0), "low_tumor_support"),  # VAF 0.0375 < 0.05
    ],
)
def test_somatic_status(tumor, normal, status):
    assert somatic_status(AlleleCounts(*tumor), AlleleCounts(*normal), FILTERS) == status


def test_site_partners_are_the_alleles_that_overlap(tmp_path):
    import pysam

    from neoag.somatic import site_partners
    from neoag.variants import Variant

    path = tmp_path / "ref.fa"
    path.write_text(">c\nGATAATCTTTACAACTTTTTCCCCCCCCCCAGTAAAATTATGCGT\n")
    pysam.faidx(str(path))
    fasta = pysam.FastaFile(str(path))
    deletion = Variant("c", 20, "TC", "T")  # one C of the run of ten (0-based 20-29)
    snv_in_run = Variant("c", 21, "C", "T")  # TTTTTT + 9 C: reads in the T run fit both
    snv_far = Variant("c", 35, "A", "G")
    other_allele = Variant("c", 35, "A", "C")
    partners = site_partners([deletion, snv_in_run, snv_far, other_allele], fasta)
    assert partners[snv_in_run] == [deletion]
    assert partners[deletion] == [snv_in_run]
    assert partners[snv_far] == [other_allele]
