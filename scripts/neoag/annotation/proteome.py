"""The reference proteome (translations of the GTF's coding transcripts) and exact
matches of mutant peptides in it.

Matching uses one Aho-Corasick automaton over the unique peptides, run once
over all proteins joined by a separator that no peptide contains: the time
grows with the proteome's length plus the number of peptides, not with their
product (bench/proteome.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from neoag.sequence import translate
from neoag.transcript_cache import gtf_transcripts
from neoag.transcripts import Transcript, genome_fetch

# Joins the proteins into one text; peptides hold amino-acid letters only, so no
# match can span two proteins.
SEPARATOR = "|"
LINE_WIDTH = 60


def translate_transcript(transcript: Transcript, sequence: str) -> str:
    """The protein of a transcript's annotated CDS, up to the first stop (no stop).

    sequence is Transcript.spliced_sequence(); incomplete CDSs are translated as
    annotated (codons with N become X).
    """
    return translate(sequence[transcript.cds_offset : transcript.cds_end_offset])


def reference_proteins(transcripts: Iterable[Transcript], fetch) -> list[tuple[str, str, str]]:
    """(transcript_id, gene_name, protein) of every transcript with a non-empty protein,
    sorted by transcript_id (then contig, for IDs used on several contigs)."""
    proteins = []
    for transcript in sorted(transcripts, key=lambda t: (t.transcript_id, t.chrom)):
        protein = translate_transcript(transcript, transcript.spliced_sequence(fetch))
        if protein:
            proteins.append((transcript.transcript_id, transcript.gene_name, protein))
    return proteins


def write_reference_proteome(
    gtf_path: str, fasta_path: str, out_fasta: str, transcripts_cache: str | None = None
) -> int:
    """Translate every coding transcript of the GTF (or of its parsed cache, neoag.transcript_cache)
    -> a protein FASTA; returns the count."""
    import pysam

    genome = pysam.FastaFile(fasta_path)
    contigs = set(genome.references)
    transcripts = gtf_transcripts(gtf_path, fasta_path, transcripts_cache)
    usable = [t for t in transcripts if t.chrom in contigs]
    if len(usable) < len(transcripts):
        print(
            f"{len(transcripts) - len(usable)} transcripts lie on contigs that {fasta_path} lacks; left out",
            file=sys.stderr,
        )
    proteins = reference_proteins(usable, genome_fetch(genome))
    with open(out_fasta, "w") as out:
        for transcript_id, gene_name, protein in proteins:
            out.write(f">{transcript_id} gene={gene_name}\n")
            for i in range(0, len(protein), LINE_WIDTH):
                out.write(protein[i : i + LINE_WIDTH] + "\n")
    residues = sum(len(p) for _, _, p in proteins)
    print(f"reference proteome: {len(proteins)} proteins, {residues} residues -> {out_fasta}", file=sys.stderr)
    return len(proteins)


def read_proteome(path: str) -> list[str]:
    """The protein sequences of a FASTA (write_reference_proteome's), in file order;
    records without residues are left out."""
    import pysam

    with pysam.FastxFile(path) as fasta:
        return [record.sequence for record in fasta if record.sequence]


def found_in_proteome(peptides: Iterable[str], proteins: list[str]) -> set[str]:
    """The peptides that occur verbatim (exact substring) in any of the proteins."""
    import ahocorasick_rs

    unique = sorted({p for p in peptides if p})
    if not unique or not proteins:
        return set()
    automaton = ahocorasick_rs.AhoCorasick(unique, store_patterns=True)
    text = SEPARATOR.join(proteins)
    return set(automaton.find_matches_as_strings(text, overlapping=True))
