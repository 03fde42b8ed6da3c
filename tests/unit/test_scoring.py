"""Scoring plumbing without MHCflurry: unique work, chunks, the score writer, the cache, gathering."""

import numpy as np
import pandas as pd
import pytest

from neoag.columns import SCORE_TABLE, SCORE_WORK
from neoag.errors import NeoagInputError
from neoag.scoring.cache import ScoreCache
from neoag.scoring.jobs import export_scores, gather_scores
from neoag.scoring.plan import check_peptides, chunk_bounds, plan_scoring, unique_peptides
from neoag.scoring.score_files import (
    SCORE_ARRAYS,
    ChunkScores,
    format_score_rows,
    load_scores,
    read_work,
    save_scores,
    score_header,
    score_table,
    write_work,
)
from neoag.tables import read_table, write_table


def peptide_rows():
    """MT/WT rows: a duplicate across transcripts, a frameshift (no WT), a WT that is also an MT."""
    return pd.DataFrame(
        {
            "mt_peptide": ["SIINFEKL", "SIINFEKL", "KLGGALQAK", "GILGFVFTL"],
            "mt_n_flank": ["AAA", "AAA", "CC", "D"],
            "mt_c_flank": ["EEE", "EEE", "", "FF"],
            "wt_peptide": ["SIINFEKA", "SIINFEKA", "", "KLGGALQAK"],
            "wt_n_flank": ["AAA", "AAA", "", "GG"],
            "wt_c_flank": ["EEE", "EEE", "", "HH"],
        }
    )


def test_unique_peptides_affinity_mode_ignores_flanks():
    work = unique_peptides(peptide_rows(), with_flanks=False)
    assert list(work.columns) == list(SCORE_WORK)
    assert work.peptide.tolist() == ["GILGFVFTL", "KLGGALQAK", "SIINFEKA", "SIINFEKL"]
    assert set(work.n_flank) == {""} and set(work.c_flank) == {""}


def test_unique_peptides_presentation_mode_keeps_each_flank_context():
    work = unique_peptides(peptide_rows(), with_flanks=True)
    assert list(work.itertuples(index=False, name=None)) == [
        ("GILGFVFTL", "D", "FF"),
        ("KLGGALQAK", "CC", ""),
        ("KLGGALQAK", "GG", "HH"),
        ("SIINFEKA", "AAA", "EEE"),
        ("SIINFEKL", "AAA", "EEE"),
    ]


def test_chunk_bounds_cover_everything_once():
    assert chunk_bounds(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert chunk_bounds(4, 10) == [(0, 4)]
    assert chunk_bounds(0, 3) == [(0, 0)]  # one empty chunk: the DAG always has a job
    with pytest.raises(ValueError):
        chunk_bounds(3, 0)


def random_scores(n_rows, n_alleles, presentation, seed=0):
    rng = np.random.default_rng(seed)
    affinity = np.exp(rng.uniform(0, np.log(80000), (n_rows, n_alleles)))
    affinity[0, 0] = 123456789.0  # exponent notation
    affinity[1 % n_rows, -1] = 1.5e-5
    percentile = rng.uniform(0, 100, (n_rows, n_alleles))
    percentile[-1, 0] = np.nan  # an uncalibrated allele
    if not presentation:
        return ChunkScores(affinity, percentile)
    return ChunkScores(
        affinity,
        percentile,
        rng.uniform(0, 1, n_rows),
        rng.uniform(0, 1, (n_rows, n_alleles)),
        np.where(rng.uniform(size=(n_rows, n_alleles)) < 0.2, np.nan, rng.uniform(0, 100, (n_rows, n_alleles))),
    )


@pytest.mark.parametrize("presentation", [False, True])
def test_format_score_rows_writes_exactly_what_write_table_writes(tmp_path, presentation):
    work = unique_peptides(peptide_rows(), with_flanks=presentation)
    alleles = ["HLA-A*02:01", "HLA-B*07:02", "HLA-C*07:01"]
    scores = random_scores(len(work), len(alleles), presentation)
    fast = tmp_path / "fast.tsv"
    fast.write_text(score_header() + format_score_rows(work, alleles, scores))
    frame = work.loc[work.index.repeat(len(alleles))].reset_index(drop=True)
    frame["allele"] = alleles * len(work)
    for name in ("affinity_nm", "affinity_percentile", "presentation_score", "presentation_percentile"):
        matrix = getattr(scores, name)
        frame[name] = matrix.ravel() if matrix is not None else None
    frame["processing_score"] = np.repeat(scores.processing_score, len(alleles)) if presentation else None
    reference = tmp_path / "reference.tsv"
    write_table(frame, str(reference), SCORE_TABLE)
    assert fast.read_bytes() == reference.read_bytes()


def test_chunk_files_round_trip_and_match_write_table(tmp_path):
    work = unique_peptides(peptide_rows(), with_flanks=True)
    write_work(work, str(tmp_path / "fast.tsv"))
    write_table(work, str(tmp_path / "reference.tsv"), SCORE_WORK)
    assert (tmp_path / "fast.tsv").read_bytes() == (tmp_path / "reference.tsv").read_bytes()
    pd.testing.assert_frame_equal(
        read_work(str(tmp_path / "fast.tsv")), read_table(str(tmp_path / "fast.tsv")), check_dtype=False
    )
    write_work(work.iloc[:0], str(tmp_path / "empty.tsv"))
    assert read_work(str(tmp_path / "empty.tsv")).empty


def test_plan_scoring_writes_sorted_chunks_that_together_hold_each_peptide_once(tmp_path):
    table = peptide_rows().assign(variant_id="c:1:A:G", transcript_id="T1")
    table.to_csv(tmp_path / "peptides.tsv", sep="\t", index=False)
    models = tmp_path / "models"
    models.mkdir()
    assert plan_scoring(str(tmp_path / "peptides.tsv"), str(models), str(tmp_path / "chunks"), chunk_size=3) == 2
    chunks = sorted((tmp_path / "chunks").glob("*.tsv"))
    assert [c.name for c in chunks] == ["00000.tsv", "00001.tsv"]
    together = pd.concat([read_work(str(c)) for c in chunks]).peptide.tolist()
    assert together == ["GILGFVFTL", "KLGGALQAK", "SIINFEKA", "SIINFEKL"]


def test_check_peptides_names_lengths_and_odd_residues():
    check_peptides(["SIINFEKL", "GILGFVFTL"], 8, 11, "m", "chunk.tsv")
    with pytest.raises(NeoagInputError, match=r"8-11 residues, not \[7, 12\]"):
        check_peptides(["SIINFEK", "SIINFEKLSIIN"], 8, 11, "m", "chunk.tsv")
    with pytest.raises(NeoagInputError, match="SIINUEKL"):
        check_peptides(["SIINUEKL"], 8, 11, "m", "chunk.tsv")


def test_cache_returns_what_was_stored_for_its_model_only(tmp_path):
    path = str(tmp_path / "cache" / "scores.sqlite")
    alleles = ["HLA-A*02:01", "HLA-B*07:02"]
    with ScoreCache(path, "model-1") as cache:
        assert np.isnan(cache.get_affinity(["SIINFEKL"], alleles)).all()
        cache.put_affinity(["SIINFEKL", "GILGFVFTL"], alleles, np.array([[10.5, np.nan], [20.25, 30.125]]))
        cache.put_processing(["SIINFEKL"], ["AAA"], [""], np.array([0.75]))
    with ScoreCache(path, "model-1") as cache:
        got = cache.get_affinity(["GILGFVFTL", "NOTSTORED", "SIINFEKL"], alleles)
        np.testing.assert_array_equal(got, [[20.25, 30.125], [np.nan, np.nan], [10.5, np.nan]])
        assert (cache.hits, cache.misses) == (3, 3)
        np.testing.assert_array_equal(
            cache.get_processing(["SIINFEKL", "SIINFEKL"], ["AAA", "AAA"], ["", "E"]), [0.75, np.nan]
        )
        cache.put_affinity(["SIINFEKL"], alleles[:1], np.array([[99.0]]))  # first writer wins
        assert cache.get_affinity(["SIINFEKL"], alleles[:1])[0, 0] == 10.5
    with ScoreCache(path, "model-2") as other:
        assert np.isnan(other.get_affinity(["SIINFEKL"], alleles)).all()


@pytest.mark.parametrize("presentation", [False, True])
def test_score_files_round_trip_exactly_and_are_the_same_bytes_each_time(tmp_path, presentation):
    work = unique_peptides(peptide_rows(), with_flanks=presentation)
    alleles = ["HLA-A*02:01", "HLA-B*07:02"]
    scores = random_scores(len(work), len(alleles), presentation)
    save_scores(str(tmp_path / "a.npz"), work, alleles, scores)
    save_scores(str(tmp_path / "b.npz"), work, alleles, scores)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()  # no time stamps
    back_work, back_alleles, back = load_scores(str(tmp_path / "a.npz"))
    pd.testing.assert_frame_equal(back_work, work.reset_index(drop=True), check_dtype=False)
    assert back_alleles == alleles
    for name in SCORE_ARRAYS:
        np.testing.assert_array_equal(getattr(back, name), getattr(scores, name))  # full precision


@pytest.mark.parametrize("presentation", [False, True])
def test_score_table_is_the_exported_tsv_at_full_precision(tmp_path, presentation):
    work = unique_peptides(peptide_rows(), with_flanks=presentation)
    alleles = ["HLA-A*02:01", "HLA-B*07:02", "HLA-C*07:01"]
    save_scores(str(tmp_path / "scores.npz"), work, alleles, random_scores(len(work), len(alleles), presentation))
    export_scores(str(tmp_path / "scores.npz"), str(tmp_path / "scores.tsv"))
    text = read_table(str(tmp_path / "scores.tsv"))
    table = score_table(str(tmp_path / "scores.npz"))
    pd.testing.assert_frame_equal(table, text, rtol=5e-6)  # the text has 6 significant digits
    assert table.allele.tolist()[:3] == alleles  # (work row, allele) order, as the text


def test_gather_scores_concatenates_chunks_in_order(tmp_path):
    work = unique_peptides(peptide_rows(), with_flanks=True)
    alleles = ["HLA-A*02:01", "HLA-B*07:02"]
    scores = random_scores(len(work), len(alleles), presentation=True)
    parts = []
    for number, (start, stop) in enumerate([(0, 2), (2, 2), (2, len(work))]):  # an empty chunk too
        part_scores = ChunkScores(*(getattr(scores, name)[start:stop] for name in SCORE_ARRAYS))
        parts.append(str(tmp_path / f"{number}.npz"))
        save_scores(parts[-1], work.iloc[start:stop], alleles, part_scores)
    gather_scores(parts, str(tmp_path / "gathered.npz"), str(tmp_path))
    save_scores(str(tmp_path / "whole.npz"), work, alleles, scores)
    assert (tmp_path / "gathered.npz").read_bytes() == (tmp_path / "whole.npz").read_bytes()
    save_scores(str(tmp_path / "other.npz"), work, ["HLA-C*07:01", "HLA-B*07:02"], scores)
    with pytest.raises(NeoagInputError, match="other alleles"):
        gather_scores([parts[0], str(tmp_path / "other.npz")], str(tmp_path / "out.npz"), str(tmp_path))
    (tmp_path / "broken.npz").write_text("peptide\tallele\n")
    with pytest.raises(NeoagInputError, match="broken.npz: not a neoag score file"):
        gather_scores([str(tmp_path / "broken.npz")], str(tmp_path / "out.npz"), str(tmp_path))
