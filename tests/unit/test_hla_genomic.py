"""The genomic typing reference: IMGT/HLA *_gen alignments, exon-only alleles placed, typed exon spans."""

import pytest

from neoag.errors import NeoagInputError
from neoag.hla.download import build_references, download_reference
from neoag.hla.genomic import assemble, genomic_segments, genomic_typing_records, nuc_exons
from neoag.hla.reference import parse_alignment, read_hla_reference

# Made-up alignments in the IMGT/HLA layout ('-' = the first allele's base, '.' gap, '*' not
# sequenced, '|' feature boundary). Genomic: 5'UTR | exon 1 | intron 1 | exon 2 | intron 2 |
# exon 3 | intron 3 | exon 4 | 3' rest.
GEN = """\
HLA-A Genomic Sequence Alignments
 gDNA              -5
                   |
 A*01:01:01:01     CCAAG|ATGGC|gtaag|CCTAAGGTTC|ttcag|AACTTGA|ggcat|CCGGTTAA|TGA
 A*01:01:01:02N    *****|-----|-----|----------|-----|-------|-----|--------|***
 A*02:01:01:01     -----|-----|-c---|----C-----|-----|-----C-|-----|--------|---
 A*03:01:01        **---|-----|-----|--G-------|--a--|-------|-----|--------|---
 A*11:01:01        -----|-----|*****|----------|-----|-------|-----|--------|---
"""
NUC = """\
 cDNA              -72
 A*01:01:01:01     ATGGC|CCTAAGGTTC|AACTTGA|CCGGTTAA
 A*01:01:01:02N    -----|----------|-------|--------
 A*02:01:01:01     -----|----C-----|-----C-|--------
 A*02:05           -----|----C-----|-----C-|---A----
 A*03:01:01        -----|--G-------|-------|--------
 A*03:02           *****|--G-------|------A|********
 A*11:01:01        -----|-T--------|-------|--------
 A*32:11Q          -----|--------A-|-------|--------
 A*80:01           -----|----------|**-----|--------
"""


def _rows(text):
    return parse_alignment(text.upper().splitlines(), "test")


def test_genomic_segments_keep_sequenced_expressed_alleles():
    segments = genomic_segments(_rows(GEN), "A", "A_gen.txt")
    # the null allele and A*11:01:01 (intron 1 not sequenced) are left out; a UTR gap does not matter
    assert list(segments) == ["A*01:01:01:01", "A*02:01:01:01", "A*03:01:01"]
    assert segments["A*02:01:01:01"] == ["ATGGC", "GCAAG", "CCTACGGTTC", "TTCAG", "AACTTCA", "GGCAT", "CCGGTTAA"]
    assert segments["A*03:01:01"][3] == "TTAAG"


def test_exon_only_alleles_are_placed_into_their_closest_genomic_allele():
    segments = genomic_segments(_rows(GEN), "A", "A_gen.txt")
    exons = nuc_exons(_rows(NUC), "A")
    assert "A*01:01:01:02N" not in exons and "A*80:01" not in exons  # null; exon 3 incomplete
    assert exons["A*03:02"] == {2: "CCGAAGGTTC", 3: "AACTTGA"}  # exons 1 and 4 unknown
    records = {r.name: r for r in genomic_typing_records(segments, exons)}
    # every allele with exons 2-3 is there: 3 genomic, 4 placed (the Q allele is kept)
    assert list(records) == [
        "A*01:01:01:01", "A*02:01:01:01", "A*03:01:01", "A*02:05", "A*03:02", "A*11:01:01", "A*32:11Q",
    ]  # fmt: skip
    assert records["A*02:01:01:01"].introns_from == ""
    assert records["A*02:05"].introns_from == "A*02:01:01:01"  # same exons 2-3: distance 0
    assert records["A*03:02"].introns_from == "A*03:01:01"  # one difference, against two
    assert records["A*11:01:01"].introns_from == "A*01:01:01:01"  # genomic record lacks intron 1: placed
    placed = records["A*02:05"]
    assert placed.sequence == "ATGGC" + "GCAAG" + "CCTACGGTTC" + "TTCAG" + "AACTTCA" + "GGCAT" + "CCGATTAA"
    assert [placed.sequence[a:b] for a, b in placed.typed] == ["CCTACGGTTC", "AACTTCA"]
    # exons 1 and 4 unknown: the backbone's
    assert records["A*03:02"].sequence == "ATGGC" + "GTAAG" + "CCGAAGGTTC" + "TTAAG" + "AACTTGA" + "GGCAT" + "CCGGTTAA"


def test_header_round_trip_and_typed_spans(tmp_path):
    record = assemble("A*01:01:01:01", ["ATG", "GTAAG", "CCTAA", "TTCAG", "AACT", "GGCAT", "CCGG"])
    assert record.typed == ((8, 13), (18, 22))
    path = tmp_path / "genomic.fa"
    path.write_text(f">{record.header('3.99.0')}\n{record.sequence}\n>C*01:02 typed=2-3,5-6 introns=own\nACGTACG\n")
    reference = read_hla_reference(path)
    assert reference.names == (("A*01:01:01:01",), ("C*01:02",))
    assert reference.typed == (((8, 13), (18, 22)), ((1, 3), (4, 6)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (">A*01:01 typed=9-3\nACGTACGTAC\n", "typed=START-END"),
        (">A*01:01 typed=2-30\nACGTACGTAC\n", "beyond the sequence"),
        (">A*01:01 typed=2-3\nACGTACGTAC\n>A*01:02\nACGTACGTAA\n", "some headers give typed="),
    ],
)
def test_bad_typed_spans_are_explained(tmp_path, text, message):
    path = tmp_path / "reference.fa"
    path.write_text(text)
    with pytest.raises(NeoagInputError, match=message):
        read_hla_reference(path)


def test_exon_reference_has_no_spans(tmp_path):
    path = tmp_path / "exon.fa"
    path.write_text(">A*01:01\nACGTACGTAC\n")
    assert read_hla_reference(path).typed == ()


def test_build_references_writes_both_from_one_release():
    other = {"B": GEN.replace("A*", "B*").replace("HLA-A", "HLA-B"), "C": GEN.replace("A*", "C*")}
    gen = {"A": GEN.upper().splitlines(), **{k: v.upper().splitlines() for k, v in other.items()}}
    nuc = {"A": NUC.splitlines(), "B": NUC.replace("A*", "B*").splitlines(), "C": NUC.replace("A*", "C*").splitlines()}
    exon_lines, genomic_lines = build_references(nuc, gen, "3.99.0")
    assert len(exon_lines) == 2 * 3 * 7  # A*01:01:01:01 ... A*32:11Q per locus (complete exons 1-4 absent for 2)
    headers = [line for line in genomic_lines if line.startswith(">")]
    assert len(headers) == 3 * 7
    assert headers[3].startswith(">A*02:05 typed=11-20,26-32 introns=A*02:01:01:01 IPD-IMGT/HLA 3.99.0")


def test_download_url_needs_kind(tmp_path):
    with pytest.raises(NeoagInputError, match="no \\{kind\\} field"):
        download_reference("3.99.0", "https://example.org/{release}/{locus}_nuc.txt", "a.fa", "b.fa")


def test_download_reference_writes_both_fastas(tmp_path):
    """The whole download path, offline: file:// URLs stand in for the release."""
    for locus in "ABC":
        (tmp_path / f"{locus}_gen.txt").write_text(GEN.upper().replace("A*", f"{locus}*"))
        (tmp_path / f"{locus}_nuc.txt").write_text(NUC.replace("A*", f"{locus}*"))
    exon, genomic = tmp_path / "out" / "exon.fa", tmp_path / "out" / "genomic.fa"
    written = download_reference("3.99.0", f"file://{tmp_path}/{{locus}}_{{kind}}.txt", str(exon), str(genomic))
    assert written == 21
    assert sum(len(n) for n in read_hla_reference(exon).names) == 3 * 7  # identical ones collapse
    reference = read_hla_reference(genomic)
    assert sum(len(n) for n in reference.names) == 21 and len(reference.typed) == len(reference)
    assert not list((tmp_path / "out").glob("*.part"))
