"""The demo generator, run for real (ART, bwa, minimap2), reproduces the committed demo."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


def content_digest(path: Path) -> str:
    """BAMs by their records and header (samtools view -h --no-PG), other files by their bytes."""
    if path.suffix == ".bam":
        data = subprocess.run(["samtools", "view", "-h", "--no-PG", str(path)], capture_output=True, check=True).stdout
    else:
        data = path.read_bytes()
    return hashlib.sha256(data).hexdigest()


def test_regenerated_demo_equals_the_committed_one(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(DEMO / "make_demo.py"), "--outdir", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    names = ["genome.fa", "annotation.gtf", "truth.tsv", "normal.bam", "tumor.bam", "tumor_rna.bam"]
    for name in names:
        assert content_digest(tmp_path / name) == content_digest(DEMO / name), f"{name} differs from the commit"
