"""HLA reads given as FASTQ: mates paired by name, and deep loci subsampled before mapping."""

import gzip

import pytest

from neoag.errors import NeoagInputError
from neoag.hla.fastx import mate_name, read_fastq_pairs
from neoag.hla.prefilter import LocusReservoirs, kmer_loci, prefilter_fragments, reference_kmer_loci
from neoag.hla.reference import read_hla_reference


def _fastq(path, names, sequence="ACGTACGT", gz=False):
    text = "".join(f"@{name}\n{sequence}\n+\n{'I' * len(sequence)}\n" for name in names)
    if gz:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return str(path)


def test_mates_pair_by_name_in_every_usual_spelling(tmp_path):
    assert mate_name("frag7/1") == mate_name("frag7/2") == mate_name("frag7") == "frag7"
    # Casava 1.8 headers ('@name 1:N:0:ACGT'), old '/1' '/2' suffixes, gzip or not
    one = _fastq(tmp_path / "r1.fq.gz", ["a 1:N:0:ACGT", "b/1"], gz=True)
    two = _fastq(tmp_path / "r2.fq", ["a 2:N:0:ACGT", "b/2"], sequence="TTTTGGGG")
    pairs = list(read_fastq_pairs(one, two))
    assert pairs == [(("ACGTACGT", "IIIIIIII"), ("TTTTGGGG", "IIIIIIII"))] * 2


def test_mates_out_of_step_name_the_files_and_the_read(tmp_path):
    one = _fastq(tmp_path / "r1.fq", ["a", "b", "c"])
    two = _fastq(tmp_path / "r2.fq", ["a", "c", "b"])
    with pytest.raises(NeoagInputError, match=r"out of step at read 2: 'b' in the first file, 'c' in the second"):
        list(read_fastq_pairs(one, two))
    short = _fastq(tmp_path / "short.fq", ["a", "b"])
    with pytest.raises(NeoagInputError, match=r"r1.fq has more reads than .*short.fq \(read 3, 'c'"):
        list(read_fastq_pairs(one, short))
    with pytest.raises(NeoagInputError, match=r"r1.fq has more reads than .*short.fq \(read 'c' has no mate\)"):
        list(read_fastq_pairs(short, one))


def test_reservoirs_keep_input_order_below_the_cap_and_sample_above_it():
    below = LocusReservoirs(cap=5)
    for order in range(4):
        below.add("A", order, [str(order)])
    assert below.fragments() == [["0"], ["1"], ["2"], ["3"]] and below.subsampled() == {}
    above, again = LocusReservoirs(cap=10, seed=3), LocusReservoirs(cap=10, seed=3)
    for reservoirs in (above, again):
        for order in range(1000):
            reservoirs.add("A", order, [f"a{order}"])
            if order % 2:
                reservoirs.add("B", order, [f"b{order}"])
        reservoirs.add("C", 1000, ["c"])
    kept = above.fragments()
    assert kept == again.fragments()  # seeded
    assert len(kept) == 21 and ["c"] in kept
    assert above.subsampled() == {"A": (10, 1000), "B": (10, 500)}
    orders = [int(mates[0][1:]) for mates in kept if mates[0] != "c"]
    assert orders == sorted(orders) and max(orders) > 500  # drawn from the whole input, in input order


def test_prefilter_subsamples_each_locus_to_the_cap(tmp_path):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">A*01:01\nACGTTGCAAGGCTTACCGATAGGCTAACGT\n>B*07:02\nTTTGGGCCCAAATTTGGGCAAACCCTTTGG\n")
    kmers = reference_kmer_loci(read_hla_reference(fasta), 8)
    assert kmers["ACGTTGCA"] == "A" and kmers["TTTGGGCC"] == "B"
    assert kmer_loci(["AAGGCTTACCGA"], kmers, 8, 4) == "A"
    a_read, b_read = ("AAGGCTTACCGA", "I" * 12), ("GGCCCAAATTTG", "I" * 12)
    masked_a = ("AAGGCTTACCGA", "IIII#IIIIIII")  # masking base 5 breaks both of its 8-mers: still locus A
    pairs = [(a_read, a_read)] * 40 + [(masked_a, masked_a)] * 10 + [(b_read, b_read)] * 3
    out = tmp_path / "reads.fa"
    result = prefilter_fragments(pairs, [], kmers, 8, 4, 20, 0.2, out, max_locus_fragments=10)
    assert (result.fragments_in, result.fragments_kept) == (53, 13)
    assert result.subsampled == {"A": (10, 50)}
    assert out.read_text().count(">") == 26
    unlimited = prefilter_fragments(pairs, [], kmers, 8, 4, 20, 0.2, out, max_locus_fragments=0)
    assert unlimited.fragments_kept == 53 and unlimited.subsampled == {}


def test_sheet_hla_fastq_columns_are_checked_before_any_job(tmp_path, capsys):
    from neoag.preflight.sheet import OPTIONAL_COLUMNS, check_hla_fastq_columns

    assert {"hla_fastq1", "hla_fastq2"} <= set(OPTIONAL_COLUMNS)
    one = _fastq(tmp_path / "r1.fq.gz", ["a"], gz=True)
    two = _fastq(tmp_path / "r2.fq", ["a"])
    check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": two}, "sheet, line 2")
    check_hla_fastq_columns({}, "sheet, line 2")
    with pytest.raises(NeoagInputError, match="sheet, line 2: hla_fastq1 is given but hla_fastq2 is empty"):
        check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": ""}, "sheet, line 2")
    with pytest.raises(NeoagInputError, match="are the same file"):
        check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": one}, "sheet, line 2")
    with pytest.raises(NeoagInputError, match=r"column hla_fastq2: file '.*missing.fq' does not exist"):
        check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": str(tmp_path / "missing.fq")}, "sheet, line 2")
    fasta = tmp_path / "reads.fa"
    fasta.write_text(">read\nACGT\n")
    with pytest.raises(NeoagInputError, match=r"reads.fa' is not FASTQ \(its first line is '>read'"):
        check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": str(fasta)}, "sheet, line 2")
    check_hla_fastq_columns({"hla_fastq1": one, "hla_fastq2": two}, "sheet, line 2", typed=False)
    assert "not used, because config hla.typer is 'sample_sheet'" in capsys.readouterr().err
