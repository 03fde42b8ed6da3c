"""DNA and protein sequence helpers: complement, translation, residue names."""

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")

_BASES = "TCAG"
_AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _AMINO_ACIDS[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}

THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln",
    "E": "Glu", "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys",
    "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
    "Y": "Tyr", "V": "Val", "*": "Ter", "X": "Xaa",
}  # fmt: skip


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA sequence (IUPAC N kept as N)."""
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str, to_stop: bool = True) -> str:
    """Translate DNA in frame 0 into one-letter amino acids.

    Parameters
    ----------
    seq : str
        DNA; a trailing partial codon is ignored.
    to_stop : bool
        Stop before the first stop codon (the stop is not included).

    Codons with N or other non-ACGT letters become 'X'.
    """
    protein = []
    for i in range(0, len(seq) - 2, 3):
        amino_acid = CODON_TABLE.get(seq[i : i + 3].upper(), "X")
        if amino_acid == "*" and to_stop:
            break
        protein.append(amino_acid)
    return "".join(protein)


def three_letter(protein: str) -> str:
    """'GD' -> 'GlyAsp'."""
    return "".join(THREE_LETTER[aa] for aa in protein)
