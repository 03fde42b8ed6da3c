from neoag.sequence import reverse_complement, three_letter, translate


def test_translate_stops_at_the_first_stop():
    assert translate("ATGGCTTAAGGG") == "MA"
    assert translate("ATGGCTTAAGGG", to_stop=False) == "MA*G"


def test_translate_ignores_a_partial_codon_and_marks_unknown_codons():
    assert translate("ATGGCNTT") == "MX"


def test_reverse_complement():
    assert reverse_complement("ATGCN") == "NGCAT"


def test_three_letter():
    assert three_letter("GD*") == "GlyAspTer"
