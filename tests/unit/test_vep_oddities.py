"""A realistic VEP-annotated VCF (tests/corpus/vep_file.py) with the CSQ oddities of real files: every
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
from tests.corpus.vep_file import WT, records, write_inputs


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


def write_tumor_bam(tmp_path, carriers: list[str], n_ref: int):
    """Single-end 50 bp tumor reads over codon 12 of the gene: one per carrier haplotype
    sequence (reads from 20, 0-based), and n_ref reference reads."""
    from tests.corpus.vep_file import GENOME

    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrV", "LN": len(GENOME)}]}
    unsorted, path = str(tmp_path / "t.unsorted.bam"), str(tmp_path / "tumor.bam")
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for number, sequence in enumerate(carriers + [GENOME] * n_ref):
            read = pysam.AlignedSegment(out.header)
            read.query_name, read.flag, read.reference_id, read.reference_start = f"r{number}", 0, 0, 20
            read.query_sequence, read.mapping_quality, read.cigarstring = sequence[20:70], 60, "50M"
            read.query_qualities = pysam.qualitystring_to_array("I" * 50)
            out.write(read)
    pysam.sort("-o", path, unsorted)
    pysam.index(path)
    return path


@pytest.mark.parametrize("phase", ["cis", "trans"])
def test_two_somatic_snvs_in_one_codon_combine_when_the_reads_put_them_in_cis(tmp_path, phase):
    """Codon 12 CAA (Gln): C>G alone gives Glu, A>C alone Pro; on the same reads GCA, Ala.
    Both paths (GTF, and VEP with its neighbours now applied) give the patient's residue."""
    from tests.corpus.vep_file import GENOME, codon_pos, csq

    c12 = codon_pos(12)
    chosen = {"first": (c12, "C", "G", "CSQ=" + csq("G", "missense_variant", "12", "Q/E")),
              "second": (c12 + 1, "A", "C", "CSQ=" + csq("C", "missense_variant", "12", "Q/P"))}  # fmt: skip
    files = write_inputs(tmp_path, chosen)
    first = GENOME[: c12 - 1] + "G" + GENOME[c12:]
    second = GENOME[:c12] + "C" + GENOME[c12 + 1 :]
    both = GENOME[: c12 - 1] + "GC" + GENOME[c12 + 1 :]
    carriers = [both] * 8 if phase == "cis" else [first] * 8 + [second] * 8
    tumor = write_tumor_bam(tmp_path, carriers, n_ref=8)
    common = dict(vcf_path=files["somatic.vcf"], gtf_path=files["genes.gtf"], fasta_path=files["genome.fa"],
                  tumor_bam=tumor, peptide_lengths=(9,), flank_length=0)  # fmt: skip
    annotate_vcf(**common, out_path=str(tmp_path / "gtf.tsv"), source="gtf")
    annotate_vcf(**common, out_path=str(tmp_path / "vep.tsv"), source="vep", vep_vcf=files["vep.vcf"])
    for name in ("gtf", "vep"):
        table = pd.read_csv(tmp_path / f"{name}.tsv", sep="\t", dtype=str, keep_default_na=False)
        residues = [protein[11] for protein in table.mt_protein]
        labels = list(table.protein_change)
        assert labels == ["p.Gln12Glu", "p.Gln12Pro"], name  # labels describe each variant alone
        if phase == "cis":
            assert residues == ["A", "A"], name
            assert list(table.cis_variants) == [f"chrV:{c12 + 1}:A:C(somatic)", f"chrV:{c12}:C:G(somatic)"], name
        else:
            assert residues == ["E", "P"], name
            assert list(table.trans_variants) == [f"chrV:{c12 + 1}:A:C(somatic)", f"chrV:{c12}:C:G(somatic)"], name


def test_two_somatic_snvs_that_make_a_stop_together_truncate_the_patients_protein(tmp_path):
    """Codon 7 CAT (His): C>T alone gives Tyr, T>A alone Gln; on the same reads TAA, a stop. Both
    paths end both rows' mutant protein before residue 7, and no peptide claims Tyr or Gln."""
    from tests.corpus.vep_file import GENOME, codon_pos, csq

    c7 = codon_pos(7)
    chosen = {"first": (c7, "C", "T", "CSQ=" + csq("T", "missense_variant", "7", "H/Y")),
              "second": (c7 + 2, "T", "A", "CSQ=" + csq("A", "missense_variant", "7", "H/Q"))}  # fmt: skip
    files = write_inputs(tmp_path, chosen)
    tumor = write_tumor_bam(tmp_path, [GENOME[: c7 - 1] + "TAA" + GENOME[c7 + 2 :]] * 8, n_ref=8)
    common = dict(vcf_path=files["somatic.vcf"], gtf_path=files["genes.gtf"], fasta_path=files["genome.fa"],
                  tumor_bam=tumor, peptide_lengths=(8,), flank_length=0)  # fmt: skip
    for name in ("gtf", "vep"):
        annotate_vcf(**common, out_path=str(tmp_path / f"{name}.tsv"), source=name, vep_vcf=files["vep.vcf"])
        table = pd.read_csv(tmp_path / f"{name}.tsv", sep="\t", dtype=str, keep_default_na=False)
        assert list(table.mt_protein) == [WT[:6], WT[:6]], name
        write_peptides(str(tmp_path / f"{name}.tsv"), str(tmp_path / "p.tsv"), [8], flank_length=0)
        assert len(pd.read_csv(tmp_path / "p.tsv", sep="\t")) == 0, name
