"""MHCflurry scoring: unique peptides x the sample's alleles, models loaded once.

Two kinds of models directory work the same way:
- a presentation predictor (the released `models_class1_presentation`, with
  affinity_predictor/, processing_predictor_*/ and weights.csv): affinity,
  processing and presentation scores;
- an affinity predictor alone (such as neoag's demo model): affinity and its
  percentile; the processing and presentation columns stay empty.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

from neoag.columns import SCORE_TABLE
from neoag.errors import NeoagInputError
from neoag.hla import check_supported
from neoag.tables import read_table, write_table

DEMO_MODEL_MARKER = "neoag_demo_model.json"


def demo_model_info(models_dir: str) -> dict | None:
    """The demo model's label file, or None for real models."""
    marker = Path(models_dir) / DEMO_MODEL_MARKER
    return json.loads(marker.read_text()) if marker.exists() else None


class Scorer:
    """Loads a models directory once and scores peptide tables with it."""

    def __init__(self, models_dir: str, threads: int = 1) -> None:
        import torch

        torch.set_num_threads(max(1, threads))
        from mhcflurry import Class1AffinityPredictor, Class1PresentationPredictor

        self.models_dir = models_dir
        path = Path(models_dir)
        if not path.is_dir():
            raise NeoagInputError(
                f"MHCflurry models directory {models_dir} does not exist. Set 'mhcflurry_models' in "
                "the config to the released models (run the download_mhcflurry_models rule) or to "
                "resources/demo/mhcflurry_demo_model for the demo."
            )
        try:
            if (path / "weights.csv").exists() and (path / "affinity_predictor").is_dir():
                self.presentation = Class1PresentationPredictor.load(models_dir)
                self.affinity = self.presentation.affinity_predictor
            else:
                self.presentation = None
                self.affinity = Class1AffinityPredictor.load(models_dir)
        except Exception as error:  # mhcflurry raises many kinds on a broken directory
            raise NeoagInputError(
                f"{models_dir}: not a loadable MHCflurry models directory ({type(error).__name__}: "
                f"{error}). Point 'mhcflurry_models' at a Class1PresentationPredictor or "
                "Class1AffinityPredictor directory, e.g. the output of `mhcflurry-downloads fetch "
                "models_class1_presentation`."
            ) from None

    @property
    def mode(self) -> str:
        """'presentation' or 'affinity'."""
        if self.presentation is not None and self.presentation.supports_presentation_prediction:
            return "presentation"
        return "affinity"

    @property
    def supported_alleles(self) -> list[str]:
        return list(self.affinity.supported_alleles)

    def score(self, peptides: pd.DataFrame, alleles: list[str]) -> pd.DataFrame:
        """Scores of each unique (peptide, n_flank, c_flank) for each allele.

        peptides has columns peptide, n_flank, c_flank. In affinity mode the
        flanks do not matter and are dropped before deduplication.
        """
        if self.mode == "affinity":
            unique = sorted(set(peptides.peptide))
            frames = []
            for allele in alleles:
                predicted = self.affinity.predict_to_dataframe(
                    peptides=unique, allele=allele, include_percentile_ranks=True,
                    include_confidence_intervals=False,
                )  # fmt: skip
                frames.append(
                    pd.DataFrame(
                        {
                            "peptide": unique,
                            "n_flank": "",
                            "c_flank": "",
                            "allele": allele,
                            "affinity_nm": predicted.prediction.to_numpy(),
                            "affinity_percentile": predicted.prediction_percentile.to_numpy(),
                            "processing_score": None,
                            "presentation_score": None,
                            "presentation_percentile": None,
                        }
                    )
                )
            return pd.concat(frames, ignore_index=True) if frames else _empty_scores()

        unique = (
            peptides[["peptide", "n_flank", "c_flank"]].drop_duplicates().sort_values(["peptide", "n_flank", "c_flank"])
        )
        if unique.empty:
            return _empty_scores()
        predicted = self.presentation.predict(
            peptides=unique.peptide.tolist(),
            n_flanks=unique.n_flank.tolist(),
            c_flanks=unique.c_flank.tolist(),
            alleles={allele: [allele] for allele in alleles},
            include_affinity_percentile=True,
            verbose=0,
        )
        return pd.DataFrame(
            {
                "peptide": predicted.peptide,
                "n_flank": predicted.n_flank,
                "c_flank": predicted.c_flank,
                "allele": predicted.sample_name,
                "affinity_nm": predicted.affinity,
                "affinity_percentile": predicted.affinity_percentile,
                "processing_score": predicted.processing_score,
                "presentation_score": predicted.presentation_score,
                "presentation_percentile": predicted.presentation_percentile,
            }
        )


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(columns=list(SCORE_TABLE))


def peptides_to_score(peptide_table: pd.DataFrame) -> pd.DataFrame:
    """Mutant and wild-type peptides with their flanks, stacked (duplicates allowed)."""
    mutant = peptide_table[["mt_peptide", "mt_n_flank", "mt_c_flank"]].set_axis(
        ["peptide", "n_flank", "c_flank"], axis=1
    )
    wild_type = peptide_table.loc[peptide_table.wt_peptide != "", ["wt_peptide", "wt_n_flank", "wt_c_flank"]]
    wild_type = wild_type.set_axis(["peptide", "n_flank", "c_flank"], axis=1)
    return pd.concat([mutant, wild_type], ignore_index=True)


def score_peptide_table(
    peptides_tsv: str, alleles_tsv: str, models_dir: str, out_tsv: str, threads: int
) -> pd.DataFrame:
    """scores.tsv for a sample: every MT and WT peptide x every allele."""
    alleles = read_table(alleles_tsv).allele.tolist()
    scorer = Scorer(models_dir, threads=threads)
    check_supported(alleles, scorer.supported_alleles, models_dir, alleles_tsv)
    demo = demo_model_info(models_dir)
    if demo:
        print(f"WARNING: {demo.get('label', 'demo model')}", file=sys.stderr)
    table = peptides_to_score(read_table(peptides_tsv))
    lengths = table.peptide.str.len()
    low, high = scorer.affinity.supported_peptide_lengths
    unsupported = sorted(set(lengths[(lengths < low) | (lengths > high)]))
    if unsupported:
        raise NeoagInputError(
            f"{models_dir}: the models score peptides of {low}-{high} residues, not {unsupported}. "
            "Set 'peptide_lengths' in the config within that range."
        )
    print(
        f"scoring {table.peptide.nunique()} unique peptides x {len(alleles)} alleles "
        f"({scorer.mode} mode, {threads} threads, models {models_dir})",
        file=sys.stderr,
    )
    scores = scorer.score(table, alleles)
    scores = scores.sort_values(["peptide", "n_flank", "c_flank", "allele"], kind="stable")
    write_table(scores, out_tsv, SCORE_TABLE)
    return scores


def cpu_threads(requested: int) -> int:
    """The job's threads, never more than the machine has."""
    return max(1, min(requested, os.cpu_count() or 1))
