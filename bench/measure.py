"""Measuring one command for the benchmarks: its wall and CPU seconds."""

from __future__ import annotations

import resource
import subprocess
import time


def run_measured(command: list[str], **options) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run command to its end (check=True, output captured unless options say otherwise): the
    completed process, its wall seconds and its CPU seconds (user + system, its children included;
    this machine is shared, so CPU seconds are the fairer figure)."""
    options = {"capture_output": True, "text": True, **options}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, check=True, **options)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return completed, wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
