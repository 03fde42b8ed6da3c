"""Protein-coding transcript models from a GTF and a genome FASTA.

Coordinates inside neoag are 0-based, half-open, on the forward strand of the
genome, unless a name says otherwise. The GTF is 1-based and closed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from neoag.errors import NeoagInputError
from neoag.files import open_text
from neoag.sequence import reverse_complement

# Bases of genome appended after the transcript's 3' end, so that a frameshift
# or a stop-loss that runs through the 3'UTR can still reach a stop codon.
DOWNSTREAM_BASES = 3000

# GTF tags carried into the outputs, in this order (transcript_tags column).
# RefSeq GTFs spell some with spaces ("MANE Select"); they are read as below.
REPORTED_TAGS = (
    "MANE_Select",
    "MANE_Plus_Clinical",
    "Ensembl_canonical",
    "RefSeq_Select",
    "basic",
    "CCDS",
    "cds_start_NF",
    "cds_end_NF",
    "mRNA_start_NF",
    "mRNA_end_NF",
)

# Transcript sets that annotation.transcripts can restrict to: the tags that admit a transcript.
TRANSCRIPT_SETS = {
    "all": (),
    "canonical": ("Ensembl_canonical", "MANE_Select", "RefSeq_Select"),
    "mane_select": ("MANE_Select",),
}

_ATTRIBUTE = re.compile(r'\s*([^\s";]+)\s+(?:"([^"]*)"|([^\s";]+))\s*;?')


@dataclass(frozen=True)
class Transcript:
    """One protein-coding transcript.

    exons are (start, end) on the genome, sorted by start. coding_start and
    coding_end bound the CDS including the stop codon, on the genome. tags are
    the GTF's tag values; gtf_flags are problems of the CDS seen in the GTF
    itself (cds_start_NF, cds_end_NF, cds_phase_mismatch). stop_inferable: the
    GTF gave no stop_codon row (and no cds_end_NF), so a stop codon right after
    the CDS may be added from the genome (read_gtf with a FASTA).
    """

    transcript_id: str
    gene_id: str
    gene_name: str
    chrom: str
    strand: str
    exons: tuple[tuple[int, int], ...]
    coding_start: int
    coding_end: int
    tags: tuple[str, ...] = ()
    biotype: str = ""
    support_level: str = ""
    gtf_flags: tuple[str, ...] = ()
    stop_inferable: bool = field(default=False, compare=False)
    _exon_offsets: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        offsets, total = [], 0
        for start, end in self.exons:
            offsets.append(total)
            total += end - start
        object.__setattr__(self, "_exon_offsets", tuple(offsets))

    @property
    def length(self) -> int:
        """Spliced length of the transcript (exons only)."""
        return sum(end - start for start, end in self.exons)

    def transcript_offset(self, position: int) -> int | None:
        """Index of a genomic base in the spliced transcript (5'->3'), or None if intronic."""
        i = bisect.bisect_right(self.exons, (position, float("inf"))) - 1
        if i < 0 or position >= self.exons[i][1]:
            return None
        forward = self._exon_offsets[i] + position - self.exons[i][0]
        return forward if self.strand == "+" else self.length - 1 - forward

    @property
    def cds_offset(self) -> int:
        """Index of the first base of the start codon in the spliced transcript."""
        first = self.coding_start if self.strand == "+" else self.coding_end - 1
        offset = self.transcript_offset(first)
        assert offset is not None  # guaranteed by read_gtf
        return offset

    @property
    def cds_end_offset(self) -> int:
        """Index one past the last base of the stop codon in the spliced transcript."""
        last = self.coding_end - 1 if self.strand == "+" else self.coding_start
        offset = self.transcript_offset(last)
        assert offset is not None
        return offset + 1

    @property
    def reported_tags(self) -> str:
        """The REPORTED_TAGS this transcript carries, comma-separated, in a fixed order."""
        return ",".join(tag for tag in REPORTED_TAGS if tag in self.tags)

    def cds_flags(self, sequence: str) -> tuple[str, ...]:
        """Why the annotated CDS is not a complete open reading frame (empty when it is).

        sequence is spliced_sequence(). Besides gtf_flags: cds_length_not_multiple_of_3,
        no_stop_codon (the last codon is not a stop) and internal_stop_codon (a stop
        before the end, e.g. a selenoprotein). A start codon other than ATG is allowed.
        """
        from neoag.sequence import CODON_TABLE

        flags = list(self.gtf_flags)
        cds = sequence[self.cds_offset : self.cds_end_offset]
        if len(cds) % 3:
            flags.append("cds_length_not_multiple_of_3")
        else:
            codons = [CODON_TABLE.get(cds[i : i + 3], "X") for i in range(0, len(cds), 3)]
            if not codons or codons[-1] != "*":
                flags.append("no_stop_codon")
            if "*" in codons[:-1]:
                flags.append("internal_stop_codon")
        return tuple(flags)

    def introns(self) -> list[tuple[int, int]]:
        """Introns (start, end) on the genome, sorted by start."""
        return [(a[1], b[0]) for a, b in zip(self.exons, self.exons[1:]) if b[0] > a[1]]

    def spliced_sequence(self, fetch: Callable[[str, int, int], str]) -> str:
        """The mRNA (5'->3') followed by DOWNSTREAM_BASES of genome past its 3' end.

        fetch(chrom, start, end) returns genome sequence; it may return fewer
        bases at a contig end.
        """
        exonic = "".join(fetch(self.chrom, start, end) for start, end in self.exons).upper()
        if self.strand == "+":
            end = self.exons[-1][1]
            return exonic + fetch(self.chrom, end, end + DOWNSTREAM_BASES).upper()
        start = self.exons[0][0]
        downstream = fetch(self.chrom, max(0, start - DOWNSTREAM_BASES), start).upper()
        return reverse_complement(exonic) + reverse_complement(downstream)


def genome_fetch(genome) -> Callable[[str, int, int], str]:
    """fetch(chrom, start, end) for Transcript.spliced_sequence from an open pysam.FastaFile,
    stopping at the contig's end (the downstream bases can run past it)."""

    def fetch(chrom: str, start: int, end: int) -> str:
        return genome.fetch(chrom, start, min(end, genome.get_reference_length(chrom)))

    return fetch


def parse_attributes(text: str) -> dict[str, list[str]]:
    """GTF column 9 -> {key: [values]} (keys such as 'tag' may repeat)."""
    attributes: dict[str, list[str]] = {}
    for match in _ATTRIBUTE.finditer(text):
        key, quoted, bare = match.groups()
        attributes.setdefault(key, []).append(quoted if quoted is not None else bare)
    return attributes


# Rows whose union is the transcript's exons when a GTF has no exon rows (some converters write
# CDS and UTR rows only).
EXON_PARTS = ("CDS", "stop_codon", "start_codon", "UTR", "five_prime_utr", "three_prime_utr", "5UTR", "3UTR")

# Stop codons of the standard code, to find a stop that the GTF leaves out of its CDS rows.
STOP_CODONS = ("TAA", "TAG", "TGA")


def read_gtf(path: str, fasta: str | None = None) -> list[Transcript]:
    """Protein-coding transcripts (those with CDS rows) of a GTF, sorted by position.

    The coding span is the union of CDS and stop_codon rows, so both the
    Ensembl/GENCODE convention (CDS excludes the stop codon) and GTFs whose CDS
    includes it give the same model. RefSeq-style GTFs are read too: gene_name
    falls back to the 'gene' attribute, tags with spaces ("MANE Select") become
    MANE_Select, and a transcript ID used on several contigs (PAR genes) gives
    one model per contig. A transcript without exon rows gets the union of its
    CDS, UTR and start/stop codon rows as exons. With the genome FASTA, a
    transcript without stop_codon rows whose CDS does not end with a stop but is
    followed by one (a CDS that excludes the stop, from a converter that drops
    stop_codon rows) gets that stop in its coding span (stop_from_sequence).
    """
    transcripts, _ = read_gtf_text(path)
    if fasta is None or not any(t.stop_inferable for t in transcripts):
        return transcripts
    import pysam

    with pysam.FastaFile(fasta) as genome:
        return stop_from_sequence(transcripts, genome_fetch(genome))


def read_gtf_text(path: str) -> tuple[list[Transcript], dict[str, str]]:
    """(the protein-coding transcripts as the GTF alone gives them, sorted by position; transcript_id ->
    gene_id of every transcript of any biotype, from its transcript and exon rows, in order of appearance).
    One pass over the text; read_gtf adds the stop codons found in the genome."""
    genes: dict[str, str] = {}
    with open_text(path) as handle:
        return _transcripts_from_lines(handle, path, genes), genes


def _transcripts_from_lines(lines: Iterable[str], path: str, genes: dict[str, str] | None = None) -> list[Transcript]:
    records: dict[tuple[str, str], dict] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        row = _gtf_row(line, path, line_number)
        if row is None:
            continue
        _add_row(records, *row)
        if genes is not None and row[1] in ("transcript", "exon") and "gene_id" in row[5]:
            genes.setdefault(row[5]["transcript_id"][0], row[5]["gene_id"][0])
    transcripts = [_transcript(*key, record) for key, record in records.items() if record["CDS"]]
    return sorted(transcripts, key=lambda t: (t.chrom, t.coding_start, t.transcript_id))


def merged_intervals(intervals: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or touching intervals joined: CDS and UTR rows of one exon give the exon."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def genomic_position(transcript: Transcript, offset: int) -> int | None:
    """The genome position of a base of the spliced transcript (5'->3' offset); None past its end."""
    if not 0 <= offset < transcript.length:
        return None
    forward = offset if transcript.strand == "+" else transcript.length - 1 - offset
    for (start, end), before in zip(transcript.exons, transcript._exon_offsets):
        if forward < before + end - start:
            return start + forward - before
    return None


def _stop_candidates(transcript: Transcript) -> list[list[int]]:
    """Genome positions (5'->3') of the codon after the CDS: the 3 bases right after its last base on the
    genome when they lie outside the exons (a GTF whose CDS and UTR rows leave the stop codon out), else the
    next 3 bases of the spliced transcript (a stop split by an intron); [] past the transcript's end."""
    last = transcript.coding_end - 1 if transcript.strand == "+" else transcript.coding_start
    step = 1 if transcript.strand == "+" else -1
    contiguous = [last + step * (i + 1) for i in range(3)]
    if all(transcript.transcript_offset(p) is None for p in contiguous) and min(contiguous) >= 0:
        return [contiguous]
    inside = [genomic_position(transcript, transcript.cds_end_offset + i) for i in range(3)]
    return [inside] if None not in inside else []


def with_stop_from_sequence(transcript: Transcript, fetch: Callable[[str, int, int], str]) -> Transcript:
    """The transcript with the stop codon that follows its CDS added to its coding span (and to its exons
    when they left it out), when its CDS is whole codons, does not end with a stop, and the next codon is one."""
    from neoag.sequence import reverse_complement

    def codon(positions: list[int]) -> str:
        bases = "".join(fetch(transcript.chrom, p, p + 1) for p in positions).upper()
        return bases if transcript.strand == "+" else reverse_complement(bases)[::-1]  # complemented, in order

    start, end = transcript.cds_offset, transcript.cds_end_offset
    last_codon = [genomic_position(transcript, end - 3 + i) for i in range(3)]
    if (end - start) % 3 or None in last_codon or codon(last_codon) in STOP_CODONS:
        return transcript
    found = [positions for positions in _stop_candidates(transcript) if codon(positions) in STOP_CODONS]
    if not found:
        return transcript
    low, high = min(found[0]), max(found[0]) + 1
    exons = transcript.exons
    if transcript.transcript_offset(low) is None:
        exons = merged_intervals(exons + ((low, high),))
    span = (min(transcript.coding_start, low), max(transcript.coding_end, high))
    return replace(transcript, exons=exons, coding_start=span[0], coding_end=span[1], stop_inferable=False)


def stop_from_sequence(transcripts: list[Transcript], fetch: Callable[[str, int, int], str]) -> list[Transcript]:
    """with_stop_from_sequence for every transcript that has no stop_codon rows (stop_inferable)."""
    return [with_stop_from_sequence(t, fetch) if t.stop_inferable else t for t in transcripts]


def _gtf_row(line: str, path: str, line_number: int) -> tuple | None:
    """(chrom, feature, interval, strand, phase, attributes) of a transcript, exon, CDS or
    stop_codon line; None for other features. Raises NeoagInputError for a broken line."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 9:
        raise NeoagInputError(
            f"{path}, line {line_number}: a GTF line needs 9 tab-separated columns, "
            f"found {len(fields)}. Check that the file is a GTF (not GFF3 or BED) and "
            "that it is tab-separated."
        )
    chrom, _, feature, start, end, _, strand, phase, attribute_text = fields
    if feature not in ("transcript", "exon") + EXON_PARTS:
        return None
    attributes = parse_attributes(attribute_text)
    if "transcript_id" not in attributes:
        raise NeoagInputError(
            f"{path}, line {line_number}: {feature} row without a transcript_id attribute. "
            "neoag needs Ensembl/GENCODE-style GTF attributes (gene_id, transcript_id)."
        )
    try:
        interval = (int(start) - 1, int(end))
    except ValueError:
        raise NeoagInputError(f"{path}, line {line_number}: start/end '{start}'/'{end}' are not integers.") from None
    if strand not in ("+", "-"):
        raise NeoagInputError(f"{path}, line {line_number}: strand '{strand}' of a {feature} row must be '+' or '-'.")
    return chrom, feature, interval, strand, phase, attributes


def _add_row(
    records: dict[tuple[str, str], dict],
    chrom: str,
    feature: str,
    interval: tuple[int, int],
    strand: str,
    phase: str,
    attributes: dict[str, list[str]],
) -> None:
    """Add one GTF row to the record of its (transcript_id, chrom)."""
    record = records.setdefault(
        (attributes["transcript_id"][0], chrom),
        {
            "strand": strand,
            "gene_id": attributes.get("gene_id", [""])[0],
            "gene_name": "",
            "biotype": "",
            "support_level": "",
            "tags": {},
            "exon": [],
            "CDS": [],
            "phases": [],
            "stop_codon": [],
            "parts": [],
        },
    )
    record["tags"].update(dict.fromkeys(tag.replace(" ", "_") for tag in attributes.get("tag", ())))
    record["gene_name"] = record["gene_name"] or _first(attributes, "gene_name", "gene")
    record["biotype"] = record["biotype"] or _first(attributes, "transcript_biotype", "transcript_type")
    record["support_level"] = record["support_level"] or _first(attributes, "transcript_support_level").split(" ")[0]
    if feature == "CDS":
        record["phases"].append((interval, phase))
    if feature in ("exon", "CDS", "stop_codon"):
        record[feature].append(interval)
    if feature in EXON_PARTS:
        record["parts"].append(interval)


def _transcript(transcript_id: str, chrom: str, record: dict) -> Transcript:
    """The model of a transcript's record (it has CDS rows; exons from its parts when it has no exon rows)."""
    coding = record["CDS"] + record["stop_codon"]
    flags = tuple(tag for tag in ("cds_start_NF", "cds_end_NF") if tag in record["tags"])
    if not phases_consistent(record["phases"], record["strand"]):
        flags += ("cds_phase_mismatch",)
    return Transcript(
        transcript_id=transcript_id,
        gene_id=record["gene_id"],
        gene_name=record["gene_name"] or record["gene_id"],
        chrom=chrom,
        strand=record["strand"],
        exons=tuple(sorted(set(record["exon"]))) if record["exon"] else merged_intervals(record["parts"]),
        coding_start=min(start for start, _ in coding),
        coding_end=max(end for _, end in coding),
        tags=tuple(record["tags"]),
        biotype=record["biotype"],
        support_level=record["support_level"],
        gtf_flags=flags,
        stop_inferable=not record["stop_codon"] and "cds_end_NF" not in record["tags"],
    )


def _first(attributes: dict[str, list[str]], *keys: str) -> str:
    """The first value of the first key present, or ''."""
    for key in keys:
        if attributes.get(key):
            return attributes[key][0]
    return ""


def phases_consistent(cds_rows: list[tuple[tuple[int, int], str]], strand: str) -> bool:
    """Do the GTF phases of the CDS rows agree with their lengths?

    The phase of a CDS row is the number of bases before its first complete
    codon. Walking the rows 5'->3', each phase must follow from the lengths of
    the rows before it (and the first row's phase, which cds_start_NF
    transcripts may set to 1 or 2). Rows with phase '.' are not checked.
    """
    rows = sorted(cds_rows, reverse=(strand == "-"))
    if not rows or rows[0][1] not in "012":
        return True
    first_phase = int(rows[0][1])
    done = 0  # coding bases before this row
    for (start, end), phase in rows:
        if phase in ("0", "1", "2") and int(phase) != (3 - (done - first_phase) % 3) % 3:
            return False
        done += end - start
    return True


def select_transcripts(transcripts: list[Transcript], which: str, path: str) -> list[Transcript]:
    """The transcripts of a set (TRANSCRIPT_SETS): all, canonical or mane_select.

    Raises NeoagInputError when the GTF has no transcript with the needed tags,
    which would otherwise silently annotate nothing.
    """
    if which not in TRANSCRIPT_SETS:
        raise NeoagInputError(f"annotation.transcripts is '{which}'; it must be one of {', '.join(TRANSCRIPT_SETS)}.")
    admitting = TRANSCRIPT_SETS[which]
    if not admitting:
        return list(transcripts)
    selected = [t for t in transcripts if any(tag in t.tags for tag in admitting)]
    if transcripts and not selected:
        raise NeoagInputError(
            f"{path}: annotation.transcripts is '{which}', but no transcript of this GTF has a "
            f"{' or '.join(admitting)} tag. Use a GTF that has them (Ensembl >= 104 or GENCODE >= 38 "
            "for MANE_Select and Ensembl_canonical) or set annotation.transcripts to 'all'."
        )
    return selected


class TranscriptIndex:
    """Finds the transcripts that overlap a genomic interval (1 Mb bins)."""

    BIN = 1_000_000

    def __init__(self, transcripts: Iterable[Transcript]) -> None:
        self._bins: dict[tuple[str, int], list[Transcript]] = {}
        for transcript in transcripts:
            first, last = transcript.exons[0][0], transcript.exons[-1][1] - 1
            for b in range(first // self.BIN, last // self.BIN + 1):
                self._bins.setdefault((transcript.chrom, b), []).append(transcript)

    def overlapping(self, chrom: str, start: int, end: int) -> list[Transcript]:
        """Transcripts whose span overlaps [start, end). An empty interval (an
        insertion before base start) overlaps a transcript when the bases on both
        sides of it are in its span: an insertion next to either end is outside."""
        insertion = start == end
        low, high = (start - 1, start + 1) if insertion else (start, end)
        found: dict[str, Transcript] = {}
        for b in range(max(0, low) // self.BIN, (high - 1) // self.BIN + 1):
            for transcript in self._bins.get((chrom, b), ()):
                first, last = transcript.exons[0][0], transcript.exons[-1][1]
                inside = first <= low and high <= last if insertion else first < high and low < last
                if inside:
                    found[transcript.transcript_id] = transcript
        return sorted(found.values(), key=lambda t: t.transcript_id)
