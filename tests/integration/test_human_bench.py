"""The human-scale benchmark's generator and runner, end to end in their small mode.

Contigs are shrunk (--scale 0.02: GRCh38's names, 2 % of the lengths) so that the
run fits a test; the real benchmark (bench/human/run.py) uses the full lengths.
The workflow must find the planted clonal somatic variants in the generated
reads (so the simulated reads, the bwa alignment and the coordinate shift to
the human contigs are right) and must not call the planted germline ones somatic.
"""

import csv
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_small_human_bench_runs_end_to_end(tmp_path):
    command = [sys.executable, str(REPO / "bench/human/run.py"), "--small", "--scale", "0.02",
               "--data", str(tmp_path), "--cores", "2", "--timeout", "900", "--scatter-jobs", "6"]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-3000:]
    text = completed.stdout
    assert text.count("| call_freebayes/human/") == 6
    assert "fixed) s x" in text  # freebayes's cost per contig, not scaled with the reads
    assert "| select_somatic/human |" in text
    assert "Critical path (40,000 candidates)" in text and "Critical path (100,000 candidates)" in text

    with open(tmp_path / "variants.tsv") as handle:
        planted = list(csv.DictReader(handle, delimiter="\t"))
    called = set()
    with gzip.open(tmp_path / "runs/cores2/results/human/somatic.vcf.gz", "rt") as handle:
        for line in handle:
            if not line.startswith("#"):
                chrom, pos, _, ref, alt = line.split("\t")[:5]
                called |= {(chrom, pos, ref, a) for a in alt.split(",")}
    clonal = [
        (v["chrom"], v["pos"], v["ref"], v["alt"])
        for v in planted
        if v["kind"] == "somatic" and v["clone_level"] == "1" and len(v["ref"]) == len(v["alt"]) == 1
    ]
    germline = [(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in planted if v["kind"] == "germline"]
    assert len(clonal) >= 10 and len(germline) >= 10
    found = sum(v in called for v in clonal)
    assert found >= 0.9 * len(clonal), f"{found} of {len(clonal)} clonal somatic SNVs called"
    assert not called & set(germline), "planted germline variants called somatic"
