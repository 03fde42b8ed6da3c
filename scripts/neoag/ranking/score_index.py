"""The scores that one group of peptides needs, taken from the sample's score file.

The score file (scoring.score_files) holds the work rows as byte strings and the
scores as float arrays; what ranking joins is score_table's long form, one row
per work row and allele, which for a whole exome holds millions of text rows.
ScoreIndex keeps the arrays and a sorted key per work row, and gives the long
form of just the work rows that a group's MT and WT peptides match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from neoag.scoring.score_files import read_score_arrays, score_frame

_JOIN = b"\x01"  # between peptide and flanks in a key; in no peptide or flank


@dataclass(frozen=True)
class ScoreIndex:
    """A score file's arrays, its work-row keys sorted (keys) and their rows (order)."""

    arrays: dict[str, np.ndarray]
    with_flanks: bool
    keys: np.ndarray
    order: np.ndarray

    def alleles(self) -> pd.Series:
        """The alleles that rows are made for, as rank.build_all_epitopes takes them from
        score_table: sorted, and none when the file has no work row."""
        alleles = sorted(self.arrays["alleles"].tolist()) if len(self.arrays["peptide"]) else []
        return pd.Series(alleles, dtype=score_frame(self.arrays, np.arange(0)).allele.dtype)


def score_index(path: str) -> ScoreIndex:
    """The ScoreIndex of a save_scores file. Flanks are part of the key when any work row has one
    (presentation mode), as rank._join_scores joins."""
    arrays = read_score_arrays(path)
    with_flanks = bool((arrays["n_flank"] != b"").any() or (arrays["c_flank"] != b"").any())
    keys = _array_keys(arrays["peptide"], arrays["n_flank"], arrays["c_flank"], with_flanks)
    order = np.argsort(keys, kind="stable")
    return ScoreIndex(arrays, with_flanks, keys[order], order)


def _array_keys(peptide: np.ndarray, n_flank: np.ndarray, c_flank: np.ndarray, with_flanks: bool) -> np.ndarray:
    if not with_flanks:
        return peptide
    return np.char.add(np.char.add(np.char.add(np.char.add(peptide, _JOIN), n_flank), _JOIN), c_flank)


def _text_keys(peptides: list[str], n_flanks: list[str], c_flanks: list[str], with_flanks: bool) -> np.ndarray:
    if with_flanks:
        texts = [f"{p}\x01{n}\x01{c}" for p, n, c in zip(peptides, n_flanks, c_flanks)]
    else:
        texts = peptides
    return np.array([text.encode() for text in texts], dtype=bytes)


def group_scores(index: ScoreIndex, peptides: pd.DataFrame) -> pd.DataFrame:
    """score_table's rows (every allele) of the work rows that the peptides' MT or WT
    peptide (with its flanks in presentation mode) matches."""
    wanted = [
        _text_keys(
            peptides[f"{prefix}_peptide"].tolist(),
            peptides[f"{prefix}_n_flank"].tolist(),
            peptides[f"{prefix}_c_flank"].tolist(),
            index.with_flanks,
        )
        for prefix in ("mt", "wt")
    ]
    query = np.concatenate(wanted) if len(peptides) else np.array([], dtype=bytes)
    rows = np.arange(0)
    if len(index.keys) and len(query):
        at = np.minimum(np.searchsorted(index.keys, query), len(index.keys) - 1)
        rows = np.unique(index.order[at[index.keys[at] == query]])
    return score_frame(index.arrays, rows)
