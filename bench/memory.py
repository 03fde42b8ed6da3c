"""Peak memory of the jobs whose memory grows with their input: rank and report (issue 16).

The demo patient's rank inputs (results/demo/ of a finished demo run) are copied K times, each copy
with its variants moved 100 kb further along the contig (new variant IDs, the same peptides and
scores), so that the tables grow as they do with more variants. rank (write_rankings) and then
report (write_report) run in a fresh Python process each; their peak RSS and the size of the inputs
that rules/*.smk scale mem_mb by are printed as a table (bench/README.md records it).

    .venv/bin/python bench/memory.py 1 8 32
"""

import json
import resource
import subprocess
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "results/demo"

RANK = """
import sys; sys.path.insert(0, "scripts")
from neoag.ranking.clonality import Clonality
from neoag.ranking.rank import Filters, write_rankings
from neoag.ranking.tiers import TierSettings
d = sys.argv[1]
write_rankings(sample="demo", peptides_tsv=f"{d}/peptides.tsv", annotations_tsv=f"{d}/annotations.tsv",
    evidence_tsv=f"{d}/evidence.tsv", scores_npz="results/demo/scores/scores.npz", filters=Filters(),
    all_epitopes_tsv=f"{d}/all_epitopes.tsv", candidates_tsv=f"{d}/candidates.tsv", variants_tsv=f"{d}/variants.tsv",
    expression_tsv=None, proteome_fasta="results/reference/proteome.fa", tiers=TierSettings(), clonality=Clonality())
"""

REPORT = """
import sys; sys.path.insert(0, "scripts")
from neoag.report.html import write_report
d = sys.argv[1]
write_report(sample="demo", evidence_tsv=f"{d}/evidence.tsv", annotations_tsv=f"{d}/annotations.tsv",
    all_epitopes_tsv=f"{d}/all_epitopes.tsv", candidates_tsv=f"{d}/candidates.tsv",
    alleles_tsv="results/demo/hla/alleles.tsv", models_dir="resources/demo/mhcflurry_demo_model",
    filters={}, out_html=f"{d}/report.html", variants_tsv=f"{d}/variants.tsv", tiers={})
"""


def moved(table: pd.DataFrame, copy: int) -> pd.DataFrame:
    """The table with every variant moved copy * 100 kb (variant_id, pos)."""
    out = table.copy()
    shift = copy * 100_000
    parts = out["variant_id"].str.split(":", expand=True)
    out["variant_id"] = parts[0] + ":" + (parts[1].astype(int) + shift).astype(str) + ":" + parts[2] + ":" + parts[3]
    if "pos" in out.columns:
        out["pos"] = out["pos"].astype(int) + shift
    return out


def scaled_inputs(folder: Path, copies: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in (("peptides.tsv", "peptides/peptides.tsv"), ("annotations.tsv", "annotation/annotations.tsv"),
                         ("evidence.tsv", "calls/evidence.tsv")):  # fmt: skip
        table = pd.read_csv(DEMO / source, sep="\t", dtype=str, keep_default_na=False)
        pd.concat([moved(table, k) for k in range(copies)]).to_csv(folder / name, sep="\t", index=False)


def peak_rss_mb(code: str, folder: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code, str(folder)], cwd=REPO, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024  # ru_maxrss is the largest child so far (KiB)


def size_mb(*paths: Path) -> float:
    return sum(path.stat().st_size for path in paths) / 2**20


def main(copies_list: list[int]) -> None:
    rows = []
    for copies in copies_list:
        folder = REPO / f"tmp/bench-memory/x{copies}"  # the repository's /tmp/ is ignored by git
        scaled_inputs(folder, copies)
        rank_mb = peak_rss_mb(RANK, folder)
        report_mb = peak_rss_mb(REPORT, folder)
        epitopes = sum(1 for _ in open(folder / "all_epitopes.tsv")) - 1
        rows.append({
            "copies": copies, "all_epitopes rows": epitopes,
            "rank inputs MB (peptides+annotations+evidence)": round(size_mb(*(folder / n for n in ("peptides.tsv", "annotations.tsv", "evidence.tsv"))), 2),
            "rank peak RSS MB": round(rank_mb), "report input MB (all_epitopes+candidates)": round(size_mb(folder / "all_epitopes.tsv", folder / "candidates.tsv"), 2),
            "report peak RSS MB": round(report_mb),
        })  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    print(pd.DataFrame(rows).to_markdown(index=False))


if __name__ == "__main__":
    main([int(value) for value in sys.argv[1:]] or [1, 8, 32])
