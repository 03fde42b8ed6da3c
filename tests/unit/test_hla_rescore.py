"""Rescoring razers3 hits over exon bases only (the genomic reference): per-base counts on literal hits."""

import shutil

import numpy as np
import pytest

from neoag.hla.razers import find_razers3, read_razers_table, run_razers3, write_mapping_fasta
from neoag.hla.reference import read_hla_reference
from neoag.hla.rescore import (
    concatenated_alleles,
    exon_mismatches,
    read_fasta_reads,
    read_matrix,
    rescore_hits,
    rescore_razers_file,
    reverse_complement_rows,
)

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def _revcomp(sequence):
    return sequence.translate(COMPLEMENT)[::-1]


def _random(length, seed):
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), length))


def _one(read, allele, spans, begin, reverse=False):
    forward, lengths = read_matrix([read])
    backward = reverse_complement_rows(forward, lengths)
    alleles = concatenated_alleles([allele], [spans])
    bad, covered, bad_all = exon_mismatches(
        forward, backward, lengths, alleles, np.array([0]), np.array([0]), np.array([begin]), np.array([reverse])
    )
    return int(bad[0]), int(covered[0]), int(bad_all[0])


def test_reverse_complement_rows_keep_padding():
    matrix, lengths = read_matrix(["ACGTT", "GGA"])
    assert lengths.tolist() == [5, 3]
    back = reverse_complement_rows(matrix, lengths)
    assert back.tolist() == [[1, 1, 2, 3, 4], [4, 2, 2, 0, 0]]  # AACGT, TCC + padding


def test_mismatches_count_only_exon_positions():
    allele = _random(300, 1)
    spans = ((100, 200),)  # the exon; the rest is intron
    read = list(allele[60:160])  # 40 intron bases, then 60 exon bases
    read[5] = "A" if read[5] != "A" else "C"  # an intron difference
    read[70] = "A" if read[70] != "A" else "C"  # an exon difference
    read = "".join(read)
    assert _one(read, allele, spans, 60) == (1, 60, 2)
    # the same read from the other strand, mapped as razers3 reports it (reverse, same position)
    assert _one(_revcomp(read), allele, spans, 60, reverse=True) == (1, 60, 2)
    # an allele known over all its bases (spans None) counts both
    assert _one(read, allele, None, 60) == (2, 100, 2)


def test_n_matches_and_an_intron_mate_covers_no_exon_base():
    allele = _random(300, 2)
    read = allele[100:200]
    masked = read[:50] + "N" + read[51:]
    wrong = read[:50] + ("A" if read[50] != "A" else "C") + read[51:]
    assert _one(masked, allele, ((100, 200),), 100) == (0, 100, 0)
    assert _one(wrong, allele, ((100, 200),), 100) == (1, 100, 1)
    assert _one(read, allele, ((0, 50), (250, 300)), 100) == (0, 0, 0)


def _hits(**columns):
    return {name: np.asarray(values) for name, values in columns.items()}


def test_rescore_keeps_exon_evidence_and_drops_intron_mates():
    exon = _random(120, 3)
    own = _random(100, 4) + exon + _random(100, 5)  # an allele with its own introns
    placed = own[:100] + exon[:60] + ("A" if exon[60] != "A" else "C") + exon[61:] + _random(100, 6)
    spans = ((100, 220),)
    reads = [own[150:250], own[0:100], own[40:140]]  # exon + intron 2; intron 1 only; 40 exon bases
    # razers3's view: mate 0 fits 'own' exactly, 'placed' with 1 exon + ~20 intron differences;
    # mate 1 lies in intron 1 of both; mate 2 overhangs exon 1 by 40 bases.
    hits = _hits(
        read=[0, 0, 1, 1, 2, 2], allele=[0, 1, 0, 1, 0, 1], errors=[0, 5, 0, 0, 0, 0],
        begin=[150, 150, 0, 0, 40, 40], end=[250, 250, 100, 100, 140, 140], reverse=[False] * 6,
    )  # fmt: skip
    kept, counts = rescore_hits(hits, reads, [own, placed], [spans, spans], min_exon_bases=50, min_identity=97)
    # On 'placed', mate 0 differs gaplessly at 1 exon base and ~20 intron bases, more than the 5 errors
    # razers3 claims: that is how an indel shows ('gapped'), so it is aligned with one indel (here both
    # parts lie at the same place): 1 exon mismatch + the indel, which falls in the exon; 2 of 70 allowed.
    assert counts["hits_outside_exons"] == 4  # mates 1 and 2 on both alleles: < 50 exon bases
    assert list(zip(kept["read"].tolist(), kept["allele"].tolist(), kept["errors"].tolist())) == [(0, 0, 0), (0, 1, 2)]
    assert counts["hits_gapped"] == 1 and counts["hits_exon_errors"] == 0
    # With razers3's count honest (no indel), only the 1 exon difference counts (70 exon bases allow 2).
    honest = dict(hits, errors=np.array([0, 100, 0, 0, 0, 0]))
    kept, counts = rescore_hits(honest, reads, [own, placed], [spans, spans], min_exon_bases=50, min_identity=97)
    assert list(zip(kept["read"].tolist(), kept["allele"].tolist(), kept["errors"].tolist())) == [(0, 0, 0), (0, 1, 1)]
    assert counts["hits_gapped"] == 0 and counts["hits_exon_errors"] == 0
    # a lower threshold lets mate 2 (40 exon bases) count; mate 1 (none) never does
    kept, counts = rescore_hits(honest, reads, [own, placed], [spans, spans], min_exon_bases=20, min_identity=97)
    assert sorted(set(kept["read"].tolist())) == [0, 2] and counts["hits_outside_exons"] == 2


def test_an_intron_indel_is_aligned_from_the_other_end():
    exon = _random(100, 11)
    intron = _random(100, 12)
    sample = intron + exon  # the sample's gene
    allele = intron[:30] + "A" + intron[30:] + exon  # the reference allele: 1 more intron base
    read = sample[40:140]  # 60 intron bases (after the insertion point), 40 exon bases
    spans = ((101, 201),)
    # razers3 aligns the read with the extra base skipped: 1 error, the hit spans allele[41:141)
    hits = _hits(read=[0], allele=[0], errors=[1], begin=[41], end=[141], reverse=[False])
    kept, counts = rescore_hits(hits, [read], [allele], [spans], 20, 97)
    assert kept["errors"].tolist() == [0] and counts["hits_gapped"] == 0  # laid from begin: it fits
    # razers3 may place the gap at the read's start instead: begin 40, end 141 (101 allele bases)
    shifted = dict(hits, begin=np.array([40]))
    kept, counts = rescore_hits(shifted, [read], [allele], [spans], 20, 97)
    assert counts["hits_gapped"] == 1 and kept["errors"].tolist() == [0]  # laid from the end: the exon fits


def test_a_gapped_hit_covers_the_exon_bases_it_aligns_not_those_of_its_gapless_lay():
    exon = _random(100, 13)
    intron = _random(100, 14)
    sample = intron[:90] + "GGGGC" + intron[90:] + exon  # the sample's allele: 5 more intron bases
    shorter = intron + exon  # a reference allele without them, identical over the exon
    read = sample[22:122]  # 83 intron bases (with the 5 extra ones), then 17 exon bases
    # On 'sample' the read lies gaplessly: 17 exon bases. On 'shorter' razers3 aligns it with a
    # 5-base gap over allele[22:117); laid gaplessly from 22 it would reach allele position 121 and
    # seem to cover 22 exon bases.
    hits = _hits(
        read=[0, 0], allele=[0, 1], errors=[0, 5], begin=[22, 22], end=[122, 117], reverse=[False, False]
    )  # fmt: skip
    spans = [((105, 205),), ((100, 200),)]
    kept, counts = rescore_hits(hits, [read], [sample, shorter], spans, 20, 97)
    # both hits hold the same 17 exon bases: neither counts at 20, so the intron indel decides nothing
    assert counts["hits_gapped"] == 1 and counts["hits_outside_exons"] == 2 and len(kept["read"]) == 0
    kept, counts = rescore_hits(hits, [read], [sample, shorter], spans, 17, 97)
    assert kept["allele"].tolist() == [0, 1] and kept["errors"].tolist() == [0, 0]


def test_exon_errors_are_limited_by_the_exon_bases_covered():
    allele = _random(300, 7)
    read = list(allele[150:250])  # 50 exon bases (100-200), 50 intron bases
    for i in (0, 10):
        read[i] = "A" if read[i] != "A" else "C"
    hits = _hits(read=[0], allele=[0], errors=[2], begin=[150], end=[250], reverse=[False])
    # 2 errors in 50 exon bases is 96 %: dropped at 97 %, kept at 95 %
    _, counts = rescore_hits(hits, ["".join(read)], [allele], [((100, 200),)], 20, 97)
    assert counts["hits_exon_errors"] == 1
    kept, _ = rescore_hits(hits, ["".join(read)], [allele], [((100, 200),)], 20, 95)
    assert kept["errors"].tolist() == [2]


@pytest.mark.skipif(shutil.which("razers3") is None and shutil.which("/usr/lib/seqan/bin/razers3") is None,
                    reason="razers3 is not installed (Debian seqan-apps)")  # fmt: skip
def test_razers3_hits_rescored_on_both_strands(tmp_path):
    exon = _random(150, 8)
    first = _random(200, 9) + exon + _random(200, 10)
    second = first[:180] + ("A" if first[180] != "A" else "C") + first[181:]  # an intron difference
    fasta = tmp_path / "ref.fa"
    fasta.write_text(f">A*01:01 typed=201-350\n{first}\n>A*01:02 typed=201-350\n{second}\n")
    reference = read_hla_reference(fasta)
    write_mapping_fasta(reference, tmp_path / "alleles.fa")
    read = first[150:250]  # 50 intron bases with the difference, 50 exon bases
    (tmp_path / "reads.fa").write_text(f">0\n{read}\n>1\n{_revcomp(read)}\n")
    out = tmp_path / "hits.razers"
    run_razers3(find_razers3(), tmp_path / "alleles.fa", tmp_path / "reads.fa", out, 95, 5, 1000)
    hits = read_razers_table(out)
    assert sorted(zip(hits["read"], hits["allele"], hits["errors"], hits["reverse"])) == [
        (0, 0, 0, False), (0, 1, 1, False), (1, 0, 0, True), (1, 1, 1, True),
    ]  # fmt: skip
    kept, counts = rescore_hits(
        hits, read_fasta_reads(tmp_path / "reads.fa"), reference.sequences, reference.typed, 20, 97
    )
    assert sorted(zip(kept["read"], kept["allele"], kept["errors"])) == [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 0)]
    assert counts == {"hits_outside_exons": 0, "hits_exon_errors": 0, "hits_gapped": 0}
    # read one hit at a time, the file gives the same kept hits and counts
    chunked, chunk_counts = rescore_razers_file(
        out, read_fasta_reads(tmp_path / "reads.fa"), reference.sequences, reference.typed, 20, 97, rows=1
    )
    assert sorted(zip(chunked["read"], chunked["allele"], chunked["errors"])) == sorted(
        zip(kept["read"], kept["allele"], kept["errors"])
    )
    assert chunk_counts == counts
