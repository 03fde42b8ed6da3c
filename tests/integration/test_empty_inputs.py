"""Valid but empty input: a sample whose VCF has a header and no record (no somatic variant).

The whole workflow runs; every table exists with its header and no rows, the report says that
there are no somatic variants, and the cohort summary counts zeros.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "workflow" / "Snakefile"
DEMO = REPO / "resources/demo"
TABLES = {
    "calls/evidence.tsv": "variant_id",
    "annotation/annotations.tsv": "variant_id",
    "peptides/peptides.tsv": "variant_id",
    "scores/scores.tsv": "peptide",
    "all_epitopes.tsv": "sample",
    "candidates.tsv": "rank",
    "variants.tsv": "sample",
    "calls/vcf/skipped.tsv": "chrom",
}


def test_a_sample_without_somatic_variants_gives_empty_tables_and_says_so(tmp_path):
    vcf = tmp_path / "empty.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles\tvcf\n"
        f"quiet\t{DEMO}/tumor.bam\t{DEMO}/normal.bam\t\tHLA-A*02:01,HLA-B*07:02\t{vcf}\n"
    )
    workdir = tmp_path / "run"
    workdir.mkdir()
    for name in ("config", "resources"):
        (workdir / name).symlink_to(REPO / name)
    command = ["timeout", "-k", "20", "600", sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE),
               "--directory", str(workdir), "--cores", "2",
               "--config", f"samples={sheet}", "hla={typer: sample_sheet}"]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = workdir / "results/quiet"
    for table, first_column in TABLES.items():
        lines = (results / table).read_text().splitlines()
        assert len(lines) == 1 and lines[0].startswith(first_column + "\t"), (table, lines[:2])
    report = (results / "report.html").read_text()
    assert 'id="no-somatic"' in report and "No somatic variants" in report
    summary = (workdir / "results/cohort/summary.tsv").read_text().splitlines()
    assert summary[1].split("\t")[:6] == ["quiet", "0", "0", "0", "0", "0"]
    assert "scoring 0 unique peptides" in (workdir / "logs/score_chunk/quiet/00000.log").read_text()
