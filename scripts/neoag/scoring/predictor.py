"""The predictor: MHCflurry models loaded once, scoring chunks of unique work rows (Scorer).

The one module of neoag that imports torch and MHCflurry, and only when a
Scorer is made or used.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd

from neoag.errors import NeoagInputError
from neoag.scoring.models import ModelsFolder
from neoag.scoring.score_files import ChunkScores


class Scorer:
    """Loads a models directory once and scores chunks of unique peptides with it.

    Parameters
    ----------
    models_dir : str
        Class1PresentationPredictor or Class1AffinityPredictor directory.
    threads : int
        Torch threads (the job's threads).
    gpus : int
        0: run on the CPU even where CUDA is present (results do not depend on
        the node a job lands on). 1 or more: run on CUDA when torch sees a GPU,
        else on the CPU with a warning in the log.
    cpu_batch_size : int
        Rows per network forward pass on the CPU (for the cartesian path:
        peptides per pass). MHCflurry's own CPU default (32768 rows) overflows
        the CPU caches; about a thousand is up to twice as fast (bench/README.md).
        0: MHCflurry's own choice. On a GPU MHCflurry sizes batches to its memory.
    """

    def __init__(self, models_dir: str, threads: int = 1, gpus: int = 0, cpu_batch_size: int = 1024) -> None:
        self.models = ModelsFolder(models_dir)
        self.layout = self.models.layout
        import torch
        from mhcflurry.common import configure_pytorch

        backend = "cpu"
        if gpus > 0:
            if torch.cuda.is_available():
                backend = "gpu"
            else:
                print(
                    "WARNING: mhcflurry.gpu is set but torch sees no CUDA device (CPU build of torch, or no GPU "
                    "on this node); scoring on the CPU",
                    file=sys.stderr,
                )
        configure_pytorch(backend=backend, num_threads=max(1, threads))
        self.device = "cuda" if backend == "gpu" else "cpu"
        self.threads = max(1, threads)
        self.batch_size = cpu_batch_size if self.device == "cpu" and cpu_batch_size > 0 else "auto"
        try:
            if self.layout == "presentation":
                from mhcflurry import Class1PresentationPredictor  # imports scikit-learn: only when needed

                self.presentation = Class1PresentationPredictor.load(models_dir)
                self.affinity_predictor = self.presentation.affinity_predictor
            else:
                from mhcflurry import Class1AffinityPredictor

                self.presentation = None
                self.affinity_predictor = Class1AffinityPredictor.load(models_dir)
        except Exception as error:  # mhcflurry raises many kinds on a broken directory
            raise NeoagInputError(
                f"{models_dir}: not a loadable MHCflurry models directory ({type(error).__name__}: "
                f"{error}). Point 'mhcflurry.models' at a Class1PresentationPredictor or "
                "Class1AffinityPredictor directory, e.g. the models/ folder of `mhcflurry-downloads fetch "
                "models_class1_presentation`."
            ) from None
        self._model_key: str | None = None

    @property
    def mode(self) -> str:
        """'presentation' or 'affinity'."""
        return self.layout

    @property
    def supported_alleles(self) -> list[str]:
        return list(self.affinity_predictor.supported_alleles)

    @property
    def supported_peptide_lengths(self) -> tuple[int, int]:
        return tuple(self.affinity_predictor.supported_peptide_lengths)

    @property
    def model_key(self) -> str:
        """What the cache keys predictions by: models' content hash, MHCflurry version, device type.

        GPU and CPU arithmetic differ in the last bits, so their predictions
        are kept apart.
        """
        if self._model_key is None:
            import mhcflurry

            content = self.models.content_hash()
            self._model_key = f"sha256:{content}|mhcflurry:{mhcflurry.__version__}|{self.device}"
        return self._model_key

    def affinity(self, peptides: list[str], alleles: list[str]) -> np.ndarray:
        """Ensemble nM of each peptide (rows) x allele (columns), as MHCflurry's predict gives them.

        Merged pan-allele models (the released ones) take MHCflurry's
        cartesian path: the peptide stage of the network runs once per peptide
        for all alleles. Other models are called once per allele on one shared
        EncodableSequences, so the peptides are encoded once.
        """
        from mhcflurry.encodable_sequences import EncodableSequences

        result = np.empty((len(peptides), len(alleles)))
        if len(peptides) and len(alleles):
            encoded = EncodableSequences.create(list(peptides))
            batch = {"batch_size": self.batch_size}
            cartesian = self.affinity_predictor.predict_cartesian_pan_allele(
                peptides=encoded, alleles=list(alleles), model_kwargs=batch
            )
            if cartesian is not None:
                return np.asarray(cartesian, dtype=float)
            for j, allele in enumerate(alleles):
                result[:, j] = self.affinity_predictor.predict(peptides=encoded, allele=allele, model_kwargs=batch)
        return result

    def affinity_percentiles(self, affinity_nm: np.ndarray, alleles: list[str]) -> np.ndarray:
        """MHCflurry's percentile rank of each nM value for its column's allele."""
        result = np.empty(affinity_nm.shape)
        for j, allele in enumerate(alleles):
            result[:, j] = self.affinity_predictor.percentile_ranks(affinity_nm[:, j], allele=allele)
        return result

    def processing(self, peptides: list[str], n_flanks: list[str], c_flanks: list[str]) -> np.ndarray:
        """Processing score of each (peptide, n_flank, c_flank) (the with-flanks model)."""
        if len(peptides) == 0:
            return np.empty(0)
        return np.asarray(
            self.presentation.predict_processing(
                peptides=list(peptides),
                n_flanks=list(n_flanks),
                c_flanks=list(c_flanks),
                verbose=0,
                batch_size=self.batch_size,
            ),
            dtype=float,
        )

    def presentation_scores(self, affinity_nm: np.ndarray, processing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Presentation score and percentile of each row x allele: MHCflurry's logistic model over
        the affinity score and the processing score, and its percentile transform."""
        from mhcflurry.regression_target import from_ic50

        model = self.presentation.get_model("with_flanks")
        n_rows, n_alleles = affinity_nm.shape
        if affinity_nm.size == 0:
            return np.empty(affinity_nm.shape), np.empty(affinity_nm.shape)
        features = np.column_stack(
            [from_ic50(affinity_nm.ravel(order="F")), np.tile(processing, n_alleles)]
        )  # column-major: all rows of allele 0, then allele 1, ...
        score = model.predict_proba(features)[:, 1]
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # uncalibrated models: NaN percentiles, as in MHCflurry
            percentile = self.presentation.percentile_ranks(score, throw=False)
        shape = (n_rows, n_alleles)
        return score.reshape(shape, order="F"), np.asarray(percentile, dtype=float).reshape(shape, order="F")

    def score(self, work: pd.DataFrame, alleles: list[str], cache=None) -> ChunkScores:
        """Scores of each row of work (unique, sorted SCORE_WORK rows) for each allele.

        With a cache (neoag.scoring.cache.ScoreCache) only the pairs it lacks are
        predicted, and they are stored for later jobs.
        """
        if self.mode == "affinity":
            affinity_nm = self._cached_affinity(work.peptide.tolist(), alleles, cache)
            return ChunkScores(affinity_nm, self.affinity_percentiles(affinity_nm, alleles))

        peptides = sorted(set(work.peptide))  # affinity does not depend on the flanks
        by_peptide = self._cached_affinity(peptides, alleles, cache)
        rows = pd.Index(peptides).get_indexer(work.peptide)
        affinity_nm = by_peptide[rows]
        processing = self._cached_processing(work, cache)
        presentation, presentation_percentile = self.presentation_scores(affinity_nm, processing)
        return ChunkScores(
            affinity_nm,
            self.affinity_percentiles(affinity_nm, alleles),
            processing,
            presentation,
            presentation_percentile,
        )

    def _cached_affinity(self, peptides: list[str], alleles: list[str], cache) -> np.ndarray:
        if cache is None:
            return self.affinity(peptides, alleles)
        values = cache.get_affinity(peptides, alleles)
        missing = np.isnan(values)
        rows = np.flatnonzero(missing.any(axis=1))
        if len(rows):
            subset = [peptides[i] for i in rows]
            fresh = self.affinity(subset, alleles)
            fresh[~missing[rows]] = np.nan  # store only what the cache lacked ...
            cache.put_affinity(subset, alleles, fresh)
            values[rows] = np.where(missing[rows], fresh, values[rows])  # ... and keep its values
        return values

    def _cached_processing(self, work: pd.DataFrame, cache) -> np.ndarray:
        peptides, n_flanks, c_flanks = work.peptide.tolist(), work.n_flank.tolist(), work.c_flank.tolist()
        if cache is None:
            return self.processing(peptides, n_flanks, c_flanks)
        values = cache.get_processing(peptides, n_flanks, c_flanks)
        rows = np.flatnonzero(np.isnan(values))
        if len(rows):
            subset = ([peptides[i] for i in rows], [n_flanks[i] for i in rows], [c_flanks[i] for i in rows])
            fresh = self.processing(*subset)
            cache.put_processing(*subset, fresh)
            values[rows] = fresh
        return values


def cpu_threads(requested: int) -> int:
    """The job's threads, never more than the machine has."""
    return max(1, min(requested, os.cpu_count() or 1))
