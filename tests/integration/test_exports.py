"""The exports on the real demo run: MultiQC itself on neoag's custom content, and the pVACview
files checked against the format of pVACtools' reference files (tests/pvacview_reference.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_demo_workflow import run_snakemake
from tests.pvacview_reference import check_aggregated_tsv, check_metrics_json

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's working directory after a full run (default targets: MultiQC and pVACview included)."""
    workdir = tmp_path_factory.mktemp("exports")
    completed = run_snakemake(workdir)
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def expected_summary(workdir: Path) -> dict[str, str]:
    """What neoag's MultiQC table must say about the demo, from the demo's own tables."""
    results = workdir / "results"
    candidates = read(results / "demo/candidates.tsv")
    cohort = read(results / "cohort/summary.tsv").set_index("sample").loc["demo"]
    alleles = read(results / "demo/hla/alleles.tsv")
    return {
        "somatic_variants": str(len(read(results / "demo/variants.tsv"))),
        "candidates": str(len(candidates)),
        "pass_candidates": str((candidates.tier == "Pass").sum()),
        "tmb_per_mb": cohort.tmb_per_mb,
        "hla_alleles": ", ".join(alleles.allele),
        "hla_source": "sample_sheet",
        "hla_typer": "builtin",
        "candidate_alleles": str(len(read(results / "demo/calls/evidence.tsv"))),
        "skipped_alleles": "0",
    }


def check_multiqc_data(data_dir: Path, workdir: Path) -> None:
    """MultiQC's own output tables hold neoag's sections with the demo's values."""
    summary = read(data_dir / "multiqc_neoag_summary_table.txt").set_index("Sample")
    assert list(summary.index) == ["demo"]
    row = summary.loc["demo"]
    for column, value in expected_summary(workdir).items():
        if column == "tmb_per_mb":
            assert float(row[column]) == pytest.approx(float(value))
        else:
            assert row[column] == value, column
    tiers = read(data_dir / "multiqc_neoag_tiers_plot.txt").set_index("Sample").loc["demo"]
    counts = read(workdir / "results/demo/candidates.tsv").tier.value_counts()
    assert {tier: int(n) for tier, n in tiers.items() if int(n)} == counts.to_dict()
    general = read(data_dir / "multiqc_general_stats.txt")
    assert any("somatic_variants" in column for column in general.columns)
    assert "neoag_summary" in (data_dir / "multiqc_data.json").read_text()


def test_the_workflows_multiqc_report_holds_neoags_sections(demo):
    assert (demo / "results/multiqc/multiqc_report.html").stat().st_size > 0
    check_multiqc_data(demo / "results/multiqc/multiqc_data", demo)


def test_a_facilitys_multiqc_run_over_results_finds_neoags_content(demo, tmp_path):
    """MultiQC run as a facility runs it, on the whole results folder: it discovers the files."""
    multiqc = str(Path(sys.executable).parent / "multiqc")
    completed = subprocess.run(
        [multiqc, "--no-version-check", "--no-ai", "--outdir", str(tmp_path), str(demo / "results" / "demo")],
        capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"), timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    check_multiqc_data(tmp_path / "multiqc_data", demo)


def test_pvacview_files_have_the_reference_format_and_the_demos_values(demo):
    table_path = demo / "results/demo/pvacview/demo.all_epitopes.aggregated.tsv"
    metrics_path = demo / "results/demo/pvacview/demo.all_epitopes.aggregated.metrics.json"
    alleles = list(read(demo / "results/demo/hla/alleles.tsv").allele)
    rows = check_aggregated_tsv(table_path.read_text(), alleles)
    metrics = check_metrics_json(metrics_path.read_text(), [row[0] for row in rows])
    table = read(table_path)
    variants = read(demo / "results/demo/variants.tsv")
    with_peptides = variants[variants.best_peptide != ""]
    assert len(table) == len(with_peptides)
    # each variant's best peptide, allele and tier are those of variants.tsv
    exported = set(zip(table.Gene, table["Best Peptide"], table.Allele, table.Tier))
    assert exported == set(zip(with_peptides.gene_name, with_peptides.best_peptide, with_peptides.best_allele,
                               with_peptides.tier))  # fmt: skip
    assert metrics["alleles"] == sorted(alleles)
    assert metrics["binding_threshold"] == 500 and metrics["epitope_lengths"] == [8, 9, 10, 11]
