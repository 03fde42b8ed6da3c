"""Sorted runs: a table too large to sort in memory, written in sorted parts and merged.

The ranking builds all_epitopes.tsv and candidates.tsv one group of variants at a
time (rank.write_rankings); each group's rows are sorted by rank.rank_order and
written to a run file, each row behind a text sort key; the runs are then merged
(heapq.merge) into the table. The key compares as rank_order's sort does:

- tier (TIER_ORDER), one digit;
- the primary percentile and the affinity, each as 16 hex digits of its IEEE-754
  bits turned so that they sort as numbers (missing values: '~' x 16, last, as
  pandas' na_position='last'; -0.0 taken as 0.0, as pandas does);
- variant_id, mt_peptide, allele, transcript_id, each followed by SEPARATOR,
  which sorts before every character of a table cell, so that the joined text
  compares as the tuple of the four texts does;
- the row's position in its sorted group (10 digits), so that rows with equal
  keys keep their order.

Rows with equal keys share variant_id, and a variant lies in one group only, so
the merge never has to choose between two groups' equal keys: the merged table
is the same, byte for byte, as the whole table sorted at once (stable sort).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from contextlib import ExitStack

import numpy as np
import pandas as pd

from neoag.ranking.tiers import TIER_ORDER
from neoag.tables import table_rows

SEPARATOR = "\x01"
MISSING = "~" * 16  # after every hex digit
_SIGN = np.uint64(1 << 63)


def float_keys(values: pd.Series | np.ndarray) -> list[str]:
    """Each number as 16 hex digits that sort as the numbers do; missing values last."""
    numbers = np.asarray(values, dtype=float) + 0.0  # -0.0 -> 0.0
    bits = numbers.view(np.uint64)
    ordered = np.where((bits & _SIGN) != 0, ~bits, bits | _SIGN)
    keys = [f"{value:016x}" for value in ordered.tolist()]
    for i in np.flatnonzero(np.isnan(numbers)).tolist():
        keys[i] = MISSING
    return keys


def sort_keys(table: pd.DataFrame) -> list[str]:
    """The text sort key of each row of a table sorted by rank_order (see the module's docstring)."""
    primary = table.mt_presentation_percentile.where(
        table.mt_presentation_percentile.notna(), table.mt_affinity_percentile
    )
    tiers = [str(TIER_ORDER[tier]) for tier in table.tier.tolist()]
    texts = zip(
        table.variant_id.tolist(), table.mt_peptide.tolist(), table.allele.tolist(), table.transcript_id.tolist()
    )
    return [
        f"{tier}{p}{a}{v}{SEPARATOR}{m}{SEPARATOR}{al}{SEPARATOR}{t}{SEPARATOR}{i:010d}"
        for i, (tier, p, a, (v, m, al, t)) in enumerate(
            zip(tiers, float_keys(primary), float_keys(table.mt_affinity_nm), texts)
        )
    ]


def write_run(path: str, table: pd.DataFrame, columns: dict[str, str] | list[str]) -> int:
    """A run file of a table sorted by rank_order: per row its sort key, a tab, then the row as
    write_table writes it. Returns the number of rows."""
    with open(path, "w", newline="\n") as handle:
        handle.writelines(f"{key}\t{row}" for key, row in zip(sort_keys(table), table_rows(table, columns)))
    return len(table)


def merged_rows(paths: list[str]) -> Iterator[str]:
    """The rows of the run files, merged in key order, without their keys."""
    with ExitStack() as stack:
        runs = [stack.enter_context(open(path, newline="\n")) for path in paths]
        for line in heapq.merge(*runs):
            yield line[line.index("\t") + 1 :]


def merge_runs(paths: list[str], out_path: str, columns: dict[str, str] | list[str], number: bool = False) -> int:
    """The table of the run files: header, then the merged rows; number: each row prefixed with
    its 1-based rank and a tab (columns then name the rank column first). Returns the rows."""
    written = 0
    with open(out_path, "w", newline="\n") as out:
        out.write("\t".join(columns) + "\n")
        for written, row in enumerate(merged_rows(paths), start=1):
            out.write(f"{written}\t{row}" if number else row)
    return written
