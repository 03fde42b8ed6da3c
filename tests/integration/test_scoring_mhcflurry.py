"""neoag's scoring against MHCflurry itself: the demo model, a presentation fixture, a pan-allele fixture.

Real MHCflurry, no mocks. Where neoag computes a score differently from a
plain MHCflurry call (per allele over shared encodings, cartesian, processing
once per peptide and flanks, presentation from the two, from a cache), the
result is compared with MHCflurry's own predict on the same inputs.
"""

import numpy as np
import pandas as pd
import pytest

from neoag.columns import ANNOTATION_TABLE, EVIDENCE
from neoag.errors import NeoagInputError
from neoag.ranking.rank import Filters, build_all_epitopes
from neoag.scoring.jobs import export_scores, gather_scores, score_chunk
from neoag.scoring.plan import plan_scoring, unique_peptides
from neoag.scoring.predictor import Scorer
from neoag.scoring.score_files import SCORE_ARRAYS
from neoag.tables import read_table
from tests.integration.mhcflurry_fixtures import (
    DEMO_ALLELES,
    DEMO_MODELS,
    build_pan_allele_fixture,
    build_presentation_fixture,
    random_sequences,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_scorer():
    return Scorer(str(DEMO_MODELS), threads=1)


@pytest.fixture(scope="module")
def presentation_models(tmp_path_factory):
    return build_presentation_fixture(tmp_path_factory.mktemp("presentation_fixture"))


def peptide_table(peptides, seed):
    """A peptides.tsv-like table: MT/WT pairs from the list, flanks, a duplicate row."""
    rng = np.random.default_rng(seed)
    half = len(peptides) // 2
    flanks = random_sequences(rng, 4 * half, 0, 15)
    table = pd.DataFrame(
        {
            "variant_id": [f"c:{i + 1}:A:G" for i in range(half)],
            "transcript_id": "T1",
            "peptide_length": [str(len(p)) for p in peptides[:half]],
            "mt_peptide": peptides[:half],
            "wt_peptide": peptides[half : 2 * half],
            "peptide_start": "1",
            "mutation_positions": "1",
            "mt_n_flank": flanks[0::4],
            "mt_c_flank": flanks[1::4],
            "wt_n_flank": flanks[2::4],
            "wt_c_flank": flanks[3::4],
        }
    )
    return pd.concat([table, table.iloc[:3].assign(transcript_id="T2")], ignore_index=True)


def write_sample(folder, table, alleles):
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "peptides.tsv", sep="\t", index=False)
    pd.DataFrame({"allele": alleles, "source": "test"}).to_csv(folder / "alleles.tsv", sep="\t", index=False)
    return folder


def run_scoring(folder, models, chunk_size, cache="", scorer=None):
    """plan_scoring -> score_chunk for each chunk -> gather_scores -> export_scores, as the workflow runs them.

    Returns scores.tsv (the text table); scores.npz lies beside it.
    """
    n = plan_scoring(str(folder / "peptides.tsv"), str(models), str(folder / "chunks"), chunk_size)
    (folder / "parts").mkdir(exist_ok=True)
    parts = []
    for number in range(n):
        parts.append(str(folder / "parts" / f"{number:05d}.npz"))
        score_chunk(str(folder / "chunks" / f"{number:05d}.tsv"), str(folder / "alleles.tsv"), str(models),
                    parts[-1], threads=1, cache_path=cache, scorer=scorer)  # fmt: skip
    gather_scores(parts, str(folder / "scores.npz"), str(models))
    export_scores(str(folder / "scores.npz"), str(folder / "scores.tsv"))
    return folder / "scores.tsv"


def read_scores(path):
    return read_table(str(path))


def test_affinity_mode_equals_mhcflurry_predict_on_random_rows(demo_scorer):
    rng = np.random.default_rng(1)
    work = unique_peptides(peptide_table(random_sequences(rng, 600, 8, 11), 1), with_flanks=False)
    scores = demo_scorer.score(work, DEMO_ALLELES)
    rows = rng.choice(len(work), 200, replace=False)
    columns = rng.integers(0, len(DEMO_ALLELES), 200)
    expected = demo_scorer.affinity_predictor.predict_to_dataframe(
        peptides=work.peptide.to_numpy()[rows].tolist(), alleles=[DEMO_ALLELES[j] for j in columns],
        include_confidence_intervals=False,
    )  # fmt: skip
    np.testing.assert_allclose(scores.affinity_nm[rows, columns], expected.prediction, rtol=1e-6)
    np.testing.assert_allclose(scores.affinity_percentile[rows, columns], expected.prediction_percentile, rtol=1e-6)
    assert scores.processing_score is None and scores.presentation_score is None


def test_scores_are_byte_identical_between_runs_and_close_across_chunk_sizes(tmp_path, demo_scorer):
    rng = np.random.default_rng(2)
    table = peptide_table(random_sequences(rng, 300, 8, 11), 2)
    runs = {}
    for name, chunk_size in (("one", 10_000), ("again", 10_000), ("many", 70)):
        sample = write_sample(tmp_path / name, table, DEMO_ALLELES[::-1])
        runs[name] = run_scoring(sample, DEMO_MODELS, chunk_size, scorer=demo_scorer)
    assert len(list((tmp_path / "many" / "chunks").glob("*.tsv"))) == 5
    assert runs["one"].read_bytes() == runs["again"].read_bytes()
    assert (tmp_path / "one" / "scores.npz").read_bytes() == (tmp_path / "again" / "scores.npz").read_bytes()
    one, many = read_scores(runs["one"]), read_scores(runs["many"])
    assert one[["peptide", "n_flank", "c_flank", "allele"]].equals(many[["peptide", "n_flank", "c_flank", "allele"]])
    # Another batch composition changes float32 results in the last bits only (6 digits written).
    np.testing.assert_allclose(one.affinity_nm, many.affinity_nm, rtol=2e-5)
    assert len(one) == len(set(table.mt_peptide) | set(table.wt_peptide)) * len(DEMO_ALLELES)
    assert list(one.allele.iloc[:6]) == sorted(DEMO_ALLELES)


def test_cache_scores_shared_peptides_once_and_gives_the_same_results(tmp_path, demo_scorer, capsys):
    rng = np.random.default_rng(3)
    peptides = random_sequences(rng, 400, 8, 11)
    first = peptide_table(peptides[:200] + peptides[300:], 31)  # MT 0-99 and WT 300-399 ...
    second = peptide_table(peptides[100:200] + peptides[300:], 32)  # ... the WT peptides shared
    cache = str(tmp_path / "cache" / "scores.sqlite")
    a = run_scoring(write_sample(tmp_path / "a", first, DEMO_ALLELES), DEMO_MODELS, 10_000, cache, demo_scorer)
    capsys.readouterr()
    b = run_scoring(write_sample(tmp_path / "b", second, DEMO_ALLELES), DEMO_MODELS, 10_000, cache, demo_scorer)
    shared = len(set(first.mt_peptide) | set(first.wt_peptide)) + len(set(second.mt_peptide) | set(second.wt_peptide))
    shared -= len(set(first.mt_peptide) | set(first.wt_peptide) | set(second.mt_peptide) | set(second.wt_peptide))
    log = capsys.readouterr().err
    assert shared == 200
    assert f"{shared * 6} predictions reused, 0 computed" in log  # every pair of the second sample was cached
    fresh = run_scoring(write_sample(tmp_path / "b_fresh", second, DEMO_ALLELES), DEMO_MODELS, 10_000, "", demo_scorer)
    with_cache, without = read_scores(b), read_scores(fresh)
    assert with_cache[["peptide", "allele"]].equals(without[["peptide", "allele"]])
    np.testing.assert_allclose(with_cache.affinity_nm, without.affinity_nm, rtol=2e-5)
    np.testing.assert_allclose(with_cache.affinity_percentile, without.affinity_percentile, rtol=1e-4, atol=1e-4)
    rerun = write_sample(tmp_path / "a_again", first, DEMO_ALLELES)
    again = run_scoring(rerun, DEMO_MODELS, 10_000, cache, demo_scorer)
    assert again.read_bytes() == a.read_bytes()  # a pair's scores come from the cache: the very same bytes


def test_presentation_mode_equals_mhcflurry_presentation_predict(presentation_models):
    from mhcflurry import Class1PresentationPredictor

    rng = np.random.default_rng(4)
    table = peptide_table(random_sequences(rng, 300, 8, 11), 4)
    table.loc[5, ["mt_peptide", "mt_n_flank"]] = [table.mt_peptide[6], "QQQ"]  # a peptide in two flank contexts
    work = unique_peptides(table, with_flanks=True)
    scorer = Scorer(str(presentation_models), threads=1)
    assert scorer.mode == "presentation"
    alleles = ["HLA-A*02:01", "HLA-B*07:02"]
    scores = scorer.score(work, alleles)
    expected = Class1PresentationPredictor.load(str(presentation_models)).predict(
        peptides=work.peptide.tolist(), n_flanks=work.n_flank.tolist(), c_flanks=work.c_flank.tolist(),
        alleles={a: [a] for a in alleles}, include_affinity_percentile=True, verbose=0,
    )  # fmt: skip
    for j, allele in enumerate(alleles):
        mine = expected[expected.sample_name == allele]
        assert mine.peptide.tolist() == work.peptide.tolist()
        np.testing.assert_allclose(scores.affinity_nm[:, j], mine.affinity, rtol=1e-6)
        np.testing.assert_allclose(scores.affinity_percentile[:, j], mine.affinity_percentile, rtol=1e-6)
        np.testing.assert_allclose(scores.processing_score, mine.processing_score, rtol=1e-6)
        np.testing.assert_allclose(scores.presentation_score[:, j], mine.presentation_score, rtol=1e-6)
        np.testing.assert_allclose(scores.presentation_percentile[:, j], mine.presentation_percentile, rtol=1e-6)
    assert np.isfinite(scores.presentation_percentile).all()


def test_presentation_mode_with_the_cache_reuses_affinity_and_processing(tmp_path, presentation_models, capsys):
    rng = np.random.default_rng(8)
    work = unique_peptides(peptide_table(random_sequences(rng, 60, 8, 11), 8), with_flanks=True)
    scorer = Scorer(str(presentation_models), threads=1)
    alleles = ["HLA-A*02:01", "HLA-C*04:01"]
    fresh = scorer.score(work, alleles)
    from neoag.scoring.cache import ScoreCache

    for _ in range(2):
        with ScoreCache(str(tmp_path / "cache.sqlite"), scorer.model_key) as cache:
            cached = scorer.score(work, alleles, cache=cache)
    assert (cache.hits, cache.misses) == (work.peptide.nunique() * len(alleles) + len(work), 0)
    for name in SCORE_ARRAYS:
        np.testing.assert_array_equal(getattr(cached, name), getattr(fresh, name))


def test_presentation_scores_carry_flanks_into_ranking(tmp_path, presentation_models):
    rng = np.random.default_rng(5)
    table = peptide_table(random_sequences(rng, 40, 9, 9), 5)
    sample = write_sample(tmp_path / "p", table, ["HLA-A*02:01", "HLA-C*07:01"])
    scores = read_scores(run_scoring(sample, presentation_models, 7))
    assert (scores.n_flank != "").any() and scores.presentation_score.notna().all()
    # Evidence and annotation tables with every registered column (empty where the test does not care).
    evidence = pd.DataFrame({"variant_id": table.variant_id.unique()})
    for name in EVIDENCE:
        evidence[name] = np.nan
    evidence["tumor_dna_depth"], evidence["tumor_dna_vaf"] = 50, 0.4
    annotations = pd.DataFrame({"variant_id": table.variant_id.unique(), "transcript_id": "T1"})
    for name in ANNOTATION_TABLE:
        if name not in annotations:
            annotations[name] = ""
    epitopes = build_all_epitopes("p", table, annotations, evidence, scores, Filters())
    assert len(epitopes) == 2 * len(table)
    assert epitopes.mt_presentation_score.notna().all() and epitopes.wt_affinity_nm.notna().all()


def test_pan_allele_models_take_the_cartesian_path(tmp_path):
    models = build_pan_allele_fixture(tmp_path / "pan_fixture")
    scorer = Scorer(str(models), threads=1)
    assert scorer.affinity_predictor.optimization_info.get("pan_models_merged")
    rng = np.random.default_rng(6)
    peptides = sorted(set(random_sequences(rng, 150, 8, 11)))
    matrix = scorer.affinity(peptides, DEMO_ALLELES)
    cartesian = scorer.affinity_predictor.predict_cartesian_pan_allele(peptides=peptides, alleles=DEMO_ALLELES)
    np.testing.assert_array_equal(matrix, cartesian)
    per_row = scorer.affinity_predictor.predict(
        peptides=[p for p in peptides for _ in DEMO_ALLELES], alleles=DEMO_ALLELES * len(peptides)
    ).reshape(len(peptides), len(DEMO_ALLELES))
    # MHCflurry's two paths differ by float32 rounding, amplified ~11x by the nM transform.
    np.testing.assert_allclose(matrix, per_row, rtol=1e-5)


def test_unsupported_allele_and_peptide_length_are_clear_errors(tmp_path, demo_scorer):
    table = peptide_table(["SIINFEKL", "SIINFEKLM"], 7)
    sample = write_sample(tmp_path / "bad_allele", table, ["HLA-A*01:01"])
    with pytest.raises(NeoagInputError, match=r"do not support HLA-A\*01:01"):
        run_scoring(sample, DEMO_MODELS, 100, scorer=demo_scorer)
    sample = write_sample(tmp_path / "bad_length", peptide_table(["SIINFEKLMNPQ", "SIINFEKLM"], 7), DEMO_ALLELES)
    with pytest.raises(NeoagInputError, match=r"8-11 residues, not \[12\]"):
        run_scoring(sample, DEMO_MODELS, 100, scorer=demo_scorer)


def test_gpu_request_without_cuda_scores_on_the_cpu_and_says_so(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    scorer = Scorer(str(DEMO_MODELS), threads=1, gpus=1)
    assert scorer.device == "cpu"
    assert "torch sees no CUDA device" in capsys.readouterr().err
