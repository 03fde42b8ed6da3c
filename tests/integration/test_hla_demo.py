"""The demo patient's HLA alleles typed end to end by the built-in typer (real Snakemake, pysam, razers3).

Only the HLA rules run (target results/demo/hla/...), so this needs no MHCflurry model.
"""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TARGETS = ("results/demo/hla/alleles.tsv", "results/demo/hla/typing_report.tsv")


def snakemake(workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    """snakemake on the demo config in workdir (config/ and resources/ linked from the repo)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("config", "resources"):
        if not (workdir / name).exists():
            (workdir / name).symlink_to(REPO / name)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "workflow" / "Snakefile"),
               "--directory", str(workdir), "--cores", "2", *extra]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def sheet_alleles() -> list[str]:
    return read(REPO / "config" / "samples.tsv").hla_alleles[0].split(",")


@pytest.mark.parametrize("prefer", ["sample_sheet", "typed"])
def test_demo_is_typed_by_the_builtin_typer(tmp_path, prefer):
    completed = snakemake(tmp_path, *TARGETS, "--config", f"hla={{typer: builtin, prefer: {prefer}}}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    report = read(tmp_path / TARGETS[1])
    assert sorted(report.allele) == sorted(sheet_alleles())
    assert set(report.typer) == {"builtin"}
    assert "differs_from_sample_sheet" not in "".join(report["flags"])
    tie = report[report.allele == "HLA-A*02:01"].iloc[0]
    assert tie.tied_alleles == "HLA-A*02:01,HLA-A*02:09" and "tie" in tie["flags"]
    alleles = read(tmp_path / TARGETS[0])
    assert sorted(alleles.allele) == sorted(sheet_alleles())
    assert set(alleles.source) == {"sample_sheet" if prefer == "sample_sheet" else "builtin"}
    assert set(report.used_for_scoring) == {"false" if prefer == "sample_sheet" else "true"}
    log = (tmp_path / "logs" / "hla_type_builtin" / "demo.log").read_text()
    assert "HLA-A: HLA-A*02:01 tie" in log


def test_typing_from_the_tumor_without_sheet_alleles(tmp_path):
    sheet = tmp_path / "samples.tsv"
    table = read(REPO / "config" / "samples.tsv").drop(columns="hla_alleles")
    for column in ("tumor_bam", "normal_bam", "rna_bam"):
        table[column] = str(REPO) + "/" + table[column]
    table.to_csv(sheet, sep="\t", index=False)
    completed = snakemake(
        tmp_path / "run", *TARGETS, "--config", f"samples={sheet}", "hla={typer: builtin, source_bam: tumor}"
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    alleles = read(tmp_path / "run" / TARGETS[0])
    assert sorted(alleles.allele) == sorted(sheet_alleles()) and set(alleles.source) == {"builtin"}


def test_sample_sheet_typer_needs_the_alleles(tmp_path):
    sheet = tmp_path / "samples.tsv"
    table = read(REPO / "config" / "samples.tsv")
    table["hla_alleles"] = ""
    table.to_csv(sheet, sep="\t", index=False)
    completed = snakemake(tmp_path / "run", "--dry-run", *TARGETS, "--config", f"samples={sheet}",
                          "hla={typer: sample_sheet}")  # fmt: skip
    assert completed.returncode != 0
    message = completed.stdout + completed.stderr
    assert "hla.typer is 'sample_sheet'" in message and "line 2" in message and "Traceback" not in message


def test_optitype_rule_dry_run_and_lint(tmp_path):
    completed = snakemake(tmp_path, "--dry-run", "--printshellcmds", *TARGETS, "--config", "hla={typer: optitype}")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "rule hla_optitype:" in completed.stdout
    assert "OptiTypePipeline.py --input results/demo/hla/reads/reads_1.fq" in completed.stdout
    linted = snakemake(tmp_path, "--lint", "--config", "hla={typer: optitype}")
    assert "Lints for rule hla" not in linted.stdout + linted.stderr
