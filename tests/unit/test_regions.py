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


# GRCh38's 24 primary chromosomes (chr1-22, X, Y), in bp.
GRCH38_PRIMARY = [
    248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
    138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
    83257441, 80373285, 58617616, 64444167, 46709983, 50818468, 156040895, 57227415,
]  # fmt: skip


@pytest.fixture
def grch38_like_fai(tmp_path):
    """A .fai shaped like GRCh38's analysis set: 3,366 contigs, 24 large chromosomes then
    chrM, unlocalized/unplaced scaffolds, alt-like and decoy contigs, chrEBV and HLA
    alleles (synthetic lengths from a fixed seed: 1 kb to 500 kb, mostly small)."""
    import random

    rng = random.Random(38)
    names = [f"chr{n}" for n in [*range(1, 23), "X", "Y"]]
    lengths = list(GRCH38_PRIMARY)
    names.append("chrM")
    lengths.append(16569)
    for i in range(3366 - 25 - 525 - 1):
        kind = ("random", "chrUn", "decoy")[i % 3]
        names.append(f"chr{i % 22 + 1}_KI{i:06d}v1_{kind}" if kind == "random" else f"chrUn_JTFH{i:08d}v1_{kind}")
        lengths.append(int(rng.lognormvariate(10.0, 1.2)) % 500000 + 1000)
    names.append("chrEBV")
    lengths.append(171823)
    for i in range(525):
        names.append(f"HLA-{'ABC'[i % 3]}*{i // 3 + 1:02d}:{i % 7 + 1:02d}")
        lengths.append(rng.randint(2800, 4200))
    assert len(names) == 3366
    path = tmp_path / "GRCh38_analysis_set.fa.fai"
    path.write_text("".join(f"{name}\t{length}\t0\t60\t61\n" for name, length in zip(names, lengths)))
    return str(path), dict(zip(names, lengths))


def covered_in_order(regions):
    """Every interval of every region, merged where they touch, in region order."""
    merged = []
    for region in regions:
        for chrom, start, end in region.intervals:
            if merged and merged[-1][0] == chrom and merged[-1][2] == start:
                merged[-1] = (chrom, merged[-1][1], end)
            else:
                merged.append((chrom, start, end))
    return merged


def test_default_is_still_one_job_per_contig_on_grch38(grch38_like_fai):
    fai, lengths = grch38_like_fai
    assert len(plan_regions(fai)) == 3366


@pytest.mark.parametrize("jobs", [1, 16, 64, 500])
def test_scatter_jobs_makes_that_many_jobs_of_equal_size_over_the_whole_genome(grch38_like_fai, jobs):
    fai, lengths = grch38_like_fai
    regions = plan_regions(fai, scatter_jobs=jobs)
    assert len(regions) == jobs
    sizes = [sum(end - start for _, start, end in region.intervals) for region in regions]
    total = sum(lengths.values())
    assert sum(sizes) == total and max(sizes) - min(sizes) <= 1
    # Every base once, in reference order: each contig whole, one after another.
    assert covered_in_order(regions) == [(name, 0, length) for name, length in lengths.items()]
    assert regions[0].name == "chunk0001" and len({r.name for r in regions}) == jobs
    if jobs >= 16:
        chr1_jobs = [r for r in regions if any(chrom == "chr1" for chrom, _, _ in r.intervals)]
        assert len(chr1_jobs) >= 248956422 * jobs // total  # the largest contig is split
        small = [r for r in regions if any(lengths[chrom] < 1_000_000 for chrom, _, _ in r.intervals)]
        small_bases = sum(length for length in lengths.values() if length < 1_000_000)
        assert len(small) <= small_bases // min(sizes) + 2  # the 3,342 small contigs are packed together


def test_scatter_jobs_balances_the_targets_when_a_bed_is_given(grch38_like_fai, tmp_path):
    """An exome-like BED: 180,000 targets of 120-300 bp on the 24 chromosomes, denser on chr1."""
    import random

    fai, lengths = grch38_like_fai
    rng = random.Random(20)
    lines = []
    for number, length in enumerate(GRCH38_PRIMARY, start=1):
        chrom = f"chr{number}" if number <= 22 else ("chrX" if number == 23 else "chrY")
        count = 18000 if number == 1 else 7000
        for start in sorted(rng.sample(range(0, length - 400, 400), count)):
            lines.append(f"{chrom}\t{start}\t{start + rng.randint(120, 300)}\n")
    bed = tmp_path / "exome.bed"
    bed.write_text("".join(lines))
    targets = sum(int(line.split("\t")[2]) - int(line.split("\t")[1]) for line in lines)
    regions = plan_regions(fai, str(bed), scatter_jobs=32)
    assert len(regions) == 32
    sizes = [sum(end - start for _, start, end in region.intervals) for region in regions]
    assert sum(sizes) == targets and max(sizes) - min(sizes) <= 1
    # Only target bases: no region holds a piece outside the BED's intervals.
    expected = [(c, int(s), int(e)) for c, s, e in (line.rstrip("\n").split("\t") for line in lines)]
    assert covered_in_order(regions) == expected
    assert sum(len(region.intervals) for region in regions) <= len(lines) + 31  # at most one cut per boundary


def test_scatter_jobs_edge_cases(fai):
    regions = plan_regions(fai, scatter_jobs=3)
    assert [r.intervals for r in regions] == [
        (("chr1", 0, 600),),
        (("chr1", 600, 1000), ("chr2", 0, 200)),
        (("chr2", 200, 500), ("HLA-A*01:01", 0, 300)),
    ]
    assert len(plan_regions(fai, scatter_jobs=5000)) == 1800  # never more jobs than bases
    with pytest.raises(NeoagInputError, match="scatter_size .* and calling.scatter_jobs .* are both set"):
        plan_regions(fai, scatter_size=400, scatter_jobs=3)


def test_germline_windows_are_grouped_whole_and_in_order():
    from neoag.calling.regions import whole_interval_groups

    windows = [("chr1", 0, 100), ("chr1", 200, 210), ("chr1", 300, 400), ("chr2", 0, 10), ("chr2", 50, 150)]
    groups = whole_interval_groups(windows, 3)
    assert [w for group in groups for w in group] == windows  # nothing cut, nothing moved
    # each goes by its middle base (50, 105 | 160 | 215, 270 of 320 bases)
    assert [sum(e - s for _, s, e in group) for group in groups] == [110, 100, 110]
    assert whole_interval_groups([("chr1", 0, 1000)], 4) == [[], [], [("chr1", 0, 1000)], []]
    assert whole_interval_groups([], 2) == [[], []]
