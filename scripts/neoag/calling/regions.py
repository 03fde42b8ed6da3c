"""Calling regions: where variants are called, and how that work is split into jobs.

The genome (or the intervals of a BED file, e.g. exome targets) is cut into
scatter regions; each caller runs once per region, in parallel cluster jobs,
and the per-region calls are gathered afterwards. A region is a list of
intervals: by default one region per contig; with a scatter size, intervals
are cut into pieces of at most that many bases and consecutive pieces packed
into regions of about that size; with a job count, the intervals are cut into
that many regions of equal size (large contigs split, small ones grouped).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from neoag.errors import NeoagInputError


@dataclass(frozen=True)
class Region:
    """One scatter job: a name (used in file names) and its 0-based half-open intervals."""

    name: str
    intervals: tuple[tuple[str, int, int], ...]

    def bed(self) -> str:
        """The intervals as BED text."""
        return "".join(f"{chrom}\t{start}\t{end}\n" for chrom, start, end in self.intervals)


def read_fai(path: str) -> list[tuple[str, int]]:
    """(contig, length) of a samtools .fai index, in file order.

    Read here rather than with pysam.FastaFile(...).references/.lengths: htslib
    writes a missing index itself (into the reference folder) instead of failing,
    needs the FASTA itself beside the index, and reports a broken line only as an
    OSError without the line; this reader needs only the .fai and names the line
    to fix.
    """
    if not os.path.isfile(path):
        fasta = path.removesuffix(".fai")
        raise NeoagInputError(
            f"reference {fasta}: no index {path} beside it. Index the FASTA once: samtools faidx {fasta}"
        )
    contigs = []
    with open(path) as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[1].isdigit():
                raise NeoagInputError(
                    f"{path}, line {number}: not a samtools faidx index line. Recreate it: "
                    f"samtools faidx {path.removesuffix('.fai')}"
                )
            contigs.append((fields[0], int(fields[1])))
    return contigs


def read_bed(path: str, contigs: dict[str, int]) -> list[tuple[str, int, int]]:
    """Intervals of a BED file (first three columns), checked against the reference contigs.

    Header, track and comment lines are skipped. Intervals are sorted in
    reference contig order and overlapping or touching ones merged, so that no
    base is called twice.
    """
    if not os.path.isfile(path):
        raise NeoagInputError(
            f"calling.regions: BED file '{path}' does not exist. Correct the path in the config, or set "
            "it to an empty string to call the whole genome."
        )
    order = {name: i for i, name in enumerate(contigs)}
    intervals = []
    with open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            where = f"calling.regions BED {path}, line {number}"
            if len(fields) < 3 or not fields[1].isdigit() or not fields[2].isdigit():
                raise NeoagInputError(
                    f"{where}: expected tab-separated 'contig, start, end' with 0-based integer "
                    f"coordinates, found {line.strip()!r}."
                )
            chrom, start, end = fields[0], int(fields[1]), int(fields[2])
            if chrom not in contigs:
                raise NeoagInputError(
                    f"{where}: contig '{chrom}' is not in the reference (it has {', '.join(list(contigs)[:5])}"
                    f"{', ...' if len(contigs) > 5 else ''}). Use the reference's contig names (e.g. 'chr1' vs '1')."
                )
            if not start < end <= contigs[chrom]:
                raise NeoagInputError(
                    f"{where}: interval {chrom}:{start}-{end} is empty or runs past the end of the "
                    f"contig ({contigs[chrom]} bp). Fix or remove the line."
                )
            intervals.append((chrom, start, end))
    if not intervals:
        raise NeoagInputError(f"calling.regions BED {path} has no intervals. Add some, or unset calling.regions.")
    merged: list[tuple[str, int, int]] = []
    for chrom, start, end in sorted(intervals, key=lambda i: (order[i[0]], i[1], i[2])):
        if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
            merged[-1] = (chrom, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((chrom, start, end))
    return merged


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "contig"


def plan_regions(fai_path: str, bed_path: str = "", scatter_size: int = 0, scatter_jobs: int = 0) -> list[Region]:
    """The scatter regions of a run.

    Parameters
    ----------
    fai_path : str
        The reference's .fai index (contig names, lengths and order).
    bed_path : str
        Optional BED of the intervals to call in; empty: every contig, whole.
        Only these intervals are called, and the sizes below count only their bases.
    scatter_size : int
        0: one region per contig (named after it). Otherwise intervals are cut
        into pieces of at most this many bases and consecutive pieces packed
        into regions of about this many bases (named chunk0001, ...), possibly
        across contigs.
    scatter_jobs : int
        0: as scatter_size says. Otherwise exactly this many regions (fewer only
        when there are fewer bases), of equal size to within one base: the
        intervals, in reference order, are cut where their running total of
        bases crosses a multiple of total / scatter_jobs. Large contigs are split,
        small ones grouped (a GRCh38 analysis set's 3,366 contigs in N jobs).
    """
    contigs = dict(read_fai(fai_path))
    if scatter_size > 0 and scatter_jobs > 0:
        raise NeoagInputError(
            f"calling.scatter_size ({scatter_size}) and calling.scatter_jobs ({scatter_jobs}) are both set. "
            "Set one of them to 0: scatter_jobs asks for that many jobs of equal size, scatter_size for "
            "jobs of about that many bases."
        )
    if bed_path:
        intervals = read_bed(bed_path, contigs)
    else:
        intervals = [(chrom, 0, length) for chrom, length in contigs.items() if length > 0]
    if scatter_jobs > 0:
        groups = _balanced(intervals, scatter_jobs)
        width = max(4, len(str(len(groups))))
        return [Region(f"chunk{i:0{width}d}", tuple(group)) for i, group in enumerate(groups, start=1)]
    if scatter_size <= 0:
        return _per_contig(intervals)
    pieces = []
    for chrom, start, end in intervals:
        for piece_start in range(start, end, scatter_size):
            pieces.append((chrom, piece_start, min(end, piece_start + scatter_size)))
    groups: list[list[tuple[str, int, int]]] = [[]]
    size = 0
    for piece in pieces:
        length = piece[2] - piece[1]
        if groups[-1] and size + length > scatter_size:
            groups.append([])
            size = 0
        groups[-1].append(piece)
        size += length
    return [Region(f"chunk{i:04d}", tuple(group)) for i, group in enumerate(groups, start=1)]


def _per_contig(intervals: list[tuple[str, int, int]]) -> list[Region]:
    """One region per contig, named after it (made file-name safe and unique)."""
    by_contig: dict[str, list[tuple[str, int, int]]] = {}
    for interval in intervals:
        by_contig.setdefault(interval[0], []).append(interval)
    regions, used = [], set()
    for i, (chrom, pieces) in enumerate(by_contig.items(), start=1):
        name = _safe(chrom)
        if name in used:
            name = f"{name}_{i}"
        used.add(name)
        regions.append(Region(name, tuple(pieces)))
    return regions


def _balanced(intervals: list[tuple[str, int, int]], jobs: int) -> list[list[tuple[str, int, int]]]:
    """The intervals cut into `jobs` consecutive groups of equal size (to within one base).

    Base number b of the running total (T bases in all) goes to group floor(b * jobs / T),
    so group k holds bases ceil(k T / jobs) to ceil((k + 1) T / jobs) - 1.
    """
    total = sum(end - start for _, start, end in intervals)
    jobs = min(jobs, total)
    groups: list[list[tuple[str, int, int]]] = [[] for _ in range(jobs)]
    done = 0
    for chrom, start, end in intervals:
        while start < end:
            group = done * jobs // total
            boundary = -(-(group + 1) * total // jobs)
            take = min(end - start, boundary - done)
            groups[group].append((chrom, start, start + take))
            start += take
            done += take
    return groups


def whole_interval_groups(intervals: list[tuple[str, int, int]], parts: int) -> list[list[tuple[str, int, int]]]:
    """The intervals, in their order, in `parts` consecutive groups of about equal size, never cut
    (a caller sees each interval whole, as in one job). Interval i goes to group
    floor(bases before its middle x parts / total); groups may be empty (a few large intervals)."""
    total = sum(end - start for _, start, end in intervals)
    groups: list[list[tuple[str, int, int]]] = [[] for _ in range(parts)]
    done = 0
    for chrom, start, end in intervals:
        middle = done + (end - start) // 2
        groups[min(parts - 1, middle * parts // total) if total else 0].append((chrom, start, end))
        done += end - start
    return groups


def write_region_bed(bed_text: str, bed_path: str, gz_path: str) -> None:
    """One region's BED, plain (freebayes, bcftools, GATK) and bgzipped + tabix-indexed (Strelka2)."""
    import pysam

    with open(bed_path, "w") as out:
        out.write(bed_text)
    pysam.tabix_compress(bed_path, gz_path, force=True)
    pysam.tabix_index(gz_path, preset="bed", force=True)
