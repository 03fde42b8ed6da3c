#!/usr/bin/env python3
"""Train neoag's small DEMO MHCflurry affinity model.

The demo patient must run offline, where the released MHCflurry models cannot
be downloaded, so neoag ships a small model that it trains itself with
MHCflurry's own training API: allele-specific ``Class1NeuralNetwork`` models
fitted with ``Class1NeuralNetwork.fit`` (MHCflurry's inequality-aware loss),
combined into a ``Class1AffinityPredictor``, percentile ranks calibrated, and
saved with the predictor's ``save()``. The result is clearly labelled as a
demo model: it is not the released MHCflurry models, it is not validated, and
it is unfit for research conclusions or clinical use.

Data: MHCflurry's curated class I binding data (IEDB + Kim et al. 2014) as
distributed inside the PyPI wheel ``mhcnuggets==2.4.1``. The wheel is fetched
with ``pip download`` into a cache directory (or given with ``--wheel``), its
sha256 is checked, and the CSV is read straight out of the zip; mhcnuggets is
never installed.

Usage (from the repository root)::

    .venv/bin/python resources/demo/train_demo_model.py
    .venv/bin/python resources/demo/train_demo_model.py --wheel /path/to/mhcnuggets-2.4.1-py2.py3-none-any.whl

The model is written to ``resources/demo/mhcflurry_demo_model/`` and loads with
``mhcflurry.Class1AffinityPredictor.load(<dir>)``. Progress goes to stderr; the
held-out evaluation table is printed to stdout and written to TRAINING.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import random
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LOG = logging.getLogger("train_demo_model")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "resources" / "demo" / "mhcflurry_demo_model"
DEFAULT_CACHE = REPO_ROOT / "resources" / "downloads" / "mhcnuggets"

# --- data source -------------------------------------------------------------
WHEEL_PACKAGE = "mhcnuggets"
WHEEL_VERSION = "2.4.1"
WHEEL_FILENAME = "mhcnuggets-2.4.1-py2.py3-none-any.whl"
WHEEL_SHA256 = "ea1c54d020eef8bad3243dfa01af59fe30a789b0faa01ae66eb1f9ff9705cd36"
CSV_PATH_IN_WHEEL = "mhcnuggets/data/production/mhcI/curated_training_data.csv"
CSV_SHA256 = "b64def9bb601767a0416e07d748b3b809f58d539940599bd33598443d93b1c3b"
CSV_COLUMNS = ("mhc", "peptide", "IC50(nM)", "measurement_type", "measurement_source", "original_allele")
DATA_CITATIONS = (
    "Vita R et al. The Immune Epitope Database (IEDB): 2018 update. Nucleic Acids Res. 2019;47:D339-D343.",
    "Kim Y, Sidney J, Buus S, Sette A, Nielsen M, Peters B. Dataset size and composition impact the "
    "reliability of performance benchmarks for peptide-MHC binding predictions. BMC Bioinformatics. 2014;15:241.",
    "O'Donnell TJ, Rubinsteyn A, Bonsack M, Riemer AB, Laserson U, Hammerbacher J. MHCflurry: open-source "
    "class I MHC binding affinity prediction. Cell Systems. 2018;7(1):129-132.",
    "O'Donnell TJ, Rubinsteyn A, Laserson U. MHCflurry 2.0: improved pan-allele prediction of MHC class "
    "I-presented peptides by incorporating antigen processing. Cell Systems. 2020;11(1):42-48.",
    "Shao XM et al. High-throughput prediction of MHC class I and II neoantigens with MHCnuggets. "
    "Cancer Immunol Res. 2020;8(3):396-408 (distribution of the curated CSV in the mhcnuggets wheel).",
)

# --- what the demo needs -----------------------------------------------------
DEMO_ALLELES = ("HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02", "HLA-B*15:01", "HLA-C*04:01", "HLA-C*07:01")
MIN_LENGTH = 8
MAX_LENGTH = 11  # the demo scores 8-11-mers; the networks are built for exactly this range
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
BINDER_THRESHOLD_NM = 500.0

# Qualitative rows: the curation stores a placeholder IC50 for each IEDB
# qualitative class (Positive-High 50, Positive 100, Positive-Intermediate 500,
# Positive-Low 5000, Negative 50000), and stores some Kim et al. 2014 values
# as qualitative too (1, 20000 and ~70000 nM; apparently censored measurements). A placeholder is not a
# measurement, so each row becomes an inequality at its class boundary, which
# MHCflurry's loss (mse_with_inequalities) only penalises when violated. Every
# bound is the same as or weaker than the value the curation stored.
#   (upper edge of the stored IC50 bin in nM, inequality, bound in nM)
QUALITATIVE_BINS = (
    (50.0, "<", 50.0),  # Positive-High; Kim 1 nM
    (500.0, "<", 500.0),  # Positive (100), Positive-Intermediate (500)
    (5000.0, "<", 5000.0),  # Positive-Low
    (np.inf, ">", 5000.0),  # Negative (50000); Kim 20000 and ~70000 nM
)

# --- training ------------------------------------------------------------------
DEFAULT_SEED = 20240613
DEFAULT_MAX_EPOCHS = 100
HELDOUT_FRACTION = 0.10
MODELS_PER_ALLELE = 2
CALIBRATION_PEPTIDES_PER_LENGTH = 10_000
# One intra-op thread: the networks are tiny, so a second thread gains little,
# and on a busy 2-core machine two spinning torch threads made a fit ~20x slower.
TORCH_THREADS = 1
MIN_QUANTITATIVE_FOR_SPEARMAN = 10
MIN_HELDOUT_BINDERS_FOR_AUC = 10

LABEL = (
    "DEMO MODEL — a small model trained by neoag for its demo patient and tests. "
    "It is NOT the released MHCflurry models, not validated, and unfit for research "
    "conclusions or clinical use. For real runs use the released models "
    "(`mhcflurry-downloads fetch models_class1_presentation`)."
)

# A fixed probe panel whose predictions are stored in neoag_demo_model.json, so
# two trainings can be compared by diffing that file.
PROBE_PEPTIDES = (
    "GILGFVFTL",  # influenza A M1 58-66, HLA-A*02:01
    "NLVPMVATV",  # CMV pp65 495-503, HLA-A*02:01
    "IVTDFSVIK",  # EBV EBNA3B 416-424, HLA-A*11:01
    "TPRVTGGGAM",  # CMV pp65 417-426, HLA-B*07:02
    "DEDEDEDED",  # acidic repeat, expected non-binder
    "GGGGGGGGGG",
)


class DemoModelError(Exception):
    """A problem with the inputs of the demo-model training, with its fix."""


# --- data --------------------------------------------------------------------
def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(cache: Path, wheel: Path | None = None, expected_sha256: str = WHEEL_SHA256) -> Path:
    """Return the path of a verified mhcnuggets wheel, downloading it if needed.

    Parameters
    ----------
    cache : Path
        Directory for ``pip download`` (created if missing).
    wheel : Path, optional
        An existing wheel to use instead of the cache.
    expected_sha256 : str
        Checksum the wheel must have.

    Returns
    -------
    Path
    """
    if wheel is not None:
        path = Path(wheel)
        if not path.is_file():
            raise DemoModelError(f"--wheel {path}: no such file; give the path of {WHEEL_FILENAME}")
    else:
        path = Path(cache) / WHEEL_FILENAME
        if not path.is_file():
            Path(cache).mkdir(parents=True, exist_ok=True)
            command = [
                sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                f"{WHEEL_PACKAGE}=={WHEEL_VERSION}", "-d", str(cache),
            ]  # fmt: skip
            LOG.info("downloading %s==%s: %s", WHEEL_PACKAGE, WHEEL_VERSION, " ".join(command))
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if result.returncode != 0 or not path.is_file():
                raise DemoModelError(
                    f"pip download of {WHEEL_PACKAGE}=={WHEEL_VERSION} into {cache} failed "
                    f"(exit {result.returncode}):\n{result.stdout}\n"
                    f"Fix: allow access to PyPI, or pass --wheel with a copy of {WHEEL_FILENAME}."
                )
    actual = sha256_file(path)
    if actual != expected_sha256:
        raise DemoModelError(
            f"{path}: sha256 {actual} does not match the expected {expected_sha256}; "
            f"delete it and rerun, or pass --wheel with the genuine {WHEEL_FILENAME}."
        )
    return path


def read_training_csv(
    wheel: Path,
    csv_path: str = CSV_PATH_IN_WHEEL,
    expected_sha256: str | None = CSV_SHA256,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read the curated binding CSV straight out of the wheel (a zip file).

    Parameters
    ----------
    wheel : Path
        The mhcnuggets wheel.
    csv_path : str
        Member name of the CSV inside the wheel.
    expected_sha256 : str or None
        Checksum the CSV must have; None skips the check.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table, and facts about it: the CSV sha256 and the licence stated
        in the wheel's METADATA and LICENSE file.
    """
    with zipfile.ZipFile(wheel) as archive:
        try:
            data = archive.read(csv_path)
        except KeyError:
            raise DemoModelError(f"{wheel}: has no member {csv_path}; is it the {WHEEL_FILENAME} wheel?") from None
        info = {"csv_sha256": sha256_bytes(data)}
        info.update(_wheel_licence(archive))
    if expected_sha256 is not None and info["csv_sha256"] != expected_sha256:
        raise DemoModelError(
            f"{wheel}:{csv_path}: sha256 {info['csv_sha256']} does not match the expected {expected_sha256}."
        )
    table = pd.read_csv(io.BytesIO(data))
    missing = [column for column in CSV_COLUMNS if column not in table.columns]
    if missing:
        raise DemoModelError(f"{wheel}:{csv_path}: missing columns {missing}; expected {list(CSV_COLUMNS)}.")
    return table, info


def _wheel_licence(archive: zipfile.ZipFile) -> dict[str, str]:
    """Licence statements found in a wheel's dist-info (METADATA field, LICENSE title)."""
    result = {"wheel_metadata_license": "", "wheel_license_file": "", "wheel_license_file_title": ""}
    for name in archive.namelist():
        if not name.split("/")[0].endswith(".dist-info"):
            continue
        base = name.split("/")[-1]
        if base == "METADATA":
            for line in archive.read(name).decode("utf-8", "replace").splitlines():
                if line.startswith("License:"):
                    result["wheel_metadata_license"] = line.split(":", 1)[1].strip()
                    break
        elif base.upper().startswith("LICENSE"):
            lines = archive.read(name).decode("utf-8", "replace").splitlines()
            title = next((line.strip() for line in lines if line.strip() and set(line.strip()) != {"="}), "")
            result["wheel_license_file"] = name
            result["wheel_license_file_title"] = title
    return result


def select_rows(
    table: pd.DataFrame,
    alleles: Sequence[str],
    min_length: int = MIN_LENGTH,
    max_length: int = MAX_LENGTH,
) -> pd.DataFrame:
    """Keep rows of ``alleles`` whose peptide is ``min_length``..``max_length`` standard amino acids.

    Rows with a missing or non-positive IC50 are dropped too.

    Returns
    -------
    pandas.DataFrame
        Columns allele, peptide, ic50, measurement_type, measurement_source,
        in the input order, with a fresh index.
    """
    peptides = table["peptide"].astype(str)
    ic50 = pd.to_numeric(table["IC50(nM)"], errors="coerce")
    keep = (
        table["mhc"].isin(list(alleles))
        & peptides.str.len().between(min_length, max_length)
        & peptides.str.fullmatch(f"[{AMINO_ACIDS}]+")
        & (ic50 > 0)
    )
    selected = pd.DataFrame(
        {
            "allele": table.loc[keep, "mhc"].astype(str),
            "peptide": peptides[keep],
            "ic50": ic50[keep].astype(float),
            "measurement_type": table.loc[keep, "measurement_type"].astype(str),
            "measurement_source": table.loc[keep, "measurement_source"].astype(str),
        }
    )
    return selected.reset_index(drop=True)


def training_targets(rows: pd.DataFrame) -> pd.DataFrame:
    """Add the regression target (``affinity``, nM) and its ``inequality`` to each row.

    Quantitative rows are ``=`` their measured IC50. Qualitative rows become an
    inequality at their class boundary (see ``QUALITATIVE_BINS``): ``<`` 50,
    500 or 5000 nM for positives, ``>`` 5000 nM for negatives and censored-high
    values. Inequalities are in nM, as ``Class1NeuralNetwork.fit`` expects.
    """
    qualitative = rows["measurement_type"].eq("qualitative").to_numpy()
    ic50 = rows["ic50"].to_numpy(dtype=float)
    unknown = ~np.isin(rows["measurement_type"].to_numpy(), ["quantitative", "qualitative"])
    if unknown.any():
        bad = sorted(set(rows["measurement_type"][unknown]))
        raise DemoModelError(f"measurement_type must be quantitative or qualitative, found {bad}")
    inequality = np.full(len(rows), "=", dtype=object)
    affinity = ic50.copy()
    lower = 0.0
    for upper, sign, bound in QUALITATIVE_BINS:
        in_bin = qualitative & (ic50 > lower) & (ic50 <= upper)
        inequality[in_bin] = sign
        affinity[in_bin] = bound
        lower = upper
    out = rows.copy()
    out["affinity"] = affinity
    out["inequality"] = inequality.astype(str)
    return out


def derived_seed(seed: int, allele: str, *parts: int) -> int:
    """A seed for one allele (and model number), stable whichever other alleles are trained."""
    return int(np.random.SeedSequence([seed, zlib.crc32(allele.encode()), *parts]).generate_state(1)[0])


def split_heldout(
    rows: pd.DataFrame, fraction: float = HELDOUT_FRACTION, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded per-allele split that holds out ``fraction`` of each allele's peptides.

    Splitting by distinct peptide (not by row) keeps repeated measurements of
    one peptide on the same side, so held-out peptides are unseen in training;
    about ``fraction`` of the rows are held out.

    Returns
    -------
    (train, heldout) : tuple of pandas.DataFrame
    """
    if not 0.0 < fraction < 1.0:
        raise DemoModelError(f"held-out fraction must be between 0 and 1, got {fraction}")
    heldout_mask = pd.Series(False, index=rows.index)
    for allele, group in rows.groupby("allele", sort=True):
        peptides = np.array(sorted(group["peptide"].unique()))
        n_heldout = int(round(fraction * len(peptides)))
        if len(peptides) >= 2:
            n_heldout = min(max(n_heldout, 1), len(peptides) - 1)
        else:
            n_heldout = 0
        rng = np.random.default_rng(derived_seed(seed, str(allele)))
        chosen = set(rng.permutation(peptides)[:n_heldout])
        heldout_mask[group.index] = group["peptide"].isin(chosen)
    return rows[~heldout_mask].copy(), rows[heldout_mask].copy()


# --- model -------------------------------------------------------------------
def network_hyperparameters(max_epochs: int = DEFAULT_MAX_EPOCHS) -> dict[str, Any]:
    """Hyperparameters of each ``Class1NeuralNetwork`` (a small allele-specific net)."""
    return {
        "peptide_encoding": {
            "vector_encoding_name": "BLOSUM62",
            "alignment_method": "pad_middle",
            "left_edge": 4,
            "right_edge": 4,
            "max_length": MAX_LENGTH,
        },
        "locally_connected_layers": [{"filters": 8, "activation": "tanh", "kernel_size": 3}],
        "layer_sizes": [32],
        "activation": "tanh",
        "output_activation": "sigmoid",
        "dropout_probability": 0.0,
        "batch_normalization": False,
        "dense_layer_l1_regularization": 0.001,
        "loss": "custom:mse_with_inequalities",
        "optimizer": "rmsprop",
        "minibatch_size": 128,
        "max_epochs": int(max_epochs),
        "validation_split": 0.1,
        "early_stopping": True,
        "patience": 10,
        "restore_best_weights": True,
        "random_negative_rate": 0.1,
        "random_negative_constant": 10,
        "random_negative_lengths": list(range(MIN_LENGTH, MAX_LENGTH + 1)),
        "random_negative_affinity_min": 20000.0,
        "random_negative_affinity_max": 50000.0,
    }


def seed_everything(seed: int, threads: int = TORCH_THREADS) -> None:
    """Seed Python, numpy and torch; fix torch's CPU thread count and backend."""
    import torch
    from mhcflurry.common import configure_pytorch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    configure_pytorch(backend="cpu", num_threads=threads)
    with contextlib.suppress(RuntimeError):  # only settable before any parallel work
        torch.set_num_interop_threads(1)
    torch.use_deterministic_algorithms(True, warn_only=True)


def train_predictor(
    train: pd.DataFrame,
    alleles: Sequence[str],
    seed: int,
    max_epochs: int = DEFAULT_MAX_EPOCHS,
    models_per_allele: int = MODELS_PER_ALLELE,
):
    """Fit ``models_per_allele`` ``Class1NeuralNetwork``s per allele and combine them.

    Each fit gets its own seed (``Class1NeuralNetwork.fit(seed=...)``) derived
    from ``seed``, the allele and the model number.

    Returns
    -------
    mhcflurry.Class1AffinityPredictor
        Allele-specific predictor (not yet calibrated).
    """
    from mhcflurry import Class1NeuralNetwork

    hyperparameters = network_hyperparameters(max_epochs)
    allele_to_models = {}
    for allele in alleles:
        rows = train[train["allele"] == allele]
        if rows.empty:
            raise DemoModelError(f"no training rows for {allele}; check --alleles against the curated data")
        counts = rows["inequality"].value_counts().sort_index().to_dict()
        LOG.info("%s: training on %d rows (%s)", allele, len(rows), ", ".join(f"{k}:{v}" for k, v in counts.items()))
        models = []
        for number in range(models_per_allele):
            start = time.time()
            model = Class1NeuralNetwork(**hyperparameters)
            # mhcflurry prints progress to stdout; keep stdout for the result table.
            with contextlib.redirect_stdout(sys.stderr):
                model.fit(
                    rows["peptide"].to_numpy(),
                    rows["affinity"].to_numpy(dtype=float),
                    inequalities=rows["inequality"].to_numpy(),
                    verbose=0,
                    progress_print_interval=None,
                    seed=derived_seed(seed, allele, number),
                )
            drop_timings(model)
            info = model.fit_info[-1]
            LOG.info(
                "%s: model %d/%d: %d epochs (best %s), train loss %.4f, best val loss %.4f, %.1f s",
                allele, number + 1, models_per_allele, len(info["loss"]), info.get("best_epoch"),
                info["loss"][-1], info.get("best_val_loss") or float("nan"), time.time() - start,
            )  # fmt: skip
            models.append(model)
        allele_to_models[allele] = models
    return combine_models(allele_to_models)


def drop_timings(model) -> None:
    """Remove wall-clock timings from ``model.fit_info`` so that saved manifests are reproducible."""
    for info in model.fit_info:
        for key in [key for key in info if key.endswith("time")]:
            del info[key]


def model_name(allele: str, number: int, weights: Sequence[np.ndarray]) -> str:
    """MHCflurry-style model name with a content hash instead of MHCflurry's time-based suffix."""
    digest = hashlib.sha256()
    for array in weights:
        digest.update(np.ascontiguousarray(array).tobytes())
    return f"{allele.upper().replace('*', '_').replace(':', '_')}-{number}-{digest.hexdigest()[:16]}"


def combine_models(allele_to_models: dict[str, list]):
    """``Class1AffinityPredictor(allele_to_allele_specific_models=...)`` with a deterministic manifest."""
    from mhcflurry import Class1AffinityPredictor

    rows = [
        (model_name(allele, number, model.get_weights()), allele, json.dumps(model.get_config()), model)
        for allele, models in allele_to_models.items()
        for number, model in enumerate(models)
    ]
    manifest = pd.DataFrame(rows, columns=["model_name", "allele", "config_json", "model"])
    return Class1AffinityPredictor(allele_to_allele_specific_models=allele_to_models, manifest_df=manifest)


def calibration_peptides(seed: int, per_length: int = CALIBRATION_PEPTIDES_PER_LENGTH) -> list[str]:
    """Seeded uniform random peptides of every supported length, for percentile ranks."""
    from mhcflurry.common import random_peptides

    peptides: list[str] = []
    for length in range(MIN_LENGTH, MAX_LENGTH + 1):
        rng = np.random.default_rng([seed, length])
        peptides.extend(random_peptides(per_length, length, rng=rng))
    return peptides


# --- evaluation ----------------------------------------------------------------
def evaluate(predictor, train: pd.DataFrame, heldout: pd.DataFrame, alleles: Sequence[str]) -> pd.DataFrame:
    """Per-allele held-out metrics.

    AUC: predicted affinity as the score for binder (stored IC50 <= 500 nM)
    vs non-binder, over all held-out rows. Spearman: predicted vs measured
    IC50 on quantitative held-out rows (NaN below 10 such rows).
    """
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    records = []
    for allele in alleles:
        test = heldout[heldout["allele"] == allele]
        record: dict[str, Any] = {
            "allele": allele,
            "training_rows": int((train["allele"] == allele).sum()),
            "heldout_rows": len(test),
            "heldout_quantitative": int(test["measurement_type"].eq("quantitative").sum()),
            "heldout_binders": int((test["ic50"] <= BINDER_THRESHOLD_NM).sum()),
            "auc": float("nan"),
            "auc_quantitative": float("nan"),
            "spearman_quantitative": float("nan"),
        }
        if len(test):
            predicted = np.asarray(predictor.predict(test["peptide"].tolist(), allele=allele), dtype=float)
            binder = (test["ic50"] <= BINDER_THRESHOLD_NM).to_numpy()
            quantitative = test["measurement_type"].eq("quantitative").to_numpy()
            score = -np.log(predicted)
            if 0 < binder.sum() < len(binder):
                record["auc"] = float(roc_auc_score(binder, score))
            if 0 < binder[quantitative].sum() < quantitative.sum():
                record["auc_quantitative"] = float(roc_auc_score(binder[quantitative], score[quantitative]))
            if quantitative.sum() >= MIN_QUANTITATIVE_FOR_SPEARMAN:
                rho = spearmanr(test["ic50"].to_numpy()[quantitative], predicted[quantitative]).statistic
                record["spearman_quantitative"] = float(rho)
        records.append(record)
    return pd.DataFrame.from_records(records)


def markdown_table(frame: pd.DataFrame) -> str:
    """Render ``frame`` as a GitHub markdown table (floats to 3 decimals, NaN as n/a)."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return "n/a" if np.isnan(value) else f"{value:.3f}"
        return str(value)

    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(value) for value in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


# --- outputs -------------------------------------------------------------------
def _json_float(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def write_model_card(
    out: Path,
    *,
    alleles: Sequence[str],
    seed: int,
    max_epochs: int,
    provenance: dict[str, Any],
    data_summary: pd.DataFrame,
    metrics: pd.DataFrame,
    probe_predictions: dict[str, dict[str, float]],
) -> None:
    """Write README.md, TRAINING.md and neoag_demo_model.json, and strip host facts from info.txt."""
    import mhcflurry
    import sklearn
    import torch

    weights = {path.name: sha256_file(path) for path in sorted(out.glob("weights_*.npz"))}
    hyperparameters = network_hyperparameters(max_epochs)
    card = {
        "demo_model": True,
        "label": LABEL,
        "trained_by": "neoag resources/demo/train_demo_model.py",
        "alleles": list(alleles),
        "peptide_lengths": [MIN_LENGTH, MAX_LENGTH],
        "models_per_allele": MODELS_PER_ALLELE,
        "seed": seed,
        "torch_threads": TORCH_THREADS,
        "mhcflurry_version": mhcflurry.__version__,
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "pandas_version": pd.__version__,
        "sklearn_version": sklearn.__version__,
        "python_version": sys.version.split()[0],
        "provenance": provenance,
        "qualitative_rows": {
            "rule": "inequality at the IEDB qualitative class boundary (see TRAINING.md)",
            "bins": [
                {"stored_ic50_up_to_nM": None if np.isinf(upper) else upper, "inequality": sign, "bound_nM": bound}
                for upper, sign, bound in QUALITATIVE_BINS
            ],
        },
        "hyperparameters": hyperparameters,
        "heldout_fraction": HELDOUT_FRACTION,
        "binder_threshold_nM": BINDER_THRESHOLD_NM,
        "heldout_auc": {row.allele: _json_float(row.auc) for row in metrics.itertuples()},
        "heldout_spearman_quantitative": {
            row.allele: _json_float(row.spearman_quantitative) for row in metrics.itertuples()
        },
        "heldout_metrics": [
            {key: (_json_float(value) if isinstance(value, float) else value) for key, value in record.items()}
            for record in metrics.to_dict(orient="records")
        ],
        "weights_sha256": weights,
        "probe_predictions_nM": probe_predictions,
    }
    (out / "neoag_demo_model.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")

    readme = f"""# {LABEL}

This directory is a `mhcflurry.Class1AffinityPredictor` (allele-specific,
{MODELS_PER_ALLELE} small networks per allele) saved with MHCflurry's own `save()`:

```python
from mhcflurry import Class1AffinityPredictor
predictor = Class1AffinityPredictor.load("resources/demo/mhcflurry_demo_model")
```

- Alleles: {", ".join(alleles)} (the demo patient's genotype); peptides of length
  {MIN_LENGTH}-{MAX_LENGTH} only. It is an affinity predictor only (no antigen
  processing or presentation score).
- `neoag_demo_model.json` has `"demo_model": true`; the workflow reads it to warn
  in its outputs that results came from this demo model.
- Trained by `resources/demo/train_demo_model.py` (rerun it to rebuild this
  directory); held-out evaluation in `TRAINING.md`.
- Data: MHCflurry's curated class I binding data (IEDB; Kim et al. 2014) as
  distributed in the `{WHEEL_PACKAGE}=={WHEEL_VERSION}` wheel, file
  `{CSV_PATH_IN_WHEEL}` (sha256 `{provenance["csv_sha256"]}`). Licence statements
  found in that wheel: METADATA says "{provenance["wheel_metadata_license"]}"; its
  `{provenance["wheel_license_file"]}` is titled "{provenance["wheel_license_file_title"]}".
  See `neoag_demo_model.json` for the full provenance and citations.
- `info.txt` is MHCflurry's own metadata file; the training script replaces its
  save time, host and user with "not recorded" so that retraining gives
  identical files.

Please cite the data sources if you use this model in any way:

{chr(10).join("- " + citation for citation in DATA_CITATIONS)}
"""
    (out / "README.md").write_text(readme)

    counts_table = markdown_table(data_summary)
    few = metrics.loc[metrics["heldout_binders"] < MIN_HELDOUT_BINDERS_FOR_AUC, "allele"].tolist()
    few_binders_note = (
        f" The AUC of {', '.join(few)} rests on fewer than {MIN_HELDOUT_BINDERS_FOR_AUC} held-out"
        " binders and says next to nothing about the model."
        if few
        else ""
    )
    training = f"""# Training record of the neoag DEMO MHCflurry model

{LABEL}

## Data

`{CSV_PATH_IN_WHEEL}` from `{WHEEL_PACKAGE}=={WHEEL_VERSION}` (wheel sha256
`{provenance["wheel_sha256"]}`, CSV sha256 `{provenance["csv_sha256"]}`).
Rows kept: alleles {", ".join(alleles)}; peptides of {MIN_LENGTH}-{MAX_LENGTH}
residues of the 20 standard amino acids; IC50 > 0.

Qualitative rows carry a placeholder IC50 per IEDB class (Positive-High 50,
Positive 100, Positive-Intermediate 500, Positive-Low 5000, Negative 50000 nM;
some Kim et al. 2014 values, 1, 20000 and ~70000 nM, apparently censored
measurements, are stored as qualitative too). They are trained as inequalities at the class boundary,
which MHCflurry's `mse_with_inequalities` loss only penalises when violated:
stored IC50 <= 50 -> `< 50 nM`; <= 500 -> `< 500 nM`; <= 5000 -> `< 5000 nM`;
above 5000 -> `> 5000 nM`. Quantitative rows are `= IC50`. Every bound is as
weak as or weaker than the value stored in the curation. Repeated measurements
of a peptide are all kept (as MHCflurry does).

{counts_table}

## Model

Per allele, {MODELS_PER_ALLELE} `Class1NeuralNetwork`s, each fitted with
`Class1NeuralNetwork.fit(..., inequalities=..., seed=...)` (seed derived from
{seed}, the allele name and the model number; early stopping on a 10%
validation split, best weights restored), combined into
`Class1AffinityPredictor(allele_to_allele_specific_models=...)` (model names
carry a hash of the weights rather than MHCflurry's time-based suffix, and
wall-clock timings are dropped from the stored fit_info), then percentile
ranks calibrated on
{CALIBRATION_PEPTIDES_PER_LENGTH} seeded uniform random peptides per length.
Hyperparameters:

```json
{json.dumps(hyperparameters, indent=2)}
```

## Held-out evaluation

{HELDOUT_FRACTION:.0%} of each allele's distinct peptides (all their rows,
quantitative and qualitative) were held out with a seeded split before
training. `auc`: predicted affinity, binder (stored IC50 <= {BINDER_THRESHOLD_NM:g} nM)
vs non-binder, all held-out rows; `auc_quantitative`: the same on quantitative
rows only; `spearman_quantitative`: predicted vs measured IC50 on quantitative
held-out rows (n/a below {MIN_QUANTITATIVE_FOR_SPEARMAN} rows). The C alleles
have few rows (HLA-C*07:01 is almost all qualitative), so their numbers are
weak and noisy.{few_binders_note}

{markdown_table(metrics)}

## Reproducibility

Seeds: Python `random`, numpy and torch seeded with {seed}; each fit seeded via
MHCflurry's `seed=`; CPU backend, `torch.set_num_threads({TORCH_THREADS})`,
`torch.use_deterministic_algorithms(True)`. With the same versions (listed in
`neoag_demo_model.json`) on CPU, rerunning the script reproduced the weights
and predictions bit for bit. `neoag_demo_model.json` stores the sha256 of every
weights file and predictions on a fixed probe panel, so a rerun can be checked
by diffing that file. Other torch/numpy versions, BLAS libraries or CPUs may
change the last bits.
"""
    (out / "TRAINING.md").write_text(training)

    info_path = out / "info.txt"
    if info_path.exists():
        lines = []
        for line in info_path.read_text().splitlines():
            key = line.split("\t", 1)[0]
            if key.strip() in {"trained on", "hostname", "user"}:
                line = f"{key}\tnot recorded (neoag demo model; see neoag_demo_model.json)"
            lines.append(line)
        info_path.write_text("\n".join(lines) + "\n")


def data_summary_table(rows: pd.DataFrame, alleles: Sequence[str]) -> pd.DataFrame:
    """Rows per allele: quantitative, qualitative, and how many became each inequality."""
    records = []
    for allele in alleles:
        group = rows[rows["allele"] == allele]
        records.append(
            {
                "allele": allele,
                "rows": len(group),
                "quantitative": int(group["measurement_type"].eq("quantitative").sum()),
                "qualitative": int(group["measurement_type"].eq("qualitative").sum()),
                "qualitative `<`": int(group["inequality"].eq("<").sum()),
                "qualitative `>`": int(group["inequality"].eq(">").sum()),
                "binders (<= 500 nM)": int((group["ic50"] <= BINDER_THRESHOLD_NM).sum()),
            }
        )
    return pd.DataFrame.from_records(records)


# --- command line ----------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Train neoag's small DEMO MHCflurry affinity model (not for research or clinical use) "
            "from MHCflurry's curated binding data in the mhcnuggets 2.4.1 wheel."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model directory to (re)write")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache for the wheel")
    parser.add_argument("--wheel", type=Path, default=None, help=f"use this existing {WHEEL_FILENAME}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="master random seed")
    parser.add_argument("--alleles", nargs="+", default=list(DEMO_ALLELES), metavar="ALLELE", help="alleles to train")
    parser.add_argument("--max-epochs", type=int, default=DEFAULT_MAX_EPOCHS, help="cap on epochs per network")
    args = parser.parse_args(argv)
    if args.max_epochs < 1:
        parser.error("--max-epochs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    LOG.setLevel(logging.INFO)
    started = time.time()
    try:
        wheel = fetch_wheel(args.cache, args.wheel)
        LOG.info("wheel %s (sha256 verified)", wheel)
        table, csv_info = read_training_csv(wheel)
        LOG.info("read %d rows from %s", len(table), CSV_PATH_IN_WHEEL)
        rows = training_targets(select_rows(table, args.alleles))
        missing = [allele for allele in args.alleles if not (rows["allele"] == allele).any()]
        if missing:
            raise DemoModelError(f"no usable rows for {missing}; alleles are spelt like HLA-A*02:01")
    except DemoModelError as error:
        LOG.error("%s", error)
        return 1

    seed_everything(args.seed)
    from mhcflurry import Class1AffinityPredictor

    train, heldout = split_heldout(rows, HELDOUT_FRACTION, args.seed)
    LOG.info("%d training rows, %d held-out rows", len(train), len(heldout))
    predictor = train_predictor(train, args.alleles, args.seed, args.max_epochs)

    LOG.info("calibrating percentile ranks")
    with contextlib.redirect_stdout(sys.stderr):
        predictor.calibrate_percentile_ranks(peptides=calibration_peptides(args.seed), alleles=list(args.alleles))

    metrics = evaluate(predictor, train, heldout, args.alleles)
    for row in metrics.itertuples():
        LOG.info("%s: held-out AUC %.3f (%d rows)", row.allele, row.auc, row.heldout_rows)

    out = Path(args.out)
    if out.exists():
        for stale in list(out.glob("weights_*.npz")) + [out / "manifest.csv"]:
            stale.unlink(missing_ok=True)
    predictor.save(str(out))
    # Check it loads as a user would, and record probe predictions from the loaded copy.
    loaded = Class1AffinityPredictor.load(str(out))
    probe = {
        allele: dict(zip(PROBE_PEPTIDES, (float(v) for v in loaded.predict(list(PROBE_PEPTIDES), allele=allele))))
        for allele in args.alleles
    }
    provenance = {
        "package": WHEEL_PACKAGE,
        "version": WHEEL_VERSION,
        "wheel": WHEEL_FILENAME,
        "wheel_sha256": WHEEL_SHA256,
        "csv_path_in_wheel": CSV_PATH_IN_WHEEL,
        "csv_sha256": csv_info["csv_sha256"],
        "wheel_metadata_license": csv_info["wheel_metadata_license"],
        "wheel_license_file": csv_info["wheel_license_file"],
        "wheel_license_file_title": csv_info["wheel_license_file_title"],
        "data_source": "MHCflurry curated class I binding data: IEDB + Kim et al. 2014",
        "citations": list(DATA_CITATIONS),
    }
    write_model_card(
        out,
        alleles=args.alleles,
        seed=args.seed,
        max_epochs=args.max_epochs,
        provenance=provenance,
        data_summary=data_summary_table(rows, args.alleles),
        metrics=metrics,
        probe_predictions=probe,
    )
    print(markdown_table(metrics))
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    LOG.info("wrote %s (%.1f kB) in %.0f s", out, size / 1024, time.time() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
