#!/usr/bin/env python3
"""Generate neoag's second test patient, harder than the demo, deterministically.

Writes into the directory of this script (or --outdir):

    genome.fa, genome.fa.fai   two random contigs, chr1 and chr2, with four genes
    annotation.gtf             the genes, Ensembl-style GTF
    truth.tsv                  every planted variant and what the workflow should conclude
    normal.bam, tumor.bam      DNA reads (ART) aligned with bwa mem (no RNA)
    README.md                  what all this is (written from the same design)

What makes it hard: somatic variants at 5-10 % VAF in a tumor of 80 % purity;
germline variants with loss of heterozygosity in the tumor (copy-neutral, to
VAF 0.9, and by loss of the ALT haplotype, to VAF 0.1); a region of low coverage
with a somatic and a germline variant in it; two multi-allelic sites (two
somatic alleles in different subclones; a germline allele and a somatic one
on the other haplotype); a homozygous germline SNP; a 1-bp deletion in a
homopolymer, whose left-aligned position is the truth.

The genome and GTF are built with the demo generator's gene builder
(resources/demo/make_demo.py, imported by path); the reads are simulated here.
Needs art_illumina, bwa and samtools on PATH.

    .venv/bin/python resources/hard_patient/make_hard_patient.py
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_demo", HERE.parent / "demo" / "make_demo.py")
make_demo = importlib.util.module_from_spec(_spec)
sys.modules["make_demo"] = make_demo  # dataclasses look their module up by name
_spec.loader.exec_module(make_demo)

SEED = 20241105
THREADS = "2"  # fixed: it appears in the @PG line of the BAM headers
ART_ARGS = ("-ss", "HS25", "-l", "125", "-na", "-q", "-p", "-m", "350", "-s", "50")
SAMPLES = {"normal": "hard_normal", "tumor": "hard_tumor"}
GENE_SPECS = (
    make_demo.GeneSpec("HPG1", "chr1", "+"),
    make_demo.GeneSpec("HPG2", "chr1", "-"),
    make_demo.GeneSpec("HPG3", "chr2", "+"),
    make_demo.GeneSpec("HPG4", "chr2", "-"),
)

# Read sources: name -> (haplotype, percent of the sample's reads). Tumor purity 80 %:
# N1/N2 are normal cells in the tumor sample; A1/A2 the main clone; B1 and C1/C2 subclones.
NORMAL_COMPONENTS = {"H1": (1, 50), "H2": (2, 50)}
TUMOR_COMPONENTS = {
    "N1": (1, 10), "N2": (2, 10), "A1": (1, 30), "A2": (2, 30), "B1": (1, 10), "C1": (1, 5), "C2": (2, 5),
}  # fmt: skip
NORMAL_COVERAGE = 100
TUMOR_COVERAGE = 250
LOW_COVERAGE_KEEP = 0.08  # share of fragments kept in the low-coverage region
LOW_COVERAGE_HALF_WIDTH = 300  # bp on each side of the low-coverage somatic variant

HAP1_NORMAL, HAP2_NORMAL = ("H1",), ("H2",)
HAP1_TUMOR, HAP2_TUMOR = ("N1", "A1", "B1", "C1"), ("N2", "A2", "C2")


@dataclass(frozen=True)
class Plan:
    """One variant to plant: kind of change, category, and the read sources carrying it.

    kind: snv, ins1, ins3, del1_homopolymer, del2, del4. site: plans with the same
    site share a position (multi-allelic). near: the plan it is placed close to
    (germline variants sit 60-110 bp from a somatic one, where neoag looks for them).
    """

    name: str
    kind: str
    origin: str
    category: str
    tumor: tuple[str, ...]
    normal: tuple[str, ...] = ()
    site: str = ""
    near: str = ""
    low_coverage: bool = False


PLANS = (
    Plan("s_clonal_snv", "snv", "somatic", "clonal", ("A1", "B1")),
    Plan("s_clonal_snv2", "snv", "somatic", "clonal", ("A2",)),
    Plan("s_clonal_ins", "ins3", "somatic", "clonal", ("A1", "B1")),
    Plan("s_clonal_del", "del4", "somatic", "clonal", ("A2",)),
    Plan("s_homopolymer_del", "del1_homopolymer", "somatic", "homopolymer", ("A1", "B1")),
    Plan("s_sub10_a", "snv", "somatic", "subclonal", ("B1",)),
    Plan("s_sub10_b", "snv", "somatic", "subclonal", ("B1",)),
    Plan("s_sub10_c", "snv", "somatic", "subclonal", ("C1", "C2")),
    Plan("s_sub10_ins", "ins1", "somatic", "subclonal", ("B1",)),
    Plan("s_sub15", "snv", "somatic", "subclonal", ("B1", "C1")),
    Plan("s_sub05_a", "snv", "somatic", "low_vaf", ("C1",)),
    Plan("s_sub05_b", "snv", "somatic", "low_vaf", ("C2",)),
    Plan("s_sub05_c", "snv", "somatic", "low_vaf", ("C1",)),
    Plan("s_multi_major", "snv", "somatic", "multiallelic", ("A1",), site="m1"),
    Plan("s_multi_minor", "snv", "somatic", "multiallelic", ("B1",), site="m1"),
    Plan("g_multi", "snv", "germline", "multiallelic", HAP1_TUMOR, HAP1_NORMAL, site="m2"),
    Plan("s_multi_other_hap", "snv", "somatic", "multiallelic", ("A2",), site="m2"),
    Plan("s_low_coverage", "snv", "somatic", "low_coverage", ("A1", "B1"), low_coverage=True),
    Plan("g_het", "snv", "germline", "het", HAP2_TUMOR, HAP2_NORMAL, near="s_clonal_snv"),
    Plan("g_het_del", "del2", "germline", "het", HAP2_TUMOR, HAP2_NORMAL, near="s_sub05_a"),
    # copy-neutral LOH: the tumor kept two copies of hap1, so every tumor cell carries the ALT
    Plan("g_loh_gain", "snv", "germline", "loh", HAP1_TUMOR + ("A2", "C2"), HAP1_NORMAL, near="s_clonal_snv2"),
    # LOH by loss of hap1 (the ALT haplotype) in all tumor cells: only the normal cells keep it
    Plan("g_loh_loss", "snv", "germline", "loh", ("N1",), HAP1_NORMAL, near="s_sub10_a"),
    Plan("g_hom", "snv", "germline", "hom", HAP1_TUMOR + HAP2_TUMOR, HAP1_NORMAL + HAP2_NORMAL, near="s_clonal_ins"),
    Plan("g_low_coverage", "snv", "germline", "low_coverage", HAP1_TUMOR, HAP1_NORMAL, near="s_low_coverage",
         low_coverage=True),
)  # fmt: skip


@dataclass(frozen=True)
class Planted:
    plan: Plan
    edit: object  # make_demo.Edit


def _vaf(components: Sequence[str], table: dict[str, tuple[int, int]]) -> float:
    return sum(table[c][1] for c in components) / 100


def _alt_base(rng: random.Random, ref: str, taken: Sequence[str] = ()) -> str:
    return rng.choice([b for b in "ACGT" if b != ref and b not in taken])


def _unshiftable(seq: str, pos0: int, ref: str, alt: str) -> bool:
    return make_demo.indel_is_unshiftable(seq, pos0, ref, alt)


def _draw_edit(rng: random.Random, plan: Plan, seq: str, pos0: int, contig: str, taken_alts=()):
    """The edit of a plan at pos0 (a padded VCF record for indels), or None if it does not fit here."""
    Edit = make_demo.Edit
    if plan.kind == "snv":
        return Edit(contig, pos0, seq[pos0], _alt_base(rng, seq[pos0], taken_alts))
    if plan.kind in ("ins1", "ins3"):
        inserted = make_demo.random_dna(rng, 1 if plan.kind == "ins1" else 3)
        edit = Edit(contig, pos0, seq[pos0], seq[pos0] + inserted)
        return edit if _unshiftable(seq, pos0, edit.ref, edit.alt) else None
    if plan.kind in ("del2", "del4"):
        n = 2 if plan.kind == "del2" else 4
        edit = Edit(contig, pos0, seq[pos0 : pos0 + n + 1], seq[pos0])
        return edit if _unshiftable(seq, pos0, edit.ref, edit.alt) else None
    if plan.kind == "del1_homopolymer":
        # a run of >= 5 identical bases starting at pos0 + 1; the left-aligned deletion
        # removes its first base, padded with the base before the run
        base = seq[pos0 + 1]
        if seq[pos0] == base or any(seq[pos0 + 1 + i] != base for i in range(5)):
            return None
        return Edit(contig, pos0, seq[pos0 : pos0 + 2], seq[pos0])
    raise ValueError(plan.kind)


def plant(rng: random.Random, contigs: dict[str, str]) -> list[Planted]:
    """Positions for PLANS: somatic variants in order along the genome, 350-700 bp apart
    (the low-coverage one further);
    germline ones 60-110 bp after the somatic variant they are near; a site's alleles at
    one position with different ALT bases."""
    planted: dict[str, Planted] = {}
    sites: dict[str, int] = {}
    anchors = [p for p in PLANS if not p.near]
    contig_names = list(contigs)
    # somatic and site variants, spread over both contigs
    per_contig = (len(anchors) + 1) // 2
    for i, plan in enumerate(anchors):
        contig = contig_names[i // per_contig]
        seq = contigs[contig]
        previous = [p.edit.pos0 for p in planted.values() if p.edit.contig == contig]
        start = (max(previous) + 350) if previous else 400
        if plan.low_coverage:
            start += 2 * LOW_COVERAGE_HALF_WIDTH  # keep the thinned region clear of the other variants
        if plan.site and plan.site in sites:
            pos0 = sites[plan.site]
            taken = [p.edit.alt for p in planted.values() if p.plan.site == plan.site]
            planted[plan.name] = Planted(plan, _draw_edit(rng, plan, seq, pos0, contig, taken))
            continue
        for _ in range(100000):
            pos0 = start + rng.randrange(0, 350)
            if plan.kind == "del1_homopolymer":
                pos0 = start + rng.randrange(0, 3000)
            if pos0 > len(seq) - 400:
                raise RuntimeError(f"contig {contig} too short for the plan")
            edit = _draw_edit(rng, plan, seq, pos0, contig)
            if edit is not None:
                break
        else:
            raise RuntimeError(f"could not place {plan.name}")
        planted[plan.name] = Planted(plan, edit)
        if plan.site:
            sites[plan.site] = pos0
    for plan in (p for p in PLANS if p.near):
        anchor = planted[plan.near].edit
        seq = contigs[anchor.contig]
        for _ in range(1000):
            pos0 = anchor.pos0 + rng.randint(60, 110)
            edit = _draw_edit(rng, plan, seq, pos0, anchor.contig)
            if edit is not None:
                break
        else:
            raise RuntimeError(f"could not place {plan.name}")
        planted[plan.name] = Planted(plan, edit)
    ordered = sorted(planted.values(), key=lambda p: (p.edit.contig, p.edit.pos0, p.edit.alt))
    for a, b in zip(ordered, ordered[1:]):
        same_site = a.plan.site and a.plan.site == b.plan.site
        if a.edit.contig == b.edit.contig and b.edit.pos0 - a.edit.pos0 < 50 and not same_site:
            raise RuntimeError(f"{a.plan.name} and {b.plan.name} are too close")
    return ordered


def build_genome(rng: random.Random) -> tuple[dict[str, str], list]:
    """Two contigs of about 12 kb, two genes each, 1-2 kb of intergenic sequence around them."""
    contigs, genes = {}, []
    for contig in ("chr1", "chr2"):
        seq = make_demo.random_dna(rng, rng.randint(1000, 2000))
        for spec in (s for s in GENE_SPECS if s.contig == contig):
            number = GENE_SPECS.index(spec) + 1
            genomic, gene = make_demo.build_gene(rng, spec, len(seq), number, 100 + number)
            genes.append(gene)
            seq += genomic + make_demo.random_dna(rng, rng.randint(1000, 2000))
        contigs[contig] = seq
    return contigs, genes


# ----------------------------------------------------------------------------
# Reads
# ----------------------------------------------------------------------------


def _run(command: Sequence[str], cwd: Path, stdout: Path | None = None) -> None:
    out = open(stdout, "w") if stdout else subprocess.DEVNULL
    try:
        result = subprocess.run(list(command), cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True)
    finally:
        if stdout:
            out.close()
    if result.returncode != 0:
        sys.exit(f"make_hard_patient: '{' '.join(command)}' failed (exit {result.returncode}):\n{result.stderr}")


def _seed(run: str) -> str:
    return str(int(hashlib.sha256(f"{SEED}/{run}".encode()).hexdigest()[:8], 16) % 2_000_000_000)


def _carriers(planted: Sequence[Planted], component: str, sample: str) -> list:
    return [p.edit for p in planted if component in (p.plan.normal if sample == "normal" else p.plan.tumor)]


def _keep_fragment(name: str) -> bool:
    digest = hashlib.sha256(f"{SEED}/{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < LOW_COVERAGE_KEEP


def _thin_low_coverage(sam: Path, region: tuple[str, int, int]) -> None:
    """Keep only LOW_COVERAGE_KEEP of the fragments that have a mate overlapping the region."""
    contig, start, end = region
    lines = sam.read_text().splitlines(keepends=True)
    inside = set()
    for line in lines:
        if line.startswith("@"):
            continue
        fields = line.split("\t", 6)
        position = int(fields[3]) - 1
        if fields[2] == contig and start - 130 < position < end:
            inside.add(fields[0])
    drop = {name for name in inside if not _keep_fragment(name)}
    with open(sam, "w") as out:
        out.writelines(line for line in lines if line.startswith("@") or line.split("\t", 1)[0] not in drop)


def simulate(workdir: Path, contigs: dict[str, str], planted: Sequence[Planted], sample: str, out_bam: Path,
             low_region: tuple[str, int, int]) -> None:  # fmt: skip
    """ART read pairs from every read source of a sample, aligned with bwa mem, thinned
    in the low-coverage region, sorted and indexed."""
    components, total = (
        (NORMAL_COMPONENTS, NORMAL_COVERAGE) if sample == "normal" else (TUMOR_COMPONENTS, TUMOR_COVERAGE)
    )
    with open(workdir / f"{sample}_1.fq", "w") as r1, open(workdir / f"{sample}_2.fq", "w") as r2:
        for name, (_, percent) in components.items():
            edits = _carriers(planted, name, sample)
            run = f"{sample}.{name}"
            records = [
                (contig, make_demo.apply_edits(seq, [e for e in edits if e.contig == contig]))
                for contig, seq in contigs.items()
            ]
            make_demo.write_fasta(workdir / f"{run}.fa", records)
            coverage = f"{total * percent / 100:g}"
            _run(["art_illumina", *ART_ARGS, "-f", coverage, "-rs", _seed(run), "-i", f"{run}.fa", "-o", f"{run}_"],
                 workdir)  # fmt: skip
            for suffix, out in (("1.fq", r1), ("2.fq", r2)):
                with open(workdir / f"{run}_{suffix}") as handle:
                    for i, line in enumerate(handle):
                        out.write(f"@{sample}.{name}.{line[1:]}" if i % 4 == 0 else line)
                (workdir / f"{run}_{suffix}").unlink()
            (workdir / f"{run}.fa").unlink()
    group = f"@RG\\tID:{SAMPLES[sample]}\\tSM:{SAMPLES[sample]}"
    bwa = ["bwa", "mem", "-t", THREADS, "-K", "10000000", "-R", group, "genome.fa", f"{sample}_1.fq", f"{sample}_2.fq"]
    _run(bwa, workdir, stdout=workdir / f"{sample}.sam")
    _thin_low_coverage(workdir / f"{sample}.sam", low_region)
    _run(["samtools", "sort", "--no-PG", "-@", THREADS, "-l", "9", "-T", "sort_tmp", "-o", str(out_bam),
          f"{sample}.sam"], workdir)  # fmt: skip
    _run(["samtools", "index", str(out_bam)], workdir)


# ----------------------------------------------------------------------------
# truth.tsv and README
# ----------------------------------------------------------------------------

TRUTH_COLUMNS = (
    "chrom", "pos", "ref", "alt", "origin", "category", "tumor_vaf", "normal_vaf",
    "tumor_components", "normal_components", "coverage", "expected_status",
)  # fmt: skip


def expected_status(plan: Plan) -> str:
    """What neoag's defaults should conclude (a planted 5 % variant may also be missed)."""
    if plan.origin == "germline":
        return "germline" if not plan.low_coverage else "germline_or_low_normal_depth"
    if plan.low_coverage:
        return "somatic_or_low_normal_depth"
    return "somatic"


def truth_rows(planted: Sequence[Planted]) -> list[dict[str, str]]:
    rows = []
    for p in planted:
        rows.append(
            {
                "chrom": p.edit.contig,
                "pos": str(p.edit.pos0 + 1),
                "ref": p.edit.ref,
                "alt": p.edit.alt,
                "origin": p.plan.origin,
                "category": p.plan.category,
                "tumor_vaf": f"{_vaf(p.plan.tumor, TUMOR_COMPONENTS):.2f}",
                "normal_vaf": f"{_vaf(p.plan.normal, NORMAL_COMPONENTS):.2f}",
                "tumor_components": ",".join(p.plan.tumor),
                "normal_components": ",".join(p.plan.normal),
                "coverage": "low" if p.plan.low_coverage else "normal",
                "expected_status": expected_status(p.plan),
            }
        )
    return rows


def truth_text(rows: Sequence[dict[str, str]]) -> str:
    lines = ["\t".join(TRUTH_COLUMNS)] + ["\t".join(row[c] for c in TRUTH_COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _depth_at(bam: Path, contig: str, pos: int) -> int:
    result = subprocess.run(
        ["samtools", "depth", "-a", "-r", f"{contig}:{pos}-{pos}", str(bam)], capture_output=True, text=True, check=True
    )
    return int(result.stdout.split("\t")[2]) if result.stdout else 0


def _mean_depth(bam: Path) -> float:
    result = subprocess.run(["samtools", "depth", "-a", str(bam)], capture_output=True, text=True, check=True)
    depths = [int(line.rsplit("\t", 1)[1]) for line in result.stdout.splitlines()]
    return sum(depths) / len(depths)


def readme_text(rows: Sequence[dict[str, str]], out: Path, sizes: dict[str, int]) -> str:
    def table(header, body):
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in body])

    variants = table(
        ("chrom:pos", "ref>alt", "origin", "category", "tumor VAF", "normal VAF", "tumor depth", "normal depth",
         "expected"),
        [(f"{r['chrom']}:{r['pos']}", f"{r['ref']}>{r['alt']}", r["origin"], r["category"], r["tumor_vaf"],
          r["normal_vaf"], _depth_at(out / "tumor.bam", r["chrom"], int(r["pos"])),
          _depth_at(out / "normal.bam", r["chrom"], int(r["pos"])), r["expected_status"]) for r in rows],
    )  # fmt: skip
    components = table(
        ("component", "sample", "haplotype", "fraction"),
        [(n, "normal DNA", f"hap{h}", f"{p} %") for n, (h, p) in NORMAL_COMPONENTS.items()]
        + [(n, "tumor DNA", f"hap{h}", f"{p} %") for n, (h, p) in TUMOR_COMPONENTS.items()],
    )
    return README_TEMPLATE.format(
        seed=SEED,
        components=components,
        normal_coverage=NORMAL_COVERAGE,
        tumor_coverage=TUMOR_COVERAGE,
        keep=f"{LOW_COVERAGE_KEEP:.0%}",
        half_width=LOW_COVERAGE_HALF_WIDTH,
        variants=variants,
        normal_depth=f"{_mean_depth(out / 'normal.bam'):.1f}",
        tumor_depth=f"{_mean_depth(out / 'tumor.bam'):.1f}",
        sizes=table(("file", "bytes"), [(n, f"{s:,}") for n, s in sizes.items()]),
        total=f"{sum(sizes.values()) / 1e6:.1f} MB",
    )


README_TEMPLATE = """\
# The neoag hard test patient

<!-- Written by make_hard_patient.py together with the data: edit the template there. -->

A second synthetic tumor/normal patient, harder than the demo (`resources/demo/`),
for the calling stage: `bench/calling.py` measures precision and recall on it and
`tests/integration/test_hard_patient.py` runs the workflow on it
(`snakemake --configfile config/hard_patient/config.yaml`). Everything is made up
by `make_hard_patient.py` from a fixed seed ({seed}); the four genes are built with
the demo generator's gene builder, so the workflow can annotate the variants.
There are no RNA reads (the workflow's RNA-less path).

## Tumor model

Read sources as in the demo ("components"): each is one haplotype with the
variants it carries, and has a share of its sample's reads. Tumor purity is
80 %: N1/N2 are normal cells in the tumor sample, A1/A2 the main clone, B1 a
10 % subclone and C1/C2 a 5 % subclone (on each haplotype: 2.5 % of the cells).
Normal DNA {normal_coverage}x, tumor DNA {tumor_coverage}x (ART HiSeq 2500 pairs,
2 x 125 bp, fragments 350 +- 50 bp, `bwa mem`).

{components}

Loss of heterozygosity is modelled per variant: a germline SNP on hap1 with
copy-neutral LOH is carried by every tumor component (the tumor has two copies
of hap1 there: VAF 0.9); one whose hap1 is lost in the tumor is carried only
by N1 (VAF 0.1). In the low-coverage region ({half_width} bp on each side of the
low-coverage somatic SNV) only {keep} of the read pairs are kept (deterministically,
by a hash of the read name), as in a poorly captured exon.

Measured mean depth (`samtools depth -a`): normal {normal_depth}x, tumor {tumor_depth}x.

## Planted variants (truth.tsv)

Depths are `samtools depth` at the variant (all reads).

{variants}

Columns of truth.tsv: `chrom`, `pos`, `ref`, `alt` as in a VCF (indels padded,
left-aligned: the homopolymer deletion is reported at the first base of its
run); `origin` somatic or germline; `category` clonal, subclonal (10-15 %),
low_vaf (5 %), multiallelic, homopolymer, low_coverage, het, hom, loh;
`tumor_vaf`, `normal_vaf` planted fractions; `tumor_components`,
`normal_components` the read sources that carry it; `coverage` normal or low;
`expected_status` what neoag's default thresholds should conclude: `somatic`,
`germline`, or, in the low-coverage region where the normal may have fewer than
`somatic.min_normal_depth` fragments, `somatic_or_low_normal_depth` /
`germline_or_low_normal_depth`. Germline variants sit 60-110 bp from a somatic
one, where neoag looks for them (`germline.flank`).

## Regenerate

    .venv/bin/python resources/hard_patient/make_hard_patient.py

Needs `art_illumina` (ART 2.5.8), `bwa` 0.7.17 and `samtools` 1.16 on PATH
(envs/install-local.sh installs them) and Python 3.11; takes a few seconds and
gives byte-identical files with the same tool versions.

## Sizes

{sizes}

Total: {total}.
"""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, default=HERE)
    args = parser.parse_args(argv)
    started = time.monotonic()
    missing = [tool for tool in ("art_illumina", "bwa", "samtools") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"make_hard_patient: {', '.join(missing)} not on PATH; install them with envs/install-local.sh")
    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)

    rng = random.Random(SEED)
    contigs, genes = build_genome(rng)
    planted = plant(rng, contigs)
    make_demo.write_fasta(out / "genome.fa", contigs.items())
    _run(["samtools", "faidx", "genome.fa"], out)
    gtf = [line for line in make_demo.gtf_lines(genes) if not line.startswith("# Synthetic genes")]
    gtf.insert(
        3, "# Synthetic genes of the neoag hard test patient; made by resources/hard_patient/make_hard_patient.py"
    )  # noqa: E501
    (out / "annotation.gtf").write_text("\n".join(gtf) + "\n")
    rows = truth_rows(planted)
    (out / "truth.tsv").write_text(truth_text(rows))

    low = next(p.edit for p in planted if p.plan.name == "s_low_coverage")
    low_region = (low.contig, low.pos0 - LOW_COVERAGE_HALF_WIDTH, low.pos0 + LOW_COVERAGE_HALF_WIDTH)
    workdir = Path(tempfile.mkdtemp(prefix="neoag_hard_"))
    try:
        shutil.copy(out / "genome.fa", workdir / "genome.fa")
        _run(["bwa", "index", "genome.fa"], workdir)
        for sample in ("normal", "tumor"):
            simulate(workdir, contigs, planted, sample, (out / f"{sample}.bam").resolve(), low_region)
    finally:
        shutil.rmtree(workdir)

    names = ["genome.fa", "genome.fa.fai", "annotation.gtf", "truth.tsv"]
    names += [f for b in ("normal", "tumor") for f in (f"{b}.bam", f"{b}.bam.bai")]
    sizes = {name: (out / name).stat().st_size for name in names}
    (out / "README.md").write_text(readme_text(rows, out, sizes))
    print(f"make_hard_patient: wrote {out} in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
