#!/usr/bin/env python3
"""Benchmark: neoag's scoring jobs against bare MHCflurry on the same unique pairs.

For each size (pairs = unique peptides x alleles) it writes a synthetic
peptides.tsv of random human-like peptides (human proteome amino-acid
frequencies, lengths 8-11, MT/WT rows with duplicates across transcripts),
then times, each in a fresh Python process, interleaved and repeated:

- neoag:   the scoring jobs as the workflow runs them, one after the other:
           plan_scoring (read peptides.tsv, deduplicate, write the chunk
           files), score_chunk for each chunk (load the models, score, write
           the binary part) and gather_scores (concatenate into scores.npz,
           which ranking reads);
- neoag_tsv: neoag plus export_scores (scores.npz -> the text scores.tsv).
           The workflow runs that job beside ranking, off the critical path;
           timed here so that the text's cost is in the table too;
- neoag_cached: the same with mhcflurry.cache on and every pair already in the
           cache (warmed by one untimed run first): a sample run again, or a
           cohort's shared wild-type peptides;
- bare:    the fastest MHCflurry API on the same unique pairs, held in memory:
           load the models; then merged pan-allele models: the cartesian
           predict_cartesian_pan_allele + percentile_ranks per allele; other
           affinity models: predict per allele on one shared
           EncodableSequences + percentile_ranks per allele; presentation models:
           Class1PresentationPredictor.predict with one sample per allele. No
           file is read or written inside the timer;
           The batch size is neoag's (--batch-size), so that the comparison
           measures neoag's own overhead;
- bare_default_batch: bare with MHCflurry's default batch size;
- bare_io: bare, plus what a user's own script would do around it: read the
           unique peptides from a file (work.tsv) and write one TSV of peptide,
           allele, nM and percentile (pandas to_csv, 6 significant digits);
- per_row: MHCflurry's one-row-per-pair predict (parallel peptide and allele
           lists, one row per pair), after loading the models. No percentiles
           (less work than the other two);
- per_row_input: the same on the rows of peptides.tsv as they come (the MT and
           the WT peptide of every row x every allele, peptides repeated across
           transcripts and variants kept): what a tool that scores its peptide
           table row by row does with the same input as neoag.

Timers start after `import torch, mhcflurry` (the same for all) and include
loading the models; "process s" is the whole Python process as the parent
sees it (start-up and imports included, as for a Snakemake job). Peak memory is the process's peak resident set size
(getrusage), imports included. A check compares a random sample of rows of
neoag's scores.tsv with MHCflurry's own predict on the same pairs.

    .venv/bin/python bench/scoring.py                       # demo model, 10k/100k/1M pairs
    .venv/bin/python bench/scoring.py --models DIR --pairs 100000 --threads 2

Results go to stdout as a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

DEMO_MODELS = REPO / "resources/demo/mhcflurry_demo_model"
# The demo model's alleles (common HLA-A, -B and -C alleles the released models support too).
ALLELES = ["HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02", "HLA-B*15:01", "HLA-C*04:01", "HLA-C*07:01"]
# Approximate amino-acid composition of the human proteome, percent (UniProtKB/Swiss-Prot human
# entries, rounded); used to draw "human-like" random peptides.
HUMAN_AA_PERCENT = {
    "L": 9.96, "S": 8.33, "E": 7.10, "A": 7.02, "G": 6.57, "P": 6.31, "V": 5.96, "K": 5.72, "R": 5.64,
    "T": 5.36, "Q": 4.77, "D": 4.73, "I": 4.33, "F": 3.65, "N": 3.58, "Y": 2.66, "H": 2.63, "C": 2.30,
    "M": 2.13, "W": 1.22,
}  # fmt: skip
FLANK = 15
VARIANTS = ("neoag", "neoag_tsv", "neoag_cached", "bare", "bare_io", "bare_default_batch", "per_row", "per_row_input")


def human_like_peptides(count: int, seed: int) -> list[str]:
    """count distinct random peptides, lengths 8-11, residues drawn with human frequencies."""
    rng = random.Random(seed)
    letters, weights = zip(*HUMAN_AA_PERCENT.items())
    seen: set[str] = set()
    while len(seen) < count:
        batch = count - len(seen)
        for _ in range(batch):
            seen.add("".join(rng.choices(letters, weights, k=rng.randint(8, 11))))
    return sorted(seen)


def write_inputs(folder: Path, n_pairs: int, seed: int = 7) -> dict:
    """peptides.tsv, alleles.tsv and the unique work list for one benchmark size."""
    import pandas as pd

    from neoag.columns import PEPTIDE_TABLE

    n_unique = max(2, n_pairs // len(ALLELES))
    peptides = human_like_peptides(n_unique, seed)
    rng = random.Random(seed + 1)
    letters, weights = zip(*HUMAN_AA_PERCENT.items())
    order = list(range(n_unique))
    rng.shuffle(order)
    mutant, wild_type = order[0::2], order[1::2]
    rows = []
    for k, m in enumerate(mutant):
        flanks = ["".join(rng.choices(letters, weights, k=FLANK)) for _ in range(4)]
        wt = peptides[wild_type[k]] if k < len(wild_type) else ""
        rows.append(
            {
                "variant_id": f"chr1:{k + 1}:A:C", "transcript_id": "T1", "peptide_length": len(peptides[m]),
                "mt_peptide": peptides[m], "wt_peptide": wt, "peptide_start": 1, "mutation_positions": "1",
                "mt_n_flank": flanks[0], "mt_c_flank": flanks[1],
                "wt_n_flank": flanks[2] if wt else "", "wt_c_flank": flanks[3] if wt else "",
            }
        )  # fmt: skip
    table = pd.DataFrame(rows)
    # A quarter of the rows again, as the same peptides seen from a second transcript.
    duplicates = table.sample(frac=0.25, random_state=seed).assign(transcript_id="T2")
    table = pd.concat([table, duplicates]).sort_values(["variant_id", "transcript_id"])
    table[list(PEPTIDE_TABLE)].to_csv(folder / "peptides.tsv", sep="\t", index=False, lineterminator="\n")
    pd.DataFrame({"allele": ALLELES, "source": "bench"}).to_csv(folder / "alleles.tsv", sep="\t", index=False)
    # The same unique units neoag will score (peptide, and flanks for presentation models).
    work = pd.concat(
        [
            table[["mt_peptide", "mt_n_flank", "mt_c_flank"]].set_axis(["peptide", "n_flank", "c_flank"], axis=1),
            table[["wt_peptide", "wt_n_flank", "wt_c_flank"]].set_axis(["peptide", "n_flank", "c_flank"], axis=1),
        ]
    )
    work = work[work.peptide != ""].drop_duplicates().sort_values(["peptide", "n_flank", "c_flank"])
    work.to_csv(folder / "work.tsv", sep="\t", index=False)
    return {"rows": len(table), "unique_peptides": int(work.peptide.nunique()), "unique_work": len(work)}


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(variant: str, folder: Path, models: str, threads: int, chunk_size: int, batch_size: int) -> dict:
    """One timed run in this (fresh) process; returns wall seconds and peak memory."""
    import pandas as pd
    import torch  # imported before the timer, like mhcflurry
    from mhcflurry.common import configure_pytorch

    from neoag.scoring.models import ModelsFolder

    configure_pytorch(backend="cpu" if not os.environ.get("BENCH_GPU") else "gpu", num_threads=threads)
    layout = ModelsFolder(models).layout
    if variant != "bare_io":
        work = pd.read_csv(folder / "work.tsv", sep="\t", dtype=str, keep_default_na=False)
        peptides = sorted(set(work.peptide))
    if variant == "per_row":  # the parallel lists are the baseline's input: built before the timer
        row_peptides = [p for p in peptides for _ in ALLELES]
        row_alleles = ALLELES * len(peptides)
    if variant == "per_row_input":
        table = pd.read_csv(folder / "peptides.tsv", sep="\t", dtype=str, keep_default_na=False)
        as_given = [p for pair in zip(table.mt_peptide, table.wt_peptide) for p in pair if p]
        row_peptides = [p for p in as_given for _ in ALLELES]
        row_alleles = ALLELES * len(as_given)
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if variant == "bare_io":
        work = pd.read_csv(folder / "work.tsv", sep="\t", dtype=str, keep_default_na=False)
        peptides = sorted(set(work.peptide))
    if variant in ("neoag", "neoag_tsv", "neoag_cached"):
        from neoag.scoring.jobs import export_scores, gather_scores, score_chunk
        from neoag.scoring.plan import plan_scoring

        cache = str(folder / "cache.sqlite") if variant == "neoag_cached" else ""

        chunks, parts = folder / "chunks", folder / "parts"
        parts.mkdir(exist_ok=True)
        plan_scoring(str(folder / "peptides.tsv"), models, str(chunks), chunk_size)
        outputs = []
        for chunk in sorted(chunks.glob("*.tsv")):
            outputs.append(str(parts / f"{chunk.stem}.npz"))
            score_chunk(str(chunk), str(folder / "alleles.tsv"), models, outputs[-1], threads=threads,
                        gpus=1 if os.environ.get("BENCH_GPU") else 0, cache_path=cache,
                        cpu_batch_size=batch_size)  # fmt: skip
        gather_scores(outputs, str(folder / "scores.npz"), models)
        if variant == "neoag_tsv":
            export_scores(str(folder / "scores.npz"), str(folder / "scores.tsv"))
    elif variant == "bare" and layout == "presentation":
        from mhcflurry import Class1PresentationPredictor

        predictor = Class1PresentationPredictor.load(models)
        predictor.predict(
            peptides=work.peptide.tolist(), n_flanks=work.n_flank.tolist(), c_flanks=work.c_flank.tolist(),
            alleles={allele: [allele] for allele in ALLELES}, include_affinity_percentile=True, verbose=0,
        )  # fmt: skip
    elif variant in ("bare", "bare_io", "bare_default_batch"):
        from mhcflurry import Class1AffinityPredictor
        from mhcflurry.encodable_sequences import EncodableSequences

        predictor = Class1AffinityPredictor.load(models)
        encoded = EncodableSequences.create(peptides)
        on_gpu = bool(os.environ.get("BENCH_GPU"))
        batch = {"batch_size": "auto" if variant == "bare_default_batch" or on_gpu or not batch_size else batch_size}
        matrix = predictor.predict_cartesian_pan_allele(peptides=encoded, alleles=ALLELES, model_kwargs=batch)
        frames = []
        if matrix is not None:
            for j, allele in enumerate(ALLELES):
                percentile = predictor.percentile_ranks(matrix[:, j], allele=allele)
                frames.append((allele, matrix[:, j], percentile))
        else:
            for allele in ALLELES:
                nm = predictor.predict(peptides=encoded, allele=allele, model_kwargs=batch)
                frames.append((allele, nm, predictor.percentile_ranks(nm, allele=allele)))
        if variant == "bare_io":
            table = pd.concat(
                pd.DataFrame({"peptide": peptides, "allele": allele, "affinity_nm": nm, "affinity_percentile": pct})
                for allele, nm, pct in frames
            )
            table.to_csv(folder / "bare_scores.tsv", sep="\t", index=False, float_format="%.6g")
    elif variant in ("per_row", "per_row_input"):
        from mhcflurry import Class1AffinityPredictor

        predictor = Class1AffinityPredictor.load(ModelsFolder(models).affinity_folder)
        predictor.predict(peptides=row_peptides, alleles=row_alleles)
    else:
        raise ValueError(variant)
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    result = {"wall_s": wall_s, "cpu_s": cpu_s, "peak_rss_mib": peak_rss_mib()}
    if torch.cuda.is_available() and os.environ.get("BENCH_GPU"):
        result["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return result


def check_against_mhcflurry(folder: Path, models: str, sample_rows: int, seed: int) -> str:
    """Max relative difference between neoag's scores.npz and MHCflurry's own predict on sampled rows."""
    import numpy as np
    from mhcflurry import Class1PresentationPredictor

    from neoag.scoring.models import ModelsFolder
    from neoag.scoring.score_files import score_table

    scores = score_table(str(folder / "scores.npz"))
    sample = scores.sample(n=min(sample_rows, len(scores)), random_state=seed)
    if ModelsFolder(models).layout == "presentation":
        predictor = Class1PresentationPredictor.load(models)
        # One "sample" per row's allele, rows in the order given.
        expected = predictor.predict(
            peptides=sample.peptide.tolist(), n_flanks=sample.n_flank.fillna("").tolist(),
            c_flanks=sample.c_flank.fillna("").tolist(), alleles={a: [a] for a in ALLELES},
            sample_names=sample.allele.tolist(), include_affinity_percentile=True, verbose=0,
        )  # fmt: skip
        pairs = {
            "affinity_nm": expected.affinity, "processing_score": expected.processing_score,
            "presentation_score": expected.presentation_score,
        }  # fmt: skip
    else:
        from mhcflurry import Class1AffinityPredictor

        predictor = Class1AffinityPredictor.load(models)
        expected = predictor.predict_to_dataframe(
            peptides=sample.peptide.tolist(), alleles=sample.allele.tolist(), include_confidence_intervals=False
        )
        pairs = {"affinity_nm": expected.prediction, "affinity_percentile": expected.prediction_percentile}
    worst = {
        name: float(np.max(np.abs(sample[name].to_numpy() / np.asarray(values, dtype=float) - 1)))
        for name, values in pairs.items()
    }
    return ", ".join(f"{name} {value:.1e}" for name, value in worst.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--models", default=str(DEMO_MODELS), help="MHCflurry models directory (default: demo)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of every variant (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats of each variant (default 3)")
    parser.add_argument("--chunk-size", type=int, default=250_000, help="neoag's mhcflurry.chunk_size")
    parser.add_argument("--batch-size", type=int, default=1024, help="neoag's mhcflurry.cpu_batch_size (and bare's)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--check-rows", type=int, default=2000, help="rows compared with MHCflurry's predict")
    parser.add_argument(
        "--pan-timing-fixture",
        metavar="LAYERS",
        help="instead of --models, time a pan-allele TIMING FIXTURE shaped like the released ensemble's networks "
        "(dense layer sizes, e.g. 1024,512; random allele pseudo-sequences, weights from random data: not a model)",
    )
    parser.add_argument("--fixture-networks", type=int, default=2, help="networks in the timing fixture (default 2)")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        result = worker(args.worker, Path(args.folder), args.models, args.threads, args.chunk_size, args.batch_size)
        print(json.dumps(result))
        return

    # Bytecode for neoag's modules, as any installation has after its first run (MHCflurry's
    # came with pip install); where PYTHONDONTWRITEBYTECODE is set, every worker would compile them.
    compileall.compile_dir(str(REPO / "scripts" / "neoag"), quiet=1)
    fixture_dir = None
    if args.pan_timing_fixture:
        sys.path.insert(0, str(REPO / "tests" / "integration"))
        from mhcflurry_fixtures import build_pan_allele_fixture

        fixture_dir = tempfile.TemporaryDirectory(prefix="neoag-pan-timing-fixture-")
        layers = tuple(int(n) for n in args.pan_timing_fixture.split(","))
        args.models = str(build_pan_allele_fixture(Path(fixture_dir.name) / "pan", layer_sizes=layers,
                                                   networks=args.fixture_networks))  # fmt: skip
        args.models_label = f"pan-allele timing fixture, {args.fixture_networks} networks of dense layers {layers}"
    else:
        args.models_label = args.models
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; threads {args.threads}; batch size "
        f"{args.batch_size}; {'GPU' if os.environ.get('BENCH_GPU') else 'CPU'}; models {args.models_label}"
    )
    lines = [
        "| pairs | unique peptides | variant | wall s, median | min | runs | pairs/s (median) | CPU s, median "
        "| process s, median | peak MiB |",
        "| ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    ratios = []
    for n_pairs in args.pairs:
        with tempfile.TemporaryDirectory(prefix="neoag-bench-scoring-") as tmp:
            folder = Path(tmp)
            sizes = write_inputs(folder, n_pairs)
            pairs = sizes["unique_work"] * len(ALLELES)
            runs: dict[str, list[dict]] = {variant: [] for variant in args.variants}
            for repeat in range(-1 if "neoag_cached" in args.variants else 0, args.repeats):
                shift = max(repeat, 0) % len(args.variants)
                order = ["neoag_cached"] if repeat < 0 else args.variants[shift:] + args.variants[:shift]
                for variant in order:
                    command = [
                        sys.executable, __file__, "--worker", variant, "--folder", str(folder),
                        "--models", args.models, "--threads", str(args.threads), "--chunk-size", str(args.chunk_size),
                        "--batch-size", str(args.batch_size),
                    ]  # fmt: skip
                    process_started = time.perf_counter()
                    done = subprocess.run(command, capture_output=True, text=True)
                    process_s = time.perf_counter() - process_started
                    if done.returncode != 0:
                        sys.exit(done.stderr[-3000:])
                    result = json.loads(done.stdout.strip().splitlines()[-1]) | {"process_s": process_s}
                    print(f"  {n_pairs} pairs, {variant}{' (warming the cache)' * (repeat < 0)}: {result}",
                          file=sys.stderr)  # fmt: skip
                    if repeat >= 0:
                        runs[variant].append(result)
            median = {v: statistics.median(r["wall_s"] for r in runs[v]) for v in args.variants}
            fastest = {v: min(r["wall_s"] for r in runs[v]) for v in args.variants}
            process = {v: statistics.median(r["process_s"] for r in runs[v]) for v in args.variants}
            cpu = {v: statistics.median(r["cpu_s"] for r in runs[v]) for v in args.variants}
            for variant in args.variants:
                walls = ", ".join(f"{r['wall_s']:.2f}" for r in runs[variant])
                peak = max(r["peak_rss_mib"] for r in runs[variant])
                if "peak_gpu_mib" in runs[variant][0]:
                    gpu_peak = max(r["peak_gpu_mib"] for r in runs[variant])
                    walls += f" (GPU peak {gpu_peak:,.0f} MiB)"
                lines.append(
                    f"| {pairs:,} | {sizes['unique_peptides']:,} | {variant} | {median[variant]:.2f} | "
                    f"{fastest[variant]:.2f} | {walls} | "
                    f"{pairs / median[variant]:,.0f} | {cpu[variant]:.2f} | {process[variant]:.2f} | {peak:,.0f} |"
                )
            if "neoag" in median:
                check = check_against_mhcflurry(folder, args.models, args.check_rows, seed=n_pairs)
                ratio = [f"{pairs:,} pairs:"]
                for bare in ("bare", "bare_io", "bare_default_batch"):
                    if bare in median:
                        ratio.append(
                            f"neoag / {bare} = {median['neoag'] / median[bare]:.2f} (medians), "
                            f"{fastest['neoag'] / fastest[bare]:.2f} (minima), "
                            f"{cpu['neoag'] / cpu[bare]:.2f} (CPU time), "
                            f"{process['neoag'] / process[bare]:.2f} (whole processes);"
                        )
                if "neoag_tsv" in median and "bare" in median:
                    ratio.append(
                        f"neoag_tsv / bare = {median['neoag_tsv'] / median['bare']:.2f} (medians), "
                        f"{fastest['neoag_tsv'] / fastest['bare']:.2f} (minima);"
                    )
                if "per_row" in median:
                    ratio.append(
                        f"per_row / neoag = {median['per_row'] / median['neoag']:.1f}x (medians), "
                        f"{fastest['per_row'] / fastest['neoag']:.1f}x (minima);"
                    )
                if "per_row_input" in median:
                    ratio.append(
                        f"per_row_input / neoag = {median['per_row_input'] / median['neoag']:.1f}x (medians), "
                        f"{fastest['per_row_input'] / fastest['neoag']:.1f}x (minima);"
                    )
                if "neoag_cached" in median:
                    ratio.append(f"neoag / neoag_cached = {median['neoag'] / median['neoag_cached']:.1f}x;")
                ratio.append(f"max relative difference to MHCflurry's predict on sampled rows: {check}")
                ratios.append(" ".join(ratio))
    print("\n".join(lines))
    print()
    print("\n".join(ratios))
    if fixture_dir is not None:
        fixture_dir.cleanup()


if __name__ == "__main__":
    main()
