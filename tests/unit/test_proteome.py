"""Reference proteome: translation of coding transcripts, exact peptide matches."""

from neoag.annotation.proteome import found_in_proteome, read_proteome, reference_proteins, translate_transcript
from neoag.transcripts import Transcript

# ATG AAA TGC TAA: M K C stop, on the + strand with a 2-base 5'UTR and one intron.
GENOME = {"c": "GGATGAAAgtaagTGCTAAGG"}


def fetch(chrom, start, end):
    return GENOME[chrom][start:end]


def test_translation_of_a_spliced_plus_strand_transcript():
    transcript = Transcript("T1", "G1", "GENE", "c", "+", ((0, 8), (13, 21)), 2, 19)
    assert translate_transcript(transcript, transcript.spliced_sequence(fetch)) == "MKC"
    assert reference_proteins([transcript], fetch) == [("T1", "GENE", "MKC")]


def test_exact_matches_only_and_never_across_proteins():
    proteins = ["MKTAYIAKQR", "QISFVKSHFS"]
    peptides = ["KTAYIAKQR", "KTAYIAKQX", "AKQRQISF", "QISFVKSHF", "", "MKTAYIAKQRQ"]
    assert found_in_proteome(peptides, proteins) == {"KTAYIAKQR", "QISFVKSHF"}


def test_overlapping_and_nested_peptides_are_all_found():
    proteins = ["AAAAAAAAAAAA"]
    assert found_in_proteome(["AAAAAAAA", "AAAAAAAAA", "AAAAAAAAAAAAA"], proteins) == {"AAAAAAAA", "AAAAAAAAA"}
    assert found_in_proteome(["SIINFEKL"], []) == set()


def test_proteome_fasta_round_trip(tmp_path):
    path = tmp_path / "p.fa"
    path.write_text(">T1 gene=A\nMKTAY\nIAKQR\n>T2 gene=B\nQISF\n")
    assert read_proteome(str(path)) == ["MKTAYIAKQR", "QISF"]
