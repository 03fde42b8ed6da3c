"""The per-sample HTML report: one self-contained file (inline CSS, JS and PNG plots).

It shows a summary, the plots (MT vs WT affinity, VAF vs score, candidates per
allele) and the top candidates in a sortable table, and warns loudly when the
demo model scored the peptides. Nothing is fetched from the network when the
file is opened.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import pandas as pd

from neoag.ranking.tiers import TIERS
from neoag.tables import read_table

TOP_ROWS = 50
TABLE_COLUMNS = (
    "rank",
    "tier",
    "gene_name",
    "protein_change",
    "consequence",
    "mt_peptide",
    "wt_peptide",
    "allele",
    "mt_affinity_nm",
    "mt_affinity_percentile",
    "wt_affinity_nm",
    "agretopicity",
    "mt_presentation_percentile",
    "tumor_dna_vaf",
    "tumor_rna_vaf",
    "ccf",
    "clonal",
    "anchor_mutation",
    "in_reference_proteome",
    "problematic_residues",
)

# What each tier means, in one line (docs/output.md has the full definitions).
TIER_MEANING = {
    "Pass": "passes every filter; no soft criterion fails",
    "Anchor": "only anchor residues are mutated and the wild type binds too",
    "Subclonal": "the variant is in only part of the cancer cells (below tiers.min_clonal_ccf)",
    "LowExpr": "weak expression or RNA support",
    "NoExpr": "the tumor does not express the mutant allele",
    "Poor": "fails a filter, or two or more of the criteria above",
}


def _png(figure) -> str:
    """A matplotlib figure as an <img> with inline base64 PNG (no timestamp in the bytes)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img class="plot" alt="plot" src="data:image/png;base64,{data}">'


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(5, 4))


def plot_mt_vs_wt(epitopes: pd.DataFrame) -> str:
    figure, axes = _figure()
    paired = epitopes.dropna(subset=["wt_affinity_nm", "mt_affinity_nm"])
    colours = paired.passes_filters.map({True: "#c0392b", False: "#95a5a6"})
    axes.scatter(paired.wt_affinity_nm, paired.mt_affinity_nm, s=8, c=colours, alpha=0.7)
    axes.set(xscale="log", yscale="log", xlabel="WT affinity (nM)", ylabel="MT affinity (nM)",
             title="Mutant vs wild-type binding (red: candidates)")  # fmt: skip
    limits = [1, 1e5]
    axes.plot(limits, limits, color="black", linewidth=0.5)
    axes.axhline(500, color="#2980b9", linewidth=0.5, linestyle="--")
    return _png(figure)


def plot_vaf_vs_score(epitopes: pd.DataFrame, score: str) -> str:
    figure, axes = _figure()
    best = epitopes.sort_values(score).drop_duplicates("variant_id")
    axes.scatter(best.tumor_dna_vaf, best[score], s=14, color="#8e44ad")
    axes.set(xlabel="tumor DNA VAF", ylabel=f"best {score} of the variant", title="Clonality vs binding")
    if "percentile" in score:
        axes.invert_yaxis()
    return _png(figure)


def plot_candidates_per_allele(candidates: pd.DataFrame, alleles: list[str]) -> str:
    figure, axes = _figure()
    counts = candidates.groupby("allele").size().reindex(alleles, fill_value=0)
    axes.bar(range(len(counts)), counts.to_numpy(), color="#16a085")
    axes.set_xticks(range(len(counts)), counts.index, rotation=45, ha="right")
    axes.set(ylabel="candidates", title="Candidates per allele")
    return _png(figure)


def _table(candidates: pd.DataFrame) -> str:
    columns = [c for c in TABLE_COLUMNS if c in candidates.columns]
    head = "".join(f"<th data-column='{i}'>{html.escape(c)}</th>" for i, c in enumerate(columns))
    rows = []
    for row in candidates.head(TOP_ROWS)[columns].itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, float):
                text = "" if pd.isna(value) else f"{value:.4g}"
            else:
                text = html.escape(str(value))
            cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table id='candidates'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<div class='scroll'>{table}</div>"


def tier_counts(epitopes: pd.DataFrame, candidates: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """Rows per tier (TIERS order) of all_epitopes, candidates and variants (best tier)."""

    def count(table: pd.DataFrame) -> pd.Series:
        column = table["tier"] if "tier" in table.columns else pd.Series(dtype=str)
        return column.value_counts().reindex(TIERS, fill_value=0).astype(int)

    return pd.DataFrame(
        {
            "variants (best tier)": count(variants),
            "candidates": count(candidates),
            "peptide x allele rows": count(epitopes),
        }
    )


def _tier_table(counts: pd.DataFrame) -> str:
    head = "<th>tier</th><th>meaning</th>" + "".join(f"<th>{html.escape(c)}</th>" for c in counts.columns)
    rows = [
        f"<tr class='tier-{tier}'><td>{tier}</td><td>{html.escape(TIER_MEANING[tier])}</td>"
        + "".join(f"<td>{n}</td>" for n in row)
        + "</tr>"
        for tier, row in zip(counts.index, counts.itertuples(index=False))
    ]
    return f"<table id='tiers'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _summary(evidence: pd.DataFrame, annotations: pd.DataFrame, epitopes: pd.DataFrame, candidates) -> list:
    somatic = evidence[evidence.somatic_status == "somatic"]
    statuses = evidence.somatic_status.value_counts().sort_index()
    consequences = annotations.drop_duplicates("variant_id").consequence.value_counts().sort_index()
    return [
        ("candidate alleles from the caller", len(evidence)),
        ("by somatic status", ", ".join(f"{k} {v}" for k, v in statuses.items()) or "none"),
        ("somatic variants", len(somatic)),
        ("by consequence (main transcript)", ", ".join(f"{k} {v}" for k, v in consequences.items()) or "none"),
        ("mutant peptides scored", epitopes.mt_peptide.nunique() if len(epitopes) else 0),
        ("peptide x allele pairs", len(epitopes)),
        ("binders", int(epitopes.binder.sum()) if len(epitopes) else 0),
        ("candidates (pass every filter)", len(candidates)),
    ]


STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1300px}
h1{margin-bottom:0}.sub{color:#666;margin-top:.2em}
.warning{background:#fdecea;border:2px solid #c0392b;padding:1em;margin:1em 0;font-weight:600}
.empty{background:#fef9e7;border:1px solid #f1c40f;padding:1em}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 6px;white-space:nowrap}
th{background:#f4f6f7;cursor:pointer;user-select:none}th:hover{background:#e5e8e8}
.plots{display:flex;flex-wrap:wrap;gap:1em}.plot{border:1px solid #eee}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}
#tiers{margin-bottom:1em}.tier-Pass td:first-child{background:#d5f5e3}.tier-Poor td:first-child{background:#f2f3f4}
"""

# Sorting by a click on a header; numbers sort as numbers. On the load event (images
# included) it records on <body> how many plots decoded, so a headless browser can check.
SCRIPT = """
document.querySelectorAll('#candidates th').forEach(function(th){
  th.addEventListener('click',function(){
    var table=th.closest('table'),body=table.tBodies[0],i=+th.dataset.column;
    var up=th.dataset.order!=='asc';th.dataset.order=up?'asc':'desc';
    var rows=Array.from(body.rows);
    rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent;
      var nx=parseFloat(x),ny=parseFloat(y);
      var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return up?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});
  });
});
window.addEventListener('load',function(){
  var ok=Array.from(document.images).filter(function(img){return img.complete&&img.naturalWidth>0;}).length;
  document.body.dataset.plots=ok;
  document.body.dataset.rows=document.querySelectorAll('#candidates tbody tr').length;
  document.body.dataset.tiers=document.querySelectorAll('#tiers tbody tr').length;
  document.body.dataset.ready='yes';
});
"""


def render_report(
    sample: str,
    evidence: pd.DataFrame,
    annotations: pd.DataFrame,
    epitopes: pd.DataFrame,
    candidates: pd.DataFrame,
    alleles: list[str],
    demo_label: str | None,
    filters: dict,
    variants: pd.DataFrame | None = None,
    tiers: dict | None = None,
) -> str:
    """The report's HTML text."""
    parts = [f"<h1>neoag report: {html.escape(sample)}</h1>",
             "<p class='sub'>Ranked neoantigen candidates. Column definitions: docs/output.md.</p>"]  # fmt: skip
    if demo_label:
        parts.append(f"<div class='warning' id='demo-warning'>{html.escape(demo_label)}</div>")
    parts.append("<h2>Summary</h2><dl>")
    for name, value in _summary(evidence, annotations, epitopes, candidates):
        parts.append(f"<dt>{html.escape(name)}</dt><dd>{html.escape(str(value))}</dd>")
    parts.append(f"<dt>HLA alleles</dt><dd>{html.escape(', '.join(alleles))}</dd>")
    parts.append(f"<dt>filters</dt><dd><code>{html.escape(json.dumps(filters, sort_keys=True))}</code></dd>")
    if tiers is not None:
        parts.append(f"<dt>tier thresholds</dt><dd><code>{html.escape(json.dumps(tiers, sort_keys=True))}</code></dd>")
    parts.append("</dl>")
    parts.append("<h2>Tiers</h2><p>Candidates are ranked by tier first (definitions: docs/output.md, Tiers).</p>")
    parts.append(_tier_table(tier_counts(epitopes, candidates, variants if variants is not None else pd.DataFrame())))

    if not (evidence.somatic_status == "somatic").any():
        parts.append(f"<div class='empty' id='no-somatic'>No somatic variants: none of the {len(evidence)} candidate "
                     "alleles passed the somatic filters, so there are no peptides and nothing to rank. The result "
                     "tables are empty (headers only).</div>")  # fmt: skip
    elif epitopes.empty:
        parts.append("<div class='empty' id='no-epitopes'>No somatic variant of this sample changes a protein "
                     "in a way that makes new peptides, so there is nothing to rank.</div>")  # fmt: skip
    else:
        presentation = epitopes.mt_presentation_percentile.notna().any()
        score = "mt_presentation_percentile" if presentation else "mt_affinity_percentile"
        parts.append("<h2>Plots</h2><div class='plots'>")
        parts.append(plot_mt_vs_wt(epitopes))
        parts.append(plot_vaf_vs_score(epitopes, score))
        parts.append(plot_candidates_per_allele(candidates, alleles))
        parts.append("</div>")
        parts.append(f"<h2>Top candidates</h2><p>The best {min(TOP_ROWS, len(candidates))} of "
                     f"{len(candidates)} (click a column to sort).</p>")  # fmt: skip
        parts.append(
            _table(candidates) if len(candidates) else "<div class='empty'>No candidate passes the filters.</div>"
        )
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>neoag {html.escape(sample)}</title>"
            f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n")  # fmt: skip


def write_report(
    sample: str,
    evidence_tsv: str,
    annotations_tsv: str,
    all_epitopes_tsv: str,
    candidates_tsv: str,
    alleles_tsv: str,
    models_dir: str,
    filters: dict,
    out_html: str,
    variants_tsv: str | None = None,
    tiers: dict | None = None,
) -> None:
    from neoag.scoring.models import ModelsFolder

    epitopes = read_table(all_epitopes_tsv)
    candidates = read_table(candidates_tsv)
    demo = ModelsFolder(models_dir).demo_info()
    text = render_report(
        sample,
        read_table(evidence_tsv),
        read_table(annotations_tsv),
        epitopes,
        candidates,
        read_table(alleles_tsv).allele.tolist(),
        demo.get("label", "DEMO MODEL") if demo else None,
        filters,
        read_table(variants_tsv) if variants_tsv else None,
        tiers,
    )
    Path(out_html).write_text(text)
