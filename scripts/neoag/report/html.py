"""The per-sample HTML report: one self-contained file, rendered from Jinja2 templates.

Every candidate is in the file (gzip-compressed JSON that the page decompresses
with the browser's DecompressionStream), with client-side search, filters,
sorting and paging; a view per variant; a sample section (HLA, depth,
territory, skipped records, model); plots drawn from aggregates. Nothing is
fetched from the network when the file is opened. all_epitopes.tsv is streamed
(epitopes.py), so memory follows the candidates and variants, not its rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from neoag import columns as schema
from neoag.ranking.tiers import TIERS, TierSettings
from neoag.report import plots
from neoag.report import sample as facts
from neoag.report.epitopes import EpitopeSummary, best_score_per_variant, summarise_epitopes
from neoag.report.explain import CRITERIA, TIER_MEANING, tier_reasons
from neoag.report.packing import candidate_columnar, columnar, pack, split_inherited, with_compact_wt
from neoag.tables import read_table, read_table_chunks

# Columns shown first; the others are one click away ("Columns").
DEFAULT_COLUMNS = ["rank", "tier", "gene_name", "protein_change", "mt_peptide", "allele", "mt_affinity_nm",
                   "SCORE", "agretopicity", "tumor_dna_vaf", "tumor_rna_vaf", "clonal", "reasons"]  # fmt: skip
# Long sequence context that the report leaves to candidates.tsv (it would dominate the file's size).
LEFT_OUT = ("sample", "mt_n_flank", "mt_c_flank", "wt_n_flank", "wt_c_flank")
PEPTIDE_COLUMNS = ["variant_id", "allele", "mt_peptide", "wt_peptide", "mutation_positions", "mt_affinity_nm",
                   "mt_affinity_percentile", "wt_affinity_nm", "mt_presentation_percentile",
                   "passes_filters", "filter_reasons", "tier"]  # fmt: skip
REASONS_HELP = "why the row is not Pass: the soft criteria it fails and filter:<name> for each filter it fails"
# Tables the report links to, relative to results/{sample}/.
LINKS = [("candidates.tsv", "candidates (pass every filter)"), ("variants.tsv", "one row per somatic variant"),
         ("all_epitopes.tsv", "every peptide x allele"), ("somatic.neoag.vcf.gz", "somatic VCF with neoag INFO"),
         ("hla/typing_report.tsv", "HLA typing"),
         ("calls/evidence.tsv", "read evidence of every candidate allele")]  # fmt: skip


@dataclass
class ReportInputs:
    """Everything one report shows, already read (tables) or aggregated (epitopes)."""

    sample: str
    evidence: pd.DataFrame
    consequences: pd.DataFrame
    epitopes: EpitopeSummary
    candidates: pd.DataFrame
    variants: pd.DataFrame
    alleles: pd.DataFrame
    typing: pd.DataFrame | None
    skipped: dict
    model: dict
    territory: dict | None
    filters: dict
    tiers: dict
    tumor_only: dict | None = None  # config tumor_only, for a tumor-only sample


def candidate_table(inputs: ReportInputs) -> tuple[pd.DataFrame, list[str]]:
    """Candidates with their tier reasons, and the columns the report carries."""
    table = inputs.candidates.copy()
    settings = TierSettings(**{f.name: inputs.tiers[f.name] for f in fields(TierSettings) if f.name in inputs.tiers})
    table["reasons"] = tier_reasons(table, settings, inputs.filters["max_affinity_nm"]) if len(table) else ""
    names = [c for c in (*schema.CANDIDATES, "reasons") if c not in LEFT_OUT and c in table.columns]
    return table, names


def variant_table(inputs: ReportInputs, candidates: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Variants with the reasons of their best candidate ('' when none passes the filters)."""
    table = inputs.variants.copy()
    best = candidates.sort_values("rank").drop_duplicates("variant_id").set_index("variant_id").reasons
    table["reasons"] = table.variant_id.map(best).fillna("") if len(table) else ""
    names = [c for c in (*schema.VARIANTS, "reasons") if c not in LEFT_OUT and c in table.columns]
    return table, names


def payload(inputs: ReportInputs) -> dict:
    """What the page's script works from: the tables (columnar), their column help, the defaults."""
    candidates, candidate_columns = candidate_table(inputs)
    variants, variant_columns = variant_table(inputs, candidates)
    peptides = inputs.epitopes.best
    inherited, overrides = split_inherited(candidates, variants, candidate_columns)
    help_text = {**schema.VARIANTS, **schema.CANDIDATES, "reasons": REASONS_HELP}
    score = inputs.epitopes.score
    return {
        "candidates": candidate_columnar(with_compact_wt(candidates), candidate_columns, inherited, variants),
        "inherited": overrides,
        "candidate_columns": candidate_columns,
        "variants": columnar(variants, variant_columns),
        "peptides": columnar(with_compact_wt(peptides), [c for c in PEPTIDE_COLUMNS if c in peptides.columns]),
        "help": {name: help_text.get(name, "") for name in dict.fromkeys(candidate_columns + variant_columns)},
        "default_columns": [score if c == "SCORE" else c for c in DEFAULT_COLUMNS],
        "score": score,
        "criteria": {key: text for key, (_, text) in CRITERIA.items()},
        "tiers": list(TIERS),
        "alleles": inputs.alleles.allele.tolist(),
        "min_clonal_ccf": inputs.tiers.get("min_clonal_ccf"),
    }


def tier_counts(epitopes: pd.Series, candidates: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """Rows per tier (TIERS order): all_epitopes (counts given), candidates and variants (best tier)."""

    def count(table: pd.DataFrame) -> pd.Series:
        column = table["tier"] if "tier" in table.columns else pd.Series(dtype=str)
        return column.value_counts().reindex(TIERS, fill_value=0).astype(int)

    return pd.DataFrame(
        {
            "variants (best tier)": count(variants),
            "candidates": count(candidates),
            "peptide x allele rows": epitopes.reindex(TIERS, fill_value=0).astype(int),
        }
    )


# A VCF-only sample (no normal BAM: every somatic variant without normal evidence) says so.
CALLER_DECISION = (
    "the caller's (VCF-only sample): tumor depths and VAFs from its FORMAT fields, no normal check, "
    "no germline neighbours or read-backed phasing"
)


def tumor_only_decision(settings: dict) -> str:
    """The summary's line for a tumor-only sample: no normal check, and what removed germline variants."""
    used = [f"panel of normals ({Path(settings['panel_of_normals']).name})"] if settings.get("panel_of_normals") else []
    if settings.get("population_vcf"):
        used.append(f"population AF above {settings['max_population_af']} ({Path(settings['population_vcf']).name})")
    return (
        "TUMOR-ONLY sample (no normal BAM): neoag's tumor evidence, no normal check; germline variants removed by "
        + (" and ".join(used) or "nothing (no tumor_only resource set: germline variants pass as somatic)")
    )


def summary_items(inputs: ReportInputs) -> list[tuple[str, str]]:
    evidence, epitopes = inputs.evidence, inputs.epitopes
    statuses = evidence.somatic_status.value_counts().sort_index()
    consequences = inputs.consequences.consequence.value_counts().sort_index()
    somatic = evidence[evidence.somatic_status == "somatic"]
    normal_depth = pd.to_numeric(somatic.get("normal_dna_depth", pd.Series(0.0)), errors="coerce")
    caller_decision = inputs.tumor_only is None and len(somatic) > 0 and bool(normal_depth.isna().all())
    decision = [("somatic decision", CALLER_DECISION)] if caller_decision else []
    if inputs.tumor_only is not None:
        decision = [("somatic decision", tumor_only_decision(inputs.tumor_only))]
    return [
        ("candidate alleles from the caller", str(len(evidence))),
        ("by somatic status", ", ".join(f"{k} {v}" for k, v in statuses.items()) or "none"),
        ("somatic variants", str(int((evidence.somatic_status == "somatic").sum()))),
        *decision,
        ("by consequence (main transcript)", ", ".join(f"{k} {v}" for k, v in consequences.items()) or "none"),
        ("mutant peptides scored", f"{len(epitopes.peptides):,}"),
        ("peptide x allele pairs", f"{epitopes.rows:,}"),
        ("binders", f"{epitopes.binders:,}"),
        ("candidates (pass every filter)", f"{len(inputs.candidates):,}"),
    ]


def context(inputs: ReportInputs) -> dict:
    """The template's variables."""
    epitopes, candidates = inputs.epitopes, inputs.candidates
    counts = tier_counts(pd.Series(epitopes.tiers, dtype=int), candidates, inputs.variants)
    somatic = bool((inputs.evidence.somatic_status == "somatic").any())
    plot_uris = []
    if somatic and epitopes.rows:
        plot_uris = [
            plots.mt_vs_wt(epitopes, candidates, inputs.filters["max_affinity_nm"]),
            plots.vaf_vs_score(inputs.variants, best_score_per_variant(epitopes), epitopes.score),
            plots.candidates_per_allele(candidates, inputs.alleles.allele.tolist(), TIERS),
        ]
    return {
        "sample": inputs.sample,
        "model": inputs.model,
        "summary": summary_items(inputs),
        "somatic": somatic,
        "n_evidence": len(inputs.evidence),
        "n_epitopes": epitopes.rows,
        "n_candidates": len(candidates),
        "n_poor": int((candidates.tier == "Poor").sum()) if len(candidates) else 0,
        "tier_rows": [(tier, TIER_MEANING[tier], list(row)) for tier, row in zip(counts.index, counts.to_numpy())],
        "tier_columns": list(counts.columns),
        "criteria": CRITERIA,
        "filter_reasons": sorted(epitopes.filter_reasons.items()),
        "hla": facts.hla_rows(inputs.alleles, inputs.typing),
        "hla_disagreements": facts.hla_disagreements(inputs.typing),
        "depth": facts.depth_rows(inputs.evidence),
        "territory": inputs.territory,
        "skipped": inputs.skipped,
        "filters": json.dumps(inputs.filters, sort_keys=True),
        "tiers": json.dumps(inputs.tiers, sort_keys=True),
        "links": LINKS,
        "plots": plot_uris,
        "data": pack(payload(inputs)) if epitopes.rows else "",
        "help": {**schema.VARIANTS, **schema.CANDIDATES, "reasons": REASONS_HELP},
    }


def environment():
    """The Jinja2 environment of the report templates (autoescaped, strict about unknown names)."""
    import jinja2

    loader = jinja2.FileSystemLoader(Path(__file__).with_name("templates"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)  # fmt: skip


def render_report(inputs: ReportInputs) -> str:
    """The report's HTML text."""
    return environment().get_template("report.html.j2").render(**context(inputs))


def main_consequences(annotations_tsv: str) -> pd.DataFrame:
    """variant_id and consequence of each variant's first (main) annotation row, read in chunks."""
    chunks = read_table_chunks(annotations_tsv, ["variant_id", "consequence"])
    parts = [chunk.drop_duplicates("variant_id") for chunk in chunks]
    if not parts:
        return pd.DataFrame({"variant_id": pd.Series(dtype=str), "consequence": pd.Series(dtype=str)})
    return pd.concat(parts).drop_duplicates("variant_id")


def write_report(
    sample: str,
    evidence_tsv: str,
    annotations_tsv: str,
    all_epitopes_tsv: str,
    candidates_tsv: str,
    variants_tsv: str,
    alleles_tsv: str,
    models_dir: str,
    filters: dict,
    tiers: dict,
    out_html: str,
    typing_report_tsv: str | None = None,
    skipped_tsvs: list[str] = (),
    cohort_summary_tsv: str | None = None,
    tumor_only: dict | None = None,
) -> None:
    """Read the sample's tables (all_epitopes.tsv streamed) and write report.html. tumor_only: config
    tumor_only for a tumor-only sample (the summary says so), None for the others."""
    inputs = ReportInputs(
        sample=sample,
        evidence=read_table(evidence_tsv),
        consequences=main_consequences(annotations_tsv),
        epitopes=summarise_epitopes(all_epitopes_tsv),
        candidates=read_table(candidates_tsv),
        variants=read_table(variants_tsv),
        alleles=read_table(alleles_tsv),
        typing=facts.read_typing_report(typing_report_tsv) if typing_report_tsv else None,
        skipped=facts.skipped_summary(list(skipped_tsvs)),
        model=facts.model_facts(models_dir),
        territory=facts.territory(cohort_summary_tsv, sample),
        filters=filters,
        tiers=tiers,
        tumor_only=tumor_only,
    )
    Path(out_html).write_text(render_report(inputs))
