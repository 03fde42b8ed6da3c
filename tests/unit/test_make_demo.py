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


# ----------------------------------------------------------------------------
# Thinning the simulated read pairs to the planted shares
# ----------------------------------------------------------------------------


def test_parse_art_aln_gives_forward_strand_intervals():
    aln = (
        "##ART_Illumina\tread_length\t4\n@CM\tart_illumina ...\n@SQ\tc1\t20\n##Header End\n"
        ">c1\tc1-5/1-1\t3\t+\nACGT\nACGT\n"
        ">c1\tc1-6/1-1\t2\t-\nAC-GT\nACTGT\n"  # '-' strand: 2 from the end; 4 reference bases
    )
    assert md.parse_art_aln(aln) == {"c1-5": ("c1", 3, 7), "c1-6": ("c1", 14, 18)}


def _planted(contig, pos0, ref, alt, components):
    return md.Planted(md.Edit(contig, pos0, ref, alt), md.Plan("missense", "G", components), None, 0, 0)


def test_variant_windows_follow_each_haplotype():
    planted = [_planted("c1", 10, "ACG", "A", ("Ta",)), _planted("c1", 30, "G", "T", ("Tb",))]
    # Ta carries the 2-bp deletion: the SNV after it moves 2 bases left on Ta's haplotype
    assert md.variant_windows(planted, "Ta", 1, margin=2) == [("c1", 8, 11 + 2), ("c1", 26, 31)]
    assert md.variant_windows(planted, "Tb", 2, margin=2) == [("c1", 8, 15), ("c1", 28, 33)]


def test_covered_windows_needs_one_read_over_the_whole_window():
    pair = md.SimulatedPair("c1-1", "c1", ((0, 12), (20, 40)), ("", ""))
    windows = [("c1", 8, 13), ("c1", 26, 31), ("c2", 0, 5), ("c1", 10, 25)]
    assert md.covered_windows(pair, windows) == (1,)


def test_depth_targets_are_whole_shares_of_the_thinned_depth():
    available = {"A": [30, 9], "B": [31, 40]}
    # v0: 61 / 1.5 = 40.7 -> 40; v1: A has only 9, at most 18 in all
    assert md.depth_targets(available, {"A": 50, "B": 50}, 1.5) == {"A": [20, 9], "B": [20, 9]}
    tumor = {"N1": [20], "N2": [21], "Ta": [60], "Tb": [61], "Tc": [40]}
    assert md.depth_targets(tumor, {"N1": 10, "N2": 10, "Ta": 30, "Tb": 30, "Tc": 20}, 1.0) == {
        "N1": [20], "N2": [20], "Ta": [60], "Tb": [60], "Tc": [40]
    }  # fmt: skip


def test_select_pairs_meets_every_target_with_an_exchange_when_needed():
    # Variant 1 needs both pairs over it, so variant 0 must take its pair shared with 1:
    # whenever the greedy pass takes pair 1 for variant 0 first, an exchange repairs it.
    covers = [(0, 1), (0,), (1,), (), ()]
    for seed in range(20):
        kept = md.select_pairs(covers, [1, 2], keep=0.0, rng=md.random.Random(seed))
        assert kept == [True, False, True, False, False], seed
    assert md.select_pairs(covers, [1, 2], keep=1.0, rng=md.random.Random(0))[3:] == [True, True]


def test_select_pairs_never_overshoots_and_keeps_free_pairs_at_the_rate():
    rng = md.random.Random(1)
    covers = [tuple(sorted(rng.sample(range(3), rng.randint(0, 2)))) for _ in range(3000)]
    kept = md.select_pairs(covers, [100, 120, 90], keep=0.5, rng=md.random.Random(2))
    counts = [sum(k and v in c for k, c in zip(kept, covers)) for v in range(3)]
    assert counts == [100, 120, 90]
    free = [k for k, c in zip(kept, covers) if not c]
    assert 0.45 < sum(free) / len(free) < 0.55
    assert kept == md.select_pairs(covers, [100, 120, 90], keep=0.5, rng=md.random.Random(2))  # seeded


def test_thin_to_planted_shares_realizes_a_germline_het_exactly():
    planted = [md.Planted(md.Edit("c1", 100, "G", "T"), md.Plan("germline_missense", "G", haplotype=1), None, 0, 0)]
    pairs = {
        "H1": [md.SimulatedPair(f"c1-{i}", "c1", ((50 + i, 175 + i), (400, 525)), ("", "")) for i in range(40)],
        "H2": [md.SimulatedPair(f"c1-{i}", "c1", ((60 + i, 185 + i), (400, 525)), ("", "")) for i in range(25)],
    }
    # H1 covers the SNV (window 98-103) with 40 pairs (i <= 48), H2 with 25 (i <= 38)
    kept, realized = md.thin_to_planted_shares(pairs, planted, md.NORMAL_COMPONENTS, 1.5, "test")
    assert realized == [{"H1": 21, "H2": 21}]  # 65 / 1.5 = 43.3 -> 42, half each
    assert sum(kept["H1"]) == 21 and sum(kept["H2"]) == 21
