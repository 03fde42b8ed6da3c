"""The demo patient run the other ways users have inputs, each end to end and compared with the
full (tumor + normal BAMs, sheet alleles) run. The differences are explained in docs/inputs.md.

- HLA typed from FASTQ: read pairs written by 'samtools collate | samtools fastq' from the normal
  BAM, given as the sample sheet's hla_fastq1/hla_fastq2, typed alleles scored.
- VCF-only: the full run's somatic variants written as a Mutect2-style VCF (a TUMOR column with
  AD and DP from the full run's tumor evidence), no tumor_bam/normal_bam, the sheet's alleles.
- Tumor-only: the demo tumor BAM without its normal, no sheet alleles (typed from the tumor); without
  a germline filter, then with a gnomAD-style population-AF VCF of the full run's germline sites.
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


def mutect2_style_vcf(evidence: pd.DataFrame, path: Path) -> Path:
    """The somatic rows of an evidence table as a caller would write them: one PASS record each,
    FORMAT GT:AD:DP in a tumor column named by ##tumor_sample (as Mutect2 does)."""
    somatic = evidence[evidence.somatic_status == "somatic"]
    contigs = [line.split("\t")[:2] for line in (DEMO / "genome.fa.fai").read_text().splitlines()]
    lines = [
        "##fileformat=VCFv4.2",
        "##tumor_sample=TUMOR",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        *(f"##contig=<ID={name},length={length}>" for name, length in contigs),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    for row in somatic.itertuples():
        depth, alt = int(row.tumor_dna_depth), int(row.tumor_dna_alt_count)
        lines.append(
            f"{row.chrom}\t{row.pos}\t.\t{row.ref}\t{row.alt}\t.\tPASS\t.\tGT:AD:DP\t0/1:{depth - alt},{alt}:{depth}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


# Columns that a VCF-only run cannot fill as the full run does: no normal BAM, no read-backed
# phasing of germline neighbours (docs/inputs.md).
NOT_MEASURED = ["normal_dna_depth", "normal_dna_alt_count", "normal_dna_vaf", "cis_variants", "unphased_variants"]
PEPTIDE_KEY = ["variant_id", "transcript_id", "mt_peptide", "allele"]


def test_vcf_only_gives_the_full_runs_variants_and_peptides(full_run, tmp_path):
    """The same 18 somatic variants; the same peptides except where a germline neighbour in cis
    changed them in the full run; the other columns the same but for the normal and phasing ones."""
    full_evidence = read(full_run / "calls" / "evidence.tsv")
    vcf = mutect2_style_vcf(full_evidence, tmp_path / "demo.mutect2.vcf")
    alleles = ",".join(read(full_run / "hla" / "alleles.tsv").allele)
    sheet = write_sheet(
        tmp_path / "samples.tsv", rna_bam=str(DEMO / "tumor_rna.bam"), vcf=str(vcf), hla_alleles=alleles
    )
    workdir = tmp_path / "run"
    completed = run_snakemake(workdir, "--config", f"samples={sheet}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    results = workdir / "results" / "demo"
    assert not (workdir / "logs" / "select_somatic").exists() and not (workdir / "logs" / "call_germline").exists()
    assert not (results / "hla" / "reads").exists()  # the sheet's alleles, no typing
    evidence = read(results / "calls" / "evidence.tsv")
    somatic = full_evidence[full_evidence.somatic_status == "somatic"]
    assert list(evidence.variant_id) == list(somatic.variant_id) and set(evidence.somatic_status) == {"somatic"}
    assert set(evidence.normal_dna_depth) == {""}
    for column in ("tumor_dna_depth", "tumor_dna_alt_count", "tumor_rna_depth", "tumor_rna_alt_count"):
        assert list(evidence[column]) == list(somatic[column]), column  # AD from the full run; RNA counted
    assert "CALLER_DECISION" in gzip.open(results / "somatic.vcf.gz", "rt").read()
    assert "the caller&#39;s (VCF-only sample)" in (results / "report.html").read_text()
    germline = gzip.open(results / "calls" / "germline.vcf.gz", "rt").read()
    assert "#CHROM" in germline and not germline.rstrip().split("\n")[-1].startswith("chr")  # no records

    full, only = read(full_run / "variants.tsv"), read(results / "variants.tsv")
    assert list(only.variant_id) == list(full.variant_id)
    assert set(only.cis_variants) == {""} and set(only.unphased_variants) == {""}
    phased = set(full.variant_id[full.cis_variants != ""])
    assert phased == {"chr2:3452:C:A"}  # its germline neighbour chr2:3458 A>C, in cis, is in its peptides
    for table in ("all_epitopes.tsv", "candidates.tsv"):
        full, only = read(full_run / table), read(results / table)
        differ = set(map(tuple, full[PEPTIDE_KEY].values)) ^ set(map(tuple, only[PEPTIDE_KEY].values))
        assert {key[0] for key in differ} <= phased, table
        same = [
            frame[~frame.variant_id.isin(phased)].drop(columns=NOT_MEASURED + ["rank"], errors="ignore")
            for frame in (full, only)
        ]
        same = [frame.sort_values(PEPTIDE_KEY).reset_index(drop=True) for frame in same]
        assert same[0].equals(same[1]), table
    all_full = read(full_run / "all_epitopes.tsv")
    assert len(read(results / "all_epitopes.tsv")) == len(all_full)


def test_vcf_only_without_hla_alleles_is_one_clear_paragraph(tmp_path):
    """No BAMs and no HLA alleles: the preflight stops before any job, naming the sample and the fix."""
    vcf = DEMO.parent.parent / "tests" / "data" / "mutect2_demo.vcf"
    sheet = write_sheet(tmp_path / "samples.tsv", tumor_bam="", normal_bam="", vcf=str(vcf), hla_alleles="")
    completed = run_snakemake(tmp_path / "run", "--config", f"samples={sheet}", "--dry-run")
    assert completed.returncode != 0
    message = " ".join(completed.stderr.split())
    assert "(sample 'demo'): a VCF-only sample (tumor_bam and normal_bam empty) has no reads to type HLA" in message
    assert "Fill hla_alleles" in message and "Traceback" not in message


def test_vcf_only_from_a_sites_only_vep_vcf_ranks_with_the_missing_depth_visible(full_run, tmp_path):
    """A VEP-annotated VCF without FORMAT counts (annotation.source vep): peptides of the same 18
    variants; no tumor depth to filter on, so every row fails low_tumor_dna_depth, visibly."""
    from tests.integration.test_demo_workflow import VEP_FIELDS, csq_entry

    annotations = read(full_run / "annotation" / "annotations.tsv")
    header = (
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n##contig=<ID=chr2,length=11686>\n"
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        f'Format: {VEP_FIELDS}">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
    )
    records = [
        f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tCSQ={','.join(csq_entry(row) for row in rows.itertuples())}\n"
        for (chrom, pos, ref, alt), rows in annotations.groupby(["chrom", "pos", "ref", "alt"], sort=False)
    ]
    vcf = tmp_path / "demo.vep.vcf"
    vcf.write_text(header + "".join(records))
    alleles = ",".join(read(full_run / "hla" / "alleles.tsv").allele)
    sheet = write_sheet(tmp_path / "samples.tsv", vcf=str(vcf), hla_alleles=alleles)
    workdir = tmp_path / "run"
    completed = run_snakemake(workdir, "--config", f"samples={sheet}", "annotation={source: vep}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    results = workdir / "results" / "demo"
    evidence = read(results / "calls" / "evidence.tsv")
    assert len(evidence) == 18 and set(evidence.tumor_dna_depth) == {""} and set(evidence.tumor_rna_depth) == {""}
    epitopes = read(results / "all_epitopes.tsv")
    assert set(epitopes.variant_id) == set(read(full_run / "variants.tsv").variant_id)
    assert epitopes.filter_reasons.str.contains("low_tumor_dna_depth").all()
    assert len(read(results / "candidates.tsv")) == 0


def gnomad_style_vcf(full_evidence: pd.DataFrame, path: Path) -> str:
    """A gnomAD-style sites VCF (INFO AC, AN, AF Number=A; bgzipped, tabix) of the sites the full run
    found germline in the normal: the demo's three planted germline variants and the HLA genes'
    differences from the genome's chr6 backbone. chr2:3458 is multi-allelic (a rare second ALT), and
    the somatic chr2:6550 T>A is in it at a hotspot-like AF of 2e-05, below the maximum."""
    import pysam

    germline = full_evidence[full_evidence.somatic_status == "germline"]
    contigs = [line.split("\t")[:2] for line in (DEMO / "genome.fa.fai").read_text().splitlines()]
    lines = [
        "##fileformat=VCFv4.2",
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
        *(f"##contig=<ID={name},length={length}>" for name, length in contigs),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    records = [(row.chrom, int(row.pos), row.ref, row.alt, "AC=3100;AN=10000;AF=0.31") for row in germline.itertuples()]
    records = [r if r[:2] != ("chr2", 3458) else (*r[:3], "C,G", "AC=3100,1;AN=10000;AF=0.31,0.0001") for r in records]
    records.append(("chr2", 6550, "T", "A", "AC=2;AN=100000;AF=2e-05"))
    for chrom, pos, ref, alt, info in sorted(records, key=lambda r: (r[0], r[1])):
        lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t{info}")
    path.write_text("\n".join(lines) + "\n")
    return pysam.tabix_index(str(path), preset="vcf", force=True)


def test_tumor_only_leaks_germline_variants_without_a_filter_and_removes_them_with_population_af(full_run, tmp_path):
    """The demo tumor BAM alone (no normal, no sheet alleles): without a germline filter the three
    planted germline variants (and the HLA genes' differences on chr6) pass as somatic; with a
    population-AF VCF they are rejected as population_af, the same 18 somatic variants of the genes
    come out with the full run's peptides, and the known germline chr2:3458 is again the in-cis
    neighbour of chr2:3452. HLA typed from the tumor."""
    full_evidence = read(full_run / "calls" / "evidence.tsv")
    sheet = write_sheet(
        tmp_path / "samples.tsv", tumor_bam=str(DEMO / "tumor.bam"), rna_bam=str(DEMO / "tumor_rna.bam")
    )
    workdir = tmp_path / "run"
    results = workdir / "results" / "demo"
    completed = run_snakemake(workdir, "--config", f"samples={sheet}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    assert "tumor-only, and neither tumor_only.panel_of_normals nor tumor_only.population_vcf" in completed.stderr
    assert not (workdir / "logs" / "call_germline").exists() and not (workdir / "logs" / "select_germline").exists()
    alleles = read(results / "hla" / "alleles.tsv")
    assert set(alleles.source) == {"builtin"}
    assert sorted(alleles.allele) == sorted(read(full_run / "hla" / "alleles.tsv").allele)
    assert "tumor.bam" in (workdir / "logs" / "hla_reads" / "demo.log").read_text()  # typed from the tumor

    full_status = dict(zip(full_evidence.variant_id, full_evidence.somatic_status))
    evidence = read(results / "calls" / "evidence.tsv")
    assert set(evidence.normal_dna_depth) == {""}
    somatic = set(evidence.variant_id[evidence.somatic_status == "somatic"])
    full_somatic = {v for v, status in full_status.items() if status == "somatic"}
    leaked = {v for v in somatic - full_somatic if not v.startswith("chr6")}
    planted = read(DEMO / "truth.tsv").query("origin == 'germline'")
    assert leaked == {f"{r.chrom}:{r.pos}:{r.ref}:{r.alt}" for r in planted.itertuples()}
    assert full_somatic <= somatic
    epitopes = read(results / "all_epitopes.tsv")
    assert {"chr1:2412:G:T", "chr2:3458:A:C"} <= set(epitopes.variant_id)  # germline missense peptides

    population = gnomad_style_vcf(full_evidence, tmp_path / "gnomad.sites.vcf")
    completed = run_snakemake(workdir, "--config", f"samples={sheet}", f"tumor_only={{population_vcf: {population}}}")
    assert completed.returncode == 0, completed.stderr[-5000:]
    evidence = read(results / "calls" / "evidence.tsv")
    status = dict(zip(evidence.variant_id, evidence.somatic_status))
    assert {v for v, s in status.items() if s == "population_af"} == {
        v for v, s in full_status.items() if s == "germline"
    }
    assert status["chr2:6550:T:A"] == "somatic"  # in gnomAD at 2e-05
    somatic = {v for v, s in status.items() if s == "somatic"}
    extra = somatic - full_somatic
    assert somatic >= full_somatic and all(full_status[v] in ("low_normal_depth", "normal_alt_support") for v in extra)
    assert extra and all(v.startswith("chr6") for v in extra)  # no gene there: no peptides
    header = gzip.open(results / "somatic.vcf.gz", "rt").read()
    assert "##neoag_somatic_decision=tumor_only" in header
    assert "TUMOR-ONLY sample (no normal BAM)" in (results / "report.html").read_text()
    assert '"demo": "tumor_only"' in (workdir / "results" / "manifest.json").read_text()
    germline = gzip.open(results / "calls" / "germline.vcf.gz", "rt").read()
    assert "chr2\t3458\t.\tA\tC" in germline

    full, only = read(full_run / "variants.tsv"), read(results / "variants.tsv")
    assert set(only.variant_id) - set(full.variant_id) == extra
    only = only[only.variant_id.isin(full.variant_id)]
    measured = [c for c in full.columns if not c.startswith("normal_dna")]
    assert only[measured].reset_index(drop=True).equals(full[measured])  # cis_variants included
    for table in ("all_epitopes.tsv", "candidates.tsv"):
        full, only = read(full_run / table), read(results / table)
        measured = [c for c in full.columns if not c.startswith("normal_dna")]
        assert only[measured].equals(full[measured]), table
