#!/usr/bin/env python3
"""Benchmark: neoag's built-in HLA class I typer on reads simulated from real alleles.

Draws genotypes (seeded) from the real IMGT/HLA class I reference that tests
read from ../shared/data/hla/ (exons 2-3 of 5,130 HLA-A/B/C alleles; never
committed), simulates Illumina read pairs with sequencing errors (ART) from
each genotype's allele sequences at two depths, mixes in off-target read pairs
from non-HLA sequence, and types every sample with the same code as the
workflow's hla_type_builtin rule, in a fresh process whose time and peak
memory are measured. Prints Markdown tables for bench/README.md and writes one
row per true allele to --out.

    .venv/bin/python bench/hla_typing.py [--genotypes 24] [--seed 20240611]

Depth: "15x" is the mean fold coverage of a locus by both of its allele copies
together (each copy 7.5x), as a 15x sample covers a diploid genome.

2-field accuracy is strict. Each true allele is paired with one call slot
(the pairing that scores best; a homozygous call fills both slots) and gets
one outcome:
- correct: the slot's two-field names are exactly the true two-field name (a
  tie whose names all share the true two-field name is correct);
- ambiguous_identical: the slot holds the true name and others, and every
  other name has the very same exon 2-3 sequence as the true allele, so no
  typer can tell them apart from these exons; reporting the tie is the right
  answer, and it is counted apart;
- ambiguous_other: the slot holds the true name and other names that differ
  from it in exons 2-3;
- wrong: anything else (another allele, or no call).
accuracy = correct / (alleles - ambiguous_identical): ambiguous_other and
wrong count against it. "accuracy (all)" = correct / alleles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import permutations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from neoag.hla.names import LOCI, two_field_name  # noqa: E402
from neoag.hla.reference import read_hla_reference  # noqa: E402

DEFAULT_REFERENCE = REPO.parent / "shared" / "data" / "hla" / "ClassIWithoutNQex2-3.plus75.fasta.gz"
ART = ("art_illumina", "-ss", "HS20", "-l", "100", "-p", "-m", "250", "-s", "40", "-na", "-q")  # HiSeq 2000, 2 x 100 bp
READ_LENGTH = 100
FRAGMENT_MAX = 400  # fragments are 250 +- 40 bp: none is longer than this
BACKGROUND_LENGTH = 400_000  # random non-HLA sequence (GC 41 %), a stand-in for the rest of the genome
BACKGROUND_PAIRS = 40_000  # off-target read pairs per sample from it ...
PARALOG_PAIRS = 2_000  # ... and from class I-like paralogs (HLA alleles 15 % mutated: like HLA-E/F/G, -H, -J)
PARALOG_DIVERGENCE = 0.15
HOMOZYGOUS_FRACTION = 0.25


def draw_genotypes(names_by_locus: dict[str, list[str]], count: int, seed: int) -> list[dict[str, tuple[str, str]]]:
    """count genotypes; each allele: a two-field name drawn uniformly, then one of its records.

    A locus is homozygous (the same record twice) with probability HOMOZYGOUS_FRACTION.
    """
    rng = random.Random(seed)
    by_two_field = {
        locus: list(dict.fromkeys(two_field_name(n) for n in names)) for locus, names in names_by_locus.items()
    }
    records = {locus: defaultdict(list) for locus in LOCI}
    for locus, names in names_by_locus.items():
        for name in names:
            records[locus][two_field_name(name)].append(name)

    def one(locus: str) -> str:
        return rng.choice(records[locus][rng.choice(by_two_field[locus])])

    genotypes = []
    for _ in range(count):
        genotype = {}
        for locus in LOCI:
            first = one(locus)
            if rng.random() < HOMOZYGOUS_FRACTION:
                genotype[locus] = (first, first)
            else:
                second = one(locus)
                while second == first:
                    second = one(locus)
                genotype[locus] = (first, second)
        genotypes.append(genotype)
    return genotypes


def _seed(*parts: object) -> str:
    return str(int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 2_000_000_000)


def _write_fasta(path: Path, records: list[tuple[str, str]]) -> None:
    with open(path, "w") as handle:
        for name, sequence in records:
            handle.write(f">{name}\n{sequence}\n")


def _art(fasta: Path, coverage: float, seed: str, prefix: Path, art=ART) -> tuple[Path, Path]:
    subprocess.run(
        [*art, "-f", f"{coverage:.6g}", "-rs", seed, "-i", str(fasta), "-o", str(prefix)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Path(f"{prefix}1.fq"), Path(f"{prefix}2.fq")


def off_target_sequences(sequences: dict[str, str], seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(background, paralogs): random sequence and class I-like decoys, seeded."""
    rng = random.Random(seed)
    background = "".join(rng.choices("ACGT", weights=(0.295, 0.205, 0.205, 0.295), k=BACKGROUND_LENGTH))
    paralogs = []
    names = sorted(sequences)
    for locus in LOCI:
        for n, name in enumerate(rng.sample([m for m in names if m.startswith(locus + "*")], 3)):
            bases = list(sequences[name])
            for i in range(len(bases)):
                if rng.random() < PARALOG_DIVERGENCE:
                    bases[i] = rng.choice([b for b in "ACGT" if b != bases[i]])
            paralogs.append((f"paralog_{locus}{n}", "".join(bases)))
    return [("background", background)], paralogs


def simulate_sample(
    genotype: dict[str, tuple[str, str]],
    sequences: dict[str, str],
    coverage: float,
    off_target: tuple[Path, Path, Path, Path],
    seed: str,
    workdir: Path,
) -> tuple[Path, Path]:
    """HLA read pairs of the genotype (each copy coverage/2) followed by the off-target pairs."""
    records = [
        (f"{locus}{copy}_{name}".replace("*", "_").replace(":", "_"), sequences[name])
        for locus in LOCI
        for copy, name in enumerate(genotype[locus])
    ]
    _write_fasta(workdir / "genotype.fa", records)
    hla1, hla2 = _art(workdir / "genotype.fa", coverage / 2, seed, workdir / "hla_")
    out1, out2 = workdir / "sample_1.fq", workdir / "sample_2.fq"
    for out, parts in ((out1, (hla1, off_target[0], off_target[2])), (out2, (hla2, off_target[1], off_target[3]))):
        with open(out, "wb") as handle:
            for part in parts:
                handle.write(part.read_bytes())
    return out1, out2


def type_one(args: argparse.Namespace) -> None:
    """Child process: type one sample, print time and peak memory as JSON."""
    started = time.perf_counter()
    from neoag.hla.typing import run_builtin_typing

    empty = Path(args.out).with_suffix(".single.fq")
    empty.write_text("")
    settings = json.loads(args.settings)
    with open(Path(args.out).with_suffix(".log"), "w") as log:
        stderr, sys.stderr = sys.stderr, log
        try:
            run_builtin_typing(args.reads_1, args.reads_2, str(empty), args.reference, args.out, settings)
        finally:
            sys.stderr = stderr
    print(
        json.dumps(
            {
                "seconds_in_process": time.perf_counter() - started,
                "python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "razers3_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "cpu_seconds": sum(
                    getattr(resource.getrusage(who), field)
                    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                    for field in ("ru_utime", "ru_stime")
                ),
            }
        )
    )


@dataclass(frozen=True)
class Slot:
    """One called allele copy: its two-field names (ties included) and reference records."""

    names: frozenset[str]
    records: tuple[str, ...]


def read_calls(path: Path) -> dict[str, list[Slot]]:
    """locus -> call slots (a homozygous call gives the same slot twice)."""
    import pandas as pd

    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    slots: dict[str, list[Slot]] = {locus: [] for locus in LOCI}
    for row in table.itertuples():
        if not row.allele:
            continue
        names = frozenset(row.tied_alleles.split(",") if row.tied_alleles else [row.allele])
        slot = Slot(names, tuple(row.matched_records.split(",")))
        slots[row.locus.removeprefix("HLA-")] += [slot] * int(row.copies)
    return slots


def indistinguishable(a: str, u: str, b: str, window: int = FRAGMENT_MAX) -> bool:
    """Whether no fragment of up to `window` bases tells genotype {a, b} from {u, b}.

    True when every window of a equals that window of u or of b, and every
    window of u equals that of a or of b: then each fragment either genotype
    can produce, the other can produce too. (HLA typing calls this a genotype
    ambiguity; phasing information beyond the fragment would be needed.)
    """
    if not len(a) == len(u) == len(b):
        return False
    for start in range(max(1, len(a) - window + 1)):
        wa, wu, wb = (seq[start : start + window] for seq in (a, u, b))
        if wa not in (wu, wb) or wu not in (wa, wb):
            return False
    return True


def judge(truth: str, other: str, slot: Slot | None, sequences: dict[str, str]) -> str:
    """The outcome of a true allele paired with a call slot (see the module docstring).

    other is the locus's other true allele (the same one for a homozygous locus).
    """
    true_name = two_field_name(truth)
    if slot is None or true_name not in slot.names:
        return "wrong"
    if slot.names == {true_name}:
        return "correct"
    true_sequence = sequences[truth]
    same = [sequences[r] == true_sequence for r in slot.records]
    if all(same):
        return "ambiguous_identical"
    if all(s or indistinguishable(true_sequence, sequences[r], sequences[other]) for r, s in zip(slot.records, same)):
        return "ambiguous_genotype"
    return "ambiguous_other"


OUTCOME_SCORE = {"correct": 4, "ambiguous_identical": 3, "ambiguous_genotype": 2, "ambiguous_other": 1, "wrong": 0}
UNAVOIDABLE = ("ambiguous_identical", "ambiguous_genotype")


def judge_locus(truth: tuple[str, str], slots: list[Slot], sequences: dict[str, str]) -> list[str]:
    """Outcome of each true allele under the best pairing of call slots to true alleles."""
    padded = slots + [None] * (2 - len(slots))
    best = None
    for order in permutations(padded[:2]):
        outcomes = [judge(t, o, s, sequences) for t, o, s in zip(truth, truth[::-1], order)]
        score = sum(OUTCOME_SCORE[o] for o in outcomes)
        if best is None or score > best[0]:
            best = (score, outcomes)
    return best[1]


def type_sample(reads: tuple[Path, Path], reference: Path, out: Path, settings: str) -> dict[str, float]:
    """Run the typer on one sample in a fresh process; its wall time and peak memory."""
    command = [sys.executable, __file__, "type-one", str(reads[0]), str(reads[1]), str(reference), str(out), settings]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{out.parent.name}: typing failed:\n{completed.stderr[-3000:]}")
    return {"wall_seconds": wall, **json.loads(completed.stdout.strip().splitlines()[-1])}


def judge_sample(sample: str, coverage: float, genotype, slots, sequences) -> list[dict[str, object]]:
    """One row per true allele: its outcome and the call."""
    rows = []
    for locus in LOCI:
        truth = genotype[locus]
        outcomes = judge_locus(truth, slots[locus], sequences)
        homozygous_call = len(slots[locus]) == 2 and slots[locus][0] is slots[locus][1]
        for copy, (name, outcome) in enumerate(zip(truth, outcomes), start=1):
            rows.append(
                {
                    "sample": sample,
                    "coverage": coverage,
                    "locus": locus,
                    "copy": copy,
                    "true_allele": name,
                    "true_2field": two_field_name(name),
                    "called": "|".join(",".join(sorted(s.names)) for s in slots[locus]),
                    "outcome": outcome,
                    "homozygous_truth": truth[0] == truth[1],
                    "homozygous_call": homozygous_call,
                }
            )
    return rows


# ----------------------------------------------------------------------------
# Genomic reads (exome- and genome-like) against the genomic typing reference
# ----------------------------------------------------------------------------

SHARED_GENOMIC = REPO.parent / "shared" / "data" / "hla" / "genomic"
GENOMIC_LAYOUTS = (  # (fragments, read length): genotype n gets layout n % 4
    ("genome", 100),
    ("exome", 100),
    ("genome", 150),
    ("exome", 150),
)
ART_150 = ("art_illumina", "-ss", "HS25", "-l", "150", "-p", "-m", "350", "-s", "50", "-na", "-q")  # HiSeq 2500
EXOME_FLANK = 200  # an exome capture target: exon 2 or exon 3 with this many intron bases each side


def build_shared_genomic_reference(exon_reference: Path, out: Path) -> dict[str, int]:
    """The genomic typing reference from the shared test data, as download_hla_reference would build it.

    Genomic alleles: IPD-IMGT/HLA 3.28.0 *_gen alignments; exon-only alleles:
    the shared exon 2-3 reference (3.6.0), placed into their closest genomic allele.
    """
    import gzip

    from neoag.hla.fastx import fasta_records
    from neoag.hla.genomic import exon23_fasta_exons, genomic_segments, genomic_typing_records
    from neoag.hla.reference import parse_alignment, record_allele_name

    exons = exon23_fasta_exons(
        ((record_allele_name(h), seq) for h, seq, _ in fasta_records(exon_reference)), (73, 343), (343, 619)
    )
    counts = {}
    with open(out, "w") as handle:
        for locus in LOCI:
            path = SHARED_GENOMIC / f"{locus}_gen.3.28.0.alignment.txt.gz"
            with gzip.open(path, "rt") as lines:
                segments = genomic_segments(parse_alignment(lines, str(path)), locus, str(path))
            records = genomic_typing_records(segments, {n: e for n, e in exons.items() if n.startswith(locus + "*")})
            for record in records:
                handle.write(f">{record.header('3.28.0 + exon 2-3 reference 3.6.0')}\n{record.sequence}\n")
            counts[f"{locus}_genomic"] = len(segments)
            counts[f"{locus}_placed"] = len(records) - len(segments)
    return counts


def genomic_truths(reference_fasta: Path) -> tuple[dict[str, str], dict[str, tuple[int, int]], dict[str, str]]:
    """(name -> real genomic sequence (3.32.0), name -> its exon 2 and 3 starts, name -> origin).

    Only alleles of the 3.32.0 *_gen files that the typing reference holds under
    the same name and whose exons 2 and 3 (as in the reference) occur exactly in
    the 3.32.0 sequence; origin is 'own introns' or 'placed' (exon-only in the
    typing reference, so its introns there are another allele's).
    """
    from neoag.hla.fastx import fasta_records
    from neoag.hla.reference import record_allele_name, record_typed_spans

    exons: dict[str, tuple[str, str, str]] = {}
    for header, sequence, line in fasta_records(reference_fasta):
        (a, b), (c, d) = record_typed_spans(header, reference_fasta, line)
        exons[record_allele_name(header)] = (
            sequence[a:b],
            sequence[c:d],
            "own" if "introns=own" in header.split() else "placed",
        )
    truths, starts, origin = {}, {}, {}
    for locus in LOCI:
        for header, sequence, _ in fasta_records(SHARED_GENOMIC / f"{locus}_gen.3.32.0.fasta.gz"):
            name = record_allele_name(header)
            if name not in exons or name.endswith("N"):
                continue
            exon2, exon3, kind = exons[name]
            first, second = sequence.find(exon2), sequence.find(exon3)
            if first < 0 or second < first:
                continue
            truths[name], starts[name], origin[name] = sequence, (first, second), kind
    return truths, starts, origin


def simulate_genomic(genotype, truths, starts, layout, coverage, off_target, seed, workdir) -> tuple[Path, Path]:
    """Genome-like (whole genes) or exome-like (exons 2 and 3 +- EXOME_FLANK) read pairs, then off-target pairs."""
    kind, length = layout
    records = []
    for locus in LOCI:
        for copy, name in enumerate(genotype[locus]):
            label = f"{locus}{copy}_{name}".replace("*", "_").replace(":", "_")
            sequence = truths[name]
            if kind == "genome":
                records.append((label, sequence))
                continue
            for exon, (start, size) in enumerate(zip(starts[name], (270, 276)), start=2):
                window = sequence[max(0, start - EXOME_FLANK) : start + size + EXOME_FLANK]
                records.append((f"{label}_exon{exon}", window))
    _write_fasta(workdir / "genotype.fa", records)
    art = (*(ART if length == 100 else ART_150), "-sam")  # the SAM gives each mate's origin (same reads)
    hla1, hla2 = _art(workdir / "genotype.fa", coverage / 2, seed, workdir / "hla_", art)
    out1, out2 = workdir / "sample_1.fq", workdir / "sample_2.fq"
    for out, parts in ((out1, (hla1, off_target[0], off_target[2])), (out2, (hla2, off_target[1], off_target[3]))):
        with open(out, "wb") as handle:
            for part in parts:
                handle.write(part.read_bytes())
    return out1, out2


def exon_fragments(sam: Path, genotype, starts, kind: str) -> dict[str, int]:
    """Per locus, the simulated fragments with at least one base of exon 2 or 3 in a mate (ART's SAM).

    The most fragments any typer can use for exons 2-3: the ceiling for "fragments used".
    """
    spans = {}
    for locus in LOCI:
        for copy, name in enumerate(genotype[locus]):
            label = f"{locus}{copy}_{name}".replace("*", "_").replace(":", "_")
            exons = list(zip(starts[name], (270, 276)))
            if kind == "genome":
                spans[label] = [(start, start + size) for start, size in exons]
            else:
                for exon, (start, size) in enumerate(exons, start=2):
                    offset = min(start, EXOME_FLANK)
                    spans[f"{label}_exon{exon}"] = [(offset, offset + size)]
    carrying: dict[str, set[str]] = {locus: set() for locus in LOCI}
    with open(sam) as handle:
        for line in handle:
            if line.startswith("@"):
                continue
            name, _, record, position, _, cigar = line.split("\t", 6)[:6]
            begin = int(position) - 1
            end = begin + int(cigar.rstrip("=")) if cigar.endswith("=") and cigar[:-1].isdigit() else begin + 100
            if any(min(end, b) > max(begin, a) for a, b in spans[record]):
                carrying[record[0]].add(name)
    return {locus: len(names) for locus, names in carrying.items()}


def locus_fragments(path: Path) -> dict[str, int]:
    """Fragments used per locus (locus_reads) of a typing table."""
    import pandas as pd

    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    used = {locus: 0 for locus in LOCI}
    for row in table.itertuples():
        used[row.locus.removeprefix("HLA-")] = int(row.locus_reads or 0)
    return used


def run_genomic(args, tmp: Path, off_target_seed: int) -> tuple[list, list, list]:
    """Genomic sets: type every sample with the genomic reference and, for comparison, today's exon reference."""
    genomic_fasta = tmp / "genomic_reference.fa"
    built = build_shared_genomic_reference(args.reference, genomic_fasta)
    print(f"genomic typing reference: {built}", file=sys.stderr)
    truths, starts, origin = genomic_truths(genomic_fasta)
    sequences = exon23_of_records(genomic_fasta)  # judged over exons 2-3, as the exon sets
    for name, sequence in sequences_of(args.reference).items():
        sequences.setdefault(name, sequence[73:619])
    names_by_locus = {locus: [n for n in truths if n.startswith(locus + "*")] for locus in LOCI}
    genotypes = draw_genotypes(names_by_locus, args.genotypes, args.seed)
    background, paralogs = off_target_sequences({n: truths[n] for n in list(truths)[::50]}, off_target_seed)
    _write_fasta(tmp / "g_background.fa", background)
    _write_fasta(tmp / "g_paralogs.fa", paralogs)
    coverage = BACKGROUND_PAIRS * 2 * READ_LENGTH / BACKGROUND_LENGTH
    bg = _art(tmp / "g_background.fa", coverage, _seed(args.seed, "g_background"), tmp / "g_background_")
    coverage = PARALOG_PAIRS * 2 * READ_LENGTH / sum(len(s) for _, s in paralogs)
    pa = _art(tmp / "g_paralogs.fa", coverage, _seed(args.seed, "g_paralogs"), tmp / "g_paralogs_")
    settings = json.dumps(json.loads(args.settings))
    rows, runs, fragments = [], [], []
    for coverage in args.coverages:
        for number, genotype in enumerate(genotypes, start=1):
            layout = GENOMIC_LAYOUTS[number % len(GENOMIC_LAYOUTS)]
            sample = f"gen{number:02d}_{layout[0]}{layout[1]}_{coverage:g}x"
            if args.only and sample not in args.only:
                continue
            workdir = tmp / sample
            workdir.mkdir()
            seed = _seed(args.seed, sample)
            reads = simulate_genomic(genotype, truths, starts, layout, coverage, (*bg, *pa), seed, workdir)
            carrying = exon_fragments(workdir / "hla_.sam", genotype, starts, layout[0])
            out = workdir / "typing.tsv"
            measured = type_sample(reads, genomic_fasta, out, settings)
            runs.append({"sample": sample, "coverage": coverage, "set": "genomic", **measured})
            sample_rows = judge_sample(sample, coverage, genotype, read_calls(out), sequences)
            for row in sample_rows:
                row.update(layout=f"{layout[0]} 2x{layout[1]}", origin=origin[row["true_allele"]])
            rows += sample_rows
            exon_out = workdir / "typing_exon.tsv"
            used, today, exon_rows = locus_fragments(out), dict.fromkeys(LOCI, 0), []
            if not args.no_exon_comparison:
                type_sample(reads, args.reference, exon_out, settings)
                today = locus_fragments(exon_out)
                exon_rows = judge_sample(sample, coverage, genotype, read_calls(exon_out), sequences)
            for locus in LOCI:
                wrong_today = sum(
                    r["outcome"] not in ("correct", *UNAVOIDABLE) for r in exon_rows if r["locus"] == locus
                )
                fragments.append(
                    {"sample": sample, "coverage": coverage, "layout": f"{layout[0]} 2x{layout[1]}", "locus": locus,
                     "genomic": used[locus], "exon": today[locus], "exon_reference_not_correct": wrong_today,
                     "with_exon_bases": carrying[locus]}
                )  # fmt: skip
            if args.keep:
                target = args.keep / sample
                target.mkdir(parents=True, exist_ok=True)
                for path in (out, out.with_suffix(".log"), *reads):
                    shutil.copy(path, target / path.name)
            shutil.rmtree(workdir)
            bad = [r for r in sample_rows if r["outcome"] not in ("correct", *UNAVOIDABLE)]
            print(
                f"{sample}: {measured['wall_seconds']:.1f} s, {measured['python_peak_mb']:.0f} + "
                f"{measured['razers3_peak_mb']:.0f} MB, fragments {used} (exon reference: {today}; "
                f"with exon 2-3 bases: {carrying})"
                + "".join(f"\n  {r['locus']} {r['true_allele']}: {r['outcome']} ({r['called']})" for r in bad),
                file=sys.stderr,
            )
    return rows, runs, fragments


def exon23_of_records(reference_fasta: Path) -> dict[str, str]:
    """name -> exon 2 + exon 3 of every record of a genomic typing reference."""
    from neoag.hla.fastx import fasta_records
    from neoag.hla.reference import record_allele_name, record_typed_spans

    result = {}
    for header, sequence, line in fasta_records(reference_fasta):
        (a, b), (c, d) = record_typed_spans(header, reference_fasta, line)
        result[record_allele_name(header)] = sequence[a:b] + sequence[c:d]
    return result


def sequences_of(reference: Path) -> dict[str, str]:
    """name -> sequence of every record of an exon reference."""
    loaded = read_hla_reference(reference)
    return {name: loaded.sequences[i] for i, names in enumerate(loaded.names) for name in names}


def report_genomic(table, runs, fragments, args) -> None:
    """Markdown tables of the genomic sets on stdout."""
    print(
        f"\nGenomic sets: {args.genotypes} genotypes per depth (seed {args.seed}), layouts cycling {GENOMIC_LAYOUTS}\n"
    )
    report_accuracy(table, args.coverages)
    print("\nBy layout and by the true allele's origin in the typing reference (both depths):\n")
    print("| group | alleles | correct | ties (identical in exons 2-3, genotype) | tie: other | wrong |")
    print("|---|---:|---:|---:|---:|---:|")
    for column in ("layout", "origin"):
        for value, part in table.groupby(column):
            counts = Counter(part.outcome)
            print(
                f"| {value} | {len(part)} | {counts['correct']} "
                f"| {counts['ambiguous_identical']}, {counts['ambiguous_genotype']} "
                f"| {counts['ambiguous_other']} | {counts['wrong']} |"
            )
    if args.no_exon_comparison:
        report_runs(runs, args.coverages)
        return
    print("\n| depth | layout | loci | fragments with exon 2-3 bases, median | fragments used per locus: genomic "
          "reference, median | exon reference, median | ratio of sums | used / with exon bases: genomic | exon "
          "| exon reference: alleles not correct |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (coverage, layout), part in [*fragments.groupby(["coverage", "layout"]), (("all", ""), fragments)]:
        carrying = max(1, part.with_exon_bases.sum())
        print(
            f"| {coverage if coverage == 'all' else f'{coverage:g}x'} | {layout} | {len(part)} "
            f"| {part.with_exon_bases.median():.0f} | {part.genomic.median():.0f} | {part.exon.median():.0f} "
            f"| {part.genomic.sum() / max(1, part.exon.sum()):.2f} | {part.genomic.sum() / carrying:.0%} "
            f"| {part.exon.sum() / carrying:.0%} | {part.exon_reference_not_correct.sum()} |"
        )
    report_runs(runs, args.coverages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("type-one", help=argparse.SUPPRESS)
    for name in ("reads_1", "reads_2", "reference", "out", "settings"):
        one.add_argument(name)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--genotypes", type=int, default=24)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--coverages", type=float, nargs="+", default=[15, 50])
    parser.add_argument("--settings", default="{}", help="JSON of TypingSettings fields to override")
    parser.add_argument("--out", type=Path, default=Path("hla_typing_bench.tsv"), help="per-allele outcomes (TSV)")
    parser.add_argument("--keep", type=Path, help="keep the simulated reads and typing tables here")
    parser.add_argument("--only", nargs="+", help="run only these samples (e.g. g15_15x), for debugging")
    parser.add_argument(
        "--no-exon-comparison", action="store_true", help="genomic sets: do not also type with the exon reference"
    )
    parser.add_argument(
        "--sets", nargs="+", choices=("exon", "genomic"), default=["exon"],
        help="exon: reads from the exon 2-3 records (today's sets); genomic: exome- and genome-like reads of real "
        "genomic alleles, typed with the genomic reference and with the exon reference",
    )  # fmt: skip
    args = parser.parse_args()
    if args.command == "type-one":
        type_one(args)
        return
    if not args.reference.exists():
        sys.exit(f"hla_typing bench: reference {args.reference} not found (it is ../shared/data/hla/ for tests)")
    if shutil.which("art_illumina") is None:
        sys.exit("hla_typing bench: art_illumina not on PATH (Debian: art-nextgen-simulation-tools)")

    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="neoag_hla_bench_") as tmp:
        if "exon" in args.sets:
            rows, runs, genotypes = run_exon(args, Path(tmp))
            table = pd.DataFrame(rows)
            table.to_csv(args.out, sep="\t", index=False)
            report(table, pd.DataFrame(runs), genotypes, args)
        if "genomic" in args.sets:
            if not SHARED_GENOMIC.is_dir():
                sys.exit(f"hla_typing bench: {SHARED_GENOMIC} not found (the shared genomic test data)")
            rows, runs, fragments = run_genomic(args, Path(tmp), args.seed)
            table = pd.DataFrame(rows)
            table.to_csv(args.out.with_name(args.out.stem + "_genomic.tsv"), sep="\t", index=False)
            pd.DataFrame(fragments).to_csv(args.out.with_name(args.out.stem + "_fragments.tsv"), sep="\t", index=False)
            report_genomic(table, pd.DataFrame(runs), pd.DataFrame(fragments), args)


def run_exon(args, tmp: Path) -> tuple[list, list, list]:
    """The exon sets: reads simulated from the exon 2-3 records themselves."""
    reference = read_hla_reference(args.reference)
    sequences = {name: reference.sequences[i] for i, names in enumerate(reference.names) for name in names}
    names_by_locus = {locus: [] for locus in LOCI}
    for locus, names in zip(reference.loci, reference.names):
        names_by_locus[locus] += names
    genotypes = draw_genotypes(names_by_locus, args.genotypes, args.seed)
    settings = json.dumps(json.loads(args.settings))

    rows, runs = [], []
    background, paralogs = off_target_sequences(sequences, args.seed)
    _write_fasta(tmp / "background.fa", background)
    _write_fasta(tmp / "paralogs.fa", paralogs)
    coverage = BACKGROUND_PAIRS * 2 * READ_LENGTH / BACKGROUND_LENGTH
    bg = _art(tmp / "background.fa", coverage, _seed(args.seed, "background"), tmp / "background_")
    coverage = PARALOG_PAIRS * 2 * READ_LENGTH / sum(len(s) for _, s in paralogs)
    pa = _art(tmp / "paralogs.fa", coverage, _seed(args.seed, "paralogs"), tmp / "paralogs_")
    off_target = (bg[0], bg[1], pa[0], pa[1])
    for coverage in args.coverages:
        for number, genotype in enumerate(genotypes, start=1):
            sample = f"g{number:02d}_{coverage:g}x"
            if args.only and sample not in args.only:
                continue
            workdir = tmp / sample
            workdir.mkdir()
            reads = simulate_sample(genotype, sequences, coverage, off_target, _seed(args.seed, sample), workdir)
            out = workdir / "typing.tsv"
            measured = type_sample(reads, args.reference, out, settings)
            runs.append({"sample": sample, "coverage": coverage, **measured})
            rows += judge_sample(sample, coverage, genotype, read_calls(out), sequences)
            if args.keep:
                target = args.keep / sample
                target.mkdir(parents=True, exist_ok=True)
                for path in (out, out.with_suffix(".log"), *reads):
                    shutil.copy(path, target / path.name)
            shutil.rmtree(workdir)
            bad = [r for r in rows[-6:] if r["outcome"] not in ("correct", *UNAVOIDABLE)]
            print(
                f"{sample}: {measured['wall_seconds']:.1f} s, {measured['python_peak_mb']:.0f} + "
                f"{measured['razers3_peak_mb']:.0f} MB"
                + "".join(f"\n  {r['locus']} {r['true_allele']}: {r['outcome']} ({r['called']})" for r in bad),
                file=sys.stderr,
            )
    return rows, runs, genotypes


def report(table, runs, genotypes, args) -> None:
    """Markdown tables on stdout."""
    print(f"\nGenotypes: {len(genotypes)} (seed {args.seed}); reference {args.reference.name}\n")
    report_accuracy(table, args.coverages)
    report_runs(runs, args.coverages)


def report_accuracy(table, coverages) -> None:
    """The accuracy table per depth and locus."""
    print(
        "| depth | locus | alleles | correct | tie: identical in exons 2-3 | tie: genotype ambiguity | tie: other "
        "| wrong | accuracy | accuracy (all) | homozygous loci called homozygous "
        "| heterozygous loci called heterozygous |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for coverage in coverages:
        for locus in [*LOCI, "all"]:
            part = table[table.coverage == coverage]
            if locus != "all":
                part = part[part.locus == locus]
            counts = Counter(part.outcome)
            judged = len(part) - sum(counts[o] for o in UNAVOIDABLE)
            loci = part.drop_duplicates(["sample", "locus"])
            hom = loci[loci.homozygous_truth]
            het = loci[~loci.homozygous_truth]
            print(
                f"| {coverage:g}x | {locus if locus == 'all' else 'HLA-' + locus} | {len(part)} | {counts['correct']} "
                f"| {counts['ambiguous_identical']} | {counts['ambiguous_genotype']} | {counts['ambiguous_other']} "
                f"| {counts['wrong']} "
                f"| {100 * counts['correct'] / max(1, judged):.1f} % ({counts['correct']}/{judged}) "
                f"| {100 * counts['correct'] / max(1, len(part)):.1f} % "
                f"| {hom.homozygous_call.sum()}/{len(hom)} | {(~het.homozygous_call).sum()}/{len(het)} |"
            )


def report_runs(runs, coverages) -> None:
    """Time and memory per depth."""
    print(
        "\n| depth | samples | wall s per sample: median | max | CPU s per sample: median | max "
        "| peak RSS MB: python, max | razers3, max |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for coverage in coverages:
        part = runs[runs.coverage == coverage]
        wall = part.wall_seconds
        print(
            f"| {coverage:g}x | {len(part)} | {statistics.median(wall):.1f} | {wall.max():.1f} "
            f"| {statistics.median(part.cpu_seconds):.1f} | {part.cpu_seconds.max():.1f} "
            f"| {part.python_peak_mb.max():.0f} | {part.razers3_peak_mb.max():.0f} |"
        )


if __name__ == "__main__":
    main()
