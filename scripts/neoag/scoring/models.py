"""An MHCflurry models folder, known from its files alone: no MHCflurry or torch import.

Two layouts work the same way in neoag:
- 'presentation': the released `models_class1_presentation/models` folder, with
  weights.csv, affinity_predictor/ and processing_predictor_with_flanks/;
- 'affinity': a Class1AffinityPredictor folder on its own (manifest.csv at its
  top), such as neoag's demo model.

Preflight checks the folder before any job, allele choice reads the alleles it
supports, planning reads its layout, the score cache keys predictions by its
content. The scoring jobs load the models with MHCflurry (neoag.scoring.predictor).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from neoag.errors import NeoagInputError

DEMO_MODEL_MARKER = "neoag_demo_model.json"
AFFINITY_FOLDER = "affinity_predictor"
FIX_MODELS_FOLDER = (
    "Point mhcflurry.models at the models_class1_presentation/models folder of the released models "
    "(snakemake --cores 1 download_mhcflurry_models), or at resources/demo/mhcflurry_demo_model for the demo."
)


class ModelsFolder:
    """An MHCflurry models folder (config mhcflurry.models); nothing is read before it is asked for.

    Parameters
    ----------
    path : str
        The folder, as the config gives it (error messages quote it as given).
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"ModelsFolder({self.path!r})"

    @property
    def layout(self) -> str:
        """'presentation' or 'affinity', decided from the files (no model is loaded).

        Raises NeoagInputError for a missing folder and for a presentation
        folder without processing_predictor_with_flanks/.
        """
        path = Path(self.path)
        if not path.is_dir():
            raise NeoagInputError(
                f"MHCflurry models directory {self.path} does not exist. Set 'mhcflurry.models' in "
                "the config to the released models (run the download_mhcflurry_models rule) or to "
                "resources/demo/mhcflurry_demo_model for the demo."
            )
        if (path / "weights.csv").exists() and (path / AFFINITY_FOLDER).is_dir():
            if not (path / "processing_predictor_with_flanks").is_dir():
                raise NeoagInputError(
                    f"{self.path}: a presentation models directory without processing_predictor_with_flanks/. "
                    "neoag scores peptides with their flanks; use the complete released models_class1_presentation "
                    "models directory, or point 'mhcflurry.models' at its affinity_predictor/ for affinity-only "
                    "scoring."
                )
            return "presentation"
        return "affinity"

    @property
    def affinity_folder(self) -> str:
        """The Class1AffinityPredictor folder: affinity_predictor/ of a presentation folder, else the folder."""
        return os.path.join(self.path, AFFINITY_FOLDER) if self.layout == "presentation" else self.path

    def _found(self, name: str) -> list[str]:
        """The files called name in the folder and in its affinity_predictor/, in that order, whatever
        the layout (files that exist only)."""
        places = (os.path.join(self.path, name), os.path.join(self.path, AFFINITY_FOLDER, name))
        return [place for place in places if os.path.isfile(place)]

    def supported_alleles(self) -> set[str] | None:
        """Alleles the models predict for; None when the folder has no list of them.

        The allele column of manifest.csv (allele-specific models) and the
        alleles of allele_sequences.csv (pan-allele models), both places read.
        The scoring step checks again with MHCflurry itself.
        """
        manifests, sequences = self._found("manifest.csv"), self._found("allele_sequences.csv")
        if not manifests and not sequences:
            return None
        found: set[str] = set()
        for manifest in manifests:
            table = pd.read_csv(manifest, usecols=lambda c: c == "allele", dtype=str)
            if "allele" in table:
                found |= {a for a in table["allele"].dropna() if a != "pan-class1"}
        for path in sequences:
            found |= set(pd.read_csv(path, dtype=str).iloc[:, 0].dropna())
        return found

    def peptide_lengths(self) -> tuple[int, int] | None:
        """(shortest, longest) peptide that every model encodes, read from manifest.csv; None if unknown.

        Follows MHCflurry's peptide encodings: pad_middle needs at least
        left_edge + right_edge residues; the other alignments at least 5 (1 for
        'right_pad'); max_length is the longest.
        """
        manifests = self._found("manifest.csv")
        if not manifests:
            return None
        table = pd.read_csv(manifests[0], dtype=str)
        if "config_json" not in table:
            return None
        low, high = 0, 10**6
        for text in table["config_json"].dropna():
            encoding = json.loads(text).get("hyperparameters", {}).get("peptide_encoding", {})
            method = encoding.get("alignment_method", "pad_middle")
            longest = int(encoding.get("max_length", 15))
            if method == "pad_middle":
                shortest = int(encoding.get("left_edge", 4)) + int(encoding.get("right_edge", 4))
            elif method == "right_pad":
                shortest = 1
            else:
                shortest = 5
            low, high = max(low, shortest), min(high, longest)
        return (low, high) if high < 10**6 else None

    def demo_info(self) -> dict | None:
        """The demo model's label file (neoag_demo_model.json), or None for real models."""
        marker = Path(self.path) / DEMO_MODEL_MARKER
        return json.loads(marker.read_text()) if marker.exists() else None

    @property
    def is_demo(self) -> bool:
        """Whether these are neoag's demo models (which must not be used for real samples)."""
        return (Path(self.path) / DEMO_MODEL_MARKER).exists()

    def content_hash(self) -> str:
        """SHA-256 over every file (relative path, size and bytes, in sorted order); hidden files ignored.

        The same models give the same hash wherever they are copied to.
        """
        root = Path(self.path)
        digest = hashlib.sha256()
        files = sorted(
            path
            for path in root.rglob("*")
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
        )
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(str(path.stat().st_size).encode() + b"\0")
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        return digest.hexdigest()

    def check(self) -> str:
        """The folder exists, has a manifest and the weights it names; returns the layout.

        The scoring step loads the models; this catches the usual slips (wrong
        folder, partial download) before any job.
        """
        where = "config mhcflurry.models"
        folder = self.affinity_folder  # raises for a missing folder or an incomplete presentation folder
        manifest = os.path.join(folder, "manifest.csv")
        if not os.path.isfile(manifest):
            raise NeoagInputError(
                f"{where}: '{self.path}' is not an MHCflurry models directory: {manifest} is missing. "
                f"{FIX_MODELS_FOLDER}"
            )
        try:
            table = pd.read_csv(manifest, dtype=str)
        except (OSError, ValueError, pd.errors.ParserError) as error:
            raise NeoagInputError(f"{where}: {manifest} cannot be read ({error}). {FIX_MODELS_FOLDER}") from None
        if "model_name" not in table:
            raise NeoagInputError(f"{where}: {manifest} has no model_name column. {FIX_MODELS_FOLDER}")
        missing = [
            name for name in table["model_name"] if not os.path.isfile(os.path.join(folder, f"weights_{name}.npz"))
        ]
        if missing:
            raise NeoagInputError(
                f"{where}: {len(missing)} of {len(table)} weights files named in {manifest} are missing "
                f"(first: weights_{missing[0]}.npz): an incomplete download or copy. {FIX_MODELS_FOLDER}"
            )
        return self.layout

    def check_peptide_lengths(self, lengths: Sequence[int]) -> None:
        """Every configured peptide length (config peptides.lengths) is one the models can score."""
        supported = self.peptide_lengths()
        if supported is None:
            return
        low, high = supported
        bad = sorted(length for length in lengths if not low <= length <= high)
        if bad:
            raise NeoagInputError(
                f"config peptides.lengths: the MHCflurry models in {self.path} score peptides of {low} to {high} "
                f"residues, not {', '.join(map(str, bad))}. Remove these lengths from peptides.lengths, or use "
                "models that support them (the released models score 8-15)."
            )


def check_supported(alleles: Iterable[str], supported: Iterable[str], models_dir: str, source: str) -> None:
    """Every allele must be one the MHCflurry models predict for."""
    supported = set(supported)
    unsupported = [allele for allele in alleles if allele not in supported]
    if unsupported:
        close = sorted(s for s in supported if any(s.split(":")[0] == u.split(":")[0] for u in unsupported))
        hint = f" Alleles of the same group that it supports: {', '.join(close[:10])}." if close else ""
        raise NeoagInputError(
            f"{source}: the MHCflurry models in {models_dir} do not support {', '.join(unsupported)}."
            f"{hint} Use models that cover the allele (the released pan-allele models cover most "
            "HLA class I alleles) or correct the allele name."
        )
