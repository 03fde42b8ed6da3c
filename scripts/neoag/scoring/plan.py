"""Planning the scoring of a sample: its unique peptides, sorted, cut into chunks (plan_scoring).

With presentation models the unit of work is (peptide, n_flank, c_flank);
with affinity models it is the peptide alone. Chunks are consecutive ranges of
the sorted work rows, one file each (neoag.scoring.score_files.write_work), so
that gathering them in chunk order keeps the scores sorted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from neoag.columns import SCORE_WORK
from neoag.errors import NeoagInputError
from neoag.scoring.models import ModelsFolder
from neoag.scoring.score_files import write_work

PEPTIDE_COLUMNS = ["mt_peptide", "mt_n_flank", "mt_c_flank", "wt_peptide", "wt_n_flank", "wt_c_flank"]
CHUNK_SUFFIX = ".tsv"
AMINO_ACIDS = frozenset("ACDEFGHIKLMNPQRSTVWY")
STANDARD_PEPTIDES = re.compile("[ACDEFGHIKLMNPQRSTVWY]*")


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
