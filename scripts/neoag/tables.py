"""Reading and writing neoag's TSV tables, byte-for-byte reproducibly."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from neoag.columns import BOOLEAN, NUMERIC

# How every table is written (to_csv arguments): tabs, no index, empty missing values, 6 significant digits.
TSV_FORMAT = dict(sep="\t", index=False, na_rep="", float_format="%.6g", lineterminator="\n")


def write_table(frame: pd.DataFrame, path: str, columns: dict[str, str]) -> None:
    """Write frame's columns in the documented order; empty cells for missing values.

    Floats are written with 6 significant digits, so that tiny floating-point
    differences between machines do not change the bytes of a table.
    """
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KeyError(f"table {path} lacks documented columns {missing}")
    frame.loc[:, list(columns)].to_csv(path, **TSV_FORMAT)


def table_rows(frame: pd.DataFrame, columns: dict[str, str] | list[str]) -> list[str]:
    """The rows (no header) that write_table writes for frame, one string each, with its newline.

    For tables written in parts (ranking.runs): each cell is formatted on its own,
    so the rows are the same bytes whichever part a row is written with.
    """
    if frame.empty:
        return []
    text = frame.loc[:, list(columns)].to_csv(None, header=False, **TSV_FORMAT)
    rows = [row + "\n" for row in text.split("\n")[:-1]]
    if len(rows) != len(frame):
        raise ValueError(f"{len(frame)} rows gave {len(rows)} lines: a cell holds a line break")
    return rows


def read_table(path: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a neoag TSV with the column types of columns.py.

    Columns in columns.NUMERIC become numbers (empty -> NaN), columns in
    columns.BOOLEAN become True/False; all others stay text, empty cells as ''
    ('NA' is a peptide, not a missing value). columns: read only these.
    """
    return _typed(pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, usecols=columns), path)


def read_table_chunks(path: str, columns: list[str], rows: int = 100_000) -> Iterator[pd.DataFrame]:
    """The named columns of a neoag TSV, typed as read_table does, in chunks of `rows` rows.

    For tables too large to hold (all_epitopes.tsv of a whole exome): memory
    follows the chunk, not the table.
    """
    chunks = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, usecols=columns, chunksize=rows)
    for chunk in chunks:
        yield _typed(chunk, path)


def typed_table(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    """A frame read as text (dtype=str, keep_default_na=False) typed as read_table types it; path
    names the table in errors. For rows gathered from a table as text (report.pvacview_rows)."""
    return _typed(frame, path)


def _typed(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    """Columns of NUMERIC as numbers, of BOOLEAN as booleans, the rest as text."""
    for name in frame.columns:
        if name in NUMERIC:
            frame[name] = pd.to_numeric(frame[name].replace("", None), errors="raise")
        elif name in BOOLEAN:
            frame[name] = _booleans(frame[name], path)
    return frame


def _booleans(column: pd.Series, path: str) -> pd.Series:
    """A column of 'True'/'False' cells (pandas' form; hla/typing_report.tsv writes 'true'/'false') as booleans."""
    other = sorted(set(column) - {"True", "False", "true", "false"})
    if other:
        raise ValueError(f"table {path}: column {column.name} holds {other[:3]}, expected True or False")
    return column.isin(("True", "true"))
