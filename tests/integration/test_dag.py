"""The whole DAG builds from the top of a clone, for one sample and for a cohort.

A dry run only (no job runs): it catches what the demo's real run can hide, such as a
rule group that a cohort rule would cut in two (report -> cohort_summary -> rank made
'Error in group results' for every sheet) or a default target lost to an include.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources/demo"
ALLELES = "HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01"


def dry_run(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "snakemake", "-n", "--forceall", "--quiet", "rules", *arguments]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)


def jobs_per_rule(output: str) -> dict[str, int]:
    counts = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1].isdigit():
            counts[fields[0]] = int(fields[1])
    return counts


def test_a_plain_run_from_the_top_builds_every_result():
    completed = dry_run()
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    counts = jobs_per_rule(completed.stdout + completed.stderr)
    assert counts.get("default") == 1, counts  # the top-level Snakefile's default target
    for rule in ("select_somatic", "rank", "report", "cohort_summary", "cohort_report", "multiqc"):
        assert counts.get(rule, 0) >= 1, (rule, counts)


def test_a_cohort_of_two_samples_builds(tmp_path):
    sheet = tmp_path / "samples.tsv"
    rows = [f"{name}\t{DEMO / 'tumor.bam'}\t{DEMO / 'normal.bam'}\t{ALLELES}" for name in ("p1", "p2")]
    sheet.write_text("sample\ttumor_bam\tnormal_bam\thla_alleles\n" + "\n".join(rows) + "\n")
    completed = dry_run("--config", f"samples={sheet}")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    counts = jobs_per_rule(completed.stdout + completed.stderr)
    assert counts.get("rank") == 2 and counts.get("report") == 2 and counts.get("cohort_summary") == 1, counts


def test_a_cohort_of_a_paired_and_a_tumor_only_sample_builds(tmp_path):
    """Each sample takes its own germline rules: select_germline for the pair, germline_from_tumor
    for the tumor-only sample (no normal to call in); both have select_somatic and a report."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\thla_alleles\n"
        f"pair\t{DEMO / 'tumor.bam'}\t{DEMO / 'normal.bam'}\t{ALLELES}\n"
        f"tonly\t{DEMO / 'tumor.bam'}\t\t{ALLELES}\n"
    )
    completed = dry_run("--config", f"samples={sheet}")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    counts = jobs_per_rule(completed.stdout + completed.stderr)
    assert counts.get("select_somatic") == 2 and counts.get("report") == 2, counts
    # germline.calls joint (the default): the pair's germline variants come from its joint call's
    # evidence, with no second freebayes pass over the normal.
    assert counts.get("select_germline") == 1 and counts.get("germline_targets") == 1, counts
    assert not {"germline_target_pieces", "call_germline", "gather_germline"} & set(counts), counts
    assert counts.get("germline_from_tumor") == 1, counts
    # germline.calls normal: call_germline runs once per piece (calling.germline_scatter_jobs, 4 by
    # default), for the pair only.
    overlay = tmp_path / "normal.yaml"
    overlay.write_text("germline:\n  calls: normal\n")
    completed = dry_run("--config", f"samples={sheet}", "--configfile", "config/config.yaml", str(overlay))
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    counts = jobs_per_rule(completed.stdout + completed.stderr)
    assert counts.get("select_germline") == 1 and counts.get("gather_germline") == 1, counts
    assert counts.get("call_germline") == 4 and counts.get("germline_target_pieces") == 1, counts
    assert counts.get("germline_from_tumor") == 1, counts


@pytest.mark.parametrize(
    "calling",
    ["callers: [freebayes, bcftools]\n  min_callers: 2", "callers: [bcftools]"],
    ids=["min_callers_2", "no_freebayes"],
)
def test_germline_calls_joint_falls_back_to_the_normal_pass(tmp_path, calling):
    """Candidates that can lack freebayes's calls (another caller must agree, or freebayes does not
    run) cannot give the germline variants: the pair is called again in the normal."""
    overlay = tmp_path / "calling.yaml"
    overlay.write_text(f"calling:\n  {calling}\n")
    completed = dry_run("--configfile", "config/config.yaml", str(overlay))
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    counts = jobs_per_rule(completed.stdout + completed.stderr)
    assert counts.get("call_germline") == 4 and counts.get("select_germline") == 1, counts
