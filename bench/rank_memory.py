#!/usr/bin/env python3
"""Benchmark: peak memory and time of `rank` (neoag.ranking.rank.write_rankings) by epitope rows.

A synthetic sample of about --rows all_epitopes rows is made from the demo patient's
own rank inputs (results/demo/ of a demo run: peptides, annotations, evidence,
scores and the reference proteome), copied as many times as needed. Copy c gets
its own variants (POS + c * 1,000,000, the same variant in every table) and its own
peptides: every peptide and flank has its first residues shifted along the amino-acid
alphabet by the digits of c in base 20, the same shift for MT, WT and the score
file, so each copy has its own unique peptides and scores to join, as a larger
exome would. Each size runs write_rankings in a fresh process; peak memory is that
process's own high-water mark (VmHWM), wall and CPU time from the parent.

    .venv/bin/snakemake --cores 2                          # once: the demo's results/demo/
    .venv/bin/python bench/rank_memory.py --rows 230000 2300000
    .venv/bin/python bench/rank_memory.py --rows 230000 --check   # and compare with the whole-table path

--check also ranks each sample the way rank did before groups of variants (the whole
table in memory: build_all_epitopes, build_candidates, build_variants) in another
fresh process, and compares the three tables byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from measure import run_measured  # noqa: E402  (bench/measure.py, beside this file)

from neoag.scoring.score_files import SCORE_ARRAYS, ChunkScores, load_scores, save_scores  # noqa: E402
from neoag.tables import read_table  # noqa: E402

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
POS_STEP = 1_000_000


def shifted(text: str, copy: int) -> str:
    """text with residue i moved along AMINO_ACIDS by digit i of copy in base 20."""
    residues = list(text)
    i = 0
    while copy and i < len(residues):
        copy, digit = divmod(copy, 20)
        if residues[i] in AMINO_ACIDS:
            residues[i] = AMINO_ACIDS[(AMINO_ACIDS.index(residues[i]) + digit) % 20]
        i += 1
    return "".join(residues)


def moved_ids(ids: pd.Series, copy: int) -> pd.Series:
    """chrom:pos:ref:alt -> chrom:(pos + copy * POS_STEP):ref:alt."""
    parts = ids.str.split(":", expand=True)
    return parts[0] + ":" + (parts[1].astype(int) + copy * POS_STEP).astype(str) + ":" + parts[2] + ":" + parts[3]


def copy_variants(table: pd.DataFrame, copy: int) -> pd.DataFrame:
    table = table.copy()
    table["variant_id"] = moved_ids(table.variant_id, copy)
    if "pos" in table.columns:
        table["pos"] = (table.pos.astype(int) + copy * POS_STEP).astype(str)
    return table


def make_inputs(demo: Path, copies: int, out: Path) -> dict[str, str]:
    """The rank inputs of a sample made of `copies` copies of the demo's (written under out)."""
    peptides, annotations, evidence = (
        read_table(str(demo / name))
        for name in ("peptides/peptides.tsv", "annotation/annotations.tsv", "calls/evidence.tsv")
    )
    work, alleles, scores = load_scores(str(demo / "scores/scores.npz"))
    peptide_columns = ["mt_peptide", "wt_peptide", "mt_n_flank", "mt_c_flank", "wt_n_flank", "wt_c_flank"]
    parts: dict[str, list] = {"peptides": [], "annotations": [], "evidence": [], "work": []}
    for copy in range(copies):
        part = copy_variants(peptides, copy)
        for column in peptide_columns:
            part[column] = [shifted(value, copy) for value in part[column]]
        parts["peptides"].append(part)
        parts["annotations"].append(copy_variants(annotations, copy))
        parts["evidence"].append(copy_variants(evidence, copy))
        parts["work"].append(work.map(lambda value, c=copy: shifted(value, c)))
    all_work = pd.concat(parts["work"], ignore_index=True)
    first = ~all_work.duplicated().to_numpy()  # two copies can meet on one peptide: its first scores
    arrays = {}
    for name in SCORE_ARRAYS:
        values = getattr(scores, name)
        if values is not None:
            arrays[name] = np.concatenate([values] * copies)[first]
    paths = {name: str(out / f"{name}.tsv") for name in ("peptides", "annotations", "evidence")}
    for name in paths:
        pd.concat(parts[name], ignore_index=True).to_csv(paths[name], sep="\t", index=False)
    paths["scores"] = str(out / "scores.npz")
    save_scores(paths["scores"], all_work[first].reset_index(drop=True), alleles, ChunkScores(**arrays))
    return paths


RUN = """
import glob, os, sys, threading, time
sys.path.insert(0, {scripts!r})
from neoag.ranking.rank import Filters, write_rankings
sys.stderr = open({log!r}, "w")
peak, done = [0], threading.Event()
def pss_kib(pid):
    try:
        return int(next(l.split()[1] for l in open(f"/proc/{{pid}}/smaps_rollup") if l.startswith("Pss:")))
    except (OSError, StopIteration):
        return 0
def sample():  # the process and its workers together: proportional set sizes (shared pages split)
    while not done.wait(0.2):
        kids = [int(p) for f in glob.glob("/proc/self/task/*/children") for p in open(f).read().split()]
        peak[0] = max(peak[0], sum(pss_kib(pid) for pid in [os.getpid(), *kids]))
threading.Thread(target=sample, daemon=True).start()
write_rankings("synthetic", {peptides!r}, {annotations!r}, {evidence!r}, {scores!r}, Filters(),
               {out!r} + "/all_epitopes.tsv", {out!r} + "/candidates.tsv", {out!r} + "/variants.tsv",
               proteome_fasta={proteome!r}, workers={workers})
done.set()
hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(hwm, peak[0], file=sys.__stdout__)
"""

WHOLE = """
import sys
sys.path.insert(0, {scripts!r})
from neoag.annotation.expression import add_expression
from neoag.annotation.proteome import found_in_proteome, read_proteome
from neoag.columns import ALL_EPITOPES, CANDIDATES, VARIANTS
from neoag.ranking.rank import Filters, build_all_epitopes, build_candidates, build_variants
from neoag.scoring.score_files import score_table
from neoag.tables import read_table, write_table
peptides, annotations, evidence = read_table({peptides!r}), read_table({annotations!r}), read_table({evidence!r})
found = found_in_proteome(peptides.mt_peptide, read_proteome({proteome!r}))
table = build_all_epitopes("synthetic", peptides, annotations, evidence, score_table({scores!r}), Filters(),
                           reference_peptides=found)
candidates = build_candidates(table)
write_table(table, {out!r} + "/all_epitopes.tsv", ALL_EPITOPES)
write_table(candidates, {out!r} + "/candidates.tsv", CANDIDATES)
variants = add_expression(build_variants("synthetic", annotations, evidence, table, candidates), None)
write_table(variants, {out!r} + "/variants.tsv", VARIANTS)
"""
TABLES = ("all_epitopes.tsv", "candidates.tsv", "variants.tsv")


def same_as_whole(code: str, tmp: str) -> str:
    """Rank the sample with the whole-table path too (code: WHOLE, formatted) and compare the tables."""
    subprocess.run([sys.executable, "-c", code], check=True)
    same = [filecmp.cmp(os.path.join(tmp, name), os.path.join(tmp, "whole", name), shallow=False) for name in TABLES]
    return "identical" if all(same) else "DIFFERENT: " + ", ".join(n for n, s in zip(TABLES, same) if not s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[230_000, 2_300_000])
    parser.add_argument("--demo", type=Path, default=REPO / "results" / "demo")
    parser.add_argument("--check", action="store_true", help="compare with the whole-table ranking")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="rank's processes (config ranking.threads)")
    parser.add_argument("--tmp", default=None, help="folder for the synthetic inputs and tables (default: TMPDIR)")
    args = parser.parse_args()
    proteome = args.demo.parent / "reference" / "proteome.fa"
    if not (args.demo / "scores/scores.npz").is_file() or not proteome.is_file():
        sys.exit(f"{args.demo}: no demo results; run the demo first (.venv/bin/snakemake --cores 2)")
    demo_rows = sum(1 for _ in open(args.demo / "all_epitopes.tsv")) - 1
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"demo sample: {demo_rows} all_epitopes rows\n")
    print("| copies of the demo | all_epitopes rows | input peptides rows | workers | peak RSS MiB (main process) "
          "| peak PSS MiB (with workers) | bytes per row | wall s | CPU s | load average "
          "| input MB (peptides+annotations+evidence / scores.npz) | tables vs whole-table path |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for rows in args.rows:
        copies = -(-rows // demo_rows)
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            paths = make_inputs(args.demo, copies, Path(tmp))
            names = dict(scripts=str(REPO / "scripts"), proteome=str(proteome), **paths)
            for workers in args.workers:
                out = os.path.join(tmp, f"w{workers}")
                os.mkdir(out)
                log = os.path.join(out, "rank.log")
                code = RUN.format(log=log, out=out, workers=workers, **names)
                row = measure(code, out, paths, copies, load=os.getloadavg()[0], workers=workers)
                if args.check:
                    os.mkdir(os.path.join(out, "whole"))
                    row += " " + same_as_whole(WHOLE.format(out=os.path.join(out, "whole"), **names), out) + " |"
                else:
                    row += " not compared |"
                print(row, flush=True)


def measure(code: str, out: str, paths: dict, copies: int, load: float, workers: int) -> str:
    """One rank run in a fresh process: the table row up to its last cell."""
    completed, wall, cpu = run_measured([sys.executable, "-c", code])
    # The child's own high-water mark (VmHWM): getrusage's ru_maxrss of a child starts at its
    # parent's resident set at fork (Linux keeps it across exec), here the synthetic inputs' maker.
    # With workers, the sum of the processes' PSS (sampled every 0.2 s) is what they hold together.
    hwm_kib, pss_kib = (int(value) for value in completed.stdout.split()[-2:])
    made = sum(1 for _ in open(os.path.join(out, "all_epitopes.tsv"))) - 1
    input_rows = sum(1 for _ in open(paths["peptides"])) - 1
    peak_kib = max(hwm_kib, pss_kib)
    tables_mb = sum(os.path.getsize(paths[name]) for name in ("peptides", "annotations", "evidence")) / 1e6
    inputs = f"{tables_mb:,.1f} / {os.path.getsize(paths['scores']) / 1e6:,.1f}"
    return (f"| {copies} | {made:,} | {input_rows:,} | {workers} | {hwm_kib / 1024:,.0f} | {pss_kib / 1024:,.0f} "
            f"| {peak_kib * 1024 / made:,.0f} | {wall:.1f} | {cpu:.1f} | {load:.1f} | {inputs} |")  # fmt: skip


if __name__ == "__main__":
    main()
