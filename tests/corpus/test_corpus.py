"""The corpus of bad and tricky inputs (tests/corpus/cases.py): every case is caught by the stage
that must catch it, with a message naming the file or record and the fix, or is a counted skip.

A few cases also go through `snakemake` itself (dry run, and one real run up to the somatic
decision) to show that the terminal gets one paragraph and no traceback, and that nothing is
left in results/.
"""

import copy
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

from neoag.calling.calls import prepare_calls
from neoag.errors import NeoagInputError
from neoag.preflight import run_preflight
from tests.corpus.cases import CASES

REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "workflow" / "Snakefile"
DEMO = REPO / "resources/demo"
SCHEMA = yaml.safe_load((REPO / "config/schemas/config.schema.yaml").read_text())
ALLELES = "HLA-A*02:01,HLA-B*07:02"


def merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


class Workspace:
    """A case's files: by default the demo patient's, with one thing broken."""

    def __init__(self, root: Path):
        self.root = root
        self.tumor, self.normal = str(DEMO / "tumor.bam"), str(DEMO / "normal.bam")
        self.vcf_path = ""
        self.config = {
            "samples": str(root / "samples.tsv"),
            "reference": {"fasta": str(DEMO / "genome.fa"), "gtf": str(DEMO / "annotation.gtf")},
            "mhcflurry": {"models": str(DEMO / "mhcflurry_demo_model")},
            "hla": {"typer": "sample_sheet"},
        }

    def sheet(self, header=None, rows=None, sample="p1", alleles=ALLELES, newline="\n", bom=False,
              encoding="utf-8", config=None):  # fmt: skip
        columns = "sample\ttumor_bam\tnormal_bam\thla_alleles" + ("\tvcf" if self.vcf_path else "")
        header = columns if header is None else header
        if rows is None:
            rows = [f"{sample}\t{{tumor}}\t{{normal}}\t{alleles}" + ("\t{vcf}" if self.vcf_path else "")]
        lines = [header] + [row.format(tumor=self.tumor, normal=self.normal, vcf=self.vcf_path) for row in rows]
        text = newline.join(lines) + (newline if header else "")
        (self.root / "samples.tsv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
        self.config = merge(self.config, config or {})

    def bam(self, index=True, cut=0, text=False, rename=None):
        path = self.root / "tumor.bam"
        if rename:
            with pysam.AlignmentFile(self.tumor) as source:
                header = source.header.to_dict()
            for entry in header["SQ"]:
                if rename == "strip_chr":
                    entry["SN"] = entry["SN"].removeprefix("chr")
                else:
                    entry["LN"] += 1000
            with pysam.AlignmentFile(str(path), "wb", header=header):
                pass
            pysam.index(str(path))
        elif text:
            path.write_text("not a BAM\n")
            (self.root / "tumor.bam.bai").write_text("")
        else:
            data = (DEMO / "tumor.bam").read_bytes()
            path.write_bytes(data[: len(data) - cut])
            if index:
                shutil.copy(DEMO / "tumor.bam.bai", self.root / "tumor.bam.bai")
        self.tumor = str(path)
        self.sheet()

    def cram(self, cut=0):
        """The tumor BAM as CRAM (against the demo reference) with its index, the last cut bytes gone."""
        path = self.root / "tumor.cram"
        pysam.view("-C", "-T", str(DEMO / "genome.fa"), "-o", str(path), str(DEMO / "tumor.bam"), catch_stdout=False)
        pysam.index(str(path))
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - cut])
        self.tumor = str(path)
        self.sheet()

    def models(self, keep=()):
        folder = self.root / "models"
        folder.mkdir()
        for name in keep:
            shutil.copy(DEMO / "mhcflurry_demo_model" / name, folder / name)
        self.sheet(config={"mhcflurry": {"models": str(folder)}})

    def reference(self, fai=True, gtf=None):
        fasta = self.root / "genome.fa"
        shutil.copy(DEMO / "genome.fa", fasta)
        if fai:
            shutil.copy(DEMO / "genome.fa.fai", self.root / "genome.fa.fai")
        config = {"reference": {"fasta": str(fasta)}}
        if gtf == "strip_chr":
            lines = (DEMO / "annotation.gtf").read_text().splitlines(keepends=True)
            (self.root / "genes.gtf").write_text("".join(line.removeprefix("chr") for line in lines))
            config["reference"]["gtf"] = str(self.root / "genes.gtf")
        self.sheet(config=config)

    def vcf_text(self, records=(), contig="chr1", samples=(), contigs=True):
        header = "##fileformat=VCFv4.2\n"
        if contigs:
            header += f"##contig=<ID={contig},length=11772>\n"
        header += '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO" + (
            "\tFORMAT\t" + "\t".join(samples) if samples else ""
        )
        body = "".join(
            f"\n{record}\t.\tPASS\t." + ("\tGT" + "\t0/1" * len(samples) if samples else "") for record in records
        )
        return header + body + "\n"

    def vcf(self, text=None, gzip_it=False, **fields):
        text = text if text is not None else self.vcf_text(**fields)
        path = self.root / ("p1.vcf.gz" if gzip_it else "p1.vcf")
        path.write_bytes(gzip.compress(text.encode()) if gzip_it else text.encode())
        self.vcf_path = str(path)
        self.sheet()

    def records(self, records, contigs=True):
        self.vcf(text=self.vcf_text(records=records, contigs=contigs))


def make(case, workspace: Workspace) -> None:
    arguments = dict(case.arguments)
    if case.make == "vcf" and "gzip" in arguments:
        arguments["gzip_it"] = arguments.pop("gzip")
        arguments["text"] = workspace.vcf_text()
    if case.make == "gtf":
        return
    getattr(workspace, case.make)(**arguments)


def run_case(case, workspace: Workspace, capsys) -> str:
    """Run the case's stage; returns what it printed (stderr) and, for skips, the skipped table."""
    if case.level == "preflight":
        run_preflight(workspace.config, SCHEMA)
        return capsys.readouterr().err
    if case.level == "calls":
        skipped = workspace.root / "skipped.tsv"
        prepare_calls(workspace.vcf_path, str(workspace.root / "accepted.vcf.gz"), "vcf", str(DEMO / "genome.fa"),
                      workspace.tumor, workspace.normal, ["PASS", "."], str(skipped))  # fmt: skip
        return capsys.readouterr().err + skipped.read_text()
    if case.level == "annotation":
        return annotate_incomplete_cds(workspace.root)
    raise ValueError(case.level)


def annotate_incomplete_cds(root: Path) -> str:
    """A one-transcript genome whose CDS (10 bp) is not a whole number of codons, and an SNV in it."""
    from neoag.annotation.annotate import annotate_vcf

    (root / "g.fa").write_text(">chrT\n" + "ATGAAACCCGGGTTTAAACCCGGGTTTAAACCCGGGTTT" * 2 + "\n")
    pysam.faidx(str(root / "g.fa"))
    attributes = 'gene_id "G1"; transcript_id "T1"; gene_name "G1"; transcript_biotype "protein_coding";'
    rows = [("transcript", 1, 60), ("exon", 1, 60), ("CDS", 1, 10)]
    (root / "g.gtf").write_text(
        "".join(f"chrT\tt\t{kind}\t{start}\t{end}\t.\t+\t0\t{attributes}\n" for kind, start, end in rows)
    )
    header = "##fileformat=VCFv4.2\n##contig=<ID=chrT,length=78>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    (root / "s.vcf").write_text(header + "chrT\t5\t.\tA\tC\t.\tPASS\t.\n")
    annotate_vcf(str(root / "s.vcf"), str(root / "g.gtf"), str(root / "g.fa"), str(root / "a.tsv"),
                 phase_neighbours=False)  # fmt: skip
    return (root / "a.tsv").read_text()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)
    print(f"corpus: {len(CASES)} cases")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_case(case, tmp_path, capsys):
    workspace = Workspace(tmp_path)
    workspace.sheet()
    make(case, workspace)
    if case.outcome == "error":
        with pytest.raises(NeoagInputError) as caught:
            run_case(case, workspace, capsys)
        message = str(caught.value)
        assert "Traceback" not in message
    else:
        message = run_case(case, workspace, capsys)
    missing = [fragment for fragment in case.fragments if fragment not in message]
    assert not missing, f"{case.name}: {missing} not in: {message}"


@pytest.mark.parametrize("name", ["vcf_chr_naming", "models_missing", "fasta_index_missing"])
def test_job_processes_skip_the_file_checks_but_not_the_sheet(name, tmp_path):
    """On a cluster each job parses the Snakefile again: run_preflight(check_files=False) there."""
    workspace = Workspace(tmp_path)
    workspace.sheet()
    make(next(case for case in CASES if case.name == name), workspace)
    with pytest.raises(NeoagInputError):
        run_preflight(workspace.config, SCHEMA)
    assert run_preflight(workspace.config, SCHEMA, check_files=False).loc[0, "sample"] == "p1"
    workspace.sheet(rows=["p1\t{tumor}"])  # the sheet itself is still checked
    with pytest.raises(NeoagInputError, match="samples.tsv"):
        run_preflight(workspace.config, SCHEMA, check_files=False)


# ---------------------------------------------------------------------------
# Through snakemake: one paragraph on the terminal, no traceback, nothing in results/
# ---------------------------------------------------------------------------


def snakemake(workdir: Path, *arguments: str) -> subprocess.CompletedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("config", "resources"):
        if not (workdir / name).exists():
            (workdir / name).symlink_to(REPO / name)
    command = ["timeout", "-k", "20", "600", sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE),
               "--directory", str(workdir), "--cores", "2", *arguments]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run(command, capture_output=True, text=True, env=env)


SNAKEMAKE_CASES = {
    "sheet_dotdot_id": ("'../escape'", "names folders"),
    "hla_unknown_allele": ("HLA-Z*99:99", "not an HLA allele name"),
    "config_peptide_length_16": ("peptides.lengths[1]", "greater than the maximum of 15"),
    "vcf_chr_naming": ("column vcf", "'chr' prefix"),
}


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(SNAKEMAKE_CASES))
def test_corpus_case_through_snakemake_stops_before_any_job(name, tmp_path):
    case = next(case for case in CASES if case.name == name)
    workspace = Workspace(tmp_path)
    workspace.sheet()
    make(case, workspace)
    config = tmp_path / "case.yaml"
    config.write_text(
        yaml.safe_dump(merge(yaml.safe_load((REPO / "config/config.yaml").read_text()), workspace.config))
    )
    completed = snakemake(tmp_path / "run", "--configfile", str(config))
    terminal = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "Traceback" not in terminal
    assert all(fragment in terminal for fragment in SNAKEMAKE_CASES[name]), terminal[-2000:]
    assert not (tmp_path / "run/results").exists()


@pytest.mark.integration
def test_tricky_vcf_records_are_skipped_and_listed_not_lost(tmp_path):
    """A user VCF with unscorable records beside good ones: the run goes on to the somatic decision,
    each unscorable allele is in skipped.tsv with its reason, the multi-allelic record is split."""
    workspace = Workspace(tmp_path)
    records = ["chr1\t3066\t.\tG\tA,T", "chr1\t5000\t.\tA\t<DEL>", "chr1\t5001\t.\tT\tT[chr1:6000[",
               "chr1\t5002\t.\tT\tR", "chr1\t5004\t.\tN\tA"]  # fmt: skip
    workspace.records(records)
    config = tmp_path / "case.yaml"
    config.write_text(
        yaml.safe_dump(merge(yaml.safe_load((REPO / "config/config.yaml").read_text()), workspace.config))
    )
    completed = snakemake(tmp_path / "run", "--configfile", str(config), "--until", "select_somatic")
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = tmp_path / "run/results/p1"
    skipped = (results / "calls/vcf/skipped.tsv").read_text().splitlines()
    assert [line.split("\t")[3] for line in skipped[1:]] == ["<DEL>", "T[chr1:6000[", "R", "A"]
    log = (tmp_path / "run/logs/prepare_calls/p1/vcf.log").read_text()
    assert "skipped 4 allele(s) that cannot be scored" in log
    evidence = (results / "calls/evidence.tsv").read_text()
    assert "chr1:3066:G:A" in evidence and "chr1:3066:G:T" in evidence
