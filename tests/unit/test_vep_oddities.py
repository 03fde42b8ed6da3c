"""A realistic VEP-annotated VCF with the CSQ oddities that real files hold (issue 15): every
somatic variant keeps a row, every row that makes no peptide says why, and the count of
records per reason is printed. Stop-gains that change residues before the stop make
peptides on both paths (GTF and VEP).

The gene: one exon on contig chrV, a 30-codon CDS (ATG ... then TAA) and a 3'UTR.
"""

from collections import Counter

import pandas as pd
import pysam
import pytest

from neoag.annotation.annotate import annotate_vcf
from neoag.annotation.peptides import write_peptides
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
    c12, c14, c20, c25 = codon_pos(12), codon_pos(14), codon_pos(20), codon_pos(25)
    stop = codon_pos(31)  # the TAA
    fs_mt = translate(GENOME[CDS_START - 1 : c25 - 1] + GENOME[c25:])  # one base deleted at codon 25
    return [
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
    ]  # fmt: skip


def write_inputs(tmp_path):
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
    for pos, ref, alts, info in sorted(records()):
        assert GENOME[pos - 1 : pos - 1 + len(ref)] == ref, (pos, ref)
        somatic_alt = alts.split(",")[-1]
        somatic += f"chrV\t{pos}\t.\t{ref}\t{somatic_alt}\t.\tPASS\t.\n"
        vep += f"chrV\t{pos}\t.\t{ref}\t{alts}\t.\tPASS\t{info}\n"
    (tmp_path / "somatic.vcf").write_text(header + columns + somatic)
    (tmp_path / "vep.vcf").write_text(header + csq_header + columns + vep)
    return {name: str(tmp_path / name) for name in ("genome.fa", "genes.gtf", "somatic.vcf", "vep.vcf")}


def annotate_both(tmp_path):
    files = write_inputs(tmp_path)
    common = dict(vcf_path=files["somatic.vcf"], gtf_path=files["genes.gtf"], fasta_path=files["genome.fa"],
                  phase_neighbours=False)  # fmt: skip
    annotate_vcf(**common, out_path=str(tmp_path / "gtf.tsv"), source="gtf")
    annotate_vcf(**common, out_path=str(tmp_path / "vep.tsv"), source="vep", vep_vcf=files["vep.vcf"])
    return tuple(
        pd.read_csv(tmp_path / f"{name}.tsv", sep="\t", dtype=str, keep_default_na=False).set_index("variant_id")
        for name in ("gtf", "vep")
    )


def reasons(table: pd.DataFrame, peptides: pd.DataFrame) -> Counter:
    """Why each row makes no peptide: its consequence, or its flags for a peptide-making one."""
    counts = Counter()
    for variant_id, row in table.iterrows():
        if variant_id in set(peptides.variant_id):
            continue
        flags = [flag for flag in row.annotation_flags.split(",") if flag]
        counts[row.consequence + (f" ({','.join(flags)})" if flags else "")] += 1
    return counts


def test_every_csq_oddity_keeps_its_variant_and_is_counted_by_reason(tmp_path, capsys):
    _, vep = annotate_both(tmp_path)
    write_peptides(str(tmp_path / "vep.tsv"), str(tmp_path / "peptides.tsv"), [8, 9, 10], flank_length=5)
    log = capsys.readouterr().err
    peptides = pd.read_csv(tmp_path / "peptides.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert len(vep) == len(records())  # one row per somatic variant: none lost
    counts = reasons(vep, peptides)
    print("VEP records without peptides, per reason:")
    for reason, n in sorted(counts.items()):
        print(f"  {reason}: {n}")
    skipped_x = int(log.split("skipped ")[1].split(" ")[0])
    print(f"  peptides skipped for non-standard residues: {skipped_x}")
    assert counts == Counter({
        "no_csq": 2,
        "intergenic": 1,
        "incomplete_cds (vep_no_amino_acids)": 1,
        "incomplete_cds (vep_protein_mismatch)": 1,
        "stop_lost (vep_extension_unknown)": 1,
        "synonymous": 1,
    })  # fmt: skip
    making = set(peptides.variant_id)
    assert len(making) == 4  # missense, the two stop-gains with new residues, the frameshift
    assert skipped_x > 0 and not peptides.mt_peptide.str.contains("X").any()
    assert "non_standard_mt_peptide" in log


@pytest.mark.parametrize("which", ["delins", "insertion"])
def test_stop_gains_with_new_residues_make_c_terminal_peptides_on_both_paths(tmp_path, which):
    gtf, vep = annotate_both(tmp_path)
    variant_id = next(v for v in gtf.index if (which == "delins") == (":ACCGTT:" in v) and gtf.loc[v, "consequence"]
                      == "stop_gained")  # fmt: skip
    for table in (gtf, vep):
        row = table.loc[variant_id]
        assert row.consequence == "stop_gained"
        new = row.mt_protein[int(row.mt_start) : int(row.mt_end)]
        assert new == ("I" if which == "delins" else "KL")
        assert row.mt_protein == WT[: int(row.mt_start)] + new
    label = gtf.loc[variant_id, "protein_change"]
    assert label == ("p.Thr14_Val15delinsIleTer" if which == "delins" else "p.Ile20_Tyr21insLysLeuTer")
    columns = ["consequence", "protein_change", "mt_protein", "wt_protein", "mt_start", "mt_end"]
    assert gtf.loc[variant_id, columns].to_dict() == vep.loc[variant_id, columns].to_dict()
    write_peptides(str(tmp_path / "gtf.tsv"), str(tmp_path / "p.tsv"), [9], flank_length=5)
    peptides = pd.read_csv(tmp_path / "p.tsv", sep="\t", dtype=str, keep_default_na=False)
    mine = peptides[peptides.variant_id == variant_id]
    mt = gtf.loc[variant_id, "mt_protein"]
    assert set(mine.mt_peptide) == {mt[start : start + 9] for start in range(int(gtf.loc[variant_id, "mt_start"]) - 8,
                                                                             len(mt) - 8)}  # fmt: skip
    assert any(peptide.endswith(mt[-1]) for peptide in mine.mt_peptide)  # up to the new C-terminus
    assert (mine.wt_peptide != "").all()  # positional wild-type partners
