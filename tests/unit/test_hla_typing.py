"""The built-in HLA typer's pieces on tiny literal inputs (razers3 only where named)."""

import shutil

import numpy as np
import pytest

from neoag.errors import NeoagInputError
from neoag.hla.fragments import fragment_classes
from neoag.hla.ilp import solve_locus
from neoag.hla.names import allele_sort_key, two_field_name
from neoag.hla.prefilter import mask_low_quality, prefilter_fragments, reference_kmers, shares_kmer
from neoag.hla.razers import find_razers3, read_razers_hits, run_razers3, write_mapping_fasta
from neoag.hla.reference import read_hla_reference


def test_allele_names():
    assert two_field_name("A*02:01:01:02L") == "HLA-A*02:01"
    assert two_field_name("HLA-C*07:65") == "HLA-C*07:65"
    names = ["A*02:10", "A*02:9", "A*02:01:01:02L", "A*02:01:01:01"]
    assert sorted(names, key=allele_sort_key) == ["A*02:01:01:01", "A*02:01:01:02L", "A*02:9", "A*02:10"]


def test_reference_collapses_identical_sequences_and_skips_others(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(
        ">HLA:HLA00002 A*02:09 1098 bp\nACGTACGTAC\n"
        ">HLA:HLA00001 A*02:01:01:01 1098 bp\nACGTAC\nGTAC\n"  # wrapped: the same sequence
        ">HLA:HLA00003 A*03:01 1098 bp\nACGTACGTAA\n"
        ">HLA:HLA00004 A*01:04N 1098 bp\nACGTACGTTT\n"
        ">HLA:HLA00005 E*01:01 1098 bp\nACGTACGTGG\n"
        ">B*07:02\nTTGTACGTAC\n"
    )
    reference = read_hla_reference(fasta)
    assert reference.names == (("A*02:01:01:01", "A*02:09"), ("A*03:01",), ("B*07:02",))
    assert reference.loci == ("A", "A", "B")
    assert reference.skipped == {"other_locus": 1, "null_allele": 1}


@pytest.mark.parametrize(
    "text, message",
    [(">no allele here\nACGT\n", "names no allele"), (">A*01:01\nACGU\n", "A, C, G, T only"), ("ACGT\n", "FASTA")],
)
def test_bad_reference_is_explained(tmp_path, text, message):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(text)
    with pytest.raises(NeoagInputError, match=message):
        read_hla_reference(fasta)


def test_kmer_prefilter_and_quality_mask(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">A*01:01\nACGTTGCAAGGCTTACCGATAGGCTAACGT\n")
    kmers = reference_kmers(read_hla_reference(fasta), 8)
    assert shares_kmer("NNNNAAGGCTTANNNN", kmers, 8, 4)
    assert shares_kmer("TTAGCCTATCGG", kmers, 8, 4)  # reverse strand
    assert not shares_kmer("GGGGGGGGGGGG", kmers, 8, 4)
    assert mask_low_quality("ACGT", "II#I", 20) == "ACNT"  # '#' = Phred 2
    out = tmp_path / "reads.fa"
    pairs = [(("GGGGGGGGGGGG", "IIIIIIIIIIII"), ("AAGGCTTACCGA", "IIIIIIIIIII#")), (("G" * 12, "I" * 12),) * 2]
    singles = [("TTACCGATAGGC", "I" * 12)]
    result = prefilter_fragments(pairs, singles, kmers, 8, 4, 20, 0.2, out)
    assert (result.fragments_in, result.fragments_kept) == (3, 2)
    assert list(result.read_fragment) == [0, 1]  # the poly-G mate is not mapped
    assert out.read_text() == ">0\nAAGGCTTACCGN\n>1\nTTACCGATAGGC\n"


def test_fragment_classes_use_both_mates_and_keep_the_best():
    loci = ["A", "A", "A", "B"]
    read_fragment = np.array([0, 0, 1, 1, 2, 3, 3])
    hits = [
        # fragment 0: mate 0 fits alleles 0 and 1 equally, mate 1 prefers 1 -> {1}
        (0, 0, 0), (0, 1, 0), (1, 0, 2), (1, 1, 1),
        # fragment 1: the mates share no allele -> discordant
        (2, 0, 0), (3, 2, 0),
        # fragment 2: one mate only, equally good on A and B -> multi-locus
        (4, 2, 1), (4, 3, 1),
        # fragment 3: both mates on alleles 0 and 2 -> {0, 2}; a second hit of read 5 on allele 0 counts once
        (5, 0, 1), (5, 0, 3), (5, 2, 1), (6, 0, 0), (6, 2, 0),
    ]  # fmt: skip
    read_ids, allele_ids, errors = (np.array(column) for column in zip(*hits))
    classes = fragment_classes(read_ids, allele_ids, errors, read_fragment, loci)
    assert [list(m) for m in classes.members] == [[1], [0, 2]]
    assert list(classes.weights) == [1, 1] and classes.locus == ["A", "A"]
    assert classes.counts == {"mapped": 4, "discordant": 1, "multi_locus": 1, "typed": 2}


def _classes(table):
    """{allele set: fragments} -> members, weights."""
    return [np.array(sorted(s)) for s in table], np.array(list(table.values()))


def test_ilp_heterozygous():
    # alleles 10 and 20 are the truth; 30 explains part of both (a recombinant)
    members, weights = _classes({(10, 20, 30): 50, (10,): 12, (20,): 9, (10, 30): 6, (20, 30): 5})
    call = solve_locus(members, weights, het_penalty=0.03, min_het_reads=2.5)
    assert not call.homozygous and call.locus_reads == 82 and call.explained_reads == 82
    assert [c.tied for c in call.calls] == [(10,), (20,)]
    assert [(c.reads, c.unique_reads) for c in call.calls] == [(68, 18), (64, 14)]
    assert call.calls[0].margin_reads == 82 - 70  # best replacement of 10 beside 20: 30 explains 70


def test_ilp_homozygous_despite_a_few_error_reads():
    # allele 1 explains everything but 3 fragments whose errors favour allele 2
    members, weights = _classes({(1, 2): 40, (1,): 20, (2,): 2})
    call = solve_locus(members, weights, het_penalty=0.03, min_het_reads=2.5)
    assert call.homozygous and [c.tied for c in call.calls] == [(1,)]
    assert call.calls[0].reads == 60
    # Without a penalty the ILP takes the second allele ...
    assert not solve_locus(members, weights, het_penalty=0, min_het_reads=0).homozygous
    # ... unless it is a small minority of the fragments that tell 1 and 2 apart.
    members, weights = _classes({(1, 2): 40, (1,): 40, (2,): 5})
    assert not solve_locus(members, weights, 0.03, 2.5).homozygous
    assert solve_locus(members, weights, 0.03, 2.5, min_allele_balance=0.15).homozygous


def test_ilp_reports_ties_never_resolves_them():
    # 1 and 2 explain the same fragments (identical in the typed exons); 3 and 4 likewise
    members, weights = _classes({(1, 2, 3, 4): 30, (1, 2): 10, (3, 4): 11, (1, 2, 5): 2})
    call = solve_locus(members, weights, 0.03, 2.5)
    assert not call.homozygous
    assert [c.tied for c in call.calls] == [(1, 2), (3, 4)]
    # homozygous tie
    members, weights = _classes({(7, 8): 25, (7, 8, 9): 4})
    call = solve_locus(members, weights, 0.03, 2.5)
    assert call.homozygous and call.calls[0].tied == (7, 8) and call.calls[0].margin_reads == 25


def test_ilp_genotype_ambiguity_goes_to_the_allele_with_more_own_support():
    # a=1 and u=2 differ where b=3 equals a: beside b, u explains as much as a, but a explains more itself
    members, weights = _classes({(1, 2, 3): 40, (1, 2): 20, (1, 3): 6, (3,): 15})
    call = solve_locus(members, weights, 0.03, 2.5)
    assert [c.tied for c in call.calls] == [(1,), (3,)]
    assert call.calls[0].margin_reads == 0  # 2 in its place would explain as many fragments


def test_ilp_with_one_candidate_and_without_reads():
    members, weights = _classes({(4,): 3})
    call = solve_locus(members, weights, 0.03, 2.5)
    assert call.homozygous and call.calls[0].tied == (4,) and call.calls[0].margin_reads is None
    assert solve_locus([], np.zeros(0, dtype=int), 0.03, 2.5).calls == ()


@pytest.mark.skipif(shutil.which("razers3") is None and shutil.which("/usr/lib/seqan/bin/razers3") is None,
                    reason="razers3 is not installed (Debian seqan-apps)")  # fmt: skip
def test_razers3_hits_count_errors(tmp_path):
    fasta = tmp_path / "ref.fa"
    allele = "".join(np.random.default_rng(1).choice(list("ACGT"), 200))
    other = allele[:100] + ("A" if allele[100] != "A" else "C") + allele[101:]
    fasta.write_text(f">A*01:01\n{allele}\n>A*01:02\n{other}\n")
    reference = read_hla_reference(fasta)
    write_mapping_fasta(reference, tmp_path / "alleles.fa")
    read = allele[75:125]
    (tmp_path / "reads.fa").write_text(f">0\n{read}\n>1\n{read[:10]}NN{read[12:]}\n")
    out = tmp_path / "hits.razers"
    run_razers3(find_razers3(), tmp_path / "alleles.fa", tmp_path / "reads.fa", out, 95, 1, 1000)
    read_ids, allele_ids, errors = read_razers_hits(out)
    assert sorted(zip(read_ids, allele_ids, errors)) == [(0, 0, 0), (0, 1, 1), (1, 0, 0), (1, 1, 1)]
    read_ids, _, errors = read_razers_hits(out, min_identity=99)  # 1 error in 50 bases is 98 %
    assert list(errors) == [0, 0]
