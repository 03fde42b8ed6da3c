"""Tumor expression (TPM) from common quantifiers, joined to the result tables.

Recognised by their header: salmon quant.sf, kallisto abundance.tsv, StringTie
gene abundances (-A), RSEM *.genes.results and *.isoforms.results. IDs are
matched to the GTF's, exactly or without a version suffix ('.3'); salmon's
GENCODE-style names (ENST...|ENSG...|...) are cut at the first '|'. Gene TPM of
a transcript-level table is the sum over the gene's quantified transcripts
(genes from the GTF, or RSEM's gene_id column).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import pandas as pd

from neoag.columns import EXPRESSION_TABLE
from neoag.errors import NeoagInputError
from neoag.tables import write_table


@dataclass(frozen=True)
class TableFormat:
    """A quantifier's table: the header it starts with, its level, ID and TPM columns."""

    name: str
    header: tuple[str, ...]
    level: str  # "gene" or "transcript"
    id_column: str
    tpm_column: str
    gene_column: str | None = None


FORMATS = (
    TableFormat("salmon", ("Name", "Length", "EffectiveLength", "TPM", "NumReads"), "transcript", "Name", "TPM"),
    TableFormat(
        "kallisto", ("target_id", "length", "eff_length", "est_counts", "tpm"), "transcript", "target_id", "tpm"
    ),
    TableFormat(
        "stringtie",
        ("Gene ID", "Gene Name", "Reference", "Strand", "Start", "End", "Coverage", "FPKM", "TPM"),
        "gene",
        "Gene ID",
        "TPM",
    ),
    TableFormat(
        "rsem_genes",
        ("gene_id", "transcript_id(s)", "length", "effective_length", "expected_count", "TPM", "FPKM"),
        "gene",
        "gene_id",
        "TPM",
    ),
    TableFormat(
        "rsem_isoforms",
        ("transcript_id", "gene_id", "length", "effective_length", "expected_count", "TPM", "FPKM"),
        "transcript",
        "transcript_id",
        "TPM",
        gene_column="gene_id",
    ),
)

_VERSION = re.compile(r"\.\d+$")


def detect_format(header: list[str], path: str) -> TableFormat:
    """The format whose columns the header starts with; NeoagInputError otherwise."""
    for table_format in FORMATS:
        if tuple(header[: len(table_format.header)]) == table_format.header:
            return table_format
    known = "; ".join(f"{f.name}: {' '.join(f.header[:4])} ..." for f in FORMATS)
    raise NeoagInputError(
        f"expression table {path}: the header ({' '.join(header[:6])} ...) is not one neoag knows. It reads "
        f"tab-separated tables that start with these columns: {known}. Give the quantifier's own output "
        "file unchanged (salmon quant.sf, kallisto abundance.tsv, StringTie -A, RSEM *.genes.results or "
        "*.isoforms.results)."
    )


def read_quantification(path: str) -> tuple[TableFormat, pd.DataFrame]:
    """The table as (format, frame with columns id, tpm[, gene_id])."""
    try:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment=None)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise NeoagInputError(f"expression table {path} cannot be read as a tab-separated table ({error}).") from None
    table_format = detect_format(list(frame.columns), path)
    out = pd.DataFrame({"id": frame[table_format.id_column].str.split("|").str[0]})
    try:
        out["tpm"] = frame[table_format.tpm_column].astype(float)
    except ValueError:
        bad = frame[table_format.tpm_column][pd.to_numeric(frame[table_format.tpm_column], errors="coerce").isna()]
        raise NeoagInputError(
            f"expression table {path} ({table_format.name}): column {table_format.tpm_column} holds "
            f"'{bad.iloc[0]}', which is not a number."
        ) from None
    if table_format.gene_column:
        out["gene_id"] = frame[table_format.gene_column]
    return table_format, out


def gtf_transcript_genes(gtf_path: str) -> dict[str, str]:
    """transcript_id -> gene_id of every transcript in a GTF (any biotype)."""
    from neoag.files import open_text
    from neoag.transcripts import parse_attributes

    genes: dict[str, str] = {}
    with open_text(gtf_path) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 9 or fields[2] not in ("transcript", "exon"):
                continue
            attributes = parse_attributes(fields[8])
            if "transcript_id" in attributes and "gene_id" in attributes:
                genes.setdefault(attributes["transcript_id"][0], attributes["gene_id"][0])
    return genes


def match_ids(wanted: list[str], available: list[str]) -> dict[str, str]:
    """Map IDs of the table (available) to the GTF's IDs (wanted): exactly, else without
    a version suffix when that is unambiguous on both sides."""
    exact = set(wanted)
    matched = {a: a for a in available if a in exact}
    by_base: dict[str, list[str]] = {}
    for w in wanted:
        by_base.setdefault(_VERSION.sub("", w), []).append(w)
    available_bases: dict[str, int] = {}
    for a in available:
        available_bases[_VERSION.sub("", a)] = available_bases.get(_VERSION.sub("", a), 0) + 1
    for a in available:
        if a in matched:
            continue
        base = _VERSION.sub("", a)
        if len(by_base.get(base, [])) == 1 and available_bases[base] == 1:
            matched[a] = by_base[base][0]
    return matched


def normalise_expression(
    table_path: str, gtf_path: str, out_path: str, transcripts_cache: str | None = None
) -> pd.DataFrame:
    """The sample's TPMs keyed by the GTF's gene and transcript IDs -> expression.tsv (the IDs from
    transcripts_cache, the GTF parsed by rule parse_gtf, when given)."""
    table_format, quant = read_quantification(table_path)
    if transcripts_cache:
        from neoag.transcript_cache import load_transcript_cache

        tx_genes = load_transcript_cache(transcripts_cache, gtf_path).transcript_genes
    else:
        tx_genes = gtf_transcript_genes(gtf_path)
    genes = sorted(set(tx_genes.values()))
    examples = ", ".join(quant.id.head(3)) or "none"
    rows = []
    if table_format.level == "transcript":
        ids = match_ids(list(tx_genes), list(quant.id))
        quant = quant[quant.id.isin(ids)].assign(gtf_id=lambda q: q.id.map(ids))
        quant = quant.groupby("gtf_id", as_index=False, sort=True).tpm.sum()
        rows += [("transcript", i, t) for i, t in zip(quant.gtf_id, quant.tpm)]
        gene_tpm = quant.assign(gene=quant.gtf_id.map(tx_genes)).groupby("gene", sort=True).tpm.sum()
        rows += [("gene", g, t) for g, t in gene_tpm.items()]
        matched, total = len(quant), len(tx_genes)
    else:
        ids = match_ids(genes, list(quant.id))
        quant = quant[quant.id.isin(ids)].assign(gtf_id=lambda q: q.id.map(ids))
        gene_tpm = quant.groupby("gtf_id", sort=True).tpm.sum()
        rows += [("gene", g, t) for g, t in gene_tpm.items()]
        matched, total = len(gene_tpm), len(genes)
    if matched == 0:
        raise NeoagInputError(
            f"expression table {table_path} ({table_format.name}): none of its IDs (e.g. "
            f"{examples}) is a {table_format.level} ID of the GTF {gtf_path}. "
            "Quantify against the same annotation as the GTF."
        )
    frame = pd.DataFrame(rows, columns=list(EXPRESSION_TABLE)).sort_values(["feature", "id"], kind="stable")
    write_table(frame, out_path, EXPRESSION_TABLE)
    print(
        f"{table_path}: {table_format.name} format ({table_format.level} level); {matched} of the GTF's "
        f"{total} {table_format.level}s quantified",
        file=sys.stderr,
    )
    return frame


def add_expression(table: pd.DataFrame, expression: pd.DataFrame | None) -> pd.DataFrame:
    """table with gene_tpm (by gene_id) and transcript_tpm (by transcript_id); empty without
    an expression table or for IDs that it does not quantify."""
    table = table.copy()
    if expression is None or table.empty:
        table["gene_tpm"] = float("nan")
        table["transcript_tpm"] = float("nan")
        return table
    by_feature = {feature: dict(zip(rows.id, rows.tpm)) for feature, rows in expression.groupby("feature")}
    table["gene_tpm"] = table.gene_id.map(by_feature.get("gene", {})).astype(float)
    table["transcript_tpm"] = table.transcript_id.map(by_feature.get("transcript", {})).astype(float)
    return table
