import pytest

from neoag.errors import NeoagInputError
from neoag.transcripts import TranscriptIndex, _transcripts_from_lines, parse_attributes

GTF = """\
#!genome-build test
c\ttest\tgene\t11\t67\t.\t+\t.\tgene_id "G1"; gene_name "GENE1";
c\ttest\ttranscript\t11\t67\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; tag "basic"; tag "Ensembl_canonical";
c\ttest\texon\t11\t25\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1"; exon_number "1";
c\ttest\texon\t44\t67\t.\t+\t.\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1"; exon_number "2";
c\ttest\tCDS\t14\t25\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\tCDS\t44\t52\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\tstop_codon\t53\t55\t.\t+\t0\tgene_id "G1"; transcript_id "T1"; gene_name "GENE1";
c\ttest\texon\t100\t200\t.\t-\t.\tgene_id "G2"; transcript_id "T2"; gene_name "NONCODING";
"""


def test_gtf_transcript_model_joins_cds_and_stop_codon():
    (transcript,) = _transcripts_from_lines(GTF.splitlines(True), "test.gtf")
    assert transcript.transcript_id == "T1" and transcript.gene_name == "GENE1"
    assert transcript.exons == ((10, 25), (43, 67))
    assert (transcript.coding_start, transcript.coding_end) == (13, 55)
    assert transcript.tags == ("basic", "Ensembl_canonical")


def test_attributes_keep_repeated_keys():
    assert parse_attributes('tag "a"; tag "b"; level 2;') == {"tag": ["a", "b"], "level": ["2"]}


def test_malformed_gtf_line_names_the_line():
    with pytest.raises(NeoagInputError, match=r"bad.gtf, line 2: .*9 tab-separated columns"):
        _transcripts_from_lines(["#x\n", "c exon 1 2\n"], "bad.gtf")


def test_index_finds_overlapping_transcripts_only():
    (transcript,) = _transcripts_from_lines(GTF.splitlines(True), "test.gtf")
    index = TranscriptIndex([transcript])
    assert index.overlapping("c", 30, 31) == [transcript]  # intron counts: the caller decides
    assert index.overlapping("c", 70, 71) == []
    assert index.overlapping("other", 30, 31) == []
    assert index.overlapping("c", 11, 11) == [transcript]  # an insertion between bases 10 and 11
    assert index.overlapping("c", 10, 10) == []  # an insertion before the transcript's first base
    assert index.overlapping("c", 67, 67) == []  # ... or after its last base
