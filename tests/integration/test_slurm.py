"""The demo patient through a real SLURM cluster (one node on localhost) with
snakemake-executor-plugin-slurm, using profiles/slurm; results equal a local run."""

import hashlib
import os
import subprocess

import pytest

from tests.integration.test_demo_workflow import REPO, run_snakemake

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="starting slurmctld/slurmd/munged needs root"),
]

CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"


@pytest.fixture(scope="module")
def slurm_cluster():
    started = subprocess.run([str(CLUSTER), "start"], capture_output=True, text=True, timeout=600)
    assert started.returncode == 0, started.stdout + started.stderr
    yield
    subprocess.run([str(CLUSTER), "stop"], capture_output=True, timeout=60)


def digests(results):
    return {p.relative_to(results): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(results.rglob("*.tsv"))}


def test_demo_runs_through_slurm_and_matches_a_local_run(slurm_cluster, tmp_path):
    on_slurm = run_snakemake(
        tmp_path / "slurm",
        "--profile",
        str(REPO / "profiles" / "slurm"),
        "--slurm-no-account",
        "--slurm-keep-successful-logs",
        timeout=1200,
    )
    assert on_slurm.returncode == 0, on_slurm.stderr[-5000:]
    # The jobs really went through SLURM: the plugin keeps a log folder per submitted rule or
    # group; rank and the annotated VCF of a sample run as one group job (the report is not in
    # the group: it reads the cohort summary, which reads every sample's ranking).
    slurm_logs = {p.name for p in (tmp_path / "slurm" / ".snakemake" / "slurm_logs").iterdir()}
    expected = {"rule_call_freebayes", "rule_select_somatic", "rule_score_chunk", "rule_report"}
    assert expected <= slurm_logs, slurm_logs
    assert any(name.startswith("group_results_") and "rank" in name for name in slurm_logs), slurm_logs

    local = run_snakemake(tmp_path / "local")
    assert local.returncode == 0, local.stderr[-5000:]
    assert digests(tmp_path / "slurm" / "results") == digests(tmp_path / "local" / "results")
