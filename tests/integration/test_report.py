"""The demo's HTML report, opened in headless Chromium: plots decode, the table renders.

A screenshot is kept as a test artifact in test-artifacts/report-demo.png.
"""

import os
import re
import shutil
import subprocess

import pytest

from tests.integration.test_demo_workflow import REPO, run_snakemake

pytestmark = pytest.mark.integration

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium():
    if shutil.which("chromium") is None:
        if os.geteuid() != 0:
            pytest.skip("Debian's chromium is not installed and installing it needs root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env)
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("report")
    completed = run_snakemake(workdir, "results/demo/report.html")
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir / "results" / "demo" / "report.html"


def browse(chromium, tmp_path, *arguments):
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000",
               *arguments]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_report_renders_plots_and_table_in_chromium(chromium, report, tmp_path):
    dom = browse(chromium, tmp_path, "--dump-dom", report.as_uri()).stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-ready="yes"' in body, "the page's script did not finish"
    assert 'data-plots="3"' in body, "not every plot decoded"
    rows = int(re.search(r'data-rows="(\d+)"', body).group(1))
    assert rows == 50
    assert 'id="demo-warning"' in dom
    assert 'data-tiers="6"' in body, "the tier table does not list the six tiers"
    pass_row = re.search(r'<tr class="tier-Pass"><td>Pass</td><td>[^<]*</td><td>(\d+)</td><td>(\d+)</td>', dom)
    assert pass_row and int(pass_row.group(2)) > 0, "no Pass candidate counted in the tier table"

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report-demo.png"
    browse(chromium, tmp_path, "--window-size=1300,2200", f"--screenshot={screenshot}", report.as_uri())
    assert screenshot.stat().st_size > 50_000


def test_snakemake_report_builds(report, tmp_path):
    workdir = report.parents[2]
    built = tmp_path / "snakemake-report.html"
    completed = run_snakemake(workdir, "--report", str(built), "results/demo/report.html")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert built.stat().st_size > 100_000
