"""The report's embedded data: tables as columns of JSON, made small before gzip.

Savings that keep an exome's report within a few megabytes: a candidate's
variant-level columns (evidence, annotation of the main transcript, ...) are not
repeated when they equal its variant's (the page copies them from the variant);
a wild-type peptide that differs from its mutant only at the mutated positions
is written as '~' plus those residues; a candidate's variant_id is the number
of the variant's row, and its rank, when it is the row number, is left out.
"""

from __future__ import annotations

import base64
import gzip
import json
import math

import numpy as np
import pandas as pd


def json_value(value):
    """A JSON-friendly cell: 4 significant digits for floats (the TSVs keep 6), None for missing."""
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.4g}")
    if hasattr(value, "item"):
        return json_value(value.item())
    return value


def columnar(table: pd.DataFrame, names: list[str]) -> dict[str, list]:
    return {name: [json_value(v) for v in table[name].tolist()] for name in names}


def pack(payload: dict) -> str:
    """JSON -> gzip (mtime 0, so the bytes repeat) -> base64 text for a <script> element."""
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode()


def compact_wt(mt: str, wt: str, positions: str) -> str:
    """'~' + the WT residues at the mutated positions when that rebuilds wt from mt; else wt itself."""
    try:
        places = [int(p) - 1 for p in str(positions).split(",") if p.strip()]
    except ValueError:
        return wt
    if not wt or len(wt) != len(mt) or not places or any(not 0 <= p < len(wt) for p in places):
        return wt
    residues = "".join(wt[p] for p in places)
    return "~" + residues if expand_wt(mt, "~" + residues, positions) == wt else wt


def expand_wt(mt: str, compact: str, positions: str) -> str:
    """The inverse of compact_wt (the page does the same in JavaScript)."""
    if not compact.startswith("~"):
        return compact
    residues = list(mt)
    for place, residue in zip((int(p) - 1 for p in positions.split(",")), compact[1:]):
        residues[place] = residue
    return "".join(residues)


def with_compact_wt(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty or "wt_peptide" not in table.columns:
        return table
    table = table.copy()
    table["wt_peptide"] = [compact_wt(m, w, p) for m, w, p in zip(table.mt_peptide, table.wt_peptide,
                                                                   table.mutation_positions)]  # fmt: skip
    return table


def split_inherited(rows: pd.DataFrame, parents: pd.DataFrame, names: list[str]) -> tuple[list[str], dict]:
    """Columns of rows that the parents (by variant_id) also have, and the cells that differ.

    Returns the inherited column names and {column: {row index: value}} for the
    rows whose value is not their variant's.
    """
    inherited = [n for n in names if n in parents.columns and n not in ("variant_id", "tier", "reasons")]
    by_variant = parents.drop_duplicates("variant_id").set_index("variant_id")
    overrides = {}
    for name in inherited:
        theirs = rows.variant_id.map(by_variant[name])
        same = (rows[name] == theirs) | (rows[name].isna() & theirs.isna())
        values = rows[name].tolist()
        overrides[name] = {str(i): json_value(values[i]) for i in np.flatnonzero(~same.to_numpy(dtype=bool))}
    return inherited, overrides


def candidate_columnar(rows: pd.DataFrame, names: list[str], inherited: list[str], variants: pd.DataFrame) -> dict:
    """The candidates' own columns; rank left out when it is the row number, variant_id as the
    index of the variant's row when every candidate's variant is in variants (the page undoes both)."""
    own = [n for n in names if n not in inherited]
    if rows["rank"].tolist() == list(range(1, len(rows) + 1)):
        own.remove("rank")
    table = columnar(rows, own)
    index = {variant: i for i, variant in enumerate(variants.variant_id)}
    if rows.variant_id.isin(index).all():
        table["variant_id"] = [index[v] for v in rows.variant_id]
    return table
