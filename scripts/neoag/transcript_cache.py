"""The GTF parsed once: a binary cache of its transcript models, read by every step that needs them.

Rule parse_gtf writes results/reference/transcripts.pkl (one per reference, shared by the
samples) from the GTF and the genome FASTA; annotate, reference_proteome, expression,
germline_targets and cohort_summary load it instead of parsing the text again (a human GTF:
2.6M lines, 30-40 s and 0.8 GB each; bench/gtf_cache.py). The file is two pickles: a small
header (format, version, the GTF it was made from), then the body (ParsedGtf). It is neoag's
own product, written atomically; a cache of another format version, or of another GTF (path,
size or modification time differ), is refused with a paragraph that says how to rebuild it.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass

from neoag.errors import NeoagInputError
from neoag.transcripts import Transcript, read_gtf_text, stop_from_sequence

FORMAT = "neoag-transcripts"
# Raise when ParsedGtf or the meaning of its contents changes (Transcript's fields are checked apart).
VERSION = 1


@dataclass(frozen=True)
class ParsedGtf:
    """What the steps read from a GTF.

    transcripts: read_gtf(gtf, fasta), the models with the stop codons found in the genome.
    gtf_only: position in transcripts -> the model from the GTF alone, for the few that the genome
    changed (read_gtf(gtf) without a FASTA, as germline_targets and the cohort's coding territory use).
    transcript_genes: transcript_id -> gene_id of every transcript of any biotype (expression).
    """

    transcripts: list[Transcript]
    gtf_only: dict[int, Transcript]
    transcript_genes: dict[str, str]

    def models(self, genome_stops: bool = True) -> list[Transcript]:
        """The protein-coding transcripts, with (read_gtf(gtf, fasta)) or without (read_gtf(gtf)) the
        stop codons found in the genome."""
        if genome_stops or not self.gtf_only:
            return self.transcripts
        return [self.gtf_only.get(i, t) for i, t in enumerate(self.transcripts)]


def parse_gtf(gtf_path: str, fasta_path: str | None) -> ParsedGtf:
    """One pass over the GTF's text, then the stop codons that only the genome shows (read_gtf)."""
    plain, genes = read_gtf_text(gtf_path)
    if fasta_path is None or not any(t.stop_inferable for t in plain):
        return ParsedGtf(plain, {}, genes)
    import pysam

    from neoag.transcripts import genome_fetch

    with pysam.FastaFile(fasta_path) as genome:
        fixed = stop_from_sequence(plain, genome_fetch(genome))
    changed = {i: before for i, (before, after) in enumerate(zip(plain, fixed)) if before is not after}
    return ParsedGtf(fixed, changed, genes)


def source_of(gtf_path: str) -> dict:
    """How a cache names the GTF it was made from: real path, size and modification time."""
    status = os.stat(gtf_path)
    return {"gtf": os.path.realpath(gtf_path), "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def header(gtf_path: str, fasta_path: str | None, parsed: ParsedGtf) -> dict:
    """The cache's first pickle: what it is, which code wrote it, and from which GTF."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "transcript_fields": [f.name for f in dataclasses.fields(Transcript)],
        "source": source_of(gtf_path),
        "fasta": os.path.realpath(fasta_path) if fasta_path else None,
        "transcripts": len(parsed.transcripts),
    }


def write_transcript_cache(gtf_path: str, fasta_path: str | None, out_path: str) -> int:
    """Parse the GTF (with the genome's stop codons) -> the cache at out_path, written atomically
    (a temporary file in the same folder, then renamed); returns the number of transcripts."""
    parsed = parse_gtf(gtf_path, fasta_path)
    folder = os.path.dirname(os.path.abspath(out_path))
    handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".transcripts.", delete=False)
    try:
        with handle:
            pickle.dump(header(gtf_path, fasta_path, parsed), handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, out_path)
    except BaseException:
        os.unlink(handle.name)
        raise
    print(
        f"{gtf_path}: {len(parsed.transcripts)} protein-coding transcripts ({len(parsed.gtf_only)} with a stop "
        f"codon from the genome), {len(parsed.transcript_genes)} transcripts in all -> {out_path}",
        file=sys.stderr,
    )
    return len(parsed.transcripts)


def load_transcript_cache(cache_path: str, gtf_path: str, fasta_path: str | None = None) -> ParsedGtf:
    """The ParsedGtf of a cache made from gtf_path (and fasta_path, when given) by this version of neoag.

    Raises NeoagInputError when the file is not such a cache, was written by another format
    version, or was made from another GTF, an older copy of it or another genome FASTA.
    """
    rebuild = (
        f"Delete {cache_path} and run the workflow again: rule parse_gtf rebuilds it (outside the "
        "workflow: neoag.transcript_cache.write_transcript_cache)."
    )
    with open(cache_path, "rb") as handle:
        try:
            found = pickle.load(handle)
        except Exception as error:  # any unpickling failure means: not our file, or a truncated one
            raise NeoagInputError(f"{cache_path} is not a neoag transcript cache ({error}). {rebuild}") from None
        _check_header(found, cache_path, gtf_path, rebuild)
        if fasta_path is not None and found["fasta"] != os.path.realpath(fasta_path):
            raise NeoagInputError(
                f"{cache_path} was made with the genome {found['fasta']}, but this step reads "
                f"{os.path.realpath(fasta_path)}. {rebuild}"
            )
        return pickle.load(handle)


def _check_header(found, cache_path: str, gtf_path: str, rebuild: str) -> None:
    """Raise NeoagInputError unless found is the header of a current cache made from gtf_path."""
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise NeoagInputError(f"{cache_path} is not a neoag transcript cache. {rebuild}")
    fields = [f.name for f in dataclasses.fields(Transcript)]
    if found.get("version") != VERSION or found.get("transcript_fields") != fields:
        raise NeoagInputError(
            f"{cache_path} was written by another version of neoag (cache format {found.get('version')}, "
            f"this neoag reads format {VERSION} with transcript fields {', '.join(fields)}). {rebuild}"
        )
    made_from, now = found.get("source", {}), source_of(gtf_path)
    if made_from != now:
        said = {"gtf": "another GTF", "size": "another size", "mtime_ns": "another modification time"}
        differs = ", ".join(said[key] for key in said if made_from.get(key) != now[key])
        raise NeoagInputError(
            f"{cache_path} was made from {made_from.get('gtf')}, but this step reads the GTF {now['gtf']} "
            f"({differs}): the GTF changed since the cache was made, or the config names another one. {rebuild}"
        )


def gtf_transcripts(gtf_path: str, fasta_path: str | None = None, cache_path: str | None = None) -> list[Transcript]:
    """read_gtf(gtf_path, fasta_path), from the cache when one is given (made from the same GTF)."""
    if cache_path is None:
        from neoag.transcripts import read_gtf

        return read_gtf(gtf_path, fasta_path)
    parsed = load_transcript_cache(cache_path, gtf_path, fasta_path)
    return parsed.models(genome_stops=fasta_path is not None)
