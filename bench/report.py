#!/usr/bin/env python3
"""Benchmark: the per-sample report at exome scale (peak memory, wall time, file size).

Writes a synthetic sample shaped like a whole-exome run (default 2.3 million
all_epitopes rows: 9,584 somatic variants x 40 peptides x 6 alleles, every
documented column filled; about 2.5 % of the rows pass the filters and become
candidates, as in the demo), with the evidence, annotation (3 transcripts per
variant with 500-residue proteins), variants, candidates, HLA and cohort tables
the report reads. Tiers come from neoag's own tier functions. Then it runs
neoag.report.html.write_report in a fresh Python process and records that
process's peak RSS, its wall time and the size of report.html.

    .venv/bin/python bench/report.py                       # 2.3 M rows, in a temporary folder
    .venv/bin/python bench/report.py --rows 200000 --keep /tmp/report-bench

Figures are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from measure import run_measured  # noqa: E402  (bench/measure.py, beside this file)

from neoag import columns as schema  # noqa: E402
from neoag.ranking.tiers import TIER_ORDER, TierSettings, assign_tiers, expression_state  # noqa: E402
from neoag.report.cohort import summarise_sample  # noqa: E402
from neoag.tables import write_table  # noqa: E402

ALLELES = ["HLA-A*02:01", "HLA-A*11:01", "HLA-B*07:02", "HLA-B*15:01", "HLA-C*04:01", "HLA-C*07:01"]
AMINO_ACIDS = np.frombuffer(b"ACDEFGHIKLMNPQRSTVWY", dtype="S1")
PEPTIDES_PER_VARIANT = 40
FILTERS = {"max_affinity_nm": 500, "max_affinity_percentile": 2.0, "min_tumor_dna_depth": 10,
           "min_tumor_dna_vaf": 0.05, "min_tumor_rna_alt_count": 0, "reference_match": "flag",
           "problematic_residues": ["C"]}  # fmt: skip
TIERS = {"min_clonal_ccf": 0.5, "min_expression_tpm": 1.0, "min_rna_depth": 10, "min_rna_vaf": 0.1,
         "anchor_positions": ""}  # fmt: skip


def random_strings(rng, n: int, length: int) -> np.ndarray:
    return AMINO_ACIDS[rng.integers(0, 20, (n, length))].view(f"S{length}").ravel().astype(str)


def make_variants(rng, n: int) -> pd.DataFrame:
    pos = np.sort(rng.choice(200_000_000, n, replace=False)) + 1
    chrom = [f"chr{1 + i * 22 // n}" for i in range(n)]
    depth = rng.integers(20, 300, n)
    vaf = rng.beta(2, 5, n)
    rna_depth = rng.integers(0, 200, n)
    rna_alt = np.round(rna_depth * rng.beta(2, 5, n)).astype(int)
    kinds = ["missense", "frameshift", "inframe_deletion", "inframe_insertion"]
    consequence = rng.choice(kinds, n, p=[0.85, 0.1, 0.03, 0.02])
    rna_vaf = np.where(rna_depth > 0, rna_alt / np.maximum(rna_depth, 1), np.nan)
    return pd.DataFrame({
        "sample": "bench", "variant_id": [f"{c}:{p}:A:C" for c, p in zip(chrom, pos)], "chrom": chrom, "pos": pos,
        "ref": "A", "alt": "C", "variant_type": "snv", "gene_id": [f"ENSG{i:011d}" for i in range(n)],
        "gene_name": [f"GENE{i}" for i in range(n)], "transcript_id": [f"ENST{i:011d}" for i in range(n)],
        "transcript_biotype": "protein_coding", "transcript_tags": "MANE_Select,Ensembl_canonical,basic",
        "transcript_support_level": "1", "consequence": consequence,
        "protein_change": [f"p.Gly{i % 900 + 1}Asp" for i in range(n)], "protein_position": rng.integers(1, 900, n),
        "cds_position": rng.integers(1, 2700, n), "cdna_position": rng.integers(1, 3000, n), "annotation_flags": "",
        "cis_variants": "", "trans_variants": "", "unphased_variants": "",
        "tumor_dna_depth": depth, "tumor_dna_alt_count": np.round(depth * vaf).astype(int),
        "tumor_dna_vaf": np.round(depth * vaf) / depth, "normal_dna_depth": rng.integers(20, 150, n),
        "normal_dna_alt_count": 0, "normal_dna_vaf": 0.0, "tumor_rna_depth": rna_depth,
        "tumor_rna_alt_count": rna_alt, "tumor_rna_vaf": rna_vaf,
        "gene_tpm": rng.lognormal(2, 2, n), "transcript_tpm": np.nan, "ccf": np.nan,
        "clonal": vaf >= 0.5 * vaf.max(),
    })  # fmt: skip


def percentile(nm: np.ndarray) -> np.ndarray:
    """Percentile rank of an affinity among the log-normal background (100 * normal CDF)."""
    from math import erf

    z = (np.log(nm) - np.log(15000)) / 1.6
    return 100 * 0.5 * (1 + np.vectorize(erf)(z / np.sqrt(2)))


def epitope_block(rng, variants: pd.DataFrame) -> pd.DataFrame:
    """all_epitopes rows of a block of variants (PEPTIDES_PER_VARIANT x alleles each)."""
    per_variant = PEPTIDES_PER_VARIANT * len(ALLELES)
    table = variants.iloc[np.repeat(np.arange(len(variants)), per_variant)].reset_index(drop=True)
    n = len(table)
    # Rows: variant, then peptide, then allele (each peptide is scored against every allele).
    unique_lengths = np.tile(np.repeat(np.arange(8, 12), PEPTIDES_PER_VARIANT // 4), len(variants))
    unique = np.empty(len(unique_lengths), dtype=object)
    for length in range(8, 12):
        chosen = unique_lengths == length
        unique[chosen] = random_strings(rng, int(chosen.sum()), length)
    lengths, peptides = np.repeat(unique_lengths, len(ALLELES)), np.repeat(unique, len(ALLELES))
    table["peptide_length"] = lengths
    table["mt_peptide"] = peptides
    frameshift = (table.consequence == "frameshift").to_numpy()
    # Missense-like: the wild type differs from the mutant at the mutated position (frameshifts have none).
    places = np.repeat(np.arange(len(unique)) % 8, len(ALLELES))
    table["wt_peptide"] = np.where(frameshift, "", [p[:k] + ("A" if p[k] != "A" else "G") + p[k + 1 :]
                                                    for p, k in zip(peptides, places)])  # fmt: skip
    table["peptide_start"] = rng.integers(1, 900, n)
    table["mutation_positions"] = [str(k + 1) for k in places]
    for name in ("mt_n_flank", "mt_c_flank", "wt_n_flank", "wt_c_flank"):
        table[name] = random_strings(rng, n, 15)
    table["allele"] = np.tile(ALLELES, n // len(ALLELES))
    # Log-normal affinities around 15 uM: about 2 % of the pairs bind (<= 500 nM or percentile <= 2).
    mt = np.clip(np.exp(rng.normal(np.log(15000), 1.6, n)), 1, 5e4)
    wt = np.where(frameshift, np.nan, np.clip(mt * np.exp(rng.normal(0.5, 1.0, n)), 1, 5e4))
    table["mt_affinity_nm"] = mt
    table["mt_affinity_percentile"] = percentile(mt)
    table["wt_affinity_nm"] = wt
    table["wt_affinity_percentile"] = percentile(wt)
    table["agretopicity"] = wt / mt
    table["mt_processing_score"] = rng.uniform(0, 1, n)
    table["mt_presentation_score"] = rng.uniform(0, 1, n)
    table["mt_presentation_percentile"] = table.mt_affinity_percentile * rng.uniform(0.5, 1.5, n)
    table["binder"] = (mt <= FILTERS["max_affinity_nm"]) | (table.mt_affinity_percentile <= 2.0)
    table["anchor_mutation"] = rng.uniform(0, 1, n) < 0.1
    table["in_reference_proteome"] = False
    table["problematic_residues"] = np.where(np.char.find(peptides.astype(str), "C") >= 0, "C", "")
    low_vaf = table.tumor_dna_vaf < FILTERS["min_tumor_dna_vaf"]
    reasons = np.where(table.binder, "", "not_binder")
    reasons = np.where(low_vaf, np.char.add(reasons, np.where(reasons == "", "low_vaf", ",low_vaf")), reasons)
    table["filter_reasons"] = reasons
    table["passes_filters"] = reasons == ""
    settings = TierSettings(**TIERS)
    anchor = table.anchor_mutation & (table.wt_affinity_nm <= FILTERS["max_affinity_nm"])
    table["tier"] = assign_tiers(table.passes_filters, anchor, table.clonal, expression_state(table, settings))
    return table


def write_sample(folder: Path, rows: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n_variants = -(-rows // (PEPTIDES_PER_VARIANT * len(ALLELES)))
    variants = make_variants(rng, n_variants)
    names = ("all_epitopes", "candidates", "variants", "evidence", "annotations", "alleles", "typing_report",
             "skipped", "summary")  # fmt: skip
    paths = {name: folder / f"{name}.tsv" for name in names}
    candidates, best, written = [], [], 0
    with open(paths["all_epitopes"], "w") as handle:
        for start in range(0, n_variants, 400):
            block = epitope_block(rng, variants.iloc[start : start + 400]).head(rows - written)
            block.loc[:, list(schema.ALL_EPITOPES)].to_csv(
                handle, sep="\t", index=False, header=start == 0, na_rep="", float_format="%.6g", lineterminator="\n"
            )
            written += len(block)
            candidates.append(block[block.passes_filters])
            block["order"] = block.tier.map(TIER_ORDER)
            best.append(block.sort_values(["order", "mt_presentation_percentile"]).drop_duplicates("variant_id"))
    chosen = pd.concat(candidates)
    chosen["order"] = chosen.tier.map(TIER_ORDER)
    chosen = chosen.sort_values(["order", "mt_presentation_percentile", "mt_affinity_nm"], kind="stable")
    chosen["rank"] = np.arange(1, len(chosen) + 1)
    write_table(chosen, paths["candidates"], schema.CANDIDATES)
    best = pd.concat(best).set_index("variant_id")
    variants["n_peptides"] = PEPTIDES_PER_VARIANT
    variants["n_candidates"] = variants.variant_id.map(chosen.variant_id.value_counts()).fillna(0).astype(int)
    for name, column in (("best_peptide", "mt_peptide"), ("best_allele", "allele"), ("tier", "tier"),
                         ("best_mt_affinity_nm", "mt_affinity_nm"),
                         ("best_mt_affinity_percentile", "mt_affinity_percentile")):  # fmt: skip
        variants[name] = variants.variant_id.map(best[column])
    write_table(variants, paths["variants"], schema.VARIANTS)
    write_other_tables(rng, variants, paths)
    summary = summarise_sample("bench", variants, chosen, callable_mb=35.0)
    write_table(pd.DataFrame([summary]), paths["summary"], schema.COHORT_SUMMARY)
    return {"paths": paths, "epitope_rows": written, "candidates": len(chosen), "variants": n_variants}


def write_other_tables(rng, variants: pd.DataFrame, paths: dict) -> None:
    germline = variants.sample(4 * len(variants), replace=True, random_state=1).assign(
        pos=lambda t: t.pos + 7, somatic_status="germline")  # fmt: skip
    germline["variant_id"] = germline.chrom + ":" + germline.pos.astype(str) + ":A:C"
    evidence = pd.concat([variants.assign(somatic_status="somatic"), germline])
    evidence = evidence.assign(callers="mutect2", caller_tumor_vaf=evidence.tumor_dna_vaf, caller_normal_vaf=0.0)
    write_table(evidence, paths["evidence"], schema.EVIDENCE_TABLE)
    annotations = variants.iloc[np.repeat(np.arange(len(variants)), 3)].reset_index(drop=True)
    annotations["mt_start"], annotations["mt_end"] = 100, 101
    annotations["wt_protein"] = random_strings(rng, len(annotations), 500)
    annotations["mt_protein"] = random_strings(rng, len(annotations), 500)
    write_table(annotations, paths["annotations"], schema.ANNOTATION_TABLE)
    pd.DataFrame({"allele": ALLELES, "source": "builtin"}).to_csv(paths["alleles"], sep="\t", index=False)
    typing = pd.DataFrame({"sample": "bench", "locus": [a[:5] for a in ALLELES], "allele": ALLELES, "copies": 1,
                           "tied_alleles": "", "matched_records": "", "reads": 80, "unique_reads": 70,
                           "margin_reads": 9, "locus_reads": 160, "flags": "", "typer": "builtin",
                           "sample_sheet_alleles": "", "used_for_scoring": "true"})  # fmt: skip
    typing.to_csv(paths["typing_report"], sep="\t", index=False)
    skipped = pd.DataFrame({"chrom": "chr1", "pos": [10, 20, 30], "ref": ["A", "N", "A"], "alt": ["<DEL>", "A", "*"],
                            "caller": "mutect2", "skip_reason": ["symbolic allele", "N or IUPAC code in REF/ALT",
                                                                 "spanning deletion '*'"]})  # fmt: skip
    skipped.to_csv(paths["skipped"], sep="\t", index=False)


RUN = """
import json, sys, time
sys.path.insert(0, {scripts!r})
from neoag.report.html import write_report
paths = json.loads({paths!r})
start = time.perf_counter()
write_report("bench", paths["evidence"], paths["annotations"], paths["all_epitopes"], paths["candidates"],
             paths["variants"], paths["alleles"], {models!r}, json.loads({filters!r}), json.loads({tiers!r}),
             {out!r}, paths["typing_report"], [paths["skipped"]], paths["summary"])
print(time.perf_counter() - start, next(line.split()[1] for line in open("/proc/self/status") if "VmHWM" in line))
"""


def run_report(paths: dict, out: Path) -> dict:
    code = RUN.format(scripts=str(REPO / "scripts"), paths=json.dumps({k: str(v) for k, v in paths.items()}),
                      models=str(REPO / "resources/demo/mhcflurry_demo_model"), filters=json.dumps(FILTERS),
                      tiers=json.dumps(TIERS), out=str(out))  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    inside, own_peak = completed.stdout.split()[-2:]
    # ru_maxrss of a child starts at its parent's resident set at fork (Linux keeps it across exec):
    # an upper bound here; VmHWM is the report process's own high-water mark.
    return {"wall_s": round(wall, 1), "inside_s": round(float(inside), 1),
            "peak_rss_mib": round(int(own_peak) / 1024), "maxrss_with_parent_mib": round(max(peak, before) / 1024),
            "html_bytes": out.stat().st_size}  # fmt: skip


COHORT = """
import sys, time
sys.path.insert(0, {scripts!r})
from neoag.report.cohort import write_cohort_report, write_cohort_summary
start = time.perf_counter()
write_cohort_summary(["bench", "bench_copy"], [{variants!r}] * 2, [{candidates!r}] * 2, "", 35.0,
                     {out!r} + "/summary.tsv", {out!r} + "/shared.tsv")
write_cohort_report({out!r} + "/summary.tsv", {out!r} + "/shared.tsv", {out!r} + "/cohort.html")
print(time.perf_counter() - start, next(line.split()[1] for line in open("/proc/self/status") if "VmHWM" in line))
"""


def run_cohort(paths: dict, out: Path) -> dict:
    """cohort_summary and the cohort page for two samples that are both this one (every candidate
    shared: the largest shared_neoantigens table two such samples can make), in a fresh process."""
    (out / "cohort").mkdir(exist_ok=True)
    code = COHORT.format(scripts=str(REPO / "scripts"), variants=str(paths["variants"]),
                         candidates=str(paths["candidates"]), out=str(out / "cohort"))  # fmt: skip
    completed, wall, cpu = run_measured([sys.executable, "-c", code])
    peak_kib = int(completed.stdout.split()[-1])  # the child's own high-water mark (VmHWM)
    shared = sum(1 for _ in open(out / "cohort" / "shared.tsv")) - 1
    return {"cohort_wall_s": round(wall, 1), "cohort_cpu_s": round(cpu, 1),
            "cohort_peak_rss_mib": round(peak_kib / 1024), "cohort_shared_rows": shared}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_300_000, help="all_epitopes rows (default 2.3 million)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the inputs and report.html here and keep them")
    parser.add_argument("--cohort", action="store_true", help="then cohort_summary and the cohort page too")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="neoag-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sample = write_sample(folder, args.rows, args.seed)
    made = time.perf_counter() - start
    load = os.getloadavg()[0]
    figures = run_report(sample["paths"], folder / "report.html")
    figures |= run_cohort(sample["paths"], folder) if args.cohort else {}
    epitopes_mb = sample["paths"]["all_epitopes"].stat().st_size / 1e6
    print(json.dumps({"epitope_rows": sample["epitope_rows"], "all_epitopes_mb": round(epitopes_mb),
                      "variants": sample["variants"], "candidates": sample["candidates"],
                      "inputs_written_s": round(made), "load_average": round(load, 1), **figures},
                     indent=1))  # fmt: skip
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
