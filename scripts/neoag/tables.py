"""Reading and writing neoag's TSV tables, byte-for-byte reproducibly."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def write_table(frame: pd.DataFrame, path: str, columns: dict[str, str]) -> None:
    """Write frame's columns in the documented order; empty cells for missing values.

    Floats are written with 6 significant digits, so that tiny floating-point
    differences between machines do not change the bytes of a table.
    """
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KeyError(f"table {path} lacks documented columns {missing}")
    frame.loc[:, list(columns)].to_csv(path, sep="\t", index=False, na_rep="", float_format="%.6g", lineterminator="\n")


def read_table(path: str, numeric: Iterable[str] = ()) -> pd.DataFrame:
    """Read a neoag TSV: text stays text ('NA' is a peptide, not a missing value),
    the named columns become numbers (empty -> NaN)."""
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    for name in numeric:
        frame[name] = pd.to_numeric(frame[name].replace("", None), errors="raise")
    return frame
