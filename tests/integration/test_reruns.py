"""Reruns a core facility relies on: a parameter change reruns only what it affects,
and a run killed with SIGKILL mid-way is completed by a rerun with the same results."""

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_demo_workflow import REPO, run_snakemake

pytestmark = pytest.mark.integration


def table_digests(results: Path) -> dict[str, str]:
    return {
        str(path.relative_to(results)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(results.rglob("*.tsv"))
    }


def planned_rules(workdir: Path, *extra: str) -> list[str]:
    """Names of the rules a run would execute now (from a dry run's job list)."""
    completed = run_snakemake(workdir, "--dry-run", *extra)
    assert completed.returncode == 0, completed.stderr
    # Group jobs (annotate + peptides) list their rules indented.
    job_line = r"^\s*(?:local)?(?:rule|checkpoint) (\w+):$"
    jobs = re.findall(job_line, completed.stdout + completed.stderr, flags=re.MULTILINE)
    return sorted(set(jobs))


@pytest.fixture(scope="module")
def complete_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("complete")
    completed = run_snakemake(workdir)
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir


def with_config(workdir: Path, text: str) -> tuple[str, ...]:
    """Command-line arguments that run with config/config.yaml updated by `text` (YAML)."""
    extra = workdir / "changed.yaml"
    extra.write_text(text)
    return ("--configfile", str(REPO / "config" / "config.yaml"), str(extra))


# What follows the result tables: reports, the annotated VCF, cohort summary and page, the manifest
# (which records the config), and the exports (MultiQC content and report, pVACview files).
REPORTING = {"all", "report", "annotate_somatic_vcf", "cohort_summary", "manifest"}
REPORTING |= {"multiqc_content", "multiqc", "pvacview_export", "cohort_report"}


def test_changing_a_filter_reruns_only_the_ranking(complete_run):
    assert planned_rules(complete_run) == []
    rules = planned_rules(complete_run, *with_config(complete_run, "filters:\n  max_affinity_nm: 400\n"))
    assert set(rules) == {"rank"} | REPORTING


def test_changing_peptide_lengths_reruns_peptides_and_what_follows(complete_run):
    rules = planned_rules(complete_run, *with_config(complete_run, "peptides:\n  lengths: [9, 10]\n"))
    # annotate too: the window in which germline neighbours enter a peptide follows the longest peptide.
    # score_chunk jobs are planned only once the plan_scoring checkpoint has run again.
    assert set(rules) == {"annotate", "peptides", "plan_scoring", "gather_scores", "export_scores", "rank"} | REPORTING


def test_a_run_killed_mid_way_is_completed_by_a_rerun(complete_run, tmp_path):
    workdir = tmp_path / "killed"
    workdir.mkdir()
    for name in ("config", "resources"):
        (workdir / name).symlink_to(REPO / name)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "workflow" / "Snakefile"),
               "--directory", str(workdir), "--cores", "1"]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    # Kill once the pipeline is past calling: while annotating, building peptides or scoring.
    deadline = time.monotonic() + 300
    marker = workdir / "results" / "demo" / "calls" / "evidence.tsv"
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed; the test needs a slower step"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (workdir / "results" / "demo" / "candidates.tsv").exists()

    unlock = run_snakemake(workdir, "--unlock")
    assert unlock.returncode == 0, unlock.stderr
    rerun = run_snakemake(workdir)
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    assert table_digests(workdir / "results" / "demo") == table_digests(complete_run / "results" / "demo")
