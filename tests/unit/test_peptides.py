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
