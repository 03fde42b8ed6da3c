"""MHCflurry scoring: each unique peptide x the sample's alleles, once, on MHCflurry's fast paths.

Two kinds of models directory work the same way:
- a presentation predictor (the released `models_class1_presentation/models`,
  with affinity_predictor/, processing_predictor_with_flanks/ and weights.csv):
  affinity, processing and presentation scores of each unique
  (peptide, n_flank, c_flank) x allele;
- an affinity predictor alone (such as neoag's demo model): affinity and its
  percentile of each unique peptide x allele; flanks do not matter and the
  processing and presentation columns stay empty.

The work is split in three steps (three Snakemake rules):
1. `plan_scoring`: the sample's unique MT and WT peptides, sorted, cut into
   chunks of at most `chunk_size` unique peptides (one file each);
2. `score_chunk`: one job per chunk loads the models once and scores the chunk
   (affinity on MHCflurry's cartesian pan-allele path or its per-allele path
   over one shared peptide encoding; processing once per (peptide, flanks);
   presentation from the two);
3. `gather_scores`: the chunks' scores concatenated in chunk order into one
   binary table, scores.npz (save_scores), which ranking reads. Chunks are
   consecutive ranges of the sorted peptides, so it is sorted by
   (peptide, n_flank, c_flank) whatever the number of chunks.

Text is written once, off the critical path: `export_scores` turns scores.npz
into scores.tsv (one row per peptide x allele, 6 significant digits) while
ranking runs. Formatting floats as text costs about as much as scoring them
with a small model, and ranking reads the binary table at full precision.
"""

from __future__ import annotations

import os
import re
import sys
import time
import zipfile
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from neoag.columns import SCORE_TABLE, SCORE_WORK
from neoag.errors import NeoagInputError
from neoag.hla.alleles import check_supported
from neoag.scoring.models import ModelsFolder
from neoag.tables import read_table

PEPTIDE_COLUMNS = ["mt_peptide", "mt_n_flank", "mt_c_flank", "wt_peptide", "wt_n_flank", "wt_c_flank"]
CHUNK_SUFFIX = ".tsv"
AMINO_ACIDS = frozenset("ACDEFGHIKLMNPQRSTVWY")
STANDARD_PEPTIDES = re.compile("[ACDEFGHIKLMNPQRSTVWY]*")
# The numeric columns of SCORE_TABLE: the arrays of a save_scores file.
SCORE_ARRAYS = tuple(name for name in SCORE_TABLE if name not in (*SCORE_WORK, "allele"))


def unique_peptides(peptide_table: pd.DataFrame, with_flanks: bool) -> pd.DataFrame:
    """Each unique MT and WT peptide of a peptides.tsv table, sorted (columns of SCORE_WORK).

    With flanks (presentation mode) the unit is (peptide, n_flank, c_flank);
    without (affinity mode) it is the peptide, and the flanks are empty.
    Empty WT peptides (frameshifts, stop-losses) are left out.
    """
    if not with_flanks:
        peptides = set(peptide_table.mt_peptide)
        peptides.update(peptide_table.wt_peptide)
        peptides.discard("")
        ordered = sorted(peptides)
        empty = [""] * len(ordered)
        return pd.DataFrame({"peptide": ordered, "n_flank": empty, "c_flank": empty}, dtype=object)
    names = list(SCORE_WORK)
    mutant = peptide_table[["mt_peptide", "mt_n_flank", "mt_c_flank"]].set_axis(names, axis=1)
    wild_type = peptide_table[["wt_peptide", "wt_n_flank", "wt_c_flank"]].set_axis(names, axis=1)
    stacked = pd.concat([mutant, wild_type[wild_type.peptide != ""]], ignore_index=True)
    unique = stacked[stacked.peptide != ""].drop_duplicates()
    return unique.sort_values(names, kind="stable").reset_index(drop=True)


def chunk_bounds(n_items: int, chunk_size: int) -> list[tuple[int, int]]:
    """[start, stop) of consecutive chunks of at most chunk_size items; one (empty) chunk for none."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    return [(start, min(start + chunk_size, n_items)) for start in range(0, max(n_items, 1), chunk_size)]


def check_peptides(peptides: list[str], low: int, high: int, models_dir: str, source: str) -> None:
    """Every peptide must have a length the models score and only the 20 standard residues."""
    lengths = set(map(len, peptides))
    bad_length = sorted(n for n in lengths if not low <= n <= high)
    if bad_length:
        raise NeoagInputError(
            f"{source}: the MHCflurry models in {models_dir} score peptides of {low}-{high} residues, "
            f"not {bad_length}. Set 'peptides.lengths' in the config within that range."
        )
    if STANDARD_PEPTIDES.fullmatch("".join(peptides)):
        return
    odd = [p for p in peptides if not AMINO_ACIDS.issuperset(p)]
    if odd:
        raise NeoagInputError(
            f"{source}: {len(odd)} peptides contain residues other than the 20 standard amino acids "
            f"(first: {', '.join(odd[:5])}); MHCflurry cannot score them. Check the reference FASTA "
            "and GTF (ambiguous bases, selenocysteine) for the transcripts these peptides come from."
        )


def plan_scoring(peptides_tsv: str, models_dir: str, out_dir: str, chunk_size: int) -> int:
    """Write the sample's unique peptides, sorted, in chunk files of at most chunk_size rows.

    Files are out_dir/00000.tsv, 00001.tsv, ... (at least one, possibly empty).
    Returns the number of chunks.
    """
    with_flanks = ModelsFolder(models_dir).layout == "presentation"
    # Text columns as plain objects ('NA' stays a peptide): fast to deduplicate and iterate.
    # Flanks matter to presentation models only: read just what the mode uses.
    columns = PEPTIDE_COLUMNS if with_flanks else ["mt_peptide", "wt_peptide"]
    table = pd.read_csv(peptides_tsv, sep="\t", usecols=columns, dtype=object, na_filter=False)
    work = unique_peptides(table, with_flanks=with_flanks)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bounds = chunk_bounds(len(work), chunk_size)
    for number, (start, stop) in enumerate(bounds):
        write_work(work.iloc[start:stop], str(out / f"{number:05d}{CHUNK_SUFFIX}"))
    unit = "(peptide, n_flank, c_flank)" if with_flanks else "peptides"
    print(
        f"{len(table)} peptide rows -> {len(work)} unique {unit} -> {len(bounds)} chunk(s) of at most {chunk_size}",
        file=sys.stderr,
    )
    return len(bounds)


@dataclass
class ChunkScores:
    """Scores of n work rows x a alleles ((n, a) arrays; processing is per row)."""

    affinity_nm: np.ndarray
    affinity_percentile: np.ndarray
    processing_score: np.ndarray | None = None
    presentation_score: np.ndarray | None = None
    presentation_percentile: np.ndarray | None = None


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
        self.models_dir = models_dir
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


def _strings(values: np.ndarray) -> list[str]:
    """Each value as write_table writes it: 6 significant digits ('%.6g'), '' for NaN.

    %-formatting on purpose: it is what pandas applies for float_format.
    """
    listed = values.tolist()
    if np.isnan(values).any():
        return ["" if value != value else "%.6g" % value for value in listed]  # noqa: UP031
    return ["%.6g" % value for value in listed]  # noqa: UP031


def _allele_rows(keys: list[str], allele: str, columns: list[np.ndarray | None]) -> list[str]:
    """The rows of one allele: key, allele, then the numeric columns (None: an empty column)."""
    present = [c for c in columns if c is not None]
    if not any(np.isnan(c).any() for c in present):  # the common case: one %-format per row
        pattern = "%s" + allele + "".join("\t%.6g" if c is not None else "\t" for c in columns) + "\n"
        return [pattern % row for row in zip(keys, *(c.tolist() for c in present))]
    cells = [_strings(c) if c is not None else [""] * len(keys) for c in columns]
    return [key + allele + "".join("\t" + cell for cell in row) + "\n" for key, *row in zip(keys, *cells)]


def _row_keys(work: pd.DataFrame) -> list[str]:
    return [f"{p}\t{n}\t{c}\t" for p, n, c in zip(work.peptide.tolist(), work.n_flank.tolist(), work.c_flank.tolist())]


def _score_rows_of_allele(keys: list[str], alleles: list[str], scores: ChunkScores, j: int) -> list[str]:
    columns = [scores.affinity_nm[:, j], scores.affinity_percentile[:, j], scores.processing_score]
    for matrix in (scores.presentation_score, scores.presentation_percentile):
        columns.append(matrix[:, j] if matrix is not None else None)
    return _allele_rows(keys, alleles[j], columns)


def _interleave(per_allele: list[list[str]]) -> str:
    """Rows in (work row, allele) order from one list of rows per allele."""
    return "".join(chain.from_iterable(zip(*per_allele)))


def format_score_rows(work: pd.DataFrame, alleles: list[str], scores: ChunkScores) -> str:
    """scores.tsv rows (no header) of work x alleles, in (work row, allele) order.

    Byte for byte what write_table writes for the same rows (a unit test
    checks it), at a fraction of its cost: this is the one table whose size
    grows with peptides x alleles.
    """
    keys = _row_keys(work)
    return _interleave([_score_rows_of_allele(keys, alleles, scores, j) for j in range(len(alleles))])


def write_work(work: pd.DataFrame, path: str) -> None:
    """A chunk file (SCORE_WORK columns); as write_table writes it (residue letters need no quoting)."""
    with open(path, "w", newline="\n") as handle:
        handle.write("\t".join(SCORE_WORK) + "\n")
        columns = (work.peptide.tolist(), work.n_flank.tolist(), work.c_flank.tolist())
        handle.write("".join(f"{p}\t{n}\t{c}\n" for p, n, c in zip(*columns)))


def read_work(path: str) -> pd.DataFrame:
    """A chunk file back, as text (object) columns: fast to iterate, unlike Arrow-backed strings."""
    with open(path, newline="\n") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header != list(SCORE_WORK):
            raise NeoagInputError(f"{path}: not a neoag chunk file (header {header}); rerun plan_scoring.")
        cells = handle.read().replace("\n", "\t").split("\t")  # the writer puts no tab or newline in a cell
    width = len(header)
    rows = (len(cells) - 1) // width  # the last newline leaves one empty cell
    return pd.DataFrame({name: cells[j : rows * width : width] for j, name in enumerate(header)}, dtype=object)


def score_header() -> str:
    return "\t".join(SCORE_TABLE) + "\n"


def save_scores(path: str, work: pd.DataFrame, alleles: list[str], scores: ChunkScores) -> None:
    """The binary score table that the scoring jobs hand to each other and to ranking.

    An uncompressed .npz (numpy.load reads it): `alleles`, the work rows as
    ASCII byte strings (`peptide`, `n_flank`, `c_flank`) and the float64 score
    arrays that the models give (SCORE_ARRAYS: rows x alleles, processing_score
    per row). Full precision, no text formatting (that is export_scores' job,
    off the critical path), and the same bytes for the same scores.
    """
    _write_arrays(
        path,
        {
            "alleles": np.array(alleles, dtype=str),
            **{name: np.array(work[name].tolist(), dtype=bytes) for name in SCORE_WORK},
            **{name: getattr(scores, name) for name in SCORE_ARRAYS if getattr(scores, name) is not None},
        },
    )


def load_scores(path: str) -> tuple[pd.DataFrame, list[str], ChunkScores]:
    """A save_scores file back: work rows (text columns), alleles, scores."""
    arrays = _read_arrays(path)
    work = pd.DataFrame({name: arrays[name].astype(str).tolist() for name in SCORE_WORK}, dtype=object)
    scores = ChunkScores(**{name: arrays[name] for name in SCORE_ARRAYS if name in arrays})
    return work, arrays["alleles"].tolist(), scores


def _write_arrays(path: str, arrays: dict[str, np.ndarray]) -> None:
    """An .npz as numpy.savez writes it, but with one fixed date on every entry: same arrays, same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(entry, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)


def _read_arrays(path: str) -> dict[str, np.ndarray]:
    """The arrays of a save_scores file, checked for completeness."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise NeoagInputError(
            f"{path}: not a neoag score file ({type(error).__name__}: {error}); delete it and rerun the job "
            "that writes it."
        ) from None
    scores = set(arrays) - {"alleles", *SCORE_WORK}
    if not {"alleles", *SCORE_WORK} <= set(arrays) or scores not in (set(SCORE_ARRAYS[:2]), set(SCORE_ARRAYS)):
        raise NeoagInputError(
            f"{path}: not a complete neoag score file (arrays {sorted(arrays)}); delete it and rerun its job."
        )
    return arrays


def score_table(path: str) -> pd.DataFrame:
    """The scores of a save_scores file as one row per (work row, allele), columns SCORE_TABLE:
    what read_table gives for export_scores' scores.tsv, but at full precision."""
    arrays = _read_arrays(path)
    alleles = arrays["alleles"].tolist()
    n_rows, n_alleles = len(arrays["peptide"]), len(alleles)
    table = {name: np.repeat(arrays[name].astype(str), n_alleles) for name in SCORE_WORK}
    table["allele"] = np.tile(arrays["alleles"], n_rows)
    for name in SCORE_ARRAYS:
        if name not in arrays:
            table[name] = np.full(n_rows * n_alleles, np.nan)
        elif name == "processing_score":  # one value per work row, whatever the allele
            table[name] = np.repeat(arrays[name], n_alleles)
        else:
            table[name] = arrays[name].ravel()
    frame = pd.DataFrame(table)
    return frame.astype({name: str for name in (*SCORE_WORK, "allele")})


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
    loaded = [_read_arrays(part) for part in parts]  # plan_scoring makes at least one chunk
    alleles = loaded[0]["alleles"].tolist()
    for part, arrays in zip(parts, loaded):
        if arrays["alleles"].tolist() != alleles or arrays.keys() != loaded[0].keys():
            raise NeoagInputError(
                f"{part}: scored for other alleles or with another kind of model than {parts[0]} "
                f"({arrays['alleles'].tolist()} vs {alleles}); rerun the sample's scoring (delete its "
                "scores/ folder)."
            )
    joined = {name: np.concatenate([arrays[name] for arrays in loaded]) for name in loaded[0] if name != "alleles"}
    _write_arrays(out_path, {"alleles": loaded[0]["alleles"], **joined})
    rows = len(joined["peptide"])
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


def cpu_threads(requested: int) -> int:
    """The job's threads, never more than the machine has."""
    return max(1, min(requested, os.cpu_count() or 1))
