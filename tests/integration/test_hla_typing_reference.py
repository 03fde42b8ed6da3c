"""The built-in typer on reads simulated from real IMGT/HLA alleles (the shared test reference).

The reference (exons 2-3 of 5,130 HLA-A/B/C alleles) is read from
../shared/data/hla/ beside the repository and never committed (IPD-IMGT/HLA
licence). Reads are simulated here in Python (seeded): read pairs from both
allele copies with sequencing errors on low-quality bases, plus off-target
pairs. bench/hla_typing.py measures accuracy on many more genotypes with ART.
"""

import random
from pathlib import Path

import pytest

from neoag.hla.names import LOCI, two_field_name
from neoag.hla.reference import read_hla_reference
from neoag.hla.typing import TypingSettings, call_rows, type_reads

pytestmark = pytest.mark.integration

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "hla" / "ClassIWithoutNQex2-3.plus75.fasta.gz"
if not SHARED.exists():
    pytest.skip(f"the shared HLA test reference is absent ({SHARED})", allow_module_level=True)

READ, FRAGMENT = 100, 250


@pytest.fixture(scope="module")
def reference():
    return read_hla_reference(SHARED)


def _reverse_complement(sequence):
    return sequence.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def _read(rng, template, start, error_rate=0.01):
    """A read with substitution errors; an erroneous base gets a low quality, as on Illumina."""
    bases, qualities = list(template[start : start + READ]), []
    for i in range(READ):
        if rng.random() < error_rate:
            bases[i] = rng.choice([b for b in "ACGT" if b != bases[i]])
            qualities.append("#")  # Phred 2
        else:
            qualities.append("I" if rng.random() > 0.02 else "+")  # some correct bases are low quality too
    return "".join(bases), "".join(qualities)


def simulate(sequences, coverage, seed, off_target=3000):
    """Read pairs from each sequence (one per allele copy) at coverage/2, then off-target pairs."""
    rng = random.Random(seed)
    pairs = []
    for sequence in sequences:
        for _ in range(round(coverage / 2 * len(sequence) / (2 * READ))):
            length = min(len(sequence), max(2 * READ, round(rng.gauss(FRAGMENT, 30))))
            start = rng.randrange(len(sequence) - length + 1)
            fragment = sequence[start : start + length]
            one, two = _read(rng, fragment, 0), _read(rng, _reverse_complement(fragment), 0)
            pairs.append((one, two) if rng.random() < 0.5 else (two, one))
    background = "".join(rng.choice("ACGT") for _ in range(50_000))
    for _ in range(off_target):
        start = rng.randrange(len(background) - FRAGMENT)
        pairs.append((_read(rng, background, start), _read(rng, _reverse_complement(background), start)))
    return pairs


GENOTYPES = {
    "heterozygous everywhere": {"A": ("A*01:01:01:01", "A*24:02:01:01"), "B": ("B*07:02:01", "B*44:02:01:01"),
                                "C": ("C*07:02:01:01", "C*05:01:01:01")},
    "homozygous A and C": {"A": ("A*02:01:01:01", "A*02:01:01:01"), "B": ("B*08:01:01", "B*35:01:01:01"),
                           "C": ("C*04:01:01:01", "C*04:01:01:01")},
}  # fmt: skip


@pytest.mark.parametrize("name", list(GENOTYPES))
def test_typing_simulated_genotypes(reference, tmp_path, name):
    genotype = GENOTYPES[name]
    index = {n: i for i, names in enumerate(reference.names) for n in names}
    sequences = [reference.sequences[index[a]] for locus in LOCI for a in genotype[locus]]
    result, _ = type_reads(reference, simulate(sequences, 30, seed=len(name)), [], TypingSettings(), tmp_path)
    rows = call_rows(result, reference, 20)
    for locus in LOCI:
        called = [r for r in rows if r["locus"] == f"HLA-{locus}"]
        first, second = (two_field_name(a) for a in genotype[locus])
        if first == second:
            assert [r["copies"] for r in called] == ["2"], called
            assert called[0]["allele"] == first and "homozygous" in called[0]["flags"]
        else:
            assert sorted(r["allele"] for r in called) == sorted([first, second]), called
        for row in called:
            # A*02:01:01:01 is identical over exons 2-3 to A*02:09 and others: a tie, reported as one.
            if row["allele"] == "HLA-A*02:01":
                assert "tie" in row["flags"] and "HLA-A*02:09" in row["tied_alleles"].split(",")
