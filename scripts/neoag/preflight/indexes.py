"""Indexes that no longer describe their file, found before a tool crashes on them minutes later.

A BAM sorted by read name with an index copied from elsewhere, an index older
than a rewritten BAM, a CRAM that cannot be decoded with the configured genome
(its own reference is gone), a FASTA rewrapped or edited after its .fai was
made. Each check reads a few bytes or a few reads, never a whole file.
"""

from __future__ import annotations

import os
import sys

from neoag.errors import NeoagInputError

# Reads decoded per contig, and contigs tried, when a BAM/CRAM is probed through its index.
PROBE_READS = 3
PROBE_CONTIGS = 3


def warn(message: str) -> None:
    """A preflight warning: printed, the run goes on."""
    print(f"neoag: warning: {message}", file=sys.stderr)


def check_sort_order(header: dict, path: str, where: str) -> None:
    """A BAM/CRAM whose @HD SO says it is not sorted by coordinate cannot have a valid index."""
    order = header.get("HD", {}).get("SO", "")
    if order in ("queryname", "unsorted"):
        raise NeoagInputError(
            f"{where}: '{path}' is sorted by {'read name' if order == 'queryname' else 'nothing'} (@HD SO:{order} "
            "in its header), so the index beside it cannot be its own (copied from another file?). Sort it by "
            f"coordinate and index it again: samtools sort -o sorted.bam {path} && samtools index sorted.bam"
        )


def index_is_older(path: str, index: str) -> bool:
    """The index was written before its BAM/CRAM (whole seconds, as htslib compares them)."""
    return int(os.stat(index).st_mtime) < int(os.stat(path).st_mtime)


def _probe_contigs(alignments) -> list[str]:
    """Up to PROBE_CONTIGS contigs with mapped reads (by the index statistics where the index has them)."""
    try:
        names = [stat.contig for stat in alignments.get_index_statistics() if stat.mapped]
    except (ValueError, OSError, AttributeError):
        names = []
    return (names or list(alignments.references))[:PROBE_CONTIGS]  # a CRAM index counts no reads


def _probe(alignments) -> None:
    """Decode the first reads of a few contigs through the index; raises OSError/ValueError
    when they cannot be decoded or do not lie where the index says."""
    for contig in _probe_contigs(alignments):
        last = -1
        for _, read in zip(range(PROBE_READS), alignments.fetch(contig)):
            if read.reference_name != contig or read.reference_start < last:
                raise ValueError(f"read {read.query_name} is not where the index puts it ({contig})")
            last = read.reference_start


def probe_alignment(path: str, index: str, where: str, fasta: str) -> None:
    """Open a BAM/CRAM through its index and decode a few reads; a stale index or a CRAM that the
    configured genome cannot decode is an error naming the file and the fix."""
    import pysam

    verbosity = pysam.set_verbosity(0)
    try:
        with pysam.AlignmentFile(path, reference_filename=fasta) as alignments:
            header = alignments.header.to_dict()
            check_sort_order(header, path, where)
            _probe(alignments)
    except (OSError, ValueError) as error:
        raise NeoagInputError(_probe_failure(path, index, where, fasta, header_of(path), error)) from None
    finally:
        pysam.set_verbosity(verbosity)
    if index_is_older(path, index):
        warn(
            f"{where}: the index '{index}' is older than '{path}'. Its first reads decode, but if the file was "
            f"rewritten after indexing, index it again (samtools index {path}) before a tool fails on it."
        )


def header_of(path: str) -> dict:
    """The header of a BAM/CRAM as a dict ({} when it cannot be read)."""
    import pysam

    try:
        with pysam.AlignmentFile(path, require_index=False) as alignments:
            return alignments.header.to_dict()
    except (OSError, ValueError):
        return {}


def _probe_failure(path: str, index: str, where: str, fasta: str, header: dict, error: Exception) -> str:
    """The paragraph for a BAM/CRAM whose reads cannot be decoded through its index."""
    if path.endswith(".cram"):
        made_with = sorted({entry["UR"] for entry in header.get("SQ", []) if entry.get("UR")})
        named = f" Its header names the genome it was made with: {', '.join(made_with[:2])}." if made_with else ""
        return (
            f"{where}: the reads of '{path}' cannot be decoded with reference.fasta ({fasta}) ({error}). A CRAM "
            "stores reads as differences to the genome it was made with, and that genome is not the configured "
            f"one or is gone.{named} Point reference.fasta at that genome, or convert the CRAM to BAM with it "
            "(samtools view -b -T original.fa -o sample.bam sample.cram && samtools index sample.bam)."
        )
    older = " (the index is older than the file)" if index_is_older(path, index) else ""
    return (
        f"{where}: the index '{index}' does not match '{path}'{older}: reads cannot be decoded where it points "
        f"({error}). The BAM was rewritten after indexing, or the index belongs to another file. Index it "
        f"again: samtools index {path}"
    )


def read_fai_entries(fai: str) -> list[tuple[str, int, int, int, int]]:
    """(name, length, offset, line bases, line bytes) of every line of a FASTA index."""
    entries = []
    with open(fai) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\n").split("\t")
            try:
                entries.append((fields[0], *(int(value) for value in fields[1:5])))
            except (ValueError, IndexError):
                raise NeoagInputError(
                    f"{fai}, line {number}: not a FASTA index line (name, length, offset, line bases, line "
                    "bytes). Recreate the index: samtools faidx on the FASTA."
                ) from None
    return entries


def fai_mismatch(handle, entry: tuple[str, int, int, int, int]) -> str:
    """Why one .fai line does not describe the (uncompressed) FASTA open in handle; '' when it does."""
    name, length, offset, line_bases, line_bytes = entry
    handle.seek(max(0, offset - 1))
    if offset == 0 or handle.read(1) != b"\n":
        return f"sequence '{name}' does not start at byte {offset}"
    handle.seek(offset)
    first = handle.readline()
    bases, expected = len(first.rstrip(b"\r\n")), min(length, line_bases)
    if bases != expected or (length > line_bases and len(first) != line_bytes):
        return f"the first line of '{name}' has {bases} bases, the index says {expected}"
    last = length - 1
    handle.seek(offset + last // line_bases * line_bytes + last % line_bases)
    tail = handle.read(2)
    if len(tail) < 1 or tail[:1] in b"\r\n>" or (len(tail) == 2 and tail[1:] not in (b"\n", b"\r")):
        return f"sequence '{name}' does not end after {length} bases where the index says"
    return ""


def check_fai_matches(fasta: str, fai: str) -> None:
    """The .fai describes the FASTA as it is now (a few bytes read per sequence)."""
    if fasta.endswith(".gz"):
        return
    with open(fasta, "rb") as handle:
        for entry in read_fai_entries(fai):
            problem = fai_mismatch(handle, entry)
            if problem:
                older = " (and is older than the FASTA)" if index_is_older(fasta, fai) else ""
                raise NeoagInputError(
                    f"config reference.fasta: the index '{fai}' does not match '{fasta}'{older}: {problem}. "
                    "The FASTA was rewrapped or edited after it was indexed (or the index belongs to another "
                    f"file), and every tool would read wrong bases from it. Recreate the index: rm {fai} && "
                    f"samtools faidx {fasta}"
                )
