#!/usr/bin/env python3
"""Benchmark: the demo patient end to end, from scratch, on this machine.

Runs `snakemake --cores N` in a fresh temporary working directory under GNU
time and prints the wall time, the peak memory of the largest process, and
Snakemake's own per-job benchmark records, as a Markdown table for
bench/README.md.

    .venv/bin/python bench/demo_run.py [--cores 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="neoag-bench-") as tmp:
        workdir = Path(tmp)
        for name in ("config", "resources"):
            (workdir / name).symlink_to(REPO / name)
        command = [
            "/usr/bin/time", "-v",
            sys.executable, "-m", "snakemake",
            "--snakefile", str(REPO / "workflow" / "Snakefile"),
            "--directory", str(workdir),
            "--cores", str(args.cores),
            "--quiet", "all",
        ]  # fmt: skip
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        completed = subprocess.run(command, capture_output=True, text=True, env=env)
        if completed.returncode != 0:
            sys.exit(completed.stderr[-3000:])
        wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", completed.stderr).group(1)
        peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr).group(1))

        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; snakemake --cores {args.cores}")
        print(f"wall time (h:mm:ss or m:ss): {wall}")
        print(f"peak memory of the largest single process: {peak_kb / 1024:.0f} MiB\n")
        print("| job | wall s | max RSS MiB |\n| --- | ---: | ---: |")
        for record in sorted((workdir / "benchmarks").rglob("*.tsv")):
            with open(record) as handle:
                row = next(csv.DictReader(handle, delimiter="\t"))
            name = record.relative_to(workdir / "benchmarks").with_suffix("").as_posix()
            print(f"| {name} | {float(row['s']):.1f} | {float(row['max_rss']):.0f} |")


if __name__ == "__main__":
    main()
