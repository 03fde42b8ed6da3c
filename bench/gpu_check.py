#!/usr/bin/env python3
"""Check on a GPU machine: neoag's scores on CUDA against MHCflurry's own predict and against the CPU.

For the demo model (affinity mode) and a presentation-mode plumbing fixture
(tests/integration/mhcflurry_fixtures.py, built here in a temporary folder),
scores random peptides with `mhcflurry.gpu: 1` and prints the largest relative
differences to MHCflurry's own predict (also on CUDA) and to neoag on the CPU.

    .venv/bin/python bench/gpu_check.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from mhcflurry_fixtures import DEMO_ALLELES, DEMO_MODELS, build_presentation_fixture, random_sequences  # noqa: E402

from neoag.scoring.predictor import Scorer  # noqa: E402

COLUMNS = ("affinity_nm", "affinity_percentile", "processing_score", "presentation_score", "presentation_percentile")


def work_rows(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    peptides = random_sequences(rng, n, 8, 11)
    frame = pd.DataFrame(
        {"peptide": peptides, "n_flank": random_sequences(rng, n, 0, 15), "c_flank": random_sequences(rng, n, 0, 15)}
    )
    return frame.drop_duplicates().sort_values(["peptide", "n_flank", "c_flank"]).reset_index(drop=True)


def worst(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.nanmax(np.abs(a / b - 1))) if a.size else 0.0


def main() -> None:
    import torch

    if not torch.cuda.is_available():
        sys.exit("no CUDA device: nothing to check")
    with tempfile.TemporaryDirectory() as tmp:
        fixture = build_presentation_fixture(Path(tmp) / "presentation_fixture")
        for label, models in (("demo model (affinity mode)", DEMO_MODELS), ("presentation fixture", fixture)):
            gpu = Scorer(str(models), threads=2, gpus=1)
            assert gpu.device == "cuda"
            work = work_rows(3000, 1)
            if gpu.mode == "affinity":
                work = work.drop_duplicates("peptide").assign(n_flank="", c_flank="").reset_index(drop=True)
            on_gpu = gpu.score(work, DEMO_ALLELES)
            if gpu.mode == "affinity":
                own = gpu.affinity_predictor.predict_to_dataframe(
                    peptides=[p for p in work.peptide for _ in DEMO_ALLELES], alleles=DEMO_ALLELES * len(work),
                    include_confidence_intervals=False,
                )  # fmt: skip
                versus_own = {
                    "affinity_nm": worst(on_gpu.affinity_nm.ravel(), own.prediction),
                    "affinity_percentile": worst(on_gpu.affinity_percentile.ravel(), own.prediction_percentile),
                }
            else:
                own = gpu.presentation.predict(
                    peptides=work.peptide.tolist(), n_flanks=work.n_flank.tolist(), c_flanks=work.c_flank.tolist(),
                    alleles={a: [a] for a in DEMO_ALLELES}, include_affinity_percentile=True, verbose=0,
                )  # fmt: skip
                versus_own = {}
                for name, theirs in (("affinity_nm", "affinity"), ("affinity_percentile", "affinity_percentile"),
                                     ("presentation_score", "presentation_score"),
                                     ("presentation_percentile", "presentation_percentile")):  # fmt: skip
                    mine = getattr(on_gpu, name).ravel(order="F")  # allele-major, as MHCflurry's samples
                    versus_own[name] = worst(mine, own[theirs])
                versus_own["processing_score"] = worst(
                    np.tile(on_gpu.processing_score, len(DEMO_ALLELES)), own.processing_score
                )
            on_cpu = Scorer(str(models), threads=2, gpus=0).score(work, DEMO_ALLELES)  # switches MHCflurry to CPU
            versus_cpu = {
                name: worst(getattr(on_gpu, name), getattr(on_cpu, name))
                for name in COLUMNS
                if getattr(on_gpu, name) is not None
            }
            print(f"{label}, {len(work)} rows x {len(DEMO_ALLELES)} alleles on {torch.cuda.get_device_name()}:")
            print("  max relative difference to MHCflurry's own predict on CUDA: "
                  + ", ".join(f"{k} {v:.1e}" for k, v in versus_own.items()))  # fmt: skip
            print("  max relative difference to neoag on the CPU: "
                  + ", ".join(f"{k} {v:.1e}" for k, v in versus_cpu.items()))  # fmt: skip


if __name__ == "__main__":
    main()
