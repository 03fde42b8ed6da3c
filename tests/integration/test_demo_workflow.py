"""The real workflow on the bundled demo patient, checked against the planted truth.

Runs Snakemake twice from scratch in two temporary working directories (real
freebayes, bcftools, pysam and MHCflurry with the demo model) and compares.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
RESULT_TABLES = ("all_epitopes.tsv", "candidates.tsv", "variants.tsv")
PEPTIDE_CLASSES = ("missense", "inframe_insertion", "inframe_deletion", "frameshift", "stop_lost")


def run_snakemake(workdir: Path, *extra: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """snakemake on the demo config in workdir (config/ and resources/ linked from the repo)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("config", "resources"):
        if not (workdir / name).exists():
            (workdir / name).symlink_to(REPO / name)
    command = [
        "timeout", "-k", "20", str(timeout),
        sys.executable, "-m", "snakemake",
        "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir),
        "--cores", "2",
        *extra,
    ]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run(command, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Two independent runs from scratch: (first, second) result directories."""
    results = []
    for name in ("first", "second"):
        workdir = tmp_path_factory.mktemp(name)
        completed = run_snakemake(workdir)
        assert completed.returncode == 0, completed.stderr[-5000:]
        results.append(workdir / "results" / "demo")
    return results


@pytest.fixture(scope="module")
def truth():
    table = pd.read_csv(REPO / "resources/demo/truth.tsv", sep="\t", dtype=str, keep_default_na=False)
    table["variant_id"] = table.chrom + ":" + table.pos + ":" + table.ref + ":" + table.alt
    return table


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def test_planted_coding_somatic_variants_reach_the_epitopes(demo_runs, truth):
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    found = set(zip(epitopes.variant_id, epitopes.transcript_id, epitopes.protein_change))
    planted = truth[(truth.origin == "somatic") & truth.variant_class.isin(PEPTIDE_CLASSES)]
    assert len(planted) >= 17
    recovered = [(row.variant_id, row.transcript_id, row.protein_change) in found for row in planted.itertuples()]
    missed = planted[[not r for r in recovered]][["variant_id", "protein_change"]].to_dict("records")
    assert sum(recovered) / len(planted) >= 0.9, f"missed: {missed}"


def test_every_planted_variant_class_makes_peptides(demo_runs, truth):
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    assert set(PEPTIDE_CLASSES) <= set(epitopes.consequence)


def test_germline_variants_are_not_reported_as_somatic(demo_runs, truth):
    germline = set(truth.variant_id[truth.origin == "germline"])
    assert germline
    evidence = read(demo_runs[0] / "calls/evidence.tsv").set_index("variant_id")
    variants = read(demo_runs[0] / "variants.tsv")
    assert not germline & set(variants.variant_id)
    called = germline & set(evidence.index)
    assert called, "the caller should propose the germline SNPs, and the evidence should reject them"
    assert set(evidence.loc[sorted(called), "somatic_status"]) == {"germline"}


def test_somatic_calls_match_the_truth_exactly(demo_runs, truth):
    somatic = set(read(demo_runs[0] / "variants.tsv").variant_id)
    assert somatic == set(truth.variant_id[truth.origin == "somatic"])


def test_candidates_are_ranked_binders(demo_runs):
    candidates = read(demo_runs[0] / "candidates.tsv")
    assert len(candidates) > 0
    assert list(candidates["rank"].astype(int)) == list(range(1, len(candidates) + 1))
    binders = (candidates.mt_affinity_nm.astype(float) <= 500) | (candidates.mt_affinity_percentile.astype(float) <= 2)
    assert binders.all()


def test_second_run_from_scratch_gives_byte_identical_tables(demo_runs):
    first, second = demo_runs
    tables = sorted(p.relative_to(first) for p in first.rglob("*.tsv"))
    assert {Path(t) for t in RESULT_TABLES} <= set(tables)
    for table in tables:
        digests = [hashlib.sha256((run / table).read_bytes()).hexdigest() for run in (first, second)]
        assert digests[0] == digests[1], f"{table} differs between two runs"


def test_demo_model_is_flagged_in_the_scoring_log(demo_runs):
    log = demo_runs[0].parents[1] / "logs" / "score" / "demo.log"
    assert "DEMO MODEL" in log.read_text().upper()


def test_rerun_with_nothing_changed_does_nothing(demo_runs):
    completed = run_snakemake(demo_runs[0].parents[1], "--dry-run", "--quiet", "rules")
    assert completed.returncode == 0, completed.stderr
    assert "Nothing to be done" in completed.stdout + completed.stderr


def test_missing_bam_is_a_clear_error_before_any_job(tmp_path):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles\n"
        "p1\tresources/demo/tumor.bam\tmissing/normal.bam\t\tHLA-A*02:01\n"
    )
    completed = run_snakemake(tmp_path / "run", "--dry-run", "--config", f"samples={sheet}")
    assert completed.returncode != 0
    message = completed.stdout + completed.stderr
    assert "missing/normal.bam" in message and "does not exist" in message and "line 2" in message
    assert "Traceback" not in message
