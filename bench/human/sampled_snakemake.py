"""Snakemake whose `benchmark:` records sample every job every 0.5 s for its whole life.

Snakemake samples a job's processes every 0.5 s for its first 15 s, then every
30 s, and a job's CPU seconds miss what it spent after its last sample: up to
30 s for a job of a minute. The benchmark runner (run.py) starts Snakemake
through this file so that a job's CPU seconds miss at most its last half second.
Nothing else changes: same arguments as `snakemake`.
"""

import sys

import snakemake.benchmark as benchmark

# After `interval` samples the timer switches to gaps of `interval` seconds; never here.
NEVER = 10**9
benchmark.benchmarked.__defaults__ = (None, None, NEVER)
benchmark.BenchmarkTimer.__init__.__defaults__ = (NEVER,)

from snakemake.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
