"""VEP input: hand-written VEP records for gene 1 of test_consequences, and the same
variants through neoag's own GTF path, must give the same annotations table."""

import pandas as pd
import pysam
import pytest

from neoag.annotation.annotate import annotate_vcf
from neoag.annotation.vep import csq_format, first_number, parse_csq, vep_alleles
from neoag.errors import NeoagInputError
from neoag.variants import Variant, normalized_key

GENOME = "T" * 10 + "GCCATGGCTAAACGT" + "GTAAGTACTAACTTTCAG" + "GAATGGCATTAAGCATGACTGAGG" + "T" * 10

ATTRIBUTES = (
    'gene_id "G1"; transcript_id "T1"; gene_name "GENE"; transcript_biotype "protein_coding"; '
    'tag "Ensembl_canonical"; transcript_support_level "1";'
)
GTF_ROWS = [
    ("transcript", 11, 67),
    ("exon", 11, 25),
    ("exon", 44, 67),
    ("CDS", 14, 25),
    ("CDS", 44, 52),
    ("stop_codon", 53, 55),
]

FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSp|cDNA_position|CDS_position|"
    "Protein_position|Amino_acids|Codons|STRAND|FLAGS|CANONICAL|MANE_SELECT|TSL|WildtypeProtein|FrameshiftSequence"
)
WT = "MAKREWH"


def csq(allele, consequence, hgvsp="", cdna="", cds="", protein="", amino_acids="", codons="", frameshift="", **kw):
    """One CSQ entry for transcript T1, as VEP (with --symbol --canonical --mane --tsl --hgvs) writes it."""
    values = dict(
        Allele=allele, Consequence=consequence, IMPACT="MODERATE", SYMBOL="GENE", Gene="G1", Feature_type="Transcript",
        Feature="T1", BIOTYPE="protein_coding", HGVSp=hgvsp, cDNA_position=cdna, CDS_position=cds,
        Protein_position=protein, Amino_acids=amino_acids, Codons=codons, STRAND="1", FLAGS="", CANONICAL="YES",
        MANE_SELECT="", TSL="1", WildtypeProtein=WT, FrameshiftSequence=frameshift,
    )  # fmt: skip
    values.update(kw)
    return "|".join(values[name] for name in FIELDS.split("|"))


# (VCF pos, REF, ALT, CSQ entries): what VEP writes for these variants of gene 1.
RECORDS = [
    (3, "T", "G", [csq("G", "upstream_gene_variant", IMPACT="MODIFIER")]),
    (12, "C", "A", [csq("A", "5_prime_UTR_variant", cdna="2")]),
    (18, "C", "A,G", [
        csq("A", "missense_variant", "T1P:p.Ala2Asp", "8", "5", "2", "A/D", "gCt/gAt"),
        csq("G", "missense_variant", "T1P:p.Ala2Gly", "8", "5", "2", "A/G", "gCt/gGt"),
        csq("A", "non_coding_transcript_exon_variant", Feature="T9", BIOTYPE="lncRNA", WildtypeProtein=""),
    ]),
    (18, "CTA", "ATC", [csq("ATC", "missense_variant", "T1P:p.Ala2_Lys3delinsAspGln", "8-10", "5-7", "2-3", "AK/DQ")]),
    (19, "T", "C", [csq("C", "synonymous_variant", "T1P:p.Ala2%3D", "9", "6", "2", "A", "gcT/gcC")]),
    (19, "T", "TG", [csq("G", "frameshift_variant", "T1P:p.Lys3GlufsTer3", "9-10", "6-7", "2-3", "-/X", "-/G",
                         frameshift="MAET")]),
    (19, "TAAA", "T", [csq("-", "inframe_deletion", "T1P:p.Lys3del", "10-12", "7-9", "3", "K/-", "AAA/-")]),
    (20, "A", "T", [csq("T", "stop_gained", "T1P:p.Lys3Ter", "10", "7", "3", "K/*", "Aaa/Taa")]),
    (22, "A", "ATGG", [csq("TGG", "inframe_insertion", "T1P:p.Lys3_Arg4insTrp", "12-13", "9-10", "3-4", "-/W",
                           "-/TGG")]),
    (26, "G", "A", [csq("A", "splice_donor_variant")]),
    (31, "T", "G", [csq("G", "splice_region_variant&intron_variant")]),  # intron base 6: splice region
    (35, "A", "G", [csq("G", "intron_variant")]),
    (44, "G", "A", [csq("A", "missense_variant&splice_region_variant", "T1P:p.Glu5Lys", "16", "13", "5", "E/K")]),
    # Documented differences: VEP gives no stop-loss extension, and its Frameshift plugin
    # gives no sequence for a frameshift with a splice term.
    (23, "CG", "C", [csq("-", "frameshift_variant&splice_region_variant", "T1P:p.Arg4LeufsTer8", "14", "11", "4",
                         "R/X")]),
    (53, "T", "C", [csq("C", "stop_lost", "T1P:p.Ter8GlnextTer2", "25", "22", "8", "*/Q", "Taa/Caa")]),
]  # fmt: skip
DIFFERENT = {"c:23:CG:C", "c:53:T:C"}


def write_inputs(tmp_path, records=RECORDS, fields=FIELDS):
    (tmp_path / "genome.fa").write_text(f">c\n{GENOME}\n")
    pysam.faidx(str(tmp_path / "genome.fa"))
    gtf = "".join(f"c\ttest\t{f}\t{a}\t{b}\t.\t+\t.\t{ATTRIBUTES}\n" for f, a, b in GTF_ROWS)
    (tmp_path / "genes.gtf").write_text(gtf)
    header = f"##fileformat=VCFv4.2\n##contig=<ID=c,length={len(GENOME)}>\n"
    csq_header = (
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        f'Format: {fields}">\n'
    )
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    somatic = vep = ""
    for pos, ref, alts, entries in sorted(records, key=lambda r: r[0]):
        somatic += f"c\t{pos}\t.\t{ref}\t{alts.split(',')[0]}\t.\tPASS\t.\n"
        vep += f"c\t{pos}\t.\t{ref}\t{alts}\t.\tPASS\tCSQ={','.join(entries)}\n"
    (tmp_path / "somatic.vcf").write_text(header + columns + somatic)
    (tmp_path / "vep.vcf").write_text(header + csq_header + columns + vep)
    return {name: str(tmp_path / name) for name in ("genome.fa", "genes.gtf", "somatic.vcf", "vep.vcf")}


def both_paths(tmp_path, **options):
    files = write_inputs(tmp_path)
    common = dict(vcf_path=files["somatic.vcf"], gtf_path=files["genes.gtf"], fasta_path=files["genome.fa"])
    annotate_vcf(**common, out_path=str(tmp_path / "gtf.tsv"), source="gtf", **options)
    annotate_vcf(**common, out_path=str(tmp_path / "vep.tsv"), source="vep", vep_vcf=files["vep.vcf"], **options)
    # the tables as written (text), so that empty cells compare equal
    return tuple(
        pd.read_csv(tmp_path / name, sep="\t", dtype=str, keep_default_na=False) for name in ("gtf.tsv", "vep.tsv")
    )


def test_vep_input_gives_the_same_annotations_table(tmp_path):
    gtf, vep = both_paths(tmp_path)
    assert len(gtf) == len(vep) == len(RECORDS)
    assert list(gtf.variant_id) == list(vep.variant_id)
    same_g, same_v = gtf[~gtf.variant_id.isin(DIFFERENT)], vep[~vep.variant_id.isin(DIFFERENT)]
    assert same_g.to_dict("records") == same_v.to_dict("records")
    assert set(gtf.consequence) >= {"missense", "synonymous", "frameshift", "inframe_deletion", "inframe_insertion",
                                    "stop_gained", "intron", "5_prime_UTR", "intergenic"}  # fmt: skip


def test_documented_vep_differences(tmp_path):
    gtf, vep = (t.set_index("variant_id") for t in both_paths(tmp_path))
    assert gtf.loc["c:53:T:C", "mt_protein"] == "MAKREWHQA"
    stop_lost = vep.loc["c:53:T:C"]
    assert (stop_lost.consequence, stop_lost.protein_change, stop_lost.mt_protein) == (
        "stop_lost",
        "p.Ter8GlnextTer?",
        "MAKREWHQ",
    )
    assert stop_lost.annotation_flags == "no_stop,vep_extension_unknown"
    frameshift = vep.loc["c:23:CG:C"]
    assert (frameshift.consequence, frameshift.mt_protein) == ("frameshift", "")
    assert frameshift.annotation_flags == "splice_region,vep_no_frameshift_sequence"
    assert gtf.loc["c:23:CG:C", "mt_protein"] == "MAKLNGIKHD"


def test_inconsistent_csq_is_flagged_not_guessed(tmp_path):
    from neoag.annotation.vep import change_from_entry, parse_csq

    (entry,) = parse_csq((csq("A", "missense_variant", "", "8", "5", "2", "G/D"),), FIELDS.split("|"))
    change = change_from_entry(entry, Variant("c", 18, "C", "A"))  # WildtypeProtein has A at 2, not G
    assert (change.consequence, change.flags, change.mt_protein) == ("incomplete_cds", ("vep_protein_mismatch",), "")
    (entry,) = parse_csq(
        (csq("-", "stop_lost&inframe_deletion", "", "22-27", "19-24", "7-8", "H*/-"),), FIELDS.split("|")
    )
    change = change_from_entry(entry, Variant("c", 49, "TCATTAA", "T"))
    assert (change.consequence, change.mt_protein) == ("stop_lost", "")
    assert change.flags == ("vep_extension_unknown",)


def test_restriction_to_canonical_transcripts(tmp_path):
    gtf, vep = both_paths(tmp_path, transcripts="canonical")
    assert len(gtf) == len(vep) == len(RECORDS)
    with pytest.raises(NeoagInputError, match="no transcript of this GTF has a MANE_Select tag"):
        both_paths(tmp_path, transcripts="mane_select")


def test_missing_plugin_fields_are_a_clear_error(tmp_path):
    fields = FIELDS.replace("|WildtypeProtein|FrameshiftSequence", "")
    files = write_inputs(tmp_path, records=[(18, "C", "A", ["A|missense_variant"])], fields=fields)
    with pytest.raises(NeoagInputError, match="lacks WildtypeProtein, FrameshiftSequence.*--plugin Wildtype"):
        annotate_vcf(files["somatic.vcf"], files["genes.gtf"], files["genome.fa"], str(tmp_path / "o.tsv"),
                     source="vep", vep_vcf=files["vep.vcf"])  # fmt: skip


def test_a_somatic_variant_missing_from_the_vep_vcf_is_a_clear_error(tmp_path):
    files = write_inputs(tmp_path)
    (tmp_path / "other.vcf").write_text(
        "".join(line for line in open(files["vep.vcf"]) if not line.startswith("c\t18\t"))
    )
    with pytest.raises(NeoagInputError, match="no record for the somatic variant c:18:C:A"):
        annotate_vcf(files["somatic.vcf"], files["genes.gtf"], files["genome.fa"], str(tmp_path / "o.tsv"),
                     source="vep", vep_vcf=str(tmp_path / "other.vcf"))  # fmt: skip


def test_csq_helpers():
    assert csq_format('Consequence annotations from Ensembl VEP. Format: Allele|Consequence|Feature_type|Feature|'
                      'Protein_position|Amino_acids|WildtypeProtein|FrameshiftSequence', "x.vcf")[:2] == [
        "Allele", "Consequence"]  # fmt: skip
    (entry,) = parse_csq(("A|p.Ala2%3D",), ["Allele", "HGVSp", "Extra"])
    assert entry == {"Allele": "A", "HGVSp": "p.Ala2=", "Extra": ""}
    assert vep_alleles("TAAA", ["T"]) == ["-"]
    assert vep_alleles("A", ["ATGG"]) == ["TGG"]
    assert vep_alleles("C", ["A", "G"]) == ["A", "G"]
    assert vep_alleles("AT", ["A", "CT"]) == ["A", "CT"]  # first bases differ: nothing removed
    assert [first_number(t) for t in ("35", "35-36", "?-36", "")] == [35, 35, None, None]


def test_normalized_key_left_aligns_indels():
    genome = "GCAAAAT"

    def fetch(chrom, a, b):
        return genome[a:b]

    leftmost = normalized_key(Variant("c", 2, "CA", "C"), fetch)
    assert leftmost == ("c", 2, "A", "")
    assert normalized_key(Variant("c", 5, "AA", "A"), fetch) == leftmost  # the same deletion, written right-shifted
    assert normalized_key(Variant("c", 3, "AAA", "AA"), fetch) == leftmost
    assert normalized_key(Variant("c", 6, "A", "AA"), fetch) == ("c", 2, "", "A")
