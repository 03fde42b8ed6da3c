#!/usr/bin/env python3
"""Benchmark: exact matching of mutant peptides against a human-sized reference proteome.

Writes a synthetic proteome FASTA (default 20,000 proteins, lengths drawn
log-normally around the human median of ~420 residues, ~11 M residues, human
amino-acid frequencies) and, per size, a list of unique random peptides of
lengths 8-11 of which 1% are planted (copied from the proteome). Each
measurement runs in a fresh Python process (interleaved over sizes, repeated):
read the FASTA (neoag.annotation.proteome.read_proteome), then find_peptides
(neoag.annotation.proteome.found_in_proteome: one Aho-Corasick automaton over the
peptides, one pass over the proteins). Reports seconds of each part and the
process's peak RSS (VmHWM); checks that every planted peptide is found.

    .venv/bin/python bench/proteome.py                      # 100k, 1M and 3M peptides
    .venv/bin/python bench/proteome.py --peptides 1000000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
# Human proteome amino-acid frequencies (UniProt), in AMINO_ACIDS order.
FREQUENCIES = np.array([7.0, 2.3, 4.7, 7.1, 3.7, 6.6, 2.6, 4.3, 5.7, 10.0, 2.1, 3.6, 6.3, 4.8, 5.6, 8.3, 5.4, 6.0,
                        1.2, 2.7])  # fmt: skip
FREQUENCIES = FREQUENCIES / FREQUENCIES.sum()

CHILD = """
import json, re, sys, time
sys.path.insert(0, {scripts!r})
from neoag.annotation.proteome import found_in_proteome, read_proteome
start = time.perf_counter()
proteins = read_proteome({fasta!r})
read_s = time.perf_counter() - start
peptides = open({peptides!r}).read().split()
start = time.perf_counter()
found = found_in_proteome(peptides, proteins)
match_s = time.perf_counter() - start
planted = set(open({planted!r}).read().split())
peak_kib = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(json.dumps({{"read_s": read_s, "match_s": match_s, "found": len(found), "planted_found": len(planted & found),
                  "planted": len(planted), "peak_rss_mib": peak_kib / 1024}}))
"""


LETTERS = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)


def random_text(rng: np.random.Generator, length: int) -> str:
    """length random residues with human frequencies."""
    return LETTERS[rng.choice(20, size=length, p=FREQUENCIES)].tobytes().decode()


def write_inputs(workdir: Path, proteins: int, sizes: list[int], seed: int) -> dict[int, tuple[Path, Path]]:
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(np.log(420), 0.6, size=proteins).astype(int), 50, 5000)
    sequences = [random_text(rng, int(n)) for n in lengths]
    with open(workdir / "proteome.fa", "w") as out:
        for i, sequence in enumerate(sequences):
            out.write(f">T{i:06d}\n{sequence}\n")
    print(f"proteome: {proteins} proteins, {int(lengths.sum())} residues", file=sys.stderr)
    files = {}
    for size in sizes:
        n_planted = size // 100
        planted = set()
        while len(planted) < n_planted:
            protein = sequences[rng.integers(len(sequences))]
            length = int(rng.integers(8, 12))
            start = int(rng.integers(0, len(protein) - length))
            planted.add(protein[start : start + length])
        lengths = rng.integers(8, 12, size=size - n_planted)
        text = random_text(rng, int(lengths.sum()))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        peptides = {text[offsets[i] : offsets[i + 1]] for i in range(len(lengths))} | planted
        (workdir / f"peptides_{size}.txt").write_text("\n".join(sorted(peptides)) + "\n")
        (workdir / f"planted_{size}.txt").write_text("\n".join(sorted(planted)) + "\n")
        files[size] = (workdir / f"peptides_{size}.txt", workdir / f"planted_{size}.txt")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proteins", type=int, default=20000)
    parser.add_argument("--peptides", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        files = write_inputs(workdir, args.proteins, args.peptides, args.seed)
        results: dict[int, list[dict]] = {size: [] for size in args.peptides}
        for _ in range(args.repeats):
            for size in args.peptides:  # interleaved over sizes
                code = CHILD.format(scripts=str(REPO / "scripts"), fasta=str(workdir / "proteome.fa"),
                                    peptides=str(files[size][0]), planted=str(files[size][1]))  # fmt: skip
                done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                results[size].append(json.loads(done.stdout))
        print(
            "| unique peptides | read FASTA s | match s (each run) | found (planted found / planted) | peak RSS MiB |"
        )
        print("| ---: | ---: | ---: | ---: | ---: |")
        for size, runs in results.items():
            match = ", ".join(f"{r['match_s']:.2f}" for r in runs)
            last, peak = runs[-1], max(r["peak_rss_mib"] for r in runs)
            read_s = np.median([r["read_s"] for r in runs])
            found = f"{last['found']} ({last['planted_found']} / {last['planted']})"
            print(f"| {size:,} | {read_s:.2f} | {match} | {found} | {peak:.0f} |")
            assert last["planted_found"] == last["planted"], "a planted peptide was not found"


if __name__ == "__main__":
    main()
