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
from neoag.preflight.config import check_yaml_file
from tests.corpus.cases import ALLELES, CASES, SNVS

REPO = Path(__file__).resolve().parents[2]
SNAKEFILE = REPO / "workflow" / "Snakefile"
DEMO = REPO / "resources/demo"
SCHEMA = yaml.safe_load((REPO / "config/schemas/config.schema.yaml").read_text())
# Demo somatic SNVs (resources/demo/truth.tsv): the control that no odd record may cost.
CONTROL = {"somatic": "chr1:3066:G:A somatic", "vep": "peptides chrV:44:C:A"}


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

    def broken(self, records, damage):
        """A VCF of records, damaged the way real files are: 'gzip' (plain gzip, not bgzip),
        'spaces' (a #CHROM line with spaces), 'crlf' (Windows line ends)."""
        text = self.vcf_text(records=records)
        if damage == "spaces":
            text = text.replace("#CHROM\tPOS\tID", "#CHROM POS ID")
        if damage == "crlf":
            text = text.replace("\n", "\r\n")
        self.vcf(text=text, gzip_it=damage == "gzip")

    def deletion(self, start, length, snvs=SNVS, extra=()):
        """Demo SNVs with a deletion of length bases from start + 1 over some of them."""
        with pysam.FastaFile(str(DEMO / "genome.fa")) as fasta:
            ref = fasta.fetch("chr1", start - 1, start + length).upper()
        self.records([*snvs, f"chr1\t{start}\t.\t{ref}\t{ref[0]}", *extra])

    def vep(self, names=(), damage=None):
        """The small VEP gene (tests/corpus/vep_file.py): the control missense and the named records."""
        from tests.corpus.vep_file import named_records, write_inputs

        records = named_records()
        self.vep_files = write_inputs(self.root, {name: records[name] for name in ("missense", *names)})
        path = Path(self.vep_files["vep.vcf"])
        text = path.read_text()
        if damage == "gzip":
            path = path.with_suffix(".vcf.gz")
            path.write_bytes(gzip.compress(text.encode()))
        elif damage == "spaces":
            path.write_text(text.replace("#CHROM\tPOS\tID", "#CHROM POS ID"))
        elif damage == "glue":  # the first record cut after its FILTER, the next glued on
            lines = text.splitlines(keepends=True)
            first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
            lines[first] = lines[first].split("\tPASS")[0] + "\tPA"
            path.write_text("".join(lines))
        elif damage == "no_csq_header":
            path.write_text("".join(line for line in text.splitlines(keepends=True) if "ID=CSQ" not in line))
        elif damage == "missing_record":
            path.write_text("".join(line for line in text.splitlines(keepends=True) if "\t3\t.\tA\tG" not in line))
        self.vep_files["vep.vcf"] = str(path)

    # -- issue 16 ---------------------------------------------------------------------------

    def relative(self):
        """The sheet in a folder of its own naming the tumor BAM relative to that folder."""
        folder = self.root / "sheets"
        folder.mkdir()
        shutil.copy(self.tumor, folder / "p1_tumor_rel.bam")
        shutil.copy(self.tumor + ".bai", folder / "p1_tumor_rel.bam.bai")
        self.config["samples"] = str(folder / "samples.tsv")
        text = f"sample\ttumor_bam\tnormal_bam\thla_alleles\np1\tp1_tumor_rel.bam\t{self.normal}\t{ALLELES}\n"
        (folder / "samples.tsv").write_text(text)

    def linked(self, how):
        """normal_bam a symlink (or hard link) to the tumor BAM, under another name."""
        tumor, normal = self.root / "tumor.bam", self.root / "normal.bam"
        shutil.copy(self.tumor, tumor)
        shutil.copy(self.tumor + ".bai", self.root / "tumor.bam.bai")
        link = os.symlink if how == "symlink" else os.link
        link(tumor, normal)
        link(self.root / "tumor.bam.bai", self.root / "normal.bam.bai")
        self.tumor, self.normal = str(tumor), str(normal)
        self.sheet()

    def rewrite_bam(self, source, target, header_edit=None, keep=None, sort_args=(), level=None):
        """A copy of a BAM with its header edited and some reads left out, indexed."""
        with pysam.AlignmentFile(source) as reads:
            header = reads.header.to_dict()
            if header_edit:
                header_edit(header)
            names = [entry["SN"] for entry in header["SQ"]]
            unsorted = str(target) + ".tmp.bam"
            with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
                for read in reads:
                    if read.reference_name in names and (keep is None or keep(read)):
                        data = read.to_dict()
                        out.write(pysam.AlignedSegment.from_dict(data, out.header))
        pysam.sort(*sort_args, "-o", str(target), unsorted)
        os.remove(unsorted)
        if not sort_args:
            pysam.index(str(target))
        return str(target)

    def read_groups(self, tumor_sm, normal_sm, config=None):
        def renamer(name):
            def edit(header):
                header["RG"] = [dict(group, SM=name) for group in header["RG"]]
                header.pop("PG", None)

            return edit

        self.tumor = self.rewrite_bam(self.tumor, self.root / "tumor.bam", renamer(tumor_sm))
        self.normal = self.rewrite_bam(self.normal, self.root / "normal.bam", renamer(normal_sm))
        self.sheet(config=config)

    def bam_variant(self, variant):
        """The tumor BAM with an index that is not its own."""
        path = self.root / "tumor.bam"
        if variant == "name_sorted":
            self.rewrite_bam(self.tumor, path, sort_args=("-n",))
            shutil.copy(self.tumor + ".bai", str(path) + ".bai")
        elif variant in ("stale", "other_index"):
            pysam.view("-b", "-1", "-o", str(path), self.tumor, catch_stdout=False)  # rewritten: other offsets
            shutil.copy(self.tumor + ".bai" if variant == "stale" else self.normal + ".bai", str(path) + ".bai")
            if variant == "stale":
                os.utime(str(path) + ".bai", (os.stat(path).st_mtime - 3600,) * 2)
        else:
            shutil.copy(self.tumor, path)
            shutil.copy(self.tumor + ".bai", str(path) + ".bai")
            os.utime(str(path) + ".bai", (os.stat(path).st_mtime - 3600,) * 2)
        self.tumor = str(path)
        self.sheet()

    def fasta_variant(self, variant):
        """The demo genome changed after indexing (rewrapped, a base inserted, CRLF), with its old .fai."""
        lines = (DEMO / "genome.fa").read_text().splitlines()
        fasta = self.root / "genome.fa"
        if variant == "rewrap":
            text, sequence = "", ""
            for line in lines + [">end"]:
                if line.startswith(">"):
                    text += "".join(sequence[i : i + 70] + "\n" for i in range(0, len(sequence), 70))
                    text += line + "\n" if line != ">end" else ""
                    sequence = ""
                else:
                    sequence += line
            fasta.write_text(text)
        elif variant == "insert":
            lines[5] = "A" + lines[5]  # a base added inside the first contig
            fasta.write_text("\n".join(lines) + "\n")
        else:
            fasta.write_bytes(("\r\n".join(lines) + "\r\n").encode())
        if variant == "crlf":
            pysam.faidx(str(fasta))
        else:
            shutil.copy(DEMO / "genome.fa.fai", str(fasta) + ".fai")
            os.utime(str(fasta) + ".fai", (os.stat(fasta).st_mtime - 3600,) * 2)
        self.sheet(config={"reference": {"fasta": str(fasta)}})

    def cram_other_reference(self):
        """A CRAM made against another genome (some bases changed) that has since been deleted."""
        other = self.root / "old_genome.fa"
        lines = (DEMO / "genome.fa").read_text().splitlines()
        other.write_text(
            "\n".join(line if line.startswith(">") else line.replace("A", "C", 2) for line in lines) + "\n"
        )
        pysam.faidx(str(other))
        path = self.root / "tumor.cram"
        pysam.view("-C", "-T", str(other), "-o", str(path), self.tumor, catch_stdout=False)
        pysam.index(str(path))
        other.unlink()
        Path(str(other) + ".fai").unlink()
        self.tumor = str(path)
        self.sheet()

    def rna_without(self, contig):
        """An RNA BAM aligned to a reference without one contig."""

        def edit(header):
            header["SQ"] = [entry for entry in header["SQ"] if entry["SN"] != contig]

        rna = self.rewrite_bam(str(DEMO / "tumor_rna.bam"), self.root / "rna.bam", edit)
        self.sheet(header="sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles",
                   rows=[f"p1\t{{tumor}}\t{{normal}}\t{rna}\t{ALLELES}"])  # fmt: skip
        self.rna = rna

    def evidence(self, swap=False, policy="error", rna_without=None):
        self.evidence_arguments = {"swap": swap, "policy": policy}
        if rna_without:
            self.rna_without(rna_without)

    def gtf_shape(self, drop=(), stop_in_cds=False):
        self.shape = {"drop": drop, "stop_in_cds": stop_in_cds}

    def gtf_file(self, drop=(), gff3=False):
        path = self.root / ("genes.gff3" if gff3 else "genes.gtf")
        if gff3:
            path.write_text(
                "##gff-version 3\nchr1\tdemo\tgene\t1001\t4000\t.\t+\t.\tID=gene1;Name=DMG1\n"
                "chr1\tdemo\tmRNA\t1001\t4000\t.\t+\t.\tID=tx1;Parent=gene1\n"
                "chr1\tdemo\texon\t1001\t1200\t.\t+\t.\tParent=tx1\n"
            )
        else:
            path.write_text(shaped_gtf(drop=drop))
        self.sheet(config={"reference": {"gtf": str(path)}})

    def yaml(self, text):
        self.yaml_path = self.root / "config.yaml"
        self.yaml_path.write_text(text)

    def disk_full(self):
        """An output path on a full disk (/dev/full answers every write with ENOSPC)."""
        self.full_path = self.root / "results" / "p1" / "evidence.tsv"
        self.full_path.parent.mkdir(parents=True)
        self.full_path.symlink_to("/dev/full")


def shaped_gtf(drop=(), stop_in_cds=False) -> str:
    """The demo GTF without some features, or with each stop codon inside its transcript's last CDS row
    (as gffread writes it: no stop_codon rows)."""
    lines = (DEMO / "annotation.gtf").read_text().splitlines(keepends=True)
    rows = [line for line in lines if line.startswith("#") or line.split("\t")[2] not in drop]
    if not stop_in_cds:
        return "".join(rows)
    stops = {}
    for line in rows:
        fields = line.split("\t")
        if not line.startswith("#") and fields[2] == "stop_codon":
            stops[fields[8].split('transcript_id "')[1].split('"')[0]] = (int(fields[3]), int(fields[4]))
    out = []
    for line in rows:
        fields = line.split("\t")
        if line.startswith("#") or fields[2] == "stop_codon":
            out.append("" if not line.startswith("#") else line)
            continue
        if fields[2] == "CDS":
            start, end = stops[fields[8].split('transcript_id "')[1].split('"')[0]]
            if int(fields[4]) + 1 == start:
                fields[4] = str(end)
            elif int(fields[3]) - 1 == end:
                fields[3] = str(start)
        out.append("\t".join(fields))
    return "".join(out)


def make(case, workspace: Workspace) -> None:
    arguments = dict(case.arguments)
    if case.make == "vcf" and "gzip" in arguments:
        arguments["gzip_it"] = arguments.pop("gzip")
        arguments["text"] = workspace.vcf_text()
    if case.make == "gtf":
        return
    if case.make == "evidence" and "rna_without" not in arguments:
        workspace.evidence_arguments = {"swap": False, "policy": "error"} | arguments
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
    if case.level == "somatic":
        return somatic_decision(workspace) + capsys.readouterr().err
    if case.level == "vep":
        return vep_annotation(workspace) + capsys.readouterr().err
    if case.level == "gtf_shape":
        return annotate_shape(workspace.root, **workspace.shape)
    if case.level == "config_file":
        check_yaml_file(str(workspace.yaml_path))
        return ""
    if case.level == "evidence":
        return select_demo(workspace, capsys, **workspace.evidence_arguments)
    if case.level == "step":
        return write_on_full_disk(workspace, capsys)
    raise ValueError(case.level)


def somatic_decision(workspace: Workspace) -> str:
    """prepare_calls then select_somatic on the demo BAMs: 'variant_id status' lines and the skipped table."""
    from neoag.calling.evidence import ReadFilters
    from neoag.calling.somatic import SomaticFilters, select_somatic

    root = workspace.root
    prepare_calls(workspace.vcf_path, str(root / "accepted.vcf.gz"), "vcf", str(DEMO / "genome.fa"),
                  workspace.tumor, workspace.normal, ["PASS", "."], str(root / "skipped.tsv"))  # fmt: skip
    table = select_somatic(str(root / "accepted.vcf.gz"), workspace.tumor, workspace.normal, None,
                           str(DEMO / "genome.fa"), str(root / "evidence.tsv"), str(root / "somatic.vcf.gz"),
                           SomaticFilters(), ReadFilters())  # fmt: skip
    lines = [f"{row.variant_id} {row.somatic_status} vaf={row.tumor_dna_vaf}" for row in table.itertuples()]
    return "\n".join(lines) + "\n" + (root / "skipped.tsv").read_text()


def vep_annotation(workspace: Workspace) -> str:
    """annotate_vcf from the VEP VCF, then the peptides: the annotations table and 'peptides <variant>' lines."""
    from neoag.annotation.annotate import annotate_vcf
    from neoag.annotation.peptides import write_peptides

    files, root = workspace.vep_files, workspace.root
    annotate_vcf(files["somatic.vcf"], files["genes.gtf"], files["genome.fa"], str(root / "a.tsv"), source="vep",
                 vep_vcf=files["vep.vcf"], phase_neighbours=False)  # fmt: skip
    write_peptides(str(root / "a.tsv"), str(root / "p.tsv"), [8, 9, 10], flank_length=5)
    with_peptides = sorted({line.split("\t")[0] for line in (root / "p.tsv").read_text().splitlines()[1:]})
    return (root / "a.tsv").read_text() + "".join(f"peptides {v}\n" for v in with_peptides)


def select_demo(workspace: Workspace, capsys, swap=False, policy="error") -> str:
    """select_somatic on the demo's planted variants (tumor and normal swapped when swap)."""
    from neoag.calling.evidence import ReadFilters
    from neoag.calling.somatic import SomaticFilters, select_somatic
    from tests.unit.test_swap import truth_candidates

    tumor, normal = (workspace.normal, workspace.tumor) if swap else (workspace.tumor, workspace.normal)
    table = select_somatic(
        truth_candidates(workspace.root / "candidates.vcf"), tumor, normal, getattr(workspace, "rna", None),
        str(DEMO / "genome.fa"), str(workspace.root / "evidence.tsv"), str(workspace.root / "somatic.vcf.gz"),
        SomaticFilters(), ReadFilters(), swapped_calls=policy,
    )  # fmt: skip
    said = capsys.readouterr().err + f" {(table.somatic_status == 'somatic').sum()} somatic"
    if getattr(workspace, "rna", None):
        on_chr2 = table[table.chrom == "chr2"]
        assert len(on_chr2) and (on_chr2.tumor_rna_depth == 0).all()
        assert (table[table.chrom == "chr1"].tumor_rna_depth > 0).any()
        said += " tumor_rna_depth 0 on chr2"
    return said


def annotate_shape(root: Path, drop=(), stop_in_cds=False) -> str:
    """annotate_vcf of the demo's planted variants with the demo GTF and with the shaped one: the same table."""
    from neoag.annotation.annotate import annotate_vcf

    (root / "shaped.gtf").write_text(shaped_gtf(drop=drop, stop_in_cds=stop_in_cds))
    from tests.unit.test_swap import truth_candidates

    vcf = truth_candidates(root / "variants.vcf")
    tables = []
    for name, gtf in (("demo", str(DEMO / "annotation.gtf")), ("shaped", str(root / "shaped.gtf"))):
        annotate_vcf(vcf, gtf, str(DEMO / "genome.fa"), str(root / f"{name}.tsv"), phase_neighbours=False)
        tables.append((root / f"{name}.tsv").read_text())
    assert tables[0] == tables[1], "the shaped GTF gives other annotations"
    assert "missense" in tables[0] and "incomplete_cds" not in tables[0]
    return "same annotations as the demo GTF"


def write_on_full_disk(workspace: Workspace, capsys) -> str:
    """run_step around a function that writes a table to a path on a full disk."""
    from neoag.step import run_step

    def write(evidence_tsv):
        with open(evidence_tsv, "w") as handle:
            handle.write("variant_id\n" * 100_000)

    with pytest.raises(SystemExit):
        run_step(write, evidence_tsv=str(workspace.full_path))
    raise NeoagInputError(" ".join(capsys.readouterr().err.split()))  # the paragraph, unwrapped


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
    assert len(CASES) >= 90
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
    if case.outcome != "error" and case.level in CONTROL:  # one odd record never costs the sample
        assert CONTROL[case.level] in message, f"{case.name}: the control variant was lost: {message}"


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
    "sheet_unknown_column_rna": ("unknown column 'RNA_bam'", "Did you mean 'rna_bam'?"),
    "swap_read_group_names": ("demo_normal", "swapped?"),
    "gtf_without_cds_rows": ("no CDS rows", "intergenic"),
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


@pytest.mark.integration
def test_config_files_are_read_strictly_through_snakemake(tmp_path):
    """A key given twice in a --configfile, and a tab in config/config.yaml: the file and the line,
    no traceback; a nested --config override given as text is typed by the schema."""
    run = tmp_path / "run"
    (tmp_path / "twice.yaml").write_text("somatic:\n  min_tumor_vaf: 0.1\n  min_tumor_vaf: 0.2\n")
    completed = snakemake(run, "-n", "--configfile", str(tmp_path / "twice.yaml"))
    terminal = completed.stdout + completed.stderr
    assert completed.returncode != 0 and "Traceback" not in terminal
    assert "twice.yaml, line 3: the key 'min_tumor_vaf' is given twice" in terminal

    completed = snakemake(run, "-n", "--config", "somatic={min_tumor_vaf: 0.1, min_tumor_depth: 12}")
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-2000:]

    tabbed = tmp_path / "tabbed"
    tabbed.mkdir()
    (tabbed / "resources").symlink_to(REPO / "resources")
    shutil.copytree(REPO / "config", tabbed / "config")
    text = (tabbed / "config/config.yaml").read_text().replace("\n  min_tumor_vaf:", "\n\tmin_tumor_vaf:")
    (tabbed / "config/config.yaml").write_text(text)
    line = text[: text.index("\tmin_tumor_vaf")].count("\n") + 1
    completed = snakemake(tabbed, "-n")
    terminal = completed.stdout + completed.stderr
    assert completed.returncode != 0 and "Traceback" not in terminal
    assert f"config/config.yaml, line {line}: indented with a tab" in terminal
