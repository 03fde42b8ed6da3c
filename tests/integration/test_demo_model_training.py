"""The committed demo model is what its training script makes (one small allele, retrained)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
MODEL = DEMO / "mhcflurry_demo_model"


def test_retraining_one_allele_gives_the_committed_weights(tmp_path):
    # HLA-C*07:01 has ~460 rows: under a minute. Seeds derive from the allele, so
    # training it alone must give the same networks as the full run did.
    command = [sys.executable, str(DEMO / "train_demo_model.py"), "--alleles", "HLA-C*07:01", "--out", str(tmp_path)]
    completed = subprocess.run(command, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-3000:]
    retrained = sorted(tmp_path.glob("weights_HLA-C_07_01-*.npz"))
    assert len(retrained) == 2
    for path in retrained:
        committed = MODEL / path.name  # names carry a hash of the weights
        assert committed.exists(), f"{path.name} is not in the committed model"
        assert committed.read_bytes() == path.read_bytes()
