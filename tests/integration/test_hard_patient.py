"""The workflow on the hard test patient (resources/hard_patient/), checked against its truth,
and its generator reproducing the committed files."""

import gzip
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_demo_workflow import REPO, content_digest, run_snakemake

pytestmark = pytest.mark.integration

HARD = REPO / "resources" / "hard_patient"


@pytest.fixture(scope="module")
def hard_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hard")
    completed = run_snakemake(workdir, configs=[REPO / "config" / "hard_patient" / "config.yaml"])
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir / "results" / "hard"


@pytest.fixture(scope="module")
def truth():
    table = pd.read_csv(HARD / "truth.tsv", sep="\t", dtype=str, keep_default_na=False)
    table["variant_id"] = table.chrom + ":" + table.pos + ":" + table.ref + ":" + table.alt
    return table.set_index("variant_id")


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def test_somatic_variants_at_10_percent_and_more_are_all_found(hard_run, truth):
    called = set(read(hard_run / "variants.tsv").variant_id)
    wanted = truth[(truth.origin == "somatic") & (truth.tumor_vaf.astype(float) >= 0.10) & (truth.coverage == "normal")]
    assert len(wanted) >= 12
    assert set(wanted.index) <= called, f"missed: {sorted(set(wanted.index) - called)}"
    # no false positives: everything called was planted as somatic
    assert called <= set(truth.index[truth.origin == "somatic"])


def test_no_germline_variant_is_called_somatic(hard_run, truth):
    evidence = read(hard_run / "calls" / "evidence.tsv").set_index("variant_id")
    germline = truth[truth.origin == "germline"]
    for variant_id, row in germline.iterrows():
        assert variant_id in evidence.index, f"{variant_id} ({row.category}) was not proposed by the caller"
        status = evidence.somatic_status[variant_id]
        assert status in row.expected_status.split("_or_"), (variant_id, row.category, status)


def test_loss_of_heterozygosity_and_zygosity_in_the_germline_vcf(hard_run, truth):
    with gzip.open(hard_run / "calls" / "germline.vcf.gz", "rt") as handle:
        records = [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]
    info = {f"{r[0]}:{r[1]}:{r[3]}:{r[4]}": dict(kv.split("=") if "=" in kv else (kv, True) for kv in r[7].split(";"))
            for r in records}  # fmt: skip
    near = truth[(truth.origin == "germline") & (truth.coverage == "normal")]
    assert set(near.index) <= set(info)
    for variant_id, row in near.iterrows():
        assert info[variant_id]["ZYG"] == ("hom" if row.category == "hom" else "het"), variant_id
        assert ("LOH" in info[variant_id]) == (row.category == "loh"), variant_id


def test_multiallelic_sites(hard_run, truth):
    evidence = read(hard_run / "calls" / "evidence.tsv").set_index("variant_id")
    multi = truth[truth.category == "multiallelic"]
    assert multi.pos.duplicated().sum() == 2  # two sites, two alleles each
    for variant_id, row in multi.iterrows():
        assert evidence.somatic_status[variant_id] == row.expected_status
        # the other allele's reads count in the depth, so the VAF is near the planted one
        assert abs(float(evidence.tumor_dna_vaf[variant_id]) - float(row.tumor_vaf)) < 0.08, variant_id


def test_the_homopolymer_deletion_is_reported_left_aligned(hard_run, truth):
    (variant_id,) = truth.index[truth.category == "homopolymer"]
    assert variant_id in set(read(hard_run / "variants.tsv").variant_id)


def test_regenerated_hard_patient_equals_the_committed_one(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(HARD / "make_hard_patient.py"), "--outdir", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    for name in ("genome.fa", "annotation.gtf", "truth.tsv", "normal.bam", "tumor.bam", "README.md"):
        assert content_digest(tmp_path / name) == content_digest(HARD / name), f"{name} differs from the commit"
