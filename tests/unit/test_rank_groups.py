"""Ranking a group of variants at a time (ranking.groups, runs, score_index): the tables are the
bytes of the whole sample ranked at once, however small the groups."""

import filecmp

import numpy as np
import pandas as pd
import pytest

from neoag.annotation.expression import add_expression
from neoag.annotation.proteome import found_in_proteome, read_proteome
from neoag.columns import ALL_EPITOPES, ANNOTATION_TABLE, CANDIDATES, EVIDENCE_TABLE, PEPTIDE_TABLE, VARIANTS
from neoag.ranking.clonality import Clonality
from neoag.ranking.groups import MAX_GROUPS, plan_groups
from neoag.ranking.rank import (
    Filters,
    build_all_epitopes,
    build_candidates,
    build_variants,
    write_rankings,
)
from neoag.ranking.runs import float_keys
from neoag.scoring.score_files import ChunkScores, save_scores, score_table
from neoag.tables import read_table, write_table

AA = "ACDEFGHIKLMNPQRSTVWY"
ALLELES = ["HLA-A*02:01", "HLA-B*07:02", "HLA-C*07:01"]
TABLES = ("all_epitopes.tsv", "candidates.tsv", "variants.tsv")


def random_peptide(rng, length):
    return "".join(rng.choice(list(AA), length))


def sample_files(folder, presentation: bool, seed: int = 7) -> dict[str, str]:
    """A crafted sample with what makes ranking's order subtle: mutant peptides shared by
    variants and transcripts, a peptide twice in one transcript (rows whose every sort key
    ties), affinities and percentiles that tie, unscored peptides, missing presentation
    percentiles, the same peptide in variants or transcripts whose IDs are prefixes of one another,
    variants interleaved in peptides.tsv, RNA evidence for some variants only,
    non-somatic evidence rows, an expression table and a proteome holding a mutant peptide."""
    rng = np.random.default_rng(seed)
    pool = [random_peptide(rng, int(length)) for length in rng.choice([8, 9, 10], 40)]
    # pairs of variants at one position whose IDs are prefixes of one another (ALT G and GA)
    variants = [f"chr{1 + i // 2 % 2}:{1_000_000 + 37 * (i // 2)}:A:{('G', 'GA')[i % 2]}" for i in range(16)]
    evidence, annotations, peptides = [], [], []
    for i, variant in enumerate(variants):
        chrom, pos = variant.split(":")[:2]
        rna = rng.random() < 0.5
        vaf = float(rng.choice([0.03, 0.2, 0.4, 0.4]))
        evidence.append(dict(variant_id=variant, chrom=chrom, pos=pos, ref="A", alt="G", variant_type="snv",
                             tumor_dna_depth=100, tumor_dna_alt_count=int(100 * vaf), tumor_dna_vaf=vaf,
                             normal_dna_depth=40, normal_dna_alt_count=0, normal_dna_vaf=0.0,
                             tumor_rna_depth=30 if rna else None, tumor_rna_alt_count=int(rng.integers(0, 9)) if rna
                             else None, tumor_rna_vaf=0.1 if rna else None, callers="freebayes", caller_tumor_vaf=vaf,
                             caller_normal_vaf=0.0, somatic_status="somatic" if i % 7 else "germline"))  # fmt: skip
        for t in range(1 + i % 3):
            transcript = f"ENST{i:05d}.{(1, 10, 2)[t]}"  # .1 before .10: a key that is another's prefix
            annotations.append(dict(variant_id=variant, chrom=chrom, pos=pos, ref="A", alt="G", variant_type="snv",
                                    gene_id=f"G{i % 5}", gene_name=f"GENE{i % 5}", transcript_id=transcript,
                                    transcript_biotype="protein_coding", transcript_tags="basic",
                                    transcript_support_level="1", consequence="missense", protein_change="p.Ala5Gly",
                                    protein_position=5, cds_position=13, cdna_position=40, annotation_flags="",
                                    cis_variants="", trans_variants="", unphased_variants="", mt_start=4, mt_end=5,
                                    wt_protein="MAAAA", mt_protein="MAAAG"))  # fmt: skip
            for k in range(int(rng.integers(1, 6))):
                mt = pool[i // 2 % len(pool)] if k == 0 else pool[int(rng.integers(0, len(pool)))]
                wt = "" if rng.random() < 0.2 else mt[:-1] + "W"
                row = dict(variant_id=variant, transcript_id=transcript, peptide_length=len(mt), mt_peptide=mt,
                           wt_peptide=wt, peptide_start=k + 1, mutation_positions=str(len(mt)),
                           mt_n_flank=str(rng.choice(["", "AC", "KK"])) if presentation else "",
                           mt_c_flank=str(rng.choice(["", "GG"])) if presentation else "",
                           wt_n_flank="AC" if presentation and wt else "", wt_c_flank="")  # fmt: skip
                peptides.append(row)
                if k == 0:
                    peptides.append(row | dict(peptide_start=k + 20))  # the same peptide again: a full tie
    order = sorted(range(len(peptides)), key=lambda j: (j % 3, j))  # variants interleaved
    peptides = [peptides[j] for j in order]
    paths = {name: str(folder / f"{name}.tsv") for name in ("peptides", "annotations", "evidence", "expression")}
    write_table(pd.DataFrame(peptides), paths["peptides"], PEPTIDE_TABLE)
    write_table(pd.DataFrame(annotations), paths["annotations"], ANNOTATION_TABLE)
    write_table(pd.DataFrame(evidence), paths["evidence"], EVIDENCE_TABLE)
    expression = pd.DataFrame({"feature": "gene", "id": ["G0", "G1", "G2"], "tpm": [0.0, 0.5, 30.0]})
    write_table(expression, paths["expression"], {"feature": "", "id": "", "tpm": ""})
    paths["scores"] = str(folder / "scores.npz")
    save_scores(paths["scores"], *work_scores(pd.DataFrame(peptides), rng, presentation))
    paths["proteome"] = str(folder / "proteome.fa")
    with open(paths["proteome"], "w") as handle:
        handle.write(f">P1\nMKT{pool[3]}LLR\n>P2\nMEEE\n")
    return paths


def work_scores(peptides, rng, presentation):
    """The work rows of the sample (MT and WT, with flanks in presentation mode) less a few unscored."""
    keys = set()
    for prefix in ("mt", "wt"):
        for row in peptides[[f"{prefix}_peptide", f"{prefix}_n_flank", f"{prefix}_c_flank"]].itertuples(index=False):
            if row[0]:
                keys.add(tuple(row))
    work = pd.DataFrame(sorted(keys), columns=["peptide", "n_flank", "c_flank"])
    work = work[rng.random(len(work)) > 0.1].reset_index(drop=True)
    shape = (len(work), len(ALLELES))
    affinity = rng.choice([40.0, 40.0, 300.0, 300.0, 800.0, 25000.0], shape)
    percentile = rng.choice([0.1, 0.5, 0.5, 1.5, 3.0, 50.0], shape)
    if not presentation:
        return work, ALLELES, ChunkScores(affinity, percentile)
    presentation_percentile = rng.choice([0.2, 0.2, 1.0, np.nan], shape)
    return work, ALLELES, ChunkScores(affinity, percentile, rng.random(len(work)), rng.random(shape),
                                      presentation_percentile)  # fmt: skip


def whole_sample(paths, out, filters, clonality):
    """The tables as ranking made them before groups: the whole sample in memory, sorted at once."""
    peptides, annotations, evidence = (read_table(paths[name]) for name in ("peptides", "annotations", "evidence"))
    expression = read_table(paths["expression"])
    found = found_in_proteome(peptides.mt_peptide, read_proteome(paths["proteome"]))
    epitopes = build_all_epitopes("s1", peptides, annotations, evidence, score_table(paths["scores"]), filters,
                                  clonality=clonality, expression=expression, reference_peptides=found)  # fmt: skip
    candidates = build_candidates(epitopes)
    variants = add_expression(build_variants("s1", annotations, evidence, epitopes, candidates, clonality=clonality),
                              expression)  # fmt: skip
    for table, name, columns in ((epitopes, TABLES[0], ALL_EPITOPES), (candidates, TABLES[1], CANDIDATES),
                                 (variants, TABLES[2], VARIANTS)):  # fmt: skip
        write_table(table, str(out / name), columns)
    return epitopes, candidates


def grouped(paths, out, filters, clonality, group_rows, workers=1):
    out.mkdir()
    write_rankings("s1", paths["peptides"], paths["annotations"], paths["evidence"], paths["scores"], filters,
                   *(str(out / name) for name in TABLES), expression_tsv=paths["expression"],
                   proteome_fasta=paths["proteome"], clonality=clonality, group_rows=group_rows,
                   workers=workers)  # fmt: skip


@pytest.mark.parametrize(
    "presentation, filters, clonality",
    [
        (True, Filters(), Clonality()),
        (False, Filters(reference_match="remove", min_tumor_rna_alt_count=1), Clonality(purity=0.7)),
    ],
)
def test_tiny_groups_write_the_whole_sample_tables(tmp_path, presentation, filters, clonality):
    paths = sample_files(tmp_path, presentation)
    (tmp_path / "whole").mkdir()
    epitopes, candidates = whole_sample(paths, tmp_path / "whole", filters, clonality)
    # the crafted sample exercises what it is meant to
    keys = ["variant_id", "mt_peptide", "allele", "transcript_id"]
    assert epitopes.duplicated(keys).any() and epitopes.mt_affinity_nm.isna().any()
    assert len(candidates) > 10 and epitopes.in_reference_proteome.any()
    assert epitopes.mt_peptide.duplicated().any() and candidates.variant_id.nunique() > 3
    # one variant per group, a few variants per group; groups ranked by 3 processes
    for group_rows, workers in ((1, 1), (40, 1), (1, 3)):
        out = tmp_path / f"g{group_rows}w{workers}"
        grouped(paths, out, filters, clonality, group_rows, workers)
        for name in TABLES:
            assert filecmp.cmp(tmp_path / "whole" / name, out / name, shallow=False), (name, group_rows, workers)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rank-")]  # the runs are removed


def test_a_sample_without_peptides_writes_headers(tmp_path):
    paths = sample_files(tmp_path, presentation=False)
    pd.DataFrame(columns=list(PEPTIDE_TABLE)).to_csv(paths["peptides"], sep="\t", index=False)
    (tmp_path / "whole").mkdir()
    whole_sample(paths, tmp_path / "whole", Filters(), Clonality())
    grouped(paths, tmp_path / "grouped", Filters(), Clonality(), 1)
    for name in TABLES:
        assert filecmp.cmp(tmp_path / "whole" / name, tmp_path / "grouped" / name, shallow=False), name
    assert len(read_table(str(tmp_path / "grouped" / "variants.tsv"))) == 13  # the somatic ones


def test_float_keys_sort_as_numbers_with_missing_last():
    values = np.array([3.5, -2.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 2.0, 2.0, 500.0])
    keys = float_keys(values)
    by_key = sorted(range(len(values)), key=lambda i: (keys[i], i))
    expected = pd.Series(values).sort_values(kind="stable", na_position="last").index.tolist()
    assert by_key == expected
    assert keys[2] == keys[3]  # 0.0 and -0.0 tie, as in pandas
    assert all(len(key) == 16 for key in keys)


def test_groups_keep_each_variant_whole_and_stay_few():
    counts = {f"v{i}": 1 + i % 4 for i in range(100)}
    group_of, groups = plan_groups(counts, alleles=6, group_rows=30)
    assert set(group_of) == set(counts) and groups == max(group_of.values()) + 1
    rows = pd.Series({v: counts[v] * 6 for v in counts}).groupby(group_of).sum()
    assert rows.max() <= 30 and groups > 10
    assert list(group_of.values()) == sorted(group_of.values())  # consecutive variants
    many = {f"v{i}": 1 for i in range(10 * MAX_GROUPS)}
    assert plan_groups(many, alleles=1, group_rows=1)[1] <= MAX_GROUPS
    assert plan_groups({}, alleles=6, group_rows=30) == ({}, 0)
