#!/usr/bin/env python3
"""Cross-check neoag's protein consequences against varcode on random demo variants.

An independent implementation annotates the same random SNVs, MNVs, insertions,
deletions and delins in the demo genome: varcode (openvax) with a pyensembl
Genome built offline from the demo GTF and FASTA. pyensembl makes its own
transcript models from the GTF; the transcript FASTA it needs is cut from the
genome with pyensembl's exons, and the protein FASTA is varcode's translation of
pyensembl's CDS, so nothing of neoag's goes into the reference side.

For every (variant, transcript) pair both tools annotate, the mutant protein
sequences are compared. Every disagreement is sorted into a documented reason
(docs/annotation.md, "Cross-check with varcode"); anything else is
'unexplained'. Prints the agreement table.

    .venv/bin/python bench/crosscheck_varcode.py [--variants 600] [--seed 7]

varcode and pyensembl are test-only dependencies (envs/requirements.lock.txt).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

GTF = REPO / "resources/demo/annotation.gtf"
FASTA = REPO / "resources/demo/genome.fa"

# varcode effect classes per neoag consequence, for the consequence agreement.
EXPECTED_CLASSES = {
    "missense": {"Substitution", "ComplexSubstitution"},
    "inframe_insertion": {"Insertion", "ComplexSubstitution"},
    "inframe_deletion": {"Deletion", "ComplexSubstitution"},
    "frameshift": {"FrameShift"},
    "stop_lost": {"StopLoss"},
    "stop_gained": {"PrematureStop", "FrameShiftTruncation"},
    "synonymous": {"Silent"},
    "start_lost": {"StartLoss"},
    "5_prime_UTR": {"FivePrimeUTR"},
    "3_prime_UTR": {"ThreePrimeUTR"},
    "intron": {"Intronic", "IntronicSpliceSite", "SpliceDonor", "SpliceAcceptor"},
    "splice_junction": {"ExonicSpliceSite", "SpliceDonor", "SpliceAcceptor", "IntronicSpliceSite", "Intronic"},
}
PROTEIN_CONSEQUENCES = (
    "missense",
    "inframe_insertion",
    "inframe_deletion",
    "frameshift",
    "stop_lost",
    "stop_gained",
    "synonymous",
)


@dataclass(frozen=True)
class Pair:
    """One variant on one transcript, as both tools see it."""

    variant_id: str
    kind: str
    transcript_id: str
    neoag_consequence: str
    neoag_protein: str
    neoag_wt: str
    neoag_flags: tuple[str, ...]
    varcode_class: str
    varcode_protein: str | None
    reason: str  # 'agree', a documented reason, or 'unexplained'


def build_genome(workdir: Path):
    """A pyensembl Genome of the demo, offline: GTF + transcript and protein FASTAs."""
    import pyensembl
    from varcode.effects.translate import translate

    common = dict(reference_name="neoag-demo", annotation_name="neoag_demo", gtf_path_or_url=str(GTF))
    dna = pyensembl.Genome(**common, genome_fasta_path_or_url=str(FASTA), cache_directory_path=str(workdir / "dna"))
    dna.index()
    with open(workdir / "transcripts.fa", "w") as out:
        for t in dna.transcripts():
            exons = sorted(t.exon_intervals, reverse=(t.strand == "-"))
            out.write(
                f">{t.transcript_id}\n" + "".join(dna.sequence(t.contig, s, e, strand=t.strand) for s, e in exons)
            )
            out.write("\n")
    cdna = pyensembl.Genome(
        **common,
        transcript_fasta_paths_or_urls=[str(workdir / "transcripts.fa")],
        cache_directory_path=str(workdir / "cdna"),
    )
    cdna.index()
    with open(workdir / "proteins.fa", "w") as out:
        for t in cdna.transcripts():
            if t.complete:
                out.write(f">{t.protein_id}\n{translate(t.coding_sequence)}\n")
    genome = pyensembl.Genome(
        **common,
        transcript_fasta_paths_or_urls=[str(workdir / "transcripts.fa")],
        protein_fasta_paths_or_urls=[str(workdir / "proteins.fa")],
        cache_directory_path=str(workdir / "full"),
    )
    genome.index()
    return genome


def random_variants(n: int, seed: int) -> list[tuple[str, int, str, str]]:
    """n random variants (chrom, VCF pos, ref, alt) in and around the demo's exons.

    40 % SNVs, 10 % MNVs, 20 % insertions and 20 % deletions of 1-7 bases, 10 % delins.
    Positions fall in an exon of a random transcript or within 6 bases of it, so
    most changes are coding and many touch splice sites, start and stop codons.
    """
    import pysam

    from neoag.transcripts import read_gtf

    rng = random.Random(seed)
    genome = pysam.FastaFile(str(FASTA))
    transcripts = read_gtf(str(GTF))
    variants: set[tuple[str, int, str, str]] = set()
    bases = "ACGT"
    while len(variants) < n:
        t = rng.choice(transcripts)
        exon_start, exon_end = rng.choice(t.exons)
        start = rng.randrange(exon_start - 6, exon_end + 6)
        kind = rng.choices(["snv", "mnv", "ins", "del", "delins"], weights=[40, 10, 20, 20, 10])[0]
        if kind == "snv":
            ref = genome.fetch(t.chrom, start, start + 1)
            alt = rng.choice([b for b in bases if b != ref])
        elif kind == "mnv":
            ref = genome.fetch(t.chrom, start, start + rng.choice([2, 3]))
            alt = "".join(rng.choice([b for b in bases if b != r]) for r in ref)
        elif kind == "ins":
            ref = genome.fetch(t.chrom, start, start + 1)
            alt = ref + "".join(rng.choice(bases) for _ in range(rng.randint(1, 7)))
        elif kind == "del":
            ref = genome.fetch(t.chrom, start, start + 1 + rng.randint(1, 7))
            alt = ref[0]
        else:
            ref = genome.fetch(t.chrom, start, start + rng.randint(2, 5))
            alt = "".join(rng.choice(bases) for _ in range(rng.randint(1, 5)))
            if alt[0] == ref[0] or alt[-1] == ref[-1] or len(alt) == len(ref):
                continue
        variants.add((t.chrom, start + 1, ref, alt))
    return sorted(variants)


def varcode_effects(genome, chrom: str, pos: int, ref: str, alt: str) -> dict[str, tuple[str, str | None]]:
    """{transcript_id: (effect class, mutant protein or None)} from varcode."""
    import varcode

    effects = {}
    for effect in varcode.Variant(chrom, pos, ref, alt, genome=genome).effects():
        transcript = getattr(effect, "transcript", None)
        if transcript is None:
            continue
        name = type(effect).__name__
        coding = getattr(effect, "alternate_effect", None)  # ExonicSpliceSite wraps the coding effect
        normal = [c.effect for c in getattr(effect, "candidates", ()) if type(c.effect).__name__ == "NormalSplicing"]
        if normal and normal[0].coding_effect is not None:  # SpliceOutcomeSet: the normal-splicing outcome
            coding = normal[0].coding_effect
        signal = getattr(effect, "disrupted_signal_class", None)
        if coding is not None:
            name = f"{name}({type(coding).__name__})"
        elif signal is not None:
            name = f"{name}({signal.__name__})"
        source = coding if coding is not None else effect
        protein = getattr(source, "mutant_protein_sequence", None)
        if type(source).__name__ in ("Silent", "AlternateStartCodon"):
            protein = source.original_protein_sequence
        effects[transcript.transcript_id] = (name, protein.rstrip("*") if protein else None)
    return effects


def naive_protein(genome, transcript_id: str, chrom: str, pos: int, ref: str, alt: str) -> tuple[str, bool] | None:
    """A third, deliberately simple answer: edit pyensembl's mRNA, translate from its start codon.

    Returns (protein, stop_reached), or None when the change is not inside the
    exons. Used only to decide which tool is right where neoag and varcode differ.
    """
    from varcode.effects.translate import translate

    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    t = genome.transcript_by_id(transcript_id)
    try:
        if ref:
            offsets = [t.spliced_offset(p) for p in range(pos, pos + len(ref))]
            low, high = min(offsets), max(offsets) + 1
            if high - low != len(ref):
                return None
        else:  # insertion between genome positions pos - 1 and pos
            low = high = max(t.spliced_offset(pos - 1), t.spliced_offset(pos))
            if abs(t.spliced_offset(pos - 1) - t.spliced_offset(pos)) != 1:
                return None
    except ValueError:
        return None
    if t.strand == "-":
        alt = alt.translate(str.maketrans("ACGT", "TGCA"))[::-1]
    mrna = t.sequence[:low] + alt + t.sequence[high:]
    coding = mrna[t.first_start_codon_spliced_offset :]
    protein = translate(coding, first_codon_is_start=False, to_stop=False, truncate=True)
    return protein.split("*")[0], "*" in protein


def explain(pair: dict, naive: tuple[str, bool] | None) -> str:
    """Sort one pair into 'agree' or a documented reason (docs/annotation.md)."""
    ours, theirs, klass = pair["neoag_protein"], pair["varcode_protein"], pair["varcode_class"]
    consequence = pair["neoag_consequence"]
    base = klass.split("(")[0]
    inner = klass[len(base) + 1 : -1] if "(" in klass else base
    if consequence in PROTEIN_CONSEQUENCES:
        if ours == theirs:
            return "agree"
        if naive is None:
            return "unexplained"
        naive_protein_, naive_stop = naive
        if not (ours == naive_protein_ or (not naive_stop and ours.startswith(naive_protein_))):
            return "unexplained"  # the simple check does not back neoag
        # neoag is confirmed by the simple check; name the pattern.
        if consequence in ("frameshift", "stop_lost") and not naive_stop and theirs and ours.startswith(theirs):
            return "read_through_downstream"
        if base == "SpliceOutcomeSet" and theirs is None and "splice_region" in pair["neoag_flags"]:
            return "varcode_splice_outcomes_only"
        if base == "StartLoss" and pair["kind"] == "insertion":
            return "varcode_start_loss_insertion"
        if consequence == "stop_gained":
            return "varcode_new_stop_codon"
        if consequence == "stop_lost" and pair["kind"] != "snv":
            return "varcode_stop_lost_indel"
        return "varcode_other"
    if consequence == "start_lost" and inner in ("AlternateStartCodon", "StartLoss"):
        return "agree" if inner == "StartLoss" else "start_codon_alternative"
    if base in EXPECTED_CLASSES.get(consequence, set()) or inner in EXPECTED_CLASSES.get(consequence, set()):
        return "agree"
    splice_flags = {"splice_donor", "splice_acceptor", "splice_region"}
    if consequence == "intron" and base == "SpliceOutcomeSet" and splice_flags & set(pair["neoag_flags"]):
        return "agree"
    if consequence == "splice_junction":
        return "splice_junction_not_translated"
    if consequence in ("3_prime_UTR", "5_prime_UTR") and naive is not None and naive[0] == pair["neoag_wt_full"]:
        return "varcode_utr_insertion_class"  # the simple check confirms the protein is unchanged
    return "unexplained"


def crosscheck(n: int = 600, seed: int = 7, workdir: Path | None = None) -> list[Pair]:
    """Annotate n random variants with both tools; one Pair per (variant, transcript)."""
    import pysam

    from neoag.annotation.consequences import annotate, locate
    from neoag.sequence import translate
    from neoag.transcripts import TranscriptIndex, read_gtf
    from neoag.variants import Variant

    with tempfile.TemporaryDirectory() as tmp:
        genome = build_genome(Path(workdir or tmp))
        fasta = pysam.FastaFile(str(FASTA))
        transcripts = read_gtf(str(GTF))
        index = TranscriptIndex(transcripts)
        sequences = {
            t.transcript_id: t.spliced_sequence(
                lambda c, a, b: fasta.fetch(c, max(0, a), min(b, fasta.get_reference_length(c)))
            )
            for t in transcripts
        }
        wild_type = {t.transcript_id: translate(sequences[t.transcript_id][t.cds_offset :]) for t in transcripts}
        pairs = []
        for chrom, pos, ref, alt in random_variants(n, seed):
            variant = Variant(chrom, pos, ref, alt)
            theirs = varcode_effects(genome, chrom, pos, ref, alt)
            start, trimmed_ref, _ = variant.trimmed()
            for transcript in index.overlapping(chrom, start, start + len(trimmed_ref)):
                sequence = sequences[transcript.transcript_id]
                change = annotate(variant, transcript, sequence)
                klass, protein = theirs.get(transcript.transcript_id, ("none", None))
                edit = locate(variant, transcript)
                naive = None
                if change.mt_protein != protein or change.consequence not in PROTEIN_CONSEQUENCES:
                    naive = naive_protein(genome, transcript.transcript_id, chrom, pos, ref, alt)
                pair = dict(
                    variant_id=variant.variant_id,
                    kind=variant.kind,
                    transcript_id=transcript.transcript_id,
                    neoag_consequence=change.consequence,
                    neoag_protein=change.mt_protein,
                    neoag_wt=change.wt_protein,
                    neoag_flags=change.flags,
                    varcode_class=klass,
                    varcode_protein=protein,
                )
                details = dict(pair, edit=None if isinstance(edit, str) else (edit.start, edit.end))
                details["neoag_wt_full"] = wild_type[transcript.transcript_id]
                pairs.append(Pair(**pair, reason=explain(details, naive)))
    return pairs


def agreement_table(pairs: list[Pair]) -> str:
    """Markdown table: per neoag consequence, pairs, same mutant protein, documented differences."""
    lines = [
        "| neoag consequence | pairs | same mutant protein / class | documented difference | unexplained |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    by_consequence = Counter(p.neoag_consequence for p in pairs)
    for consequence in sorted(by_consequence, key=lambda c: (-by_consequence[c], c)):
        group = [p for p in pairs if p.neoag_consequence == consequence]
        agree = sum(p.reason == "agree" for p in group)
        unexplained = sum(p.reason == "unexplained" for p in group)
        reasons = Counter(p.reason for p in group if p.reason not in ("agree", "unexplained"))
        documented = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "0"
        lines.append(f"| {consequence} | {len(group)} | {agree} | {documented} | {unexplained} |")
    total_agree = sum(p.reason == "agree" for p in pairs)
    total_unexplained = sum(p.reason == "unexplained" for p in pairs)
    lines.append(
        f"| **all** | {len(pairs)} | {total_agree} | {len(pairs) - total_agree - total_unexplained} "
        f"| {total_unexplained} |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pairs = crosscheck(args.variants, args.seed)
    variants = {p.variant_id for p in pairs}
    kinds = Counter(p.kind for p in {p.variant_id: p for p in pairs}.values())
    print(f"{len(variants)} random variants overlapping demo transcripts ({dict(sorted(kinds.items()))}), "
          f"{len(pairs)} variant-transcript pairs, seed {args.seed}\n")  # fmt: skip
    print(agreement_table(pairs))
    protein_pairs = [p for p in pairs if p.neoag_consequence in PROTEIN_CONSEQUENCES]
    same = sum(p.neoag_protein == p.varcode_protein for p in protein_pairs)
    print(f"\nmutant protein identical in {same} of {len(protein_pairs)} protein-changing pairs")
    for pair in pairs:
        if pair.reason != "agree":
            theirs = (pair.varcode_protein or "")[-12:]
            print(f"  {pair.reason}: {pair.variant_id} {pair.transcript_id} neoag {pair.neoag_consequence} "
                  f"{pair.neoag_protein[-12:]!r} / varcode {pair.varcode_class} {theirs!r}")  # fmt: skip


if __name__ == "__main__":
    main()
