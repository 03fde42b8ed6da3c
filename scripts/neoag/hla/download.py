"""download_hla_reference: an IPD-IMGT/HLA release -> the typer's exon 2-3 and genomic class I references.

Both are built from the release's alignments: ``alignments/{locus}_nuc.txt``
(exons of every allele) and ``alignments/{locus}_gen.txt`` (exons and introns
of the alleles sequenced genomically). The exon 2-3 reference is for RNA reads
(neoag.hla.reference.exon23_records), the genomic one for exome and genome
reads (neoag.hla.genomic). The IPD-IMGT/HLA terms of use apply to both (do
not redistribute them).
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

from neoag.errors import NeoagInputError
from neoag.hla.genomic import genomic_segments, genomic_typing_records, nuc_exons
from neoag.hla.names import LOCI
from neoag.hla.reference import exon23_records, parse_alignment


def _fetch(url: str) -> list[str]:
    print(f"downloading {url}", file=sys.stderr)
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            return response.read().decode().splitlines()
    except OSError as error:  # URLError, HTTPError, timeouts
        raise NeoagInputError(
            f"cannot download {url} ({error}). This rule needs the network; check hla.download.release "
            "and hla.download.url, or set hla.reference to an allele FASTA you already have."
        ) from None


def _write(path: str, lines: list[str]) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text("".join(line + "\n" for line in lines))
    tmp.rename(out)


def build_references(nuc: dict[str, list[str]], gen: dict[str, list[str]], release: str) -> tuple[list, list]:
    """FASTA lines of the exon 2-3 and of the genomic reference from each locus's *_nuc and *_gen alignment lines."""
    exon_lines: list[str] = []
    genomic_lines: list[str] = []
    for locus in LOCI:
        nuc_rows = parse_alignment(nuc[locus], f"{locus}_nuc.txt")
        records = exon23_records(nuc_rows, locus, f"{locus}_nuc.txt")
        for name, sequence in records:
            exon_lines += [
                f">{name} IPD-IMGT/HLA {release} exons 2-3 with locus-constant exon 1 and exon 4 flanks",
                sequence,
            ]
        segments = genomic_segments(parse_alignment(gen[locus], f"{locus}_gen.txt"), locus, f"{locus}_gen.txt")
        genomic = genomic_typing_records(segments, nuc_exons(nuc_rows, locus))
        for record in genomic:
            genomic_lines += [">" + record.header(release), record.sequence]
        placed = sum(1 for r in genomic if r.introns_from)
        print(
            f"HLA-{locus}: {len(records)} alleles with exons 2 and 3; genomic reference: {len(genomic)} alleles "
            f"({len(genomic) - placed} with their own introns, {placed} placed into their closest genomic allele)",
            file=sys.stderr,
        )
    return exon_lines, genomic_lines


def download_reference(release: str, url_template: str, out_fasta: str, out_genomic: str) -> int:
    """Download the A, B and C alignments of an IMGT/HLA release and write both references.

    url_template has {release}, {locus} and {kind} ('nuc' or 'gen') fields.
    Returns the number of alleles in the genomic reference.
    """
    if "{kind}" not in url_template:
        raise NeoagInputError(
            f"config hla.download.url '{url_template}' has no {{kind}} field; it is filled with 'nuc' and "
            "'gen' (e.g. .../alignments/{locus}_{kind}.txt) to download both alignments."
        )
    nuc, gen = {}, {}
    for locus in LOCI:
        nuc[locus] = _fetch(url_template.format(release=release, locus=locus, kind="nuc"))
        gen[locus] = _fetch(url_template.format(release=release, locus=locus, kind="gen"))
    exon_lines, genomic_lines = build_references(nuc, gen, release)
    _write(out_fasta, exon_lines)
    _write(out_genomic, genomic_lines)
    return len(genomic_lines) // 2
