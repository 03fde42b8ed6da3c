#!/usr/bin/env python3
"""Generate a human-scale synthetic patient for bench/human/run.py, deterministically.

Writes into --outdir (default /tmp/neoag-human):

    genome.fa, genome.fa.fai  GRCh38's primary contigs (chr1..chr22, chrX, chrY, chrM) at their real
                              lengths (3.1 Gb); every gene locus holds random sequence (GC 45 %),
                              the rest is N, as GRCh38's gaps are (cheap to make, human-size on disk)
    targets.bed               capture-kit-like targets: CDS exons +- 50 bp of every protein-coding gene
    annotation.gtf            Ensembl-style GTF: --annotation-genes genes (a third protein_coding with
                              6 transcripts: 3 coding with real ORFs, valid CDS phases, start/stop
                              codons and UTR lines, 3 non-coding; two thirds lncRNA with 3 transcripts)
    variants.tsv              the patient's planted variants (somatic with clone, germline with zygosity)
    tumor.bam, normal.bam     exome-like paired reads (2 x 150 bp, fragments about 320 bp) over the CDS
                              exons (+- 50 bp) of --genes protein-coding genes at --coverage, aligned
                              with bwa mem (see "Alignment" below), sorted and indexed
    patient.json              sizes: genes, targets, read pairs, variants (read by run.py)

Alignment: bwa mem aligns the reads to a small reference of just the patient's
gene loci (each gene +- 2 kb, one contig per locus); the SAM text is then
rewritten to the human-size contigs (RNAME/POS, RNEXT/PNEXT and SA tags shifted
by the locus's start) with GRCh38's @SQ header. Alignments are those bwa mem
makes against a genome whose other bases are N: the same placements, without
the cost of indexing 3.1 Gb.

Tumor: purity 0.6 in three clones (cells: 40 % normal, 30 % clonal, 20 % clonal +
subclone 1, 10 % clonal + subclones 1 and 2): heterozygous somatic variants at
VAF about 0.30, 0.15 and 0.05. Germline: about 1 variant per kb of target
(two thirds heterozygous, a third homozygous), in both normal and tumor.

    .venv/bin/python bench/human/make_patient.py                 # 1,000 genes at 100x
    .venv/bin/python bench/human/make_patient.py --small         # 20 genes at 60x, 1,000-gene GTF
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20261203
# GRCh38 primary assembly contig lengths (UCSC/GENCODE names).
GRCH38 = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555,
    "chr5": 181538259, "chr6": 170805979, "chr7": 159345973, "chr8": 145138636,
    "chr9": 138394717, "chr10": 133797422, "chr11": 135086622, "chr12": 133275309,
    "chr13": 114364328, "chr14": 107043718, "chr15": 101991189, "chr16": 90338345,
    "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895, "chrY": 57227415,
    "chrM": 16569,
}  # fmt: skip
CONTIGS = dict(GRCH38)  # --scale shrinks these (tests only)
LINE = 60
READ_LENGTH = 150
FRAGMENT_MEAN, FRAGMENT_SD = 320, 50
ERROR_RATE = 0.002
TARGET_PAD = 50
LOCUS_PAD = 2000
# Tumor cells: (share of cells, clone level): level 0 = normal cells.
TUMOR_CELLS = ((0.4, 0), (0.3, 1), (0.2, 2), (0.1, 3))
CLONE_SHARES = ((0.6, 1), (0.25, 2), (0.15, 3))

_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODONS = [a + b + c for a in _BASES for b in _BASES for c in _BASES]
SENSE = [c for c, aa in zip(CODONS, _AA) if aa != "*" and c != "ATG"] + ["ATG"]
STOPS = ["TAA", "TAG", "TGA"]
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
_LUT = np.frombuffer(b"ACGT", dtype=np.uint8)
_P = np.array([0.275, 0.225, 0.225, 0.275])


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


@dataclass
class Transcript:
    tid: str
    biotype: str
    exons: list[tuple[int, int]]  # local coordinates, 5'->3', half-open
    cds: tuple[int, int] | None = None  # mRNA offsets of the CDS without the stop codon
    tags: tuple[str, ...] = ()


@dataclass
class Gene:
    gid: str
    name: str
    biotype: str
    chrom: str
    start: int  # genome, 0-based
    span: int
    strand: str
    transcripts: list[Transcript] = field(default_factory=list)
    exon_seq: list[tuple[int, str]] = field(default_factory=list)  # local start, 5'->3' bases

    def to_genome(self, a: int, b: int) -> tuple[int, int]:
        """Local half-open [a, b) -> genome half-open interval."""
        if self.strand == "+":
            return self.start + a, self.start + b
        return self.start + self.span - b, self.start + self.span - a


def random_bases(rng: np.random.Generator, n: int) -> bytes:
    return _LUT[rng.choice(4, size=n, p=_P)].tobytes()


def coding_gene(rng: random.Random, nrng: np.random.Generator, gene: Gene, number: int) -> None:
    """Canonical ORF, its exons, and the gene's six transcripts (local coordinates)."""
    codons = rng.randint(120, 650)
    body = "".join(rng.choices(SENSE[:-1], k=codons - 2))
    utr5 = random_bases(nrng, rng.randint(60, 240)).decode()
    utr3 = random_bases(nrng, rng.randint(150, 700)).decode()
    mrna = utr5 + "ATG" + body + rng.choice(STOPS) + utr3
    cds = (len(utr5), len(utr5) + 3 * codons - 3)
    forbidden = set(range(cds[0] - 3, cds[0] + 4)) | set(range(cds[1] - 3, cds[1] + 7))
    n_exons = min(rng.randint(3, 12), len(mrna) // 150)
    while True:
        cuts = sorted(rng.sample(range(50, len(mrna) - 50), n_exons - 1))
        edges = [0, *cuts, len(mrna)]
        if all(b - a >= 50 for a, b in zip(edges, edges[1:])) and not forbidden & set(cuts):
            break
    alt_first = rng.randint(80, 200)
    position, exons = alt_first + rng.randint(500, 3000), []
    for a, b in zip(edges, edges[1:]):
        exons.append((position, position + b - a))
        gene.exon_seq.append((position, mrna[a:b]))
        position += b - a + rng.randint(300, 2500)
    gene.span = exons[-1][1]
    gene.exon_seq.append((0, random_bases(nrng, alt_first).decode()))
    tx = f"ENST{number:011d}"
    short_end = exons[-1][0] + max(cds[1] + 3 - edges[-2] + 30, 40)
    gene.transcripts = [
        Transcript(tx + "1", "protein_coding", exons, cds, ("Ensembl_canonical", "MANE_Select")),
        Transcript(tx + "2", "protein_coding", [(0, alt_first), *exons], (cds[0] + alt_first, cds[1] + alt_first)),
        Transcript(tx + "3", "protein_coding", [*exons[:-1], (exons[-1][0], min(short_end, exons[-1][1]))], cds),
        Transcript(tx + "4", "retained_intron", [(exons[0][0], exons[1][1]), *exons[2:3]]),
        Transcript(tx + "5", "processed_transcript", exons[-2:]),
        Transcript(tx + "6", "processed_transcript", exons[1:3]),
    ]  # fmt: skip


def lnc_gene(rng: random.Random, gene: Gene, number: int) -> None:
    """Three non-coding transcripts over 2-4 exons (sequence: the random locus)."""
    position, exons = 0, []
    for _ in range(rng.randint(2, 4)):
        length = rng.randint(100, 600)
        exons.append((position, position + length))
        position += length + rng.randint(300, 3000)
    gene.span = exons[-1][1]
    tx = f"ENST{number:011d}"
    gene.transcripts = [
        Transcript(tx + "1", "lncRNA", exons, None, ("Ensembl_canonical",)),
        Transcript(tx + "2", "lncRNA", exons[1:]),
        Transcript(tx + "3", "lncRNA", [exons[0], exons[-1]]),
    ]


def layout(rng: random.Random, nrng: np.random.Generator, n_genes: int) -> list[Gene]:
    """Genes on the nuclear contigs in proportion to length; every third gene protein coding."""
    nuclear = {c: n for c, n in CONTIGS.items() if c != "chrM"}
    total = sum(nuclear.values())
    genes, number = [], 0
    for chrom, length in nuclear.items():
        count = max(1, round(n_genes * length / total))
        margin = min(100_000, length // 20)
        slot = (length - 2 * margin) // count
        for i in range(count):
            number += 1
            gene = Gene(f"ENSG{number:011d}", f"HB{number:05d}", "", chrom, 0, 0, rng.choice("+-"))
            if number % 3 == 1:
                gene.biotype = "protein_coding"
                coding_gene(rng, nrng, gene, number)
            else:
                gene.biotype = "lncRNA"
                lnc_gene(rng, gene, number)
            room = max(slot - gene.span, 1)
            gene.start = margin + i * slot + rng.randrange(min(room, slot // 2))
            genes.append(gene)
    return genes


def tx_segments(t: Transcript, a: int, b: int) -> list[tuple[int, int]]:
    """Local intervals of the mRNA offsets [a, b) of t, 5'->3'."""
    out, offset = [], 0
    for s, e in t.exons:
        lo, hi = max(a, offset), min(b, offset + e - s)
        if lo < hi:
            out.append((s + lo - offset, s + hi - offset))
        offset += e - s
    return out


def _attrs(g: Gene, t: Transcript | None, extra: str = "") -> str:
    text = f'gene_id "{g.gid}"; gene_version "1"; '
    if t is not None:
        text += f'transcript_id "{t.tid}"; transcript_version "1"; '
    text += f'gene_name "{g.name}"; gene_source "ensembl_havana"; gene_biotype "{g.biotype}";'
    if t is not None:
        text += f' transcript_name "{g.name}-{t.tid[-1]}0{t.tid[-1]}"; transcript_source "ensembl";'
        text += f' transcript_biotype "{t.biotype}";' + "".join(f' tag "{tag}";' for tag in t.tags)
    return text + extra


def gtf_lines(g: Gene) -> list[str]:
    def row(feature: str, a: int, b: int, attrs: str, phase: str = ".") -> str:
        s, e = g.to_genome(a, b)
        return f"{g.chrom}\tensembl\t{feature}\t{s + 1}\t{e}\t.\t{g.strand}\t{phase}\t{attrs}"

    lines = [row("gene", 0, g.span, _attrs(g, None))]
    for t in g.transcripts:
        lines.append(row("transcript", t.exons[0][0], t.exons[-1][1], _attrs(g, t)))
        for n, (a, b) in enumerate(t.exons, 1):
            lines.append(row("exon", a, b, _attrs(g, t, f' exon_number "{n}"; exon_id "{t.tid}E{n}";')))
        if t.cds is None:
            continue
        protein = f' protein_id "ENSP{t.tid[4:]}"; protein_version "1";'
        done = 0
        for a, b in tx_segments(t, *t.cds):
            lines.append(row("CDS", a, b, _attrs(g, t, protein), str((3 - done % 3) % 3)))
            done += b - a
        for feature, (a, b) in (("start_codon", (t.cds[0], t.cds[0] + 3)), ("stop_codon", (t.cds[1], t.cds[1] + 3))):
            lines += [row(feature, s, e, _attrs(g, t)) for s, e in tx_segments(t, a, b)]
        length = sum(e - s for s, e in t.exons)
        lines += [row("five_prime_utr", s, e, _attrs(g, t)) for s, e in tx_segments(t, 0, t.cds[0])]
        lines += [row("three_prime_utr", s, e, _attrs(g, t)) for s, e in tx_segments(t, t.cds[1] + 3, length)]
    return lines


def write_gtf(path: Path, genes: list[Gene]) -> int:
    order = {c: i for i, c in enumerate(CONTIGS)}
    count = 0
    with open(path, "w") as out:
        out.write("#!genome-build GRCh38.p14\n#!genome-version GRCh38\n#!genebuild-last-updated synthetic\n")
        for g in sorted(genes, key=lambda g: (order[g.chrom], g.start)):
            lines = gtf_lines(g)
            count += len(lines)
            out.write("\n".join(lines) + "\n")
    return count


def write_genome(
    path: Path, genes: list[Gene], nrng: np.random.Generator, loci: dict[str, tuple[str, int, int]]
) -> dict[str, str]:
    """FASTA (60 bases a line) and .fai; returns the sequence of each patient locus."""
    by_chrom: dict[str, list[Gene]] = {}
    for g in genes:
        by_chrom.setdefault(g.chrom, []).append(g)
    locus_seq, fai, offset = {}, [], 0
    with open(path, "wb") as out:
        for chrom, length in CONTIGS.items():
            seq = np.full(length, ord("N"), dtype=np.uint8)
            for g in by_chrom.get(chrom, []):
                seq[g.start : g.start + g.span] = _LUT[nrng.choice(4, size=g.span, p=_P)]
                for a, bases in g.exon_seq:
                    s, e = g.to_genome(a, a + len(bases))
                    text = bases if g.strand == "+" else revcomp(bases)
                    seq[s:e] = np.frombuffer(text.encode(), dtype=np.uint8)
            if chrom == "chrM":
                seq[:] = _LUT[nrng.choice(4, size=length, p=_P)]
            for name, (c, s, e) in loci.items():
                if c == chrom:
                    locus_seq[name] = seq[s:e].tobytes().decode()
            header = f">{chrom}\n".encode()
            out.write(header)
            fai.append(f"{chrom}\t{length}\t{offset + len(header)}\t{LINE}\t{LINE + 1}")
            full = length // LINE * LINE
            block = np.empty((full // LINE, LINE + 1), dtype=np.uint8)
            block[:, :LINE] = seq[:full].reshape(-1, LINE)
            block[:, LINE] = ord("\n")
            out.write(block.tobytes())
            if length > full:
                out.write(seq[full:].tobytes() + b"\n")
            offset += len(header) + length + -(-length // LINE)
    Path(str(path) + ".fai").write_text("\n".join(fai) + "\n")
    return locus_seq


@dataclass
class Variant:
    locus: str
    pos: int  # 0-based in the locus
    ref: str
    alt: str
    kind: str  # somatic / germline
    level: int  # somatic clone level 1-3; 0 = germline
    haplotypes: tuple[int, ...]


def _pick_variant(rng: random.Random, seq: str, pos: int) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.8:
        return seq[pos], rng.choice([b for b in "ACGT" if b != seq[pos]])
    k = rng.randint(1, 3)
    if roll < 0.9:
        return seq[pos : pos + 1 + k], seq[pos]
    return seq[pos], seq[pos] + "".join(rng.choices("ACGT", k=k))


def plant(
    rng: random.Random, name: str, seq: str, gene: Gene, locus_start: int, somatic: int, targets
) -> list[Variant]:
    """Somatic variants (most in the CDS) and germline ones (1 per kb of target)."""
    canonical = gene.transcripts[0]
    cds_local = tx_segments(canonical, *canonical.cds)
    cds_pos = [p for a, b in cds_local for p in range(*gene.to_genome(a, b))]
    target_pos = [p for s, e in targets for p in range(s, e)]
    used: list[int] = []

    def free(p: int) -> bool:
        i = bisect.bisect_left(used, p - 15)
        return (i == len(used) or used[i] > p + 15) and "N" not in seq[p - 5 : p + 10]

    variants = []
    n_germline = max(1, round(len(target_pos) / 1000 * rng.uniform(0.6, 1.4)))
    for kind, count in (("somatic", somatic), ("germline", n_germline)):
        for _ in range(count):
            for _try in range(50):
                if kind == "somatic" and rng.random() < 0.85:
                    p = rng.choice(cds_pos) - locus_start
                else:
                    p = rng.choice(target_pos)
                if free(p):
                    break
            else:
                continue
            bisect.insort(used, p)
            ref, alt = _pick_variant(rng, seq, p)
            if kind == "somatic":
                level = rng.choices([lv for _, lv in CLONE_SHARES], [w for w, _ in CLONE_SHARES])[0]
                variants.append(Variant(name, p, ref, alt, kind, level, (rng.randint(0, 1),)))
            else:
                haps = (0, 1) if rng.random() < 1 / 3 else (rng.randint(0, 1),)
                variants.append(Variant(name, p, ref, alt, kind, 0, haps))
    return variants


def haplotype(seq: str, variants: list[Variant]) -> tuple[str, list[int], list[int]]:
    """Sequence with the variants applied, and (positions, cumulative shifts) to map coordinates."""
    parts, last, positions, shifts, shift = [], 0, [], [], 0
    for v in sorted(variants, key=lambda v: v.pos):
        parts += [seq[last : v.pos], v.alt]
        last = v.pos + len(v.ref)
        shift += len(v.alt) - len(v.ref)
        positions.append(v.pos)
        shifts.append(shift)
    parts.append(seq[last:])
    return "".join(parts), positions, shifts


def simulate(
    rng: random.Random, seq: str, variants: list[Variant], targets, coverage: float, tumor: bool, name: str, out
) -> int:
    """Write exome-like read pairs (interleaved FASTQ) of one locus; returns the pair count."""
    haps = {}
    for level in range(4 if tumor else 1):
        for h in (0, 1):
            chosen = [v for v in variants if h in v.haplotypes and v.level <= level]
            haps[level, h] = haplotype(seq, chosen)
    levels = [lv for _, lv in TUMOR_CELLS] if tumor else [0]
    weights = [w for w, _ in TUMOR_CELLS] if tumor else [1]
    quality = "F" * READ_LENGTH
    pairs = 0
    for s, e in targets:
        n = round(coverage * (e - s + FRAGMENT_MEAN) / (2 * READ_LENGTH))
        for _ in range(n):
            length = max(200, min(600, round(rng.gauss(FRAGMENT_MEAN, FRAGMENT_SD))))
            start = rng.randint(s - length + 60, e - 60)
            hap, positions, shifts = haps[rng.choices(levels, weights)[0], rng.randint(0, 1)]
            i = bisect.bisect_left(positions, start)
            hs = start + (shifts[i - 1] if i else 0)
            fragment = hap[hs : hs + length]
            if len(fragment) < length or hs < 0:
                continue
            r1, r2 = fragment[:READ_LENGTH], revcomp(fragment[-READ_LENGTH:])
            if rng.random() < 0.5:
                r1, r2 = r2, r1
            pairs += 1
            for mate, read in ((1, r1), (2, r2)):
                k = np.random.poisson(READ_LENGTH * ERROR_RATE) if rng.random() < 0.5 else 0
                if k:
                    read = list(read)
                    for p in rng.sample(range(READ_LENGTH), k):
                        read[p] = rng.choice([b for b in "ACGT" if b != read[p]])
                    read = "".join(read)
                out.write(f"@{name}_{pairs}/{mate}\n{read}\n+\n{quality}\n")
    return pairs


SHIFT_SCRIPT = r"""
import sys
offsets = {}
for line in open(sys.argv[1]):
    name, chrom, start = line.split()
    offsets[name] = (chrom, int(start))
header = open(sys.argv[2]).read()
out = sys.stdout
out.write(header)
for line in sys.stdin:
    if line[0] == "@":
        continue
    f = line.rstrip("\n").split("\t")
    if f[2] != "*":
        chrom, off = offsets[f[2]]
        f[2], f[3] = chrom, str(int(f[3]) + off)
        if f[6] == "=":
            f[7] = str(int(f[7]) + off)
    if f[6] not in ("=", "*"):
        chrom, off = offsets[f[6]]
        f[6], f[7] = ("=" if chrom == f[2] else chrom), str(int(f[7]) + off)
    for i in range(11, len(f)):
        if f[i].startswith("SA:Z:"):
            parts = []
            for sa in f[i][5:].rstrip(";").split(";"):
                s = sa.split(",")
                chrom, off = offsets[s[0]]
                parts.append(",".join([chrom, str(int(s[1]) + off), *s[2:]]))
            f[i] = "SA:Z:" + ";".join(parts) + ";"
    out.write("\t".join(f) + "\n")
"""


def align(workdir: Path, out: Path, fastq: Path, sample: str, threads: int) -> None:
    """bwa mem against the loci, coordinates shifted to the human contigs, sorted BAM + index."""
    rg = f"@RG\\tID:{sample}\\tSM:{sample}\\tPL:ILLUMINA\\tLB:{sample}"
    header = workdir / f"{sample}.header.sam"
    lines = ["@HD\tVN:1.6\tSO:unsorted"] + [f"@SQ\tSN:{c}\tLN:{n}" for c, n in CONTIGS.items()]
    lines.append(rg.replace("\\t", "\t"))
    header.write_text("\n".join(lines) + "\n")
    shift = workdir / "shift.py"
    shift.write_text(SHIFT_SCRIPT)
    command = (
        f"set -o pipefail; bwa mem -v 1 -t {threads} -p -R '{rg}' {workdir}/loci.fa {fastq}"
        f" 2> {workdir}/{sample}.bwa.log"
        f" | {sys.executable} {shift} {workdir}/loci.tsv {header}"
        f" | samtools sort -@ {threads} -m 1G -T {workdir}/{sample}.sort -o {out} - && samtools index {out}"
    )
    subprocess.run(["bash", "-c", command], check=True)


def patient_targets(gene: Gene, locus_start: int) -> list[tuple[int, int]]:
    """CDS exons of the coding transcripts +- TARGET_PAD, merged, in locus coordinates."""
    spans = []
    for t in gene.transcripts:
        if t.cds is not None:
            for a, b in tx_segments(t, t.cds[0], t.cds[1] + 3):
                s, e = gene.to_genome(a, b)
                spans.append((s - locus_start - TARGET_PAD, e - locus_start + TARGET_PAD))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def write_targets(path: Path, genes: list[Gene]) -> int:
    """Capture-kit-like BED: the CDS exons (+- TARGET_PAD) of every protein-coding gene, merged."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for g in genes:
        for t in g.transcripts:
            if t.cds is not None:
                for a, b in tx_segments(t, t.cds[0], t.cds[1] + 3):
                    s, e = g.to_genome(a, b)
                    spans.setdefault(g.chrom, []).append((s - TARGET_PAD, e + TARGET_PAD))
    total = 0
    with open(path, "w") as out:
        for chrom in CONTIGS:
            merged: list[list[int]] = []
            for s, e in sorted(spans.get(chrom, [])):
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(e, merged[-1][1])
                else:
                    merged.append([s, e])
            for s, e in merged:
                out.write(f"{chrom}\t{s}\t{e}\n")
                total += e - s
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=Path("/tmp/neoag-human"))
    parser.add_argument("--genes", type=int, default=1000, help="patient genes with reads (default 1000)")
    parser.add_argument("--annotation-genes", type=int, default=60000, help="genes in the GTF (default 60000)")
    parser.add_argument("--somatic-per-gene", type=float, default=3.0, help="somatic variants per patient gene")
    parser.add_argument("--coverage", type=float, default=100.0, help="mean target depth of each BAM")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scale", type=float, default=1.0, help="contig lengths x this (tests: 0.02; default 1)")
    parser.add_argument("--small", action="store_true", help="20 genes at 60x, 1,000-gene GTF (quick check)")
    args = parser.parse_args(argv)
    if args.small:
        args.genes, args.annotation_genes, args.coverage = 20, 1000, 60.0
    for chrom, length in GRCH38.items():
        CONTIGS[chrom] = length if chrom == "chrM" else max(int(length * args.scale), 200_000)
    started = time.time()
    rng, nrng = random.Random(args.seed), np.random.default_rng(args.seed)
    np.random.seed(args.seed)
    out = args.outdir
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    genes = layout(rng, nrng, args.annotation_genes)
    coding = [g for g in genes if g.biotype == "protein_coding"]
    if args.genes > len(coding):
        sys.exit(f"--genes {args.genes}: the GTF has only {len(coding)} protein-coding genes; raise --annotation-genes")
    step = len(coding) / args.genes
    patient = [coding[int(i * step)] for i in range(args.genes)]
    loci = {f"L{i:05d}": (g.chrom, g.start - LOCUS_PAD, g.start + g.span + LOCUS_PAD) for i, g in enumerate(patient)}
    gtf_count = write_gtf(out / "annotation.gtf", genes)
    exome_bp = write_targets(out / "targets.bed", genes)
    locus_seq = write_genome(out / "genome.fa", genes, nrng, loci)
    print(f"genome and GTF ({gtf_count} lines) written in {time.time() - started:.0f} s", file=sys.stderr)
    with open(work / "loci.fa", "w") as fa, open(work / "loci.tsv", "w") as tsv:
        for name, (chrom, s, _) in loci.items():
            fa.write(f">{name}\n{locus_seq[name]}\n")
            tsv.write(f"{name}\t{chrom}\t{s}\n")
    subprocess.run(["bwa", "index", str(work / "loci.fa")], check=True, capture_output=True)
    summary = {
        "genes": args.genes,
        "annotation_genes": args.annotation_genes,
        "gtf_lines": gtf_count,
        "coverage": args.coverage,
        "scale": args.scale,
        "seed": args.seed,
        "exome_target_bp": exome_bp,
        "target_bp": 0,
        "pairs": {},
        "somatic": 0,
        "germline": 0,
    }
    planted = []
    for (name, (_chrom, s, _)), gene in zip(loci.items(), patient):
        targets = patient_targets(gene, s)
        summary["target_bp"] += sum(e - a for a, e in targets)
        planted.append(
            (
                name,
                targets,
                plant(
                    rng, name, locus_seq[name], gene, s, round(args.somatic_per_gene * rng.uniform(0.5, 1.5)), targets
                ),
            )
        )
    for role, tumor in (("normal", False), ("tumor", True)):
        fastq = work / f"{role}.fq"
        with open(fastq, "w") as handle:
            summary["pairs"][role] = sum(
                simulate(rng, locus_seq[name], variants, targets, args.coverage, tumor, f"{role[0]}{name}", handle)
                for name, targets, variants in planted
            )
        align(work, out / f"{role}.bam", fastq, f"human_bench_{role}", args.threads)
        fastq.unlink()
        print(f"{role}: {summary['pairs'][role]} pairs aligned at {time.time() - started:.0f} s", file=sys.stderr)
    with open(out / "variants.tsv", "w") as handle:
        handle.write("chrom\tpos\tref\talt\tkind\tclone_level\thaplotypes\n")
        for name, _, variants in planted:
            chrom, s, _ = loci[name]
            for v in sorted(variants, key=lambda v: v.pos):
                summary[v.kind] += 1
                handle.write(
                    f"{chrom}\t{s + v.pos + 1}\t{v.ref}\t{v.alt}\t{v.kind}\t{v.level}\t"
                    f"{','.join(map(str, v.haplotypes))}\n"
                )
    summary["seconds"] = round(time.time() - started)
    (out / "patient.json").write_text(json.dumps(summary, indent=1) + "\n")
    shutil.rmtree(work)
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
