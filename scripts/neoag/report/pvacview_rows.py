"""The rows of all_epitopes.tsv that the pVACview export shows, read in one streamed pass.

all_epitopes.tsv is sorted by rank over the whole sample, so a variant's rows are spread
over the file. The export shows of each variant only its best row (its first) and its
included rows (pvacview.included_rows: the rows of its first INCLUSION_LIMIT peptides with
a MT affinity below INCLUSION_NM); every other row counts only for three run-wide facts
(whether any row has GTF tags or a presentation score, and the peptide lengths). So the
file is read once as text, line by line, and only those rows are kept (as text, the
columns the export reads), grouped by variant in the order of their first row. Memory
follows the kept rows, at most variants x (1 + INCLUSION_LIMIT peptides x their rows),
not the file (about 7 % of the rows of the human-scale benchmark, bench/README.md).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from neoag.tables import typed_table

# The all_epitopes.tsv columns the export reads (pvacview.py).
USED_COLUMNS = (
    "variant_id", "chrom", "pos", "ref", "alt", "gene_name", "transcript_id", "transcript_biotype",
    "transcript_tags", "transcript_support_level", "consequence", "protein_change", "protein_position",
    "mutation_positions", "mt_peptide", "wt_peptide", "allele", "mt_affinity_nm", "mt_affinity_percentile",
    "wt_affinity_nm", "wt_affinity_percentile", "mt_processing_score", "mt_presentation_score",
    "mt_presentation_percentile", "binder", "tumor_rna_depth", "tumor_rna_vaf", "tumor_dna_vaf", "gene_tpm",
    "transcript_tpm", "tier", "anchor_mutation", "in_reference_proteome", "problematic_residues",
    "peptide_length",
)  # fmt: skip


@dataclass
class ShownRows:
    """What the export needs of all_epitopes.tsv: the shown rows and the run-wide facts."""

    rows: dict[str, list[str]] = field(default_factory=dict)  # variant_id -> its shown rows (text), rank order
    tags_known: bool = False  # a row has transcript tags
    presentation: bool = False  # a row has a presentation score
    lengths: set[int] = field(default_factory=set)  # the peptide lengths


def below(text: str, threshold: float) -> bool:
    """Whether a number cell is below threshold, as read_table's parse of it would say (an
    empty cell is missing: not below). Python's float decides unless the value is within a
    rounding error of the threshold or not finite, where pandas' own parse decides (and
    rejects what read_table rejects: 'nan')."""
    if not text:
        return False
    value = float(text)
    if math.isfinite(value) and abs(value - threshold) > 1e-9 * threshold:
        return value < threshold
    return bool(pd.to_numeric(pd.Series([text])).iloc[0] < threshold)


def _positions(header: list[str], path: str) -> list[int]:
    missing = [name for name in USED_COLUMNS if name not in header]
    if missing:
        raise ValueError(
            f"table {path}: missing column(s) {', '.join(missing)}. It must be an all_epitopes.tsv that "
            "neoag's rank step wrote (docs/output.md); rerun rank to rewrite it."
        )
    return [header.index(name) for name in USED_COLUMNS]


def shown_rows(path: str, inclusion_nm: float, inclusion_limit: int) -> ShownRows:
    """One pass over all_epitopes.tsv: each variant's first row and its included rows."""
    shown = ShownRows()
    peptides: dict[str, set[str]] = {}  # variant -> its included peptides (at most inclusion_limit)
    lengths_seen = set()
    with open(path) as handle:
        at = _positions(handle.readline().rstrip("\n").split("\t"), path)
        variant, tags, peptide, affinity, presentation, length = (at[USED_COLUMNS.index(name)] for name in (
            "variant_id", "transcript_tags", "mt_peptide", "mt_affinity_nm", "mt_presentation_score",
            "peptide_length"))  # fmt: skip
        for number, line in enumerate(handle, 2):
            cells = line.rstrip("\n").split("\t")
            try:
                shown.tags_known = shown.tags_known or cells[tags] != ""
                shown.presentation = shown.presentation or cells[presentation] != ""
                lengths_seen.add(cells[length])
                binds = below(cells[affinity], inclusion_nm)
            except (IndexError, ValueError) as error:
                raise ValueError(
                    f"table {path}, line {number}: {error}. Each row must have every column, numbers in "
                    "mt_affinity_nm; rerun rank to rewrite the file."
                ) from None
            rows = shown.rows.get(cells[variant])
            if rows is None:
                rows = shown.rows[cells[variant]] = []
                peptides[cells[variant]] = set()
            chosen = peptides[cells[variant]]
            if binds and (cells[peptide] in chosen or len(chosen) < inclusion_limit):
                chosen.add(cells[peptide])
            elif rows:
                continue
            rows.append("\t".join([cells[i] for i in at]) + "\n")
    shown.lengths = {int(text) for text in lengths_seen}
    return shown


def variant_batches(shown: ShownRows, path: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    """The shown rows, typed as read_table types them, in tables of whole variants (in the
    order of their first row) of about batch_rows rows each."""
    header = "\t".join(USED_COLUMNS) + "\n"
    batch: list[str] = []
    for rows in shown.rows.values():
        batch.extend(rows)
        if len(batch) >= batch_rows:
            yield _typed_rows(header, batch, path)
            batch = []
    if batch:
        yield _typed_rows(header, batch, path)


def _typed_rows(header: str, rows: list[str], path: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(header + "".join(rows)), sep="\t", dtype=str, keep_default_na=False)
    return typed_table(frame, path)
