#!/usr/bin/env python3
"""Benchmark: select_somatic's cost per candidate allele with 1 and more worker processes.

Candidates: the demo's planted variants plus, every --step bases of each demo contig,
an SNV and a one-base deletion (about 2 x 31,000 / step alleles), counted in the demo's
tumor, normal and tumor RNA BAMs (resources/demo/) exactly as the workflow's
select_somatic rule does (neoag.calling.somatic.select_somatic, workers = the rule's
threads, config calling.evidence_threads). Each setting runs --repeats times; the
best wall time is kept (the machine may be shared), and the CPU time (user + system
of this process and its worker processes) shows the work itself apart from the
machine's load. The evidence tables of every
worker count are compared byte for byte with the one-worker table.

    .venv/bin/python bench/select_somatic.py --step 20 --workers 1 2
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
sys.path.insert(0, str(REPO / "scripts"))

from neoag.calling.calls import Candidate, write_candidates  # noqa: E402
from neoag.calling.evidence import ReadFilters  # noqa: E402
from neoag.calling.somatic import SomaticFilters, select_somatic  # noqa: E402


def synthetic_candidates(step: int) -> tuple[list[Candidate], list[tuple[str, int]]]:
    """Planted variants plus an SNV and a 1-base deletion every `step` bases, sorted."""
    import pysam

    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    alleles = {}
    with open(DEMO / "truth.tsv") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            alleles[(row["chrom"], int(row["pos"]), row["ref"], row["alt"])] = None
    for chrom, length in zip(fasta.references, fasta.lengths):
        for pos in range(step, length - 10, step):
            base = fasta.fetch(chrom, pos - 1, pos).upper()
            alleles[(chrom, pos, base, "ACGT"[("ACGT".index(base) + 1) % 4])] = None
            alleles[(chrom, pos + 3, fasta.fetch(chrom, pos + 2, pos + 4).upper(), base)] = None
    order = {name: i for i, name in enumerate(fasta.references)}
    candidates = [
        Candidate(chrom, pos, ref, alt, ("freebayes",), None, None)
        for chrom, pos, ref, alt in sorted(alleles, key=lambda a: (order[a[0]], *a[1:]))
    ]
    return candidates, list(zip(fasta.references, fasta.lengths))


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def mean_depth(bam: str) -> float:
    import pysam

    with pysam.AlignmentFile(bam) as handle:
        bases = sum(read.query_alignment_length for read in handle.fetch() if not read.is_secondary)
        return bases / sum(handle.lengths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=20, help="bases between synthetic candidates")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    candidates, contigs = synthetic_candidates(args.step)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    depths = ", ".join(f"{name} {mean_depth(str(DEMO / name)):.0f}x" for name in ("tumor.bam", "normal.bam"))
    print(f"{len(candidates)} candidate alleles; mean depth {depths}; plus tumor_rna.bam\n")
    print("| workers | best wall s | wall ms per candidate | speed-up | CPU ms per candidate | evidence.tsv |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        vcf = os.path.join(tmp, "candidates.vcf.gz")
        write_candidates(candidates, vcf, contigs)
        first = None
        base_time = None
        for workers in args.workers:
            times, cpus = [], []
            for _ in range(args.repeats):
                cpu_start = cpu_seconds()
                start = time.perf_counter()
                select_somatic(vcf, str(DEMO / "tumor.bam"), str(DEMO / "normal.bam"), str(DEMO / "tumor_rna.bam"),
                               str(DEMO / "genome.fa"), os.path.join(tmp, "evidence.tsv"),
                               os.path.join(tmp, "somatic.vcf.gz"), SomaticFilters(), ReadFilters(),
                               workers=workers)  # fmt: skip
                times.append(time.perf_counter() - start)
                cpus.append(cpu_seconds() - cpu_start)
            table = Path(tmp, "evidence.tsv").read_text()
            first = table if first is None else first
            best = min(times)
            base_time = base_time or best
            same = "identical" if table == first else "DIFFERS"
            per_candidate = 1000 * best / len(candidates)
            cpu = 1000 * min(cpus) / len(candidates)
            print(f"| {workers} | {best:.2f} | {per_candidate:.2f} | {base_time / best:.2f} | {cpu:.2f} | {same} |")


if __name__ == "__main__":
    sys.stderr = open(os.devnull, "w")  # select_somatic's per-candidate log lines
    main()
