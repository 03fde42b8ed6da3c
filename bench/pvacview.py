#!/usr/bin/env python3
"""Benchmark: the pVACview export (rule pvacview_export) by epitope rows: CPU s per row, peak RSS.

Takes one finished sample's results folder (all_epitopes.tsv, variants.tsv,
annotation/annotations.tsv, hla/alleles.tsv; e.g. bench/human/'s run) and writes inputs of
several sizes into a work folder: the sample's first variants (by first row, all their rows,
in file order) up to N rows, the whole file, and the whole file copied K times (copy k's
variants moved to contig '<chrom>_c<k>', with their annotations, so that the variants grow
with the rows as in a larger sample). Each input runs neoag.report.pvacview.write_pvacview in
a fresh Python process, which reports its CPU seconds (user + system, the export alone) and
its peak RSS (VmHWM). With --compare SCRIPTS (another checkout's scripts/ folder, e.g. the
code before the streamed export) the subsets run there too and the outputs are compared
byte for byte (only for the subsets: the old code costs ~0.5 ms per row).

    .venv/bin/python bench/pvacview.py RESULTS/human --work /tmp/pvacfast --rows 50000 200000 --copies 4
    .venv/bin/python bench/pvacview.py RESULTS/human --work /tmp/pvacfast --rows 50000 --compare /old/scripts

Figures are recorded in bench/README.md ("pVACview export at exome scale").
"""

from __future__ import annotations

import argparse
import filecmp
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The export's settings as the pipeline passes them (config defaults; no purity).
SETTINGS = {
    "filters": {"max_affinity_nm": 500, "max_affinity_percentile": 2.0},
    "tiers": {"min_clonal_ccf": 0.5, "min_expression_tpm": 1.0, "min_rna_depth": 10, "min_rna_vaf": 0.1},
    "transcripts": "all",
    "purity": None,
    "copy_number": None,
}

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from neoag.report.pvacview import write_pvacview
inputs, out, settings = json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
start = time.process_time()
write_pvacview(inputs["all_epitopes"], inputs["variants"], inputs["annotations"], inputs["alleles"], settings,
               out + ".tsv", out + ".json")
cpu = time.process_time() - start
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(json.dumps({"cpu_s": cpu, "vmhwm_mb": int(hwm) / 1024}))
"""


def first_variants(source: Path, rows: int, out: Path) -> int:
    """The first variants (by first row) of all_epitopes.tsv with about `rows` rows, all their rows."""
    counts: dict[str, int] = {}
    with open(source) as handle:
        handle.readline()
        for line in handle:
            variant = line.split("\t", 2)[1]
            counts[variant] = counts.get(variant, 0) + 1
    keep, total = set(), 0
    for variant, count in counts.items():
        if total >= rows:
            break
        keep.add(variant)
        total += count
    with open(source) as handle, open(out, "w") as written:
        written.write(handle.readline())
        written.writelines(line for line in handle if line.split("\t", 2)[1] in keep)
    return total


def moved(line: str, copy: int, at: tuple[int, int]) -> str:
    """A row of copy `copy` (> 0): its variant on contig '<chrom>_c<copy>' (variant_id and chrom)."""
    cells = line.split("\t")
    variant, chrom = at
    cells[variant] = cells[variant].replace(":", f"_c{copy}:", 1)
    if chrom >= 0:
        cells[chrom] = f"{cells[chrom]}_c{copy}"
    return "\t".join(cells)


def copied(source: Path, copies: int, out: Path) -> int:
    """The table copied `copies` times (copy 0 as it is), copy after copy; the number of rows."""
    rows = 0
    with open(out, "w") as written:
        for copy in range(copies):
            with open(source) as handle:
                header = handle.readline()
                names = header.rstrip("\n").split("\t")
                at = (names.index("variant_id"), names.index("chrom") if "chrom" in names else -1)
                if copy == 0:
                    written.write(header)
                for line in handle:
                    written.write(moved(line, copy, at) if copy else line)
                    rows += 1
    return rows


def run(scripts: Path, inputs: dict, out: Path) -> dict:
    command = [sys.executable, "-c", CHILD, str(scripts), json.dumps(inputs), str(out), json.dumps(SETTINGS)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="a sample's results folder (results/<sample>)")
    parser.add_argument("--work", type=Path, required=True, help="folder for the inputs and outputs")
    parser.add_argument("--rows", type=int, nargs="*", default=[50_000, 200_000], help="subset sizes (rows)")
    parser.add_argument("--copies", type=int, nargs="*", default=[], help="whole-file copies (1: the file)")
    parser.add_argument("--compare", type=Path, help="another checkout's scripts/ to run the subsets with")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    base = {
        "variants": str(args.results / "variants.tsv"),
        "annotations": str(args.results / "annotation/annotations.tsv"),
        "alleles": str(args.results / "hla/alleles.tsv"),
    }
    print("| input | epitope rows | MB | CPU s | CPU us/row | VmHWM MB | same bytes as --compare |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    cases = [(f"first {n}", n, None) for n in args.rows] + [(f"x{k}", None, k) for k in args.copies]
    for name, rows, copies in cases:
        inputs = dict(base)
        table = args.work / f"all_epitopes.{name.replace(' ', '_')}.tsv"
        if rows is not None:
            count = first_variants(args.results / "all_epitopes.tsv", rows, table)
        else:
            count = copied(args.results / "all_epitopes.tsv", copies, table)
            inputs["annotations"] = str(args.work / f"annotations.x{copies}.tsv")
            copied(args.results / "annotation/annotations.tsv", copies, Path(inputs["annotations"]))
        inputs["all_epitopes"] = str(table)
        out = args.work / f"new.{table.stem}"
        figures = run(REPO / "scripts", inputs, out)
        same = ""
        if args.compare and rows is not None:
            old = args.work / f"old.{table.stem}"
            old_figures = run(args.compare, inputs, old)
            identical = all(filecmp.cmp(f"{out}{ext}", f"{old}{ext}", shallow=False) for ext in (".tsv", ".json"))
            old_cost = f"{old_figures['cpu_s']:.1f} s, {old_figures['vmhwm_mb']:.0f} MB"
            same = f"{'yes' if identical else 'NO'} (old: {old_cost})"
        mb = table.stat().st_size / 2**20
        print(
            f"| {name} | {count:,} | {mb:.0f} | {figures['cpu_s']:.1f} | {figures['cpu_s'] / count * 1e6:.1f} "
            f"| {figures['vmhwm_mb']:.0f} | {same} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
