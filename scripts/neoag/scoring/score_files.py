"""The files of scoring: chunk files of work rows, the binary score file (.npz) and scores.tsv text.

- a chunk file (write_work/read_work): the SCORE_WORK columns of some unique
  work rows, as text;
- a score file (save_scores/load_scores, score_table): the work rows, the
  alleles and the float64 score arrays, an uncompressed .npz with the same
  bytes for the same scores; what the scoring jobs hand to each other and to
  ranking;
- scores.tsv rows (format_score_rows): the score file as text, byte for byte
  what neoag.tables.write_table writes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from neoag.columns import SCORE_TABLE, SCORE_WORK
from neoag.errors import NeoagInputError

# The numeric columns of SCORE_TABLE: the arrays of a save_scores file.
SCORE_ARRAYS = tuple(name for name in SCORE_TABLE if name not in (*SCORE_WORK, "allele"))


@dataclass
class ChunkScores:
    """Scores of n work rows x a alleles ((n, a) arrays; processing is per row)."""

    affinity_nm: np.ndarray
    affinity_percentile: np.ndarray
    processing_score: np.ndarray | None = None
    presentation_score: np.ndarray | None = None
    presentation_percentile: np.ndarray | None = None


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
    return score_frame(arrays, np.arange(len(arrays["peptide"])))


def read_score_arrays(path: str) -> dict[str, np.ndarray]:
    """The arrays of a save_scores file (alleles, work rows as byte strings, scores), checked."""
    return _read_arrays(path)


def score_frame(arrays: dict[str, np.ndarray], rows: np.ndarray) -> pd.DataFrame:
    """score_table's rows for the given work rows (indices into the arrays of read_score_arrays)."""
    alleles = arrays["alleles"]
    n_rows, n_alleles = len(rows), len(alleles)
    table = {name: np.repeat(arrays[name][rows].astype(str), n_alleles) for name in SCORE_WORK}
    table["allele"] = np.tile(alleles, n_rows)
    for name in SCORE_ARRAYS:
        if name not in arrays:
            table[name] = np.full(n_rows * n_alleles, np.nan)
        elif name == "processing_score":  # one value per work row, whatever the allele
            table[name] = np.repeat(arrays[name][rows], n_alleles)
        else:
            table[name] = arrays[name][rows].ravel()
    frame = pd.DataFrame(table)
    return frame.astype({name: str for name in (*SCORE_WORK, "allele")})


def join_score_files(parts: list[str], out_path: str) -> tuple[int, list[str]]:
    """One score file of several, in the order given; their arrays joined as they are.

    Returns the number of work rows and the alleles. All parts must have the
    same alleles and the same arrays (the same kind of model).
    """
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
    return len(joined["peptide"]), alleles
