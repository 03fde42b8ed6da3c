#!/usr/bin/env python3
"""Benchmark: parsing a human-size GTF from text vs loading the parsed cache (rule parse_gtf).

Writes a synthetic Ensembl-style GTF (default 60,000 genes, 4 transcripts each, 40% of them
protein-coding; gene/transcript/exon/CDS/start_codon/stop_codon/five_prime_utr/three_prime_utr
rows with Ensembl's attributes: about 2.6M lines) into a temporary folder (never committed),
then measures, each in a fresh Python process:

- text:  neoag.transcripts.read_gtf (what annotate, reference_proteome, germline_targets and
         cohort_summary each did before the cache);
- genes: neoag.annotation.expression.gtf_transcript_genes (what expression did);
- write: neoag.transcript_cache.write_transcript_cache (rule parse_gtf, once per reference);
- load:  neoag.transcript_cache.gtf_transcripts from the cache (what each step does now).

Reports wall and CPU seconds and the process's peak RSS (VmHWM), and checks that the loaded
transcripts equal read_gtf's.

    nice .venv/bin/python bench/gtf_cache.py                    # 60k genes
    nice .venv/bin/python bench/gtf_cache.py --genes 6000       # a tenth, quick
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import json, re, resource, sys, time
sys.path.insert(0, {scripts!r})
start = time.perf_counter()
what, gtf, cache = {what!r}, {gtf!r}, {cache!r}
if what == "text":
    from neoag.transcripts import read_gtf
    n = len(read_gtf(gtf))
elif what == "genes":
    from neoag.annotation.expression import gtf_transcript_genes
    n = len(gtf_transcript_genes(gtf))
elif what == "write":
    from neoag.transcript_cache import write_transcript_cache
    n = write_transcript_cache(gtf, None, cache)
elif what == "load":
    from neoag.transcript_cache import gtf_transcripts
    n = len(gtf_transcripts(gtf, None, cache))
elif what == "check":
    from neoag.transcript_cache import load_transcript_cache
    from neoag.transcripts import read_gtf
    from neoag.annotation.expression import gtf_transcript_genes
    parsed = load_transcript_cache(cache, gtf)
    assert parsed.models(genome_stops=False) == read_gtf(gtf), "the cache differs from read_gtf"
    assert parsed.transcript_genes == gtf_transcript_genes(gtf), "the cache's genes differ"
    n = len(parsed.transcripts)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_kib = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(json.dumps({{"what": what, "n": n, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mib": peak_kib / 1024}}))
"""

CONTIGS = [(f"{i}", 248_956_422 * (25 - i) // 24) for i in range(1, 23)] + [("X", 156_040_895), ("Y", 57_227_415)]


def _attributes(gene: int, transcript: int | None, coding: bool, exon: int | None = None) -> str:
    """Ensembl 110-style column 9 (the keys and their order as Ensembl writes them)."""
    gid = f"ENSG{gene:011d}"
    text = f'gene_id "{gid}"; gene_version "{gene % 20 + 1}"; '
    if transcript is not None:
        text += f'transcript_id "ENST{transcript:011d}"; transcript_version "{transcript % 7 + 1}"; '
    if exon is not None:
        text += f'exon_number "{exon}"; '
    biotype = "protein_coding" if coding else "lncRNA"
    text += f'gene_name "GENE{gene}"; gene_source "ensembl_havana"; gene_biotype "protein_coding"; '
    if transcript is not None:
        text += (
            f'transcript_name "GENE{gene}-{201 + transcript % 4}"; transcript_source "havana"; '
            f'transcript_biotype "{biotype}"; '
        )
        if exon is not None:
            text += f'exon_id "ENSE{transcript * 20 + exon:011d}"; exon_version "1"; '
        if coding:
            text += f'protein_id "ENSP{transcript:011d}"; protein_version "1"; tag "CCDS"; tag "basic"; '
            if transcript % 4 == 0:
                text += 'tag "Ensembl_canonical"; tag "MANE_Select"; '
        text += f'transcript_support_level "{transcript % 5 + 1}";'
    return text


def _transcript_rows(chrom: str, strand: str, gene: int, transcript: int, exons: list, coding: bool) -> list[str]:
    """The transcript, exon and (coding) CDS/codon/UTR rows of one transcript, exons 5'->3'."""
    row = f"{chrom}\tensembl_havana\t{{}}\t{{}}\t{{}}\t.\t{strand}\t{{}}\t{{}}\n"
    ordered = exons if strand == "+" else exons[::-1]
    rows = [row.format("transcript", exons[0][0], exons[-1][1], ".", _attributes(gene, transcript, coding))]
    for number, (start, end) in enumerate(ordered, start=1):
        attributes = _attributes(gene, transcript, coding, number)
        rows.append(row.format("exon", start, end, ".", attributes))
        if not coding:
            continue
        if number == 1:  # a 5' UTR, then the start codon and the CDS from the 31st base
            rows.append(row.format("five_prime_utr", start, start + 29, ".", attributes))
            rows.append(row.format("start_codon", start + 30, start + 32, "0", attributes))
        if number == len(ordered):  # the CDS up to 63 bases before the end; the stop codon; a 3' UTR
            rows.append(row.format("stop_codon", end - 62, end - 60, "0", attributes))
            rows.append(row.format("three_prime_utr", end - 59, end, ".", attributes))
        cds = (start + 30 if number == 1 else start, end - 63 if number == len(ordered) else end)
        rows.append(row.format("CDS", cds[0], cds[1], "0", attributes))
    return rows


def write_gtf(path: Path, genes: int, seed: int = 7) -> int:
    """A synthetic Ensembl-style GTF; returns its number of lines. Coding transcripts (every other
    one of a '+' gene) have whole rows of every feature, but their frames are not real ones; '-'
    genes are non-coding."""
    rng = random.Random(seed)
    per_contig = genes // len(CONTIGS) + 1
    lines, gene, transcript = 0, 0, 0
    with open(path, "w") as out:
        out.write("#!genome-build GRCh38.p14\n#!genome-version GRCh38\n")
        for chrom, length in CONTIGS:
            step = (length - 2_000_000) // per_contig
            for g in range(per_contig):
                if gene >= genes:
                    break
                gene += 1
                start = 1_000_000 + g * step
                strand = "+" if gene % 5 else "-"
                rows = []
                for _ in range(4):
                    transcript += 1
                    coding = strand == "+" and transcript % 2 == 0
                    n_exons = max(2, min(40, int(rng.lognormvariate(1.6, 0.6))))
                    position, exons = start + rng.randrange(0, 2000), []
                    for _ in range(n_exons):
                        size = rng.randrange(120, 400)
                        exons.append((position, position + size))
                        position += size + rng.randrange(300, 3000)
                    rows += _transcript_rows(chrom, strand, gene, transcript, exons, coding)
                span = (min(int(r.split("\t")[3]) for r in rows), max(int(r.split("\t")[4]) for r in rows))
                head = f"{chrom}\tensembl_havana\tgene\t{span[0]}\t{span[1]}\t.\t{strand}\t.\t"
                out.write(head + _attributes(gene, None, True) + "\n" + "".join(rows))
                lines += 1 + len(rows)
    return lines


def measure(what: str, gtf: Path, cache: Path) -> dict:
    code = CHILD.format(scripts=str(REPO / "scripts"), what=what, gtf=str(gtf), cache=str(cache))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--genes", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--folder", help="where to write the GTF and the cache (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        gtf, cache = Path(folder, "synthetic.gtf"), Path(folder, "transcripts.pkl")
        lines = write_gtf(gtf, args.genes)
        print(f"GTF: {args.genes} genes, {lines:,} lines, {gtf.stat().st_size / 2**20:.0f} MiB; load {os.getloadavg()}")
        results = [measure("write", gtf, cache)]
        print(f"cache: {cache.stat().st_size / 2**20:.0f} MiB; check: {measure('check', gtf, cache)}")
        for _ in range(args.repeats):
            results += [measure(what, gtf, cache) for what in ("text", "genes", "load")]
        for result in results:
            print(json.dumps(result))
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
