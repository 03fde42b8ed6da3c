"""Germline neighbours from the joint call (germline.calls joint) against a second freebayes pass
over the normal (normal), on the demo's real BAMs: the calling stage's own steps, run small."""

import gzip
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from neoag.calling.evidence import ReadFilters
from neoag.calling.germline import germline_calls_mode, germline_from_joint, overlaps, read_windows
from neoag.calling.somatic import GermlineFilters, SomaticFilters, select_germline

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
GENOME = str(DEMO / "genome.fa")
# call_freebayes's and call_germline's options at the config defaults (rules/calling.smk)
QUALITY = ["--haplotype-length", "0", "--min-mapping-quality", "20", "--min-base-quality", "20"]
JOINT = ["--pooled-continuous", "--min-alternate-fraction", "0.05", "--min-alternate-count", "3", *QUALITY]


def freebayes(out: Path, bams: list[Path], *options: str) -> str:
    """freebayes on the demo genome, split and left-aligned as the workflow does; the VCF's path."""
    called = subprocess.run(
        ["freebayes", "--fasta-reference", GENOME, *options, *map(str, bams)], capture_output=True, check=True
    ).stdout
    norm = ["bcftools", "norm", "--no-version", "--multiallelics", "-any", "--fasta-ref", GENOME, "-Oz", "-o", out]
    subprocess.run(norm, input=called, capture_output=True, check=True)
    subprocess.run(["tabix", "-p", "vcf", out], check=True)
    return str(out)


def records(path: str) -> list[str]:
    with gzip.open(path, "rt") as handle:
        return [line for line in handle if not line.startswith("#")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo pair through the calling stage: joint freebayes call, candidates, evidence, germline
    windows, and the calls of a second freebayes pass over the normal in those windows."""
    from neoag.calling.calls import consensus, prepare_calls
    from neoag.calling.somatic import germline_targets, select_somatic

    tmp = tmp_path_factory.mktemp("germline")
    tumor, normal = DEMO / "tumor.bam", DEMO / "normal.bam"
    raw = freebayes(tmp / "raw.vcf.gz", [tumor, normal], *JOINT)
    prepare_calls(raw, str(tmp / "accepted.vcf.gz"), "freebayes", GENOME, str(tumor), str(normal), ["PASS", "."])
    subprocess.run(
        ["bcftools", "norm", "--no-version", "-m", "-any", "-f", GENOME, "--check-ref", "e", "-Oz",
         "-o", tmp / "freebayes.vcf.gz", tmp / "accepted.vcf.gz"], check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["tabix", "-p", "vcf", tmp / "freebayes.vcf.gz"], check=True)
    consensus([str(tmp / "freebayes.vcf.gz")], ["freebayes"], 1, GENOME, str(tmp / "candidates.vcf.gz"))
    select_somatic(str(tmp / "candidates.vcf.gz"), str(tumor), str(normal), None, GENOME, str(tmp / "evidence.tsv"),
                   str(tmp / "somatic.vcf.gz"), SomaticFilters(), ReadFilters(), workers=2)  # fmt: skip
    germline_targets(str(tmp / "somatic.vcf.gz"), GENOME + ".fai", 150, str(tmp / "targets.bed"),
                     str(DEMO / "annotation.gtf"))  # fmt: skip
    calls = freebayes(tmp / "calls.vcf.gz", [normal], "--targets", str(tmp / "targets.bed"), *QUALITY)
    return tmp, calls


def normal_mode(tmp: Path, calls: str, out: str, workers: int = 1) -> pd.DataFrame:
    bams = str(DEMO / "tumor.bam"), str(DEMO / "normal.bam")
    return select_germline(calls, str(tmp / "candidates.vcf.gz"), *bams, GENOME, out, SomaticFilters(),
                           GermlineFilters(), ReadFilters(), workers=workers)  # fmt: skip


def joint_mode(tmp: Path, evidence: str, out: str) -> pd.DataFrame:
    return germline_from_joint(evidence, str(tmp / "targets.bed"), GENOME, out, SomaticFilters(), GermlineFilters())


def test_joint_and_normal_give_the_same_germline_variants(demo):
    tmp, calls = demo
    normal = normal_mode(tmp, calls, str(tmp / "normal.vcf.gz"))
    joint = joint_mode(tmp, str(tmp / "evidence.tsv"), str(tmp / "joint.vcf.gz"))
    truth = pd.read_csv(DEMO / "truth.tsv", sep="\t")
    planted = {(r.chrom, r.pos, r.ref, r.alt) for r in truth.itertuples() if r.origin == "germline"}
    found = {(r.chrom, r.pos, r.ref, r.alt) for r in joint.itertuples()}
    assert found and found <= planted  # the planted germline variants near somatic ones, no other
    order = ["chrom", "pos", "ref", "alt"]
    assert joint.sort_values(order).reset_index(drop=True).equals(normal.sort_values(order).reset_index(drop=True))
    assert records(str(tmp / "joint.vcf.gz")) == records(str(tmp / "normal.vcf.gz"))
    assert all("NDP=" in line and "ZYG=" in line for line in records(str(tmp / "joint.vcf.gz")))


def test_normal_mode_gives_the_same_table_with_any_number_of_workers(demo):
    tmp, calls = demo
    one = normal_mode(tmp, calls, str(tmp / "one.vcf.gz"), workers=1)
    two = normal_mode(tmp, calls, str(tmp / "two.vcf.gz"), workers=2)
    assert len(one) >= 1 and one.equals(two)
    assert records(str(tmp / "one.vcf.gz")) == records(str(tmp / "two.vcf.gz"))


def test_a_germline_variant_the_joint_call_did_not_propose_is_not_invented(demo):
    """joint takes only freebayes's alleles from the evidence: a germline variant missing from the
    candidates, or proposed by another caller only, is not in the joint germline VCF, though the
    normal's own call finds it."""
    tmp, calls = demo
    normal = normal_mode(tmp, calls, str(tmp / "normal.vcf.gz"))
    assert len(normal) >= 2
    evidence = pd.read_csv(tmp / "evidence.tsv", sep="\t", dtype=str, keep_default_na=False)
    first, second = (f"{r.chrom}:{r.pos}:{r.ref}:{r.alt}" for r in normal.head(2).itertuples())
    evidence = evidence[evidence.variant_id != first]
    evidence.loc[evidence.variant_id == second, "callers"] = "bcftools"
    evidence.to_csv(tmp / "edited.tsv", sep="\t", index=False)
    joint = joint_mode(tmp, str(tmp / "edited.tsv"), str(tmp / "edited.vcf.gz"))
    assert {f"{r.chrom}:{r.pos}:{r.ref}:{r.alt}" for r in joint.itertuples()} == {
        f"{r.chrom}:{r.pos}:{r.ref}:{r.alt}" for r in normal.itertuples()
    } - {first, second}


def test_joint_keeps_only_alleles_in_the_windows(demo, tmp_path):
    """With windows that leave out one germline variant, it is gone; the others stay."""
    tmp, _ = demo
    joint = joint_mode(tmp, str(tmp / "evidence.tsv"), str(tmp_path / "all.vcf.gz"))
    left_out = joint.iloc[0]
    lines = (tmp / "targets.bed").read_text().splitlines()
    kept = []
    for line in lines:
        chrom, start, end = line.split("\t")
        start, end = int(start), int(end)
        if chrom == left_out.chrom and start < left_out.pos <= end:
            kept += [f"{chrom}\t{start}\t{left_out.pos - 1}", f"{chrom}\t{left_out.pos}\t{end}"]
        else:
            kept.append(line)
    (tmp_path / "holed.bed").write_text("\n".join(part for part in kept if part.split("\t")[1] != part.split("\t")[2])
                                        + "\n")  # fmt: skip
    holed = germline_from_joint(str(tmp / "evidence.tsv"), str(tmp_path / "holed.bed"), GENOME,
                                str(tmp_path / "holed.vcf.gz"), SomaticFilters(), GermlineFilters())  # fmt: skip
    assert len(holed) == len(joint) - 1 and left_out.pos not in set(holed.pos)


def test_windows_overlap_by_the_ref_span(tmp_path):
    bed = tmp_path / "w.bed"
    bed.write_text("c\t10\t20\nc\t15\t30\nd\t0\t5\n")
    windows = read_windows(str(bed))
    assert windows["c"] == ([10], [30])  # merged
    assert overlaps(windows, "c", 29, 30) and not overlaps(windows, "c", 30, 31)
    assert overlaps(windows, "c", 8, 11) and not overlaps(windows, "c", 8, 10)  # a deletion reaching in
    assert not overlaps(windows, "e", 0, 100)


@pytest.mark.parametrize(
    "requested, callers, min_callers, own_vcf, mode, why",
    [
        ("joint", ["freebayes"], 1, False, "joint", ""),
        ("joint", ["freebayes", "bcftools"], 1, False, "joint", ""),
        ("normal", ["freebayes"], 1, False, "normal", ""),
        ("joint", ["freebayes", "bcftools"], 2, False, "normal", "calling.min_callers is 2"),
        ("joint", ["bcftools", "mutect2"], 1, False, "normal", "freebayes is not among calling.callers"),
        ("joint", ["freebayes"], 1, True, "normal", "its own VCF"),
    ],
)
def test_joint_falls_back_to_normal_where_the_candidates_can_lack_freebayes_calls(
    requested, callers, min_callers, own_vcf, mode, why
):
    got, reason = germline_calls_mode(requested, callers, min_callers, own_vcf)
    assert got == mode and why in reason and bool(reason) == bool(why)
