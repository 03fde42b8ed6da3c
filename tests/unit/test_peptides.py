from neoag.annotation.peptides import mutant_peptides, window_starts


def test_window_starts_cover_every_window_holding_the_change():
    # protein of 20, residue 10 changed, 9-mers: starts 2..10
    assert list(window_starts(20, 10, 11, 9)) == list(range(2, 11))


def test_window_starts_are_clipped_at_the_protein_ends():
    assert list(window_starts(12, 1, 2, 9)) == [0, 1]
    assert list(window_starts(12, 11, 12, 9)) == [3]


def test_deletion_windows_span_the_junction():
    # junction before index 5: a window must hold residues 4 and 5
    starts = list(window_starts(20, 5, 5, 8))
    assert starts == list(range(0, 5))
    assert all(s <= 4 and s + 8 >= 6 for s in starts)


def test_missense_peptides_have_positional_wild_type():
    wt = "MAKREWHLLSPQRT"
    mt = "MAKREWHLLDPQRT"  # S10D
    peptides = list(mutant_peptides("missense", wt, mt, 9, 10, [9], flank_length=3))
    assert len(peptides) == 5  # starts 1..5 fit in the 14-residue protein
    first = peptides[0]
    assert (first.mt_peptide, first.wt_peptide, first.n_flank, first.c_flank) == ("AKREWHLLD", "AKREWHLLS", "M", "PQR")
    assert first.mutation_positions == (9,)
    assert all(p.mt_peptide[p.mutation_positions[0] - 1] == "D" for p in peptides)


def test_frameshift_peptides_have_no_wild_type_and_run_to_the_end():
    wt = "MAKREWHLLSPQRT"
    mt = "MAKLNGIKHD"
    peptides = list(mutant_peptides("frameshift", wt, mt, 3, 10, [8], flank_length=5))
    assert [p.mt_peptide for p in peptides] == ["MAKLNGIK", "AKLNGIKH", "KLNGIKHD"]
    assert all(p.wt_peptide == "" for p in peptides)
    assert peptides[-1].mutation_positions == (2, 3, 4, 5, 6, 7, 8)


def test_peptides_found_in_the_wild_type_protein_are_left_out():
    # deleting one K of KK leaves peptides that also occur in the wild type
    wt = "MSTKKLLPQRSTV"
    mt = "MSTKLLPQRSTV"
    peptides = list(mutant_peptides("inframe_deletion", wt, mt, 4, 4, [8], flank_length=0))
    assert peptides  # the junction-spanning ones are new
    assert all(p.mt_peptide not in wt for p in peptides)


def test_non_standard_residues_skip_a_peptide_not_the_variant_or_the_sample(tmp_path, capsys):
    """N bases in an exon of the FASTA (GTF path) make an X in the protein: peptides holding it are
    skipped and counted in the log; the variant's other peptides are written, flanks stop before X."""
    import pysam

    from neoag.annotation.annotate import annotate_vcf
    from neoag.annotation.peptides import write_peptides
    from neoag.tables import read_table

    codons = ["ATG", "GCT", "AAA", "CGT", "GAA", "TGG", "CAT", "CTG", "NNG", "AGC", "CCG", "CAA",
              "CGC", "ACC", "GTT", "GAT", "TTC", "AAG", "GGC", "TAA"]  # fmt: skip
    cds = "".join(codons)  # codon 9 (index 8) is NNG -> X
    genome = "CCCCCCCCCC" + cds + "CCCCCCCCCCCCCCCCCCCC"
    (tmp_path / "g.fa").write_text(f">chrT\n{genome}\n")
    pysam.faidx(str(tmp_path / "g.fa"))
    attributes = 'gene_id "G1"; transcript_id "T1"; gene_name "G1"; transcript_biotype "protein_coding";'
    rows = [
        ("transcript", 1, len(genome)),
        ("exon", 1, len(genome)),
        ("CDS", 11, 10 + len(cds) - 3),
        ("stop_codon", 10 + len(cds) - 2, 10 + len(cds)),
    ]
    (tmp_path / "g.gtf").write_text(
        "".join(f"chrT\tt\t{kind}\t{start}\t{end}\t.\t+\t0\t{attributes}\n" for kind, start, end in rows)
    )
    snv_pos = 10 + 13 * 3 + 1  # first base of codon 14 (ACC -> CCC: T14P)
    header = f"##fileformat=VCFv4.2\n##contig=<ID=chrT,length={len(genome)}>\n"
    header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    (tmp_path / "s.vcf").write_text(header + f"chrT\t{snv_pos}\t.\tA\tC\t.\tPASS\t.\n")
    annotate_vcf(str(tmp_path / "s.vcf"), str(tmp_path / "g.gtf"), str(tmp_path / "g.fa"), str(tmp_path / "a.tsv"),
                 phase_neighbours=False)  # fmt: skip
    annotation = read_table(str(tmp_path / "a.tsv"))
    assert annotation.consequence.tolist() == ["missense"] and "X" in annotation.wt_protein[0]
    write_peptides(str(tmp_path / "a.tsv"), str(tmp_path / "p.tsv"), [8, 9], flank_length=10)
    log = capsys.readouterr().err
    peptides = read_table(str(tmp_path / "p.tsv"))
    # windows of 8 and 9 over residue 14 (index 13) of the 19-residue protein; those from index 8 on hold X
    starts = [start for n in (8, 9) for start in window_starts(19, 13, 14, n)]
    with_x = sum(start <= 8 for start in starts)
    assert len(peptides) == len(starts) - with_x > 0 and with_x > 0
    assert f"skipped {with_x} peptide(s), non_standard_mt_peptide" in log
    for column in ("mt_peptide", "wt_peptide", "mt_n_flank", "mt_c_flank", "wt_n_flank", "wt_c_flank"):
        assert not peptides[column].str.contains("X").any(), column
    assert (peptides.mt_n_flank.str.len() < 10).any()  # a flank cut at the X


def test_wild_type_partners_by_position_and_by_alignment():
    """An in-frame deletion of DE: by position the 8-mer ABCFGHIJ-like peptide is paired with the
    wild type at its start; by alignment with the window that shares most residues (after the gap).
    A frameshift peptide wholly in the new frame gets no partner either way."""
    from neoag.annotation.peptides import aligned_wt

    wt = "MSTAVLKDEFGHIKLPQRSTVW"
    mt = "MSTAVLKFGHIKLPQRSTVW"  # D8/E9 deleted: junction before index 7
    by_position = {p.mt_peptide: p for p in mutant_peptides("inframe_deletion", wt, mt, 7, 7, [8], 3)}
    by_alignment = {
        p.mt_peptide: p for p in mutant_peptides("inframe_deletion", wt, mt, 7, 7, [8], 3, wt_pairing="alignment")
    }
    assert by_position.keys() == by_alignment.keys()
    late = by_position["VLKFGHIK"]  # starts at index 4
    assert late.wt_peptide == "VLKDEFGH"  # same start: 3 residues shared
    aligned = by_alignment["VLKFGHIK"]
    assert (aligned.wt_peptide, aligned.wt_start) == ("KDEFGHIK", 6)  # 5 residues shared
    assert by_alignment["MSTAVLKF"].wt_peptide == by_position["MSTAVLKF"].wt_peptide == "MSTAVLKD"
    frameshifted = "MSTAVLKRWNCQYHMW"
    assert aligned_wt(wt, frameshifted[7:15], 7) == ("", 7)  # no window shares half its residues
    fs = list(mutant_peptides("frameshift", wt, frameshifted, 7, len(frameshifted), [8], 3, wt_pairing="alignment"))
    assert fs[0].wt_peptide == wt[0:8] and fs[-1].wt_peptide == ""  # the first keeps the shared prefix
    by_start = list(mutant_peptides("frameshift", wt, frameshifted, 7, len(frameshifted), [8], 3))
    assert all(p.wt_peptide == "" for p in by_start)  # 'position': frameshifts have no partner
