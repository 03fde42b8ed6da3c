"""Contig names across the BAMs/CRAMs, VCFs, GTF and FASTA: one reference for all of them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import pandas as pd

from neoag.calling.regions import read_fai
from neoag.errors import NeoagInputError
from neoag.preflight.files import alignment_index, check_readable_file, ends_with_bgzf_eof
from neoag.preflight.indexes import check_fai_matches, probe_alignment, warn
from neoag.preflight.swap import check_sample_names


def check_reference(fasta: str, gtf: str) -> list[tuple[str, int]]:
    """The genome FASTA, its .fai index and the GTF exist; returns the FASTA's (contig, length)."""
    check_readable_file(fasta, "config reference.fasta", hint="Point reference.fasta at your genome FASTA.")
    check_readable_file(gtf, "config reference.gtf", hint="Point reference.gtf at the gene annotation (GTF).")
    if fasta.endswith(".gz") and not os.path.exists(fasta + ".gzi"):
        raise NeoagInputError(
            f"config reference.fasta: '{fasta}' is compressed but has no .gzi index; it must be bgzip-compressed "
            f"and indexed (gunzip it, then 'bgzip {fasta[:-3]} && samtools faidx {fasta}'), or use it uncompressed."
        )
    fai = fasta + ".fai"
    if not os.path.isfile(fai):
        raise NeoagInputError(
            f"config reference.fasta: '{fasta}' has no index '{fai}' beside it. Create it with: samtools faidx {fasta}"
        )
    contigs = read_fai(fai)
    if not contigs:
        raise NeoagInputError(f"{fai}: the index lists no sequence. Recreate it: samtools faidx {fasta}")
    check_fai_matches(fasta, fai)
    return contigs


def rename_hint(names: Iterable[str], reference: Iterable[str]) -> str:
    """How to make names match the reference's naming, when a 'chr' prefix is the difference."""
    names, reference = set(names), set(reference)
    if any("chr" + name in reference for name in names):
        return (
            " The reference names contigs with a 'chr' prefix ('chr1') and this file without ('1'): rename its "
            "contigs (VCF: bcftools annotate --rename-chrs map.txt; BAM: samtools reheader; GTF: add 'chr' to the "
            "first column) or use a reference with the same naming."
        )
    if any(name.startswith("chr") and name[3:] in reference for name in names):
        return (
            " This file names contigs with a 'chr' prefix ('chr1') and the reference without ('1'): rename its "
            "contigs (VCF: bcftools annotate --rename-chrs map.txt; BAM: samtools reheader; GTF: remove 'chr' "
            "from the first column) or use a reference with the same naming."
        )
    return " Use files made on the same reference genome as reference.fasta."


def check_contigs(contigs: Sequence[tuple[str, int | None]], reference: Sequence[tuple[str, int]], where: str) -> None:
    """A file's contigs (name, length or None) must be named as in the reference FASTA.

    Some contigs may be absent from the reference (decoys, alt haplotypes),
    but at least one must be shared, and shared contigs must have the same
    length (same assembly).
    """
    lengths = dict(reference)
    names = [name for name, _ in contigs]
    if not names:
        return
    shared = [name for name in names if name in lengths]
    if not shared:
        raise NeoagInputError(
            f"{where}: none of its contigs ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''}) is in the "
            f"reference FASTA (which has {', '.join(list(lengths)[:4])}{', ...' if len(lengths) > 4 else ''})."
            + rename_hint(names, lengths)
        )
    for name, length in contigs:
        if length is not None and name in lengths and length != lengths[name]:
            raise NeoagInputError(
                f"{where}: contig '{name}' is {length} bp long there but {lengths[name]} bp in the reference "
                "FASTA: the file was made on another assembly (e.g. GRCh37 vs GRCh38). Use files made on the "
                "configured reference, or lift them over."
            )


def bam_contigs(path: str, where: str, fasta: str) -> tuple[list[tuple[str, int]], list[str]]:
    """(contig, length) and read-group sample names of a BAM/CRAM header."""
    import pysam

    try:
        with pysam.AlignmentFile(path, require_index=False, reference_filename=fasta) as alignments:
            header = alignments.header.to_dict()
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{where}: '{path}' cannot be read as BAM/CRAM ({error}). Check that it is a complete BAM/CRAM "
            f"file: samtools quickcheck {path}"
        ) from None
    contigs = [(entry["SN"], int(entry["LN"])) for entry in header.get("SQ", [])]
    if not contigs:
        raise NeoagInputError(
            f"{where}: '{path}' has no @SQ lines in its header, so its reads are not aligned to a reference. "
            "Align the reads (bwa mem) and sort and index the BAM."
        )
    samples = sorted({group["SM"] for group in header.get("RG", []) if "SM" in group})
    return contigs, samples


def vcf_header(path: str, where: str):
    """The pysam header of a VCF/BCF; a broken header is a NeoagInputError."""
    import pysam

    with open(path, "rb") as handle:
        start = handle.read(2)
    if start == b"\x1f\x8b" and not ends_with_bgzf_eof(path):
        raise NeoagInputError(
            f"{where}: '{path}' is gzip-compressed but not with bgzip, or truncated. Recompress it: "
            f"zcat {path} | bgzip > fixed.vcf.gz"
        )
    try:
        with pysam.VariantFile(path) as vcf:
            return vcf.header.copy()
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{where}: '{path}' has no valid VCF header ({error}). A VCF starts with '##fileformat=VCFv4.x', "
            "then ## meta lines and a tab-separated '#CHROM POS ID REF ALT QUAL FILTER INFO' line; "
            f"'bcftools view -h {path}' shows where it breaks."
        ) from None


def check_sample_files(
    sheet: pd.DataFrame, path: str, fasta: str, reference: Sequence[tuple[str, int]], sample_names: str = "error"
) -> None:
    """Header-level checks of each sample's BAMs and VCF: contig names vs the FASTA, indexes that decode,
    read-group names that do not contradict their column (sample_names: 'error' or 'warn'), VCF
    tumor/normal columns."""
    from neoag.calling.calls import detect_sample_columns, header_meta
    from neoag.preflight.sheet import row_lines

    for line, row in zip(row_lines(sheet), sheet.to_dict("records")):
        where = f"sample sheet {path}, line {line} (sample '{row['sample']}')"
        names = {}
        for column in ("tumor_bam", "normal_bam", "rna_bam"):
            if row.get(column, ""):
                file_where = f"{where}, column {column} ({row[column]})"
                contigs, names[column] = bam_contigs(row[column], file_where, fasta)
                check_contigs(contigs, reference, file_where)
                probe_alignment(row[column], alignment_index(row[column]), file_where, fasta)
                if column == "rna_bam":
                    warn_missing_rna_contigs(contigs, reference, file_where)
        check_sample_names(names, where, sample_names)
        if row.get("vcf", ""):
            file_where = f"{where}, column vcf ({row['vcf']})"
            header = vcf_header(row["vcf"], file_where)
            check_contigs([(name, header.contigs[name].length) for name in header.contigs], reference, file_where)
            detect_sample_columns(
                list(header.samples),
                header_meta(header),
                names.get("tumor_bam", []),
                names.get("normal_bam", []),
                row["vcf"],
            )


def warn_missing_rna_contigs(contigs: Sequence[tuple[str, int]], reference: Sequence[tuple[str, int]], where: str):
    """An RNA BAM aligned to a genome without some contigs (a transcriptome build, no alt or MT): its
    evidence at variants there is zero coverage, said once here."""
    present = {name for name, _ in contigs}
    absent = [name for name, _ in reference if name not in present]
    if absent:
        shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        warn(
            f"{where}: the RNA BAM has no contig {shown} of the reference; variants there get zero RNA "
            "coverage (tumor_rna_depth 0), not an error. Align the RNA to the full reference.fasta to count them."
        )
