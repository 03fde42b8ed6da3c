"""The scoring jobs after planning (neoag.scoring.plan.plan_scoring), one per Snakemake rule.

1. score_chunk: one job per chunk loads the models once and scores the chunk
   for the sample's alleles (a score file);
2. gather_scores: the chunks' score files joined in chunk order into
   scores.npz, which ranking reads;
3. export_scores: scores.npz as scores.tsv text, off the critical path.
"""

from __future__ import annotations

import sys
import time

from neoag.scoring.models import ModelsFolder, check_supported
from neoag.scoring.plan import check_peptides
from neoag.scoring.predictor import Scorer
from neoag.scoring.score_files import (
    format_score_rows,
    join_score_files,
    load_scores,
    read_work,
    save_scores,
    score_header,
)
from neoag.tables import read_table


def _warn_if_demo(models_dir: str) -> None:
    """A warning in the job's log when the models are neoag's demo model (not for real samples)."""
    demo = ModelsFolder(models_dir).demo_info()
    if demo:
        print(f"WARNING: {demo.get('label', 'demo model')}", file=sys.stderr)


def score_chunk(
    chunk_tsv: str,
    alleles_tsv: str,
    models_dir: str,
    out_path: str,
    threads: int,
    gpus: int = 0,
    cache_path: str = "",
    cpu_batch_size: int = 1024,
    scorer: Scorer | None = None,
) -> None:
    """Score one chunk of unique peptides (a plan_scoring file) for the sample's alleles (save_scores file).

    scorer: an already loaded Scorer for models_dir (tests and benchmarks),
    else the models are loaded here, once.
    """
    started = time.perf_counter()
    alleles = sorted(set(read_table(alleles_tsv).allele))
    _warn_if_demo(models_dir)
    scorer = scorer or Scorer(models_dir, threads=threads, gpus=gpus, cpu_batch_size=cpu_batch_size)
    check_supported(alleles, scorer.supported_alleles, models_dir, alleles_tsv)
    work = read_work(chunk_tsv)
    low, high = scorer.supported_peptide_lengths
    check_peptides(work.peptide.tolist(), low, high, models_dir, chunk_tsv)
    loaded = time.perf_counter()
    print(
        f"scoring {len(work)} unique {'(peptide, flanks)' if scorer.mode == 'presentation' else 'peptides'} x "
        f"{len(alleles)} alleles = {len(work) * len(alleles)} pairs ({scorer.mode} mode, {scorer.device}, "
        f"{scorer.threads} threads, batch size {scorer.batch_size}, models {models_dir})",
        file=sys.stderr,
    )
    if cache_path:
        from neoag.scoring.cache import ScoreCache

        with ScoreCache(cache_path, scorer.model_key) as cache:
            scores = scorer.score(work, alleles, cache=cache)
            print(
                f"cache {cache_path}: {cache.hits} predictions reused, {cache.misses} computed and stored",
                file=sys.stderr,
            )
    else:
        scores = scorer.score(work, alleles)
    scored = time.perf_counter()
    save_scores(out_path, work, alleles, scores)
    print(
        f"done: set-up {loaded - started:.1f} s, scoring {scored - loaded:.1f} s, "
        f"writing {time.perf_counter() - scored:.1f} s",
        file=sys.stderr,
    )


def gather_scores(parts: list[str], out_path: str, models_dir: str) -> None:
    """scores.npz: the chunks' scores in chunk order (chunks are consecutive ranges of the sorted
    work rows, so the result is sorted too). Arrays are joined as they are, never turned into text."""
    rows, alleles = join_score_files(parts, out_path)
    _warn_if_demo(models_dir)
    print(
        f"{rows * len(alleles)} scores ({rows} unique work rows x {len(alleles)} alleles) from "
        f"{len(parts)} chunk(s) (models {models_dir})",
        file=sys.stderr,
    )


def export_scores(scores_path: str, out_tsv: str) -> None:
    """scores.tsv: a save_scores file as text, one row per (work row, allele), 6 significant digits."""
    work, alleles, scores = load_scores(scores_path)
    with open(out_tsv, "w", newline="\n") as handle:
        handle.write(score_header())
        handle.write(format_score_rows(work, alleles, scores))
    print(f"{len(work) * len(alleles)} score rows -> {out_tsv}", file=sys.stderr)
