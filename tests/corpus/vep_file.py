"""A small one-exon gene and a VEP-annotated VCF of it with the CSQ oddities that real files hold
(issue 15). Used by tests/unit/test_vep_oddities.py and by the corpus (level 'vep')."""

import pysam

from neoag.sequence import translate

CODONS = ["ATG", "GCT", "AAA", "CGT", "GAA", "TGG", "CAT", "CTG", "GCG", "AGC", "CCG", "CAA", "CGC", "ACC",
          "GTT", "GAT", "TTC", "AAG", "GGC", "ATC", "TAT", "GAG", "CCA", "AGT", "TGC", "ACA", "GTG", "CTC",
          "AAC", "GGT"]  # fmt: skip
CDS = "".join(CODONS) + "TAA"
UTR = "GCATGACTGAGGCCTTGACCAGT" * 4
GENOME = "TTAGCTTAGT" + CDS + UTR + "T" * 10
CDS_START = 11  # 1-based position of the A of ATG
WT = translate(CDS)
FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSp|cDNA_position|CDS_position|"
    "Protein_position|Amino_acids|Codons|STRAND|FLAGS|CANONICAL|TSL|ALLELE_NUM|WildtypeProtein|FrameshiftSequence"
)
ATTRIBUTES = (
    'gene_id "G1"; transcript_id "T1"; gene_name "GENE"; transcript_biotype "protein_coding"; '
    'tag "Ensembl_canonical"; transcript_support_level "1";'
)


def codon_pos(number: int) -> int:
    """1-based genome position of the first base of codon number (1-based)."""
    return CDS_START + 3 * (number - 1)


def csq(allele, consequence, protein="", amino_acids="", frameshift="", number="1", **kw):
    values = dict(
        Allele=allele, Consequence=consequence, IMPACT="HIGH", SYMBOL="GENE", Gene="G1", Feature_type="Transcript",
        Feature="T1", BIOTYPE="protein_coding", HGVSp="", cDNA_position="", CDS_position="",
        Protein_position=protein, Amino_acids=amino_acids, Codons="", STRAND="1", FLAGS="", CANONICAL="YES",
        TSL="1", ALLELE_NUM=number, WildtypeProtein=WT, FrameshiftSequence=frameshift,
    )  # fmt: skip
    values.update(kw)
    return "|".join(values[name] for name in FIELDS.split("|"))


def base(pos: int) -> str:
    return GENOME[pos - 1]


def records() -> list[tuple[int, str, str, str]]:
    """(pos, REF, ALT(s), INFO) as VEP writes them, with the oddities seen in real files."""
    return list(named_records().values())


def named_records() -> dict[str, tuple[int, str, str, str]]:
    """The records of records(), by name (tests/corpus picks some of them)."""
    c12, c14, c20, c25 = codon_pos(12), codon_pos(14), codon_pos(20), codon_pos(25)
    stop = codon_pos(31)  # the TAA
    fs_mt = translate(GENOME[CDS_START - 1 : c25 - 1] + GENOME[c25:])  # one base deleted at codon 25
    return dict(zip(RECORD_NAMES, [
        # an ordinary missense (CAA>AAA: Q12K)
        (c12, "C", "A", "CSQ=" + csq("A", "missense_variant", "12", "Q/K")),
        # stop_gained that changes residues before the stop: p.Thr14_Val15delinsIleTer
        (c14, "ACCGTT", "ATTTAA", "CSQ=" + csq("ATTTAA", "stop_gained", "14-15", "TV/I*")),
        # an insertion that holds a stop: K L * after Ile20
        (c20 + 2, "C", "CAAGCTGTAG", "CSQ=" + csq("AAGCTGTAG", "stop_gained&inframe_insertion", "20-21", "-/KL*")),
        # a frameshift whose FrameshiftSequence ends in X (an incomplete last codon)
        (c25 - 1, base(c25 - 1) + "T", base(c25 - 1),
         "CSQ=" + csq("-", "frameshift_variant", "25", "C/X", frameshift=fs_mt + "XX")),
        # stop_lost & 3_prime_UTR with 'Protein_position 31-?' and empty Amino_acids
        (stop + 1, "AAG", "A", "CSQ=" + csq("-", "stop_lost&3_prime_UTR_variant", "31-?", "")),
        # a record VEP wrote without CSQ
        (codon_pos(8), "C", "T", "."),
        # a multi-allelic record whose CSQ covers only its first ALT; the somatic allele is the second
        (codon_pos(9), "G", "A,C", "CSQ=" + csq("A", "missense_variant", "9", "A/T")),
        # only regulatory and upstream entries
        (3, "A", "G", "CSQ=" + csq("G", "upstream_gene_variant", Feature_type="Transcript") + ","
         + csq("G", "regulatory_region_variant", Feature_type="RegulatoryFeature", Feature="ENSR1")),
        # a coding entry with no Protein_position/Amino_acids
        (codon_pos(16), "G", "C", "CSQ=" + csq("C", "missense_variant", "", "")),
        # Amino_acids that disagree with WildtypeProtein (another transcript version)
        (codon_pos(17), "T", "G", "CSQ=" + csq("G", "missense_variant", "17", "W/V")),
        # URL-encoded synonymous HGVSp (GGC>GGT: Gly19=)
        (codon_pos(19) + 2, "C", "T", "CSQ=" + csq("T", "synonymous_variant", "19", "G", HGVSp="T1P:p.Gly19%3D")),
    ]))  # fmt: skip


RECORD_NAMES = ("missense", "stop_gained_delins", "stop_gained_insertion", "frameshift_x", "stop_lost_open_end",
                "no_csq", "csq_other_allele", "regulatory_only", "no_amino_acids", "protein_mismatch",
                "synonymous_encoded")  # fmt: skip


def write_inputs(tmp_path, chosen: dict | None = None):
    (tmp_path / "genome.fa").write_text(f">chrV\n{GENOME}\n")
    pysam.faidx(str(tmp_path / "genome.fa"))
    stop = CDS_START + len(CDS) - 3
    rows = [("transcript", 1, len(GENOME) - 10), ("exon", 1, len(GENOME) - 10), ("CDS", CDS_START, stop - 1),
            ("stop_codon", stop, stop + 2)]  # fmt: skip
    gtf = "".join(f"chrV\ttest\t{kind}\t{a}\t{b}\t.\t+\t.\t{ATTRIBUTES}\n" for kind, a, b in rows)
    (tmp_path / "genes.gtf").write_text(gtf)
    header = f"##fileformat=VCFv4.2\n##contig=<ID=chrV,length={len(GENOME)}>\n"
    csq_header = (
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        f'Format: {FIELDS}">\n'
    )
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    somatic = vep = ""
    for pos, ref, alts, info in sorted((chosen or named_records()).values()):
        assert GENOME[pos - 1 : pos - 1 + len(ref)] == ref, (pos, ref)
        somatic_alt = alts.split(",")[-1]
        somatic += f"chrV\t{pos}\t.\t{ref}\t{somatic_alt}\t.\tPASS\t.\n"
        vep += f"chrV\t{pos}\t.\t{ref}\t{alts}\t.\tPASS\t{info}\n"
    (tmp_path / "somatic.vcf").write_text(header + columns + somatic)
    (tmp_path / "vep.vcf").write_text(header + csq_header + columns + vep)
    return {name: str(tmp_path / name) for name in ("genome.fa", "genes.gtf", "somatic.vcf", "vep.vcf")}
