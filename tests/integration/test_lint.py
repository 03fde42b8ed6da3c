"""The workflow passes Snakemake's linter."""

import subprocess
import sys

import pytest

from tests.integration.test_demo_workflow import REPO

pytestmark = pytest.mark.integration


def test_snakemake_lint_is_clean():
    completed = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--snakefile", str(REPO / "Snakefile")],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Congratulations" in completed.stdout + completed.stderr
