#!/usr/bin/env python3
"""Benchmark: the whole workflow on the human-scale synthetic patient, and an exome extrapolation.

One command: generates the patient with make_patient.py when --data does not
hold one of the asked size, writes a config and a sample sheet for it, runs
`.venv/bin/snakemake --cores N` from scratch in a fresh working directory for
each --cores (bounded by `timeout -k`), and prints Markdown for bench/README.md:

- the machine, its load, the commands;
- per job: wall s, CPU s, max RSS, input size (Snakemake `benchmark:` records;
  inputs from Snakemake's log);
- whole-run wall time for each core count and the speed-up;
- an extrapolation to an exome on 16 cores: every rule's measured time scaled by
  its own driver (read pairs per BAM, candidate alleles, epitope rows or fixed
  = human-size GTF), parallel rules spread over the cores, and the critical path
  (longest path of the rule graph weighted by those times), with the arithmetic.

    .venv/bin/python bench/human/run.py                       # 1,000 genes at 100x, --cores 2 1
    .venv/bin/python bench/human/run.py --small --cores 2     # 20 genes: a quick end-to-end check
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/
from measure import run_measured  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = REPO / ".venv" / "bin" / "snakemake"
ALLELES = "HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01"
DRIVER_KEY = {"reads": "pairs", "candidates": "candidates", "rows": "rows", "fixed": "fixed"}
EXOME = {"pairs": 100e6, "candidates": (40_000, 100_000), "rows": 2.3e6, "cores": 16}
# What each rule's work grows with (rules not listed: fixed).
DRIVERS = {
    "reads": {"call_freebayes", "call_bcftools", "call_germline", "select_germline", "hla_reads", "region_bed"},
    "candidates": {"gather_calls", "prepare_calls", "normalise_calls", "consensus", "select_somatic"},
    "rows": {
        "peptides",
        "plan_scoring",
        "score_chunk",
        "gather_scores",
        "export_scores",
        "rank",
        "report",
        "cohort_summary",
        "cohort_report",
        "pvacview_export",
        "multiqc_content",
        "annotate_somatic_vcf",
    },
}


# freebayes loads each contig of its targets whole (748 MB and 4.5 CPU s for GRCh38's chr1)
# before it reads a single alignment: a cost per job and contig that does not grow with the reads.
FREEBAYES_BAMS = {"call_freebayes": ("tumor.bam", "normal.bam"), "call_germline": ("normal.bam",)}


def driver_of(rule: str, rules: set[str] = frozenset()) -> str:
    if rule == "select_germline" and "call_germline" not in rules:
        return "candidates"  # germline.calls joint: a table of select_somatic's counts, no reads counted
    return next((d for d, listed in DRIVERS.items() if rule in listed), "fixed")


def freebayes_fixed_costs(data: Path, rules: set[str]) -> dict[str, dict[str, float]]:
    """Per freebayes rule that ran (of rules) and contig: CPU s of freebayes over the contig's first
    base (an N: no reads), i.e. what a job pays for each contig it touches before any read.
    Measured once per --data and rule (call_germline runs only with germline.calls normal)."""
    cached = data / "freebayes_fixed.json"
    costs: dict[str, dict[str, float]] = json.loads(cached.read_text()) if cached.exists() else {}
    missing = [rule for rule in FREEBAYES_BAMS if rule in rules and rule not in costs]
    contigs = [line.split("\t")[0] for line in (data / "genome.fa.fai").read_text().splitlines()]
    for rule in missing:
        costs[rule] = {}
        for contig in contigs:
            bed = data / "first_base.bed"
            bed.write_text(f"{contig}\t0\t1\n")
            command = ["freebayes", "--fasta-reference", str(data / "genome.fa"), "--targets", str(bed)]
            costs[rule][contig] = run_measured([*command, *(str(data / bam) for bam in FREEBAYES_BAMS[rule])])[2]
    if missing:
        cached.write_text(json.dumps(costs, indent=1))
    return costs


def job_fixed_cost(workdir: Path, row: dict, costs: dict[str, dict[str, float]]) -> float:
    """The freebayes job's cost that does not grow with reads: its BED's contigs' fixed costs."""
    name = row["job"].rsplit("/", 1)[-1]
    bed = {
        "call_freebayes": workdir / "results" / "regions" / f"{name}.bed",
        "call_germline": workdir / "results" / "human" / "calls" / "germline" / "targets" / f"{name}.bed",
    }[row["rule"]]
    if not bed.exists():
        return 0.0
    contigs = {line.split("\t")[0] for line in bed.read_text().splitlines() if line.strip()}
    return sum(costs[row["rule"]].get(contig, 0.0) for contig in contigs)


def ensure_patient(args: argparse.Namespace) -> dict:
    summary = args.data / "patient.json"
    if summary.exists():
        existing = json.loads(summary.read_text())
        asked = (args.genes, args.coverage, args.scale)
        if (existing["genes"], existing["coverage"], existing.get("scale", 1.0)) == asked:
            return existing
    command = [
        sys.executable,
        str(REPO / "bench/human/make_patient.py"),
        "--outdir",
        str(args.data),
        "--genes",
        str(args.genes),
        "--coverage",
        str(args.coverage),
        "--annotation-genes",
        str(args.annotation_genes),
        "--scale",
        str(args.scale),
    ]
    print("generating:", " ".join(command), file=sys.stderr)
    subprocess.run(["nice", *command], check=True)
    return json.loads(summary.read_text())


def write_config(workdir: Path, data: Path, regions: bool, scatter_jobs: int) -> Path:
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    config["samples"] = str(workdir / "samples.tsv")
    config["reference"] = {"fasta": str(data / "genome.fa"), "gtf": str(data / "annotation.gtf")}
    config["hla"]["typer"] = "sample_sheet"
    if regions:
        config["calling"]["regions"] = str(data / "targets.bed")
    config["calling"]["scatter_jobs"] = scatter_jobs
    for section, key in (("mhcflurry", "models"), ("hla", "reference")):
        config[section][key] = str(REPO / config[section][key])
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (workdir / "samples.tsv").write_text(
        "sample\ttumor_bam\tnormal_bam\trna_bam\thla_alleles\n"
        f"human\t{data / 'tumor.bam'}\t{data / 'normal.bam'}\t\t{ALLELES}\n"
    )
    return workdir / "config.yaml"


def run_workflow(workdir: Path, config: Path, cores: int, limit: int) -> tuple[float, int]:
    command = [
        "timeout",
        "-k",
        "10",
        str(limit),
        "nice",
        sys.executable,
        str(REPO / "bench/human/sampled_snakemake.py"),
        "--snakefile",
        "workflow/Snakefile",
        "--directory",
        str(workdir),
        "--configfile",
        str(config),
        "--cores",
        str(cores),
        "all",
    ]
    print("running:", " ".join(command), file=sys.stderr)
    started = time.time()
    with open(workdir / "snakemake.out", "w") as out:
        completed = subprocess.run(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        tail = (workdir / "snakemake.out").read_text()[-3000:]
        print(f"snakemake --cores {cores} failed (exit {completed.returncode}); log {workdir}/snakemake.out:\n{tail}",
              file=sys.stderr)  # fmt: skip
    return time.time() - started, completed.returncode


def parse_jobs(workdir: Path) -> dict[str, dict]:
    """benchmark path -> {rule, threads, input bytes} from Snakemake's log."""
    # The run's log is the largest (--rulegraph writes a small one too).
    log = max((workdir / ".snakemake" / "log").glob("*.log"), key=lambda p: p.stat().st_size)
    jobs, current = {}, None
    for line in log.read_text().splitlines():
        head = re.match(r"^(?:local)?(?:rule|checkpoint) (\w+):$", line)
        if head:
            current = {"rule": head.group(1), "threads": 1, "input": []}
            continue
        field = re.match(r"^    (\w+): (.*)$", line)
        if current is None or not field:
            current = None if not line.startswith("    ") else current
            continue
        key, value = field.groups()
        if key == "input":
            current["input"] = [p.strip() for p in value.split(",")]
        elif key == "threads":
            current["threads"] = int(value)
        elif key == "benchmark":
            jobs[value.strip()] = current
    for job in jobs.values():
        job["input_bytes"] = sum(_size(workdir, p) for p in job["input"])
    return jobs


def _size(workdir: Path, path: str) -> int:
    target = Path(path) if Path(path).is_absolute() else workdir / path
    if target.is_dir():
        return sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    return target.stat().st_size if target.exists() else 0


def collect(workdir: Path) -> list[dict]:
    jobs = parse_jobs(workdir)
    rows = []
    for record in sorted((workdir / "benchmarks").rglob("*.tsv")):
        with open(record) as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        key = record.relative_to(workdir).as_posix()
        job = jobs.get(
            key,
            {
                "rule": record.relative_to(workdir / "benchmarks").parts[0].removesuffix(".tsv"),
                "threads": 1,
                "input_bytes": 0,
            },
        )
        cpu = float(row["cpu_time"]) if row.get("cpu_time", "NA") not in ("NA", "") else float(row["s"])
        log = workdir / "logs" / f"{key[len('benchmarks/') : -len('.tsv')]}.log"
        serial = re.search(r"^main process: ([\d.]+) CPU s", log.read_text(), re.M) if log.exists() else None
        rows.append(
            {
                "job": key[len("benchmarks/") : -len(".tsv")],
                "rule": job["rule"],
                "threads": job["threads"],
                "wall": float(row["s"]),
                "cpu": cpu,
                "rss": float(row["max_rss"]) if row["max_rss"] != "NA" else 0.0,
                "input_bytes": job["input_bytes"],
                # a multi-process job's main process (neoag.step.run_step logs it): not parallel
                "serial": min(float(serial.group(1)), cpu) if serial else None,
            }
        )
    return rows


def measured_drivers(workdir: Path, patient: dict) -> dict[str, float]:
    """Read pairs per BAM, candidate alleles, epitope rows (NaN where the run did not get there)."""
    results = workdir / "results" / "human"
    candidates = rows = math.nan
    if (results / "calls" / "candidates.vcf.gz").exists():
        with gzip.open(results / "calls" / "candidates.vcf.gz", "rt") as handle:
            candidates = sum(1 for line in handle if not line.startswith("#"))
    if (results / "all_epitopes.tsv").exists():
        with open(results / "all_epitopes.tsv") as handle:
            rows = sum(1 for _ in handle) - 1
    pairs = (patient["pairs"]["tumor"] + patient["pairs"]["normal"]) / 2
    return {"pairs": pairs, "candidates": candidates, "rows": rows}


def rule_graph(workdir: Path, config: Path) -> dict[str, set[str]]:
    """rule -> the rules it needs, from `snakemake --rulegraph`."""
    command = [
        str(SNAKEMAKE),
        "--snakefile",
        "workflow/Snakefile",
        "--directory",
        str(workdir),
        "--configfile",
        str(config),
        "--rulegraph",
        "--forceall",
        "all",
    ]
    dot = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
    names = dict(re.findall(r'^\s*(\d+)\[label = "(\w+)"', dot, re.M))
    needs: dict[str, set[str]] = {name: set() for name in names.values()}
    for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, re.M):
        needs[names[b]].add(names[a])
    # plan_scoring is a checkpoint: the dry-run graph cannot see its score_chunk jobs.
    if "gather_scores" in needs:
        needs["score_chunk"] = {"plan_scoring"}
        needs["gather_scores"].add("score_chunk")
    return needs


def extrapolate(rows: list[dict], drivers: dict[str, float], candidates: int, measure: str) -> dict[str, dict]:
    """Per rule: exome seconds on EXOME['cores'] cores, with the arithmetic.

    measure "cpu": a job's CPU seconds over its threads (its own work: the machine is shared);
    "wall": its wall seconds (an upper bound here: they include waiting for the shared cores).
    A freebayes job's fixed cost (row "fixed": loading its contigs, CPU-bound) is not scaled.
    """
    by_rule = defaultdict(list)
    for row in rows:
        by_rule[row["rule"]].append(row)
    rules = set(by_rule)
    out = {}
    for rule, jobs in by_rule.items():
        driver = driver_of(rule, rules)
        own = jobs[0].get("drivers", drivers)
        f = {"reads": EXOME["pairs"] / own["pairs"], "candidates": candidates / own["candidates"],
             "rows": EXOME["rows"] / own["rows"], "fixed": 1.0}[driver]  # fmt: skip
        base = [max(j["cpu"] / j["threads"] if measure == "cpu" else j["wall"], 0.01) for j in jobs]
        fixed = [min(j.get("fixed", 0.0), b) for j, b in zip(jobs, base)]
        scaled = [c + (b - c) * f for b, c in zip(base, fixed)]
        threads = max(j["threads"] for j in jobs)
        total = sum(scaled)
        growth = f"{sum(base):.1f} s x {f:.2f}"
        if sum(fixed):
            growth = f"(({sum(base):.1f} - {sum(fixed):.1f} fixed) s x {f:.2f} + {sum(fixed):.1f} s)"
        if rule == "score_chunk":
            # Chunks hold a fixed number of unique peptides, which grow with the rows.
            width = min(EXOME["cores"] // threads, max(1, math.ceil(len(jobs) * f)))
            seconds, how = total / width, f"{growth} / {width} jobs at once"
        elif len(jobs) > 1:
            width = EXOME["cores"] // threads
            largest = max(range(len(jobs)), key=lambda i: scaled[i])
            seconds = max(total / width, scaled[largest])
            how = f"max({growth} / {width}, largest job {scaled[largest]:.0f})"
        elif threads > 1 and measure == "cpu" and jobs[0].get("serial") is not None:
            serial, work = jobs[0]["serial"], jobs[0]["cpu"]
            seconds = serial * f + (work - serial) * f / EXOME["cores"]
            how = f"{serial:.1f} s main process x {f:.2f} + {work - serial:.1f} s workers x {f:.2f} / {EXOME['cores']}"
        elif threads > 1:
            seconds, how = total * threads / EXOME["cores"], f"{growth} x {threads} / {EXOME['cores']} processes"
        else:
            seconds, how = total, growth
        out[rule] = {
            "driver": driver,
            "factor": f,
            "seconds": seconds,
            "how": how,
            "jobs": len(jobs),
            "threads": threads,
            # the part of the rule's time that one process spends alone
            "serial_seconds": seconds
            if threads == 1 and len(jobs) == 1
            else (jobs[0]["serial"] * f if len(jobs) == 1 and measure == "cpu" and jobs[0].get("serial") else 0.0),
            "source": jobs[0].get("source", ""),
        }
    return out


def critical_path(needs: dict[str, set[str]], cost: dict[str, dict]) -> tuple[float, list[str]]:
    memo: dict[str, tuple[float, list[str]]] = {}

    def longest(rule: str) -> tuple[float, list[str]]:
        if rule not in memo:
            best = max((longest(r) for r in needs.get(rule, ())), default=(0.0, []), key=lambda x: x[0])
            memo[rule] = (best[0] + cost.get(rule, {"seconds": 0.0})["seconds"], [*best[1], rule])
        return memo[rule]

    return max((longest(r) for r in needs), key=lambda x: x[0])


def _mib(n: float) -> str:
    return f"{n / 2**20:,.1f}" if n < 2**30 else f"{n / 2**30:,.2f} Gi"


def job_table(rows: list[dict]) -> list[str]:
    lines = [
        "| job | threads | wall s | CPU s | max RSS MiB | input MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(rows, key=lambda r: -r["wall"]):
        lines.append(
            f"| {r['job']} | {r['threads']} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} | "
            f"{_mib(r['input_bytes'])} |"
        )
    return lines


def extrapolation_text(rows: list[dict], drivers: dict[str, float], needs: dict[str, set[str]]) -> list[str]:
    lines = []
    for candidates in EXOME["candidates"]:
        cost = extrapolate(rows, drivers, candidates, "cpu")
        wall = extrapolate(rows, drivers, candidates, "wall")
        total, path = critical_path(needs, cost)
        wall_total, wall_path = critical_path(needs, wall)
        lines += [
            f"\nExome on {EXOME['cores']} cores, {candidates:,} candidates: factors reads "
            f"{EXOME['pairs']:.0f} / {drivers['pairs']:.0f} pairs = {EXOME['pairs'] / drivers['pairs']:.1f}, "
            f"candidates {candidates} / {drivers['candidates']:.0f} = {candidates / drivers['candidates']:.2f}, "
            f"rows {EXOME['rows']:.0f} / {drivers['rows']:.0f} = {EXOME['rows'] / drivers['rows']:.2f}"
            " (nan: the run did not get there).\n",
            "| rule | driver | jobs | exome s on 16 cores, CPU rate | arithmetic (CPU rate) | on critical path"
            " | exome s, wall rate (upper bound) |",
            "| --- | --- | ---: | ---: | --- | --- | ---: |",
        ]
        for rule, c in sorted(cost.items(), key=lambda kv: -kv[1]["seconds"]):
            mark = "yes" if rule in path else ""
            if mark and c["serial_seconds"] > 120:
                mark = "yes, single-threaded > 2 min" if c["threads"] == 1 else "yes, main process alone > 2 min"
            lines.append(
                f"| {rule}{c['source']} | {c['driver']} | {c['jobs']} | {c['seconds']:.0f} | {c['how']} | {mark}"
                f" | {wall[rule]['seconds']:.0f} |"
            )
        lines.append(
            f"\nCritical path ({candidates:,} candidates): {' -> '.join(r for r in path if r in cost)}: "
            f"{' + '.join(format(cost[r]['seconds'], '.0f') for r in path if r in cost)}"
            f" = **{total:.0f} s = {total / 60:.1f} min** at CPU rates; at wall rates (upper bound) "
            f"{' -> '.join(r for r in wall_path if r in wall)}: **{wall_total:.0f} s = {wall_total / 60:.1f} min**."
        )
    return lines


def machine_line() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) / 2**20
    load = os.getloadavg()[0]
    return f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, load average {load:.1f} at start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/neoag-human"), help="patient folder (made if needed)")
    parser.add_argument("--genes", type=int, default=1000)
    parser.add_argument("--coverage", type=float, default=100.0)
    parser.add_argument("--annotation-genes", type=int, default=60000)
    parser.add_argument("--scale", type=float, default=1.0, help="contig lengths x this (tests only; default 1)")
    parser.add_argument("--small", action="store_true", help="20 genes at 60x with a 1,000-gene GTF")
    parser.add_argument("--cores", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per workflow run (timeout -k 10)")
    parser.add_argument(
        "--no-regions", action="store_true", help="call the whole genome (default: calling.regions = targets.bed)"
    )
    parser.add_argument(
        "--scatter-jobs",
        type=int,
        default=64,
        help="calling.scatter_jobs: freebayes jobs of equal target size (64: as for an exome; 0: one per contig)",
    )
    parser.add_argument("--fill-from", type=Path, help="a complete run's folder: rules this run did not reach")
    parser.add_argument("--report-only", action="store_true", help="only print the tables of runs already made")
    parser.add_argument("--workdir", type=Path, default=None, help="where the runs go (default DATA/runs)")
    args = parser.parse_args()
    if args.small:
        args.genes, args.coverage, args.annotation_genes = 20, 60.0, 1000
    load = machine_line()
    patient = json.loads((args.data / "patient.json").read_text()) if args.report_only else ensure_patient(args)
    runs, out = {}, [f"Machine: {load}. Patient: {json.dumps(patient)}.", ""]
    for cores in args.cores:
        workdir = (args.workdir or args.data / "runs") / f"cores{cores}"
        config = workdir / "config.yaml"
        if not args.report_only:
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            for name in ("config", "resources"):
                (workdir / name).symlink_to(REPO / name)
            config = write_config(workdir, args.data, not args.no_regions, args.scatter_jobs)
            start_load = os.getloadavg()[0]
            wall, code = run_workflow(workdir, config, cores, args.timeout)
            record = {"wall": wall, "exit": code, "load_start": start_load, "load_end": os.getloadavg()[0]}
            (workdir / "wall.json").write_text(json.dumps(record))
        record = json.loads((workdir / "wall.json").read_text())
        runs[cores] = (record, workdir, config)
        print(f"--cores {cores}: {record['wall']:.0f} s", file=sys.stderr)
    out.append(
        "| snakemake --cores | wall s, whole run | speed-up vs --cores "
        f"{min(runs)} | CPU s, sum of the jobs | load average at start, end |"
    )
    out.append("| ---: | ---: | ---: | ---: | --- |")
    done = f"timeout -k 10 {args.timeout}"
    for cores, (record, workdir, _) in sorted(runs.items()):
        cpu = sum(r["cpu"] for r in collect(workdir))
        note = f" (INCOMPLETE: stopped by {done})" if record.get("exit") else ""
        speedup = runs[min(runs)][0]["wall"] / record["wall"]
        out.append(
            f"| {cores} | {record['wall']:.0f}{note} | {speedup:.2f} | {cpu:.0f} |"
            f" {record['load_start']:.1f}, {record['load_end']:.1f} |"
        )
    cores = max(runs)
    workdir, config = runs[cores][1], runs[cores][2]
    rows = collect(workdir)
    drivers = measured_drivers(workdir, patient)
    costs = freebayes_fixed_costs(args.data, {row["rule"] for row in rows})
    for row in rows:
        if row["rule"] in FREEBAYES_BAMS:
            row["fixed"] = job_fixed_cost(workdir, row, costs)
    out += ["", f"Jobs of the --cores {cores} run (Snakemake benchmark records):", "", *job_table(rows)]
    ran = {r["rule"] for r in rows}
    rows = [r for r in rows if not math.isnan(drivers.get(DRIVER_KEY[driver_of(r["rule"], ran)], 0.0))]
    if args.fill_from:
        fill_patient = json.loads((args.fill_from.parents[1] / "patient.json").read_text())
        fill_drivers = measured_drivers(args.fill_from, fill_patient)
        measured = {r["rule"] for r in rows}
        fill = [r for r in collect(args.fill_from) if r["rule"] not in measured]
        for r in fill:
            r.update(drivers=fill_drivers, source=" (small run)")
        rows += fill
        out.append(f"\nRules the run did not reach are taken from {args.fill_from} (patient "
                   f"{json.dumps(fill_patient)}; drivers {json.dumps(fill_drivers)}), marked (small run).")  # fmt: skip
    out += [
        f"\nMeasured drivers: {drivers['pairs']:.0f} read pairs per BAM, "
        f"{drivers['candidates']} candidate alleles, {drivers['rows']} epitope rows."
    ]
    out += extrapolation_text(rows, drivers, rule_graph(workdir, config))
    text = "\n".join(out) + "\n"
    (args.data / f"bench_{'_'.join(map(str, args.cores))}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
