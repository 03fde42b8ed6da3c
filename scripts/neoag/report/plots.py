"""The report's plots, drawn from aggregates (epitopes.EpitopeSummary), as inline PNG data URIs."""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd

from neoag.report.epitopes import AFFINITY_EDGES, EpitopeSummary


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(5, 4))


def _data_uri(figure) -> str:
    """A matplotlib figure as a base64 PNG data URI (no timestamp in the bytes)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def mt_vs_wt(summary: EpitopeSummary, candidates: pd.DataFrame, max_affinity_nm: float) -> str:
    """Density of every MT/WT pair (grey) with the candidates on top (red)."""
    from matplotlib.colors import LogNorm

    figure, axes = _figure()
    if summary.density.any():
        axes.pcolormesh(AFFINITY_EDGES, AFFINITY_EDGES, summary.density.T, cmap="Greys", norm=LogNorm(vmin=1))
    paired = candidates.dropna(subset=["wt_affinity_nm", "mt_affinity_nm"])
    axes.scatter(paired.wt_affinity_nm, paired.mt_affinity_nm, s=6, color="#c0392b", alpha=0.6, linewidths=0)
    axes.set(xscale="log", yscale="log", xlabel="WT affinity (nM)", ylabel="MT affinity (nM)",
             title=f"MT vs WT: {summary.rows - summary.without_wt:,} pairs (grey), candidates (red)")  # fmt: skip
    axes.title.set_fontsize(9)
    axes.plot([1, 1e5], [1, 1e5], color="black", linewidth=0.5)
    axes.axhline(max_affinity_nm, color="#2980b9", linewidth=0.5, linestyle="--")
    return _data_uri(figure)


def vaf_vs_score(variants: pd.DataFrame, best_scores: pd.Series, score: str) -> str:
    """Each variant's tumor DNA VAF against its best ranking percentile."""
    figure, axes = _figure()
    joined = variants.set_index("variant_id").tumor_dna_vaf.to_frame().join(best_scores.rename("score"), how="inner")
    axes.scatter(joined.tumor_dna_vaf, joined.score, s=12, color="#8e44ad")
    axes.set(xlabel="tumor DNA VAF", ylabel=f"best {score}", title="Clonality vs the best peptide of each variant")
    axes.title.set_fontsize(9)
    axes.invert_yaxis()
    return _data_uri(figure)


def candidates_per_allele(candidates: pd.DataFrame, alleles: list[str], tiers: tuple[str, ...]) -> str:
    """Candidates per allele, stacked by tier."""
    figure, axes = _figure()
    counts = candidates.groupby(["allele", "tier"]).size().unstack(fill_value=0).reindex(alleles, fill_value=0)
    bottom = np.zeros(len(alleles))
    colours = ["#27ae60", "#2980b9", "#8e44ad", "#f39c12", "#d35400", "#7f8c8d"]
    for tier, colour in zip(tiers, colours):
        values = counts[tier].to_numpy() if tier in counts.columns else np.zeros(len(alleles))
        axes.bar(range(len(alleles)), values, bottom=bottom, color=colour, label=tier)
        bottom += values
    axes.set_xticks(range(len(alleles)), alleles, rotation=45, ha="right")
    axes.set(ylabel="candidates", title="Candidates per allele, by tier")
    axes.title.set_fontsize(9)
    axes.legend(fontsize=7)
    return _data_uri(figure)


def tiers_per_sample(summary: pd.DataFrame, tiers: tuple[str, ...]) -> str:
    """Somatic variants of each sample (cohort/summary.tsv), stacked by best tier."""
    figure, axes = _figure()
    figure.set_size_inches(max(5, 0.5 * len(summary) + 2), 4)
    bottom = np.zeros(len(summary))
    colours = ["#27ae60", "#2980b9", "#8e44ad", "#f39c12", "#d35400", "#7f8c8d"]
    for tier, colour in zip(tiers, colours):
        values = summary[f"tier_{tier.lower()}"].to_numpy(dtype=float)
        axes.bar(range(len(summary)), values, bottom=bottom, color=colour, label=tier)
        bottom += values
    axes.set_xticks(range(len(summary)), summary["sample"], rotation=45, ha="right")
    axes.set(ylabel="somatic variants", title="Somatic variants by best tier")
    axes.title.set_fontsize(9)
    axes.legend(fontsize=7)
    return _data_uri(figure)
