"""Tumor and normal swapped, seen in the reads after calling.

The preflight catches a swap where the read-group names tell; this check needs
no names. True somatic variants are in the tumor's reads and absent from the
normal's. When the files are swapped they are in the normal's reads and absent
from the tumor's: most candidates that are clearly in one sample only are then
in the normal. Germline variants (in both) and loss of heterozygosity (lower,
rarely zero, tumor VAF at a purity below 1) do not count as one-sided.
"""

from __future__ import annotations

import sys

import pandas as pd

from neoag.errors import NeoagInputError

# A candidate is in one sample only when that sample has at least MIN_ALT_COUNT ALT fragments
# at VAF >= MIN_VAF and the other at most ABSENT_ALT_COUNT at a depth of at least MIN_DEPTH.
MIN_ALT_COUNT, MIN_VAF, ABSENT_ALT_COUNT, MIN_DEPTH = 3, 0.05, 0, 8

# The check speaks when at least MIN_ONE_SIDED candidates are one-sided and more than
# MAX_NORMAL_ONLY_FRACTION of them are in the normal only ("most").
MIN_ONE_SIDED, MAX_NORMAL_ONLY_FRACTION = 5, 0.5


def one_sided(table: pd.DataFrame, present: str, absent: str) -> int:
    """Candidates with ALT reads in the `present` sample only (prefixes such as tumor_dna)."""
    alt, vaf = table[f"{present}_alt_count"].astype(float), table[f"{present}_vaf"].astype(float)
    other_alt, other_depth = table[f"{absent}_alt_count"].astype(float), table[f"{absent}_depth"].astype(float)
    shown = (alt >= MIN_ALT_COUNT) & (vaf >= MIN_VAF)
    missing = (other_alt <= ABSENT_ALT_COUNT) & (other_depth >= MIN_DEPTH)
    return int((shown & missing).sum())


def swap_evidence(table: pd.DataFrame) -> tuple[int, int]:
    """(candidates in the normal only, candidates in the tumor only) of an evidence table."""
    return one_sided(table, "normal_dna", "tumor_dna"), one_sided(table, "tumor_dna", "normal_dna")


def check_not_swapped(table: pd.DataFrame, tumor_bam: str, normal_bam: str, policy: str = "error") -> None:
    """Stop (policy 'error') or warn ('warn') when most one-sided candidates are in the normal only.

    table is the evidence table of select_somatic (tumor_dna_* and normal_dna_* columns).
    """
    normal_only, tumor_only = swap_evidence(table)
    total = normal_only + tumor_only
    if total < MIN_ONE_SIDED or normal_only <= MAX_NORMAL_ONLY_FRACTION * total:
        return
    message = (
        f"tumor and normal swapped? {normal_only} of the {total} candidate alleles that are clearly in one "
        f"sample only are in the normal's reads ({normal_bam}) and absent from the tumor's ({tumor_bam}); in a "
        "tumor/normal pair nearly all are in the tumor only. Swap tumor_bam and normal_bam in the sample sheet "
        "and run again. If the normal really carries them (e.g. tumor-in-normal contamination, a "
        "hematological cancer), set config sanity.swapped_calls to 'warn'."
    )
    if policy == "error":
        raise NeoagInputError(message)
    print(f"WARNING: {message}", file=sys.stderr)
    if sys.__stderr__ is not None and sys.stderr is not sys.__stderr__:
        print(f"neoag: warning: {message}", file=sys.__stderr__)
