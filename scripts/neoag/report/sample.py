"""The report's sample section: HLA types and their source, read depth, callable
territory, what was skipped and why, and the model that scored the peptides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoag.tables import read_table


def read_typing_report(path: str) -> pd.DataFrame:
    """hla/typing_report.tsv as text, its cells as written (used_for_scoring is true/false)."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def hla_rows(alleles: pd.DataFrame, typing: pd.DataFrame | None) -> list[dict]:
    """One row per scored or typed allele: scored?, source, typed?, flags, the sheet's alleles."""
    scored = dict(zip(alleles.allele, alleles.source))
    rows = {allele: {"allele": allele, "scored": True, "source": source, "typed_by": "", "flags": "",
                     "sheet": ""} for allele, source in scored.items()}  # fmt: skip
    if typing is not None and len(typing):
        for record in typing.to_dict("records"):
            name = record["allele"] or f"{record['locus']} (not typed)"
            row = rows.setdefault(name, {"allele": name, "scored": False, "source": "", "typed_by": "", "flags": "",
                                         "sheet": ""})  # fmt: skip
            row["typed_by"] = record["typer"] if record["typer"] != "sample_sheet" else ""
            row["flags"] = ",".join(f for f in (row["flags"], record["flags"]) if f)
            row["sheet"] = record["sample_sheet_alleles"]
    return sorted(rows.values(), key=lambda row: row["allele"])


def hla_disagreements(typing: pd.DataFrame | None) -> list[str]:
    """Loci where the typed alleles differ from the sample sheet's."""
    if typing is None or typing.empty or "flags" not in typing.columns:
        return []
    differs = typing[typing["flags"].str.contains("differs_from_sample_sheet")]
    return sorted(set(differs.locus))


def depth_rows(evidence: pd.DataFrame) -> list[dict]:
    """Median, minimum and maximum fragment depth of the somatic variants, per source."""
    somatic = evidence[evidence.somatic_status == "somatic"]
    rows = []
    for source, column in (("tumor DNA", "tumor_dna_depth"), ("normal DNA", "normal_dna_depth"),
                           ("tumor RNA", "tumor_rna_depth")):  # fmt: skip
        depth = somatic[column].dropna() if column in somatic.columns else pd.Series(dtype=float)
        if depth.empty:
            rows.append({"source": source, "variants": 0, "median": "", "min": "", "max": ""})
            continue
        rows.append({"source": source, "variants": len(depth), "median": f"{depth.median():g}",
                     "min": f"{depth.min():g}", "max": f"{depth.max():g}"})  # fmt: skip
    return rows


def territory(summary_tsv: str | None, sample: str) -> dict | None:
    """callable_mb and tmb_per_mb of the sample from results/cohort/summary.tsv."""
    if not summary_tsv:
        return None
    table = read_table(summary_tsv)
    row = table[table["sample"] == sample]
    if row.empty:
        return None
    return {"callable_mb": f"{row.callable_mb.iloc[0]:.4g}", "tmb_per_mb": f"{row.tmb_per_mb.iloc[0]:.4g}",
            "coding_variants": int(row.coding_variants.iloc[0])}  # fmt: skip


def skipped_summary(paths: list[str], examples: int = 20) -> dict:
    """Counts of skipped records by caller and reason, and the first few records."""
    tables = [read_table(path) for path in paths]
    empty = pd.DataFrame(columns=["chrom", "pos", "ref", "alt", "caller", "skip_reason"])
    table = pd.concat(tables) if tables else empty
    counts = table.groupby(["caller", "skip_reason"]).size().reset_index(name="records")
    return {
        "total": len(table),
        "counts": counts.to_dict("records"),
        "examples": table.head(examples).astype(str).to_dict("records"),
        "files": [str(Path(p)) for p in paths],
    }


def model_facts(models_dir: str) -> dict:
    """The model folder, its layout and, for the demo model, its label and versions."""
    from neoag.scoring.models import ModelsFolder

    folder = ModelsFolder(models_dir)
    demo = folder.demo_info()
    facts = {"path": str(models_dir), "layout": folder.layout, "demo": bool(demo), "label": "", "details": []}
    if demo:
        facts["label"] = demo.get("label", "DEMO MODEL")
        facts["details"] = [f"{key}: {demo[key]}" for key in ("trained_by", "mhcflurry_version", "seed") if key in demo]
    return facts
