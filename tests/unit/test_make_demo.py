"""The demo generator (resources/demo/make_demo.py): its pure functions, and that
the committed demo files are what the generator makes. Tools (ART, bwa) are not run.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


def _load():
    spec = importlib.util.spec_from_file_location("make_demo", DEMO / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


md = _load()


@pytest.fixture(scope="module")
def design():
    return md.design()


def test_translate_and_protein_from():
    assert md.translate("ATGGGTTAAC") == "MG*"
    assert md.protein_from("CCATGAAATAGAAA", 2) == "MK*"
    assert md.protein_from("ATGAAAAA", 0) == "MK"  # no stop before the end: no '*'


def test_missense_label():
    change = md.describe_protein_change("MGKL*", "MGDL*", frameshift=False)
    assert (change.variant_class, change.label) == ("missense", "p.Lys3Asp")


def test_frameshift_label_counts_ter_from_first_changed_residue():
    # ATG AAA GGG TTT CCC TAA AG TAG -> a C after ATGA: ATG ACA AGG GTT TCC CTA AAG TAG
    wt_mrna = "ATGAAAGGGTTTCCCTAA" + "AGTAG"
    mt_mrna = "ATGA" + "C" + wt_mrna[4:]
    wt, mt = md.protein_from(wt_mrna, 0), md.protein_from(mt_mrna, 0)
    assert (wt, mt) == ("MKGFP*", "MTRVSLK*")
    change = md.describe_protein_change(wt, mt, frameshift=True)
    assert change.label == "p.Lys2ThrfsTer7"  # Thr2 is 1, the stop is the 7th
    assert md.peptide_context(mt, change) == "MTRVSLK"


def test_stop_loss_label_counts_ter_after_the_old_stop():
    wt = md.protein_from("ATGAAATAGCCCGGGTGA", 0)  # MK*
    mt = md.protein_from("ATGAAACAGCCCGGGTGA", 0)  # MKQPG*
    change = md.describe_protein_change(wt, mt, frameshift=False)
    # Gln3 replaces Ter3; the new stop is at 6, three positions after the old one.
    assert (change.variant_class, change.label) == ("stop_lost", "p.Ter3GlnextTer3")
    assert md.peptide_context(mt, change) == "MKQPG"


def test_inframe_labels_and_3prime_rule():
    assert md.describe_protein_change("MKGLP*", "MKLP*", False).label == "p.Gly3del"
    assert md.describe_protein_change("MKGLP*", "MKP*", False).label == "p.Gly3_Leu4del"
    assert md.describe_protein_change("MKGLP*", "MKGWLP*", False).label == "p.Gly3_Leu4insTrp"
    # a deletion in a run of Gly is put on the last one (HGVS 3' rule)
    assert md.describe_protein_change("MGGGL*", "MGGL*", False).label == "p.Gly4del"


def test_cds_phases():
    assert md.cds_phases([10, 8, 30]) == [0, 2, 0]
    assert md.cds_phases([9, 4, 5]) == [0, 0, 2]


def test_indel_is_unshiftable():
    seq = "ACGTTTGCA"
    assert not md.indel_is_unshiftable(seq, 3, "TT", "T")  # one T of TTT: slides
    assert md.indel_is_unshiftable(seq, 1, "CG", "C")  # the G between C and T
    assert not md.indel_is_unshiftable(seq, 0, "A", "AC")  # A|C|C: slides right
    assert md.indel_is_unshiftable(seq, 0, "A", "AG")


def test_minus_strand_transcript():
    # exons [2,8) and [12,18) on the forward strand; transcript reads 5'->3' leftward
    genome = "NN" + "CATAAG" + "ACTT" + "CCCATG" + "NN"
    t = md.Transcript("T", "T-201", "P", "c", "-", [(12, 18), (2, 8)], 0, 12, True)
    assert t.mrna(genome) == "CATGGGCTTATG"
    assert t.genome_position(0) == 17 and t.genome_position(6) == 7
    # the CDS without its stop codon (the last three mRNA bases, genome 2..4)
    assert t.cds_segments() == [(12, 18), (5, 8)]
    assert t.stop_codon() == [(2, 5)]


def test_apply_edits_and_lift():
    seq = "AAACCCGGGTTT"
    edits = [md.Edit("c", 2, "AC", "A"), md.Edit("c", 8, "G", "GTT")]
    assert md.apply_edits(seq, edits) == "AAACCGGGTTTTT"
    assert md.lift(6, edits) == 5 and md.lift(12, edits) == 13


def test_committed_files_match_the_generator(design):
    contigs, genes, planted = design
    with open(DEMO / "genome.fa") as handle:
        committed = {}
        for line in handle:
            if line.startswith(">"):
                name = line[1:].strip()
                committed[name] = []
            else:
                committed[name].append(line.strip())
    hla = md.hla_design()
    assert {k: "".join(v) for k, v in committed.items()} == {**contigs, "chr6": hla.reference}
    assert (DEMO / "annotation.gtf").read_text() == "\n".join(md.gtf_lines(genes)) + "\n"
    assert (DEMO / "truth.tsv").read_text() == md.truth_text(md.truth_rows(contigs, planted))
    records = md.hla_reference_records(hla.alleles)
    assert (DEMO / "hla_reference.fa").read_text() == "".join(f">{h}\n{s}\n" for h, s in records)
    assert (DEMO / "hla_truth.tsv").read_text() == md.hla_truth_text(hla)


def test_hla_design_matches_the_sample_sheet_and_its_traps():
    hla = md.hla_design()
    sheet = (DEMO.parents[1] / "config" / "samples.tsv").read_text().splitlines()[1].split("\t")[-1]
    patient = {f"HLA-{a.name}" for a in hla.alleles if a.role == "patient"}
    assert patient == set(sheet.split(","))
    records = {h.split()[1]: s for h, s in md.hla_reference_records(hla.alleles)}
    assert all("SYNTHETIC" in h for h, _ in md.hla_reference_records(hla.alleles))
    assert records["A*02:09"] == records["A*02:01"]  # identical over the typed exons: a tie
    assert sum(a != b for a, b in zip(records["A*99:02"], records["A*02:01"])) == 1
    assert len(set(map(len, records.values()))) == 1
    for locus, strand, _start, _end, exons in hla.genes:
        genome_allele = next(a for a in hla.alleles if a.locus == locus and a.role == "genome")
        for hap, genome in ((0, hla.reference), *hla.haplotypes.items()):
            allele = (
                genome_allele if hap == 0 else next(a for a in hla.alleles if a.locus == locus and a.haplotype == hap)
            )
            pieces = [genome[a:b] if strand == "+" else md.reverse_complement(genome[a:b]) for a, b in exons]
            assert tuple(pieces) == allele.exons


def _gtf_transcripts():
    """transcript_id -> strand, exons, CDS rows (with phase), stop codon, from the committed GTF."""
    attribute = re.compile(r'(\S+) "([^"]*)"')
    transcripts = {}
    for line in (DEMO / "annotation.gtf").read_text().splitlines():
        if line.startswith("#"):
            continue
        contig, _, feature, start, end, _, strand, phase, attrs = line.split("\t")
        if feature not in ("exon", "CDS", "stop_codon"):
            continue
        a = dict(attribute.findall(attrs))
        t = transcripts.setdefault(a["transcript_id"], {"contig": contig, "strand": strand, "rows": []})
        t["rows"].append((feature, int(start) - 1, int(end), phase, int(a["exon_number"])))
    return transcripts


def test_gtf_cds_translates_with_the_written_phases(design):
    contigs, _, _ = design
    transcripts = _gtf_transcripts()
    assert len(transcripts) == 7
    for tid, t in transcripts.items():
        seq = contigs[t["contig"]]

        def piece(start, end, strand=t["strand"], seq=seq):
            return seq[start:end] if strand == "+" else md.reverse_complement(seq[start:end])

        exons = sorted((r for r in t["rows"] if r[0] == "exon"), key=lambda r: r[4])
        starts = [r[1] for r in exons]
        assert starts == sorted(starts, reverse=t["strand"] == "-"), f"{tid}: exon_number not 5'->3'"
        cds, coding = sorted((r for r in t["rows"] if r[0] == "CDS"), key=lambda r: r[4]), ""
        for _, start, end, phase, _ in cds:
            assert int(phase) == (3 - len(coding) % 3) % 3, f"{tid}: wrong phase"
            coding += piece(start, end)
        stop = [piece(r[1], r[2]) for r in t["rows"] if r[0] == "stop_codon"]
        protein = md.translate(coding + "".join(stop))
        assert protein.startswith("M") and protein.endswith("*") and protein.count("*") == 1, tid


def test_truth_rows(design):
    contigs, _, _ = design
    rows = [line.split("\t") for line in (DEMO / "truth.tsv").read_text().splitlines()]
    header, rows = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert header == list(md.TRUTH_COLUMNS)
    classes = [r["variant_class"] for r in rows if r["origin"] == "somatic"]
    assert classes.count("missense") >= 12 and classes.count("frameshift") == 2
    assert {"inframe_insertion", "inframe_deletion", "stop_lost"} <= set(classes)
    for r in rows:
        pos = int(r["pos"]) - 1
        assert contigs[r["chrom"]][pos : pos + len(r["ref"])] == r["ref"]
        assert 0.15 <= float(r["tumor_vaf"]) <= 0.6
        if r["variant_class"] == "missense":
            assert len(r["mt_context"]) == 21 or r["mt_context"].startswith("M")
    # the cis pair: a germline SNP 6-15 bp from a somatic SNV, both on hap1 clones
    germline = [r for r in rows if r["origin"] == "germline" and r["variant_class"] == "missense"]
    pairs = [
        (g, s)
        for g in germline
        for s in rows
        if s["origin"] == "somatic" and s["chrom"] == g["chrom"] and 6 <= abs(int(s["pos"]) - int(g["pos"])) <= 15
    ]
    assert len(pairs) == 1
    g, s = pairs[0]
    assert set(s["tumor_components"].split(",")) <= set(g["tumor_components"].split(","))
    germline_residue = re.match(r"p\.[A-Za-z]{3}(\d+)([A-Za-z]{3})", g["protein_change"])
    somatic_residue = re.match(r"p\.[A-Za-z]{3}(\d+)", s["protein_change"])
    offset = int(germline_residue.group(1)) - int(somatic_residue.group(1))
    new_aa = next(k for k, v in md.THREE_LETTER.items() if v == germline_residue.group(2))
    assert s["mt_context"][10 + offset] == new_aa  # the germline change shows in the somatic peptide
