"""Tiny MHCflurry predictors built with MHCflurry's own classes, for exercising code paths.

PLUMBING FIXTURES ONLY. They are fitted for a second or two on random data:
their numbers mean nothing. They exist because the released models cannot be
downloaded here, and neoag has code paths that only released-style models
reach:

- a Class1PresentationPredictor (presentation mode: processing and
  presentation scores, flanks): the demo affinity predictor + a small
  Class1ProcessingPredictor + logistic weights fitted by MHCflurry's own
  `fit`, and a presentation percentile calibration;
- a merged pan-allele Class1AffinityPredictor (MHCflurry's cartesian path):
  two small pan-allele networks over random allele pseudo-sequences, merged
  on load by MHCflurry's `optimize`.

They are written to temporary folders by the tests and never shipped.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEMO_MODELS = REPO / "resources/demo/mhcflurry_demo_model"
DEMO_ALLELES = ["HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02", "HLA-B*15:01", "HLA-C*04:01", "HLA-C*07:01"]
AMINO_ACIDS = list("ACDEFGHIKLMNPQRSTVWY")
FIXTURE_NOTE = "PLUMBING TEST FIXTURE built by neoag's tests from random data. Not a model: its scores mean nothing.\n"


def random_sequences(rng: np.random.Generator, count: int, low: int, high: int) -> list[str]:
    """count random amino-acid strings with lengths in [low, high]."""
    return ["".join(rng.choice(AMINO_ACIDS, size=int(rng.integers(low, high + 1)))) for _ in range(count)]


def build_presentation_fixture(out_dir: Path, seed: int = 11) -> Path:
    """A saved Class1PresentationPredictor: demo affinity + tiny processing model + fitted weights."""
    import torch
    from mhcflurry import (
        Class1AffinityPredictor,
        Class1PresentationPredictor,
        Class1ProcessingNeuralNetwork,
        Class1ProcessingPredictor,
    )
    from mhcflurry.flanking_encoding import FlankingEncoding

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    n = 400
    peptides = random_sequences(rng, n, 8, 11)
    n_flanks, c_flanks = random_sequences(rng, n, 0, 15), random_sequences(rng, n, 0, 15)
    targets = rng.integers(0, 2, n).astype(float)
    network = Class1ProcessingNeuralNetwork(
        convolutional_filters=4, convolutional_kernel_size=3, n_flank_length=5, c_flank_length=5,
        max_epochs=2, minibatch_size=128, dropout_rate=0.0,
    )  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no percentile rank information" before calibration
        network.fit(FlankingEncoding(peptides=peptides, n_flanks=n_flanks, c_flanks=c_flanks), targets,
                    verbose=0, seed=seed)  # fmt: skip
        predictor = Class1PresentationPredictor(
            affinity_predictor=Class1AffinityPredictor.load(str(DEMO_MODELS)),
            processing_predictor_with_flanks=Class1ProcessingPredictor(models=[network]),
        )
        samples = list(rng.choice(DEMO_ALLELES, n))
        predictor.fit(
            targets=targets, peptides=peptides, sample_names=samples, alleles={a: [a] for a in DEMO_ALLELES},
            n_flanks=n_flanks, c_flanks=c_flanks, verbose=0,
        )  # fmt: skip
        background = random_sequences(rng, 2000, 8, 11)
        scores = predictor.predict(
            peptides=background, n_flanks=[""] * len(background), c_flanks=[""] * len(background),
            alleles={a: [a] for a in DEMO_ALLELES[:2]}, verbose=0,
        ).presentation_score  # fmt: skip
        predictor.calibrate_percentile_ranks(scores.to_numpy())
        predictor.save(str(out_dir))
    (Path(out_dir) / "NOT_A_MODEL.txt").write_text(FIXTURE_NOTE)
    return Path(out_dir)


def build_pan_allele_fixture(
    out_dir: Path, seed: int = 13, layer_sizes: tuple[int, ...] = (16,), networks: int = 2
) -> Path:
    """A saved pan-allele Class1AffinityPredictor of small networks (merged when loaded).

    layer_sizes and networks set the architecture: bench/scoring.py builds one
    shaped like the released pan-allele ensemble (e.g. (1024, 512)) to time
    MHCflurry's cartesian path; its weights are as meaningless as the tests'.
    """
    import torch
    from mhcflurry import Class1AffinityPredictor, Class1NeuralNetwork
    from mhcflurry.allele_encoding import AlleleEncoding

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    allele_to_sequence = {allele: "".join(rng.choice(AMINO_ACIDS, 37)) for allele in DEMO_ALLELES}
    n = 1500
    peptides = random_sequences(rng, n, 8, 11)
    alleles = list(rng.choice(DEMO_ALLELES, n))
    affinities = np.exp(rng.uniform(np.log(10), np.log(50000), n))
    fitted = []
    with contextlib.redirect_stdout(io.StringIO()):
        for number in range(networks):
            network = Class1NeuralNetwork(
                peptide_encoding={"vector_encoding_name": "BLOSUM62", "alignment_method": "left_pad_centered_right_pad",
                                  "max_length": 15},
                layer_sizes=list(layer_sizes), allele_dense_layer_sizes=[], peptide_allele_merge_method="concatenate",
                max_epochs=1, minibatch_size=256, random_negative_rate=0.0, random_negative_constant=0,
                early_stopping=False, dropout_probability=0.0,
            )  # fmt: skip
            encoding = AlleleEncoding(alleles, allele_to_sequence=allele_to_sequence)
            network.fit(peptides, affinities, allele_encoding=encoding, verbose=0, seed=seed + number)
            fitted.append(network)
        predictor = Class1AffinityPredictor(class1_pan_allele_models=fitted, allele_to_sequence=allele_to_sequence)
        predictor.calibrate_percentile_ranks(num_peptides_per_length=200, alleles=DEMO_ALLELES)
        predictor.save(str(out_dir))
    (Path(out_dir) / "NOT_A_MODEL.txt").write_text(FIXTURE_NOTE)
    return Path(out_dir)
