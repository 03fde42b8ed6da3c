"""Groups of variants: how the ranking cuts a sample so that its memory follows a group, not the sample.

peptides.tsv is read twice as text: once for the number of peptide rows of each
variant (and the mutant peptides found in the reference proteome, in batches),
then to copy its rows into one file per group of variants, in their order. A
variant's rows all go to one group, which rank.write_rankings ranks on its own.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable

from neoag.tables import read_table_chunks

# Groups at most: each is a run file that the merge keeps open (runs.merge_runs).
MAX_GROUPS = 250
# Distinct mutant peptides matched against the reference proteome at a time.
PROTEOME_BATCH = 500_000


def peptide_variants(peptides_tsv: str, proteins: list[str] | None) -> tuple[dict[str, int], set[str]]:
    """Peptide rows per variant_id (in order of first appearance) and the mutant peptides that
    occur in the proteins (proteome.found_in_proteome, matched PROTEOME_BATCH at a time)."""
    from neoag.annotation.proteome import found_in_proteome

    counts: dict[str, int] = {}
    found: set[str] = set()
    pending: set[str] = set()
    for chunk in read_table_chunks(peptides_tsv, ["variant_id", "mt_peptide"], rows=200_000):
        for variant in chunk.variant_id.tolist():
            counts[variant] = counts.get(variant, 0) + 1
        if proteins:
            pending.update(chunk.mt_peptide.tolist())
            if len(pending) >= PROTEOME_BATCH:
                found |= found_in_proteome(pending, proteins)
                pending.clear()
    if pending:
        found |= found_in_proteome(pending, proteins)
    return counts, found


def plan_groups(counts: dict[str, int], alleles: int, group_rows: int) -> tuple[dict[str, int], int]:
    """Group of each variant and the number of groups: consecutive variants (in counts' order) until
    a group reaches group_rows epitope rows (peptide rows x alleles), or more so that there are at
    most MAX_GROUPS. A variant with more rows than that is a group of its own."""
    rows_of = {variant: count * max(alleles, 1) for variant, count in counts.items()}
    size = max(group_rows, math.ceil(sum(rows_of.values()) / MAX_GROUPS), 1)
    group_of: dict[str, int] = {}
    group, filled = 0, 0
    for variant, rows in rows_of.items():
        if filled and filled + rows > size:
            group, filled = group + 1, 0
        group_of[variant] = group
        filled += rows
    return group_of, (group + 1 if group_of else 0)


def _first_cell(line: str) -> str:
    if line.startswith('"'):
        return next(csv.reader([line], delimiter="\t"))[0]
    return line[: line.index("\t")]


def split_peptides(peptides_tsv: str, group_of: dict[str, int], groups: int, folder: str) -> list[str]:
    """peptides.tsv cut into one file per group (header + the group's rows in file order); their paths."""
    paths = [os.path.join(folder, f"peptides.{group}.tsv") for group in range(groups)]
    with open(peptides_tsv, newline="\n") as source:
        header = source.readline()
        handles = [open(path, "w", newline="\n") for path in paths]
        try:
            for handle in handles:
                handle.write(header)
            _copy_rows(source, group_of, handles)
        finally:
            for handle in handles:
                handle.close()
    return paths


def _copy_rows(lines: Iterable[str], group_of: dict[str, int], handles: list) -> None:
    for line in lines:
        if line.strip():
            handles[group_of[_first_cell(line)]].write(line)
