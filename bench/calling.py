#!/usr/bin/env python3
"""Benchmark: somatic calls and read evidence against the planted truth of both test patients.

For the demo patient (resources/demo/) and the hard patient (resources/hard_patient/)
this runs the workflow's calling stage from scratch (snakemake, real freebayes,
bcftools and pysam) for a few caller settings, and prints as Markdown:

- precision and recall of the somatic calls (results/<sample>/somatic.vcf.gz)
  against truth.tsv, overall and by stratum (planted VAF >= 0.10 at >= 30x tumor
  depth; 5 % VAF; low coverage), and every germline variant reported as somatic;
- for the demo's default run, each planted variant's measured tumor VAF against
  the planted one: the share within +-0.05, what binomial sampling at the
  measured depth allows, and the "realized" VAF (the share of informative
  fragments that come from a read source carrying the variant, known from the
  simulated read names), which separates counting errors from sampling noise;
- the germline neighbours (results/<sample>/calls/germline.vcf.gz) of the default run
  (germline.calls joint: from the joint call's evidence) against a second freebayes
  pass over the normal (germline.calls normal): planted germline variants found, and
  whether the two VCFs hold the same records.

    .venv/bin/python bench/calling.py            # about a minute on 2 cores
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "workflow" / "Snakefile"
sys.path.insert(0, str(REPO / "scripts"))

import pandas as pd  # noqa: E402

PATIENTS = {
    "demo": {"sample": "demo", "config": None, "truth": REPO / "resources/demo/truth.tsv"},
    "hard": {
        "sample": "hard",
        "config": REPO / "config/hard_patient/config.yaml",
        "truth": REPO / "resources/hard_patient/truth.tsv",
    },
}
SETTINGS = {
    "freebayes (default)": "",
    "bcftools": "calling:\n  callers: [bcftools]\n",
    "freebayes + bcftools, min 2": "calling:\n  callers: [freebayes, bcftools]\n  min_callers: 2\n",
    "freebayes, low-VAF settings (-F 0.02, min_tumor_vaf 0.03)": (
        "calling:\n  freebayes:\n    min_alternate_fraction: 0.02\nsomatic:\n  min_tumor_vaf: 0.03\n"
    ),
}


def run_calling(workdir: Path, patient: dict, overlay: str) -> Path:
    """The calling stage of one patient in workdir; returns its results/<sample> folder."""
    for name in ("config", "resources"):
        (workdir / name).symlink_to(REPO / name)
    configs = [str(REPO / "config/config.yaml")]
    if patient["config"]:
        configs.append(str(patient["config"]))
    if overlay:
        (workdir / "overlay.yaml").write_text(overlay)
        configs.append(str(workdir / "overlay.yaml"))
    sample = patient["sample"]
    targets = [f"results/{sample}/somatic.vcf.gz", f"results/{sample}/calls/germline.vcf.gz"]
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE), "--directory", str(workdir),
        "--cores", "2", "--quiet", "all", "--configfile", *configs, "--", *targets,
    ]  # fmt: skip
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        sys.exit(completed.stderr[-3000:])
    return workdir / "results" / sample


def read_truth(path: Path) -> pd.DataFrame:
    truth = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    truth["variant_id"] = truth.chrom + ":" + truth.pos + ":" + truth.ref + ":" + truth.alt
    truth["planted_vaf"] = truth.tumor_vaf.astype(float)
    return truth


def somatic_calls(results: Path) -> set[str]:
    import pysam

    with pysam.VariantFile(str(results / "somatic.vcf.gz")) as vcf:
        return {f"{r.chrom}:{r.pos}:{r.ref}:{r.alts[0]}" for r in vcf}


def tumor_depths(truth: pd.DataFrame, patient_dir: Path) -> dict[str, int]:
    """neoag's informative tumor depth at every planted variant (called or not)."""
    import pysam

    from neoag.calling.evidence import ReadFilters, count_alleles
    from neoag.variants import Variant

    bam = pysam.AlignmentFile(str(patient_dir / "tumor.bam"))
    fasta = pysam.FastaFile(str(patient_dir / "genome.fa"))
    depths = {}
    for row in truth.itertuples():
        variant = Variant(row.chrom, int(row.pos), row.ref, row.alt)
        others = [Variant(o.chrom, int(o.pos), o.ref, o.alt) for o in truth.itertuples()
                  if (o.chrom, o.pos) == (row.chrom, row.pos) and o.alt != row.alt]  # fmt: skip
        depths[row.variant_id] = count_alleles(bam, fasta, variant, ReadFilters(), others).depth
    return depths


def recall_table(name: str, truth: pd.DataFrame, called: set[str], depths: dict[str, int]) -> list[str]:
    somatic = truth[truth.origin == "somatic"]
    germline = truth[truth.origin == "germline"]
    tp = set(somatic.variant_id) & called
    fp = called - set(somatic.variant_id)
    germline_fp = called & set(germline.variant_id)

    def recall(rows: pd.DataFrame) -> str:
        if rows.empty:
            return "-"
        hits = sum(v in called for v in rows.variant_id)
        return f"{hits}/{len(rows)} = {hits / len(rows):.2f}"

    deep = somatic.variant_id.map(depths) >= 30
    strata = {
        "VAF >= 0.10, >= 30x": somatic[(somatic.planted_vaf >= 0.10) & deep],
        "VAF 0.05": somatic[(somatic.planted_vaf < 0.10) & deep],
        "< 30x": somatic[~deep],
    }
    precision = f"{len(tp)}/{len(called)} = {len(tp) / len(called):.2f}" if called else "-"
    cells = [name, precision, recall(somatic), *(recall(rows) for rows in strata.values()), str(len(germline_fp))]
    missed = sorted(set(somatic.variant_id) - called)
    notes = []
    if missed:
        notes.append("missed: " + ", ".join(f"{v} (VAF {somatic.set_index('variant_id').planted_vaf[v]:.2f}, "
                                            f"{depths[v]}x)" for v in missed))  # fmt: skip
    if fp:
        notes.append("false positives: " + ", ".join(sorted(fp)))
    return ["| " + " | ".join(cells) + " |", *(f"  - {name}: {n}" for n in notes)]


def realized(truth: pd.DataFrame, patient_dir: Path) -> pd.DataFrame:
    """Per planted variant: the realized VAF (share of the fragments spanning it that come from
    a read source carrying it, known from the simulated read names) and how many of neoag's
    informative fragments it assigned to the wrong allele."""
    import pysam

    from neoag.calling.evidence import ReadFilters, build_locus, read_haplotype
    from neoag.variants import Variant

    bam = pysam.AlignmentFile(str(patient_dir / "tumor.bam"))
    fasta = pysam.FastaFile(str(patient_dir / "genome.fa"))
    filters = ReadFilters()
    rows = []
    for row in truth.itertuples():
        variant = Variant(row.chrom, int(row.pos), row.ref, row.alt)
        carriers = set(row.tumor_components.split(","))
        locus = build_locus(fasta, variant)
        votes: dict[str, int] = {}
        spanning: dict[str, bool] = {}  # fragments whose reads cover the variant, by their true origin
        for read in bam.fetch(variant.chrom, max(0, locus.left - 40), locus.right + 40):
            if read.is_secondary or read.is_supplementary or read.is_duplicate or read.mapping_quality < 20:
                continue
            cigar = read.cigartuples
            start = read.reference_start - (cigar[0][1] if cigar[0][0] == 4 else 0)
            end = read.reference_end + (cigar[-1][1] if cigar[-1][0] == 4 else 0)
            if start < locus.left - 1 and end > locus.right + 1:
                spanning[read.query_name] = read.query_name.split(".")[1] in carriers
            vote = read_haplotype(read, locus, filters.min_base_quality)
            if vote is not None and votes.setdefault(read.query_name, vote) != vote:
                votes[read.query_name] = -1
        origin = {name: name.split(".")[1] in carriers for name in votes}
        agree = sum((vote == 1) == origin[name] for name, vote in votes.items() if vote in (0, 1))
        rows.append(
            {
                "variant_id": row.variant_id,
                "planted": float(row.tumor_vaf),
                "depth": len(votes),
                "measured": sum(v == 1 for v in votes.values()) / len(votes),
                "realized": sum(spanning.values()) / len(spanning),
                "misassigned": sum(v in (0, 1) for v in votes.values()) - agree,
            }
        )
    return pd.DataFrame(rows)


def germline_records(results: Path) -> list[str]:
    """The records (no header) of a run's germline VCF."""
    import gzip

    with gzip.open(results / "calls" / "germline.vcf.gz", "rt") as handle:
        return [line for line in handle if not line.startswith("#")]


def germline_row(patient: str, truth: pd.DataFrame, joint: list[str], normal: list[str]) -> str:
    """A table row: planted germline variants found by each mode, other records, and whether the
    two germline VCFs hold the same records."""
    planted = set(truth.variant_id[truth.origin == "germline"])

    def ids(lines: list[str]) -> set[str]:
        return {":".join(line.split("\t")[i] for i in (0, 1, 3, 4)) for line in lines}

    found = [ids(lines) & planted for lines in (joint, normal)]
    others = [len(ids(lines) - planted) for lines in (joint, normal)]
    cells = [patient, str(len(planted)), *(f"{len(f)} ({', '.join(sorted(f))})" for f in found)]
    cells += [f"{others[0]} / {others[1]}", "yes" if joint == normal else "NO"]
    return "| " + " | ".join(cells) + " |"


def within_probability(n: int, p: float, tolerance: float = 0.05) -> float:
    """P(|X/n - p| <= tolerance) for X ~ Binomial(n, p)."""
    low, high = math.ceil(n * (p - tolerance) - 1e-9), math.floor(n * (p + tolerance) + 1e-9)
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(max(0, low), min(n, high) + 1))


def main() -> None:
    print(f"machine: {os.uname().machine}, {os.cpu_count()} CPUs\n")
    print("## Somatic calls against the planted truth\n")
    header = (
        "| setting | precision | recall (all) | recall VAF >= 0.10, >= 30x | recall VAF 0.05 | recall < 30x "
        "| germline called somatic |"
    )
    demo_results = None
    germline_lines = []
    for patient_name, patient in PATIENTS.items():
        truth = read_truth(patient["truth"])
        depths = tumor_depths(truth, patient["truth"].parent)
        somatic = truth[truth.origin == "somatic"]
        print(f"### {patient_name} patient: {len(somatic)} somatic, {len(truth) - len(somatic)} germline planted\n")
        print(header)
        print("|" + "---|" * 7)
        notes = []
        for setting, overlay in SETTINGS.items():
            with tempfile.TemporaryDirectory(prefix="neoag-bench-calling-") as tmp:
                results = run_calling(Path(tmp), patient, overlay)
                lines = recall_table(setting, truth, somatic_calls(results), depths)
                print(lines[0])
                notes += lines[1:]
                if patient_name == "demo" and overlay == "":
                    demo_results = pd.read_csv(results / "calls" / "evidence.tsv", sep="\t")
                if overlay == "":
                    joint = germline_records(results)
        print("\n" + "\n".join(notes) + "\n" if notes else "")
        with tempfile.TemporaryDirectory(prefix="neoag-bench-calling-") as tmp:
            normal = germline_records(run_calling(Path(tmp), patient, "germline:\n  calls: normal\n"))
        germline_lines.append(germline_row(patient_name, truth, joint, normal))

    print("## Germline neighbours: joint call against a second pass over the normal\n")
    print("| patient | germline planted | found, joint | found, normal | other germline records, joint / normal "
          "| same records |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    print("\n".join(germline_lines) + "\n")

    print("## Evidence VAFs on the demo patient (default run)\n")
    truth = read_truth(PATIENTS["demo"]["truth"])
    measured = demo_results.set_index("variant_id")
    table = realized(truth, REPO / "resources/demo")
    table["evidence_vaf"] = table.variant_id.map(measured.tumor_dna_vaf)
    table["evidence_depth"] = table.variant_id.map(measured.tumor_dna_depth)
    table["deviation"] = table.evidence_vaf - table.planted
    table["p_within"] = [within_probability(int(n), p) for n, p in zip(table.evidence_depth, table.planted)]
    print(
        "| variant | planted | evidence VAF (depth) | deviation | realized | misassigned fragments | P(within 0.05) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in table.itertuples():
        print(f"| {r.variant_id} | {r.planted:.2f} | {r.evidence_vaf:.3f} ({r.evidence_depth}) | {r.deviation:+.3f} | "
              f"{r.realized:.3f} | {r.misassigned} | {r.p_within:.2f} |")  # fmt: skip
    within = int((table.deviation.abs() <= 0.05).sum())
    print(
        f"\nwithin +-0.05 of the planted VAF: {within}/{len(table)} ({within / len(table):.0%}); binomial "
        f"sampling at these depths expects {table.p_within.sum():.1f}/{len(table)} "
        f"({table.p_within.mean():.0%}). Measured minus realized VAF: max "
        f"|{(table.evidence_vaf - table.realized).abs().max():.3f}|; fragments assigned to the wrong allele: "
        f"{int(table.misassigned.sum())} of {int(table.depth.sum())}."
    )
    kinds = Counter("indel" if len(v.split(":")[2]) != len(v.split(":")[3]) else "snv" for v in table.variant_id)
    indels = table[[len(v.split(":")[2]) != len(v.split(":")[3]) for v in table.variant_id]]
    print(
        f"indels ({kinds['indel']}): mean deviation {indels.deviation.mean():+.3f}, mean measured - realized "
        f"{(indels.evidence_vaf - indels.realized).mean():+.3f}"
    )


if __name__ == "__main__":
    main()
