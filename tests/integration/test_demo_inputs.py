"""The demo patient run the other ways users have inputs, each end to end and compared with the
full (tumor + normal BAMs, sheet alleles) run. The differences are explained in docs/inputs.md.

- HLA typed from FASTQ: read pairs written by 'samtools collate | samtools fastq' from the normal
  BAM, given as the sample sheet's hla_fastq1/hla_fastq2, typed alleles scored.
"""

import gzip
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_demo_workflow import run_snakemake

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"
RESULT_TABLES = ("all_epitopes.tsv", "candidates.tsv", "variants.tsv")


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def write_sheet(path: Path, **columns: str) -> Path:
    """A one-row sample sheet for the demo patient with these columns."""
    pd.DataFrame([{"sample": "demo", **columns}]).to_csv(path, sep="\t", index=False)
    return path


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> Path:
    """The demo as shipped: results/demo of a run from scratch."""
    workdir = tmp_path_factory.mktemp("full")
    completed = run_snakemake(workdir)
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir / "results" / "demo"


@pytest.fixture(scope="module")
def demo_fastq(tmp_path_factory) -> tuple[Path, Path]:
    """The normal's read pairs as a facility's FASTQ: samtools collate | samtools fastq, gzip."""
    folder = tmp_path_factory.mktemp("fastq")
    one, two = folder / "normal_R1.fastq.gz", folder / "normal_R2.fastq.gz"
    subprocess.run(
        f"samtools collate -u -O {DEMO / 'normal.bam'} {folder / 'collate'} | samtools fastq -N "
        f"-1 {one} -2 {two} -0 /dev/null -s /dev/null -",
        shell=True,
        check=True,
        capture_output=True,
    )
    return one, two


def test_hla_typed_from_fastq_gives_the_full_runs_results(full_run, demo_fastq, tmp_path):
    """No sheet alleles, the typed ones scored: the same alleles as the sheet's, so the same tables."""
    with gzip.open(demo_fastq[0], "rt") as handle:
        assert handle.readline().rstrip().endswith("/1")  # samtools fastq -N: old-style mate suffixes
    sheet = write_sheet(
        tmp_path / "samples.tsv",
        tumor_bam=str(DEMO / "tumor.bam"),
        normal_bam=str(DEMO / "normal.bam"),
        rna_bam=str(DEMO / "tumor_rna.bam"),
        hla_fastq1=str(demo_fastq[0]),
        hla_fastq2=str(demo_fastq[1]),
    )
    workdir = tmp_path / "run"
    completed = run_snakemake(workdir, "--config", f"samples={sheet}", "hla={prefer: typed}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    results = workdir / "results" / "demo"
    alleles = read(results / "hla" / "alleles.tsv")
    assert set(alleles.source) == {"builtin"}
    assert sorted(alleles.allele) == sorted(read(full_run / "hla" / "alleles.tsv").allele)
    log = (workdir / "logs" / "hla_type_builtin" / "demo.log").read_text()
    assert "prefilter: 1176 of" in log  # the same HLA fragments as the reads extracted from the BAM
    assert not (results / "hla" / "reads").exists()  # nothing extracted from the BAM
    for table in RESULT_TABLES:
        assert (results / table).read_bytes() == (full_run / table).read_bytes(), table


def test_hla_fastq_out_of_step_is_one_clear_paragraph(demo_fastq, tmp_path):
    """Mates in a different order in the second file: the typer names both files and the read."""
    shuffled = tmp_path / "R2_sorted.fastq"
    with gzip.open(demo_fastq[1], "rt") as handle:
        lines = handle.read().splitlines()
    records = sorted("\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4))
    shuffled.write_text("\n".join(records) + "\n")
    sheet = write_sheet(
        tmp_path / "samples.tsv",
        tumor_bam=str(DEMO / "tumor.bam"),
        normal_bam=str(DEMO / "normal.bam"),
        hla_fastq1=str(demo_fastq[0]),
        hla_fastq2=str(shuffled),
    )
    workdir = tmp_path / "run"
    completed = run_snakemake(workdir, "results/demo/hla/alleles.tsv", "--config", f"samples={sheet}")
    assert completed.returncode != 0
    log = " ".join((workdir / "logs" / "hla_type_builtin" / "demo.log").read_text().split())
    assert "are out of step at read 1:" in log and "R2_sorted.fastq" in log and "Traceback" not in log
