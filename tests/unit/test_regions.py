"""Scatter regions from the reference index and an optional BED."""

import pytest

from neoag.calling.regions import Region, plan_regions
from neoag.errors import NeoagInputError


@pytest.fixture
def fai(tmp_path):
    path = tmp_path / "genome.fa.fai"
    path.write_text("chr1\t1000\t6\t60\t61\nchr2\t500\t1030\t60\t61\nHLA-A*01:01\t300\t1600\t60\t61\n")
    return str(path)


def test_one_region_per_contig_by_default(fai):
    regions = plan_regions(fai)
    assert regions == [
        Region("chr1", (("chr1", 0, 1000),)),
        Region("chr2", (("chr2", 0, 500),)),
        Region("HLA_A_01_01", (("HLA-A*01:01", 0, 300),)),
    ]
    assert regions[0].bed() == "chr1\t0\t1000\n"


def test_chunks_cut_and_pack_intervals(fai):
    regions = plan_regions(fai, scatter_size=400)
    assert [r.name for r in regions] == [f"chunk{i:04d}" for i in range(1, 6)]
    assert regions[0].intervals == (("chr1", 0, 400),)
    assert regions[2].intervals == (("chr1", 800, 1000),)
    assert regions[3].intervals == (("chr2", 0, 400),)
    assert regions[4].intervals == (("chr2", 400, 500), ("HLA-A*01:01", 0, 300))
    covered = sum(end - start for r in regions for _, start, end in r.intervals)
    assert covered == 1800  # every base once


def test_bed_intervals_are_sorted_merged_and_checked(fai, tmp_path):
    bed = tmp_path / "targets.bed"
    bed.write_text("track name=x\nchr2\t10\t20\nchr1\t100\t200\nchr1\t150\t250\tname\n")
    regions = plan_regions(fai, str(bed))
    assert [r.intervals for r in regions] == [(("chr1", 100, 250),), (("chr2", 10, 20),)]
    bed.write_text("chrX\t1\t2\n")
    with pytest.raises(NeoagInputError, match="line 1: contig 'chrX' is not in the reference"):
        plan_regions(fai, str(bed))
    bed.write_text("chr2\t400\t600\n")
    with pytest.raises(NeoagInputError, match="runs past the end of the contig"):
        plan_regions(fai, str(bed))


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(NeoagInputError, match="samtools faidx"):
        plan_regions(str(tmp_path / "genome.fa.fai"))
