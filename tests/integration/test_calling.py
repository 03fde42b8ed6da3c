"""The calling stage run for real: scatter/gather, user VCFs in two callers' dialects,
expression, and the HPC callers' rules (dry-run and lint only: GATK and Strelka2 are
not installed here)."""

import gzip
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.test_demo_workflow import REPO, run_snakemake

pytestmark = pytest.mark.integration

HLA = "HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01"


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def vcf_records(path: Path) -> list[str]:
    with gzip.open(path, "rt") as handle:
        return [line for line in handle if not line.startswith("##")]


def test_scattered_calls_equal_the_unscattered_ones(tmp_path):
    results = {}
    # "whole" and "chunks" call the germline variants again in the normal (germline.calls normal),
    # "whole" in one job, "chunks" in the default 4; "jobs" takes them from the joint call (joint).
    normal = "germline:\n  calls: normal\n"
    for name, setting in (("whole", "scatter_size: 1000000000\n  germline_scatter_jobs: 1\n" + normal),
                          ("chunks", "scatter_size: 3000\n" + normal), ("jobs", "scatter_jobs: 4\n")):  # fmt: skip
        overlay = tmp_path / f"{name}.yaml"
        overlay.write_text(f"calling:\n  {setting}")
        workdir = tmp_path / name
        targets = ["results/demo/somatic.vcf.gz", "results/demo/calls/germline.vcf.gz"]
        completed = run_snakemake(workdir, "--", *targets, configs=[overlay])
        assert completed.returncode == 0, completed.stderr[-3000:]
        results[name] = workdir / "results" / "demo"
    scattered = sorted((results["chunks"] / "calls" / "freebayes" / "scatter").glob("*.calls.vcf.gz"))
    # Every contig of the demo genome (chr1, chr2 and the HLA contig chr6) in jobs of at most 3 kb.
    contig_lengths = [int(line.split("\t")[1]) for line in open(REPO / "resources/demo/genome.fa.fai")]
    assert len(scattered) == sum(-(-length // 3000) for length in contig_lengths)
    # scatter_jobs: 4 jobs of equal size, cut across the three contigs (31,023 bp).
    assert len(list((results["jobs"] / "calls" / "freebayes" / "scatter").glob("*.calls.vcf.gz"))) == 4
    whole = results["whole"]
    assert (whole / "calls/germline/calls.vcf.gz").exists()  # the normal pass ran ...
    assert not (results["jobs"] / "calls/germline/calls.vcf.gz").exists()  # ... and joint has none
    for chunks in (results["chunks"], results["jobs"]):
        assert (whole / "calls/evidence.tsv").read_bytes() == (chunks / "calls/evidence.tsv").read_bytes()
        for vcf in ("somatic.vcf.gz", "calls/germline.vcf.gz", "calls/candidates.vcf.gz"):
            assert vcf_records(whole / vcf) == vcf_records(chunks / vcf), vcf
    truth = read(REPO / "resources/demo/truth.tsv")
    somatic = {f"{r.chrom}:{r.pos}:{r.ref}:{r.alt}" for r in truth.itertuples() if r.origin == "somatic"}
    evidence = read(chunks / "calls/evidence.tsv")
    assert set(evidence.variant_id[evidence.somatic_status == "somatic"]) == somatic


@pytest.fixture(scope="module")
def vcf_mode(tmp_path_factory):
    """Two samples whose calls come from hand-written Mutect2 and Strelka2 VCFs; the first also
    has a salmon expression table and runs to the end."""
    tmp = tmp_path_factory.mktemp("vcf_mode")
    sheet = tmp / "samples.tsv"
    bams = "resources/demo/tumor.bam\tresources/demo/normal.bam\tresources/demo/tumor_rna.bam"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\tvcf\texpression\thla_alleles\n"
        f"m2\t{bams}\ttests/data/mutect2_demo.vcf\ttests/data/expression/quant.sf\t{HLA}\n"
        f"sk\t{bams}\ttests/data/strelka2_demo.vcf\t\t{HLA}\n"
    )
    workdir = tmp / "run"
    targets = ["results/m2/variants.tsv", "results/sk/calls/evidence.tsv"]
    completed = run_snakemake(workdir, "--config", f"samples={sheet}", "--", *targets)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return workdir / "results"


def statuses(results: Path, sample: str) -> dict[str, str]:
    evidence = read(results / sample / "calls" / "evidence.tsv")
    assert set(evidence.callers) == {"vcf"}
    return dict(zip(evidence.variant_id, evidence.somatic_status))


def test_mutect2_vcf_is_filtered_normalised_and_decided_by_neoag(vcf_mode):
    assert statuses(vcf_mode, "m2") == {
        "chr1:2412:G:T": "germline",  # PASS in the VCF, but the normal carries it
        "chr1:3066:G:A": "somatic",
        "chr1:3066:G:T": "low_tumor_support",  # the multi-allelic record's second allele
        "chr1:3359:A:AAAG": "somatic",
        "chr1:6640:A:C": "somatic",
        "chr2:1596:CCTGGCT:C": "somatic",  # written CCTGGCTA>CA: trimmed
        "chr2:6550:T:A": "somatic",
    }  # chr2:3458 (FILTER germline) and chr2:9129 (strand_bias;weak_evidence) are dropped
    evidence = read(vcf_mode / "m2" / "calls" / "evidence.tsv").set_index("variant_id")
    assert float(evidence.caller_tumor_vaf["chr1:3066:G:A"]) == pytest.approx(0.219)  # the VCF's AF


def test_strelka2_vcf_tier_counts(vcf_mode):
    assert statuses(vcf_mode, "sk") == {
        "chr1:3498:A:C": "somatic",
        "chr1:6021:CA:C": "somatic",
        "chr1:9112:G:A": "somatic",
        "chr1:9329:G:GA": "somatic",
        "chr2:9640:A:G": "germline",
    }  # chr2:2207 (LowEVS) is dropped
    evidence = read(vcf_mode / "sk" / "calls" / "evidence.tsv").set_index("variant_id")
    assert float(evidence.caller_tumor_vaf["chr1:6021:CA:C"]) == pytest.approx(86 / 198, abs=1e-4)  # TIR/(TAR+TIR)


def test_expression_reaches_the_result_tables(vcf_mode):
    variants = read(vcf_mode / "m2" / "variants.tsv").set_index("variant_id")
    assert float(variants.gene_tpm["chr1:6640:A:C"]) == pytest.approx(250)  # DMG2, salmon quant.sf
    assert float(variants.transcript_tpm["chr1:6640:A:C"]) == pytest.approx(250)
    assert float(variants.gene_tpm["chr1:3359:A:AAAG"]) == pytest.approx(120.5)
    assert variants.gene_tpm["chr2:1596:CCTGGCT:C"] == ""  # DMG4 is not in the table: empty, not 0
    candidates = read(vcf_mode / "m2" / "candidates.tsv")
    assert set(candidates.gene_tpm[candidates.gene_name == "DMG2"]) == {"250"}


def test_ambiguous_vcf_columns_stop_with_a_clear_error(tmp_path):
    vcf = tmp_path / "calls.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n"
        "chr1\t3066\t.\tG\tA\t.\tPASS\t.\tGT\t0/1\t0/0\n"
    )
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\tvcf\thla_alleles\n"
        f"p1\tresources/demo/tumor.bam\tresources/demo/normal.bam\t{vcf}\tHLA-A*02:01\n"
    )
    completed = run_snakemake(tmp_path / "run", "--config", f"samples={sheet}", "--", "results/p1/calls/evidence.tsv")
    assert completed.returncode != 0
    # The preflight reads the VCF header before any job (docs/preflight.md).
    terminal = " ".join((completed.stdout + completed.stderr).split())
    assert "cannot tell which sample column is the tumor" in terminal and str(vcf) in terminal
    assert "##tumor_sample=" in terminal and "Traceback" not in terminal
    assert not (tmp_path / "run" / "logs" / "prepare_calls").exists()


def test_hpc_callers_pass_dry_run_and_lint(tmp_path):
    overlay = REPO / "tests" / "data" / "config_hpc_callers.yaml"
    dry = run_snakemake(tmp_path / "dry", "--dry-run", "--printshellcmds", configs=[overlay])
    assert dry.returncode == 0, dry.stderr[-3000:]
    out = dry.stdout + dry.stderr
    for job in ("call_mutect2", "filter_mutect2", "call_strelka2", "call_manta", "call_bcftools", "consensus"):
        assert f"rule {job}:" in out, job
    assert "FilterMutectCalls" in out and "--indelCandidates" in out and "--exome" in out
    lint = run_snakemake(tmp_path / "lint", "--lint", configs=[overlay])
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "Congratulations" in lint.stdout + lint.stderr
