"""The workflow passes Snakemake's linter."""

import subprocess
import sys

import pytest

from tests.integration.test_demo_workflow import REPO

pytestmark = pytest.mark.integration


def test_snakemake_lint_is_clean():
    completed = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--snakefile", str(REPO / "workflow" / "Snakefile")],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Congratulations" in completed.stdout + completed.stderr


def test_snakefmt_is_clean():
    # snakefmt reads its settings (line length 120) from pyproject.toml.
    snakefmt = [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "workflow", "rules"]
    completed = subprocess.run(snakefmt, cwd=REPO, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
