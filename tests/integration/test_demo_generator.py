"""The demo generator, run for real (ART, bwa, minimap2), reproduces the committed demo."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_demo_workflow import content_digest

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


def test_regenerated_demo_equals_the_committed_one(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(DEMO / "make_demo.py"), "--outdir", str(tmp_path)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    names = ["genome.fa", "annotation.gtf", "truth.tsv", "normal.bam", "tumor.bam", "tumor_rna.bam"]
    for name in names:
        assert content_digest(tmp_path / name) == content_digest(DEMO / name), f"{name} differs from the commit"


def truth_rows() -> list[dict[str, str]]:
    with open(DEMO / "truth.tsv") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def realized_vafs(bam_path: Path, sample: str) -> dict[str, tuple[float, int]]:
    """Per planted variant: the share of the aligned fragments covering it that come from a read
    source carrying it (the read names say which), and how many fragments cover it."""
    import pysam

    out = {}
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for row in truth_rows():
            carriers = set(row["tumor_components"].split(","))
            if sample == "normal":  # germline: hap1 sources (N1 in the tumor, H1 in the normal) or hap2
                carriers = {f"H{n}" for n in (1, 2) if f"N{n}" in carriers}
            start = int(row["pos"]) - 1 - 2
            end = int(row["pos"]) - 1 + len(row["ref"]) + 2
            fragments = {}
            for read in bam.fetch(row["chrom"], start, end):
                if read.is_secondary or read.is_supplementary or read.mapping_quality < 20:
                    continue
                cigar = read.cigartuples  # soft-clipped bases count: bwa clips reads that end near an indel
                first = read.reference_start - (cigar[0][1] if cigar[0][0] == 4 else 0)
                last = read.reference_end + (cigar[-1][1] if cigar[-1][0] == 4 else 0)
                if first <= start and last >= end:
                    fragments[read.query_name] = read.query_name.split(".")[1] in carriers
            out[f"{row['chrom']}:{row['pos']}"] = (sum(fragments.values()) / len(fragments), len(fragments))
    return out


@pytest.mark.parametrize("sample", ["tumor", "normal"])
def test_demo_reads_realize_the_planted_vafs(sample):
    """The generator thins the simulated read pairs so that, at every planted variant, the
    fragments covering it carry the planted VAF (binomial sampling gave 0.43 for 0.50 before)."""
    planted = {f"{r['chrom']}:{r['pos']}": float(r[f"{sample}_vaf"]) for r in truth_rows()}
    realized = realized_vafs(DEMO / f"{sample}.bam", sample)
    assert realized.keys() == planted.keys()
    for variant, (vaf, depth) in realized.items():
        assert abs(vaf - planted[variant]) <= 0.015, (variant, vaf, depth)
        assert depth >= (150 if sample == "tumor" else 70), (variant, depth)
