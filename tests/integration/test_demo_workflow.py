"""The real workflow on the bundled demo patient, checked against the planted truth.

Runs Snakemake twice from scratch in two temporary working directories (real
freebayes, bcftools, pysam and MHCflurry with the demo model) and compares.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
RESULT_TABLES = ("all_epitopes.tsv", "candidates.tsv", "variants.tsv")
PEPTIDE_CLASSES = ("missense", "inframe_insertion", "inframe_deletion", "frameshift", "stop_lost")


def run_snakemake(workdir: Path, *extra: str, configs=(), timeout: int = 900) -> subprocess.CompletedProcess:
    """snakemake in workdir (config/, resources/ and tests/ linked from the repo), on the demo
    config updated by the config files in `configs` (in order)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("config", "resources", "tests"):
        if not (workdir / name).exists():
            (workdir / name).symlink_to(REPO / name)
    command = [
        "timeout", "-k", "20", str(timeout),
        sys.executable, "-m", "snakemake",
        "--snakefile", str(REPO / "workflow" / "Snakefile"),
        "--directory", str(workdir),
        "--cores", "2",
    ]  # fmt: skip
    if configs:
        command += ["--configfile", str(REPO / "config" / "config.yaml"), *map(str, configs)]
    command += list(extra)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run(command, capture_output=True, text=True, env=env)


def content_digest(path: Path) -> str:
    """BAMs by their records and header (samtools view -h --no-PG), other files by their bytes."""
    if path.suffix == ".bam":
        data = subprocess.run(["samtools", "view", "-h", "--no-PG", str(path)], capture_output=True, check=True).stdout
    else:
        data = path.read_bytes()
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Two independent runs from scratch: (first, second) result directories."""
    results = []
    for name in ("first", "second"):
        workdir = tmp_path_factory.mktemp(name)
        completed = run_snakemake(workdir)
        assert completed.returncode == 0, completed.stderr[-5000:]
        results.append(workdir / "results" / "demo")
    return results


@pytest.fixture(scope="module")
def truth():
    table = pd.read_csv(REPO / "resources/demo/truth.tsv", sep="\t", dtype=str, keep_default_na=False)
    table["variant_id"] = table.chrom + ":" + table.pos + ":" + table.ref + ":" + table.alt
    return table


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def test_planted_coding_somatic_variants_reach_the_epitopes(demo_runs, truth):
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    found = set(zip(epitopes.variant_id, epitopes.transcript_id, epitopes.protein_change))
    planted = truth[(truth.origin == "somatic") & truth.variant_class.isin(PEPTIDE_CLASSES)]
    assert len(planted) >= 17
    recovered = [(row.variant_id, row.transcript_id, row.protein_change) in found for row in planted.itertuples()]
    missed = planted[[not r for r in recovered]][["variant_id", "protein_change"]].to_dict("records")
    assert sum(recovered) / len(planted) >= 0.9, f"missed: {missed}"


def test_peptides_lie_in_the_planted_mutant_context(demo_runs, truth):
    """truth.tsv's mt_context is the patient's mutant protein around each change
    (with any germline variant of the same haplotype); every peptide must be in it."""
    peptides = read(demo_runs[0] / "peptides/peptides.tsv")
    planted = truth[(truth.origin == "somatic") & truth.variant_class.isin(PEPTIDE_CLASSES)]
    for row in planted.itertuples():
        mine = peptides[(peptides.variant_id == row.variant_id) & (peptides.transcript_id == row.transcript_id)]
        outside = [p for p in mine.mt_peptide if p not in row.mt_context]
        assert len(mine) and not outside, (row.variant_id, outside[:3])


def test_germline_neighbour_in_cis_is_in_the_mutant_and_wild_type_peptides(demo_runs, truth):
    """The demo plants the germline SNP chr2:3458 A>C (p.Phe24Cys) 6 bp from the somatic
    chr2:3452 C>A (p.Arg26Ile), on the same haplotype: the reads must phase them."""
    germline = truth[(truth.origin == "germline") & (truth.variant_class == "missense")]
    somatic = truth[truth.origin == "somatic"].set_index("variant_id").loc["chr2:3452:C:A"]
    neighbour = germline[germline.variant_id == "chr2:3458:A:C"].iloc[0]
    annotations = read(demo_runs[0] / "annotation/annotations.tsv").set_index("variant_id")
    assert annotations.loc["chr2:3452:C:A", "cis_variants"] == "chr2:3458:A:C(germline)"
    assert annotations.loc["chr2:3452:C:A", "protein_change"] == somatic.protein_change  # labels stay VEP-like
    peptides = read(demo_runs[0] / "peptides/peptides.tsv")
    mine = peptides[peptides.variant_id == "chr2:3452:C:A"]
    germline_position = int(neighbour.protein_change[len("p.Phe") : -len("Cys")])  # 24
    covering = 0
    for row in mine.itertuples():
        start = int(row.peptide_start)
        if start <= germline_position < start + int(row.peptide_length):
            covering += 1
            assert row.mt_peptide[germline_position - start] == "C"
            assert row.wt_peptide[germline_position - start] == "C"  # the patient's own wild type
        # the wild-type peptide differs from the mutant at the somatic residue only
        assert sum(m != w for m, w in zip(row.mt_peptide, row.wt_peptide)) == 1
        assert row.mutation_positions == str(26 - start + 1)
    assert covering >= 20
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    assert (epitopes[epitopes.variant_id == "chr2:3452:C:A"].cis_variants == "chr2:3458:A:C(germline)").all()


def test_every_planted_variant_class_makes_peptides(demo_runs, truth):
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    assert set(PEPTIDE_CLASSES) <= set(epitopes.consequence)


def test_germline_variants_are_not_reported_as_somatic(demo_runs, truth):
    germline = set(truth.variant_id[truth.origin == "germline"])
    assert germline
    evidence = read(demo_runs[0] / "calls/evidence.tsv").set_index("variant_id")
    variants = read(demo_runs[0] / "variants.tsv")
    assert not germline & set(variants.variant_id)
    called = germline & set(evidence.index)
    assert called, "the caller should propose the germline SNPs, and the evidence should reject them"
    assert set(evidence.loc[sorted(called), "somatic_status"]) == {"germline"}


def test_somatic_calls_match_the_truth_exactly(demo_runs, truth):
    somatic = set(read(demo_runs[0] / "variants.tsv").variant_id)
    assert somatic == set(truth.variant_id[truth.origin == "somatic"])


def test_candidates_are_ranked_binders(demo_runs):
    candidates = read(demo_runs[0] / "candidates.tsv")
    assert len(candidates) > 0
    assert list(candidates["rank"].astype(int)) == list(range(1, len(candidates) + 1))
    binders = (candidates.mt_affinity_nm.astype(float) <= 500) | (candidates.mt_affinity_percentile.astype(float) <= 2)
    assert binders.all()


TIERS = ["Pass", "Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"]


def test_candidates_are_ranked_by_tier_first(demo_runs):
    candidates = read(demo_runs[0] / "candidates.tsv")
    order = candidates.tier.map(TIERS.index)
    assert order.notna().all() and order.is_monotonic_increasing
    assert (candidates.tier == "Pass").sum() > 0


def test_variants_without_rna_reads_are_never_pass(demo_runs):
    # The demo's RNA reads leave gene DMG6 out: its variants have RNA depth 0 (NoExpr, or Poor
    # when another criterion fails too); the others are expressed.
    variants = read(demo_runs[0] / "variants.tsv")
    silent = variants[variants.tumor_rna_depth == "0"]
    assert set(silent.gene_name) == {"DMG6"}
    assert set(silent.tier) <= {"NoExpr", "Poor"} and "NoExpr" in set(silent.tier)
    assert not variants[variants.tumor_rna_depth != "0"].tier.isin(["NoExpr", "LowExpr"]).any()
    # Without a purity, subclonal = VAF below half the highest somatic VAF.
    vaf = variants.tumor_dna_vaf.astype(float)
    assert list(variants.clonal == "True") == list(vaf >= 0.5 * vaf.max())


def test_reference_proteome_holds_the_wild_type_proteins(demo_runs):
    from neoag.annotation.proteome import read_proteome

    proteome = set(read_proteome(demo_runs[0].parent / "reference" / "proteome.fa"))
    annotations = read(demo_runs[0] / "annotation" / "annotations.tsv")
    own = annotations[(annotations.cis_variants == "") & (annotations.wt_protein != "")]
    assert len(own) > 0 and set(own.wt_protein) <= proteome
    epitopes = read(demo_runs[0] / "all_epitopes.tsv")
    assert set(epitopes.in_reference_proteome) <= {"True", "False"}


def test_annotated_vcf_is_valid_and_carries_the_tiers(demo_runs):
    vcf = demo_runs[0] / "somatic.neoag.vcf.gz"
    assert (demo_runs[0] / "somatic.neoag.vcf.gz.tbi").exists()
    header = subprocess.run(["bcftools", "view", "-h", str(vcf)], capture_output=True, text=True, check=True)
    assert "##INFO=<ID=NEOAG_TIER," in header.stdout
    query = subprocess.run(
        ["bcftools", "query", "-f", "%CHROM:%POS:%REF:%ALT\t%NEOAG_TIER\t%NEOAG_BEST_PEPTIDE\n", str(vcf)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    in_vcf = {line.split("\t")[0]: line.split("\t")[1:] for line in query.stdout.splitlines()}
    variants = read(demo_runs[0] / "variants.tsv")
    assert in_vcf == {
        v: [t or ".", p or "."] for v, t, p in zip(variants.variant_id, variants.tier, variants.best_peptide)
    }
    # Same records as the somatic VCF.
    plain = subprocess.run(["bcftools", "view", "-H", str(demo_runs[0] / "somatic.vcf.gz")], capture_output=True,
                           text=True, check=True)  # fmt: skip
    assert len(plain.stdout.splitlines()) == len(in_vcf)


def test_second_run_from_scratch_gives_byte_identical_tables(demo_runs):
    first, second = demo_runs
    tables = sorted(p.relative_to(first) for p in first.rglob("*.tsv"))
    assert {Path(t) for t in RESULT_TABLES} <= set(tables)
    for table in tables:
        digests = [hashlib.sha256((run / table).read_bytes()).hexdigest() for run in (first, second)]
        assert digests[0] == digests[1], f"{table} differs between two runs"


def test_demo_model_is_flagged_in_the_scoring_log(demo_runs):
    log = demo_runs[0].parents[1] / "logs" / "score" / "demo.log"
    assert "DEMO MODEL" in log.read_text().upper()


def test_rerun_with_nothing_changed_does_nothing(demo_runs):
    completed = run_snakemake(demo_runs[0].parents[1], "--dry-run", "--quiet", "rules")
    assert completed.returncode == 0, completed.stderr
    assert "Nothing to be done" in completed.stdout + completed.stderr


def test_missing_bam_is_a_clear_error_before_any_job(tmp_path):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles\n"
        "p1\tresources/demo/tumor.bam\tmissing/normal.bam\t\tHLA-A*02:01\n"
    )
    completed = run_snakemake(tmp_path / "run", "--dry-run", "--config", f"samples={sheet}")
    assert completed.returncode != 0
    message = completed.stdout + completed.stderr
    assert "missing/normal.bam" in message and "does not exist" in message and "line 2" in message
    assert "Traceback" not in message


VEP_FIELDS = (
    "Allele|Consequence|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|cDNA_position|CDS_position|Protein_position|"
    "Amino_acids|CANONICAL|TSL|FLAGS|WildtypeProtein|FrameshiftSequence"
)
VEP_TERMS = {
    "missense": "missense_variant",
    "inframe_insertion": "inframe_insertion",
    "inframe_deletion": "inframe_deletion",
    "frameshift": "frameshift_variant",
    "stop_lost": "stop_lost",
}


def csq_entry(row) -> str:
    """A VEP CSQ entry (Wildtype and Frameshift plugin fields) describing one annotations.tsv row."""
    wt, mt, start, end = row.wt_protein, row.mt_protein, int(row.mt_start), int(row.mt_end)
    if row.consequence == "stop_lost":
        position, amino_acids = str(len(wt) + 1), f"*/{mt[len(wt)]}"
    elif row.consequence == "frameshift":
        position, amino_acids = str(start + 1), f"{wt[start]}/X"
    else:
        wt_changed, mt_changed = wt[start : len(wt) - (len(mt) - end)], mt[start:end]
        if wt_changed:
            last = start + len(wt_changed)
            position = str(start + 1) if len(wt_changed) == 1 else f"{start + 1}-{last}"
        else:  # a pure insertion sits between two residues
            position = f"{start}-{start + 1}"
        amino_acids = f"{wt_changed or '-'}/{mt_changed or '-'}"
    shared = row.ref[0] == row.alt[0]
    allele = (row.alt[1:] if shared else row.alt) or "-"
    consequence = VEP_TERMS[row.consequence] + (
        "&splice_region_variant" if "splice_region" in row.annotation_flags else ""
    )
    values = [allele, consequence, row.gene_name, row.gene_id, "Transcript", row.transcript_id, row.transcript_biotype,
              row.cdna_position, row.cds_position, position, amino_acids,
              "YES" if "Ensembl_canonical" in row.transcript_tags else "", row.transcript_support_level, "",
              wt, mt if row.consequence == "frameshift" else ""]  # fmt: skip
    return "|".join(values)


def test_vep_source_gives_the_same_annotations(demo_runs, tmp_path):
    """annotation.source: vep through the workflow, on a VEP-style VCF of the demo's somatic
    variants (in the sample sheet's vcf column): the same table, except what VEP cannot give."""
    annotations = read(demo_runs[0] / "annotation/annotations.tsv")
    header = (
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n##contig=<ID=chr2,length=11686>\n"
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        f'Format: {VEP_FIELDS}">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
    )
    records = [
        f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tCSQ={','.join(csq_entry(row) for row in rows.itertuples())}\n"
        for (chrom, pos, ref, alt), rows in annotations.groupby(["chrom", "pos", "ref", "alt"], sort=False)
    ]
    (tmp_path / "demo.vep.vcf").write_text(header + "".join(records))
    sheet = tmp_path / "samples.tsv"
    demo = REPO / "resources/demo"
    sheet.write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles\tvcf\n"
        f"demo\t{demo}/tumor.bam\t{demo}/normal.bam\t{demo}/tumor_rna.bam\tHLA-A*02:01\t{tmp_path}/demo.vep.vcf\n"
    )
    completed = run_snakemake(
        tmp_path / "run", "--until", "annotate", "--config", f"samples={sheet}", "annotation={source: vep}"
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    vep = read(tmp_path / "run/results/demo/annotation/annotations.tsv")
    assert "annotation source: VEP CSQ" in (tmp_path / "run/logs/annotate/demo.log").read_text()
    assert list(vep.variant_id) == list(annotations.variant_id)
    neighbours = ["cis_variants", "trans_variants", "unphased_variants"]
    stop_lost = annotations.consequence == "stop_lost"
    assert stop_lost.sum() == 1
    # VEP's CSQ has no field for the GTF's 'basic' tag.
    annotations["transcript_tags"] = [
        ",".join(t for t in tags.split(",") if t != "basic") for tags in annotations.transcript_tags
    ]
    gtf_rows = annotations[~stop_lost].drop(columns=neighbours).to_dict("records")
    vep_rows = vep[~stop_lost].drop(columns=neighbours).to_dict("records")
    differences = [(g["variant_id"], k, g[k], v[k]) for g, v in zip(gtf_rows, vep_rows) for k in g if g[k] != v[k]]
    assert not differences, differences[:5]
    # VEP gives no stop-loss extension: only the residue that replaces the stop (documented).
    assert vep[stop_lost].annotation_flags.iloc[0] == "no_stop,vep_extension_unknown"
