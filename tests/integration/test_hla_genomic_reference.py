"""The genomic typing reference built from real IMGT/HLA data, and typing of simulated genomic reads.

Data (../shared/data/hla/, never committed, IPD-IMGT/HLA licence): the *_gen
alignments of release 3.28.0 (alleles with introns), the exon 2-3 reference
(3.6.0; its alleles without a genomic sequence are placed into the introns of
their closest genomic allele), and the *_gen FASTA of release 3.32.0, whose
real genomic sequences the reads are simulated from: exome-like (exons 2 and 3
with their flanking introns) and genome-like (whole genes), 2 x 100 and 2 x 150.
bench/hla_typing.py --sets genomic measures accuracy on many more genotypes.
"""

import gzip
import random
from pathlib import Path

import pytest

from neoag.hla.fastx import fasta_records
from neoag.hla.genomic import exon23_fasta_exons, genomic_segments, genomic_typing_records
from neoag.hla.names import LOCI, two_field_name
from neoag.hla.reference import parse_alignment, read_hla_reference, record_allele_name
from neoag.hla.typing import TypingSettings, call_rows, type_reads

pytestmark = pytest.mark.integration

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "hla"
EXON_REFERENCE = SHARED / "ClassIWithoutNQex2-3.plus75.fasta.gz"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(records per locus, exon-only input, path of the genomic reference FASTA)."""
    exons = exon23_fasta_exons(
        ((record_allele_name(h), s) for h, s, _ in fasta_records(EXON_REFERENCE)), (73, 343), (343, 619)
    )
    path = tmp_path_factory.mktemp("genomic") / "genomic.fa"
    records = {}
    with open(path, "w") as out:
        for locus in LOCI:
            with gzip.open(SHARED / "genomic" / f"{locus}_gen.3.28.0.alignment.txt.gz", "rt") as lines:
                segments = genomic_segments(parse_alignment(lines, locus), locus, locus)
            records[locus] = genomic_typing_records(segments, {n: e for n, e in exons.items() if n[0] == locus})
            out.writelines(f">{r.header('test')}\n{r.sequence}\n" for r in records[locus])
    return records, exons, path


def _real_genomic(locus):
    return {record_allele_name(h): s for h, s, _ in fasta_records(SHARED / "genomic" / f"{locus}_gen.3.32.0.fasta.gz")}


def test_no_allele_is_lost_and_genomic_records_are_real(built):
    records, exons, _ = built
    for locus in LOCI:
        by_name = {r.name: r for r in records[locus]}
        # every expressed allele of the exon reference is there; those placed with their own exons 2 and 3
        # (a name with a genomic sequence keeps that, the newer release's)
        for name, known in exons.items():
            if name[0] == locus:
                record = by_name[name]
                if record.introns_from:
                    assert [record.sequence[a:b] for a, b in record.typed] == [known[2], known[3]], name
        own = [r for r in records[locus] if not r.introns_from]
        placed = [r for r in records[locus] if r.introns_from]
        assert len(own) > 500 and len(placed) > 1000
        # exon 1 to exon 4 of an allele with its own introns is a stretch of its real gene (3.32.0)
        real = _real_genomic(locus)
        checked = [r for r in own if r.name in real]
        found = sum(r.sequence in real[r.name] for r in checked)
        assert len(checked) > 400 and found >= 0.95 * len(checked), (found, len(checked))


def _read(rng, template, start, length, error_rate=0.01):
    bases, qualities = list(template[start : start + length]), []
    for i in range(length):
        if rng.random() < error_rate:
            bases[i] = rng.choice([b for b in "ACGT" if b != bases[i]])
            qualities.append("#")
        else:
            qualities.append("I" if rng.random() > 0.02 else "+")
    return "".join(bases), "".join(qualities)


def _reverse_complement(sequence):
    return sequence.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def simulate(templates, coverage, read, fragment, seed):
    """Read pairs at coverage/2 from each template (one or more per allele copy), fragments crossing introns."""
    rng = random.Random(seed)
    pairs = []
    for template in templates:
        for _ in range(round(coverage / 2 * len(template) / (2 * read))):
            length = min(len(template), max(read, round(rng.gauss(fragment, 40))))
            start = rng.randrange(len(template) - length + 1)
            piece = template[start : start + length]
            one, two = _read(rng, piece, 0, read), _read(rng, _reverse_complement(piece), 0, read)
            pairs.append((one, two) if rng.random() < 0.5 else (two, one))
    background = "".join(rng.choice("ACGT") for _ in range(50_000))
    for _ in range(2000):
        start = rng.randrange(len(background) - fragment)
        pairs.append((_read(rng, background, start, read), _read(rng, background, start + fragment - read, read)))
    return pairs


GENOTYPES = {
    # genome-like 2 x 150; A*03:06 has no genomic sequence in the typing reference (placed)
    "genome 2x150": ({"A": ("A*01:01:01:01", "A*03:06"), "B": ("B*07:02:01:01", "B*44:02:01:01"),
                      "C": ("C*07:02:01:01", "C*05:01:01:01")}, 150, 350),
    # exome-like 2 x 100, homozygous A and C
    "exome 2x100": ({"A": ("A*02:01:01:01", "A*02:01:01:01"), "B": ("B*08:01:01:01", "B*35:01:01:01"),
                     "C": ("C*04:01:01:01", "C*04:01:01:01")}, 100, 250),
}  # fmt: skip


@pytest.mark.parametrize("name", list(GENOTYPES))
def test_typing_simulated_genomic_reads(built, tmp_path, name):
    records, _, path = built
    genotype, read, fragment = GENOTYPES[name]
    reference = read_hla_reference(path)
    typed = {r.name: r for locus in LOCI for r in records[locus]}
    templates = []
    for locus in LOCI:
        real = _real_genomic(locus)
        for allele in genotype[locus]:
            gene, record = real[allele], typed[allele]
            if name.startswith("genome"):
                templates.append(gene)
                continue
            for start, end in record.typed:  # exome: each exon with 200 intron bases each side
                at = gene.find(record.sequence[start:end])
                assert at >= 0, allele
                templates.append(gene[max(0, at - 200) : at + end - start + 200])
    result, _ = type_reads(
        reference, simulate(templates, 30, read, fragment, len(name)), [], TypingSettings(), tmp_path
    )
    rows = call_rows(result, reference, 20)
    for locus in LOCI:
        called = [r for r in rows if r["locus"] == f"HLA-{locus}"]
        first, second = (two_field_name(a) for a in genotype[locus])
        if first == second:
            assert [r["copies"] for r in called] == ["2"], called
            assert called[0]["allele"] == first and "homozygous" in called[0]["flags"]
        else:
            assert sorted(r["allele"] for r in called) == sorted([first, second]), called
    # genomic reads that cross introns are used: far more fragments than mates that lie inside one exon
    assert min(result.counts[f"fragments_{locus}"] for locus in LOCI) > 60, result.counts
