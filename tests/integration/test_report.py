"""The demo's HTML reports, used in headless Chromium as a reviewer would.

The page is driven over the DevTools protocol (tests/integration/chromium.py)
with real clicks and typing: search, filters, paging and the view of a variant
are checked against the result tables read with pandas. A screenshot of every
view goes to test-artifacts/ (report-<view>.png, cohort.png).
"""

import math
import os
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from neoag.report.explain import tier_of_reasons
from neoag.tables import read_table
from tests.integration.chromium import Chromium
from tests.integration.test_demo_workflow import REPO, run_snakemake

pytestmark = pytest.mark.integration

ARTIFACTS = REPO / "test-artifacts"
SEARCHED = ["gene_name", "mt_peptide", "wt_peptide", "protein_change", "variant_id", "allele", "transcript_id",
            "consequence"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium_binary():
    if shutil.which("chromium") is None:
        if os.geteuid() != 0:
            pytest.skip("Debian's chromium is not installed and installing it needs root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env)
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("report")
    completed = run_snakemake(workdir, "results/demo/report.html", "results/cohort/report.html")
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir / "results"


@pytest.fixture(scope="module")
def candidates(results):
    return read_table(results / "demo" / "candidates.tsv")


@pytest.fixture
def page(chromium_binary, results, tmp_path):
    browser = Chromium(chromium_binary, tmp_path / "profile")
    browser.open((results / "demo" / "report.html").as_uri())
    yield browser
    browser.close()


def shoot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.screenshot(path)
    assert path.stat().st_size > 20_000, f"{path} looks blank"


def shown_column(browser, column):
    """The cells of one column in the table's visible page."""
    return browser.evaluate(f"""(function(){{var ths=Array.from(document.querySelectorAll('#candidates thead th'));
        var i=ths.findIndex(function(th){{return th.dataset.column==='{column}';}});
        return Array.from(document.querySelectorAll('#candidates tbody tr')).map(function(tr){{
          return tr.cells[i].textContent;}});}})()""")


def test_the_report_loads_every_candidate_offline(page, results, candidates):
    assert page.body("ready") == "yes"
    assert page.body("plots") == "3", "not every plot decoded"
    assert int(page.body("matching")) == len(candidates) == 148
    text = (results / "demo" / "report.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "the report loads something from the network"
    assert page.evaluate("document.getElementById('demo-warning') !== null")
    fits = "(function(){var s=document.querySelector('#view-candidates .scroll');return s.scrollWidth<=s.clientWidth;})"
    fits += "()"
    assert page.evaluate(fits), "the first columns need horizontal scrolling at 1400 px"
    shoot(page, "report-candidates")


def test_paging_walks_every_candidate_in_rank_order(page, candidates):
    assert (page.body("page"), page.body("pages"), page.body("rows")) == ("1", "3", "50")
    ranks = [int(r) for r in shown_column(page, "rank")]
    page.click("#next")
    assert page.body("page") == "2"
    ranks += [int(r) for r in shown_column(page, "rank")]
    page.click("#next")
    ranks += [int(r) for r in shown_column(page, "rank")]
    assert page.evaluate("document.getElementById('next').disabled")
    assert ranks == candidates["rank"].astype(int).tolist()
    page.choose("#page-size", "100")
    assert (page.body("page"), page.body("pages"), page.body("rows")) == ("1", "2", "100")


def test_search_finds_the_rows_pandas_finds(page, candidates):
    for query in ("DMG2", "p.Ser1", "hla-a*11:01", "LTYNTQGIMK"):
        page.type("#search", query)
        text = candidates[SEARCHED].astype(str).agg(" ".join, axis=1).str.lower()
        expected = int(text.str.contains(query.lower(), regex=False).sum())
        assert expected > 0
        assert int(page.body("matching")) == expected, query
    page.type("#search", "DMG2")
    assert set(shown_column(page, "gene_name")) == {"DMG2"}
    shoot(page, "report-search")


def test_filters_by_tier_gene_allele_vaf_and_affinity(page, candidates):
    for tier in ("Anchor", "Subclonal", "LowExpr", "NoExpr", "Poor"):
        page.click(f"#tier-{tier}")
    assert int(page.body("matching")) == int((candidates.tier == "Pass").sum())
    assert set(shown_column(page, "tier")) == {"Pass"}
    page.click("#tier-Poor")
    poor_or_pass = candidates[candidates.tier.isin(["Pass", "Poor"])]
    assert int(page.body("matching")) == len(poor_or_pass)

    page.click("#reset")
    page.type("#gene", "DMG5")
    page.choose("#allele", "HLA-B*15:01")
    page.type("#min-vaf", "0.45")
    page.type("#max-nm", "300")
    chosen = candidates[(candidates.gene_name == "DMG5") & (candidates.allele == "HLA-B*15:01")
                        & (candidates.tumor_dna_vaf >= 0.45) & (candidates.mt_affinity_nm <= 300)]  # fmt: skip
    assert 0 < len(chosen) < len(candidates)
    assert int(page.body("matching")) == len(chosen)
    shoot(page, "report-filters")
    page.click("#reset")
    assert int(page.body("matching")) == len(candidates)


def test_every_cell_of_every_candidate_is_shown(page, candidates):
    page.evaluate("document.querySelectorAll('#column-list input:not(:checked)').forEach(function(b){b.click();})")
    page.choose("#page-size", "500")
    names = page.evaluate("Array.from(document.querySelectorAll('#candidates thead th')).map(function(th){"
                          "return th.dataset.column;})")  # fmt: skip
    cells = page.evaluate("Array.from(document.querySelectorAll('#candidates tbody tr')).map(function(tr){"
                          "return Array.from(tr.cells).map(function(td){return td.textContent;});})")  # fmt: skip
    left_out = {"sample", "mt_n_flank", "mt_c_flank", "wt_n_flank", "wt_c_flank"}
    assert set(names) == (set(candidates.columns) - left_out) | {"reasons"}
    assert len(cells) == len(candidates)
    for name in set(names) - {"reasons"}:
        shown = [row[names.index(name)] for row in cells]
        for value, text in zip(candidates[name], shown):
            if isinstance(value, (bool, np.bool_)):
                assert text == ("yes" if value else "no"), name
            elif isinstance(value, float):
                assert (text == "") if np.isnan(value) else math.isclose(float(text), value, rel_tol=1e-3), name
            else:
                assert text == str(value), name


def test_sorting_by_a_column(page, candidates):
    page.choose("#page-size", "500")
    page.click("#candidates th[data-column='mt_affinity_nm']")
    values = [float(v) for v in shown_column(page, "mt_affinity_nm")]
    assert values == sorted(candidates.mt_affinity_nm.map(lambda v: float(f"{v:.4g}")))


def test_the_view_of_a_variant(page, results, candidates):
    variants = read_table(results / "demo" / "variants.tsv").set_index("variant_id")
    poor = candidates[candidates.tier == "Poor"].iloc[0]
    page.type("#search", poor.mt_peptide)
    page.click("#candidates tbody tr")
    page.wait_for("document.body.dataset.view === 'variant'")
    assert page.body("variant") == poor.variant_id
    variant = variants.loc[poor.variant_id]
    evidence = page.evaluate("Array.from(document.querySelectorAll('#evidence tbody tr')).map(function(tr){"
                             "return Array.from(tr.cells).map(function(td){return td.textContent;});})")  # fmt: skip
    assert [row[0] for row in evidence] == ["tumor DNA", "normal DNA", "tumor RNA"]
    for row, prefix in zip(evidence, ("tumor_dna", "normal_dna", "tumor_rna")):
        assert int(row[1]) == variant[f"{prefix}_depth"] and int(row[2]) == variant[f"{prefix}_alt_count"]
        vaf = variant[f"{prefix}_vaf"]
        assert row[3] == "" if pd.isna(vaf) else math.isclose(float(row[3]), vaf, rel_tol=1e-3)
    alleles = read_table(results / "demo" / "hla" / "alleles.tsv").allele.tolist()
    assert int(page.body("variantPeptides")) == len(alleles), "the best peptide of every allele"
    own = candidates[candidates.variant_id == poor.variant_id]
    assert int(page.body("variantCandidates")) == len(own)
    reasons = page.evaluate(
        "Array.from(document.querySelectorAll('#variant-candidates tbody tr')).map(function(tr){"
        "return [tr.cells[1].textContent, tr.cells[tr.cells.length-1].textContent];})"
    )
    assert reasons and all(tier_of_reasons(text) == tier for tier, text in reasons), reasons
    assert "Poor" in {tier for tier, _ in reasons}
    assert page.evaluate("document.getElementById('tier-why').textContent").strip()
    shoot(page, "report-variant")
    page.evaluate("history.back()")
    page.wait_for("document.body.dataset.view === 'candidates'")


def test_variants_sample_plots_and_help_views(page, results):
    page.click("#tabs a[data-tab='variants']")
    page.wait_for("document.body.dataset.view === 'variants'")
    variants = pd.read_csv(results / "demo" / "variants.tsv", sep="\t")
    assert page.evaluate("document.querySelectorAll('#variants tbody tr').length") == len(variants)
    shoot(page, "report-variants")
    page.click("#tabs a[data-tab='sample']")
    page.wait_for("document.body.dataset.view === 'sample'")
    hla = page.evaluate("Array.from(document.querySelectorAll('#hla tbody tr td:first-child')).map(function(td){"
                        "return td.textContent;})")  # fmt: skip
    assert hla == sorted(read_table(results / "demo" / "hla" / "alleles.tsv").allele)
    assert page.evaluate("document.querySelectorAll('#tiers tbody tr').length") == 6
    assert "No VCF record was skipped" in page.evaluate("document.getElementById('skipped').textContent")
    assert page.evaluate("document.getElementById('territory') !== null")
    shoot(page, "report-sample")
    page.click("#tabs a[data-tab='plots']")
    shoot(page, "report-plots")
    page.click("#tabs a[data-tab='help']")
    assert page.evaluate("document.getElementById('help-agretopicity').nextElementSibling.textContent").startswith(
        "wt_affinity_nm / mt_affinity_nm"
    )
    shoot(page, "report-help")


def test_cohort_page(chromium_binary, results, tmp_path):
    browser = Chromium(chromium_binary, tmp_path / "profile")
    try:
        browser.open((results / "cohort" / "report.html").as_uri())
        summary = read_table(results / "cohort" / "summary.tsv")
        assert int(browser.body("samples")) == len(summary)
        assert browser.evaluate("document.querySelectorAll('img.plot').length === 1 && "
                                "document.querySelector('img.plot').naturalWidth > 0")  # fmt: skip
        assert browser.evaluate("document.querySelector('#cohort-samples a').getAttribute('href')") == (
            "../demo/report.html"
        )
        shoot(browser, "cohort")
    finally:
        browser.close()


def test_snakemake_report_builds(results, tmp_path):
    workdir = results.parent
    built = tmp_path / "snakemake-report.html"
    completed = run_snakemake(workdir, "--report", str(built), "results/demo/report.html")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert built.stat().st_size > 100_000
